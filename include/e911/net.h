/*
 * net.h - the network layer under SIP: what one received frame is
 * (Ethernet with or without one 802.1Q tag; ARP; IPv4 or IPv6; UDP, ICMP
 * echo, IPv6 neighbour discovery; a fragment to reassemble) and where its
 * UDP payload lies. The contract between the decapsulation step
 * (dataplane/net/) and the worker loop that acts on the answer.
 *
 * net_decap() reads the frame in place: no allocation, no copy, no write,
 * no EAL needed. It checks every length and the IPv4 header checksum, and
 * the UDP checksum unless the NIC already did (the caller says so).
 * Anything it does not accept comes back as a named drop reason, each
 * meant to be a counter.
 */
#ifndef E911_NET_H
#define E911_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a frame is: X(name, text). NET_KIND_DROP_* are the drop reasons. */
#define NET_KIND_LIST(X)                                                      \
	X(UDP, "UDP datagram")                                                \
	X(ARP, "ARP packet")                                                  \
	X(ICMP4_ECHO, "ICMP echo request")                                    \
	X(ICMP6_ECHO, "ICMPv6 echo request")                                  \
	X(ICMP6_ND, "ICMPv6 neighbour solicitation or advertisement")        \
	X(IPV4_FRAGMENT, "IPv4 fragment")                                     \
	X(IPV6_FRAGMENT, "IPv6 fragment")                                     \
	X(DROP_SHORT, "frame shorter than its headers")                       \
	X(DROP_ETHERTYPE, "EtherType not ARP, IPv4 or IPv6")                 \
	X(DROP_VLAN_STACKED, "more than one VLAN tag")                        \
	X(DROP_VLAN, "VLAN tag missing or not the port's")                   \
	X(DROP_IP_HEADER, "malformed IP header")                              \
	X(DROP_IP_LENGTH, "IP length beyond the frame")                       \
	X(DROP_IP_CHECKSUM, "bad IPv4 header checksum")                       \
	X(DROP_IP_PROTOCOL, "IP protocol not UDP or ICMP")                    \
	X(DROP_IP_OPTIONS, "IPv6 extension header not handled")               \
	X(DROP_UDP_LENGTH, "bad UDP length")                                  \
	X(DROP_UDP_CHECKSUM, "bad UDP checksum")                              \
	X(DROP_ICMP_OTHER, "ICMP message not handled")

enum net_kind {
#define NET_KIND_ENUM(name, text) NET_KIND_##name,
	NET_KIND_LIST(NET_KIND_ENUM)
#undef NET_KIND_ENUM
	NET_KIND_COUNT
};

/** First drop reason: kind >= NET_KIND_FIRST_DROP means "drop and count". */
#define NET_KIND_FIRST_DROP NET_KIND_DROP_SHORT

const char *net_kind_text(enum net_kind kind);
/** Symbolic name without the prefix ("DROP_UDP_CHECKSUM"), for counters. */
const char *net_kind_name(enum net_kind kind);

/* Where the pieces of one frame are (offsets from the frame's start). */
struct net_view {
	uint8_t kind;       /* enum net_kind */
	uint8_t family;     /* 4 or 6 for IP kinds, 0 otherwise */
	uint8_t has_vlan;
	uint16_t vlan_tci;  /* host order */
	uint16_t l3_off;    /* ARP, IPv4 or IPv6 header */
	uint16_t l3_len;    /* IP: the datagram's length from its header (padding excluded) */
	uint16_t l4_off;    /* UDP or ICMP header; fragment: the fragment's payload */
	uint16_t payload_off; /* UDP payload */
	uint16_t payload_len;
	uint16_t src_port;  /* UDP, host order */
	uint16_t dst_port;
	uint8_t src[16];    /* IP addresses, network order; IPv4 in the first 4 bytes */
	uint8_t dst[16];
};

/**
 * Classify one received Ethernet frame and locate its parts.
 * @param frame, len     the frame (not modified)
 * @param l4_cksum_good  the NIC verified the UDP checksum (RTE_MBUF_F_RX_L4_CKSUM_GOOD):
 *                       skip the software check
 * @return the kind (also in v->kind): a NET_KIND_DROP_* reason, or what to
 *         do with it; v is filled as far as the frame was read.
 */
enum net_kind net_decap(const uint8_t *frame, uint32_t len, bool l4_cksum_good, struct net_view *v);

/**
 * 802.1Q on a port: a port with a VLAN takes only frames tagged with its
 * VLAN ID (the priority bits do not matter); a port without one takes
 * untagged and priority-tagged (VLAN ID 0) frames. Frames net_decap()
 * already dropped keep their reason.
 * @param v        a view net_decap() filled
 * @param vlan_id  the port's VLAN ID (1-4094), or 0 for an untagged port
 * @return v->kind, or NET_KIND_DROP_VLAN (then also in v->kind).
 */
enum net_kind net_vlan_filter(struct net_view *v, uint16_t vlan_id);

/**
 * The Internet checksum's running sum (RFC 1071) of `len` bytes added to
 * `sum`: the one's-complement sum of the native-order 16-bit words (an odd
 * last byte as DPDK's rte_raw_cksum takes it), folded to 16 bits (0..0xffff).
 * Equal to rte_raw_cksum(buf, len) for sum 0, and several times cheaper per
 * byte on DPDK 22.11 (16 or, where the CPU has AVX2, 32 bytes a step instead
 * of 2). The checksum field is the complement of the folded total.
 */
uint32_t net_cksum_add(const void *buf, size_t len, uint32_t sum);

#endif /* E911_NET_H */
