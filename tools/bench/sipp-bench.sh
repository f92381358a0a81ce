#!/usr/bin/env bash
# sipp-bench.sh - calls per second through e911-dataplane and through Kamailio
# (tools/bench/kamailio/kamailio.cfg, the same stateless job) in the namespace
# lab, one after the other on the same machine in the same run. sipp callers
# place a 50/50 mix of emergency calls (911 with SDP + PIDF-LO, to the trunk)
# and ordinary calls (to the default next hop): INVITE/180/200/ACK/BYE/200.
# The rate doubles each step (STEP seconds) until a step has a failed call or
# the limit is reached; it prints per proxy the highest rate without failures,
# the CPU the proxy used per relayed message, and the ratio.
#   -s STEP     seconds per step (default 8)      -m MAX   highest rate tried (default 3200)
#   -r START    first rate, calls/s (default 50)  --smoke  one short low-rate step each (CI)
# Needs root (namespaces). Removes what it made, also on failure.
# sipp itself saturates at about 15,000-17,000 calls/s on a 2-core machine, so this shows the
# floor, not how far apart the proxies are: tools/bench/packet-bench.sh does that.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
step=8 max=3200 start=50 smoke=false
while [ $# -gt 0 ]; do
  case $1 in
    -s) step=$2; shift ;;
    -m) max=$2; shift ;;
    -r) start=$2; shift ;;
    --smoke) smoke=true; step=3 max=20 start=20 ;;
    *) sed -n '2,15p' "$0"; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" -eq 0 ] || { echo "sipp-bench: needs root (network namespaces)" >&2; exit 2; }
[ -x build/dataplane/app/e911-dataplane ] || tools/build.sh build || exit 1
lab=$root/tools/lab/lab.sh id=sb$$ work=$(mktemp -d) proxy_pid= uas_pids=()
cleanup() {
  for p in "${uas_pids[@]}"; do kill "$p" 2>/dev/null; done
  [ -n "$proxy_pid" ] && kill -TERM "$proxy_pid" 2>/dev/null && wait "$proxy_pid" 2>/dev/null
  "$lab" down "$id"
  rm -rf "$work"
}
trap cleanup EXIT
"$lab" up "$id" || exit 1
ns() { "$lab" ns "$id" "$1"; }
nsx() { ip netns exec "$(ns "$1")" "${@:2}"; }

cpu_ticks() { # user + system ticks of every thread of every process in the proxy's namespace
  local p
  for p in $(ip netns pids "$(ns proxy)"); do cat /proc/"$p"/task/*/stat 2>/dev/null; done |
    sed 's/^.*) //' | awk '{t += $12 + $13} END {print t + 0}'
}

start_uas() {
  (cd "$work" && nsx trunk sipp -nostdin -sf "$root/tools/sipp/trunk-bench.xml" -i 198.19.0.20 -p 5060 \
     >/dev/null 2>&1) & uas_pids+=($!)
  (cd "$work" && nsx hop sipp -nostdin -sf "$root/tools/sipp/next-hop.xml" -i 198.19.1.1 -p 5080 \
     >/dev/null 2>&1) & uas_pids+=($!)
  sleep 0.5
}
stop_uas() { for p in "${uas_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; uas_pids=(); }

# One step: RATE calls/s for STEP s, half emergency, half ordinary. @return 0 when every call completed.
run_step() {
  local rate=$1 half=$(( $1 / 2 )) calls
  calls=$((half * step))
  (cd "$work" && nsx caller sipp -nostdin -timeout $((step + 20))s -timeout_error -sf "$root/tools/sipp/caller.xml" \
     -s 911 -i 198.18.10.25 -p 5061 -r "$half" -m "$calls" 198.18.0.10:5060 >"$work/e.out" 2>&1) &
  local e=$!
  (cd "$work" && nsx caller sipp -nostdin -timeout $((step + 20))s -timeout_error -sf "$root/tools/sipp/caller.xml" \
     -s +14255550199 -i 198.18.10.25 -p 5062 -r "$half" -m "$calls" 198.18.0.10:5060 >"$work/o.out" 2>&1) &
  local o=$! rc=0
  wait "$e" || rc=1
  wait "$o" || rc=1
  return $rc
}

# Raise the rate until a step fails. Prints "RATE TICKS CALLS" of the best step.
sweep() { # NAME
  local rate=$start best=0 best_ticks=0 best_calls=0
  while [ "$rate" -le "$max" ]; do
    local t0 t1
    t0=$(cpu_ticks)
    if run_step "$rate"; then
      t1=$(cpu_ticks)
      best=$rate best_ticks=$((t1 - t0)) best_calls=$(( (rate / 2) * 2 * step ))
      echo "   $1: $rate calls/s for ${step}s: every call completed (proxy CPU $(( (t1 - t0) * 10 )) ms)" >&2
    else
      echo "   $1: $rate calls/s: calls failed ($(grep -h -m1 -o 'Failed call.*' "$work"/[eo].out 2>/dev/null | head -1))" >&2
      break
    fi
    rate=$((rate * 2))
  done
  echo "$best $best_ticks $best_calls"
}

hz=$(getconf CLK_TCK)
report() { # NAME "RATE TICKS CALLS"
  local rate ticks calls
  read -r rate ticks calls <<<"$2"
  local per_msg=0
  [ "$calls" -gt 0 ] && per_msg=$(awk -v t="$ticks" -v hz="$hz" -v c="$calls" 'BEGIN{printf "%.1f", t / hz * 1e6 / (c * 6)}')
  echo "$1: ${rate} calls/s without a failed call; ${per_msg} us of CPU per relayed message (6 per call)"
}

echo "== e911-dataplane (net_af_packet, 1 worker, polling: its CPU is a whole core by design)"
ip netns exec "$(ns proxy)" build/dataplane/app/e911-dataplane --no-huge -m 1024 -l 0-1 --no-pci \
  --file-prefix "e911$id" --vdev net_af_packet0,iface=eth0,blocksz=8192,framesz=8192,framecnt=1024 -- --config examples/lab.xml \
  --sip-address 198.18.0.10/15 --default-hop 198.19.1.1:5080 >"$work/dp.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 50); do grep -qs "running:" "$work/dp.log" && break; sleep 0.2; done
start_uas
dp=$(sweep e911-dataplane)
stop_uas
kill -TERM "$proxy_pid"; wait "$proxy_pid"; proxy_pid=
busy=$(sed -nE 's/.*worker 0: ([0-9]+) packets .* ([0-9]+) ns\/packet busy.*/\1 \2/p' "$work/dp.log")

echo "== Kamailio $(kamailio -v 2>/dev/null | sed -n 's/^version: kamailio \([^ ]*\).*/\1/p') (stateless, 2 workers, kernel UDP)"
nsx proxy ip addr add 198.18.0.10/15 dev eth0
nsx proxy kamailio -f "$root/tools/bench/kamailio/kamailio.cfg" -DD -E -n 2 -l udp:198.18.0.10:5060 \
  -P "$work/kamailio.pid" -Y "$work" >"$work/kamailio.log" 2>&1 &
proxy_pid=$!
sleep 1
start_uas
ka=$(sweep Kamailio)
stop_uas
kill -TERM "$proxy_pid"; wait "$proxy_pid" 2>/dev/null; proxy_pid=

echo
echo "== results (rates doubled from $start calls/s, ${step}s a step)"
report e911-dataplane "$dp"
[ -n "$busy" ] && read -r pk ns_busy <<<"$busy" &&
  echo "   (the dataplane's own busy time: ${ns_busy} ns per packet over the whole run, $pk packets)"
report Kamailio "$ka"
read -r dr _ <<<"$dp"; read -r kr _ <<<"$ka"
[ "${kr:-0}" -gt 0 ] && echo "ratio (calls/s, e911-dataplane / Kamailio): $(awk -v a="$dr" -v b="$kr" 'BEGIN{printf "%.2f", a / b}')"
if $smoke; then
  [ "${dr:-0}" -gt 0 ] && [ "${kr:-0}" -gt 0 ] || { echo "sipp-bench --smoke: a proxy failed its calls" >&2; exit 1; }
fi
