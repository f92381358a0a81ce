/*
 * dp_fragment.c - an IP datagram we built, above the MTU, sent as fragments
 * (see dp_tx.h). Each fragment is one plain mbuf: the Ethernet header, a
 * copy of the IP header with its length and offset (IPv6: and a fragment
 * header) and its slice of the payload, copied. The first fragment stays
 * where the datagram was written when that is an mbuf: only its headers
 * change. Copying about 1.5 KB that the emit step has just written is
 * cheaper than rte_ip_frag's way (a header mbuf plus an indirect mbuf per
 * fragment, reference counts taken and dropped atomically, two-segment frames
 * for the PMD) and needs no pool of indirect mbufs.
 *
 * Only our own datagrams come here (dp_send_udp, or one main hands back):
 * an IPv4 header without options, DF clear, or an IPv6 header followed by
 * the UDP header, the UDP checksum already computed over the whole payload.
 */
#include <rte_ip.h>

#include "dp_tx.h"
#include "dp_worker_internal.h"

#define DP_MAX_FRAGMENTS 48u

/* The IP header(s) of a fragment at out + l2, from the datagram's at ip_in (may be the same bytes). */
static uint32_t fragment_headers(uint8_t *out, const uint8_t *ip_in, uint32_t l2, bool v4, uint32_t off,
				 uint32_t size, bool more, rte_be32_t id6)
{
	if (v4) {
		struct rte_ipv4_hdr ip;
		memcpy(&ip, ip_in, sizeof(ip));
		ip.total_length = rte_cpu_to_be_16((uint16_t)(sizeof(ip) + size));
		ip.fragment_offset = rte_cpu_to_be_16((uint16_t)(off >> 3 | (more ? RTE_IPV4_HDR_MF_FLAG : 0)));
		ip.hdr_checksum = 0;
		ip.hdr_checksum = rte_ipv4_cksum(&ip);
		memcpy(out + l2, &ip, sizeof(ip));
		return l2 + (uint32_t)sizeof(ip);
	}
	struct rte_ipv6_hdr ip;
	memcpy(&ip, ip_in, sizeof(ip));
	struct rte_ipv6_fragment_ext fh = {
		.next_header = ip.proto,
		.frag_data = rte_cpu_to_be_16((uint16_t)(off | (more ? 1u : 0u))), /* offset in 8-byte units << 3, M */
		.id = id6,
	};
	ip.proto = IPPROTO_FRAGMENT;
	ip.payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(fh) + size));
	memcpy(out + l2, &ip, sizeof(ip));
	memcpy(out + l2 + sizeof(ip), &fh, sizeof(fh));
	return l2 + (uint32_t)(sizeof(ip) + sizeof(fh));
}

void dp_tx_fragment(struct dp_worker *w, uint16_t port, const uint8_t *frame, uint32_t len, struct rte_mbuf *m)
{
	uint32_t l2 = dp_port_l2_len(&w->d->ports[port]);
	bool v4 = frame[l2] >> 4 == 4;
	uint32_t iph = v4 ? (uint32_t)sizeof(struct rte_ipv4_hdr) : (uint32_t)sizeof(struct rte_ipv6_hdr);
	uint32_t mtu = w->d->opt.mtu;
	/* Every fragment but the last carries a multiple of 8 bytes (RFC 791, RFC 8200 §4.5). */
	uint32_t piece = (mtu - iph - (v4 ? 0u : (uint32_t)sizeof(struct rte_ipv6_fragment_ext))) & ~7u;
	uint32_t payload = len - l2 - iph, count = (payload + piece - 1) / piece;
	const uint8_t *data = frame + l2 + iph;
	bool in_place = m && m->nb_segs == 1 && rte_pktmbuf_mtod(m, const uint8_t *) == frame &&
			(v4 || rte_pktmbuf_headroom(m) >= sizeof(struct rte_ipv6_fragment_ext));
	struct rte_mbuf *frags[DP_MAX_FRAGMENTS];
	if (count > DP_MAX_FRAGMENTS) {
		w->c.too_big++;
		rte_pktmbuf_free(m);
		return;
	}
	uint32_t first_new = in_place ? 1 : 0;
	if (rte_pktmbuf_alloc_bulk(w->r.pool, frags + first_new, count - first_new) != 0) {
		w->c.alloc_failed++; /* all or nothing: a datagram missing a fragment is lost anyway */
		rte_pktmbuf_free(m);
		return;
	}
	/* RFC 8200 §4.5: one Identification per datagram, so that a receiver never mixes two up. */
	rte_be32_t id6 = rte_cpu_to_be_32((uint32_t)w->id << 24 | (w->frag6_id++ & 0xffffffu));
	for (uint32_t i = first_new; i < count; i++) {
		uint32_t off = i * piece, size = RTE_MIN(piece, payload - off);
		uint8_t *out = rte_pktmbuf_mtod(frags[i], uint8_t *);
		memcpy(out, frame, l2);
		uint32_t h = fragment_headers(out, frame + l2, l2, v4, off, size, i + 1 < count, id6);
		memcpy(out + h, data + off, size);
		frags[i]->data_len = (uint16_t)(h + size);
		frags[i]->pkt_len = h + size;
	}
	if (in_place) {
		/* The first fragment is the datagram's head where it is: new headers, shorter. IPv6's
		 * fragment header goes between the IP and UDP headers: the headers move 8 bytes back. */
		uint8_t *out = rte_pktmbuf_mtod(m, uint8_t *);
		if (!v4) {
			out = (uint8_t *)rte_pktmbuf_prepend(m, sizeof(struct rte_ipv6_fragment_ext));
			memmove(out, frame, l2 + iph);
		}
		uint32_t h = fragment_headers(out, out + l2, l2, v4, 0, piece, true, id6);
		m->data_len = (uint16_t)(h + piece);
		m->pkt_len = h + piece;
		m->ol_flags = 0;
		frags[0] = m;
	} else {
		rte_pktmbuf_free(m);
	}
	w->c.tx_fragmented++;
	for (uint32_t i = 0; i < count; i++)
		dp_tx_enqueue(w, port, frags[i]);
}
