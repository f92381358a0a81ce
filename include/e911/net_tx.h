/*
 * net_tx.h - the transmit side of the network layer: writing the headers in
 * front of an outgoing UDP payload, answering ARP, ICMP echo and neighbour
 * solicitations in place, asking for a next hop's link-layer address, and
 * learning one from what arrives. The contract between dataplane/net/ and
 * the worker loop.
 *
 * Every function works on a byte buffer that may start at any address: no
 * EAL, no mbuf, no allocation, no system call. "Network order" means the
 * bytes as they are on the wire. Addresses of either family travel in a
 * uint8_t[16] with an IPv4 address in its first 4 bytes.
 *
 * Frames are written without Ethernet padding: a frame shorter than 60
 * bytes (an ARP packet) is padded by the NIC, as DPDK's PMDs do.
 */
#ifndef E911_NET_TX_H
#define E911_NET_TX_H

#include <stdbool.h>
#include <stdint.h>

#include "e911/net.h"

/* Our identity on one port. */
struct net_iface {
	uint8_t mac[6];
	uint8_t has_vlan;      /* frames we send carry one 802.1Q tag with vlan_tci */
	uint16_t vlan_tci;     /* host order */
	uint8_t has_ip4;
	uint8_t ip4[4];        /* network order */
	uint8_t has_ip6;
	uint8_t ip6[16];
};

/** Bytes a request of net_arp_request / net_ns_request needs at most. */
#define NET_REQUEST_MAX 128

/**
 * Length of Ethernet (+4 with VLAN) + IPv4 (20) or IPv6 (40) + UDP (8)
 * headers: 42, 46, 62 or 66.
 * @param family  4 or 6; anything else gives 0
 */
uint32_t net_udp_header_len(uint8_t family /* 4 or 6 */, bool vlan);

/**
 * Write Ethernet(+VLAN) + IP + UDP headers at frame[0 .. header_len) in
 * front of a payload that is already at frame + header_len (payload_len
 * bytes), header_len = net_udp_header_len(family, ifc->has_vlan).
 *
 * Ethernet: from ifc->mac to dst_mac, tagged with ifc->vlan_tci when
 * ifc->has_vlan. IPv4: TOS 0, DF clear, TTL 64, the given IP id, header
 * checksum always computed here (if the caller also asks the NIC for
 * RTE_MBUF_F_TX_IP_CKSUM, the PMD's own rules apply). IPv6: traffic class
 * and flow label 0, hop limit 64 (ip_id unused).
 *
 * UDP checksum: computed in software over the payload (0 is sent as
 * 0xffff, RFC 768), unless cksum_offload: then the pseudo-header checksum
 * is written, as DPDK's TX offload expects (rte_ipv4_phdr_cksum /
 * rte_ipv6_phdr_cksum with ol_flags 0), and the caller sets the mbuf's
 * RTE_MBUF_F_TX_IPV4 or _IPV6, RTE_MBUF_F_TX_UDP_CKSUM, l2_len and l3_len.
 *
 * @param frame        header_len + payload_len writable bytes
 * @param src_ip, dst_ip  network order, IPv4 in the first 4 bytes
 * @param src_port, dst_port  host order
 * @return the frame's length (header_len + payload_len); 0 when family is
 *         neither 4 nor 6 or the payload does not fit the IP length field
 *         (IPv4: 65507 bytes at most, IPv6: 65527); then nothing is written.
 */
uint32_t net_udp_encap(uint8_t *frame, const struct net_iface *ifc, const uint8_t dst_mac[6],
		       uint8_t family, const uint8_t src_ip[16], const uint8_t dst_ip[16],
		       uint16_t src_port, uint16_t dst_port, uint32_t payload_len,
		       uint16_t ip_id, bool cksum_offload);

/**
 * Responders: turn a received frame (already classified by net_decap into
 * *v) into its answer, in place, and return the answer's length.
 *   - ARP request for ifc->ip4 (Ethernet/IPv4 ARP) -> ARP reply from
 *     ifc->mac to the requester's sender address;
 *   - ICMPv4 echo request to ifc->ip4 with a good ICMP checksum -> echo
 *     reply (IP options dropped, TTL 64, both checksums recomputed);
 *   - ICMPv6 echo request to ifc->ip6 with a good checksum -> echo reply
 *     (hop limit 64);
 *   - ICMPv6 neighbour solicitation valid per RFC 4861 §7.1.1 (hop limit
 *     255, code 0, good checksum, well-formed options) for target ifc->ip6,
 *     sent to ifc->ip6 or to its solicited-node multicast address ->
 *     neighbour advertisement from ifc->ip6 with the target link-layer
 *     address option (ifc->mac) and the O flag; S set and sent to the
 *     solicitation's source (link-layer: its source link-layer option, else
 *     the frame's Ethernet source), except for a DAD solicitation from ::,
 *     answered with S clear to ff02::1 (RFC 4861 §7.2.4).
 * Requests from a multicast or unspecified source get no echo reply.
 * The answer keeps the received VLAN tag (or none) and is sent from
 * ifc->mac; Ethernet padding of the request is not part of it.
 *
 * @param frame, len  the received frame; cap = the buffer's capacity
 *                    (cap >= len; the NA, 72 bytes after the Ethernet
 *                    header, may be longer than an NS without options)
 * @return the answer's length (<= cap), or 0: nothing to answer, the frame
 *         is left as it was.
 */
uint32_t net_answer(uint8_t *frame, uint32_t len, uint32_t cap, const struct net_view *v,
		    const struct net_iface *ifc);

/**
 * Requests to resolve a next hop: an ARP request (broadcast, from ifc->ip4)
 * or a neighbour solicitation (from ifc->ip6 to the target's solicited-node
 * multicast address, hop limit 255, with our source link-layer option),
 * tagged when ifc->has_vlan.
 * @param frame   at least NET_REQUEST_MAX (128) writable bytes
 * @param target  network order
 * @return the frame's length (42/46 for ARP, 86/90 for the NS); 0 when ifc
 *         has no address of that family.
 */
uint32_t net_arp_request(uint8_t *frame, const struct net_iface *ifc, const uint8_t target[4]);
uint32_t net_ns_request(uint8_t *frame, const struct net_iface *ifc, const uint8_t target[16]);

/**
 * What a frame teaches about a neighbour: the sender of an ARP request or
 * reply (its sender IP and MAC; not an ARP probe from 0.0.0.0), the target
 * of a neighbour advertisement (with its target link-layer option) or the
 * source of a neighbour solicitation (with a source link-layer option). ND
 * messages must be valid per RFC 4861 §7.1 (hop limit 255, code 0, good
 * checksum, well-formed options). A multicast or zero MAC is never learnt.
 * @param frame, len  the frame net_decap classified into *v (not modified)
 * @return true with family (4/6), ip (network order, IPv4 in the first 4
 *         bytes, rest zero) and mac filled; false (outputs untouched) for
 *         anything else.
 */
bool net_neighbour_learn(const uint8_t *frame, uint32_t len, const struct net_view *v,
			 uint8_t *family, uint8_t ip[16], uint8_t mac[6]);

#endif /* E911_NET_TX_H */
