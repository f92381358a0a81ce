/*
 * fuzz_net_answer - libFuzzer target for the responders and neighbour
 * learning: any frame net_decap classified gets an answer no longer than
 * the buffer (the frame + 64 bytes, exactly allocated), or none and the
 * buffer untouched; an answer classifies again as what answers that kind
 * are, with good checksums, and keeps the frame's VLAN tag. Half the inputs
 * answer for a fixed identity, half for addresses taken from the frame
 * itself, so that "for us" is as easy to reach as "not for us".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#include "e911/net.h"
#include "e911/net_tx.h"

#define SPARE 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct net_iface fixed = {
	.mac = { 0x02, 0, 0, 0, 0, 0x0a },
	.has_ip4 = 1,
	.ip4 = { 198, 18, 0, 10 },
	.has_ip6 = 1,
	.ip6 = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a },
};

/* Our addresses as the frame asks for them: the ARP target, the echo's or the NS's
 * (an unspecified one stays as it was: no port is 0.0.0.0 or ::). */
static void from_frame(struct net_iface *ifc, const uint8_t *frame, size_t size, const struct net_view *v)
{
	static const uint8_t zero[16];
	const uint8_t *ip4 = NULL, *ip6 = NULL;

	if (v->kind == NET_KIND_ARP && v->l3_off + 28u <= size)
		ip4 = frame + v->l3_off + 24;
	else if (v->family == 4)
		ip4 = v->dst;
	if (v->kind == NET_KIND_ICMP6_ND && v->l4_off + 24u <= size)
		ip6 = frame + v->l4_off + 8;
	else if (v->family == 6)
		ip6 = v->dst;
	if (ip4 != NULL && memcmp(ip4, zero, 4) != 0)
		memcpy(ifc->ip4, ip4, 4);
	if (ip6 != NULL && memcmp(ip6, zero, 16) != 0)
		memcpy(ifc->ip6, ip6, 16);
}

static void check_learn(const uint8_t *frame, uint32_t len, const struct net_view *v)
{
	uint8_t family = 0, ip[16], mac[6];
	static const uint8_t zero[12];

	if (!net_neighbour_learn(frame, len, v, &family, ip, mac))
		return;
	if ((family != 4 && family != 6) || (mac[0] & 1) != 0 ||
	    (family == 4 && memcmp(ip + 4, zero, 12) != 0))
		abort();
}

/* The answer decaps to what an answer of that kind is, and checks as one. */
static void check_answer(const uint8_t *a, uint32_t n, const struct net_view *q, const struct net_iface *ifc)
{
	struct net_view v;
	uint8_t family, ip[16], mac[6];
	enum net_kind k = net_decap(a, n, false, &v);

	if (v.has_vlan != q->has_vlan || v.vlan_tci != q->vlan_tci || memcmp(a + 6, ifc->mac, 6) != 0)
		abort();
	switch (q->kind) {
	case NET_KIND_ARP:
		if (k != NET_KIND_ARP || !net_neighbour_learn(a, n, &v, &family, ip, mac) ||
		    family != 4 || memcmp(ip, ifc->ip4, 4) != 0 || memcmp(mac, ifc->mac, 6) != 0)
			abort();
		break;
	case NET_KIND_ICMP4_ECHO:
		/* Echo replies are "ICMP not handled" to decap; its IP checksum passed. */
		if (k != NET_KIND_DROP_ICMP_OTHER || v.family != 4 || a[v.l4_off] != 0 ||
		    memcmp(v.src, ifc->ip4, 4) != 0 ||
		    rte_raw_cksum(a + v.l4_off, v.l3_len - (v.l4_off - v.l3_off)) != 0xffff)
			abort();
		break;
	case NET_KIND_ICMP6_ECHO:
		if (k != NET_KIND_DROP_ICMP_OTHER || v.family != 6 || a[v.l4_off] != 129 ||
		    memcmp(v.src, ifc->ip6, 16) != 0 ||
		    rte_ipv6_udptcp_cksum((const void *)(a + v.l3_off), a + v.l4_off) != 0)
			abort();
		break;
	case NET_KIND_ICMP6_ND:
		/* A valid NA (RFC 4861 §7.1.2) is learnt back: it speaks for us. */
		if (k != NET_KIND_ICMP6_ND || !net_neighbour_learn(a, n, &v, &family, ip, mac) ||
		    family != 6 || memcmp(ip, ifc->ip6, 16) != 0 || memcmp(mac, ifc->mac, 6) != 0)
			abort();
		break;
	default:
		abort(); /* nothing else is answered */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_view v;
	struct net_iface ifc = fixed;

	if (size > 65535)
		return 0;
	uint32_t len = (uint32_t)size, cap = len + SPARE;
	uint8_t *frame = malloc(cap); /* exactly cap: a write past it is an ASan finding */
	if (frame == NULL)
		return 0;
	memcpy(frame, data, size);
	memset(frame + size, 0xa5, SPARE);
	net_decap(frame, len, size & 1, &v);
	if (size & 2)
		from_frame(&ifc, frame, size, &v);

	check_learn(frame, len, &v);
	uint32_t n = net_answer(frame, len, cap, &v, &ifc);
	if (n > cap)
		abort();
	if (n == 0) {
		for (uint32_t i = 0; i < SPARE; i++)
			if (frame[size + i] != 0xa5)
				abort();
		if (memcmp(frame, data, size) != 0)
			abort();
	} else {
		check_answer(frame, n, &v, &ifc);
	}
	free(frame);
	return 0;
}
