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
# namespace name). Every name carries ID, so parallel labs do not collide;
# `down` removes everything `up` made, and is safe to run twice.
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
}

case "${1:-}" in
  up) up "$2" ;;
  down) down "$2" ;;
  ns) ns "$2" "$3" ;;
  *) echo "usage: $0 up ID | down ID | ns ID ROLE" >&2; exit 2 ;;
esac
