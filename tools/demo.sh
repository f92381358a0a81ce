#!/usr/bin/env bash
# The main job: real emergency calls through the real e911proxy processes.
# Installs what is missing, builds, brings up the namespace lab (tools/lab:
# callers on two sites, the proxy host, the E9-1-1 trunk, the default next
# hop, the security desk), starts e911-dataplane on net_af_packet and
# e911-control with examples/lab.xml, and places, with sipp (tools/sipp/):
#   1. a 911 call from Redmond whose INVITE carries a civic PIDF-LO,
#   2. a 9911 call (a dial mask) from Redmond,
#   3. a urn:service:sos call from the London site,
#   4. a 911 call from Redmond whose location the user typed in,
#   5. an ordinary call, which goes to the default next hop.
# For each it prints what each party received: the trunk's Request-URI and
# emergency headers, the security desk's notification text, the conference
# INVITE and its mode; then `e911ctl show calls`. Then it changes a policy
# through the control socket and shows the next call following the change.
# Tears everything down, also on failure; exits non-zero if any party did not
# get what it should. Needs root.
# With --installed it runs the installed programs (/usr/bin, the package's
# example configuration) instead of building the tree: the package's test.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ "${1:-}" = --installed ]; then
  dataplane=/usr/bin/e911-dataplane control=/usr/bin/e911-control ctl=/usr/bin/e911ctl
  config=/usr/share/e911proxy/examples/lab.xml
else
  tools/build.sh build || exit 1
  dataplane=build/dataplane/app/e911-dataplane control=build/control/daemon/e911-control
  ctl=build/tools/e911ctl/e911ctl config=examples/lab.xml
fi
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (network namespaces)" >&2; exit 2; }

id=demo$$ lab=$root/tools/lab/lab.sh work=$(mktemp -d) failed=0
cleanup() {
  "$lab" down "$id" # stops the lab's processes too
  rm -rf "$work"
}
trap cleanup EXIT
"$lab" up "$id" || exit 1
nsx() { ip netns exec "$("$lab" ns "$id" "$1")" "${@:2}"; }
e911ctl() { "$ctl" --socket "$work/ctl.sock" "$@"; }
indent() { sed 's/^/     | /'; }

echo "== the proxy host: $dataplane (net_af_packet on eth0, SIP at 198.18.0.10)"
echo "   and $control beside it (its SIP user agent at 198.19.3.1)"
E911_DATAPLANE=$dataplane E911_CONTROL=$control "$lab" start "$id" "$config" "$work" || exit 1
grep -E "^e911-dataplane: (policies|port|running)" "$work/dp.log" | sed 's/^/   /'
e911ctl show version | sed 's/^/   /'

# The request (INVITE or MESSAGE) a party received, in a few lines.
show_request() { # MESSAGE_LOG HEADER_REGEX: the first request's start line and those headers
  tr -d '\r' <"$1" | awk '/^(INVITE|MESSAGE) /{p=1} p&&/^$/{exit} p' | grep -E "^(INVITE|MESSAGE) |$2" | indent
}
show_body() { # MESSAGE_LOG: the body of the first request in it
  tr -d '\r' <"$1" | awk '/^(INVITE|MESSAGE) /{p=1} p&&/^$/&&!b{b=1;next} b&&(/^---/||/^$/){exit} b' | indent
}
emergency_headers='^(Priority|Resource-Priority|E911-Policy|E911-Location|P-Asserted-Identity|Geolocation):'

start_sipp() { # NS IP PORT SCENARIO NAME [ARGS...]: in the background, its message trace in $work/NAME.msg
  local ns=$1 ip=$2 port=$3 scenario=$4 name=$5
  shift 5
  (cd "$work" && nsx "$ns" sipp -nostdin -timeout 30s -timeout_error -m 1 -sf "$root/tools/sipp/$scenario" \
     -i "$ip" -p "$port" -trace_msg -message_file "$work/$name.msg" "$@" >"$work/$name.out" 2>&1) &
  pids+=($!)
  names+=("$name")
}

call() { # N TITLE CALLER_NS CALLER_IP CALLER_SCENARIO DIALLED FAR (trunk|hop) DESK (desk|-) EXPECT_LOCATION
  local n=$1 title=$2 cns=$3 cip=$4 uac=$5 dialled=$6 far=$7 desk=$8 expect=$9
  pids=() names=()
  echo
  echo "== $n. $title"
  if [ "$far" = trunk ]; then start_sipp trunk 198.19.0.20 5060 trunk.xml "trunk.$n"
  else start_sipp hop 198.19.1.1 5080 next-hop.xml "hop.$n"; fi
  if [ "$desk" = desk ]; then
    start_sipp desk 198.19.2.1 5060 desk-notify.xml "notify.$n"
    start_sipp desk 198.19.2.1 5062 desk-bridge.xml "bridge.$n"
  fi
  sleep 0.5
  local args=(-d 2500)
  [ -n "$dialled" ] && args+=(-s "$dialled")
  (cd "$work" && nsx "$cns" sipp -nostdin -timeout 30s -timeout_error -m 1 -sf "$root/tools/sipp/$uac" \
     -i "$cip" "${args[@]}" 198.18.0.10:5060 >"$work/caller.$n.out" 2>&1)
  local rc=$? bad=()
  [ $rc -eq 0 ] || bad+=("caller (sipp exit $rc)")
  for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || bad+=("${names[$i]%%.*} (sipp exit $?)")
  done
  if [ "$far" = trunk ]; then
    echo "   the E9-1-1 trunk (198.19.0.20) received:"
    show_request "$work/trunk.$n.msg" "$emergency_headers"
    grep -q "^E911-Location: $expect" "$work/trunk.$n.msg" || bad+=("trunk (location not $expect)")
  else
    echo "   the default next hop (198.19.1.1) received, untouched:"
    show_request "$work/hop.$n.msg" '^(Priority|E911-Policy):'
  fi
  if [ "$desk" = desk ]; then
    echo "   the security desk (198.19.2.1:5060) was notified:"
    show_body "$work/notify.$n.msg"
    local dir
    dir=$(grep -m1 -oE 'a=(recvonly|sendrecv)' "$work/bridge.$n.msg")
    echo "   the security desk's bridge (198.19.2.1:5062) was called into the call: SDP $dir" \
      "($([ "$dir" = a=recvonly ] && echo "one-way: it listens" || echo "two-way: it listens and speaks"))," \
      "and got the BYE when the call ended"
    show_request "$work/bridge.$n.msg" '^(Subject|Referred-By|Call-Info):'
  fi
  if [ ${#bad[@]} -eq 0 ]; then
    echo "   ok: every party got what it should"
  else
    echo "   FAILED: ${bad[*]}"
    failed=$((failed + 1))
  fi
}

call 1 "911 from Redmond (198.18.10.25), civic PIDF-LO" caller 198.18.10.25 caller.xml 911 trunk desk validated
call 2 "9911 (a dial mask) from Redmond: leaves as 911" caller 198.18.10.25 caller.xml 9911 trunk desk validated
call 3 "urn:service:sos from London (198.18.20.57): no desk configured there" caller2 198.18.20.57 caller-sos.xml "" trunk - validated
call 4 "911 from Redmond with a location the user typed in" caller 198.18.10.25 caller-manual.xml 911 trunk desk user-entered
call 5 "an ordinary call: to the default next hop" caller 198.18.10.25 caller.xml +14255550199 hop - -

echo
echo "== e911ctl show calls"
e911ctl show calls 5 | sed 's/^/   /'

echo
echo "== a policy change through the control socket"
echo "   \$ e911ctl set policy Redmond conference-mode two-way"
e911ctl set policy Redmond conference-mode two-way | sed 's/^/   /' || failed=$((failed + 1))
call 6 "911 from Redmond again: the desk now joins two-way" caller 198.18.10.25 caller.xml 911 trunk desk validated
grep -q a=sendrecv "$work/bridge.6.msg" || { echo "   FAILED: the change did not reach the call"; failed=$((failed + 1)); }

# Stop them as their service would (SIGTERM), the dataplane printing its counters.
for role in control proxy; do
  for p in $(ip netns pids "$("$lab" ns "$id" "$role")"); do kill -TERM "$p"; done
done
for _ in $(seq 50); do grep -qs "stopped\." "$work/dp.log" && break; sleep 0.1; done
echo
echo "== the dataplane's counters at exit"
grep -E '^e911-dataplane: (stopped|  )' "$work/dp.log" | sed 's/^e911-dataplane: /   /'
echo
if [ $failed -eq 0 ]; then
  echo "demo: all 6 calls did what they should"
else
  echo "demo: $failed call(s) failed" >&2
  exit 1
fi
