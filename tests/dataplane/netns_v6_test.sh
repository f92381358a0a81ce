#!/usr/bin/env bash
# netns_v6_test.sh - end to end over IPv6: e911-dataplane on net_af_packet
# (8 KB frames) in the proxy namespace of a lab (tools/lab/lab.sh) whose
# caller and trunk also have IPv6 addresses from 2001:db8::/32; sipp as caller
# and trunk.
#   0. an echo over IPv6 and IPv4 from the caller's kernel (ping.py):
#      neighbour discovery and ARP with the kernel, ICMPv6 and ICMP echo;
#   1. a 911 call over IPv6 (caller 2001:db8:10::25, Redmond's IPv6 site):
#      INVITE (retransmitted: the trunk rings late)/180/200/ACK/BYE through
#      the proxy at [2001:db8::10] to the IPv6 trunk [2001:db8::20], the
#      trunk checking the emergency headers and our IPv6 Record-Route;
#   2. a 911 call from an IPv4 caller (198.18.10.25) to the same IPv6 trunk:
#      the INVITE gets two Record-Route entries (RFC 5658: ours on the
#      trunk's side, then ours on the caller's), the 200 goes back over IPv4,
#      and the caller's ACK and BYE, routed by both entries, reach the trunk
#      over IPv6.
# Removes every namespace and process it made, also on failure.
# Usage (root): netns_v6_test.sh E911_DATAPLANE SOURCE_ROOT
set -uo pipefail
dp=$1 root=$2
if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
  echo "SKIP: needs root and network namespaces"; exit 77
fi
lab=$root/tools/lab/lab.sh sipp_dir=$root/tools/sipp v6_dir=$root/tests/dataplane/sipp
id=v6t$$
work=$(mktemp -d)
passed=0 failed=0
dp_pid=
cleanup() {
  [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null
  "$lab" down "$id"
  rm -rf "$work" "/var/run/dpdk/e911$id"
}
trap cleanup EXIT
check() { if [ "$1" -eq 0 ]; then echo "ok   $2"; passed=$((passed + 1)); else echo "FAIL $2"; failed=$((failed + 1)); fi; }

if ! "$lab" up "$id" 2>"$work/lab.err"; then
  cat "$work/lab.err"; echo "0 passed, 1 failed"; exit 1
fi
nsx() { ip netns exec "$("$lab" ns "$id" "$1")" "${@:2}"; }
# IPv6 beside the lab's IPv4 (nodad: usable at once). The proxy's kernel keeps out of IPv6:
# e911-dataplane answers for 2001:db8::10 on that link.
nsx caller ip addr add 2001:db8:10::25/32 dev eth0 nodad
nsx trunk ip addr add 2001:db8::20/32 dev eth0 nodad
nsx proxy sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1

# Not through nsx: $! must be the dataplane itself (ip netns exec execs it).
ip netns exec "$("$lab" ns "$id" proxy)" "$dp" --no-huge -m 1024 -l 0-1 --no-pci --file-prefix "e911$id" \
  --vdev net_af_packet0,iface=eth0,blocksz=8192,framesz=8192,framecnt=1024 -- \
  --config "$root/tests/dataplane/policies-v6.xml" \
  --sip-address 198.18.0.10/15 --sip-address 2001:db8::10/32 --default-hop 198.19.1.1:5080 \
  >"$work/dp.log" 2>&1 &
dp_pid=$!
for _ in $(seq 50); do grep -qs "running:" "$work/dp.log" && break; sleep 0.2; done
grep -q "running:" "$work/dp.log"; check $? "e911-dataplane runs on net_af_packet with an IPv4 and an IPv6 address"

# ping(8) may not be there: a raw-socket echo, the kernel resolving the neighbour first.
nsx caller /usr/bin/python3 "$root/tests/dataplane/ping.py" 2001:db8::10
check $? "echo over IPv6 from the caller's kernel: neighbour discovery and ICMPv6 echo answered"
nsx caller /usr/bin/python3 "$root/tests/dataplane/ping.py" 198.18.0.10
check $? "echo over IPv4 from the caller's kernel: ARP and ICMP echo answered"

sipp_common=(-nostdin -timeout 20s -timeout_error -m 1 -trace_err -trace_msg)
call() { # NAME CALLER_IP PROXY_TARGET
  local name=$1 caller_ip=$2 target=$3 dir
  dir=$work/${name// /-}
  mkdir -p "$dir"
  (cd "$dir" && nsx trunk sipp "${sipp_common[@]}" -sf "$v6_dir/trunk-v6.xml" -i 2001:db8::20 -p 5060 -d 1200 \
     >"$dir/uas.log" 2>&1) &
  local uas_pid=$!
  sleep 0.5
  (cd "$dir" && nsx caller sipp "${sipp_common[@]}" -sf "$sipp_dir/caller.xml" -s 911 -i "$caller_ip" "$target" \
     >"$dir/uac.log" 2>&1)
  local uac_rc=$?
  wait "$uas_pid"
  local uas_rc=$?
  check $uac_rc "$name: the caller's call succeeds (INVITE/180/200/ACK/BYE)"
  check $uas_rc "$name: the IPv6 trunk got what it checks"
  if [ $uac_rc -ne 0 ] || [ $uas_rc -ne 0 ]; then
    tail -5 "$dir/uac.log" "$dir/uas.log"; cat "$dir"/*errors.log 2>/dev/null | tail -40
  fi
}
call "IPv6 911 call" 2001:db8:10::25 "[2001:db8::10]:5060"
call "IPv4 caller to the IPv6 trunk" 198.18.10.25 198.18.0.10:5060

mixed=$work/IPv4-caller-to-the-IPv6-trunk
# The INVITE as the trunk got it: our two Record-Route lines, the trunk's side on top.
grep -A1 -m1 '^Record-Route: <sip:\[2001:db8::10\];lr>' "$mixed"/trunk-v6_*_messages.log 2>/dev/null |
  tail -1 | grep -q '^Record-Route: <sip:198\.18\.0\.10;lr>'
check $? "IPv4 caller: the INVITE carries both our Record-Route entries, IPv6 on top (RFC 5658)"
# The caller's ACK and BYE carried both as Route (its route set, reversed) and still arrived.
grep -q '^Route: <sip:198\.18\.0\.10;lr>, *<sip:\[2001:db8::10\];lr>' "$mixed"/caller_*_messages.log 2>/dev/null
check $? "IPv4 caller: its BYE is routed by both entries (and reached the trunk)"
v6=$work/IPv6-911-call
! grep -q '^Record-Route: <sip:198' "$v6"/trunk-v6_*_messages.log 2>/dev/null
check $? "IPv6 caller: one Record-Route (no IPv4 entry)"

kill -TERM "$dp_pid"; wait "$dp_pid"; check $? "e911-dataplane stops cleanly on SIGTERM"
dp_pid=
grep -q "e911 event=call .*policy=Redmond .*gateway=2001:db8::20" "$work/dp.log"
check $? "the emergency calls are logged with the IPv6 gateway"
[ "$(grep -c "e911 event=end .*method=BYE" "$work/dp.log")" -eq 2 ]
check $? "both BYEs end an emergency call"
[ $failed -eq 0 ] || cat "$work/dp.log"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
