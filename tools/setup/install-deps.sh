#!/usr/bin/env bash
# Installs exactly the Debian 12 packages e911proxy needs to build, test,
# fuzz and benchmark. Idempotent: prints nothing and touches nothing when
# every package is already there. Runs apt-get as root (or through sudo).
set -euo pipefail

packages=(
  # build
  meson ninja-build pkg-config gcc
  # libraries the project links
  libdpdk-dev libhyperscan-dev libxml2-dev libxxhash-dev
  # tests, sanitizers and libFuzzer (clang's runtime carries libFuzzer); pcaps for the
  # dataplane's tests are built and read with scapy; sipp plays callers and trunks
  libcmocka-dev clang libclang-rt-14-dev python3-scapy sip-tester
  # the namespace lab (tools/lab): namespaces, veth pairs, a bridge, offloads off
  iproute2 ethtool
  # benchmark peer: libosip2's parser, timed beside ours
  libosip2-dev
  # e911-gen-pcap writes its pcap files with libpcap
  libpcap-dev
  # e911-control: JSON from the dataplane, sofia-sip's nua for the security desk's
  # MESSAGE, conference INVITE and OPTIONS pings, Prometheus metrics over HTTP
  libjansson-dev libsofia-sip-ua-dev libmicrohttpd-dev
  # e911ctl: line editing and history
  libedit-dev
  # Debian package, man pages from --help, shell completion
  debhelper devscripts lintian help2man bash-completion
  # benchmark peer (Kamailio as a stateless router), traffic replay and plots
  kamailio tcpreplay gnuplot-nox
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
