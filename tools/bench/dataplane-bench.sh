#!/usr/bin/env bash
# The dataplane benchmark: the real e911-dataplane, N workers, each replaying
# a pcap of realistic SIP traffic (DPDK net_pcap with infinite_rx=1; what it
# sends is dropped by the PMD, as net_null would), for SECONDS, RUNS times.
# Prints each run's packets per second per worker and busy ns per packet from
# the dataplane's own counters, then the medians; the last line is
# `median_ns=N`.
#
# Usage: tools/bench/dataplane-bench.sh [-w WORKERS] [-s SECONDS] [-r RUNS] [PCAP]
# Without PCAP, e911-gen-pcap writes one (its default mix: 20% emergency
# INVITEs of 1.2-3.4 KB, most of them fragmented, 30% ordinary INVITEs, 30%
# responses, 20% in-dialog requests; 1,000 callers on the two sites of
# tests/dataplane/policies.xml; every Call-ID distinct). The main lcore runs on CPU 0 and
# worker i on CPU i (mod the CPUs there are): one worker has a CPU of its own, as deployed; a
# worker that shares CPU 0 shares it with main's housekeeping and event logging.
set -euo pipefail
cd "$(dirname "$0")/../.."
workers=1 seconds=5 runs=5
while getopts "w:s:r:" o; do
  case $o in
    w) workers=$OPTARG ;; s) seconds=$OPTARG ;; r) runs=$OPTARG ;;
    *) echo "usage: $0 [-w WORKERS] [-s SECONDS] [-r RUNS] [PCAP]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
tools/build.sh build-release -Dbuildtype=release -Dtests=false >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work" "/var/run/dpdk/e911bench$$"' EXIT
pcap=${1:-}
if [ -z "$pcap" ]; then
  pcap=$work/traffic.pcap
  build-release/tools/gen/e911-gen-pcap --seed 1 --count 20000 --proxy-ip 198.18.0.10 \
    --gateway 198.19.0.20 --subnet 198.18.10.0/24 --subnet 198.18.20.0/24 -o "$pcap" 2>/dev/null
fi
vdev="net_pcap0,infinite_rx=1"
for ((i = 0; i < workers; i++)); do vdev+=",rx_pcap=$pcap"; done
cpus=$(nproc)
lcores="0@0"
for ((i = 1; i <= workers; i++)); do lcores+=",$i@$((i % cpus))"; done
# Hugepages when the host has them (tools: e911-setup later; by hand: echo 1200 >
# /proc/sys/vm/nr_hugepages and a hugetlbfs mount); else --no-huge.
memory=(--no-huge -m 2048)
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
if [ "${free:-0}" -ge 1100 ] && grep -q hugetlbfs /proc/mounts; then memory=(-m 2048 --huge-unlink); fi
echo "memory: ${memory[*]}"
args=("${memory[@]}" --lcores "$lcores" --no-pci --no-telemetry --file-prefix "e911bench$$" --vdev "$vdev"
      -- --config tests/dataplane/policies.xml --default-hop 198.19.1.1:5080
      # Everything off-link through one router with a known MAC: forwarding is
      # measured, not ARP.
      --sip-address 198.18.0.10/32 --router 198.19.1.254 --neighbour 198.19.1.254=02:00:00:00:01:fe
      --mbufs 32767 --overload-bursts 0)
ns=() pps=()
for ((r = 1; r <= runs; r++)); do
  # To a file, not a pipe: main logs every emergency call, and a shell reading
  # that much from a pipe would take CPU from the worker being measured.
  timeout -s INT "$seconds" build-release/dataplane/app/e911-dataplane "${args[@]}" >"$work/run.log" 2>&1 || true
  out=$(grep -v '^e911 event=' "$work/run.log")
  while read -r line; do
    echo "run $r: ${line#e911-dataplane: }"
    pps+=("$(sed -E 's/.*: ([0-9.]+) Mpps.*/\1/' <<<"$line")")
    ns+=("$(sed -E 's/.*Mpps, ([0-9]+) ns.*/\1/' <<<"$line")")
  done < <(grep -E 'worker [0-9]+: .* Mpps' <<<"$out")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
[ ${#ns[@]} -gt 0 ] || { echo "no measurement: the dataplane printed no worker line" >&2; echo "$out" >&2; exit 1; }
echo "workers=$workers runs=$runs seconds=$seconds"
echo "median_mpps_per_worker=$(median "${pps[@]}")"
echo "median_ns=$(median "${ns[@]}")"
