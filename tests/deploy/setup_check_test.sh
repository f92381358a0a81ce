#!/usr/bin/env bash
# "A && B || bad" is meant throughout: bad when either check fails.
# shellcheck disable=SC2015
# e911-setup --check on this machine: every line "STATUS AREA: TEXT", the summary last, the exit
# status that of the summary, the IOMMU reported whichever way it is, the EAL options printed;
# usage errors and refusals exit 2. --check must work for a non-root user (it changes nothing).
# Usage: setup_check_test.sh PATH/TO/e911-setup
set -uo pipefail
setup=$1
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# The checkout may sit under a directory only root can enter (a mktemp -d clone, say): give the
# unprivileged runs a copy of the script that they can reach.
if [ "$(id -u)" -eq 0 ]; then
	reachable=$(mktemp -d)
	trap 'rm -rf "$reachable"' EXIT
	chmod 755 "$reachable"
	install -m 755 "$setup" "$reachable/e911-setup"
	setup=$reachable/e911-setup
fi

run_check() { # as an unprivileged user when we are root: --check needs no privilege
	if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$setup" --check "$@"
	else
		"$setup" --check "$@"
	fi
}

out=$(run_check 2>&1)
rc=$?
printf '%s\n' "$out"
echo "exit status: $rc"

re='^(ok|changed|attention|advice|info|refused) +[a-z]+: .+$'
while IFS= read -r line; do
	[[ $line =~ $re ]] || bad "line not 'STATUS AREA: TEXT': $line"
done <<<"$out"
grep -q '^changed' <<<"$out" && bad "--check changed something"

last=$(tail -n 1 <<<"$out")
[[ $last =~ ^(ok|attention|refused)\ +summary:\ ([0-9]+)\ ok,\ ([0-9]+)\ changed,\ ([0-9]+)\ need\ attention,\ ([0-9]+)\ refused$ ]] ||
	bad "last line is not the summary: $last"
status=${BASH_REMATCH[1]:-}
n_att=$(grep -c '^attention' <<<"$out")
n_ref=$(grep -c '^refused' <<<"$out")
# the summary line itself counts once in its own status
case $status in
ok) [ "$rc" -eq 0 ] && [ "$n_att" -eq 0 ] && [ "$n_ref" -eq 0 ] || bad "summary ok but exit $rc, $n_att attention, $n_ref refused" ;;
attention) [ "$rc" -eq 1 ] && [ "${BASH_REMATCH[4]}" -eq $((n_att - 1)) ] || bad "summary attention but exit $rc or counts differ" ;;
refused) [ "$rc" -eq 2 ] && [ "${BASH_REMATCH[5]}" -eq $((n_ref - 1)) ] || bad "summary refused but exit $rc or counts differ" ;;
esac

for area in hugepages iommu nic cpu dpdk; do
	grep -Eq "^[a-z]+ +$area: " <<<"$out" || bad "no $area line"
done
if [ -z "$(ls /sys/kernel/iommu_groups 2>/dev/null)" ]; then
	grep -Eq '^attention +iommu: no IOMMU groups' <<<"$out" || bad "no IOMMU here, and it was not reported"
	[ "$rc" -ge 1 ] || bad "no IOMMU, yet exit 0"
else
	grep -Eq '^ok +iommu: ' <<<"$out" || bad "IOMMU groups here, but not reported ok"
fi
eal=$(sed -n 's/^info  *dpdk: for \/etc\/default\/e911-dataplane: E911_EAL_ARGS="\(.*\)"$/\1/p' <<<"$out")
[[ $eal =~ ^-l\ [0-9] ]] || bad "no EAL options with -l: '$eal'"
if grep -q '^HugePages_Total: *0$' /proc/meminfo; then
	[[ $eal == *--no-huge* ]] || bad "no hugepages here, but the EAL options lack --no-huge"
fi

# Refusals and usage errors: exit 2, with the reason.
out=$(run_check --bind not-a-pci 2>&1); rc=$?
[ "$rc" -eq 2 ] || bad "--bind not-a-pci: exit $rc, expected 2"
grep -Eq '^refused +bind: not-a-pci: not a PCI address' <<<"$out" || bad "--bind not-a-pci: no refused line"
out=$(run_check --bind 0000:ff:1f.7 2>&1); rc=$?
[ "$rc" -eq 2 ] && grep -Eq '^refused +bind: 0000:ff:1f.7: no such PCI device' <<<"$out" ||
	bad "--bind of a missing device: exit $rc, $(grep bind: <<<"$out")"
# the default-route interface's NIC, if it is a PCI device, must be refused
dev=$(ip -o route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
pci=$(readlink -f "/sys/class/net/$dev/device" 2>/dev/null | grep -oE '[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]' | tail -n 1)
if [ -n "$pci" ]; then
	out=$(run_check --bind "$pci" 2>&1); rc=$?
	[ "$rc" -eq 2 ] && grep -Eq "^refused +bind: $pci .*in use by the kernel" <<<"$out" ||
		bad "--bind $pci (carries the default route of $dev) not refused: exit $rc"
fi
"$setup" --hugepages x >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || bad "--hugepages x: exit $rc, expected 2"
"$setup" --no-such-option >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || bad "unknown option: exit $rc, expected 2"
"$setup" --help | grep -q '^Usage: e911-setup' || bad "--help has no usage line"
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$setup" >/dev/null 2>&1; rc=$?
	[ "$rc" -eq 2 ] || bad "changing without root: exit $rc, expected 2"
fi

[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
