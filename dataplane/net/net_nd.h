/*
 * net_nd.h - IPv6 neighbour discovery (RFC 4861) for the transmit side,
 * private to dataplane/net/: checking a received solicitation or
 * advertisement, and writing one. DPDK 22.11 has no ND structs, so the
 * small ones are here, packed (frames may start at any address).
 */
#ifndef E911_NET_ND_H
#define E911_NET_ND_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "e911/net.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LLA 1
#define ND_OPT_TARGET_LLA 2
#define ND_HOP_LIMIT 255 /* proves the sender is on-link (RFC 4861 §7.1) */

/* NA flags, host order (RFC 4861 §4.4). */
#define ND_NA_ROUTER 0x80000000u
#define ND_NA_SOLICITED 0x40000000u
#define ND_NA_OVERRIDE 0x20000000u

/* NS and NA share this layout; options follow. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t flags;  /* NA flags; reserved in an NS */
	uint8_t target[16];
} __rte_packed;

/* A link-layer address option for Ethernet (length 1: 8 bytes). */
struct nd_opt_lla {
	uint8_t type;
	uint8_t len;       /* in units of 8 bytes */
	uint8_t mac[6];
} __rte_packed;

/* What a valid NS or NA says. */
struct nd_info {
	uint8_t type;            /* ND_NEIGHBOR_SOLICIT or ND_NEIGHBOR_ADVERT */
	uint32_t flags;          /* host order */
	uint8_t target[16];
	bool has_lla;            /* source (NS) or target (NA) link-layer option */
	uint8_t lla[6];
};

/* Bytes of the IPv6 header plus an NS or NA with one link-layer option. */
#define ND_L3_LEN (40u + (uint32_t)sizeof(struct nd_msg) + (uint32_t)sizeof(struct nd_opt_lla))

/*
 * Check a frame net_decap classified as NET_KIND_ICMP6_ND against RFC 4861
 * §7.1.1/§7.1.2 and read it into *nd. Reads only frame[0 .. len).
 */
bool nd_parse(const uint8_t *frame, uint32_t len, const struct net_view *v, struct nd_info *nd);

/*
 * Write an IPv6 header and an NS or NA (flags host order) with one
 * link-layer option of opt_type carrying mac at l3; checksum included.
 * Returns ND_L3_LEN.
 */
uint32_t nd_write(uint8_t *l3, uint8_t type, uint32_t flags, const uint8_t src[16],
		  const uint8_t dst[16], const uint8_t target[16], uint8_t opt_type,
		  const uint8_t mac[6]);

/* ff02::1:ffXX:XXXX, the solicited-node multicast address of target. */
void nd_solicited_node(uint8_t out[16], const uint8_t target[16]);

/* The unspecified address ::. */
bool nd_is_unspecified(const uint8_t ip[16]);

/* Checksum of the ICMPv6 message after the IPv6 header at l3, including its
 * checksum field: 0 when it is right. */
uint16_t nd_icmp6_cksum(const uint8_t *l3);

#endif /* E911_NET_ND_H */
