#!/usr/bin/env bash
# sipp-bench.sh - calls per second through e911-dataplane and through Kamailio
# (tools/bench/kamailio/kamailio.cfg, the same stateless job) in the namespace
# lab, taking turns on the same machine in the same run. sipp callers place a
# 50/50 mix of emergency calls (911 with SDP + PIDF-LO, to the trunk:
# INVITE/180/200/ACK/BYE/200) and ordinary calls (to the default next hop:
# INVITE/200/ACK/BYE/200). A step runs one rate for STEP seconds; it is good
# when every call completed, at the callers and at the far ends (trunk-bench.xml,
# next-hop-bench.xml: lost messages are retransmitted as real UAs do, and
# messages that a proxy with several workers relays out of order are taken),
# within twice the step's time, and sipp kept up 90% of the rate; a step that failed while
# the rest of the host (other people's builds and tests: the machine is shared) took more than
# a quarter of a CPU is run once more. The search doubles the rate until a step is not good,
# then bisects between the last good and the first bad rate (to 5%), within SECS seconds per
# proxy and search. It prints per proxy the highest good rate, the CPU the proxy used at that
# rate (cores, and per relayed message) and the ratio; with -n, the medians. Each step says
# what sipp and the rest of the host used, and where datagrams were lost (kernel counters).
#   -s STEP   seconds per step (default 8)          -r START  first rate, calls/s (default 1000)
#   -m MAX    highest rate tried (default 40000)    -t SECS   time for one search (default 400)
#   -n RUNS   searches per proxy, alternating (1)   -k DIR    keep the logs (the failed steps' too)
#   -a ARGS   more e911-dataplane options (e.g. "--overload-ms 0")
#   -p PROXY  measure only e911-dataplane or only Kamailio (no ratio)
#   -c free   no CPU placement (default: every process and thread of each proxy on CPU 1,
#             every sipp on CPU 0: both proxies get the same CPU and the same load generator)
#   --smoke   one short low-rate step each (CI)
# Needs root (namespaces). Removes what it made, also on failure.
# On a 2-CPU machine sipp gets one CPU, and these calls cost it about 180 us of CPU each (four
# sipp processes; perf: its own parsing and the kernel's UDP), so it saturates near 5,000-6,000
# calls/s: a limit there is sipp's, not the proxy's, and both proxies reach it. The proxy's CPU
# per relayed message at that rate, and tools/bench/packet-bench.sh, show how far apart they are.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
root=$PWD
step=8 max=40000 start=1000 budget=400 runs=1 keep='' dp_args='' smoke=false proxies='e911-dataplane Kamailio' placement=split
while [ $# -gt 0 ]; do
  case $1 in
    -s) step=$2; shift ;;
    -m) max=$2; shift ;;
    -r) start=$2; shift ;;
    -t) budget=$2; shift ;;
    -n) runs=$2; shift ;;
    -k) keep=$2; shift ;;
    -a) dp_args=$2; shift ;;
    -c) placement=$2; shift ;;
    -p) case $2 in e911-dataplane|Kamailio) proxies=$2 ;; *) echo "sipp-bench: -p e911-dataplane|Kamailio" >&2; exit 2 ;; esac; shift ;;
    --smoke) smoke=true; step=3 max=20 start=20 runs=1 ;;
    *) sed -n '2,30p' "$0"; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "sipp-bench: needs root (network namespaces)" >&2; exit 2; }
[ -x build/dataplane/app/e911-dataplane ] || tools/build.sh build || exit 1
lab=$root/tools/lab/lab.sh id=sb$$ work=$(mktemp -d) proxy_pid='' proxy=''
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  stop_proxy
  "$lab" down "$id"
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp -r "$work"/. "$keep"/; fi
  rm -rf "$work"
}
trap cleanup EXIT
"$lab" up "$id" || exit 1
ns() { "$lab" ns "$id" "$1"; }
nsx() { ip netns exec "$(ns "$1")" "${@:2}"; }
hz=$(getconf CLK_TCK)
# CPU placement: both proxies get the same CPU, 1 (e911-dataplane's worker lcore; Kamailio's
# processes), and sipp, the load generator, gets CPU 0 in both runs, so that neither proxy takes
# the load generator's CPU nor the load generator the proxy's.
# The dataplane's main lcore (0.06 cores: housekeeping) and its control threads go to CPU 1 with
# its worker, as Kamailio's main, timer and other processes do.
pin_proxy=() pin_gen=() dp_lcores=(-l 0-1)
if [ "$placement" = split ] && [ "$(nproc)" -ge 2 ]; then
  pin_proxy=(taskset -c 1) pin_gen=(taskset -c 0) dp_lcores=(--lcores '0@1,1@1')
fi

cpu_ticks() { # user + system ticks of every thread of every process in the proxy's namespace
  local p
  for p in $(ip netns pids "$(ns proxy)"); do cat /proc/"$p"/task/*/stat 2>/dev/null; done |
    sed 's/^.*) //' | awk '{t += $12 + $13} END {print t + 0}'
}

gen_ticks() { # the same for the sipp processes (callers, trunk, next hop): the load generator
  local r p
  for r in caller trunk hop; do
    for p in $(ip netns pids "$(ns "$r")"); do cat /proc/"$p"/task/*/stat 2>/dev/null; done
  done | sed 's/^.*) //' | awk '{t += $12 + $13} END {print t + 0}'
}

host_ticks() { # "TASKS IRQ STEAL": all CPUs' ticks in processes (user and system; not nice, the user
  # time of processes that lowered their priority: long fuzzing runs here take what is idle at
  # nice 19), in interrupts and softirqs (where the kernel accounts them apart: much of the veths'
  # and the bridge's work), and the hypervisor's steal
  awk '$1 == "cpu" {print $2 + $4, $7 + $8, $9; exit}' /proc/stat
}

# Where datagrams are lost, per namespace: "ROLE NAME VALUE" for the kernel's UDP drop counters
# (a socket's receive buffer full: RcvbufErrors; its send buffer: SndbufErrors), IP reassembly
# failures, and (host-wide) the per-CPU input backlog's drops (/proc/net/softnet_stat, column 2).
net_counters() {
  local r
  for r in proxy caller trunk hop; do
    nsx "$r" cat /proc/net/snmp | awk -v r="$r" '
      $1 == "Ip:" && !ih {for (i = 2; i <= NF; i++) ip[i] = $i; ih = 1; next}
      $1 == "Ip:" {for (i = 2; i <= NF; i++) if (ip[i] ~ /^(ReasmFails|InDiscards|OutDiscards)$/) print r, ip[i], $i}
      $1 == "Udp:" && !uh {for (i = 2; i <= NF; i++) u[i] = $i; uh = 1; next}
      $1 == "Udp:" {for (i = 2; i <= NF; i++) if (u[i] ~ /^(InDatagrams|InErrors|RcvbufErrors|SndbufErrors|MemErrors|NoPorts)$/) print r, u[i], $i}'
  done
  local d=0 _ x
  while read -r _ x _; do d=$((d + 16#$x)); done </proc/net/softnet_stat
  echo "host BacklogDrops $d"
}
# The difference of two net_counters outputs, the drop counters that moved: "ROLE NAME +N ..."
net_drops() { # BEFORE AFTER
  awk 'NR == FNR {b[$1 " " $2] = $3; next}
       $2 != "InDatagrams" && $3 - b[$1 " " $2] > 0 {printf "%s%s %s +%d", sep, $1, $2, $3 - b[$1 " " $2]; sep = ", "}' "$1" "$2"
}

# The proxies take turns on the proxy host's eth0: the dataplane owns it through net_af_packet
# (no kernel address); Kamailio uses the kernel's UDP on the same address.
start_proxy() { # e911-dataplane | Kamailio
  proxy=$1
  case $1 in
    e911-dataplane)
      local dpa
      read -ra dpa <<<"$dp_args"
      # Not through nsx: $! must be the dataplane itself (ip netns exec execs it).
      : >>"$work/dp.log" # there before the first look for "running:"
      ip netns exec "$(ns proxy)" build/dataplane/app/e911-dataplane --no-huge -m 1024 "${dp_lcores[@]}" --no-pci \
        --file-prefix "e911$id" --vdev net_af_packet0,iface=eth0,blocksz=8192,framesz=8192,framecnt=1024 -- \
        --config examples/lab.xml --sip-address 198.18.0.10/15 --default-hop 198.19.1.1:5080 "${dpa[@]}" \
        >>"$work/dp.log" 2>&1 </dev/null &
      proxy_pid=$!
      local _
      for _ in $(seq 50); do [ "$(grep -c "running:" "$work/dp.log")" -ge "$2" ] && return 0; sleep 0.2; done
      echo "sipp-bench: e911-dataplane did not start" >&2; tail -5 "$work/dp.log" >&2; return 1 ;;
    Kamailio)
      nsx proxy ip addr add 198.18.0.10/15 dev eth0
      # -x tlsf: Kamailio's O(1) memory manager, for shm and pkg. Debian's build defaults to qm,
      # the debugging one, whose malloc walks every free-list bucket from the size asked for up;
      # with mem_join on (the default) freed fragments are joined back into one big one, so nearly
      # every malloc walks all ~2,100 buckets: perf put 52% of Kamailio's CPU in qm_malloc, and it
      # spent 2.5 times the CPU per relayed message that tlsf (or fm, or qm with mem_join=0) does.
      # -b 1048576: its socket's receive buffer may grow to 1 MB, as every sipp's does here
      # (-buff_size), where Kamailio's own probe stops at 256 KB: a worker that the shared CPUs
      # keep off for a few ms then loses a burst (RcvbufErrors), and the retransmissions that
      # follow take the rest down. (e911-dataplane's net_af_packet ring holds 1,024 frames.)
      ip netns exec "$(ns proxy)" "${pin_proxy[@]}" kamailio -f "$root/tools/bench/kamailio/kamailio.cfg" -DD -E -n 2 -x tlsf -b 1048576 \
        -l udp:198.18.0.10:5060 -Y "$work" >>"$work/kamailio.log" 2>&1 </dev/null &
      proxy_pid=$!
      sleep 1
      kill -0 "$proxy_pid" 2>/dev/null && return 0
      echo "sipp-bench: Kamailio did not start" >&2; tail -5 "$work/kamailio.log" >&2; return 1 ;;
  esac
}
stop_proxy() {
  [ -n "$proxy_pid" ] || return 0
  kill -TERM "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null
  [ "$proxy" = Kamailio ] && nsx proxy ip addr del 198.18.0.10/15 dev eth0
  proxy_pid=
}

# sipp everywhere: 1 MB socket buffers (sipp's default is 64 KB: at thousands of calls/s a
# burst would be lost in sipp's own socket, whichever proxy is measured), errors traced.
sipp_opts() { # STEP: the whole step fails after twice its time
  echo -nostdin -buff_size 1048576 -trace_err -timeout $(($1 * 2 + 10))s -timeout_error
}

# One step: RATE calls/s for STEP s, half emergency, half ordinary. Sets step_ticks (the
# proxy's CPU) and step_why (why it was not good). @return 0 when the step is good.
run_step() { # RATE
  local half=$(( $1 / 2 )) calls o
  calls=$((half * step))
  rm -f "$work"/*_errors.log "$work"/*.out
  read -ra o <<<"$(sipp_opts "$step")"
  # sipp 3.6's -timeout can hang it for good: its SIGALRM handler logs the error with localtime(),
  # and when the alarm lands while sipp itself is in localtime() (it stamps every error it
  # traces) the handler waits on glibc's tzset lock forever (seen: a next hop asleep in
  # futex_wait 19 minutes into a 26 s step). So each sipp is also killed 20 s after its timeout.
  local guard=(timeout -s KILL $((step * 2 + 30)))
  (cd "$work" && nsx trunk "${pin_gen[@]}" "${guard[@]}" sipp "${o[@]}" -sf "$root/tools/sipp/trunk-bench.xml" -i 198.19.0.20 -p 5060 \
     -m "$calls" >"$work/trunk.out" 2>&1) &
  local t=$!
  (cd "$work" && nsx hop "${pin_gen[@]}" "${guard[@]}" sipp "${o[@]}" -sf "$root/tools/sipp/next-hop-bench.xml" -i 198.19.1.1 -p 5080 \
     -m "$calls" >"$work/hop.out" 2>&1) &
  local h=$!
  sleep 0.5
  local t0 t1 g0 g1 b0 b1 i0 i1 s0 s1
  net_counters >"$work/net.before"
  t0=$(cpu_ticks) g0=$(gen_ticks); read -r b0 i0 s0 < <(host_ticks)
  (cd "$work" && nsx caller "${pin_gen[@]}" "${guard[@]}" sipp "${o[@]}" -sf "$root/tools/sipp/caller.xml" -s 911 -i 198.18.10.25 -p 5061 \
     -r "$half" -m "$calls" 198.18.0.10:5060 >"$work/e.out" 2>&1) &
  local e=$!
  (cd "$work" && nsx caller "${pin_gen[@]}" "${guard[@]}" sipp "${o[@]}" -sf "$root/tools/sipp/caller.xml" -s +14255550199 \
     -i 198.18.10.25 -p 5062 -r "$half" -m "$calls" 198.18.0.10:5060 >"$work/o.out" 2>&1) &
  local c=$! failed=()
  # CPU over the step's STEP seconds while the callers place calls (read before any sipp exits:
  # the ticks of a process that has gone are gone with it)
  sleep "$step"
  t1=$(cpu_ticks) g1=$(gen_ticks); read -r b1 i1 s1 < <(host_ticks)
  reap() { # PID NAME: NAME joins the failed when its sipp failed (137: it hung and was killed)
    local rc=0
    wait "$1" || rc=$?
    [ "$rc" -eq 0 ] || failed+=("$2$([ "$rc" -eq 137 ] && echo ' (hung: killed)')")
  }
  reap "$e" "emergency callers"; reap "$c" "ordinary callers"; reap "$t" trunk; reap "$h" "next hop"
  net_counters >"$work/net.after"
  step_ticks=$((t1 - t0)) step_gen=$((g1 - g0))
  # what else ran meanwhile: the processes' CPU less the proxy's and sipp's (the other engineers'
  # builds and tests on this shared host), interrupts, and the hypervisor's steal
  step_others=$((b1 - b0 - step_ticks - step_gen)) step_irq=$((i1 - i0)) step_steal=$((s1 - s0))
  [ "$step_others" -ge 0 ] || step_others=0
  step_drops=$(net_drops "$work/net.before" "$work/net.after")
  if [ ${#failed[@]} -gt 0 ]; then
    local f err
    f=$(for x in e o trunk hop; do
          sed -n 's/^ *Failed call *| *[0-9]* *| *\([0-9]*\).*/\1/p' "$work/$x.out" | tail -1
        done | awk '{s += $1} END {print s + 0}')
    # the first reason sipp gave (its errors log runs entries together; late ACKs are no reason)
    err=$(cat "$work"/*_errors.log 2>/dev/null | grep -ohE "(Aborting call[^']*'[^']{0,40}|Failed regexp match|[a-z-]+ timed out after '[0-9.]+' seconds)" |
          head -1 | tr -d '\r\n')
    # 503s: the proxy shed ordinary INVITEs (e911-dataplane under overload; Kamailio never does)
    local shed
    shed=$(cat "$work"/caller_*_errors.log 2>/dev/null | grep -c "received 'SIP/2.0 503")
    if [ "$shed" -gt 0 ]; then shed="; $shed INVITEs answered 503 (shed)"; else shed=; fi
    step_why="not every call completed (${failed[*]}; $f failed calls${err:+; first: $err}$shed; proxy CPU $(cores "$step_ticks") cores, sipp $(cores "$step_gen"), others $(cores "$step_others"), irq $(cores "$step_irq"), steal $(cores "$step_steal")${step_drops:+; kernel drops: $step_drops})"
    if [ -n "$keep" ]; then
      mkdir -p "$work/failed-$proxy-$1" && cp "$work"/*.out "$work"/*_errors.log "$work/failed-$proxy-$1/" 2>/dev/null
    fi
    return 1
  fi
  local got
  got=$(for x in e o; do
          sed -n 's/^ *Call Rate *|.*| *\([0-9.]*\) cps.*/\1/p' "$work/$x.out" | tail -1
        done | awk '{s += $1} END {printf "%.0f", s}')
  # (not in a smoke run: 30 calls a caller, one of them 500 ms late on a busy host, and sipp's
  # average falls under 90%; what CI checks is that every call completed)
  if ! $smoke && [ "$got" -lt $(( $1 * 9 / 10 )) ]; then
    step_why="sipp reached only $got calls/s"
    return 1
  fi
  # the callers' retransmissions (INVITE, BYE): messages the proxy lost or answered late
  step_retrans=$(for x in e o; do
                   awk '/Messages  Retrans/ {r = 0} /---------->/ {r += $4} END {print r + 0}' "$work/$x.out"
                 done | awk '{s += $1} END {print s + 0}')
  return 0
}

# One search: double from START until a step is not good, then bisect. Prints
# "BEST TICKS GEN" (BEST 0: no good step; TICKS, GEN: the proxy's and sipp's CPU in the best step).
search() {
  local t_end=$((SECONDS + budget)) good=0 good_ticks=0 good_gen=0 bad=0 rate=$start again=0 disturbed=0 others=()
  say() { echo "   $proxy: $1 calls/s for ${step}s: $2" >&2; }
  while :; do
    [ $((SECONDS + step + 6)) -le "$t_end" ] || { echo "   $proxy: out of time (${budget}s)" >&2; break; }
    if run_step "$rate"; then
      good=$rate good_ticks=$step_ticks good_gen=$step_gen again=0
      say "$rate" "good (proxy CPU $(cores "$step_ticks") cores, sipp $(cores "$step_gen"), others $(cores "$step_others"), irq $(cores "$step_irq"), steal $(cores "$step_steal"); $step_retrans retransmissions${step_drops:+; kernel drops: $step_drops})"
    elif [ $(( (step_others + step_steal) * 4 )) -gt $((hz * step)) ] && [ "$again" -lt 1 ]; then
      # the host's other work (other engineers' builds and tests) or the hypervisor took more than
      # a quarter of a CPU: the step measured them as much as the proxy. Run it once more.
      again=$((again + 1)) disturbed=$((disturbed + 1))
      say "$rate" "$step_why; disturbed, again"
      others+=("$(cores $((step_others + step_steal)))")
      continue
    else
      bad=$rate again=0
      say "$rate" "$step_why"
    fi
    others+=("$(cores $((step_others + step_steal)))")
    $smoke && break
    if [ "$bad" -eq 0 ]; then
      [ "$rate" -ge "$max" ] && { echo "   $proxy: the ceiling ($max calls/s) reached" >&2; break; }
      rate=$((rate * 2)); [ "$rate" -gt "$max" ] && rate=$max
    else
      # bisect to 5% of the good rate; rates are multiples of 10 (two callers, 10 calls/s at least)
      [ $((bad - good)) -le $(( good / 20 > 10 ? good / 20 : 10 )) ] && break
      rate=$(( (good + bad) / 2 )); rate=$((rate - rate % 10))
      [ "$rate" -le "$good" ] && break
    fi
  done
  [ ${#others[@]} -eq 0 ] ||
    echo "   $proxy: the rest of the host took $(median "${others[@]}") cores meanwhile (median of ${#others[@]} steps; at most $(printf '%s\n' "${others[@]}" | sort -g | tail -1))" >&2
  [ "$disturbed" -eq 0 ] || echo "   $proxy: $disturbed failed step(s) run again: the rest of the host took more than 0.25 CPU" >&2
  echo "$good $good_ticks $good_gen"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
cores() { awk -v t="$1" -v hz="$hz" -v s="$step" 'BEGIN{printf "%.2f", t / hz / s}'; }
per_msg() { # RATE TICKS: us of CPU per relayed message (5.5 a call: an ordinary call has no 180)
  awk -v r="$1" -v t="$2" -v hz="$hz" -v s="$step" 'BEGIN{printf "%.1f", (r > 0 ? t / hz * 1e6 / (r * s * 5.5) : 0)}'
}

declare -A rates cpus cpm gens
ka_version=$(kamailio -v 2>/dev/null | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p')
for run in $(seq "$runs"); do
  for p in $proxies; do
    case $p in
      e911-dataplane) echo "== run $run: e911-dataplane (net_af_packet, 1 worker, polling: its CPU is a whole core by design)" ;;
      Kamailio) echo "== run $run: Kamailio $ka_version (stateless, 2 workers, kernel UDP)" ;;
    esac
    start_proxy "$p" "$run" || exit 1
    read -r best ticks gen < <(search)
    stop_proxy
    echo "   $p: $best calls/s; at that rate $(cores "$ticks") cores, $(per_msg "$best" "$ticks") us of CPU per relayed message; sipp $(cores "$gen") cores"
    rates[$p]+=" $best" cpus[$p]+=" $(cores "$ticks")" cpm[$p]+=" $(per_msg "$best" "$ticks")" gens[$p]+=" $(cores "$gen")"
  done
done

echo
if $smoke; then
  echo "== results (smoke: one step of ${step}s at $start calls/s)"
else
  echo "== results (from $start calls/s doubled then bisected to 5%, ${step}s a step, median of $runs run(s) per proxy)"
fi
declare -A med
for p in $proxies; do
  # shellcheck disable=SC2086 # the lists are words
  med[$p]=$(median ${rates[$p]})
  # shellcheck disable=SC2086
  echo "$p: ${med[$p]} calls/s with every call completed (runs:${rates[$p]}); CPU at that rate $(median ${cpus[$p]}) cores, $(median ${cpm[$p]}) us per relayed message; sipp $(median ${gens[$p]}) cores"
done
busy=$(sed -nE 's/.*worker 0: ([0-9]+) packets .* ([0-9]+) ns\/packet busy.*/\2/p' "$work/dp.log" 2>/dev/null | tr '\n' ' ')
[ -n "$busy" ] && echo "   (e911-dataplane polls: its CPU is a core whatever the load; its worker's busy time per packet, each run: ${busy% } ns)"
if [ "${med[Kamailio]:-0}" -gt 0 ] && [ -n "${med[e911-dataplane]:-}" ]; then
  echo "ratio (calls/s, e911-dataplane / Kamailio): $(awk -v a="${med[e911-dataplane]}" -v b="${med[Kamailio]}" 'BEGIN{printf "%.2f", a / b}')"
fi
if $smoke; then
  for p in $proxies; do
    [ "${med[$p]}" -gt 0 ] || { echo "sipp-bench --smoke: $p failed its calls" >&2; exit 1; }
  done
fi
exit 0
