/*
 * dp_tx.c - sending from a worker (see dp_tx.h).
 */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_udp.h>

#include "dp_tx.h"
#include "dp_worker_internal.h"

#define DP_MAX_FRAGMENTS 48u

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

static uint32_t l2_len(const struct dp_port *port)
{
	return RTE_ETHER_HDR_LEN + (port->ifc.has_vlan ? 4u : 0u);
}

/* Split an IP datagram above the MTU (rte_ip_frag: indirect mbufs, no copy of the payload). */
static void send_fragments(struct dp_worker *w, uint16_t port, struct rte_mbuf *m)
{
	const struct dp_port *dp_port = &w->d->ports[port];
	uint32_t l2 = l2_len(dp_port);
	uint8_t eth[RTE_ETHER_HDR_LEN + 4];
	memcpy(eth, rte_pktmbuf_mtod(m, void *), l2);
	bool v4 = ((rte_pktmbuf_mtod_offset(m, uint8_t *, l2)[0]) >> 4) == 4;
	rte_pktmbuf_adj(m, (uint16_t)l2);
	struct rte_mbuf *frags[DP_MAX_FRAGMENTS];
	int32_t n = v4 ? rte_ipv4_fragment_packet(m, frags, DP_MAX_FRAGMENTS, w->d->opt.mtu,
						   w->r.pool, w->indirect)
		       : rte_ipv6_fragment_packet(m, frags, DP_MAX_FRAGMENTS, w->d->opt.mtu,
						   w->r.pool, w->indirect);
	rte_pktmbuf_free(m); /* the fragments hold their own references */
	if (n < 0) {
		w->c.too_big++;
		return;
	}
	w->c.tx_fragmented++;
	/* rte_ipv6_fragment_packet writes Identification 0 into every fragment: a receiver would
	 * mix up the fragments of two datagrams to it (RFC 8200 §4.5 wants one per datagram). */
	rte_be32_t id6 = rte_cpu_to_be_32((uint32_t)w->id << 24 | (w->frag6_id++ & 0xffffffu));
	for (int32_t i = 0; i < n; i++) {
		struct rte_mbuf *f = frags[i];
		if (v4) {
			struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(f, struct rte_ipv4_hdr *);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		} else {
			struct rte_ipv6_fragment_ext *fh =
				rte_pktmbuf_mtod_offset(f, struct rte_ipv6_fragment_ext *, sizeof(struct rte_ipv6_hdr));
			fh->id = id6;
		}
		uint8_t *h = (uint8_t *)rte_pktmbuf_prepend(f, (uint16_t)l2);
		if (!h) {
			rte_pktmbuf_free(f);
			w->c.alloc_failed++;
			continue;
		}
		memcpy(h, eth, l2);
		dp_tx_enqueue(w, port, f);
	}
}

void dp_send_frame(struct dp_worker *w, uint16_t port, struct rte_mbuf *m)
{
	uint32_t l3 = m->pkt_len - l2_len(&w->d->ports[port]);
	if (l3 > w->d->opt.mtu)
		send_fragments(w, port, m);
	else
		dp_tx_enqueue(w, port, m);
}

/* Copy bytes into m after `at` bytes, chaining more mbufs as needed. */
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
	uint32_t hdr = net_udp_header_len(dst->family, p->ifc.has_vlan);
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t room = rte_pktmbuf_tailroom(m);
	int n = write(ctx, (char *)frame + hdr, room - hdr);
	if (n == -ENOSPC) {
		/* Larger than one mbuf: write it aside, then into a chain (rare: a copy). */
		n = write(ctx, w->out_scratch, sizeof(w->out_scratch));
		if (n < 0 || n + hdr - (dst->family == 4 ? 20u : 40u) - l2_len(p) > 65535u - 8u) {
			rte_pktmbuf_free(m);
			w->c.too_big++;
			return -EMSGSIZE;
		}
		m->data_len = (uint16_t)hdr;
		m->pkt_len = hdr;
		if (append_chain(w, m, w->out_scratch, (uint32_t)n) != 0) {
			rte_pktmbuf_free(m);
			w->c.alloc_failed++;
			return -ENOMEM;
		}
	} else if (n < 0) {
		rte_pktmbuf_free(m);
		return n;
	} else {
		m->data_len = (uint16_t)(hdr + (uint32_t)n);
		m->pkt_len = m->data_len;
	}

	uint32_t ip_len = m->pkt_len - l2_len(p);
	bool offload = p->tx_cksum_offload && ip_len <= w->d->opt.mtu && m->nb_segs == 1;
	if (m->nb_segs > 1) {
		/* A chain: the pseudo-header sum from net_udp_encap, then header and payload. */
		net_udp_encap(frame, &p->ifc, (const uint8_t[6]){ 0 }, dst->family, src_ip, dst->addr,
			      src_port, dst->port, (uint32_t)n, w->ip_id++, true);
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(frame + hdr - sizeof(*udp));
		uint32_t sum = udp->dgram_cksum;
		udp->dgram_cksum = 0;
		sum += rte_raw_cksum(udp, sizeof(*udp)) + rte_raw_cksum(w->out_scratch, (size_t)n);
		sum = (sum >> 16) + (sum & 0xffff);
		sum = (sum >> 16) + (sum & 0xffff);
		udp->dgram_cksum = (uint16_t)~sum ? (uint16_t)~sum : 0xffff;
		offload = false;
	} else {
		net_udp_encap(frame, &p->ifc, (const uint8_t[6]){ 0 }, dst->family, src_ip, dst->addr,
			      src_port, dst->port, (uint32_t)n, w->ip_id++, offload);
	}
	if (offload) {
		m->l2_len = (uint64_t)l2_len(p);
		m->l3_len = dst->family == 4 ? 20 : 40;
		m->ol_flags |= dst->family == 4
				       ? RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM
				       : RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_UDP_CKSUM;
	}

	/* The neighbour: known, or main resolves it and hands the frame back. */
	uint8_t family, hop[16];
	if (!dp_next_hop(&w->d->opt, dst, &family, hop)) {
		rte_pktmbuf_free(m);
		w->c.neighbour_wait_full++;
		return -EHOSTUNREACH;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	if (dp_neigh_get_cached(w->d->neigh, &w->neigh, family, hop, eth->dst_addr.addr_bytes)) {
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
