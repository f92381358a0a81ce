/*
 * net_request.c - asking who has a next hop's address: an ARP request
 * (broadcast) or a neighbour solicitation to the target's solicited-node
 * group with our source link-layer option (see e911/net_tx.h).
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>

#include "e911/net_tx.h"
#include "net_l2.h"
#include "net_nd.h"

uint32_t net_arp_request(uint8_t *frame, const struct net_iface *ifc, const uint8_t target[4])
{
	static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct rte_arp_hdr a;

	if (!ifc->has_ip4)
		return 0;
	uint32_t l3 = l2_write(frame, broadcast, ifc, RTE_ETHER_TYPE_ARP);
	memset(&a, 0, sizeof(a));
	a.arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a.arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a.arp_hlen = RTE_ETHER_ADDR_LEN;
	a.arp_plen = 4;
	a.arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	memcpy(a.arp_data.arp_sha.addr_bytes, ifc->mac, 6);
	memcpy(&a.arp_data.arp_sip, ifc->ip4, 4);
	memcpy(&a.arp_data.arp_tip, target, 4);
	memcpy(frame + l3, &a, sizeof(a));
	return l3 + (uint32_t)sizeof(a);
}

uint32_t net_ns_request(uint8_t *frame, const struct net_iface *ifc, const uint8_t target[16])
{
	uint8_t group[16], mac[6];

	if (!ifc->has_ip6)
		return 0;
	nd_solicited_node(group, target);
	l2_ip6_multicast(mac, group);
	uint32_t l3 = l2_write(frame, mac, ifc, RTE_ETHER_TYPE_IPV6);
	return l3 + nd_write(frame + l3, ND_NEIGHBOR_SOLICIT, 0, ifc->ip6, group, target,
			     ND_OPT_SOURCE_LLA, ifc->mac);
}
