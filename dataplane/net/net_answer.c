/*
 * net_answer.c - the responders: ARP reply, ICMPv4/ICMPv6 echo reply and
 * neighbour advertisement, each written in place over the request (see
 * e911/net_tx.h). Everything is checked before the first byte is written,
 * so a frame that gets no answer is left as it was.
 */
#include <stddef.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>

#include "e911/net_tx.h"
#include "net_l2.h"
#include "net_nd.h"

#define ECHO_TTL 64

/* The frame's bytes the view claims are really there. */
static bool ip_fits(uint32_t len, const struct net_view *v, uint32_t l3_min)
{
	return (uint32_t)v->l3_off + v->l3_len <= len && v->l3_len >= l3_min &&
	       v->l4_off >= v->l3_off && v->l4_off < (uint32_t)v->l3_off + v->l3_len;
}

static uint32_t arp_reply(uint8_t *frame, uint32_t len, const struct net_view *v,
			  const struct net_iface *ifc)
{
	struct rte_arp_hdr a; /* 2-aligned in DPDK: read and written by copy */

	if (!ifc->has_ip4 || (uint32_t)v->l3_off + sizeof(a) > len)
		return 0;
	memcpy(&a, frame + v->l3_off, sizeof(a));
	if (a.arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a.arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    a.arp_hlen != RTE_ETHER_ADDR_LEN || a.arp_plen != 4 ||
	    a.arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) ||
	    memcmp(&a.arp_data.arp_tip, ifc->ip4, 4) != 0 ||
	    l2_bad_unicast(a.arp_data.arp_sha.addr_bytes))
		return 0;
	/* A probe from 0.0.0.0 (RFC 5227) is answered too: it defends our address. */
	a.arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	a.arp_data.arp_tha = a.arp_data.arp_sha;
	a.arp_data.arp_tip = a.arp_data.arp_sip;
	memcpy(a.arp_data.arp_sha.addr_bytes, ifc->mac, 6);
	memcpy(&a.arp_data.arp_sip, ifc->ip4, 4);
	l2_answer(frame, a.arp_data.arp_tha.addr_bytes, ifc);
	memcpy(frame + v->l3_off, &a, sizeof(a));
	return v->l3_off + (uint32_t)sizeof(a);
}

/* No echo reply to a source that is nobody in particular. */
static bool ip4_bad_source(const uint8_t ip[4])
{
	return ip[0] == 0 || ip[0] >= 224 || ip[0] == 127; /* this net, multicast/reserved, loopback */
}

static uint32_t echo4_reply(uint8_t *frame, uint32_t len, const struct net_view *v,
			    const struct net_iface *ifc)
{
	struct rte_ipv4_hdr ip;
	struct rte_icmp_hdr ic;
	uint8_t mac[6];

	if (!ifc->has_ip4 || v->family != 4 || !ip_fits(len, v, sizeof(ip) + sizeof(ic)) ||
	    memcmp(v->dst, ifc->ip4, 4) != 0 || ip4_bad_source(v->src))
		return 0;
	uint32_t ihl = v->l4_off - v->l3_off;
	uint32_t icmp_len = v->l3_len - ihl;
	uint8_t *l3 = frame + v->l3_off;
	memcpy(mac, frame + 6, 6);
	if (ihl < sizeof(ip) || icmp_len < sizeof(ic) || l2_bad_unicast(mac) ||
	    frame[v->l4_off] != RTE_IP_ICMP_ECHO_REQUEST || frame[v->l4_off + 1] != 0 ||
	    rte_raw_cksum(frame + v->l4_off, icmp_len) != 0xffff)
		return 0;

	/* Options are not echoed (RFC 1122 §3.2.2.6 lets us drop them): ICMP moves up. */
	memcpy(&ip, l3, sizeof(ip));
	memmove(l3 + sizeof(ip), frame + v->l4_off, icmp_len);
	uint8_t *l4 = l3 + sizeof(ip);
	memcpy(&ic, l4, sizeof(ic));
	ic.icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	ic.icmp_cksum = 0;
	memcpy(l4, &ic, sizeof(ic));
	ic.icmp_cksum = (uint16_t)~rte_raw_cksum(l4, icmp_len);
	memcpy(l4 + offsetof(struct rte_icmp_hdr, icmp_cksum), &ic.icmp_cksum, 2);

	ip.version_ihl = RTE_IPV4_VHL_DEF;
	ip.total_length = rte_cpu_to_be_16((uint16_t)(sizeof(ip) + icmp_len));
	ip.time_to_live = ECHO_TTL;
	ip.dst_addr = ip.src_addr;
	memcpy(&ip.src_addr, ifc->ip4, 4);
	ip.hdr_checksum = 0;
	ip.hdr_checksum = rte_ipv4_cksum(&ip);
	memcpy(l3, &ip, sizeof(ip));
	l2_answer(frame, mac, ifc);
	return v->l3_off + (uint32_t)sizeof(ip) + icmp_len;
}

static bool ip6_bad_source(const uint8_t ip[16])
{
	return ip[0] == 0xff || nd_is_unspecified(ip);
}

static uint32_t echo6_reply(uint8_t *frame, uint32_t len, const struct net_view *v,
			    const struct net_iface *ifc)
{
	struct rte_ipv6_hdr ip;
	uint8_t mac[6];

	if (!ifc->has_ip6 || v->family != 6 || !ip_fits(len, v, sizeof(ip) + 8) ||
	    v->l4_off != v->l3_off + sizeof(ip) || memcmp(v->dst, ifc->ip6, 16) != 0 ||
	    ip6_bad_source(v->src))
		return 0;
	uint8_t *l3 = frame + v->l3_off, *l4 = frame + v->l4_off;
	memcpy(mac, frame + 6, 6);
	if (l2_bad_unicast(mac) || l4[0] != ICMP6_ECHO_REQUEST || l4[1] != 0 || nd_icmp6_cksum(l3) != 0)
		return 0;

	memcpy(&ip, l3, sizeof(ip));
	memcpy(ip.dst_addr, ip.src_addr, 16);
	memcpy(ip.src_addr, ifc->ip6, 16);
	ip.hop_limits = ECHO_TTL;
	memcpy(l3, &ip, sizeof(ip));
	l4[0] = ICMP6_ECHO_REPLY;
	memset(l4 + 2, 0, 2);
	uint16_t ck = nd_icmp6_cksum(l3);
	memcpy(l4 + 2, &ck, 2);
	l2_answer(frame, mac, ifc);
	return (uint32_t)v->l3_off + v->l3_len;
}

static uint32_t neighbour_advert(uint8_t *frame, uint32_t len, uint32_t cap,
				 const struct net_view *v, const struct net_iface *ifc)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	struct nd_info nd;
	uint8_t group[16], dst[16], mac[6];

	uint32_t answer_len = v->l3_off + ND_L3_LEN;
	if (!ifc->has_ip6 || answer_len > cap || !nd_parse(frame, len, v, &nd) ||
	    nd.type != ND_NEIGHBOR_SOLICIT || memcmp(nd.target, ifc->ip6, 16) != 0)
		return 0;
	nd_solicited_node(group, nd.target);
	if (memcmp(v->dst, ifc->ip6, 16) != 0 && memcmp(v->dst, group, 16) != 0)
		return 0;

	uint32_t flags = ND_NA_OVERRIDE;
	if (nd_is_unspecified(v->src)) {
		/* Someone's DAD for our address: tell everyone it is taken. */
		memcpy(dst, all_nodes, 16);
		l2_ip6_multicast(mac, dst);
	} else {
		flags |= ND_NA_SOLICITED;
		memcpy(dst, v->src, 16);
		memcpy(mac, nd.has_lla ? nd.lla : frame + 6, 6);
		if (l2_bad_unicast(mac))
			return 0;
	}
	l2_answer(frame, mac, ifc);
	nd_write(frame + v->l3_off, ND_NEIGHBOR_ADVERT, flags, ifc->ip6, dst, ifc->ip6,
		 ND_OPT_TARGET_LLA, ifc->mac);
	return answer_len;
}

uint32_t net_answer(uint8_t *frame, uint32_t len, uint32_t cap, const struct net_view *v,
		    const struct net_iface *ifc)
{
	if (len > cap || v->l3_off < RTE_ETHER_HDR_LEN || v->l3_off > len)
		return 0;
	switch (v->kind) {
	case NET_KIND_ARP:
		return arp_reply(frame, len, v, ifc);
	case NET_KIND_ICMP4_ECHO:
		return echo4_reply(frame, len, v, ifc);
	case NET_KIND_ICMP6_ECHO:
		return echo6_reply(frame, len, v, ifc);
	case NET_KIND_ICMP6_ND:
		return neighbour_advert(frame, len, cap, v, ifc);
	default:
		return 0;
	}
}
