#!/usr/bin/env bash
# The dataplane benchmark: the real e911-dataplane, N workers, each replaying
# a pcap of realistic SIP traffic (DPDK net_pcap with infinite_rx=1; what it
# sends is dropped by the PMD, as net_null would), for SECONDS, RUNS times.
# Prints each run's packets per second per worker and busy ns per packet from
# the dataplane's own counters, and the CPU time each worker thread was
# actually given per packet (/proc/PID/task/TID/schedstat: on a shared host
# the wall clock also counts the time other processes had the CPU); then the
# medians; the last line is `median_ns=N`.
#
# With -c, one run of one worker under callgrind instead (no hugepages, about
# 50x slower): instructions per received packet in the worker, which the load
# of a shared machine does not change; the profile is left in
# build-release/callgrind.dataplane for callgrind_annotate.
#
# Usage: tools/bench/dataplane-bench.sh [-w WORKERS] [-s SECONDS] [-r RUNS] [-c] [-k KIND] [PCAP]
# Without PCAP, e911-gen-pcap writes one (its default mix: 20% emergency
# INVITEs of 1.2-3.4 KB, most of them fragmented, 30% ordinary INVITEs, 30%
# responses, 20% in-dialog requests; 1,000 callers on the two sites of
# tests/dataplane/policies.xml; every Call-ID distinct). -k KIND: that kind of
# message only (emergency, ordinary, response or indialog), to see what each
# costs. The main lcore runs on CPU 0 and
# worker i on CPU i (mod the CPUs there are): one worker has a CPU of its own, as deployed; a
# worker that shares CPU 0 shares it with main's housekeeping and event logging.
set -euo pipefail
cd "$(dirname "$0")/../.."
workers=1 seconds=5 runs=5 callgrind='' kind=()
while getopts "w:s:r:ck:" o; do
  case $o in
    w) workers=$OPTARG ;; s) seconds=$OPTARG ;; r) runs=$OPTARG ;; c) callgrind=1 ;;
    k) kind=(--kind "$OPTARG") ;;
    *) echo "usage: $0 [-w WORKERS] [-s SECONDS] [-r RUNS] [-c] [-k KIND] [PCAP]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
tools/build.sh --release build-release >/dev/null
work=$(mktemp -d) pid=''
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work" "/var/run/dpdk/e911bench$$"
}
trap cleanup EXIT
pcap=${1:-}
[ -n "$pcap" ] && [ ${#kind[@]} -gt 0 ] && { echo "$0: -k makes its own pcap; give one or the other" >&2; exit 2; }
if [ -z "$pcap" ]; then
  pcap=$work/traffic.pcap
  build-release/tools/gen/e911-gen-pcap --seed 1 --count 20000 --proxy-ip 198.18.0.10 "${kind[@]}" \
    --gateway 198.19.0.20 --subnet 198.18.10.0/24 --subnet 198.18.20.0/24 -o "$pcap" 2>"$work/gen.err" ||
    { cat "$work/gen.err" >&2; exit 2; }
fi
# net_pcap's infinite_rx keeps every frame of the pcap in an mbuf of the queue's pool: the pool
# holds them all plus room for the traffic (emergency INVITEs alone are ~2 frames a message).
mbufs=32767
frames=$(sed -nE 's/.* ([0-9]+) frames,.*/\1/p' "$work/gen.err" 2>/dev/null || true)
if [ -n "$frames" ] && [ $((frames + 16384)) -gt "$mbufs" ]; then
  mbufs=$((frames + 16384))
fi
[ -n "$callgrind" ] && { workers=1 runs=1; [ "$seconds" -lt 30 ] && seconds=60; }
vdev="net_pcap0,infinite_rx=1"
for ((i = 0; i < workers; i++)); do vdev+=",rx_pcap=$pcap"; done
cpus=$(nproc)
lcores="0@0"
for ((i = 1; i <= workers; i++)); do lcores+=",$i@$((i % cpus))"; done
# Hugepages when the host has them (tools: e911-setup later; by hand: echo 1200 >
# /proc/sys/vm/nr_hugepages and a hugetlbfs mount); else --no-huge.
memory=(--no-huge -m 2048)
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
if [ -z "$callgrind" ] && [ "${free:-0}" -ge 1100 ] && grep -q hugetlbfs /proc/mounts; then
  memory=(-m 2048 --huge-unlink)
fi
echo "memory: ${memory[*]}"
args=("${memory[@]}" --lcores "$lcores" --no-pci --no-telemetry --file-prefix "e911bench$$" --vdev "$vdev"
      -- --config tests/dataplane/policies.xml --default-hop 198.19.1.1:5080
      # Everything off-link through one router with a known MAC: forwarding is
      # measured, not ARP.
      --sip-address 198.18.0.10/32 --router 198.19.1.254 --neighbour 198.19.1.254=02:00:00:00:01:fe
      --mbufs "$mbufs" --overload-ms 0)
dp=(build-release/dataplane/app/e911-dataplane)
[ -n "$callgrind" ] && dp=(valgrind --tool=callgrind --callgrind-out-file=build-release/callgrind.dataplane
                           --toggle-collect=dp_worker_main "${dp[@]}")

# CPU time (ns) the thread of worker W (lcore W+1: "rte-worker-N") of process $pid was given.
worker_cpu_ns() {
  local tid
  tid=$(ps -L -o tid=,comm= -p "$pid" | awk -v n="rte-worker-$(($1 + 1))" '$2 == n {print $1}')
  [ -n "$tid" ] && awk '{print $1}' "/proc/$pid/task/$tid/schedstat"
}

ns=() pps=() cpu=()
for ((r = 1; r <= runs; r++)); do
  # To a file, not a pipe: main logs every emergency call, and a shell reading
  # that much from a pipe would take CPU from the worker being measured.
  "${dp[@]}" "${args[@]}" >"$work/run.log" 2>&1 &
  pid=$!
  for ((t = 0; t < 600; t++)); do grep -q 'running:' "$work/run.log" && break; sleep 0.1; done
  sleep "$seconds"
  declare -A used=()
  for ((w = 0; w < workers; w++)); do used[$w]=$(worker_cpu_ns "$w" || true); done
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" || true
  pid=''
  out=$(grep -v '^e911 event=' "$work/run.log")
  if [ -n "$callgrind" ]; then
    rx=$(sed -nE 's/.*worker 0: ([0-9]+) packets.*/\1/p' <<<"$out")
    ir=$(callgrind_annotate build-release/callgrind.dataplane 2>/dev/null |
         awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
    if [ -z "$rx" ] || [ -z "$ir" ]; then echo "no measurement" >&2; echo "$out" >&2; exit 1; fi
    echo "worker 0 under callgrind: $rx packets, $ir instructions"
    echo "instructions_per_packet=$((ir / rx))"
    exit 0
  fi
  while read -r line; do
    w=$(sed -E 's/^.*worker ([0-9]+):.*/\1/' <<<"$line")
    packets=$(sed -E 's/^.*worker [0-9]+: ([0-9]+) packets.*/\1/' <<<"$line")
    c=''
    [ -n "${used[$w]:-}" ] && c=$((used[$w] / packets)) && cpu+=("$c")
    echo "run $r: ${line#e911-dataplane: }${c:+, $c ns/packet CPU}"
    pps+=("$(sed -E 's/.*: ([0-9.]+) Mpps.*/\1/' <<<"$line")")
    ns+=("$(sed -E 's/.*Mpps, ([0-9]+) ns.*/\1/' <<<"$line")")
  done < <(grep -E 'worker [0-9]+: .* Mpps' <<<"$out")
  unset used
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
[ ${#ns[@]} -gt 0 ] || { echo "no measurement: the dataplane printed no worker line" >&2; echo "$out" >&2; exit 1; }
echo "workers=$workers runs=$runs seconds=$seconds load=$(cut -d' ' -f1-3 /proc/loadavg)"
echo "median_mpps_per_worker=$(median "${pps[@]}")"
[ ${#cpu[@]} -gt 0 ] && echo "median_cpu_ns=$(median "${cpu[@]}")"
echo "median_ns=$(median "${ns[@]}")"
