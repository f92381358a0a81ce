/*
 * test_net_tx.c - the transmit side of the network layer, every output
 * round-tripped through net_decap(): UDP encapsulation (IPv4/IPv6, with and
 * without a VLAN tag, software and offloaded checksums), the ARP, echo and
 * neighbour-solicitation responders (and what they must leave alone), the
 * next-hop requests, neighbour learning, and truncated input read only
 * inside its length (it ends right before an unreadable page).
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
#include "e911/net_tx.h"

#define US_MAC "\x02\x00\x00\x00\x00\x0a"
#define PEER_MAC "\x02\x00\x00\x00\x00\x05"
#define US_IP4 "\xc6\x12\x00\x0a"   /* 198.18.0.10 */
#define PEER_IP4 "\xc6\x12\x19\x05" /* 198.18.25.5 */
#define OTHER_IP4 "\xc6\x12\x00\x0b"
#define US_IP6 "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0a"
#define PEER_IP6 "\x20\x01\x0d\xb8\x00\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\x05"
#define OTHER_IP6 "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x0b"
#define US_GROUP "\xff\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\xff\x00\x00\x0a"
#define ALL_NODES "\xff\x02\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
#define UNSPEC "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0"

static const char sip[] = "OPTIONS sip:198.18.0.10 SIP/2.0\r\n\r\n";

static struct net_iface iface(const char *mac, const char *ip4, const char *ip6, bool vlan)
{
	struct net_iface i;
	memset(&i, 0, sizeof(i));
	memcpy(i.mac, mac, 6);
	i.has_vlan = vlan;
	i.vlan_tci = 0x2064; /* PCP 1, VID 100 */
	i.has_ip4 = 1;
	memcpy(i.ip4, ip4, 4);
	i.has_ip6 = 1;
	memcpy(i.ip6, ip6, 16);
	return i;
}

static struct net_iface us(bool vlan)
{
	return iface(US_MAC, US_IP4, US_IP6, vlan);
}

static struct net_iface peer(bool vlan)
{
	return iface(PEER_MAC, PEER_IP4, PEER_IP6, vlan);
}

/*
 * The guard: cap bytes that end right before a PROT_NONE page, the frame's
 * len bytes at their start. A read past cap (or len, when cap == len)
 * crashes the test instead of passing unseen.
 */
static uint8_t *guard_end;

static uint8_t *guard_place(const void *bytes, uint32_t len, uint32_t cap)
{
	if (guard_end == NULL) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		uint8_t *base = mmap(NULL, page * 2, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(base != MAP_FAILED);
		assert_int_equal(mprotect(base + page, page, PROT_NONE), 0);
		guard_end = base + page;
	}
	assert_true(len <= cap && cap <= 1024);
	uint8_t *at = guard_end - cap;
	memset(at, 0xee, cap);
	memcpy(at, bytes, len);
	return at;
}

/* A received frame under construction. */
struct frame {
	uint8_t b[512];
	uint32_t len;
	uint32_t l3, l4;
};

static void ether(struct frame *f, const char *dst, uint16_t type, bool vlan)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, PEER_MAC, 6);
	f->len = 12;
	if (vlan) {
		f->b[f->len++] = 0x81;
		f->b[f->len++] = 0x00;
		f->b[f->len++] = 0x20;
		f->b[f->len++] = 0x64;
	}
	f->b[f->len++] = (uint8_t)(type >> 8);
	f->b[f->len++] = (uint8_t)type;
	f->l3 = f->len;
}

/* ICMPv4 echo request (8 bytes + data) to dst, optionally with 4 bytes of IP options. */
static void echo4(struct frame *f, bool vlan, const char *dst, bool options)
{
	static const uint8_t msg[] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g', '!' };
	ether(f, US_MAC, 0x0800, vlan);
	struct rte_ipv4_hdr *ip = (void *)(f->b + f->l3);
	uint32_t ihl = options ? 24 : 20;
	ip->version_ihl = (uint8_t)(0x40 | ihl / 4);
	ip->time_to_live = 9;
	ip->next_proto_id = IPPROTO_ICMP;
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	memcpy(&ip->src_addr, PEER_IP4, 4);
	memcpy(&ip->dst_addr, dst, 4);
	if (options)
		memset(f->b + f->l3 + 20, 1, 4); /* NOPs */
	f->l4 = f->l3 + ihl;
	memcpy(f->b + f->l4, msg, sizeof(msg));
	uint16_t ck = (uint16_t)~rte_raw_cksum(f->b + f->l4, sizeof(msg));
	memcpy(f->b + f->l4 + 2, &ck, 2);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl + sizeof(msg)));
	ip->hdr_checksum = (uint16_t)~rte_raw_cksum(ip, ihl);
	f->len = f->l4 + sizeof(msg);
}

/* IPv6 + an ICMPv6 message (checksum filled in). */
static void icmp6(struct frame *f, bool vlan, const char *eth_dst, const char *src, const char *dst,
		  uint8_t hops, const void *msg, uint16_t len)
{
	ether(f, eth_dst, 0x86dd, vlan);
	struct rte_ipv6_hdr *ip = (void *)(f->b + f->l3);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = hops;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	f->l4 = f->l3 + 40;
	memcpy(f->b + f->l4, msg, len);
	memset(f->b + f->l4 + 2, 0, 2);
	uint16_t ck = rte_ipv6_udptcp_cksum(ip, f->b + f->l4);
	memcpy(f->b + f->l4 + 2, &ck, 2);
	f->len = f->l4 + len;
}

static void echo6(struct frame *f, bool vlan, const char *dst)
{
	static const uint8_t msg[] = { 128, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g' };
	icmp6(f, vlan, US_MAC, PEER_IP6, dst, 64, msg, sizeof(msg));
}

/* A neighbour solicitation for target, with or without a source link-layer option. */
static void ns(struct frame *f, bool vlan, const char *src, const char *dst, const char *target, bool slla)
{
	uint8_t msg[32] = { 135, 0 };
	memcpy(msg + 8, target, 16);
	msg[24] = 1;
	msg[25] = 1;
	memcpy(msg + 26, PEER_MAC, 6);
	uint8_t mac[6] = { 0x33, 0x33 };
	memcpy(mac + 2, dst + 12, 4);
	icmp6(f, vlan, (const char *)mac, src, dst, 255, msg, slla ? 32 : 24);
}

/* An advertisement from the peer for its own address. */
static void na(struct frame *f, const char *dst, uint32_t flags, bool tlla)
{
	uint8_t msg[32] = { 136, 0 };
	uint32_t be = rte_cpu_to_be_32(flags);
	memcpy(msg + 4, &be, 4);
	memcpy(msg + 8, PEER_IP6, 16);
	msg[24] = 2;
	msg[25] = 1;
	memcpy(msg + 26, PEER_MAC, 6);
	icmp6(f, false, US_MAC, PEER_IP6, dst, 255, msg, tlla ? 32 : 24);
}

static uint16_t be16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* The Ethernet header of an answer: to dst, from us, the tag it came with. */
static void check_l2(const uint8_t *b, const char *dst, bool vlan, uint16_t type)
{
	assert_memory_equal(b, dst, 6);
	assert_memory_equal(b + 6, US_MAC, 6);
	if (vlan) {
		assert_int_equal(be16_at(b + 12), 0x8100);
		assert_int_equal(be16_at(b + 14), 0x2064);
	}
	assert_int_equal(be16_at(b + (vlan ? 16 : 12)), type);
}

/* An answer goes nowhere: 0, and the frame (and its spare capacity) as it was. */
static void check_no_answer(const struct frame *f, uint32_t cap)
{
	struct net_view v;
	struct net_iface u = us(false);
	net_decap(f->b, f->len, false, &v);
	uint8_t *at = guard_place(f->b, f->len, cap);
	assert_int_equal(net_answer(at, f->len, cap, &v, &u), 0);
	assert_memory_equal(at, f->b, f->len);
	for (uint32_t i = f->len; i < cap; i++)
		assert_int_equal(at[i], 0xee);
}

static void test_header_lengths(void **state)
{
	(void)state;
	assert_int_equal(net_udp_header_len(4, false), 42);
	assert_int_equal(net_udp_header_len(4, true), 46);
	assert_int_equal(net_udp_header_len(6, false), 62);
	assert_int_equal(net_udp_header_len(6, true), 66);
	assert_int_equal(net_udp_header_len(5, false), 0);
}

/* Encapsulate sip at an odd address (alignment under UBSan) and decap it back. */
static uint32_t encap(uint8_t *buf, uint8_t family, bool vlan, bool offload, struct net_view *v)
{
	struct net_iface u = us(vlan);
	uint8_t src[16], dst[16];
	memcpy(src, family == 4 ? US_IP4 "\0\0\0\0\0\0\0\0\0\0\0" : US_IP6, 16);
	memcpy(dst, family == 4 ? PEER_IP4 "\0\0\0\0\0\0\0\0\0\0\0" : PEER_IP6, 16);
	uint32_t hlen = net_udp_header_len(family, vlan);
	memcpy(buf + hlen, sip, sizeof(sip) - 1);
	uint32_t n = net_udp_encap(buf, &u, (const uint8_t *)PEER_MAC, family, src, dst, 5060, 5062,
				   sizeof(sip) - 1, 0xbeef, offload);
	assert_int_equal(n, hlen + sizeof(sip) - 1);
	assert_int_equal(net_decap(buf, n, offload, v), NET_KIND_UDP);
	return n;
}

static void test_udp_encap_round_trips_through_decap(void **state)
{
	(void)state;
	uint8_t mem[256];
	for (int family = 4; family <= 6; family += 2)
		for (int vlan = 0; vlan <= 1; vlan++) {
			struct net_view v;
			uint8_t *b = mem + 1;
			memset(mem, 0, sizeof(mem));
			encap(b, (uint8_t)family, vlan, false, &v);
			assert_int_equal(v.family, family);
			assert_int_equal(v.has_vlan, vlan);
			if (vlan)
				assert_int_equal(v.vlan_tci, 0x2064);
			assert_memory_equal(b, PEER_MAC, 6);
			assert_memory_equal(b + 6, US_MAC, 6);
			assert_int_equal(v.src_port, 5060);
			assert_int_equal(v.dst_port, 5062);
			assert_int_equal(v.payload_len, sizeof(sip) - 1);
			assert_memory_equal(b + v.payload_off, sip, sizeof(sip) - 1);
			assert_memory_equal(v.src, family == 4 ? US_IP4 : US_IP6, family == 4 ? 4 : 16);
			assert_memory_equal(v.dst, family == 4 ? PEER_IP4 : PEER_IP6, family == 4 ? 4 : 16);
			const uint8_t *l3 = b + v.l3_off;
			if (family == 4) {
				assert_int_equal(l3[0], 0x45);
				assert_int_equal(be16_at(l3 + 4), 0xbeef);  /* IP id */
				assert_int_equal(be16_at(l3 + 6), 0);       /* DF clear, no fragment */
				assert_int_equal(l3[8], 64);                /* TTL */
			} else {
				assert_int_equal(l3[7], 64);                /* hop limit */
			}
			assert_int_not_equal(be16_at(b + v.l4_off + 6), 0); /* a checksum is there */
		}
}

/* What the NIC does with an offloaded UDP checksum: sum the datagram from the pseudo-header's. */
static void nic_finishes_udp_checksum(uint8_t *b, const struct net_view *v)
{
	uint8_t *l4 = b + v->l4_off;
	uint16_t ck = (uint16_t)~rte_raw_cksum(l4, v->payload_len + 8u);
	if (ck == 0)
		ck = 0xffff;
	memcpy(l4 + 6, &ck, 2);
}

static void test_offloaded_udp_checksum_is_the_pseudo_header_one(void **state)
{
	(void)state;
	uint8_t mem[256];
	for (int family = 4; family <= 6; family += 2)
		for (int vlan = 0; vlan <= 1; vlan++) {
			struct net_view v;
			uint8_t *b = mem + 3;
			uint32_t n = encap(b, (uint8_t)family, vlan, true, &v);
			uint16_t got;
			memcpy(&got, b + v.l4_off + 6, 2);
			uint16_t want = family == 4 ? rte_ipv4_phdr_cksum((const void *)(b + v.l3_off), 0)
						   : rte_ipv6_phdr_cksum((const void *)(b + v.l3_off), 0);
			assert_int_equal(got, want);
			nic_finishes_udp_checksum(b, &v);
			assert_int_equal(net_decap(b, n, false, &v), NET_KIND_UDP);
		}
}

static void test_udp_encap_refuses_what_it_cannot_write(void **state)
{
	(void)state;
	uint8_t b[128] = { 0 }, zero[128] = { 0 };
	struct net_iface u = us(false);
	uint8_t ip[16] = { 0 };
	assert_int_equal(net_udp_encap(b, &u, (const uint8_t *)PEER_MAC, 5, ip, ip, 1, 2, 0, 0, false), 0);
	assert_int_equal(net_udp_encap(b, &u, (const uint8_t *)PEER_MAC, 4, ip, ip, 1, 2, 65508, 0, false), 0);
	assert_int_equal(net_udp_encap(b, &u, (const uint8_t *)PEER_MAC, 6, ip, ip, 1, 2, 65528, 0, false), 0);
	assert_memory_equal(b, zero, sizeof(b));
}

static void test_arp_request_gets_a_reply_that_keeps_the_tag(void **state)
{
	(void)state;
	for (int vlan = 0; vlan <= 1; vlan++) {
		struct net_iface p = peer(vlan), u = us(false);
		struct frame f;
		struct net_view v;
		memset(&f, 0, sizeof(f));
		f.len = net_arp_request(f.b, &p, (const uint8_t *)US_IP4);
		assert_int_equal(f.len, vlan ? 46 : 42);
		assert_int_equal(net_decap(f.b, f.len, false, &v), NET_KIND_ARP);
		uint8_t *at = guard_place(f.b, f.len, f.len);
		uint32_t n = net_answer(at, f.len, f.len, &v, &u);
		assert_int_equal(n, f.len);
		assert_int_equal(net_decap(at, n, false, &v), NET_KIND_ARP);
		check_l2(at, PEER_MAC, vlan, 0x0806);
		const uint8_t *a = at + v.l3_off;
		assert_memory_equal(a, "\x00\x01\x08\x00\x06\x04\x00\x02", 8); /* Ethernet/IPv4 reply */
		assert_memory_equal(a + 8, US_MAC US_IP4 PEER_MAC PEER_IP4, 20);
	}
}

static void test_arp_not_for_us_is_left_alone(void **state)
{
	(void)state;
	struct net_iface p = peer(false);
	struct frame f;
	memset(&f, 0, sizeof(f));
	f.len = net_arp_request(f.b, &p, (const uint8_t *)OTHER_IP4);
	check_no_answer(&f, f.len);
	/* A reply is learnt from, not answered. */
	f.len = net_arp_request(f.b, &p, (const uint8_t *)US_IP4);
	f.b[21] = 2;
	check_no_answer(&f, f.len);
	/* Nor is a request from a group address. */
	f.b[21] = 1;
	f.b[22] = 0x01;
	check_no_answer(&f, f.len);
}

/* The echo reply: decap calls it "ICMP not handled", with good checksums. */
static void check_echo4_reply(const uint8_t *b, uint32_t n, bool vlan)
{
	struct net_view v;
	assert_int_equal(net_decap(b, n, false, &v), NET_KIND_DROP_ICMP_OTHER); /* IP checksum good */
	assert_int_equal(v.family, 4);
	check_l2(b, PEER_MAC, vlan, 0x0800);
	assert_int_equal(v.l3_len, 20 + 13);
	assert_int_equal(n, v.l3_off + v.l3_len);
	assert_memory_equal(v.src, US_IP4, 4);
	assert_memory_equal(v.dst, PEER_IP4, 4);
	assert_int_equal(b[v.l3_off + 8], 64);
	const uint8_t *l4 = b + v.l4_off;
	assert_int_equal(l4[0], 0);
	assert_int_equal(rte_raw_cksum(l4, 13), 0xffff);
	assert_memory_equal(l4 + 4, "\x12\x34\x00\x01ping!", 9);
}

static void test_icmp4_echo_gets_a_reply(void **state)
{
	(void)state;
	for (int vlan = 0; vlan <= 1; vlan++)
		for (int options = 0; options <= 1; options++) {
			struct net_iface u = us(false);
			struct frame f;
			struct net_view v;
			echo4(&f, vlan, US_IP4, options);
			f.len += 7; /* Ethernet padding is not echoed */
			assert_int_equal(net_decap(f.b, f.len, false, &v), NET_KIND_ICMP4_ECHO);
			uint8_t *at = guard_place(f.b, f.len, f.len);
			uint32_t n = net_answer(at, f.len, f.len, &v, &u);
			assert_int_equal(n, f.len - 7 - (options ? 4 : 0));
			check_echo4_reply(at, n, vlan);
		}
}

static void test_icmp4_echo_not_for_us_or_damaged_is_left_alone(void **state)
{
	(void)state;
	struct frame f;
	echo4(&f, false, OTHER_IP4, false);
	check_no_answer(&f, f.len);
	echo4(&f, false, US_IP4, false);
	f.b[f.l4 + 8] ^= 1; /* ICMP checksum now wrong */
	check_no_answer(&f, f.len);
	echo4(&f, false, US_IP4, false);
	memcpy(f.b + 6, "\x01\x00\x5e\x00\x00\x01", 6); /* from a group MAC */
	check_no_answer(&f, f.len);
	struct net_iface none = us(false);
	none.has_ip4 = 0;
	struct net_view v;
	echo4(&f, false, US_IP4, false);
	net_decap(f.b, f.len, false, &v);
	assert_int_equal(net_answer(f.b, f.len, f.len, &v, &none), 0);
}

static void test_icmp6_echo_gets_a_reply(void **state)
{
	(void)state;
	for (int vlan = 0; vlan <= 1; vlan++) {
		struct net_iface u = us(false);
		struct frame f;
		struct net_view v;
		echo6(&f, vlan, US_IP6);
		assert_int_equal(net_decap(f.b, f.len, false, &v), NET_KIND_ICMP6_ECHO);
		uint8_t *at = guard_place(f.b, f.len, f.len);
		uint32_t n = net_answer(at, f.len, f.len, &v, &u);
		assert_int_equal(n, f.len);
		assert_int_equal(net_decap(at, n, false, &v), NET_KIND_DROP_ICMP_OTHER);
		check_l2(at, PEER_MAC, vlan, 0x86dd);
		assert_memory_equal(v.src, US_IP6, 16);
		assert_memory_equal(v.dst, PEER_IP6, 16);
		const uint8_t *l4 = at + v.l4_off;
		assert_int_equal(l4[0], 129);
		assert_int_equal(rte_ipv6_udptcp_cksum((const void *)(at + v.l3_off), l4), 0);
		assert_memory_equal(l4 + 4, "\x12\x34\x00\x01ping", 8);
	}
	struct frame f;
	echo6(&f, false, OTHER_IP6);
	check_no_answer(&f, f.len);
	echo6(&f, false, US_IP6);
	f.b[f.len - 1] ^= 1;
	check_no_answer(&f, f.len);
}

/* The NA answering an NS: decaps as ND, checks by RFC 4861 §7.1.2 (learnt back). */
static void check_na(const uint8_t *b, uint32_t n, const char *eth_dst, const char *ip_dst, bool vlan,
		     uint8_t flags)
{
	struct net_view v;
	assert_int_equal(net_decap(b, n, false, &v), NET_KIND_ICMP6_ND);
	assert_int_equal(n, v.l3_off + 40u + 32u);
	check_l2(b, eth_dst, vlan, 0x86dd);
	assert_memory_equal(v.src, US_IP6, 16);
	assert_memory_equal(v.dst, ip_dst, 16);
	const uint8_t *l3 = b + v.l3_off, *l4 = b + v.l4_off;
	assert_int_equal(l3[7], 255);
	assert_int_equal(l4[0], 136);
	assert_int_equal(l4[1], 0);
	assert_int_equal(l4[4], flags);
	assert_memory_equal(l4 + 5, "\0\0\0", 3);
	assert_memory_equal(l4 + 8, US_IP6, 16);
	assert_memory_equal(l4 + 24, "\x02\x01" US_MAC, 8);
	assert_int_equal(rte_ipv6_udptcp_cksum((const void *)l3, l4), 0);
	uint8_t family, ip[16], mac[6];
	assert_true(net_neighbour_learn(b, n, &v, &family, ip, mac));
	assert_int_equal(family, 6);
	assert_memory_equal(ip, US_IP6, 16);
	assert_memory_equal(mac, US_MAC, 6);
}

static void test_neighbour_solicitation_gets_an_advertisement(void **state)
{
	(void)state;
	for (int vlan = 0; vlan <= 1; vlan++) {
		/* The peer's own request: multicast to our solicited-node group. */
		struct net_iface p = peer(vlan), u = us(false);
		struct frame f;
		struct net_view v;
		memset(&f, 0, sizeof(f));
		f.len = net_ns_request(f.b, &p, (const uint8_t *)US_IP6);
		assert_int_equal(f.len, vlan ? 90 : 86);
		assert_int_equal(net_decap(f.b, f.len, false, &v), NET_KIND_ICMP6_ND);
		uint8_t *at = guard_place(f.b, f.len, f.len);
		uint32_t n = net_answer(at, f.len, f.len, &v, &u);
		assert_int_equal(n, f.len);
		check_na(at, n, PEER_MAC, PEER_IP6, vlan, 0x60); /* S, O */
	}
}

static void test_unicast_solicitation_without_option_needs_room(void **state)
{
	(void)state;
	struct net_iface u = us(false);
	struct frame f;
	struct net_view v;
	ns(&f, false, PEER_IP6, US_IP6, US_IP6, false); /* NUD probe: no option */
	memcpy(f.b, US_MAC, 6);
	assert_int_equal(net_decap(f.b, f.len, false, &v), NET_KIND_ICMP6_ND);
	check_no_answer(&f, f.len); /* the NA is 8 bytes longer */
	uint8_t *at = guard_place(f.b, f.len, f.len + 8);
	uint32_t n = net_answer(at, f.len, f.len + 8, &v, &u);
	assert_int_equal(n, f.len + 8);
	check_na(at, n, PEER_MAC, PEER_IP6, false, 0x60); /* to the frame's source MAC */
}

static void test_dad_solicitation_is_answered_to_all_nodes(void **state)
{
	(void)state;
	struct net_iface u = us(false);
	struct frame f;
	struct net_view v;
	ns(&f, true, UNSPEC, US_GROUP, US_IP6, false);
	assert_int_equal(net_decap(f.b, f.len, false, &v), NET_KIND_ICMP6_ND);
	uint8_t *at = guard_place(f.b, f.len, f.len + 8);
	uint32_t n = net_answer(at, f.len, f.len + 8, &v, &u);
	assert_int_equal(n, f.len + 8);
	check_na(at, n, "\x33\x33\x00\x00\x00\x01", ALL_NODES, true, 0x20); /* O only */
}

static void test_solicitations_not_for_us_or_invalid_are_left_alone(void **state)
{
	(void)state;
	struct frame f;
	ns(&f, false, PEER_IP6, US_GROUP, OTHER_IP6, true);   /* another target */
	check_no_answer(&f, f.len + 64);
	ns(&f, false, PEER_IP6, OTHER_IP6, US_IP6, true);     /* sent to someone else */
	check_no_answer(&f, f.len + 64);
	ns(&f, false, UNSPEC, US_IP6, US_IP6, false);         /* DAD, but not to the group */
	check_no_answer(&f, f.len + 64);
	ns(&f, false, UNSPEC, US_GROUP, US_IP6, true);        /* DAD with an option */
	check_no_answer(&f, f.len + 64);
	ns(&f, false, ALL_NODES, US_GROUP, US_IP6, true);     /* from a group: no one to answer */
	check_no_answer(&f, f.len + 64);
	ns(&f, false, PEER_IP6, US_GROUP, US_IP6, true);
	f.b[f.l3 + 7] = 64;                                   /* routed: hop limit not 255 */
	check_no_answer(&f, f.len + 64);
	ns(&f, false, PEER_IP6, US_GROUP, US_IP6, true);
	f.b[f.len - 1] ^= 1;                                  /* checksum */
	check_no_answer(&f, f.len + 64);
	ns(&f, false, PEER_IP6, US_GROUP, US_IP6, true);
	f.b[f.l4 + 25] = 0;                                   /* option of length 0 */
	f.b[f.l4 + 2] = f.b[f.l4 + 3] = 0;
	uint16_t ck = rte_ipv6_udptcp_cksum((const void *)(f.b + f.l3), f.b + f.l4);
	memcpy(f.b + f.l4 + 2, &ck, 2);
	check_no_answer(&f, f.len + 64);
	na(&f, US_IP6, 0x60000000u, true);                    /* an NA is not answered */
	check_no_answer(&f, f.len + 64);
}

static void test_requests_resolve_a_next_hop(void **state)
{
	(void)state;
	for (int vlan = 0; vlan <= 1; vlan++) {
		struct net_iface u = us(vlan);
		uint8_t b[NET_REQUEST_MAX];
		struct net_view v;
		uint8_t family, ip[16], mac[6];

		uint32_t n = net_arp_request(b, &u, (const uint8_t *)PEER_IP4);
		assert_int_equal(net_decap(b, n, false, &v), NET_KIND_ARP);
		assert_int_equal(v.has_vlan, vlan);
		assert_memory_equal(b, "\xff\xff\xff\xff\xff\xff" US_MAC, 12);
		assert_memory_equal(b + v.l3_off, "\x00\x01\x08\x00\x06\x04\x00\x01" US_MAC US_IP4, 18);
		assert_memory_equal(b + v.l3_off + 18, "\0\0\0\0\0\0" PEER_IP4, 10);
		assert_true(net_neighbour_learn(b, n, &v, &family, ip, mac));
		assert_int_equal(family, 4);
		assert_memory_equal(ip, US_IP4 "\0\0\0\0\0\0\0\0\0\0\0\0", 16);
		assert_memory_equal(mac, US_MAC, 6);

		n = net_ns_request(b, &u, (const uint8_t *)PEER_IP6);
		assert_int_equal(net_decap(b, n, false, &v), NET_KIND_ICMP6_ND);
		assert_int_equal(v.has_vlan, vlan);
		assert_memory_equal(b, "\x33\x33\xff\x00\x00\x05" US_MAC, 12);
		assert_memory_equal(v.src, US_IP6, 16);
		assert_memory_equal(v.dst, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff\x00\x00\x05", 16);
		const uint8_t *l4 = b + v.l4_off;
		assert_int_equal(l4[0], 135);
		assert_memory_equal(l4 + 8, PEER_IP6, 16);
		assert_memory_equal(l4 + 24, "\x01\x01" US_MAC, 8);
		assert_int_equal(b[v.l3_off + 7], 255);
		assert_true(net_neighbour_learn(b, n, &v, &family, ip, mac));
		assert_int_equal(family, 6);
		assert_memory_equal(ip, US_IP6, 16);
		assert_memory_equal(mac, US_MAC, 6);
	}
	struct net_iface bare = us(false);
	bare.has_ip4 = bare.has_ip6 = 0;
	uint8_t b[NET_REQUEST_MAX];
	assert_int_equal(net_arp_request(b, &bare, (const uint8_t *)PEER_IP4), 0);
	assert_int_equal(net_ns_request(b, &bare, (const uint8_t *)PEER_IP6), 0);
}

static bool learn(const struct frame *f, uint8_t *family, uint8_t ip[16], uint8_t mac[6])
{
	struct net_view v;
	net_decap(f->b, f->len, false, &v);
	const uint8_t *at = guard_place(f->b, f->len, f->len);
	return net_neighbour_learn(at, f->len, &v, family, ip, mac);
}

static void test_neighbours_are_learnt_from_arp_and_nd_only(void **state)
{
	(void)state;
	struct net_iface p = peer(false);
	struct frame f;
	uint8_t family, ip[16], mac[6];

	memset(&f, 0, sizeof(f));
	f.len = net_arp_request(f.b, &p, (const uint8_t *)US_IP4); /* request */
	assert_true(learn(&f, &family, ip, mac));
	assert_int_equal(family, 4);
	assert_memory_equal(ip, PEER_IP4 "\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	assert_memory_equal(mac, PEER_MAC, 6);
	f.b[21] = 2; /* reply */
	memset(ip, 0xaa, 16);
	assert_true(learn(&f, &family, ip, mac));
	assert_memory_equal(ip, PEER_IP4 "\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	memset(f.b + 28, 0, 4); /* a probe from 0.0.0.0 teaches nothing */
	assert_false(learn(&f, &family, ip, mac));

	na(&f, US_IP6, 0x60000000u, true);
	assert_true(learn(&f, &family, ip, mac));
	assert_int_equal(family, 6);
	assert_memory_equal(ip, PEER_IP6, 16);
	assert_memory_equal(mac, PEER_MAC, 6);
	na(&f, US_IP6, 0x60000000u, false); /* no target option */
	assert_false(learn(&f, &family, ip, mac));
	na(&f, ALL_NODES, 0x60000000u, true); /* solicited, yet multicast: invalid */
	assert_false(learn(&f, &family, ip, mac));
	na(&f, ALL_NODES, 0x20000000u, true); /* unsolicited, multicast: fine */
	assert_true(learn(&f, &family, ip, mac));

	ns(&f, false, PEER_IP6, US_GROUP, US_IP6, true);
	memset(mac, 0, 6);
	assert_true(learn(&f, &family, ip, mac));
	assert_int_equal(family, 6);
	assert_memory_equal(ip, PEER_IP6, 16);
	assert_memory_equal(mac, PEER_MAC, 6);
	ns(&f, false, PEER_IP6, US_GROUP, US_IP6, false);
	assert_false(learn(&f, &family, ip, mac));
	ns(&f, false, UNSPEC, US_GROUP, US_IP6, false);
	assert_false(learn(&f, &family, ip, mac));

	echo6(&f, false, US_IP6);
	assert_false(learn(&f, &family, ip, mac));
	echo4(&f, false, US_IP4, false);
	assert_false(learn(&f, &family, ip, mac));
	uint8_t b[256];
	struct net_view v;
	uint32_t n = encap(b, 4, false, false, &v);
	assert_false(net_neighbour_learn(b, n, &v, &family, ip, mac));
}

/*
 * Every prefix of every request, ending before an unreadable page: with its
 * own view (decap drops it) and with the whole frame's view (a view that
 * claims more than there is), no answer, nothing written, nothing learnt.
 */
static void test_truncated_frames_get_no_answer_and_no_read_past_len(void **state)
{
	(void)state;
	struct net_iface p = peer(true), u = us(false);
	struct frame frames[5];
	memset(frames, 0, sizeof(frames));
	frames[0].len = net_arp_request(frames[0].b, &p, (const uint8_t *)US_IP4);
	echo4(&frames[1], true, US_IP4, true);
	echo6(&frames[2], false, US_IP6);
	frames[3].len = net_ns_request(frames[3].b, &p, (const uint8_t *)US_IP6);
	na(&frames[4], US_IP6, 0x60000000u, true);
	for (int k = 0; k < 5; k++) {
		struct net_view whole;
		net_decap(frames[k].b, frames[k].len, false, &whole);
		for (uint32_t n = 0; n < frames[k].len; n++) {
			struct net_view v;
			uint8_t family, ip[16], mac[6];
			uint8_t *at = guard_place(frames[k].b, n, n);
			assert_true(net_decap(at, n, false, &v) >= NET_KIND_FIRST_DROP);
			assert_int_equal(net_answer(at, n, n, &v, &u), 0);
			assert_false(net_neighbour_learn(at, n, &v, &family, ip, mac));
			assert_int_equal(net_answer(at, n, n, &whole, &u), 0);
			assert_false(net_neighbour_learn(at, n, &whole, &family, ip, mac));
			assert_memory_equal(at, frames[k].b, n);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_lengths),
		cmocka_unit_test(test_udp_encap_round_trips_through_decap),
		cmocka_unit_test(test_offloaded_udp_checksum_is_the_pseudo_header_one),
		cmocka_unit_test(test_udp_encap_refuses_what_it_cannot_write),
		cmocka_unit_test(test_arp_request_gets_a_reply_that_keeps_the_tag),
		cmocka_unit_test(test_arp_not_for_us_is_left_alone),
		cmocka_unit_test(test_icmp4_echo_gets_a_reply),
		cmocka_unit_test(test_icmp4_echo_not_for_us_or_damaged_is_left_alone),
		cmocka_unit_test(test_icmp6_echo_gets_a_reply),
		cmocka_unit_test(test_neighbour_solicitation_gets_an_advertisement),
		cmocka_unit_test(test_unicast_solicitation_without_option_needs_room),
		cmocka_unit_test(test_dad_solicitation_is_answered_to_all_nodes),
		cmocka_unit_test(test_solicitations_not_for_us_or_invalid_are_left_alone),
		cmocka_unit_test(test_requests_resolve_a_next_hop),
		cmocka_unit_test(test_neighbours_are_learnt_from_arp_and_nd_only),
		cmocka_unit_test(test_truncated_frames_get_no_answer_and_no_read_past_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
