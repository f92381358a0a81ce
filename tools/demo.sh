#!/usr/bin/env bash
# The main job, as far as the project goes today: build, then parse the
# bundled sample messages (an emergency INVITE with SDP + PIDF-LO, responses,
# in-dialog requests) and the RFC 4475 torture messages with e911-sipdump, and
# time the parser against libosip2 on the emergency INVITE.
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
echo "== parser cost per message (median of several runs, one core)"
build/tools/bench/e911-bench parse tests/data/sip/emergency-invite.sip tests/data/sip/200-ok.sip
