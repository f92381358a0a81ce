/*
 * net_encap.c - Ethernet(+VLAN) + IPv4/IPv6 + UDP headers in front of an
 * outgoing payload (see e911/net_tx.h). Headers are built in locals and
 * copied: the frame may start at any address.
 */
#include <stddef.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "e911/net_tx.h"
#include "net_l2.h"

#define UDP_TTL 64

uint32_t net_udp_header_len(uint8_t family, bool vlan)
{
	uint32_t l2 = RTE_ETHER_HDR_LEN + (vlan ? (uint32_t)sizeof(struct rte_vlan_hdr) : 0);
	if (family == 4)
		return l2 + (uint32_t)(sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr));
	if (family == 6)
		return l2 + (uint32_t)(sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_udp_hdr));
	return 0;
}

/* The UDP checksum field: full checksum over header and payload, or the
 * pseudo-header's for the NIC to finish. l3 is a local copy of the header. */
static uint16_t udp_full(uint32_t phdr, const uint8_t *l4, uint16_t udp_len)
{
	/* As rte_ipv4/6_udptcp_cksum, with the faster running sum (e911/net.h). */
	uint16_t ck = (uint16_t)~net_cksum_add(l4, udp_len, phdr);
	return ck ? ck : 0xffff;
}

static uint16_t udp_cksum4(const struct rte_ipv4_hdr *l3, const uint8_t *l4, uint16_t udp_len, bool offload)
{
	return offload ? rte_ipv4_phdr_cksum(l3, 0) : udp_full(rte_ipv4_phdr_cksum(l3, 0), l4, udp_len);
}

static uint16_t udp_cksum6(const struct rte_ipv6_hdr *l3, const uint8_t *l4, uint16_t udp_len, bool offload)
{
	return offload ? rte_ipv6_phdr_cksum(l3, 0) : udp_full(rte_ipv6_phdr_cksum(l3, 0), l4, udp_len);
}

uint32_t net_udp_encap(uint8_t *frame, const struct net_iface *ifc, const uint8_t dst_mac[6],
		       uint8_t family, const uint8_t src_ip[16], const uint8_t dst_ip[16],
		       uint16_t src_port, uint16_t dst_port, uint32_t payload_len,
		       uint16_t ip_id, bool cksum_offload)
{
	uint32_t hlen = net_udp_header_len(family, ifc->has_vlan);
	uint32_t ip_hlen = family == 4 ? sizeof(struct rte_ipv4_hdr) : 0;
	struct rte_udp_hdr u;

	/* Both IP length fields are 16 bits wide. */
	if (hlen == 0 || payload_len > UINT16_MAX - ip_hlen - sizeof(u))
		return 0;
	uint32_t l3 = l2_write(frame, dst_mac, ifc, family == 4 ? RTE_ETHER_TYPE_IPV4 : RTE_ETHER_TYPE_IPV6);
	uint16_t udp_len = (uint16_t)(sizeof(u) + payload_len);
	uint32_t l4 = hlen - (uint32_t)sizeof(u);
	uint16_t ck;

	u.src_port = rte_cpu_to_be_16(src_port);
	u.dst_port = rte_cpu_to_be_16(dst_port);
	u.dgram_len = rte_cpu_to_be_16(udp_len);
	u.dgram_cksum = 0;
	memcpy(frame + l4, &u, sizeof(u));

	if (family == 4) {
		struct rte_ipv4_hdr ip;
		memset(&ip, 0, sizeof(ip));
		ip.version_ihl = RTE_IPV4_VHL_DEF;
		ip.total_length = rte_cpu_to_be_16((uint16_t)(sizeof(ip) + udp_len));
		ip.packet_id = rte_cpu_to_be_16(ip_id);
		ip.time_to_live = UDP_TTL;
		ip.next_proto_id = IPPROTO_UDP;
		memcpy(&ip.src_addr, src_ip, 4);
		memcpy(&ip.dst_addr, dst_ip, 4);
		ip.hdr_checksum = rte_ipv4_cksum(&ip);
		memcpy(frame + l3, &ip, sizeof(ip));
		ck = udp_cksum4(&ip, frame + l4, udp_len, cksum_offload);
	} else {
		struct rte_ipv6_hdr ip;
		memset(&ip, 0, sizeof(ip));
		ip.vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip.payload_len = rte_cpu_to_be_16(udp_len);
		ip.proto = IPPROTO_UDP;
		ip.hop_limits = UDP_TTL;
		memcpy(ip.src_addr, src_ip, 16);
		memcpy(ip.dst_addr, dst_ip, 16);
		memcpy(frame + l3, &ip, sizeof(ip));
		ck = udp_cksum6(&ip, frame + l4, udp_len, cksum_offload);
	}
	memcpy(frame + l4 + offsetof(struct rte_udp_hdr, dgram_cksum), &ck, sizeof(ck));
	return hlen + payload_len;
}
