#!/usr/bin/env bash
# Installs what is missing (tools/setup/install-deps.sh), then configures and
# builds one build directory. Usage: tools/build.sh [BUILD_DIR [MESON_OPTION...]]
# Re-running is cheap: meson rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup/install-deps.sh
dir=${1:-build}
shift || true
if [ -f "$dir/build.ninja" ]; then
  meson configure "$dir" "$@" >/dev/null
else
  meson setup "$dir" "$@" >/dev/null
fi
meson compile -C "$dir" >/dev/null
