/*
 * test_net.c - frame classification under SIP: Ethernet with and without an
 * 802.1Q tag (and a port's VLAN filter), ARP, IPv4 (options, checksum,
 * fragments), IPv6 (UDP, fragment header, neighbour discovery, extension
 * headers), UDP lengths and
 * checksums, ICMP echo; every truncation of a valid frame is dropped with a
 * reason and read only inside the frame (it ends before an unreadable page).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "e911/net.h"
#include "net_cksum_blocks.h"

static const char sip[] = "OPTIONS sip:198.18.0.10 SIP/2.0\r\n\r\n";

/* A frame under construction. */
struct frame {
	uint8_t b[256];
	uint32_t len;
	uint32_t l3, l4;
};

static void ether(struct frame *f, uint16_t type, bool vlan)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02", 12);
	f->len = 12;
	if (vlan) {
		f->b[f->len++] = 0x81;
		f->b[f->len++] = 0x00;
		f->b[f->len++] = 0x20; /* PCP 1, VID 0x0064 */
		f->b[f->len++] = 0x64;
	}
	f->b[f->len++] = (uint8_t)(type >> 8);
	f->b[f->len++] = (uint8_t)type;
	f->l3 = f->len;
}

/* IPv4 + UDP (or another protocol's payload), checksums right. */
static void udp4(struct frame *f, bool vlan, uint8_t proto, const void *payload, uint16_t len)
{
	ether(f, 0x0800, vlan);
	struct rte_ipv4_hdr *ip = (void *)(f->b + f->l3);
	ip->version_ihl = 0x45;
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = rte_cpu_to_be_32(0xc612190a); /* 198.18.25.10 */
	ip->dst_addr = rte_cpu_to_be_32(0xc612000a); /* 198.18.0.10 */
	f->l4 = f->l3 + 20;
	uint16_t l4len = (uint16_t)(proto == IPPROTO_UDP ? 8 + len : len);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + l4len));
	if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *u = (void *)(f->b + f->l4);
		u->src_port = rte_cpu_to_be_16(5062);
		u->dst_port = rte_cpu_to_be_16(5060);
		u->dgram_len = rte_cpu_to_be_16(l4len);
		memcpy(u + 1, payload, len);
		u->dgram_cksum = rte_ipv4_udptcp_cksum(ip, u);
	} else {
		memcpy(f->b + f->l4, payload, len);
	}
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	f->len = f->l4 + l4len;
}

static void udp6(struct frame *f, uint8_t proto, const void *payload, uint16_t len)
{
	ether(f, 0x86dd, false);
	struct rte_ipv6_hdr *ip = (void *)(f->b + f->l3);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->proto = proto;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, "\x20\x01\x0d\xb8\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05", 16);
	memcpy(ip->dst_addr, "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0a", 16);
	f->l4 = f->l3 + 40;
	uint16_t l4len = (uint16_t)(proto == IPPROTO_UDP ? 8 + len : len);
	ip->payload_len = rte_cpu_to_be_16(l4len);
	if (proto == IPPROTO_UDP) {
		struct rte_udp_hdr *u = (void *)(f->b + f->l4);
		u->src_port = rte_cpu_to_be_16(5062);
		u->dst_port = rte_cpu_to_be_16(5060);
		u->dgram_len = rte_cpu_to_be_16(l4len);
		memcpy(u + 1, payload, len);
		u->dgram_cksum = rte_ipv6_udptcp_cksum(ip, u);
	} else {
		memcpy(f->b + f->l4, payload, len);
	}
	f->len = f->l4 + l4len;
}

static enum net_kind decap(const struct frame *f, struct net_view *v)
{
	return net_decap(f->b, f->len, false, v);
}

static void test_an_ipv4_udp_frame_gives_its_payload(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	assert_int_equal(decap(&f, &v), NET_KIND_UDP);
	assert_int_equal(v.family, 4);
	assert_int_equal(v.has_vlan, 0);
	assert_int_equal(v.l3_off, 14);
	assert_int_equal(v.src_port, 5062);
	assert_int_equal(v.dst_port, 5060);
	assert_int_equal(v.payload_len, sizeof(sip) - 1);
	assert_memory_equal(f.b + v.payload_off, sip, sizeof(sip) - 1);
	assert_memory_equal(v.src, "\xc6\x12\x19\x0a", 4);
	assert_memory_equal(v.dst, "\xc6\x12\x00\x0a", 4);
}

static void test_a_vlan_tag_is_read_and_skipped(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	udp4(&f, true, IPPROTO_UDP, sip, sizeof(sip) - 1);
	assert_int_equal(decap(&f, &v), NET_KIND_UDP);
	assert_int_equal(v.has_vlan, 1);
	assert_int_equal(v.vlan_tci, 0x2064);
	assert_int_equal(v.l3_off, 18);
	assert_memory_equal(f.b + v.payload_off, sip, sizeof(sip) - 1);
	/* A second tag (QinQ) is not ours to unwrap. */
	f.b[16] = 0x81;
	f.b[17] = 0x00;
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_VLAN_STACKED);
}

static void test_a_port_takes_only_its_own_vlan(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	/* Tagged PCP 1, VID 100 (0x064): a port of VLAN 100 takes it, whatever the priority. */
	udp4(&f, true, IPPROTO_UDP, sip, sizeof(sip) - 1);
	decap(&f, &v);
	assert_int_equal(net_vlan_filter(&v, 100), NET_KIND_UDP);
	assert_int_equal(v.kind, NET_KIND_UDP);
	/* Another VLAN, or an untagged port: dropped with their own reason. */
	decap(&f, &v);
	assert_int_equal(net_vlan_filter(&v, 200), NET_KIND_DROP_VLAN);
	assert_int_equal(v.kind, NET_KIND_DROP_VLAN);
	decap(&f, &v);
	assert_int_equal(net_vlan_filter(&v, 0), NET_KIND_DROP_VLAN);
	/* Untagged: only an untagged port takes it. */
	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	decap(&f, &v);
	assert_int_equal(net_vlan_filter(&v, 0), NET_KIND_UDP);
	decap(&f, &v);
	assert_int_equal(net_vlan_filter(&v, 100), NET_KIND_DROP_VLAN);
	/* Priority-tagged (VID 0) counts as untagged (802.1Q). */
	udp4(&f, true, IPPROTO_UDP, sip, sizeof(sip) - 1);
	f.b[14] = 0xa0;
	f.b[15] = 0x00;
	decap(&f, &v);
	assert_int_equal(net_vlan_filter(&v, 0), NET_KIND_UDP);
	decap(&f, &v);
	assert_int_equal(net_vlan_filter(&v, 100), NET_KIND_DROP_VLAN);
	/* A frame already dropped keeps its reason. */
	udp4(&f, true, IPPROTO_UDP, sip, sizeof(sip) - 1);
	f.len = 16;
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_SHORT);
	assert_int_equal(net_vlan_filter(&v, 200), NET_KIND_DROP_SHORT);
}

static void test_ethernet_padding_after_the_datagram_is_ignored(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	udp4(&f, false, IPPROTO_UDP, "x", 1);
	f.len = 60; /* minimum Ethernet frame: padded */
	assert_int_equal(decap(&f, &v), NET_KIND_UDP);
	assert_int_equal(v.payload_len, 1);
	assert_int_equal(v.l3_len, 20 + 8 + 1);
}

static void test_bad_ipv4_and_udp_headers_are_dropped_with_their_reason(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	struct rte_ipv4_hdr *ip = (void *)(f.b + 14);
	struct rte_udp_hdr *u = (void *)(f.b + 34);

	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	ip->hdr_checksum ^= 0x0101;
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_IP_CHECKSUM);

	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	u->dgram_cksum ^= 0x0101;
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_UDP_CHECKSUM);
	/* ... unless the NIC checked it already */
	assert_int_equal(net_decap(f.b, f.len, true, &v), NET_KIND_UDP);

	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	u->dgram_cksum = 0; /* "no checksum" is legal over IPv4 (RFC 768) */
	assert_int_equal(decap(&f, &v), NET_KIND_UDP);

	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	f.len -= 1; /* the IP total length now runs past the frame */
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_IP_LENGTH);

	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	u->dgram_len = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(u->dgram_len) + 1));
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_UDP_LENGTH);
	u->dgram_len = rte_cpu_to_be_16(7);
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_UDP_LENGTH);

	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	ip->version_ihl = 0x44; /* IHL below 5 */
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_raw_cksum(ip, 20) == 0xffff ? 0 : (uint16_t)~rte_raw_cksum(ip, 20);
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_IP_HEADER);

	udp4(&f, false, 6 /* TCP */, "0123456789abcdefghij", 20);
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_IP_PROTOCOL);
}

static void test_ipv4_options_are_skipped(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
	/* Insert a 4-byte NOP option: IHL 6. */
	memmove(f.b + 38, f.b + 34, f.len - 34);
	memset(f.b + 34, 1, 4);
	f.len += 4;
	struct rte_ipv4_hdr *ip = (void *)(f.b + 14);
	ip->version_ihl = 0x46;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(rte_be_to_cpu_16(ip->total_length) + 4));
	ip->hdr_checksum = 0;
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, 24);
	assert_int_equal(net_decap(f.b, f.len, true, &v), NET_KIND_UDP);
	assert_int_equal(v.l4_off, 38);
	assert_memory_equal(f.b + v.payload_off, sip, sizeof(sip) - 1);
}

static void test_fragments_go_to_reassembly(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	struct rte_ipv4_hdr *ip = (void *)(f.b + 14);
	static const uint16_t flags[] = { RTE_IPV4_HDR_MF_FLAG, 185 /* offset 1480 */, RTE_IPV4_HDR_MF_FLAG | 185 };
	for (size_t i = 0; i < 3; i++) {
		udp4(&f, false, IPPROTO_UDP, sip, sizeof(sip) - 1);
		ip->fragment_offset = rte_cpu_to_be_16(flags[i]);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		assert_int_equal(decap(&f, &v), NET_KIND_IPV4_FRAGMENT);
		assert_int_equal(v.l4_off, 34);
	}
	udp6(&f, IPPROTO_FRAGMENT, "\x11\x00\x00\x01\x00\x00\x00\x2a", 8);
	assert_int_equal(decap(&f, &v), NET_KIND_IPV6_FRAGMENT);
	assert_int_equal(v.family, 6);
}

static void test_icmp_echo_arp_and_neighbour_discovery_are_recognised(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	udp4(&f, false, IPPROTO_ICMP, "\x08\x00\x00\x00\x00\x01\x00\x01", 8);
	assert_int_equal(decap(&f, &v), NET_KIND_ICMP4_ECHO);
	udp4(&f, false, IPPROTO_ICMP, "\x03\x03\x00\x00\x00\x00\x00\x00", 8); /* port unreachable */
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_ICMP_OTHER);
	udp6(&f, IPPROTO_ICMPV6, "\x80\x00\x00\x00\x00\x01\x00\x01", 8);
	assert_int_equal(decap(&f, &v), NET_KIND_ICMP6_ECHO);
	udp6(&f, IPPROTO_ICMPV6, "\x87\x00\x00\x00\x00\x00\x00\x00", 8);
	assert_int_equal(decap(&f, &v), NET_KIND_ICMP6_ND);
	udp6(&f, IPPROTO_HOPOPTS, "\x11\x00\x00\x00\x00\x00\x00\x00", 8);
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_IP_OPTIONS);

	ether(&f, 0x0806, false);
	f.len += 28;
	assert_int_equal(decap(&f, &v), NET_KIND_ARP);
	f.len -= 1;
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_SHORT);
	ether(&f, 0x88cc /* LLDP */, false);
	f.len += 40;
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_ETHERTYPE);
}

static void test_ipv6_udp_needs_its_checksum(void **state)
{
	(void)state;
	struct frame f;
	struct net_view v;
	udp6(&f, IPPROTO_UDP, sip, sizeof(sip) - 1);
	assert_int_equal(decap(&f, &v), NET_KIND_UDP);
	assert_int_equal(v.family, 6);
	assert_int_equal(v.l4_off, 54);
	assert_memory_equal(v.src, "\x20\x01\x0d\xb8\x00\x10", 6);
	assert_memory_equal(f.b + v.payload_off, sip, sizeof(sip) - 1);
	struct rte_udp_hdr *u = (void *)(f.b + 54);
	u->dgram_cksum = 0; /* mandatory over IPv6 */
	assert_int_equal(decap(&f, &v), NET_KIND_DROP_UDP_CHECKSUM);
}

/* Every prefix of valid frames, each ending right before a PROT_NONE page. */
static void test_every_truncation_is_dropped_inside_the_frame(void **state)
{
	(void)state;
	long page = sysconf(_SC_PAGESIZE);
	uint8_t *mem = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(mprotect(mem + page, (size_t)page, PROT_NONE), 0);
	struct frame frames[3];
	udp4(&frames[0], true, IPPROTO_UDP, sip, sizeof(sip) - 1);
	udp6(&frames[1], IPPROTO_UDP, sip, sizeof(sip) - 1);
	udp4(&frames[2], false, IPPROTO_ICMP, "\x08\x00\x00\x00\x00\x01\x00\x01", 8);
	for (int k = 0; k < 3; k++)
		for (uint32_t n = 0; n < frames[k].len; n++) {
			struct net_view v;
			uint8_t *at = mem + page - n;
			memcpy(at, frames[k].b, n);
			enum net_kind kind = net_decap(at, n, false, &v);
			assert_true(kind >= NET_KIND_FIRST_DROP);
		}
	munmap(mem, (size_t)page * 2);
}

static void test_every_kind_has_a_name_and_a_text(void **state)
{
	(void)state;
	for (int k = 0; k < NET_KIND_COUNT; k++) {
		assert_true(strlen(net_kind_name((enum net_kind)k)) > 0);
		assert_true(strlen(net_kind_text((enum net_kind)k)) > 0);
	}
	assert_string_equal(net_kind_name(NET_KIND_DROP_UDP_CHECKSUM), "DROP_UDP_CHECKSUM");
}

/* net_cksum_add is DPDK's rte_raw_cksum, faster: the same sum for every length,
 * alignment, starting sum and byte pattern (all-ones words, carries). */
static void test_the_running_checksum_equals_dpdk_s(void **state)
{
	(void)state;
	static uint8_t buf[4096 + 16];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	static const uint32_t starts[] = { 0, 1, 0xfffe, 0xffff };
	for (int pattern = 0; pattern < 3; pattern++) {
		if (pattern == 1)
			memset(buf, 0xff, sizeof(buf));
		if (pattern == 2)
			for (size_t i = 0; i < sizeof(buf); i++)
				buf[i] = (uint8_t)(i & 1 ? 0x00 : 0xff);
		for (size_t off = 0; off < 8; off++)
			for (size_t len = 0; len <= 4096; len += len < 300 ? 1 : 97)
				for (size_t s = 0; s < 4; s++) {
					uint32_t want = __rte_raw_cksum(buf + off, len, starts[s]);
					want = __rte_raw_cksum_reduce(want);
					uint32_t got = net_cksum_add(buf + off, len, starts[s]);
					assert_true(got <= 0xffff);
					if (got != want)
						fail_msg("pattern %d off %zu len %zu start %u: %#x, DPDK %#x", pattern, off,
							 len, starts[s], got, want);
				}
	}
}

#ifdef E911_SIMD_SSE2
/* Each vector loop of net_cksum_add (the dispatcher runs one per host) gives
 * the exact sum of the 16-bit words: random bytes and all-ones, which carry
 * the most, aligned or not, up to the largest block count one call takes. */
static void test_every_checksum_loop_gives_the_word_sum(void **state)
{
	(void)state;
	static uint8_t buf[NET_CKSUM_BLOCKS_MAX * 64 + 1];
	uint32_t x = 777;
	for (int pattern = 0; pattern < 2; pattern++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			x = x * 1103515245u + 12345u;
			buf[i] = pattern ? 0xff : (uint8_t)(x >> 16);
		}
		for (size_t off = 0; off < 2; off++)
			for (size_t blocks = 1; blocks <= NET_CKSUM_BLOCKS_MAX; blocks += blocks < 40 ? 1 : 1009) {
				uint64_t want = 0;
				for (size_t i = 0; i < blocks * 64; i += 2) {
					uint16_t w;
					memcpy(&w, buf + off + i, 2);
					want += w;
				}
				assert_int_equal(net_cksum_blocks_sse2(buf + off, blocks), want);
				if (net_cksum_have_avx2())
					assert_int_equal(net_cksum_blocks_avx2(buf + off, blocks), want);
			}
	}
	if (!net_cksum_have_avx2())
		print_message("  no AVX2 on this CPU: its loop not run\n");
}
#endif

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_an_ipv4_udp_frame_gives_its_payload),
		cmocka_unit_test(test_a_vlan_tag_is_read_and_skipped),
		cmocka_unit_test(test_a_port_takes_only_its_own_vlan),
		cmocka_unit_test(test_ethernet_padding_after_the_datagram_is_ignored),
		cmocka_unit_test(test_bad_ipv4_and_udp_headers_are_dropped_with_their_reason),
		cmocka_unit_test(test_ipv4_options_are_skipped),
		cmocka_unit_test(test_fragments_go_to_reassembly),
		cmocka_unit_test(test_icmp_echo_arp_and_neighbour_discovery_are_recognised),
		cmocka_unit_test(test_ipv6_udp_needs_its_checksum),
		cmocka_unit_test(test_every_truncation_is_dropped_inside_the_frame),
		cmocka_unit_test(test_every_kind_has_a_name_and_a_text),
		cmocka_unit_test(test_the_running_checksum_equals_dpdk_s),
#ifdef E911_SIMD_SSE2
		cmocka_unit_test(test_every_checksum_loop_gives_the_word_sum),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
