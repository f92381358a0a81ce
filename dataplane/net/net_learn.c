/*
 * net_learn.c - what a received frame teaches about a neighbour's
 * link-layer address: the sender of ARP, the target of an NA, the source of
 * an NS (see e911/net_tx.h). Only what a host may believe: no group or
 * zero MAC, no ARP probe, no ND message that fails RFC 4861 §7.1.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_ether.h>

#include "e911/net_tx.h"
#include "net_l2.h"
#include "net_nd.h"

static void found(uint8_t fam, const uint8_t *addr, uint32_t addr_len, const uint8_t lla[6],
		  uint8_t *family, uint8_t ip[16], uint8_t mac[6])
{
	*family = fam;
	memset(ip, 0, 16);
	memcpy(ip, addr, addr_len);
	memcpy(mac, lla, 6);
}

static bool learn_arp(const uint8_t *frame, uint32_t len, const struct net_view *v,
		      uint8_t *family, uint8_t ip[16], uint8_t mac[6])
{
	static const uint8_t zero[4];
	struct rte_arp_hdr a;

	if ((uint32_t)v->l3_off + sizeof(a) > len)
		return false;
	memcpy(&a, frame + v->l3_off, sizeof(a));
	uint16_t op = rte_be_to_cpu_16(a.arp_opcode);
	if (a.arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a.arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    a.arp_hlen != RTE_ETHER_ADDR_LEN || a.arp_plen != 4 ||
	    (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY) ||
	    memcmp(&a.arp_data.arp_sip, zero, 4) == 0 ||
	    l2_bad_unicast(a.arp_data.arp_sha.addr_bytes))
		return false;
	found(4, (const uint8_t *)&a.arp_data.arp_sip, 4, a.arp_data.arp_sha.addr_bytes, family, ip, mac);
	return true;
}

static bool learn_nd(const uint8_t *frame, uint32_t len, const struct net_view *v,
		     uint8_t *family, uint8_t ip[16], uint8_t mac[6])
{
	struct nd_info nd;

	if (!nd_parse(frame, len, v, &nd) || !nd.has_lla || l2_bad_unicast(nd.lla))
		return false;
	/* An NA speaks for its target; an NS (never from :: here) for its source. */
	if (nd.type == ND_NEIGHBOR_ADVERT)
		found(6, nd.target, 16, nd.lla, family, ip, mac);
	else
		found(6, v->src, 16, nd.lla, family, ip, mac);
	return true;
}

bool net_neighbour_learn(const uint8_t *frame, uint32_t len, const struct net_view *v,
			 uint8_t *family, uint8_t ip[16], uint8_t mac[6])
{
	if (v->l3_off > len)
		return false;
	if (v->kind == NET_KIND_ARP)
		return learn_arp(frame, len, v, family, ip, mac);
	if (v->kind == NET_KIND_ICMP6_ND)
		return learn_nd(frame, len, v, family, ip, mac);
	return false;
}
