/*
 * net_l2.h - Ethernet helpers the transmit side shares (private to
 * dataplane/net/). Frames may start at any address: bytes are copied,
 * never read through a pointer to DPDK's 2-aligned Ethernet structs.
 */
#ifndef E911_NET_L2_H
#define E911_NET_L2_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "e911/net_tx.h"

/* Write dst, src, ifc's tag if it has one, and type; return the header's length. */
static inline uint32_t l2_write(uint8_t *frame, const uint8_t dst[6], const struct net_iface *ifc,
				uint16_t type)
{
	uint32_t off = 12;
	rte_be16_t be;

	memcpy(frame, dst, 6);
	memcpy(frame + 6, ifc->mac, 6);
	if (ifc->has_vlan) {
		be = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		memcpy(frame + off, &be, 2);
		be = rte_cpu_to_be_16(ifc->vlan_tci);
		memcpy(frame + off + 2, &be, 2);
		off += 4;
	}
	be = rte_cpu_to_be_16(type);
	memcpy(frame + off, &be, 2);
	return off + 2;
}

/* An answer goes back from us to dst; the received tag and type stay. */
static inline void l2_answer(uint8_t *frame, const uint8_t dst[6], const struct net_iface *ifc)
{
	memmove(frame, dst, 6); /* dst may be the frame's own source address */
	memcpy(frame + 6, ifc->mac, 6);
}

/* Group (multicast or broadcast) or all-zero: never a neighbour's address. */
static inline bool l2_bad_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];
	return (mac[0] & 1) != 0 || memcmp(mac, zero, 6) == 0;
}

/* The Ethernet group address of an IPv6 multicast address (RFC 2464 §7). */
static inline void l2_ip6_multicast(uint8_t mac[6], const uint8_t ip[16])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, ip + 12, 4);
}

#endif /* E911_NET_L2_H */
