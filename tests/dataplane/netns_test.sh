#!/usr/bin/env bash
# netns_test.sh - end to end: e911-dataplane on net_af_packet in the lab's
# proxy namespace, sipp as caller, trunk and next hop in theirs (tools/lab).
#   1. a 9911 call: INVITE/180/200/ACK/BYE through the proxy, leaving as 911
#      with its emergency headers (checked by the trunk's scenario); the trunk
#      rings late, so the caller retransmits and the proxy's branch must match;
#   2. a 911 call cancelled while it rings (CANCEL takes the INVITE's path);
#   3. an ordinary call to the default next hop, Request-URI unchanged.
# Real ARP both ways. Removes every namespace and process it made, also on
# failure. Usage (root): netns_test.sh E911_DATAPLANE SOURCE_ROOT
set -uo pipefail
dp=$1 root=$2
if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
  echo "SKIP: needs root and network namespaces"; exit 77
fi
lab=$root/tools/lab/lab.sh sipp_dir=$root/tools/sipp
id=t$$
work=$(mktemp -d)
passed=0 failed=0
cleanup() {
  [ -n "${dp_pid:-}" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null
  "$lab" down "$id"
  rm -rf "$work"
}
trap cleanup EXIT
check() { if [ "$1" -eq 0 ]; then echo "ok   $2"; passed=$((passed + 1)); else echo "FAIL $2"; failed=$((failed + 1)); fi; }

if ! "$lab" up "$id" 2>"$work/lab.err"; then
  cat "$work/lab.err"; echo "0 passed, 1 failed"; exit 1
fi
nsx() { ip netns exec "$("$lab" ns "$id" "$1")" "${@:2}"; }

# Not through nsx: $! must be the dataplane itself (ip netns exec execs it).
# 8 KB frames: a veth may hand over a big INVITE (SDP + PIDF-LO) whole, beyond af_packet's
# default 2 KB frames (see tools/bench/packet-bench.sh).
ip netns exec "$("$lab" ns "$id" proxy)" "$dp" --no-huge -m 1024 -l 0-1 --no-pci --file-prefix "e911$id" \
  --vdev net_af_packet0,iface=eth0,blocksz=8192,framesz=8192,framecnt=1024 -- --config "$root/examples/lab.xml" \
  --sip-address 198.18.0.10/15 --default-hop 198.19.1.1:5080 --control "$work/control.sock" \
  >"$work/dp.log" 2>&1 &
dp_pid=$!
for _ in $(seq 50); do grep -qs "running:" "$work/dp.log" && break; sleep 0.2; done
grep -q "running:" "$work/dp.log"; check $? "e911-dataplane runs on net_af_packet"

# The control channel: requests answered, then the calls' events pushed.
/usr/bin/python3 "$root/tests/dataplane/control_test.py" "$work/control.sock" "$root/examples/lab.xml" \
  "$work/events" 25 >"$work/control.log" 2>&1 &
control_pid=$!
for _ in $(seq 50); do grep -q "listening for events" "$work/control.log" && break; sleep 0.2; done

sipp_common=(-nostdin -timeout 20s -timeout_error -m 1 -trace_err)
call() { # NAME UAS_ROLE UAS_SCENARIO UAS_PORT UAS_IP DIALLED CALLER_SCENARIO [UAS_ARGS...]
  local name=$1 role=$2 uas=$3 port=$4 ip=$5 dialled=$6 uac=$7
  shift 7
  (cd "$work" && nsx "$role" sipp "${sipp_common[@]}" -sf "$sipp_dir/$uas" -i "$ip" -p "$port" "$@" \
     >"$work/$name-uas.log" 2>&1) &
  local uas_pid=$!
  sleep 0.5
  (cd "$work" && nsx caller sipp "${sipp_common[@]}" -sf "$sipp_dir/$uac" -s "$dialled" -i 198.18.10.25 \
     198.18.0.10:5060 >"$work/$name-uac.log" 2>&1)
  local uac_rc=$?
  wait "$uas_pid"
  local uas_rc=$?
  check $uac_rc "$name: the caller's call succeeds"
  check $uas_rc "$name: the far end got what it checks"
  if [ $uac_rc -ne 0 ] || [ $uas_rc -ne 0 ]; then
    tail -5 "$work/$name-uac.log" "$work/$name-uas.log"; cat "$work"/*errors.log 2>/dev/null | tail -40
  fi
}
call "9911 call" trunk trunk.xml 5060 198.19.0.20 9911 caller.xml -d 1200
call "cancelled 911 call" trunk trunk-cancel.xml 5060 198.19.0.20 911 caller-cancel.xml
call "ordinary call" hop next-hop.xml 5080 198.19.1.1 +14255550199 caller.xml

kill -TERM "$dp_pid"; wait "$dp_pid"; check $? "e911-dataplane stops cleanly on SIGTERM"
wait "$control_pid"; check $? "the control channel answers as documented"
grep -E '^(ok|FAIL) ' "$work/control.log" | sed 's/^/     /'
grep -q '"kind":"call".*"policy":"Redmond".*"location":"validated"' "$work/events" &&
  grep -q '"kind":"end".*"method":"BYE"' "$work/events" && grep -q 'civicAddress' "$work/events"
check $? "the calls' events reach the control client (with the PIDF-LO)"
dp_pid=
grep -q "e911 event=call .*policy=Redmond" "$work/dp.log"; check $? "the emergency calls are logged"
grep -q "e911 event=end .*method=BYE" "$work/dp.log" && grep -q "e911 event=end .*method=CANCEL" "$work/dp.log"
check $? "their BYE and CANCEL are logged"
[ $failed -eq 0 ] || cat "$work/dp.log"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
