#!/usr/bin/env bash
# The main job: real emergency calls through the real e911-dataplane.
# Installs what is missing, builds, brings up the namespace lab (tools/lab:
# callers on two sites, the proxy, the E9-1-1 trunk, the default next hop),
# starts e911-dataplane on net_af_packet with examples/lab.xml, and places,
# with sipp (scenarios in tools/sipp/):
#   1. a 911 call from the Redmond site,
#   2. a 9911 call (a dial mask) from Redmond,
#   3. a urn:service:sos call from the London site,
#   4. a call that is cancelled while it rings,
#   5. an ordinary call, which goes to the default next hop.
# For each it prints what the far end received; then the dataplane's
# emergency-call log and counters. Tears everything down, also on failure.
# Exits non-zero if any party did not get what it should. Needs root.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tools/build.sh build || exit 1
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (network namespaces)" >&2; exit 2; }

id=demo$$ lab=$root/tools/lab/lab.sh work=$(mktemp -d) failed=0 dp_pid=
cleanup() {
  [ -n "$dp_pid" ] && kill -TERM "$dp_pid" 2>/dev/null && wait "$dp_pid" 2>/dev/null
  "$lab" down "$id"
  rm -rf "$work"
}
trap cleanup EXIT
"$lab" up "$id" || exit 1
nsx() { ip netns exec "$("$lab" ns "$id" "$1")" "${@:2}"; }

echo "== e911-dataplane on the proxy's namespace (net_af_packet on eth0, 198.18.0.10)"
ip netns exec "$("$lab" ns "$id" proxy)" build/dataplane/app/e911-dataplane --no-huge -m 1024 -l 0-1 \
  --no-pci --file-prefix "e911$id" --vdev net_af_packet0,iface=eth0 -- --config examples/lab.xml \
  --sip-address 198.18.0.10/15 --default-hop 198.19.1.1:5080 >"$work/dp.log" 2>&1 &
dp_pid=$!
for _ in $(seq 50); do grep -qs "running:" "$work/dp.log" && break; sleep 0.2; done
grep -E "^e911-dataplane: (policies|port|running)" "$work/dp.log" | sed 's/^/   /'

# The INVITE (or CANCEL) the far end received, in a few lines.
show_received() {
  awk '/^(INVITE|CANCEL) /{p=1} p&&/^$/{exit} p' "$1" |
    grep -E '^(INVITE|CANCEL) |^(Priority|Resource-Priority|E911-Policy|E911-Location|P-Asserted-Identity|Record-Route|Geolocation):' |
    sed 's/^/     | /'
}

call() { # TITLE CALLER_NS CALLER_IP FAR_NS FAR_IP FAR_PORT FAR_SCENARIO CALLER_SCENARIO [DIALLED]
  local title=$1 cns=$2 cip=$3 fns=$4 fip=$5 fport=$6 far=$7 uac=$8 dialled=${9:-}
  local n=$((n + 1))
  echo
  echo "== $title"
  (cd "$work" && nsx "$fns" sipp -nostdin -timeout 20s -timeout_error -m 1 -sf "$root/tools/sipp/$far" \
     -i "$fip" -p "$fport" -trace_msg -message_file "$work/far.$n.log" >"$work/far.$n.out" 2>&1) &
  local far_pid=$!
  sleep 0.5
  local args=(-nostdin -timeout 20s -timeout_error -m 1 -sf "$root/tools/sipp/$uac" -i "$cip")
  [ -n "$dialled" ] && args+=(-s "$dialled")
  (cd "$work" && nsx "$cns" sipp "${args[@]}" 198.18.0.10:5060 >"$work/caller.$n.out" 2>&1)
  local caller_rc=$?
  wait "$far_pid"
  local far_rc=$?
  echo "   $fip received:"
  show_received "$work/far.$n.log"
  if [ $caller_rc -eq 0 ] && [ $far_rc -eq 0 ]; then
    echo "   ok: the caller's call completed and the far end found everything it checks"
  else
    echo "   FAILED: caller sipp exit $caller_rc, far end sipp exit $far_rc"
    failed=$((failed + 1))
  fi
  n_calls=$n
}
n=0
call "1. 911 from Redmond (198.18.10.25)" caller 198.18.10.25 trunk 198.19.0.20 5060 trunk.xml caller.xml 911; n=1
call "2. 9911 (a dial mask) from Redmond: leaves as 911" caller 198.18.10.25 trunk 198.19.0.20 5060 trunk.xml caller.xml 9911; n=2
call "3. urn:service:sos from London (198.18.20.57)" caller2 198.18.20.57 trunk 198.19.0.20 5060 trunk.xml caller-sos.xml; n=3
call "4. 911 cancelled while it rings: the CANCEL takes the INVITE's path" caller 198.18.10.25 trunk 198.19.0.20 5060 trunk-cancel.xml caller-cancel.xml 911; n=4
call "5. an ordinary call: to the default next hop, untouched" caller 198.18.10.25 hop 198.19.1.1 5080 next-hop.xml caller.xml +14255550199; n=5

kill -TERM "$dp_pid"; wait "$dp_pid"; dp_pid=
echo
echo "== the dataplane's emergency-call log"
grep '^e911 event=' "$work/dp.log" | sed 's/^/   /'
echo
echo "== its counters at exit"
grep -E '^e911-dataplane: (stopped|  )' "$work/dp.log" | sed 's/^e911-dataplane: /   /'
echo
if [ $failed -eq 0 ]; then
  echo "demo: all 5 calls did what they should"
else
  echo "demo: $failed call(s) failed" >&2
  exit 1
fi
