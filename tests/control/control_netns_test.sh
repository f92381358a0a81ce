#!/usr/bin/env bash
# control_netns_test.sh - e911-control end to end in the namespace lab
# (tools/lab): e911-dataplane on net_af_packet in the proxy namespace,
# e911-control in the control namespace (its SIP user agent on 198.19.3.1),
# sipp as callers, trunk and security desk (tools/sipp/).
#   1. a 911 call from Redmond: the trunk gets it, the desk gets the MESSAGE
#      and is called into the call one-way (SDP recvonly), and gets the BYE
#      when the call ends; `show calls` has it all; the metrics moved during it;
#   2. a bad command is refused and changes nothing; a retransmitted emergency
#      INVITE stays one call (the desk is not told twice);
#   3. under a stream of 100 emergency calls: `reload`, a change through the
#      socket (conference-mode two-way) answered with the running version and
#      written to the file (the old one kept as .bak), `reload` again, then
#      kill -9 e911-control and start it again: every call is routed, and the
#      channel, the configuration and event delivery come back;
#   4. the next call's conference leg is two-way (sendrecv);
#   5. health: ok with the dataplane, down without it.
# Removes every namespace and process it made, also on failure.
# Usage (root): control_netns_test.sh E911_DATAPLANE E911_CONTROL E911CTL SOURCE_ROOT
set -uo pipefail
dp=$1 ctl=$2 e911ctl_bin=$3 root=$4
if [ "$(id -u)" -ne 0 ] || ! ip netns list >/dev/null 2>&1; then
  echo "SKIP: needs root and network namespaces"; exit 77
fi
lab=$root/tools/lab/lab.sh sipp_dir=$root/tools/sipp
id=c$$ work=$(mktemp -d) passed=0 failed=0 dp_pid='' ctl_pid=''
metrics_port=$((20000 + $$ % 20000))
cleanup() {
  [ "${KEEP_WORK:-}" ] && cp -r "$work" "$KEEP_WORK"
  [ -n "$ctl_pid" ] && kill -TERM "$ctl_pid" 2>/dev/null && wait "$ctl_pid" 2>/dev/null
  [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null
  "$lab" down "$id"
  rm -rf "$work"
}
trap cleanup EXIT
check() { if [ "$1" -eq 0 ]; then echo "ok   $2"; passed=$((passed + 1)); else echo "FAIL $2"; failed=$((failed + 1)); fi; }
if ! "$lab" up "$id" 2>"$work/lab.err"; then
  cat "$work/lab.err"; echo "0 passed, 1 failed"; exit 1
fi
nsx() { ip netns exec "$("$lab" ns "$id" "$1")" "${@:2}"; }
e911ctl() { "$e911ctl_bin" --socket "$work/ctl.sock" "$@"; }

# 8 KB frames: a veth may hand over a big INVITE (SDP + PIDF-LO) whole, beyond af_packet's
# default 2 KB frames (see tools/bench/packet-bench.sh).
ip netns exec "$("$lab" ns "$id" proxy)" "$dp" --no-huge -m 1024 -l 0-1 --no-pci --file-prefix "e911$id" \
  --vdev net_af_packet0,iface=eth0,blocksz=8192,framesz=8192,framecnt=1024 -- --config "$root/examples/lab.xml" \
  --sip-address 198.18.0.10/15 --default-hop 198.19.1.1:5080 --control "$work/dp.sock" \
  >"$work/dp.log" 2>&1 &
dp_pid=$!
for _ in $(seq 50); do grep -qs "running:" "$work/dp.log" && break; sleep 0.2; done

cp "$root/examples/lab.xml" "$work/cfg.xml"
start_control() {
  local before
  before=$(grep -c "event=resync result=running" "$work/ctl.log" 2>/dev/null)
  ip netns exec "$("$lab" ns "$id" control)" "$ctl" --config "$work/cfg.xml" --dataplane "$work/dp.sock" \
    --socket "$work/ctl.sock" --sip-address 198.19.3.1 --options-interval 0 --conference-timeout 10 \
    --metrics "127.0.0.1:$metrics_port" --calls-log "$work/calls.log" >>"$work/ctl.log" 2>&1 &
  ctl_pid=$!
  for _ in $(seq 50); do
    [ "$(grep -c "event=resync result=running" "$work/ctl.log" 2>/dev/null)" -gt "${before:-0}" ] && return 0
    sleep 0.1
  done
  return 1
}
start_control; check $? "e911-control connects to the dataplane and pushes its configuration"

metric() { # NAME{LABELS}: its value, from e911-control's /metrics in the control namespace
  nsx control python3 -c 'import sys, urllib.request as u
for l in u.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode().splitlines():
    if l.startswith(sys.argv[2] + " "): print(l.split()[-1])' "$metrics_port" "$1"
}

sipp_common=(-nostdin -timeout 30s -timeout_error -trace_err)
# One emergency call from Redmond, with the desk's phone and bridge listening.
desk_call() { # NAME
  local name=$1
  (cd "$work" && nsx desk sipp "${sipp_common[@]}" -m 1 -sf "$sipp_dir/desk-notify.xml" -i 198.19.2.1 -p 5060 \
     -trace_msg -message_file "$work/$name-notify.msg" >"$work/$name-notify.out" 2>&1) &
  local notify_pid=$!
  (cd "$work" && nsx desk sipp "${sipp_common[@]}" -m 1 -sf "$sipp_dir/desk-bridge.xml" -i 198.19.2.1 -p 5062 \
     -trace_msg -message_file "$work/$name-bridge.msg" >"$work/$name-bridge.out" 2>&1) &
  local bridge_pid=$!
  (cd "$work" && nsx trunk sipp "${sipp_common[@]}" -m 1 -sf "$sipp_dir/trunk.xml" -i 198.19.0.20 -p 5060 \
     >"$work/$name-trunk.out" 2>&1) &
  local trunk_pid=$!
  sleep 0.5
  local before
  before=$(metric 'e911_emergency_calls_total{policy="Redmond"}')
  (cd "$work" && nsx caller sipp "${sipp_common[@]}" -m 1 -sf "$sipp_dir/caller.xml" -s 911 -d 5000 \
     -i 198.18.10.25 198.18.0.10:5060 >"$work/$name-caller.out" 2>&1) &
  local caller_pid=$!
  sleep 3 # the call is up; the desk's leg rings and connects
  local during
  during=$(metric 'e911_emergency_calls_total{policy="Redmond"}')
  wait "$caller_pid"; check $? "$name: the caller's call succeeds"
  wait "$trunk_pid"; check $? "$name: the trunk gets the emergency INVITE with its headers"
  wait "$notify_pid"; check $? "$name: the desk gets a MESSAGE, Priority: emergency, text/plain"
  wait "$bridge_pid"; check $? "$name: the desk's bridge is called, answers, and gets the BYE at the end"
  [ "${during:-0}" -gt "${before:-0}" ] 2>/dev/null
  check $? "$name: the metrics' emergency counter moved during the call ($before -> $during)"
}

desk_call "first call"
grep -q "Callback: .*+14255550100" "$work/first call-notify.msg" && grep -q "Lab Caller" "$work/first call-notify.msg" &&
  grep -q "1 Main St" "$work/first call-notify.msg"
check $? "the MESSAGE names the caller, the callback number and the location"
grep -q "a=recvonly" "$work/first call-bridge.msg"; check $? "one-way: the conference INVITE's SDP is recvonly"
calls=$(e911ctl show calls 1); rc=$?
[ $rc -eq 0 ] && grep -q "policy=Redmond" <<<"$calls" && grep -q "delivered" <<<"$calls" &&
  grep -q "conference .*one-way: ended" <<<"$calls" && grep -q "1 Main St" <<<"$calls"
check $? "show calls: the call, its location, the MESSAGE delivered, the conference ended"
[ $rc -eq 0 ] || echo "$calls"
e911ctl show calls 1 json | python3 -c 'import json, sys
c = json.load(sys.stdin)[0]
assert c["policy"] == "Redmond" and c["validated"] and c["notifications"][0]["state"] == "delivered", c'
check $? "show calls json: the same as JSON"

cp "$work/cfg.xml" "$work/cfg.before"
answer=$(e911ctl set policy Redmond conference-mode 3way); rc=$?
[ $rc -eq 1 ] && grep -q "^error: " <<<"$answer" && cmp -s "$work/cfg.xml" "$work/cfg.before"
check $? "a bad value is refused (exit 1) and changes nothing: $answer"

# The stateless dataplane forwards a retransmitted INVITE, and reports it again: e911-control
# must keep it one call (one record, repeats=1), the desk told and called in once.
repeat_id="repeat-$$@198.18.10.25"
nsx caller python3 - "$root/tests/data/sip/emergency-invite.sip" "$repeat_id" <<'PY'
import socket, sys, time
invite = open(sys.argv[1], "rb").read().replace(b"a84b4c76e66710@198.18.10.25", sys.argv[2].encode())
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.10.25", 5060))
for _ in range(2):  # the INVITE and its retransmission (T1 later)
    s.sendto(invite, ("198.18.0.10", 5060))
    time.sleep(0.5)
PY
sleep 1
e911ctl show calls 10 json | python3 -c 'import json, sys
same = [c for c in json.load(sys.stdin) if c["call_id"] == sys.argv[1]]
assert len(same) == 1 and same[0]["repeats"] == 1, same' "$repeat_id" &&
  [ "$(grep -c "event=call ref=.*call_id=\"$repeat_id\"" "$work/ctl.log")" -eq 1 ] &&
  grep -q "event=call-repeat ref=.* repeats=1" "$work/ctl.log"
check $? "a retransmitted emergency INVITE is the same call: one record (repeats=1), the desk told once"

# Under a stream of 100 emergency calls from London (no desk work there): reloads, a change
# through the socket, and e911-control killed and started again.
(cd "$work" && nsx trunk sipp -nostdin -timeout 150s -timeout_error -m 100 -sf "$sipp_dir/trunk.xml" \
   -i 198.19.0.20 -p 5060 >"$work/load-trunk.out" 2>&1) &
trunk_pid=$!
sleep 0.5
(cd "$work" && nsx caller2 sipp -nostdin -timeout 150s -timeout_error -m 100 -r 10 -sf "$sipp_dir/caller.xml" \
   -s 999 -i 198.18.20.57 198.18.0.10:5060 >"$work/load-caller.out" 2>&1) &
caller_pid=$!
sleep 0.7
e911ctl --timeout 60 reload | grep -q "^ok version="; reload1=$?
version_before=$(e911ctl show version json | python3 -c 'import json, sys; print(json.load(sys.stdin)["snapshot"])')
answer=$(e911ctl --timeout 60 set policy Redmond conference-mode two-way); rc=$?
[ $rc -eq 0 ] && grep -q "^ok version=$((version_before + 1)) " <<<"$answer"
check $? "a change under load is answered with the version now running: ${answer%%$'\n'*}"
grep -q 'conference-mode="two-way"' "$work/cfg.xml" && [ -f "$work/cfg.xml.bak" ] &&
  grep -q 'conference-mode="one-way"' "$work/cfg.xml.bak"
check $? "it is written to the file, the previous file kept as .bak"
sleep 0.7
e911ctl --timeout 60 reload | grep -q "^ok version="; reload2=$?
[ $reload1 -eq 0 ] && [ $reload2 -eq 0 ]; check $? "reload under load: each answered with the version running"
kill -KILL "$ctl_pid"; wait "$ctl_pid" 2>/dev/null; ctl_pid=
sleep 1
start_control; check $? "e911-control killed under load comes back: channel up, configuration pushed again"
wait "$caller_pid"; check $? "every one of 100 emergency calls under reloads, the change and the kill is routed and completes"
wait "$trunk_pid"; check $? "the trunk got all 100"
calls_seen=$(e911ctl show calls 100 json | python3 -c 'import json, sys; print(sum(c["policy"] == "London" for c in json.load(sys.stdin)))')
[ "${calls_seen:-0}" -gt 0 ]; check $? "events reach the restarted e911-control ($calls_seen London calls since)"
grep -q 'conference-mode="two-way"' "$work/cfg.xml"; check $? "it came back with the configuration last set"

desk_call "second call"
grep -q "a=sendrecv" "$work/second call-bridge.msg"; check $? "the next call follows the change: two-way, sendrecv"

e911ctl health >/dev/null; check $? "health: ok (exit 0) with the dataplane connected"
kill -TERM "$dp_pid"; wait "$dp_pid"; dp_pid=
sleep 0.3
e911ctl health >/dev/null; [ $? -eq 2 ]; check $? "health: down (exit 2) without the dataplane"

echo "$passed passed, $failed failed"
if [ $failed -ne 0 ]; then
  tail -30 "$work/ctl.log"; for f in "$work"/*.out; do echo "== $f"; tail -5 "$f"; done; cat "$work"/*errors.log 2>/dev/null | tail -40
  exit 1
fi
