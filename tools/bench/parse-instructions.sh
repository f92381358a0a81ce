#!/usr/bin/env bash
# Instructions per sip_parse() of each FILE, exactly: callgrind counts what
# `e911-bench parse --loop N` executes inside its loop (the release build:
# tools/build.sh --release), divided by N. Unlike a time, the count does not
# move with the load of a shared machine, so it shows what a change to the
# parser saves. Usage: tools/bench/parse-instructions.sh [-n LOOPS] FILE...
set -euo pipefail
cd "$(dirname "$0")/../.."
loops=1000
while getopts "n:" o; do
  case $o in
    n) loops=$OPTARG ;;
    *) echo "usage: $0 [-n LOOPS] FILE..." >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { echo "usage: $0 [-n LOOPS] FILE..." >&2; exit 2; }
command -v valgrind >/dev/null || { echo "$0: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
tools/build.sh --release build-release >/dev/null
out=$(mktemp)
trap 'rm -f "$out" "$out.err"' EXIT
status=0
for f in "$@"; do
  # LTO may rename the loop (parse_loop.constprop.0): match by prefix.
  if ! valgrind --tool=callgrind --toggle-collect='parse_loop*' --callgrind-out-file="$out" \
      build-release/tools/bench/e911-bench parse --loop "$loops" "$f" >/dev/null 2>"$out.err"; then
    echo "$f: $(grep -v '^==' "$out.err" | head -n 1)" >&2
    status=1
    continue
  fi
  ir=$(sed -nE 's/^==[0-9]+== Collected : ([0-9]+)$/\1/p' "$out.err")
  echo "$f instructions_per_parse=$((ir / loops))"
done
exit "$status"
