#!/usr/bin/env bash
# package-test.sh: builds the e911proxy .deb from this tree, checks it with lintian, installs
# it, checks what it put in place (user, directories, configuration, units with
# `systemd-analyze verify`, e911-setup --check, every program's --help, man pages), runs the demo
# against the installed programs (tools/demo.sh --installed), removes it
# (the configuration must stay), purges it (everything must go). Needs root and no network
# (the build dependencies must be installed: tools/setup/install-deps.sh). Exit 0 only if every
# step passed. It refuses to run where e911proxy is installed already: it would purge it.
#
# Usage: tools/ci/package-test.sh [--keep DIR]   (--keep: leave the build and the .deb in DIR)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
keep=""
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=${2:?--keep DIR}; shift ;;
	-h | --help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "package-test: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" -eq 0 ] || { echo "package-test: needs root (dpkg -i)" >&2; exit 2; }
if dpkg-query -W -f='${Status}' e911proxy 2>/dev/null | grep -q 'installed\|config-files'; then
	echo "package-test: e911proxy is installed here already; this test would purge it" >&2
	exit 2
fi

work=${keep:-$(mktemp -d /tmp/e911proxy-package.XXXXXX)}
mkdir -p "$work"
installed=false
netns_made=false
fails=0
cleanup() {
	if $netns_made; then
		ip netns del "$ns" 2>/dev/null || true
	fi
	if $installed; then
		dpkg -P e911proxy >/dev/null 2>&1 || true
	fi
	[ -n "$keep" ] || rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

step "source: the files of this tree (tracked and new, not ignored) in $work/src"
mkdir -p "$work/src"
(cd "$root" && git ls-files -z --cached --others --exclude-standard |
	tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$work/src"

step "dpkg-buildpackage -b -us -uc (DEB_BUILD_OPTIONS=nocheck: the unit tests run in tools/test.sh)"
(cd "$work/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 ||
	{ tail -n 40 "$work/build.log"; echo "FAIL: dpkg-buildpackage (log: $work/build.log)"; keep=$work; exit 1; }
deb=$(ls "$work"/e911proxy_*.deb)
echo "built $deb"
dpkg-deb -c "$deb" | awk '{ print $1, $2, $6 }'

step "lintian"
if command -v lintian >/dev/null; then
	lintian --info --fail-on error "$deb" || fail "lintian reports errors"
else
	echo "lintian not installed: skipped"
fi

step "dpkg -i"
dpkg -i "$deb" || { fail "dpkg -i (missing dependencies? apt-get -f install)"; exit 1; }
installed=true
check "user e911proxy" getent passwd e911proxy
check "group e911proxy" getent group e911proxy
nologin() { [ "$(getent passwd e911proxy | cut -d: -f7)" = /usr/sbin/nologin ]; }
check "user e911proxy has no login shell" nologin
owner() { [ "$(stat -c '%U:%G %a' "$1")" = "$2" ]; }
check "/etc/e911proxy e911proxy:e911proxy 750" owner /etc/e911proxy "e911proxy:e911proxy 750"
check "/etc/e911proxy/e911proxy.xml e911proxy:e911proxy 640" owner /etc/e911proxy/e911proxy.xml "e911proxy:e911proxy 640"
check "/var/log/e911proxy e911proxy:e911proxy 750" owner /var/log/e911proxy "e911proxy:e911proxy 750"
check "/run/e911proxy e911proxy:e911proxy 750" owner /run/e911proxy "e911proxy:e911proxy 750"
for f in /etc/default/e911-dataplane /etc/default/e911-control /etc/logrotate.d/e911proxy \
	/usr/lib/sysusers.d/e911proxy.conf /usr/lib/tmpfiles.d/e911proxy.conf \
	/lib/udev/rules.d/60-e911proxy-vfio.rules /usr/share/e911proxy/e911-config.xsd \
	/usr/share/e911proxy/examples/minimal.xml /usr/share/e911proxy/systemd/af-packet.conf \
	/usr/share/e911proxy/systemd/privileged.conf /usr/sbin/e911-setup; do
	check "$f" test -s "$f"
done
conffile() { dpkg-query -W -f='${Conffiles}\n' e911proxy | grep -q " $1 "; }
check "/etc/default/e911-dataplane is a conffile" conffile /etc/default/e911-dataplane
if command -v xmllint >/dev/null; then
	check "the installed configuration is valid against the installed schema" \
		xmllint --noout --schema /usr/share/e911proxy/e911-config.xsd /etc/e911proxy/e911proxy.xml
fi
if command -v logrotate >/dev/null; then
	check "logrotate accepts /etc/logrotate.d/e911proxy" logrotate -d /etc/logrotate.d/e911proxy
fi

step "systemd-analyze verify"
units=()
for u in e911-dataplane.service e911-control.service; do
	if [ -e "/lib/systemd/system/$u" ]; then
		units+=("/lib/systemd/system/$u")
	else
		echo "$u: not in the package (its program is not built yet)"
	fi
done
check "e911-dataplane.service installed" test -e /lib/systemd/system/e911-dataplane.service
out=$(systemd-analyze verify "${units[@]}" 2>&1) || fail "systemd-analyze verify: $out"
# verify exits 0 on some warnings; none is accepted from our units
if grep -E 'e911' <<<"$out"; then fail "systemd-analyze verify warns about our units"; else echo "ok: systemd-analyze verify ${units[*]}"; fi
for d in /usr/share/e911proxy/systemd/*.conf; do
	mkdir -p "$work/dropin/e911-dataplane.service.d"
	cp /lib/systemd/system/e911-dataplane.service "$work/dropin/"
	cp "$d" "$work/dropin/e911-dataplane.service.d/"
	if out=$(SYSTEMD_UNIT_PATH="$work/dropin:" systemd-analyze verify "$work/dropin/e911-dataplane.service" 2>&1) &&
		! grep -q e911 <<<"$out"; then
		echo "ok: verify with drop-in ${d##*/}"
	else
		fail "drop-in ${d##*/}: $out"
	fi
	rm -rf "$work/dropin"
done

step "e911-setup --check"
set +e
/usr/sbin/e911-setup --check
rc=$?
set -e
case $rc in
0 | 1) echo "ok: e911-setup --check exit $rc (0 ok, 1 needs attention)" ;;
*) fail "e911-setup --check exit $rc" ;;
esac

step "programs"
has_man() { # a man page whose .TH names the program
	local f
	for f in /usr/share/man/man1/"$1".1.gz /usr/share/man/man8/"$1".8.gz; do
		[ -e "$f" ] && zcat "$f" | grep -qi "^\.TH \"\?$1" && return 0
	done
	return 1
}
for p in /usr/bin/e911-* /usr/bin/e911ctl /usr/sbin/e911-setup; do
	[ -e "$p" ] || continue
	name=${p##*/}
	check "$name --help" sh -c "'$p' --help >/dev/null 2>&1"
	case $name in e911-control | e911ctl)
		check "$name --version" sh -c "'$p' --version >/dev/null 2>&1" ;;
	esac
	check "man page of $name" has_man "$name"
done
check "e911-dataplane --help lists its own options" sh -c '/usr/bin/e911-dataplane --help 2>/dev/null | grep -q -- --sip-address'

step "e911-dataplane as its unit runs it: user e911proxy, its EAL options, net_af_packet in a namespace"
# What e911-dataplane.service does, without systemd (CI containers have none as PID 1): the
# privileged ExecStartPre, then the program as e911proxy with umask 0007, XDG_RUNTIME_DIR and
# /etc/default/e911-dataplane; ports on a veth in a network namespace. Without capabilities
# net_af_packet must fail; with the af-packet drop-in's two it must run.
ns=e911pkgci$$
ip netns add "$ns"
netns_made=true
ip -n "$ns" link add e911ci0 type veth peer name e911ci1
ip -n "$ns" link set e911ci0 up
ip -n "$ns" link set e911ci1 up
sh -c "$(sed -n 's/^ExecStartPre=+\/bin\/sh -c .\(.*\).$/\1/p' /lib/systemd/system/e911-dataplane.service)"
# shellcheck disable=SC1091
eal=$(set -a && . /etc/default/e911-dataplane && echo "$E911_EAL_ARGS")
free=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages 2>/dev/null || echo 0)
[ -d /dev/hugepages/e911proxy ] && [ "$free" -ge 64 ] || eal+=" --no-huge -m 512"
dataplane() { # CAPS: setpriv capability list ("" for none)
	local caps=()
	[ -n "$1" ] && caps=(--inh-caps "$1" --ambient-caps "$1")
	# shellcheck disable=SC2016,SC2086
	timeout 60 ip netns exec "$ns" setpriv --reuid=e911proxy --regid=e911proxy --init-groups "${caps[@]}" \
		env XDG_RUNTIME_DIR=/run/e911proxy sh -c 'umask 0007; exec "$0" "$@"' /usr/bin/e911-dataplane \
		$eal --no-pci --vdev net_af_packet0,iface=e911ci0 -- --config /etc/e911proxy/e911proxy.xml \
		--control /run/e911proxy/dataplane.sock --sip-address 198.18.0.1/24 --stop-after-idle 3 \
		>"$work/dataplane.log" 2>&1
}
if dataplane ""; then
	fail "e911-dataplane ran net_af_packet without CAP_NET_RAW"
else
	echo "ok: without capabilities net_af_packet is refused: $(grep -m1 -i 'af_packet\|port' "$work/dataplane.log")"
fi
(sleep 1.5 && stat -c '%a %U:%G' /run/e911proxy/dataplane.sock >"$work/sock.mode" 2>&1) &
if dataplane +net_raw,+net_admin; then
	echo "ok: with CAP_NET_RAW and CAP_NET_ADMIN (af-packet.conf) it runs as e911proxy: $(grep -m1 'running:' "$work/dataplane.log")"
else
	fail "e911-dataplane with the af-packet drop-in's capabilities: $(tail -n 5 "$work/dataplane.log")"
fi
wait
check "dataplane.sock is 660 e911proxy:e911proxy ($(cat "$work/sock.mode"))" grep -qx '660 e911proxy:e911proxy' "$work/sock.mode"
ip netns del "$ns"
netns_made=false

step "the demo against the installed programs (not the build tree)"
if "$root/tools/demo.sh" --installed >"$work/demo.log" 2>&1; then
	echo "ok: $(tail -n 1 "$work/demo.log")"
else
	fail "the demo with the installed programs: $(tail -n 20 "$work/demo.log")"
fi

step "dpkg -r: the configuration, logs and user stay"
echo '<!-- operator edit -->' >>/etc/e911proxy/e911proxy.xml
dpkg -r e911proxy
check "binaries gone" test ! -e /usr/bin/e911-dataplane
check "operator's configuration kept" grep -q 'operator edit' /etc/e911proxy/e911proxy.xml
check "/etc/default/e911-dataplane kept (conffile)" test -e /etc/default/e911-dataplane
check "user kept" getent passwd e911proxy
check "/var/log/e911proxy kept" test -d /var/log/e911proxy

step "dpkg -i again over the removed package: the operator's configuration is not replaced"
dpkg -i "$deb" >/dev/null
check "operator's configuration still there" grep -q 'operator edit' /etc/e911proxy/e911proxy.xml

step "dpkg -P: everything goes"
dpkg -P e911proxy
installed=false
check "user gone" sh -c '! getent passwd e911proxy'
check "group gone" sh -c '! getent group e911proxy'
for d in /etc/e911proxy /var/log/e911proxy /run/e911proxy /etc/default/e911-dataplane \
	/etc/logrotate.d/e911proxy /usr/share/e911proxy; do
	check "$d gone" test ! -e "$d"
done
check "dpkg forgot it" sh -c '! dpkg-query -W e911proxy >/dev/null 2>&1'

echo
if [ "$fails" -eq 0 ]; then
	echo "package-test: PASS"
else
	echo "package-test: $fails check(s) FAILED"
	exit 1
fi
