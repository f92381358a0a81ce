#!/usr/bin/env bash
# lab.sh - a test network of network namespaces and veth pairs around one
# L2 switch (a bridge in its own namespace), addresses from 198.18.0.0/15:
#
#   proxy  (no kernel address: e911-dataplane owns eth0 through net_af_packet;
#           its SIP address is 198.18.0.10)
#   caller 198.18.10.25   (site Redmond, 198.18.10.0/24)
#   caller2 198.18.20.57  (site London, 198.18.20.0/24)
#   trunk  198.19.0.20    (the E9-1-1 provider's gateway)
#   hop    198.19.1.1     (the default next hop for ordinary calls)
#   desk   198.19.2.1     (the security desk)
#   control 198.19.3.1    (the proxy host's management side: e911-control's SIP
#                          user agent; it reaches the dataplane by its UNIX socket)
#
# Usage (root): lab.sh up ID | lab.sh down ID | lab.sh ns ID ROLE (prints the
# namespace name) | lab.sh start ID CONFIG DIR. Every name carries ID, so
# parallel labs do not collide; `down` removes everything `up` made (and stops
# every process in the lab's namespaces, and removes the DPDK runtime directory
# of --file-prefix e911ID), and is safe to run twice.
#
# `start` runs the proxy host of a lab that is up: e911-dataplane on
# net_af_packet on the proxy's eth0 (SIP at 198.18.0.10, default next hop
# 198.19.1.1:5080, control channel DIR/dp.sock) and e911-control in the
# control namespace (its SIP user agent at 198.19.3.1, control socket
# DIR/ctl.sock, its configuration a copy of CONFIG in DIR/e911proxy.xml, calls
# log DIR/calls.log, metrics off); logs in DIR/dp.log and DIR/ctl.log. It
# returns once both run and the dataplane has the configuration, or fails
# with their logs. The programs: $E911_DATAPLANE and $E911_CONTROL (default
# the build tree's).
set -euo pipefail

roles=(proxy caller caller2 trunk hop desk control)
declare -A addr=([caller]=198.18.10.25/15 [caller2]=198.18.20.57/15 [trunk]=198.19.0.20/15
                 [hop]=198.19.1.1/15 [desk]=198.19.2.1/15 [control]=198.19.3.1/15)

ns() { echo "e911-$1-$2"; }

up() {
  local id=$1 sw
  sw=$(ns "$id" sw)
  ip netns add "$sw"
  ip -n "$sw" link add br0 type bridge
  ip -n "$sw" link set br0 up
  local i=0
  for r in "${roles[@]}"; do
    local n
    n=$(ns "$id" "$r")
    ip netns add "$n"
    # Create both ends in the switch namespace, then move one into the role's.
    ip -n "$sw" link add "p$i" type veth peer name "h$i"
    ip -n "$sw" link set "h$i" netns "$n"
    ip -n "$n" link set "h$i" name eth0
    ip -n "$sw" link set "p$i" master br0 up
    ip -n "$n" link set lo up
    ip -n "$n" link set eth0 up
    # The kernel would leave UDP checksums to an offload that veth never does:
    # af_packet would then see partial checksums.
    ip netns exec "$n" ethtool -K eth0 tx off rx off >/dev/null 2>&1 || true
    if [ -n "${addr[$r]:-}" ]; then
      ip -n "$n" addr add "${addr[$r]}" dev eth0
    fi
    i=$((i + 1))
  done
}

down() {
  local id=$1
  for r in "${roles[@]}" sw; do
    ip netns pids "$(ns "$id" "$r")" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$(ns "$id" "$r")" 2>/dev/null || true
  done
  # The runtime directory of a dataplane run in this lab (--file-prefix e911ID, as `start` and
  # the tests use): DPDK leaves it behind.
  rm -rf "/var/run/dpdk/e911$id"
}

start() {
  local id=$1 config=$2 dir=$3 root
  root=$(cd "$(dirname "$0")/../.." && pwd)
  local dataplane=${E911_DATAPLANE:-$root/build/dataplane/app/e911-dataplane}
  local control=${E911_CONTROL:-$root/build/control/daemon/e911-control}
  mkdir -p "$dir"
  cp "$config" "$dir/e911proxy.xml"
  # 8 KB frames: a veth may hand over a big datagram whole (see tools/bench/packet-bench.sh)
  ip netns exec "$(ns "$id" proxy)" "$dataplane" --no-huge -m 1024 -l 0-1 --no-pci --file-prefix "e911$id" \
    --vdev net_af_packet0,iface=eth0,blocksz=8192,framesz=8192,framecnt=1024 -- \
    --config "$dir/e911proxy.xml" --sip-address 198.18.0.10/15 --default-hop 198.19.1.1:5080 \
    --control "$dir/dp.sock" >"$dir/dp.log" 2>&1 </dev/null &
  ip netns exec "$(ns "$id" control)" "$control" --config "$dir/e911proxy.xml" --dataplane "$dir/dp.sock" \
    --socket "$dir/ctl.sock" --sip-address 198.19.3.1 --options-interval 0 --metrics off \
    --calls-log "$dir/calls.log" >"$dir/ctl.log" 2>&1 </dev/null &
  local _
  for _ in $(seq 100); do
    grep -qs "event=resync result=running" "$dir/ctl.log" && return 0
    sleep 0.1
  done
  echo "lab: the proxy host did not come up" >&2
  tail -5 "$dir/dp.log" "$dir/ctl.log" >&2
  return 1
}

case "${1:-}" in
  up) up "$2" ;;
  down) down "$2" ;;
  ns) ns "$2" "$3" ;;
  start) start "$2" "$3" "$4" ;;
  *) echo "usage: $0 up ID | down ID | ns ID ROLE | start ID CONFIG DIR" >&2; exit 2 ;;
esac
