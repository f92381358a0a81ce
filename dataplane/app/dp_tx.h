/*
 * dp_tx.h - how a worker sends: a SIP message written straight into a fresh
 * mbuf behind room for its headers, the headers in front, the neighbour's
 * MAC, fragmentation above the MTU (dp_fragment.c), the TX buffer. Internal
 * to dataplane/app/.
 */
#ifndef E911_DP_TX_H
#define E911_DP_TX_H

#include "dp.h"

struct dp_worker;

/* Writes a SIP message into out[0..cap): returns its length, or -ENOSPC. */
typedef int (*dp_writer)(void *ctx, char *out, uint32_t cap);

/* Ethernet header bytes of the port's frames (with its VLAN tag). */
static inline uint32_t dp_port_l2_len(const struct dp_port *p)
{
	return 14u + (p->ifc.has_vlan ? 4u : 0u);
}

/*
 * Build and send one UDP datagram: the writer writes the payload straight
 * into a 2 KB mbuf (or, when it does not fit one, into the worker's scratch
 * area), headers go in front, the neighbour's MAC in, and the frame leaves
 * (fragmented from where it was written when above the MTU, else from a
 * chain) or waits for its neighbour on main.
 * @return 0, or a negative errno (counted by the caller's outcome).
 */
int dp_send_udp(struct dp_worker *w, uint16_t port, const uint8_t src_ip[16],
		uint16_t src_port, const struct proxy_endpoint *dst, dp_writer write, void *ctx);

/* Send a frame whose Ethernet destination is filled in (fragments above the MTU). */
void dp_send_frame(struct dp_worker *w, uint16_t port, struct rte_mbuf *m);

/*
 * Send the IP datagram in frame[0 .. len) (Ethernet header, our IPv4 header
 * without options or our IPv6 header, UDP; above the MTU) as fragments of at
 * most the MTU, each one mbuf of the worker's pool. m is consumed: when frame
 * is m's single segment, m carries the first fragment; else it is freed.
 * Counted: tx_fragmented, or too_big (more than 48 fragments), alloc_failed.
 */
void dp_tx_fragment(struct dp_worker *w, uint16_t port, const uint8_t *frame, uint32_t len, struct rte_mbuf *m);

/* Queue a frame as it is (ARP/ICMP answers). */
void dp_tx_enqueue(struct dp_worker *w, uint16_t port, struct rte_mbuf *m);

/* Send everything buffered. */
void dp_tx_flush(struct dp_worker *w);

#endif /* E911_DP_TX_H */
