/*
 * net_nd.c - neighbour solicitations and advertisements (RFC 4861): the
 * §7.1 validity checks a receiver must make before believing one, and the
 * writer for the ones we send (see net_nd.h).
 */
#include <stddef.h>
#include <string.h>

#include <rte_ip.h>

#include "net_nd.h"

static const uint8_t unspecified[16];

bool nd_is_unspecified(const uint8_t ip[16])
{
	return memcmp(ip, unspecified, 16) == 0;
}

void nd_solicited_node(uint8_t out[16], const uint8_t target[16])
{
	static const uint8_t prefix[13] = { 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff };
	memcpy(out, prefix, 13);
	memcpy(out + 13, target + 13, 3);
}

uint16_t nd_icmp6_cksum(const uint8_t *l3)
{
	/* rte_ipv6_hdr is packed: any address will do. The sum is over the
	 * pseudo-header and payload_len bytes of ICMPv6; not UDP, so a sum of
	 * 0xffff comes back as 0. */
	const struct rte_ipv6_hdr *ip = (const void *)l3;
	return rte_ipv6_udptcp_cksum(ip, l3 + sizeof(*ip));
}

/* Walk the options (RFC 4861 §4.6): each at least 8 bytes, none of length 0. */
static bool options(const uint8_t *p, uint32_t n, uint8_t want, struct nd_info *nd)
{
	while (n > 0) {
		if (n < 2 || p[1] == 0 || (uint32_t)p[1] * 8 > n)
			return false;
		uint32_t olen = (uint32_t)p[1] * 8;
		if (p[0] == want && !nd->has_lla) {
			nd->has_lla = true;
			memcpy(nd->lla, p + 2, 6);
		}
		p += olen;
		n -= olen;
	}
	return true;
}

/* RFC 4861 §7.1, and no multicast source (RFC 4291 §2.7): nothing may answer one. */
bool nd_parse(const uint8_t *frame, uint32_t len, const struct net_view *v, struct nd_info *nd)
{
	struct rte_ipv6_hdr ip;
	struct nd_msg m;

	if (v->kind != NET_KIND_ICMP6_ND || v->family != 6 || v->l4_off != v->l3_off + sizeof(ip) ||
	    (uint32_t)v->l3_off + v->l3_len > len || v->l3_len < sizeof(ip) + sizeof(m))
		return false;
	const uint8_t *l3 = frame + v->l3_off, *l4 = frame + v->l4_off;
	uint32_t icmp_len = v->l3_len - (uint32_t)sizeof(ip);
	memcpy(&ip, l3, sizeof(ip));
	memcpy(&m, l4, sizeof(m));
	if (ip.hop_limits != ND_HOP_LIMIT || m.code != 0 ||
	    (m.type != ND_NEIGHBOR_SOLICIT && m.type != ND_NEIGHBOR_ADVERT) ||
	    m.target[0] == 0xff || ip.src_addr[0] == 0xff || nd_icmp6_cksum(l3) != 0)
		return false;
	memset(nd, 0, sizeof(*nd));
	nd->type = m.type;
	nd->flags = rte_be_to_cpu_32(m.flags);
	memcpy(nd->target, m.target, 16);
	uint8_t want = m.type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LLA : ND_OPT_TARGET_LLA;
	if (!options(l4 + sizeof(m), icmp_len - (uint32_t)sizeof(m), want, nd))
		return false;
	if (m.type == ND_NEIGHBOR_SOLICIT && nd_is_unspecified(ip.src_addr)) {
		/* DAD: only to the target's solicited-node group, and nothing to learn. */
		uint8_t group[16];
		nd_solicited_node(group, m.target);
		if (nd->has_lla || memcmp(ip.dst_addr, group, 16) != 0)
			return false;
	}
	if (m.type == ND_NEIGHBOR_ADVERT && ip.dst_addr[0] == 0xff && (nd->flags & ND_NA_SOLICITED))
		return false;
	return true;
}

uint32_t nd_write(uint8_t *l3, uint8_t type, uint32_t flags, const uint8_t src[16],
		  const uint8_t dst[16], const uint8_t target[16], uint8_t opt_type,
		  const uint8_t mac[6])
{
	struct rte_ipv6_hdr ip;
	struct nd_msg m;
	struct nd_opt_lla o;

	/* Built in locals first: src, dst and target may point into the frame. */
	memset(&ip, 0, sizeof(ip));
	ip.vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip.payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(m) + sizeof(o)));
	ip.proto = IPPROTO_ICMPV6;
	ip.hop_limits = ND_HOP_LIMIT;
	memcpy(ip.src_addr, src, 16);
	memcpy(ip.dst_addr, dst, 16);
	memset(&m, 0, sizeof(m));
	m.type = type;
	m.flags = rte_cpu_to_be_32(flags);
	memcpy(m.target, target, 16);
	o.type = opt_type;
	o.len = 1;
	memcpy(o.mac, mac, 6);

	memcpy(l3, &ip, sizeof(ip));
	memcpy(l3 + sizeof(ip), &m, sizeof(m));
	memcpy(l3 + sizeof(ip) + sizeof(m), &o, sizeof(o));
	uint16_t ck = nd_icmp6_cksum(l3);
	memcpy(l3 + sizeof(ip) + offsetof(struct nd_msg, cksum), &ck, 2);
	return ND_L3_LEN;
}
