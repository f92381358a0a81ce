#!/usr/bin/env bash
# packet-bench.sh - forwarded INVITEs per second through e911-dataplane and
# through Kamailio (tools/bench/kamailio/kamailio.cfg), fed the same payloads
# by e911-blast (sendmmsg, as fast as it goes, or at set rates) in the
# namespace lab: emergency INVITEs (SDP + PIDF-LO, 1.2-3.4 KB) and ordinary
# INVITEs from e911-gen-pcap. Sinks on the trunk and the next hop count what
# each proxy forwarded; the CPU each proxy used comes from /proc. The sender
# runs on CPU 0, the proxy's worker(s) on CPU 1 (2-CPU machines: the sinks
# share). Prints medians of RUNS runs, the ratio, and with --sweep a table of
# forwarded rate and loss against offered load (DATA file for the plot).
#   -d SECONDS per run (5)   -n RUNS (3)   --sweep DATA   --smoke (1 short run each, CI)
# net_af_packet gets 8 KB frames: veths in these namespaces may hand over a 3 KB datagram
# whole rather than as 1500-byte fragments (the sending kernel's offloads), and the PMD's
# default 2 KB frames would cut it (counted as DROP_IP_LENGTH); a real 1500-byte link never
# delivers more than 1,514 bytes.
# Needs root. Removes what it made, also on failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
secs=5 runs=3 sweep= smoke=false
while [ $# -gt 0 ]; do
  case $1 in
    -d) secs=$2; shift ;;
    -n) runs=$2; shift ;;
    --sweep) sweep=$2; shift ;;
    --smoke) smoke=true; secs=2 runs=1 ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "packet-bench: needs root (network namespaces)" >&2; exit 2; }
[ -x build/tools/bench/blast/e911-blast ] || tools/build.sh build || exit 1
blast=$root/build/tools/bench/blast/e911-blast
lab=$root/tools/lab/lab.sh id=pb$$ work=$(mktemp -d) proxy_pid=
cleanup() {
  [ -n "$proxy_pid" ] && kill -TERM "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
  "$lab" down "$id"
  rm -rf "$work"
}
trap cleanup EXIT
"$lab" up "$id" || exit 1
ns() { "$lab" ns "$id" "$1"; }
nsx() { ip netns exec "$(ns "$1")" "${@:2}"; }
hz=$(getconf CLK_TCK)
cpu_ticks() { # user + system ticks of every thread of every process in the proxy's namespace
  local p
  for p in $(ip netns pids "$(ns proxy)"); do cat /proc/"$p"/task/*/stat 2>/dev/null; done |
    sed 's/^.*) //' | awk '{t += $12 + $13} END {print t + 0}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

for kind in emergency ordinary; do
  build/tools/gen/e911-gen-pcap -o "$work/$kind.pcap" --count 20000 --kind "$kind" --mtu 9000 \
    --proxy-ip 198.18.0.10 --subnet 198.18.10.0/24 2>/dev/null || exit 1
done

# One run: blast KIND at RATE (0: as fast as it goes) for SECONDS. Prints "offered forwarded cpu_ms".
run() { # KIND RATE SECONDS
  nsx trunk "$blast" sink 198.19.0.20:5060 $(($3 + 2)) >"$work/trunk.out" &
  local t=$!
  nsx hop "$blast" sink 198.19.1.1:5080 $(($3 + 2)) >"$work/hop.out" &
  local h=$!
  sleep 0.3
  local c0 c1
  c0=$(cpu_ticks)
  nsx caller taskset -c 0 "$blast" send "$work/$1.pcap" 198.18.10.25 198.18.0.10:5060 "$3" $([ "$2" -gt 0 ] && echo "$2") \
    >"$work/send.out" 2>&1 || echo "packet-bench: the sender failed: $(cat "$work/send.out")" >&2
  c1=$(cpu_ticks)
  wait "$t" "$h"
  local sent fwd
  sent=$(awk '{print $2}' "$work/send.out")
  fwd=$(( $(awk '{print $2}' "$work/trunk.out") + $(awk '{print $2}' "$work/hop.out") ))
  echo "$(( sent / $3 )) $(( fwd / $3 )) $(( (c1 - c0) * 1000 / hz ))"
}

declare -A result
measure() { # PROXY
  local kind
  for kind in emergency ordinary; do
    local fw=() per=() off=()
    for _ in $(seq "$runs"); do
      read -r o f cpu < <(run "$kind" 0 "$secs")
      off+=("$o"); fw+=("$f")
      per+=("$(awk -v c="$cpu" -v f="$f" -v s="$secs" 'BEGIN{printf "%.0f", (c > 0 ? f * s / (c / 1000) : 0)}')")
    done
    result[$1.$kind]="$(median "${fw[@]}") $(median "${per[@]}") $(median "${off[@]}")"
    read -r a b c <<<"${result[$1.$kind]}"
    echo "   $1, $kind INVITEs: offered $c/s, forwarded $a/s, $b forwarded per CPU-second of the proxy (median of $runs)"
  done
  if [ -n "$sweep" ]; then
    local rate
    for rate in 5000 10000 20000 40000 80000 160000; do
      read -r o f _ < <(run emergency "$rate" 3)
      echo "$1 $o $f $(awk -v o="$o" -v f="$f" 'BEGIN{printf "%.1f", (o > 0 ? 100 * (o - f) / o : 0)}')" >>"$sweep"
      [ "$o" -lt $((rate * 8 / 10)) ] && break # the sender is at its own limit
    done
  fi
}

[ -n "$sweep" ] && : >"$sweep"
echo "== e911-dataplane (net_af_packet on a veth; worker on CPU 1)"
ip netns exec "$(ns proxy)" build/dataplane/app/e911-dataplane --no-huge -m 1024 -l 0,1 --main-lcore 0 --no-pci \
  --file-prefix "e911$id" --vdev net_af_packet0,iface=eth0,blocksz=8192,framesz=8192,framecnt=1024 -- --config examples/lab.xml \
  --sip-address 198.18.0.10/15 --default-hop 198.19.1.1:5080 >"$work/dp.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 50); do grep -qs "running:" "$work/dp.log" && break; sleep 0.2; done
# the first packets resolve the trunk's and the hop's MAC; then measure
run emergency 100 1 >/dev/null
measure e911-dataplane
kill -TERM "$proxy_pid"; wait "$proxy_pid"; proxy_pid=

echo "== Kamailio (stateless, 2 workers on CPU 1, kernel UDP)"
nsx proxy ip addr add 198.18.0.10/15 dev eth0
nsx proxy taskset -c 1 kamailio -f "$root/tools/bench/kamailio/kamailio.cfg" -DD -E -n 2 -l udp:198.18.0.10:5060 \
  -Y "$work" >"$work/kamailio.log" 2>&1 &
proxy_pid=$!
sleep 1
run emergency 100 1 >/dev/null
measure Kamailio
kill -TERM "$proxy_pid"; wait "$proxy_pid" 2>/dev/null; proxy_pid=

echo
for kind in emergency ordinary; do
  read -r df dp _ <<<"${result[e911-dataplane.$kind]}"
  read -r kf kp _ <<<"${result[Kamailio.$kind]}"
  echo "$kind INVITEs: e911-dataplane $df/s ($dp per CPU-s), Kamailio $kf/s ($kp per CPU-s); ratio $(awk -v a="$df" -v b="$kf" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}') (per CPU-s $(awk -v a="$dp" -v b="$kp" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}'))"
done
if $smoke; then
  read -r df _ <<<"${result[e911-dataplane.emergency]}"; read -r kf _ <<<"${result[Kamailio.emergency]}"
  [ "$df" -gt 0 ] && [ "$kf" -gt 0 ] || { echo "packet-bench --smoke: a proxy forwarded nothing" >&2; exit 1; }
fi
