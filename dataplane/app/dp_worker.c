/*
 * dp_worker.c - one worker lcore: poll its RX queue on every port, run each
 * frame to completion (network layer, SIP parse, proxy decision, policy
 * classification, rewrite, send), send what main handed back, report a
 * quiescent state after every round so that policy snapshots can be swapped.
 * No lock, no heap, no system call per packet.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring_elem.h>
#include <rte_ring_peek_zc.h>

#include "dp_tx.h"
#include "dp_worker_internal.h"

#define DP_FRAG_BUCKETS 1024u
#define DP_FRAG_ENTRIES 4u      /* per bucket */
#define DP_FRAG_TTL_MS 2000u    /* a datagram's fragments must all arrive within this */
#define DP_EVENT_RING 1024u
#define DP_LEARN_RING 256u
#define DP_WAIT_RING 1024u

const struct dp_counters *dp_worker_counters(const struct dp_worker *w)
{
	return &w->c;
}

struct dp_worker_rings *dp_worker_rings(struct dp_worker *w)
{
	return &w->r;
}

uint64_t dp_worker_started_tsc(const struct dp_worker *w)
{
	return w->started_tsc;
}

uint64_t dp_worker_last_rx_tsc(const struct dp_worker *w)
{
	return __atomic_load_n(&w->last_rx_tsc, __ATOMIC_RELAXED);
}

struct dp_worker *dp_worker_new(unsigned id, const struct dp *d)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	int socket = (int)rte_socket_id();
	struct dp_worker *w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE, socket);
	if (!w)
		return NULL;
	w->id = id;
	w->d = d;
	snprintf(name, sizeof(name), "dp_mbuf_%u", id);
	/* 2 KB data rooms, DPDK's default: a 1500-byte frame and nearly every SIP message in one
	 * mbuf, four times as many mbufs per huge page as 9 KB rooms. Larger messages are sent
	 * as fragments or chains (dp_tx.c); ports that cannot receive into them get rx_big. */
	w->r.pool = rte_pktmbuf_pool_create(name, d->opt.mbufs, 256, sizeof(struct dp_wait_info),
					    RTE_MBUF_DEFAULT_BUF_SIZE, socket);
	uint64_t ttl = rte_get_tsc_hz() / 1000 * DP_FRAG_TTL_MS;
	w->overload_tsc = rte_get_tsc_hz() / 1000 * d->opt.overload_ms;
	w->frag = rte_ip_frag_table_create(DP_FRAG_BUCKETS, DP_FRAG_ENTRIES,
					   DP_FRAG_BUCKETS * DP_FRAG_ENTRIES, ttl, socket);
	snprintf(name, sizeof(name), "dp_events_%u", id);
	w->r.events = rte_ring_create_elem(name, sizeof(struct dp_event), DP_EVENT_RING, socket,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_learnt_%u", id);
	w->r.learnt = rte_ring_create_elem(name, sizeof(struct dp_learnt), DP_LEARN_RING, socket,
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_waiting_%u", id);
	w->r.waiting = rte_ring_create(name, DP_WAIT_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "dp_to_send_%u", id);
	w->r.to_send = rte_ring_create(name, DP_WAIT_RING, socket, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!w->r.pool || !w->frag || !w->r.events || !w->r.learnt || !w->r.waiting || !w->r.to_send) {
		dp_worker_free(w);
		return NULL;
	}
	w->invite_tokens = d->opt.max_invite_rate;
	w->ip_id = (uint16_t)(id << 12); /* workers' datagrams never share an id for long */
	return w;
}

struct rte_mempool *dp_worker_rx_big_pool(struct dp_worker *w)
{
	if (!w->r.rx_big) {
		char name[RTE_MEMPOOL_NAMESIZE];
		snprintf(name, sizeof(name), "dp_rx_big_%u", w->id);
		/* A whole 1500-byte frame or a jumbo one, or what a veth hands net_af_packet whole. */
		w->r.rx_big = rte_pktmbuf_pool_create(name, w->d->opt.mbufs, 256, sizeof(struct dp_wait_info),
						      9216 + RTE_PKTMBUF_HEADROOM, (int)rte_socket_id());
	}
	return w->r.rx_big;
}

void dp_worker_free(struct dp_worker *w)
{
	if (!w)
		return;
	struct rte_mbuf *m;
	while (w->r.waiting && rte_ring_dequeue(w->r.waiting, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	while (w->r.to_send && rte_ring_dequeue(w->r.to_send, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(w->r.events);
	rte_ring_free(w->r.learnt);
	rte_ring_free(w->r.waiting);
	rte_ring_free(w->r.to_send);
	if (w->frag)
		rte_ip_frag_table_destroy(w->frag);
	rte_mempool_free(w->r.rx_big);
	rte_mempool_free(w->r.pool);
	rte_free(w);
}

/* ---- the SIP step ---- */

struct emit_ctx {
	struct dp_worker *w;
	const struct proxy_packet *pkt;
};

static int write_forward(void *ctx, char *out, uint32_t cap)
{
	struct emit_ctx *e = ctx;
	return proxy_emit(&e->w->msg, &e->w->plan, out, cap);
}

static int write_reply(void *ctx, char *out, uint32_t cap)
{
	struct emit_ctx *e = ctx;
	return proxy_reply(&e->w->d->opt.proxy, e->pkt, &e->w->msg, &e->w->plan, out, cap);
}

/* Overload: the RX queue has stayed backed up for --overload-ms, or ordinary new INVITEs exceed
 * the configured rate. A backlog counts only once it lasts: a worker that loses its CPU for a
 * scheduler slice, or a sender's burst, fills the queue for a moment while the worker is far
 * from busy, and shedding then would refuse calls for nothing. */
static bool overloaded(struct dp_worker *w)
{
	if (w->full_since_tsc && w->overload_tsc && rte_rdtsc() - w->full_since_tsc >= w->overload_tsc)
		return true;
	uint32_t rate = w->d->opt.max_invite_rate;
	if (!rate)
		return false;
	uint64_t now = rte_rdtsc();
	w->invite_tokens += (double)(now - w->invite_refill_tsc) * rate / (double)rte_get_tsc_hz();
	w->invite_refill_tsc = now;
	if (w->invite_tokens > rate)
		w->invite_tokens = rate;
	if (w->invite_tokens < 1.0)
		return true;
	w->invite_tokens -= 1.0;
	return false;
}

static uint16_t copy_slice(char *dst, size_t cap, struct e911_slice s)
{
	uint16_t n = (uint16_t)RTE_MIN((size_t)s.len, cap);
	if (n)
		memcpy(dst, s.p, n);
	return n;
}

/*
 * An emergency call began or ended: tell main (and so the control process);
 * never wait. The event is written straight into its ring slot (zero-copy
 * enqueue, the ring is single-producer), not built aside and copied in.
 */
static void queue_event(struct dp_worker *w, const struct e911_snapshot *snap, uint8_t kind)
{
	const struct proxy_plan *plan = &w->plan;
	struct rte_ring_zc_data zcd;
	if (rte_ring_enqueue_zc_bulk_elem_start(w->r.events, sizeof(struct dp_event), 1, &zcd, NULL) == 0) {
		w->c.events_dropped++;
		return;
	}
	struct dp_event *ev = zcd.ptr1; /* one element never wraps */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts); /* vDSO: no system call */
	ev->kind = kind;
	ev->location = plan->location;
	ev->scope = plan->cls.scope;
	ev->method = w->msg.method;
	ev->policy = plan->cls.policy;
	ev->snapshot = snap ? snapshot_version(snap) : 0;
	ev->time_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	ev->gateway = plan->gateway;
	ev->route = plan->cls.route;
	ev->src = plan->src;
	ev->call_id_len = copy_slice(ev->call_id, sizeof(ev->call_id), w->msg.call_id);
	ev->caller_len = copy_slice(ev->caller, sizeof(ev->caller), plan->from.uri);
	ev->display_len = copy_slice(ev->display, sizeof(ev->display), plan->from.display);
	ev->identity_len = copy_slice(ev->identity, sizeof(ev->identity), plan->identity);
	ev->dialled_len = copy_slice(ev->dialled, sizeof(ev->dialled), w->msg.ruri_text);
	ev->pidf_len = kind == DP_EVENT_CALL ? copy_slice(ev->pidf, sizeof(ev->pidf), plan->pidf) : 0;
	rte_ring_enqueue_zc_elem_finish(w->r.events, 1);
	w->c.events++;
}

static const struct proxy_self *our_address(const struct dp *d, const struct net_view *v)
{
	const struct proxy_conf *conf = &d->opt.proxy;
	for (uint32_t i = 0; i < conf->self_count; i++) {
		const struct proxy_endpoint *ep = &conf->self[i].ep;
		if (ep->family == v->family && ep->port == v->dst_port &&
		    memcmp(ep->addr, v->dst, v->family == 4 ? 4 : 16) == 0)
			return &conf->self[i];
	}
	return NULL;
}

static void handle_sip(struct dp_worker *w, uint16_t port, const struct e911_snapshot *snap,
		       const uint8_t *frame, const struct net_view *v)
{
	const struct dp *d = w->d;
	const struct proxy_self *local = our_address(d, v);
	if (!local) {
		w->c.not_for_us++;
		return;
	}
	struct proxy_packet pkt = { (const char *)frame + v->payload_off, v->payload_len,
				    { .family = v->family, .port = v->src_port } };
	memcpy(pkt.src.addr, v->src, 16);
	if (v->family == 4)
		memset(pkt.src.addr + 4, 0, 12);

	struct sip_msg *msg = &w->msg;
	struct proxy_plan *plan = &w->plan;
	int rc = sip_parse(pkt.buf, pkt.len, msg);
	if (rc < 0)
		w->c.parse_error[-rc]++;
	else if (msg->kind == SIP_REQUEST)
		w->c.sip_requests++;
	else
		w->c.sip_responses++;

	enum proxy_outcome o = proxy_prepare(&d->opt.proxy, &pkt, rc, msg, plan);
	plan->in_self = local; /* the very address it came to (Record-Route of its side) */
	if (plan->needs_classify) {
		struct classify_result cls = { .policy = 0, .site = SNAPSHOT_NONE, .number = SNAPSHOT_NONE,
					       .route = SNAPSHOT_NONE };
		const struct e911_config *cfg = NULL;
		if (snap) {
			snapshot_classify(snap, w->id, &plan->query, &cls);
			if (cls.scope == CLASSIFY_SCOPE_GLOBAL && plan->pidf.len && proxy_policy_tag(plan))
				snapshot_classify(snap, w->id, &plan->query, &cls);
			w->c.classify_fallback += cls.scan_failed;
			cfg = snapshot_config(snap);
		} else {
			w->c.no_snapshot++;
		}
		static const struct e911_config empty;
		o = proxy_route(&d->opt.proxy, cfg ? cfg : &empty, d->gateway_down, msg, &cls, plan);
		if (plan->new_invite)
			w->c.invites++;
		if (o == PROXY_FWD_ORDINARY && plan->shed_eligible && overloaded(w)) {
			o = plan->outcome = PROXY_REPLY_SHED;
			plan->reply_code = 503;
			plan->reply_reason = "Service Unavailable";
			w->c.shed++;
		}
	}
	w->c.outcome[o]++;

	struct emit_ctx ctx = { w, &pkt };
	if (o <= PROXY_FWD_RESPONSE) {
		if (dp_send_udp(w, port, plan->via_self->ep.addr, plan->via_self->ep.port, &plan->next_hop, write_forward,
				&ctx) != 0) {
			w->c.emergency_unsent += o == PROXY_FWD_EMERGENCY;
			return;
		}
	} else if (proxy_outcome_is_reply(o)) {
		proxy_reply_destination(&pkt, msg, plan);
		if (dp_send_udp(w, port, local->ep.addr, local->ep.port, &plan->next_hop, write_reply, &ctx) != 0)
			return;
	}
	if (o == PROXY_FWD_EMERGENCY && plan->new_invite) {
		w->c.emergency_calls++;
		if (plan->cls.policy < DP_MAX_POLICY_COUNTERS)
			w->c.emergency_by_policy[plan->cls.policy]++;
		if (plan->cls.e911)
			queue_event(w, snap, DP_EVENT_CALL);
	} else if ((o == PROXY_FWD_EMERGENCY && msg->method == SIP_METHOD_CANCEL) ||
		   (o == PROXY_FWD_IN_DIALOG && plan->own_route && msg->method == SIP_METHOD_BYE)) {
		/* Only emergency INVITEs are record-routed: a BYE by our Route ends one. */
		w->c.emergency_ended++;
		queue_event(w, snap, DP_EVENT_END);
	}
}

/* ---- the network step ---- */

/* A datagram in several mbufs (reassembled, or a large frame): copy it into one buffer. */
static const uint8_t *linearize(struct dp_worker *w, struct rte_mbuf *m)
{
	if (m->nb_segs == 1)
		return rte_pktmbuf_mtod(m, const uint8_t *);
	if (m->pkt_len > sizeof(w->in_scratch))
		return NULL;
	w->c.linearized++;
	return rte_pktmbuf_read(m, 0, m->pkt_len, w->in_scratch);
}

static void handle_frame(struct dp_worker *w, uint16_t port, const struct e911_snapshot *snap,
			 struct rte_mbuf *m, bool reassembled);

static void reassemble(struct dp_worker *w, uint16_t port, const struct e911_snapshot *snap,
		       struct rte_mbuf *m, const struct net_view *v)
{
	uint8_t *l3 = rte_pktmbuf_mtod_offset(m, uint8_t *, v->l3_off);
	m->l2_len = v->l3_off;
	struct rte_mbuf *whole;
	uint64_t now = rte_rdtsc();
	if (v->kind == NET_KIND_IPV4_FRAGMENT) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
		m->l3_len = rte_ipv4_hdr_len(ip);
		whole = rte_ipv4_frag_reassemble_packet(w->frag, &w->death_row, m, now, ip);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)l3;
		struct rte_ipv6_fragment_ext *fh = rte_ipv6_frag_get_ipv6_fragment_header(ip);
		if (!fh) {
			w->c.fragments_dropped++;
			rte_pktmbuf_free(m);
			return;
		}
		m->l3_len = sizeof(*ip) + sizeof(*fh);
		whole = rte_ipv6_frag_reassemble_packet(w->frag, &w->death_row, m, now, ip, fh);
	}
	if (!whole) {
		w->c.fragments_held++;
		return;
	}
	w->c.reassembled++;
	if (v->kind == NET_KIND_IPV4_FRAGMENT) {
		/* rte_ip_frag rewrites the length and offset, not the header checksum. */
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(whole, struct rte_ipv4_hdr *, whole->l2_len);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	handle_frame(w, port, snap, whole, true);
}

static void handle_frame(struct dp_worker *w, uint16_t port, const struct e911_snapshot *snap,
			 struct rte_mbuf *m, bool reassembled)
{
	const struct dp_port *p = &w->d->ports[port];
	const uint8_t *frame = linearize(w, m);
	if (!frame) {
		w->c.too_big++;
		rte_pktmbuf_free(m);
		return;
	}
	bool l4_good = (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	struct net_view v;
	enum net_kind kind = net_decap(frame, m->pkt_len, l4_good && !reassembled, &v);
	kind = net_vlan_filter(&v, p->ifc.has_vlan ? p->ifc.vlan_tci : 0);
	w->c.net_kind[kind]++;
	switch (kind) {
	case NET_KIND_UDP:
		handle_sip(w, port, snap, frame, &v);
		break;
	case NET_KIND_IPV4_FRAGMENT:
	case NET_KIND_IPV6_FRAGMENT:
		if (!reassembled) {
			reassemble(w, port, snap, m, &v);
			return; /* the table owns m now */
		}
		break;
	case NET_KIND_ARP:
	case NET_KIND_ICMP4_ECHO:
	case NET_KIND_ICMP6_ECHO:
	case NET_KIND_ICMP6_ND: {
		struct dp_learnt l;
		if (net_neighbour_learn(frame, m->pkt_len, &v, &l.family, l.ip, l.mac))
			rte_ring_sp_enqueue_elem(w->r.learnt, &l, sizeof(l));
		if (m->nb_segs == 1) {
			uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
			uint32_t n = net_answer(data, m->pkt_len, m->data_len + rte_pktmbuf_tailroom(m), &v,
						&p->ifc);
			if (n) {
				m->data_len = (uint16_t)n;
				m->pkt_len = n;
				m->ol_flags = 0;
				if (kind == NET_KIND_ARP)
					w->c.answered_arp++;
				else
					w->c.answered_icmp++;
				dp_tx_enqueue(w, port, m);
				return;
			}
		}
		break;
	}
	default:
		break;
	}
	rte_pktmbuf_free(m);
}

int dp_worker_main(void *arg)
{
	struct dp_worker *w = arg;
	const struct dp *d = w->d;
	struct rte_mbuf *pkts[DP_BURST];
	snapshot_slot_worker_start(d->slot, w->id);
	w->invite_refill_tsc = w->started_tsc = rte_rdtsc();
	while (!__atomic_load_n(&d->stop, __ATOMIC_RELAXED)) {
		uint64_t round_start = rte_rdtsc();
		const struct e911_snapshot *snap = snapshot_slot_get(d->slot);
		uint16_t most = 0;
		for (uint16_t p = 0; p < d->port_count; p++) {
			uint16_t n = rte_eth_rx_burst(d->ports[p].port_id, (uint16_t)w->id, pkts, DP_BURST);
			if (n > most)
				most = n;
			for (uint16_t i = 0; i < n; i++) {
				w->c.rx_packets++;
				w->c.rx_bytes += pkts[i]->pkt_len;
				if (i + 1 < n)
					rte_prefetch0(rte_pktmbuf_mtod(pkts[i + 1], void *));
				handle_frame(w, p, snap, pkts[i], false);
			}
		}
		if (most) {
			uint64_t now = rte_rdtsc();
			w->c.busy_tsc += now - round_start;
			__atomic_store_n(&w->last_rx_tsc, now, __ATOMIC_RELAXED);
			if (most < DP_BURST)
				w->full_since_tsc = 0;
			else if (!w->full_since_tsc)
				w->full_since_tsc = round_start;
		} else {
			w->full_since_tsc = 0;
		}
		/* Frames main resolved (or ARP/ND requests it wants sent). */
		struct rte_mbuf *back[DP_BURST];
		unsigned n = rte_ring_sc_dequeue_burst(w->r.to_send, (void **)back, DP_BURST, NULL);
		for (unsigned i = 0; i < n; i++) {
			struct dp_wait_info *wait = rte_mbuf_to_priv(back[i]);
			dp_send_frame(w, wait->port, back[i]);
		}
		dp_tx_flush(w);
		rte_ip_frag_free_death_row(&w->death_row, 3);
		snapshot_slot_quiescent(d->slot, w->id);
	}
	dp_tx_flush(w);
	snapshot_slot_worker_stop(d->slot, w->id);
	return 0;
}
