#!/usr/bin/env bash
# The pktgen kit: pktgen-dpdk replays an e911-gen-pcap capture at chosen rates
# into the real e911-dataplane over vhost-user, and counts what the dataplane
# sends back. One host, two DPDK processes:
#
#   pktgen (net_virtio_user0, client) <-- vhost-user socket --> e911-dataplane (net_vhost0, server)
#
# The dataplane is the vhost side because pktgen 23.06 panics on a net_vhost
# port ("Cannot set MTU 1500 on port 0": net_vhost has no mtu_set) as it does
# on net_memif; a virtio_user port takes the MTU. The dataplane has one port,
# so everything it forwards (INVITEs to the gateways, ordinary calls to the
# default next hop, responses by Via, in-dialog requests by Route) leaves by
# that port, towards pktgen: its --sip-address is a /32 and every destination
# is off-link through --router 198.19.1.254, a static --neighbour whose MAC is
# pktgen's port, so no ARP is needed on the link. pktgen's RX counter is then
# the proxy's forwarded frames.
#
# Usage: tools/pktgen/run-kit.sh [-r RATES] [-s SECONDS] [-n RUNS] [-S] [-k DIR] [PCAP]
#   -r RATES    comma-separated; N% is pktgen's percentage of the link speed
#               (10 Gb/s on virtio_user), N alone packets per second
#               [default 5%,10%,15%,20%,30%]
#   -s SECONDS  sending time per rate [10]
#   -n RUNS     runs of each rate; the summary gives medians [3]
#   -S          sweep: one dataplane and one pktgen session (sweep.lua) per run
#               go through all the rates (a quick load curve); the dataplane's
#               own counters then cover the whole sweep. Default: a fresh
#               dataplane and pktgen (replay.lua) for each rate and run, so
#               that its counters and ns/packet belong to that rate alone.
#   -k DIR      keep every log and result there (default: a temporary
#               directory, removed at the end)
#   -m DIR      run nothing: the medians of the runs kept in DIR (by -k), for
#               the rates of -r (give the same -r, -s, -n and -S as then)
#   PCAP        frames to replay; their destination must be 198.18.0.10:5060.
#               Default: e911-gen-pcap --seed 1 --count 20000 (its default mix,
#               callers on the two sites of tests/dataplane/policies.xml).
# Environment: PKTGEN (the pktgen binary; default: build it with
# tools/pktgen/build-pktgen.sh), DP_CPU (the dataplane's worker, default 0),
# DP_MAIN_CPU (its main lcore, default DP_CPU, as in dataplane-bench.sh),
# PG_CPU (both pktgen lcores, default 1), PG_QSIZE (virtio ring size of
# pktgen's port, default 4096: pktgen does RX and TX on one lcore, and while
# its TX waits for room in a ring the dataplane has not emptied it receives
# nothing, so the dataplane's frames back find a full ring: the dataplane
# counts them as tx_full; a larger ring absorbs more of those stalls),
# PG_LCORES and PG_MATRIX (pktgen's --lcores and -m; default one RX/TX lcore),
# DP_OPTS (more e911-dataplane options, e.g. --overload-ms 20 to shed).
#
# Per run it prints pktgen's line (offered and received frames and rates) and
# the dataplane's exit counters; at the end one line per rate with the medians,
# then `kit_done`. Everything it started (both processes, the socket, DPDK's
# run files) is removed on exit, also on failure or Ctrl-C. Needs root (DPDK).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
rates=5%,10%,15%,20%,30% seconds=10 runs=3 sweep=0 keep='' again=''
while getopts "r:s:n:Sk:m:" o; do
  case $o in
    r) rates=$OPTARG ;; s) seconds=$OPTARG ;; n) runs=$OPTARG ;; S) sweep=1 ;; k) keep=$OPTARG ;;
    m) again=$OPTARG ;;
    *) sed -n '/^# Usage/,/^# DP_OPTS/p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
pcap=${1:-}
# key=value from a line: kv KEY LINE
kv() { grep -oE "(^| )$1=[^ ]+" <<<"$2" | head -1 | cut -d= -f2; }
# A counter of the dataplane's exit summary (0 when it is not printed).
dpc() { awk -v k="$1" '$1 == "e911-dataplane:" && $2 == k { print $3; f = 1 } END { if (!f) print 0 }' "$2"; }

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
range() { sort -g | awk 'NR==1 {lo=$1} {hi=$1} END {print lo "-" hi}'; }

# The medians of each rate over the runs in $work/runs.txt.
summarise() {
  echo
  echo "medians of $runs run(s), $seconds s each, column by column (frames per second unless said):"
  printf '%-10s %10s %10s %10s %8s %12s %10s %8s\n' rate target offered forwarded rx/tx fwd_msgs/s tx_full ns/pkt
  for rate in "${rate_list[@]}"; do
    key=$rate
    [[ $rate == *% ]] && key=$(printf '%.4f' "${rate%\%}")
    mapfile -t lines < <(if [[ $rate == *% ]]; then grep "rate_pct=$key " "$work/runs.txt"; else
      grep -E "rate_pct=[0-9.]+ target_pps=$rate " "$work/runs.txt"; fi)
    [ ${#lines[@]} -gt 0 ] || continue
    col() { for l in "${lines[@]}"; do kv "$1" "$l"; done; }
    col2() { for l in "${lines[@]}"; do sed -nE "s#.*$1.*#\\1#p" <<<"$l"; done; }
    tgt=$(col target_pps | median) off=$(col tx_pps | median) fwd=$(col rx_pps | median)
    ratio=$(col rx_over_tx | median)
    if [ $sweep -eq 1 ]; then
      msgs=- full=- ns=-
    else
      msgs=$(col2 'forwarded [0-9]+ \(([0-9]+)/s\)' | median)
      full=$(col2 'tx_full ([0-9]+),' | median)
      ns=$(col2 ' ([0-9]+) ns/packet busy' | median)
    fi
    printf '%-10s %10s %10s %10s %8s %12s %10s %8s\n' "$rate" "$tgt" "$off" "$fwd" "$ratio" "$msgs" "$full" "$ns"
    echo "kit_median rate=$rate runs=${#lines[@]} seconds=$seconds target_pps=$tgt offered_pps=$off forwarded_pps=$fwd rx_over_tx=$ratio fwd_msgs_per_s=$msgs tx_full=$full ns_per_packet=$ns offered_range=$(col tx_pps | range) forwarded_range=$(col rx_pps | range)" >>"$work/medians.txt"
  done
  cat "$work/medians.txt"
}

IFS=, read -ra rate_list <<<"$rates"
if [ -n "$again" ]; then
  work=$again
  [ -f "$work/runs.txt" ] || { echo "run-kit: no runs.txt in $work" >&2; exit 2; }
  : >"$work/medians.txt"
  summarise
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "run-kit: run as root (DPDK: hugepages, vhost-user)" >&2; exit 2; }

dp_cpu=${DP_CPU:-0} pg_cpu=${PG_CPU:-$(($(nproc) > 1 ? 1 : 0))} dp_main_cpu=${DP_MAIN_CPU:-$dp_cpu}
pg_lcores=${PG_LCORES:-0@$pg_cpu,1@$pg_cpu} pg_matrix=${PG_MATRIX:-[1].0} pg_qsize=${PG_QSIZE:-4096}
pg_mac=02:00:00:00:00:02   # pktgen's virtio_user port (mac= devarg)
dp_mac=56:48:4f:53:54:00   # net_vhost's MAC for its first port (fixed by the PMD)
tag=e911kit$$
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d /tmp/e911kit.XXXXXX)
fi
sock=$work/vhost.sock
dp_pid='' pg_pid=''

cleanup() {
  local rc=$?
  set +e # a `wait` for a killed process returns non-zero: errexit would stop the cleanup there
  [ -n "$pg_pid" ] && kill -TERM -- "-$pg_pid" 2>/dev/null && wait "$pg_pid" 2>/dev/null
  [ -n "$dp_pid" ] && kill -INT "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null
  rm -f "$sock"
  rm -rf "/var/run/dpdk/$tag-dp" "/var/run/dpdk/$tag-pg"
  rm -f /dev/hugepages/"$tag"-* 2>/dev/null
  [ -z "$keep" ] && rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The dataplane: a release build, as tools/bench/dataplane-bench.sh measures it.
tools/build.sh --release build-release >/dev/null
dp_bin=$root/build-release/dataplane/app/e911-dataplane
if [ -z "${PKTGEN:-}" ]; then
  PKTGEN=$(tools/pktgen/build-pktgen.sh | tail -1)
fi
[ -x "$PKTGEN" ] || { echo "run-kit: no pktgen binary at '$PKTGEN' (tools/pktgen/build-pktgen.sh)" >&2; exit 1; }
command -v script >/dev/null || { echo "run-kit: needs script(1) (bsdutils)" >&2; exit 1; }

if [ -z "$pcap" ]; then
  pcap=$work/traffic.pcap
  build-release/tools/gen/e911-gen-pcap --seed 1 --count 20000 --proxy-ip 198.18.0.10 \
    --proxy-mac "$dp_mac" --sender-mac "$pg_mac" --gateway 198.19.0.20 \
    --subnet 198.18.10.0/24 --subnet 198.18.20.0/24 -o "$pcap" 2>"$work/gen.txt"
  echo "pcap: $(cat "$work/gen.txt")"
fi
pcap=$(cd "$(dirname "$pcap")" && pwd)/$(basename "$pcap")

# Hugepages for the dataplane when enough are free (other processes may hold
# some, and take them between two runs: checked before each start); pktgen
# runs without (virtio_user shares its memory through memfd).
pick_dp_mem() {
  dp_mem=(--no-huge -m 1024)
  local free
  free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
  if [ "${free:-0}" -ge 600 ] && grep -q hugetlbfs /proc/mounts; then dp_mem=(-m 1024 --huge-unlink); fi
}
pick_dp_mem
echo "dataplane: ${dp_mem[*]}, worker on CPU $dp_cpu, main lcore on CPU $dp_main_cpu; pktgen: --no-huge -m 4096, lcores on CPU $pg_cpu"

start_dataplane() { # LOG
  rm -f "$sock"
  pick_dp_mem
  # shellcheck disable=SC2086
  "$dp_bin" "${dp_mem[@]}" --lcores "0@$dp_main_cpu,1@$dp_cpu" --no-pci --no-telemetry --file-prefix "$tag-dp" \
    --vdev "net_vhost0,iface=$sock" -- --config tests/dataplane/policies.xml \
    --sip-address 198.18.0.10/32 --default-hop 198.19.1.1:5080 \
    --router 198.19.1.254 --neighbour "198.19.1.254=$pg_mac" \
    --mbufs 32767 --overload-ms 0 ${DP_OPTS:-} >"$1" 2>&1 &
  dp_pid=$!
  for _ in $(seq 100); do
    grep -qs "running:" "$1" && [ -S "$sock" ] && break
    kill -0 "$dp_pid" 2>/dev/null || { cat "$1" >&2; echo "run-kit: the dataplane did not start" >&2; exit 1; }
    sleep 0.1
  done
  grep -qs "running:" "$1" || { cat "$1" >&2; echo "run-kit: the dataplane is not running after 10 s" >&2; exit 1; }
  [ "${dp_mem[0]}" = --no-huge ] && echo "run-kit: too few free hugepages: this dataplane runs with --no-huge" >&2
  grep -q "port 0 (net_vhost) $dp_mac" "$1" ||
    echo "run-kit: warning: the dataplane's MAC is not $dp_mac (the pcap's destination); it is promiscuous, so frames still arrive" >&2
}

stop_dataplane() {
  kill -INT "$dp_pid"
  wait "$dp_pid" || true
  dp_pid=
}

run_pktgen() { # LUA RATES RESULTS LOG
  local limit
  limit=$((60 + ($(tr -cd , <<<"$2" | wc -c) + 1) * (seconds + 10)))
  : >"$3"
  # pktgen draws a full-screen page: script(1) gives it a terminal; setsid, a
  # process group to end whole. The Lua script quits pktgen when it is done.
  KIT_PCAP=$pcap KIT_RATES=$2 KIT_SECONDS=$seconds KIT_RESULTS=$3 \
    setsid timeout -s KILL "$limit" script -qec "'$PKTGEN' --lcores $pg_lcores --no-huge -m 4096 \
      --no-pci --no-telemetry --file-prefix $tag-pg \
      --vdev net_virtio_user0,path=$sock,mac=$pg_mac,queue_size=$pg_qsize \
      -- -P -m '$pg_matrix' -s '0:$pcap' -f '$root/tools/pktgen/$1'" /dev/null </dev/null >"$4" 2>&1 &
  pg_pid=$!
  wait "$pg_pid" || true
  pg_pid=
  if grep -q "^pktgen-kit error" "$3" || ! grep -q "^pktgen-kit done" "$3"; then
    cat "$3" >&2
    sed 's/\x1b\[[0-9;?]*[a-zA-Z]//g' "$4" | tr '\r' '\n' | grep -E "EAL|PANIC|rror|Lua" | tail -20 >&2
    echo "run-kit: pktgen did not finish its script (log: $4)" >&2
    exit 1
  fi
}

# One run's figures: pktgen's line, then the dataplane's counters of that run.
report() { # RESULT_LINE DP_LOG RUN
  local line=$1 log=$2 secs fwd msgs ns
  secs=$(kv seconds "$line")
  fwd=$(($(dpc FWD_EMERGENCY "$log") + $(dpc FWD_ORDINARY "$log") + $(dpc FWD_IN_DIALOG "$log") + $(dpc FWD_RESPONSE "$log")))
  msgs=$(($(dpc sip_requests "$log") + $(dpc sip_responses "$log")))
  ns=$(sed -nE 's/.*worker 0: .* ([0-9]+) ns\/packet busy/\1/p' "$log")
  printf 'run %s rate %s: target %s pps, offered %s pps, forwarded %s pps (rx/tx %s) | dataplane: frames in %s out %s tx_full %s, messages in %s forwarded %s (%s/s), %s ns/packet busy\n' \
    "$3" "$(kv rate_pct "$line")%" "$(kv target_pps "$line")" "$(kv tx_pps "$line")" "$(kv rx_pps "$line")" \
    "$(kv rx_over_tx "$line")" "$(dpc rx_packets "$log")" "$(dpc tx_packets "$log")" "$(dpc tx_full "$log")" \
    "$msgs" "$fwd" "$(awk -v f="$fwd" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? f / s : 0) }')" "${ns:-?}"
}



: >"$work/runs.txt"
for ((r = 1; r <= runs; r++)); do
  if [ $sweep -eq 1 ]; then
    start_dataplane "$work/dp.$r.log"
    run_pktgen sweep.lua "$rates" "$work/pg.$r.txt" "$work/pg.$r.log"
    stop_dataplane
    grep -m1 "^pktgen-kit link" "$work/pg.$r.txt" | sed "s/^/run $r: /"
    while read -r line; do
      echo "run $r: $line" | tee -a "$work/runs.txt"
    done < <(grep "^pktgen-kit result" "$work/pg.$r.txt")
    echo "run $r: dataplane over the whole sweep: $(grep -E '^e911-dataplane: (stopped|worker)' "$work/dp.$r.log" | sed 's/^e911-dataplane: //' | tr '\n' ' ')"
  else
    for rate in "${rate_list[@]}"; do
      start_dataplane "$work/dp.$r.$rate.log"
      run_pktgen replay.lua "$rate" "$work/pg.$r.$rate.txt" "$work/pg.$r.$rate.log"
      stop_dataplane
      [ "$r$rate" = "1${rate_list[0]}" ] && grep -m1 "^pktgen-kit link" "$work/pg.$r.$rate.txt"
      line=$(grep -m1 "^pktgen-kit result" "$work/pg.$r.$rate.txt")
      out=$(report "$line" "$work/dp.$r.$rate.log" "$r")
      echo "$out"
      echo "$line $out" >>"$work/runs.txt"
    done
  fi
done

summarise
[ -n "$keep" ] && echo "logs: $work"
echo kit_done
