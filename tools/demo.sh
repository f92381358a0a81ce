#!/usr/bin/env bash
# The main job, as far as the project goes today: build, then parse the
# bundled sample messages (an emergency INVITE with SDP + PIDF-LO, responses,
# in-dialog requests) and the RFC 4475 torture messages with e911-sipdump;
# decide, with the example location policies, what each sample INVITE is
# (e911-classify, from the caller's address in its Via); and time the parser
# against libosip2 on the emergency INVITE.
# Later issues replace this with the end-to-end call demo.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/build.sh build

echo "== sample messages (all must parse)"
build/tools/e911-sipdump tests/data/sip/*.sip

echo
echo "== RFC 4475 torture messages (valid ones parse, invalid ones are refused with a reason)"
build/tools/e911-sipdump tests/data/rfc4475/*.sip ../shared/corpus/rfc4475/*.sip 2>/dev/null |
  sed 's/ call_id=.*//' || true

echo
echo "== what the proxy decides for each sample INVITE (examples/realistic.xml)"
for f in tests/data/sip/emergency-invite*.sip tests/data/sip/invite-ordinary.sip; do
  ruri=$(head -n 1 "$f" | cut -d' ' -f2)
  from=$(grep -m1 -i '^Via:' "$f" | sed -E 's/.*UDP ([0-9.]+).*/\1/')
  echo "-- $(basename "$f"): INVITE $ruri from $from"
  build/tools/e911-classify --config examples/realistic.xml --from "$from" "$ruri"
done

echo
echo "== parser cost per message (median of several runs, one core)"
build/tools/bench/e911-bench parse tests/data/sip/emergency-invite.sip tests/data/sip/200-ok.sip
