#!/usr/bin/env bash
# e911-setup --check on made-up hosts (E911_SETUP_SYS, E911_SETUP_PROC): the paths this machine
# cannot show. Host A: 8 CPUs with 2-7 isolated, an IOMMU, one NIC on vfio-pci and a free one on
# ixgbe, 1024 hugepages. Host B: 1 CPU, no hugepages, no IOMMU, no NIC.
# Usage: setup_fake_test.sh PATH/TO/e911-setup
set -uo pipefail
setup=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
expect() { # OUTPUT REGEX
	grep -Eq -- "$2" <<<"$1" || bad "no line matching: $2"
}

# ---- host A
a=$tmp/a
mkdir -p "$a/proc" "$a/sys/kernel/mm/hugepages/hugepages-2048kB" "$a/sys/devices/system/cpu" \
	"$a/sys/devices/system/node/node0" "$a/sys/bus/pci/drivers/vfio-pci" "$a/sys/bus/pci/drivers/ixgbe" \
	"$a/sys/kernel/iommu_groups/12/devices" "$a/sys/kernel/iommu_groups/13/devices" "$a/sys/class/net/ens4" \
	"$a/sys/module/vfio/parameters"
echo 'BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt hugepages=1024 isolcpus=managed_irq,domain,2-7 nohz_full=2-7' >"$a/proc/cmdline"
printf 'MemTotal:       16384000 kB\nMemAvailable:   12000000 kB\n' >"$a/proc/meminfo"
printf 'vendor_id\t: GenuineIntel\nflags\t\t: fpu sse2 ssse3 sse4_1 sse4_2 avx2\n' >"$a/proc/cpuinfo"
echo 'hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0' >"$a/proc/mounts"
echo 1024 >"$a/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
echo 1000 >"$a/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"
echo 0-7 >"$a/sys/devices/system/cpu/online"
echo N >"$a/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"
nic() { # PCI DRIVER GROUP
	local d=$a/sys/bus/pci/devices/$1
	mkdir -p "$d"
	echo 0x020000 >"$d/class"
	echo 0 >"$d/numa_node"
	ln -s "../../drivers/$2" "$d/driver"
	ln -s "../../../../kernel/iommu_groups/$3" "$d/iommu_group"
	ln -s "../../../../bus/pci/devices/$1" "$a/sys/kernel/iommu_groups/$3/devices/$1"
}
nic 0000:03:00.0 vfio-pci 12
nic 0000:04:00.0 ixgbe 13
ln -s "../../../bus/pci/devices/0000:04:00.0" "$a/sys/class/net/ens4/device"

out=$(E911_SETUP_SYS=$a/sys E911_SETUP_PROC=$a/proc "$setup" --check 2>&1)
rc=$?
printf '%s\n' "$out"
expect "$out" '^ok +hugepages: 1024 x 2 MiB reserved \(2048 MiB\), 1000 free$'
expect "$out" '^ok +hugepages: 1024 pages also at boot$'
expect "$out" '^ok +iommu: 2 IOMMU groups$'
expect "$out" '^ok +vfio: vfio-pci is loaded$'
expect "$out" '^ok +nic: 0000:03:00.0 driver=vfio-pci numa=0 iommu_group=12: DPDK can use it$'
expect "$out" '^info +nic: 0000:04:00.0 driver=ixgbe numa=0 iommu_group=13 iface=ens4: free; e911-setup --bind 0000:04:00.0'
expect "$out" '^ok +cpu: isolcpus=managed_irq,domain,2-7: workers on 2-7, the main lcore on 1 \(not isolated\)$'
grep -Eq '^advice +cpu: add nohz_full' <<<"$out" && bad "nohz_full is on the command line, yet advised"
expect "$out" '^advice +irq: keep device interrupts off the workers: irqaffinity=0-1'
expect "$out" '^info +dpdk: for /etc/default/e911-dataplane: E911_EAL_ARGS="-l 1,2-7 --file-prefix e911proxy --huge-dir /dev/hugepages/e911proxy -a 0000:03:00.0"$'
[ "$rc" -le 1 ] || bad "host A: exit $rc"

out=$(E911_SETUP_SYS=$a/sys E911_SETUP_PROC=$a/proc "$setup" --check --bind 04:00.0 --bind 0000:03:00.0 2>&1)
expect "$out" '^attention +bind: 0000:04:00.0 \(ixgbe\) would be bound to vfio-pci'
expect "$out" '^ok +bind: 0000:03:00.0 is bound to vfio-pci$'
# a test host must never be changed
E911_SETUP_SYS=$a/sys E911_SETUP_PROC=$a/proc "$setup" --hugepages 1024 >/dev/null 2>&1
[ $? -eq 2 ] || bad "E911_SETUP_* without --check was not refused"

# ---- host B
b=$tmp/b
mkdir -p "$b/proc" "$b/sys/devices/system/cpu" "$b/sys/bus/pci/devices" "$b/sys/kernel/iommu_groups"
echo 'root=/dev/vda1' >"$b/proc/cmdline"
printf 'MemTotal:       1024000 kB\nMemAvailable:   512000 kB\n' >"$b/proc/meminfo"
printf 'vendor_id\t: AuthenticAMD\nflags\t\t: fpu sse2 ssse3 sse4_2\n' >"$b/proc/cpuinfo"
: >"$b/proc/mounts"
echo 0 >"$b/sys/devices/system/cpu/online"
out=$(E911_SETUP_SYS=$b/sys E911_SETUP_PROC=$b/proc "$setup" --check 2>&1)
rc=$?
printf '%s\n' "$out"
expect "$out" '^attention +hugepages: this kernel has no 2 MiB hugepages'
expect "$out" "^attention +iommu: no IOMMU groups .*'amd_iommu=on iommu=pt'"
expect "$out" '^attention +nic: no Ethernet controller on the PCI bus$'
expect "$out" '^refused +cpu: 1 CPU online: the dataplane needs 2 lcores'
expect "$out" 'E911_EAL_ARGS="-l 0 --file-prefix e911proxy --no-huge -m 1024 --no-pci --vdev net_af_packet0,iface=IFACE"$'
expect "$out" '^refused +summary: '
[ "$rc" -eq 2 ] || bad "host B: exit $rc, expected 2"

[ "$fail" -eq 0 ] && echo PASS
exit "$fail"
