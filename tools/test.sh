#!/usr/bin/env bash
# Runs every test of the project, as CI does:
#   1. the unit tests (cmocka) in the normal build,
#   2. again with the scalar twin of the SIMD scanner,
#   3. again under AddressSanitizer + UndefinedBehaviorSanitizer,
#   4. the multi-threaded suite (policy snapshots swapped under classifying
#      threads) under ThreadSanitizer,
#   5. each libFuzzer target for FUZZ_SECONDS (default 30) from its seed corpus,
#   6. the demo (README's main command) in the namespace lab,
#   7. the benchmarks' short runs in the lab: a few seconds of sipp calls and of blasted
#      INVITEs through e911-dataplane and through Kamailio (tools/bench/sipp-bench.sh --smoke,
#      tools/bench/packet-bench.sh --smoke), so that the benchmarks keep working,
#   8. the Debian package: built, lintian, installed, checked (the demo again, with the
#      installed programs), removed and purged (tools/ci/package-test.sh).
# Stages 6 to 8 need root (namespaces, dpkg); without it they say so and are skipped.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${FUZZ_SECONDS:-30}

run_unit_tests() {
  echo "== unit tests: $1"
  tools/build.sh "$@"
  meson test -C "$1" --print-errorlogs --verbose --num-processes 2
}

run_unit_tests build
run_unit_tests build-scalar -Dsimd=scalar
run_unit_tests build-asan -Db_sanitize=address,undefined -Db_lundef=false

echo "== unit tests: build-tsan (suite policy)"
tools/build.sh build-tsan -Db_sanitize=thread -Db_lundef=false
TSAN_OPTIONS=halt_on_error=1 meson test -C build-tsan --suite policy --print-errorlogs --verbose

echo "== fuzzing: ${fuzz_seconds}s per target"
CC=clang tools/build.sh build-fuzz -Dfuzz=true -Dtests=false \
  -Db_sanitize=address,undefined -Db_lundef=false
tools/fuzz.sh build-fuzz "$fuzz_seconds"

if [ "$(id -u)" -eq 0 ]; then
  echo "== the demo"
  tools/demo.sh
  echo "== benchmark, short: sipp calls through e911-dataplane and Kamailio"
  tools/bench/sipp-bench.sh --smoke
  echo "== benchmark, short: INVITEs blasted at e911-dataplane and Kamailio"
  tools/bench/packet-bench.sh --smoke
  echo "== the Debian package"
  tools/ci/package-test.sh
else
  echo "== the demo, the benchmarks' short runs and the Debian package: skipped (they need root)"
fi
