/*
 * dp_tx.c - sending from a worker (see dp_tx.h).
 */
#include <errno.h>

#include <rte_ethdev.h>

#include "dp_tx.h"
#include "dp_worker_internal.h"

void dp_tx_enqueue(struct dp_worker *w, uint16_t port, struct rte_mbuf *m)
{
	if (w->ntx[port] == DP_BURST)
		dp_tx_flush(w);
	w->tx[port][w->ntx[port]++] = m;
}

void dp_tx_flush(struct dp_worker *w)
{
	for (uint16_t p = 0; p < w->d->port_count; p++) {
		uint16_t n = w->ntx[p];
		if (!n)
			continue;
		uint16_t sent = rte_eth_tx_burst(w->d->ports[p].port_id, (uint16_t)w->id, w->tx[p], n);
		for (uint16_t i = 0; i < sent; i++) {
			w->c.tx_packets++;
			w->c.tx_bytes += w->tx[p][i]->pkt_len;
		}
		if (sent < n) {
			w->c.tx_full += n - sent;
			rte_pktmbuf_free_bulk(&w->tx[p][sent], n - sent);
		}
		w->ntx[p] = 0;
	}
}

void dp_send_frame(struct dp_worker *w, uint16_t port, struct rte_mbuf *m)
{
	uint32_t l3 = m->pkt_len - dp_port_l2_len(&w->d->ports[port]);
	if (l3 <= w->d->opt.mtu) {
		dp_tx_enqueue(w, port, m);
	} else if (m->nb_segs == 1) {
		dp_tx_fragment(w, port, rte_pktmbuf_mtod(m, const uint8_t *), m->pkt_len, m);
	} else {
		/* A chain main hands back (it waited for its neighbour): one copy, then fragments. */
		const uint8_t *frame = rte_pktmbuf_read(m, 0, m->pkt_len, w->out_scratch);
		dp_tx_fragment(w, port, frame, m->pkt_len, m);
	}
}

/* Append bytes to m, chaining more mbufs as needed. */
static int append_chain(struct dp_worker *w, struct rte_mbuf *m, const char *bytes, uint32_t len)
{
	struct rte_mbuf *last = m;
	while (len) {
		uint16_t room = rte_pktmbuf_tailroom(last);
		if (!room) {
			struct rte_mbuf *seg = rte_pktmbuf_alloc(w->r.pool);
			if (!seg)
				return -ENOMEM;
			last->next = seg;
			last = seg;
			m->nb_segs++;
			room = rte_pktmbuf_tailroom(seg);
		}
		uint16_t n = (uint16_t)RTE_MIN((uint32_t)room, len);
		memcpy(rte_pktmbuf_mtod_offset(last, char *, last->data_len), bytes, n);
		last->data_len = (uint16_t)(last->data_len + n);
		m->pkt_len += n;
		bytes += n;
		len -= n;
	}
	return 0;
}

int dp_send_udp(struct dp_worker *w, uint16_t port, const uint8_t src_ip[16],
		uint16_t src_port, const struct proxy_endpoint *dst, dp_writer write, void *ctx)
{
	const struct dp_port *p = &w->d->ports[port];
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->r.pool);
	if (!m) {
		w->c.alloc_failed++;
		return -ENOMEM;
	}
	uint32_t hdr = net_udp_header_len(dst->family, p->ifc.has_vlan), l2 = dp_port_l2_len(p);
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	int n = write(ctx, (char *)frame + hdr, rte_pktmbuf_tailroom(m) - hdr);
	if (n == -ENOSPC) {
		/* Larger than one mbuf (rare: ~1.9 KB): the whole frame is built aside. */
		frame = (uint8_t *)w->out_scratch;
		n = write(ctx, w->out_scratch + hdr, sizeof(w->out_scratch) - hdr);
	}
	if (n < 0) {
		rte_pktmbuf_free(m);
		w->c.too_big += n == -ENOSPC;
		return n;
	}
	uint32_t len = hdr + (uint32_t)n;
	bool in_mbuf = frame == rte_pktmbuf_mtod(m, uint8_t *), whole = len - l2 <= w->d->opt.mtu;
	/* Offloaded only for a frame that leaves as it is: fragments share one checksum. */
	bool offload = p->tx_cksum_offload && whole && in_mbuf;
	if (!net_udp_encap(frame, &p->ifc, (const uint8_t[6]){ 0 }, dst->family, src_ip, dst->addr, src_port,
			   dst->port, (uint32_t)n, w->ip_id++, offload)) {
		rte_pktmbuf_free(m);
		w->c.too_big++;
		return -EMSGSIZE;
	}
	if (offload) {
		m->l2_len = (uint64_t)l2;
		m->l3_len = dst->family == 4 ? 20 : 40;
		m->ol_flags |= dst->family == 4 ? RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM
						 : RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
	}
	if (in_mbuf) {
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
	}

	/* The neighbour: known, or main resolves it and hands the frame back. */
	uint8_t family, hop[16];
	if (!dp_next_hop(&w->d->opt, dst, &family, hop)) {
		rte_pktmbuf_free(m);
		w->c.neighbour_wait_full++;
		return -EHOSTUNREACH;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	bool known = dp_neigh_get_cached(w->d->neigh, &w->neigh, family, hop, eth->dst_addr.addr_bytes);
	if (known && !in_mbuf && !whole) {
		dp_tx_fragment(w, port, frame, len, m); /* straight from the scratch area */
		return 0;
	}
	/* From here on the frame is in m: a chain when it was built aside (a jumbo MTU's, or one
	 * that waits for its neighbour; the PMD takes multi-segment frames or fragments follow). */
	if (!in_mbuf && append_chain(w, m, (const char *)frame, len) != 0) {
		rte_pktmbuf_free(m);
		w->c.alloc_failed++;
		return -ENOMEM;
	}
	if (known) {
		dp_send_frame(w, port, m);
		return 0;
	}
	struct dp_wait_info *wait = rte_mbuf_to_priv(m);
	wait->since_tsc = rte_rdtsc();
	wait->family = family;
	memcpy(wait->ip, hop, 16);
	wait->port = port;
	if (rte_ring_sp_enqueue(w->r.waiting, m) != 0) {
		rte_pktmbuf_free(m);
		w->c.neighbour_wait_full++;
		return -ENOBUFS;
	}
	w->c.neighbour_wait++;
	return 0;
}
