#!/usr/bin/env bash
# results.sh - runs the benchmarks and writes docs/benchmarks.md (the results
# page) and docs/benchmarks-load.png (forwarded rate and loss against offered
# load, e911-dataplane and Kamailio). Run it on a machine doing nothing else:
# every figure is the median of several runs, and the page says how noisy
# they were. Needs root (namespaces) and gnuplot. Takes about 30 minutes.
# The pktgen kit's figures are not rerun here (pktgen is not a Debian
# package): docs/pktgen.md holds them, with their commands.
set -uo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" -eq 0 ] || { echo "results: needs root" >&2; exit 2; }
tools/build.sh build || exit 1
# The parser and classifier figures come from the release build (tools/build.sh --release: -O3, LTO, no tests), as in the README.
tools/build.sh --release build-release || exit 1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
page=docs/benchmarks.md

echo "== parser" >&2
build-release/tools/bench/e911-bench parse tests/data/sip/emergency-invite.sip tests/data/sip/ack.sip tests/data/sip/200-ok.sip \
  >"$work/parse" 2>&1
echo "== classify" >&2
build-release/tools/bench/e911-bench classify >"$work/classify" 2>&1
echo "== dataplane, 1 and 2 workers" >&2
tools/bench/dataplane-bench.sh -w 1 -r 5 >"$work/dp1" 2>&1
tools/bench/dataplane-bench.sh -w 2 -r 3 >"$work/dp2" 2>&1
echo "== sipp: calls/s through e911-dataplane and Kamailio" >&2
tools/bench/sipp-bench.sh -n 3 -r 2000 -t 200 >"$work/sipp" 2>&1
echo "== packet rate: e911-dataplane and Kamailio" >&2
tools/bench/packet-bench.sh -n 3 --sweep "$work/sweep.dat" >"$work/packet" 2>&1

gnuplot <<GP
set terminal pngcairo size 900,520 font "DejaVu Sans,10"
set output "docs/benchmarks-load.png"
set title "Emergency INVITEs (SDP + PIDF-LO, 1.2-3.4 KB) blasted at each proxy in the namespace lab"
set xlabel "offered (INVITEs/s)"
set ylabel "forwarded (INVITEs/s)"
set y2label "loss (%)"
set y2tics
set ytics nomirror
set key top left
set grid
plot "< grep '^e911-dataplane' $work/sweep.dat" using 2:3 with linespoints lw 2 title "e911-dataplane forwarded", \
     "< grep '^Kamailio' $work/sweep.dat" using 2:3 with linespoints lw 2 title "Kamailio forwarded", \
     "< grep '^e911-dataplane' $work/sweep.dat" using 2:4 axes x1y2 with lines dt 2 title "e911-dataplane loss", \
     "< grep '^Kamailio' $work/sweep.dat" using 2:4 axes x1y2 with lines dt 2 title "Kamailio loss"
GP

fence() { echo '```'; cat "$1"; echo '```'; }
{
  echo "# Benchmarks"
  echo
  echo "Written by \`tools/bench/results.sh\` on $(date -u +%Y-%m-%dT%H:%MZ). Rerun it to refresh every figure."
  echo
  echo "## The machine"
  echo
  echo '```'
  lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|NUMA node\(s\))'
  free -g | sed -n 2p | awk '{print "Memory: " $2 " GiB"}'
  uname -sr
  echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo '```'
  echo
  echo "A shared 2-CPU VM: the proxy, the traffic source and the sinks share two CPUs, so each figure is"
  echo "a median, with the spread in the raw output below."
  echo
  echo "## Parser (\`e911-bench parse\`)"
  echo
  fence "$work/parse"
  echo
  echo "## Classification (\`e911-bench classify\`)"
  echo
  fence "$work/classify"
  echo
  echo "## Dataplane: pcap in, null out (\`tools/bench/dataplane-bench.sh\`)"
  echo
  echo "One worker (\`-w 1 -r 5\`):"
  echo
  fence "$work/dp1"
  echo
  echo "Two workers (\`-w 2 -r 3\`):"
  echo
  fence "$work/dp2"
  echo
  echo "## Calls per second with sipp, e911-dataplane and Kamailio (\`tools/bench/sipp-bench.sh\`)"
  echo
  echo "A 50/50 mix of emergency calls (911 with SDP + PIDF-LO, to the trunk) and ordinary calls, the"
  echo "rate doubled from 2,000 calls/s until a call fails, then bisected; the median of 3 searches per"
  echo "proxy (\`-n 3\`). Each proxy has CPU 1 to itself and every sipp process shares CPU 0, so sipp"
  echo "(one CPU for all its callers, trunks and hops) tops out where that CPU does: when both proxies reach about"
  echo "the same rate with sipp near 1.0 CPU, that rate is sipp's and the ratio is near 1 by"
  echo "construction. What tells the proxies apart here is their CPU per relayed message (for"
  echo "e911-dataplane, a polling core, the worker's busy time per packet) and the packet-rate"
  echo "comparison below."
  echo
  fence "$work/sipp"
  echo
  echo "## Packet rate, e911-dataplane and Kamailio (\`tools/bench/packet-bench.sh\`)"
  echo
  echo "e911-gen-pcap's INVITEs replayed by e911-blast (sendmmsg) as fast as it goes; sinks on the"
  echo "trunk and the next hop count what each proxy forwarded; CPU from /proc."
  echo
  fence "$work/packet"
  echo
  echo "![forwarded rate and loss against offered load](benchmarks-load.png)"
  echo
  echo '```'
  echo "# proxy offered/s forwarded/s loss%"
  cat "$work/sweep.dat"
  echo '```'
  echo
  echo "## pktgen-dpdk against the dataplane (vhost-user)"
  echo
  echo "Not rerun by this script: see [pktgen.md](pktgen.md) for the kit, its commands and its figures."
} >"$page"
echo "results: wrote $page and docs/benchmarks-load.png" >&2
