#!/usr/bin/env bash
# Builds pktgen-dpdk with Lua against Debian's DPDK 22.11, for the pktgen kit
# (tools/pktgen/run-kit.sh, docs/pktgen.md). pktgen is no Debian package and
# CI does not need it; this script installs the few Debian packages it needs
# (apt-get, quiet when they are there) and builds:
#
#   meson setup BUILD -Denable_lua=true -Dc_args="$(pkg-config --cflags libdpdk)"
#
# Without enable_lua, pktgen ignores `-f script.lua` without a word.
#
# Usage: tools/pktgen/build-pktgen.sh [SOURCE] [WORKDIR]
#   SOURCE   a pktgen source tree (with meson.build and app/), or a git
#            repository of Pktgen-DPDK (bare or not) from which tag
#            $PKTGEN_TAG (default pktgen-23.06.1) is exported
#            [default: $PKTGEN_SRC, else /work/.mirror/pktgen+Pktgen-DPDK/repo]
#   WORKDIR  where an exported tree goes [default: /work/pktgen-src]
# A source tree is built in SOURCE/build; an exported one in WORKDIR/build.
# Idempotent: a configured build is only recompiled (ninja: nothing when up to
# date); a tree already exported is not exported again. The last line printed
# is the pktgen binary's path.
set -euo pipefail
tag=${PKTGEN_TAG:-pktgen-23.06.1}
src=${1:-${PKTGEN_SRC:-/work/.mirror/pktgen+Pktgen-DPDK/repo}}
workdir=${2:-/work/pktgen-src}

need=()
for p in meson ninja-build pkg-config gcc libdpdk-dev liblua5.3-dev libnuma-dev libpcap-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "build-pktgen: installing ${need[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -q "${need[@]}" >/dev/null ||
    { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "${need[@]}" >/dev/null; }
fi

if [ -f "$src/meson.build" ] && [ -d "$src/app" ]; then
  tree=$src
elif git --git-dir="$src" rev-parse --git-dir >/dev/null 2>&1 || git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
  gitdir=$(git -C "$src" rev-parse --absolute-git-dir 2>/dev/null || echo "$src")
  commit=$(git --git-dir="$gitdir" rev-parse --verify -q "$tag^{commit}") ||
    { echo "build-pktgen: no tag $tag in $src" >&2; exit 1; }
  tree=$workdir
  if [ "$(cat "$tree/.kit-commit" 2>/dev/null)" != "$commit" ]; then
    if [ -n "$(ls -A "$tree" 2>/dev/null)" ] && [ ! -f "$tree/.kit-commit" ]; then
      echo "build-pktgen: $tree is not empty and not an export of this script: give another WORKDIR" >&2
      exit 1
    fi
    echo "build-pktgen: exporting $tag ($commit) to $tree"
    rm -rf "$tree"
    mkdir -p "$tree"
    # Without pcap/: a partial copy of the repository may lack the blobs of
    # its large sample pcaps (pcap/large.pcap, pcap/traffic_sample.pcap),
    # which stops `git archive` of the whole tree; the build reads none of
    # them. (git archive still names the absent blobs on stderr, and exits 0.)
    paths=()
    while read -r p; do
      [ "$p" = pcap ] || paths+=("$p")
    done < <(git --git-dir="$gitdir" ls-tree --name-only "$commit")
    git --git-dir="$gitdir" archive "$commit" -- "${paths[@]}" 2>"$workdir.archive.log" | tar -x -C "$tree" ||
      { cat "$workdir.archive.log" >&2; echo "build-pktgen: git archive failed" >&2; exit 1; }
    rm -f "$workdir.archive.log"
    echo "$commit" >"$tree/.kit-commit"
  fi
else
  echo "build-pktgen: $src is neither a pktgen source tree nor a git repository of it" >&2
  echo "usage: $0 [SOURCE] [WORKDIR]" >&2
  exit 2
fi

cd "$tree"
if [ ! -f build/build.ninja ]; then
  meson setup build -Denable_lua=true -Dc_args="$(pkg-config --cflags libdpdk)" >build-setup.log 2>&1 ||
    { tail -20 build-setup.log >&2; echo "build-pktgen: meson setup failed (log: $tree/build-setup.log)" >&2; exit 1; }
fi
grep -q "enable_lua.*true" <(meson configure build 2>/dev/null) ||
  meson configure build -Denable_lua=true >/dev/null
ninja -C build -j"${JOBS:-2}" >build.log 2>&1 ||
  { tail -20 build.log >&2; echo "build-pktgen: build failed (log: $tree/build.log)" >&2; exit 1; }
echo "build-pktgen: $(cat VERSION 2>/dev/null || echo '?') with Lua, DPDK $(pkg-config --modversion libdpdk)"
echo "$tree/build/app/pktgen"
