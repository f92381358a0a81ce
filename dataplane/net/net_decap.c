/*
 * net_decap.c - what a received frame is and where its UDP payload lies
 * (see e911/net.h). Ethernet (one 802.1Q tag at most), ARP, IPv4 (header
 * checksum checked, options skipped), IPv6 (UDP, ICMPv6 and the fragment
 * header directly after the fixed header; other extension headers are
 * dropped and counted), UDP (lengths, checksum unless the NIC checked it),
 * ICMP echo and neighbour discovery. ICMP checksums are left to the
 * responder, which reads the whole message anyway. DPDK's header structs and
 * inline checksum helpers only: no EAL, no mbuf.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "e911/net.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_NEIGHBOR_SOLICIT 135
#define ICMP6_NEIGHBOR_ADVERT 136

static const char *const kind_text[NET_KIND_COUNT] = {
#define NET_KIND_TEXT(name, text) text,
	NET_KIND_LIST(NET_KIND_TEXT)
#undef NET_KIND_TEXT
};

static const char *const kind_name[NET_KIND_COUNT] = {
#define NET_KIND_NAME(name, text) #name,
	NET_KIND_LIST(NET_KIND_NAME)
#undef NET_KIND_NAME
};

const char *net_kind_text(enum net_kind kind)
{
	return (unsigned)kind < NET_KIND_COUNT ? kind_text[kind] : "unknown";
}

const char *net_kind_name(enum net_kind kind)
{
	return (unsigned)kind < NET_KIND_COUNT ? kind_name[kind] : "UNKNOWN";
}

static enum net_kind set(struct net_view *v, enum net_kind kind)
{
	v->kind = (uint8_t)kind;
	return kind;
}

/* The UDP header at l4 of an IP datagram whose payload is ip_payload bytes long. */
static enum net_kind udp(const uint8_t *frame, uint32_t l4, uint32_t ip_payload, struct net_view *v)
{
	struct rte_udp_hdr h;

	if (ip_payload < sizeof(h))
		return set(v, NET_KIND_DROP_UDP_LENGTH);
	memcpy(&h, frame + l4, sizeof(h));
	uint16_t len = rte_be_to_cpu_16(h.dgram_len);
	if (len < sizeof(h) || len > ip_payload)
		return set(v, NET_KIND_DROP_UDP_LENGTH);
	v->l4_off = (uint16_t)l4;
	v->src_port = rte_be_to_cpu_16(h.src_port);
	v->dst_port = rte_be_to_cpu_16(h.dst_port);
	v->payload_off = (uint16_t)(l4 + sizeof(h));
	v->payload_len = (uint16_t)(len - sizeof(h));
	return set(v, NET_KIND_UDP);
}

static enum net_kind ipv4(const uint8_t *frame, uint32_t len, bool l4_cksum_good, struct net_view *v)
{
	const uint32_t l3 = v->l3_off;
	struct rte_ipv4_hdr ip;

	if (len - l3 < sizeof(ip))
		return set(v, NET_KIND_DROP_SHORT);
	memcpy(&ip, frame + l3, sizeof(ip));
	uint32_t ihl = (uint32_t)(ip.version_ihl & 0x0f) * 4;
	uint32_t total = rte_be_to_cpu_16(ip.total_length);
	if ((ip.version_ihl >> 4) != 4 || ihl < sizeof(ip))
		return set(v, NET_KIND_DROP_IP_HEADER);
	if (ihl > len - l3 || total < ihl || total > len - l3)
		return set(v, NET_KIND_DROP_IP_LENGTH);
	/* The header (options too) must sum to zero with its checksum in it. */
	if (rte_raw_cksum(frame + l3, ihl) != 0xffff)
		return set(v, NET_KIND_DROP_IP_CHECKSUM);
	v->family = 4;
	v->l3_len = (uint16_t)total;
	memcpy(v->src, &ip.src_addr, 4);
	memcpy(v->dst, &ip.dst_addr, 4);
	uint32_t l4 = l3 + ihl, payload = total - ihl;
	v->l4_off = (uint16_t)l4;
	if (rte_be_to_cpu_16(ip.fragment_offset) & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return set(v, NET_KIND_IPV4_FRAGMENT);

	if (ip.next_proto_id == IPPROTO_UDP) {
		enum net_kind k = udp(frame, l4, payload, v);
		const struct rte_udp_hdr *uh = (const void *)(frame + l4);
		/* A zero UDP checksum over IPv4 means "none" (RFC 768). */
		if (k == NET_KIND_UDP && !l4_cksum_good && uh->dgram_cksum != 0 &&
		    net_cksum_add(uh, payload, rte_ipv4_phdr_cksum((const void *)(frame + l3), 0)) != 0xffff)
			return set(v, NET_KIND_DROP_UDP_CHECKSUM);
		return k;
	}
	if (ip.next_proto_id == IPPROTO_ICMP) {
		if (payload < sizeof(struct rte_icmp_hdr))
			return set(v, NET_KIND_DROP_SHORT);
		return set(v, frame[l4] == RTE_IP_ICMP_ECHO_REQUEST ? NET_KIND_ICMP4_ECHO
								     : NET_KIND_DROP_ICMP_OTHER);
	}
	return set(v, NET_KIND_DROP_IP_PROTOCOL);
}

static enum net_kind ipv6(const uint8_t *frame, uint32_t len, bool l4_cksum_good, struct net_view *v)
{
	const uint32_t l3 = v->l3_off;
	struct rte_ipv6_hdr ip;

	if (len - l3 < sizeof(ip))
		return set(v, NET_KIND_DROP_SHORT);
	memcpy(&ip, frame + l3, sizeof(ip));
	uint32_t payload = rte_be_to_cpu_16(ip.payload_len);
	if ((rte_be_to_cpu_32(ip.vtc_flow) >> 28) != 6)
		return set(v, NET_KIND_DROP_IP_HEADER);
	if (payload > len - l3 - sizeof(ip))
		return set(v, NET_KIND_DROP_IP_LENGTH);
	v->family = 6;
	v->l3_len = (uint16_t)(sizeof(ip) + payload);
	memcpy(v->src, ip.src_addr, 16);
	memcpy(v->dst, ip.dst_addr, 16);
	uint32_t l4 = l3 + sizeof(ip);
	v->l4_off = (uint16_t)l4;

	switch (ip.proto) {
	case IPPROTO_UDP: {
		enum net_kind k = udp(frame, l4, payload, v);
		/* The UDP checksum is mandatory over IPv6 (RFC 8200 §8.1). */
		if (k == NET_KIND_UDP && !l4_cksum_good &&
		    net_cksum_add(frame + l4, payload, rte_ipv6_phdr_cksum((const void *)(frame + l3), 0)) != 0xffff)
			return set(v, NET_KIND_DROP_UDP_CHECKSUM);
		return k;
	}
	case IPPROTO_FRAGMENT:
		return set(v, NET_KIND_IPV6_FRAGMENT);
	case IPPROTO_ICMPV6:
		if (payload < 4)
			return set(v, NET_KIND_DROP_SHORT);
		if (frame[l4] == ICMP6_ECHO_REQUEST)
			return set(v, NET_KIND_ICMP6_ECHO);
		if (frame[l4] == ICMP6_NEIGHBOR_SOLICIT || frame[l4] == ICMP6_NEIGHBOR_ADVERT)
			return set(v, NET_KIND_ICMP6_ND);
		return set(v, NET_KIND_DROP_ICMP_OTHER);
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_DSTOPTS:
		return set(v, NET_KIND_DROP_IP_OPTIONS);
	default:
		return set(v, NET_KIND_DROP_IP_PROTOCOL);
	}
}

enum net_kind net_decap(const uint8_t *frame, uint32_t len, bool l4_cksum_good, struct net_view *v)
{
	uint16_t type;

	memset(v, 0, sizeof(*v));
	if (len < sizeof(struct rte_ether_hdr))
		return set(v, NET_KIND_DROP_SHORT);
	memcpy(&type, frame + 12, 2);
	type = rte_be_to_cpu_16(type);
	v->l3_off = sizeof(struct rte_ether_hdr);
	if (type == RTE_ETHER_TYPE_VLAN) {
		if (len < sizeof(struct rte_ether_hdr) + sizeof(struct rte_vlan_hdr))
			return set(v, NET_KIND_DROP_SHORT);
		uint16_t tci;
		memcpy(&tci, frame + 14, 2);
		memcpy(&type, frame + 16, 2);
		v->has_vlan = 1;
		v->vlan_tci = rte_be_to_cpu_16(tci);
		type = rte_be_to_cpu_16(type);
		v->l3_off += sizeof(struct rte_vlan_hdr);
	}
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		return ipv4(frame, len, l4_cksum_good, v);
	case RTE_ETHER_TYPE_IPV6:
		return ipv6(frame, len, l4_cksum_good, v);
	case RTE_ETHER_TYPE_ARP:
		return set(v, len - v->l3_off < sizeof(struct rte_arp_hdr) ? NET_KIND_DROP_SHORT : NET_KIND_ARP);
	case RTE_ETHER_TYPE_VLAN:
	case RTE_ETHER_TYPE_QINQ:
		return set(v, NET_KIND_DROP_VLAN_STACKED);
	default:
		return set(v, NET_KIND_DROP_ETHERTYPE);
	}
}

enum net_kind net_vlan_filter(struct net_view *v, uint16_t vlan_id)
{
	if (v->kind >= NET_KIND_FIRST_DROP)
		return (enum net_kind)v->kind;
	uint16_t vid = v->has_vlan ? (uint16_t)(v->vlan_tci & 0x0fff) : 0;
	if (vid != vlan_id)
		return set(v, NET_KIND_DROP_VLAN);
	return (enum net_kind)v->kind;
}
