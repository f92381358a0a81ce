/*
 * dp_resolve.c - neighbour resolution on the main lcore. Workers pass on
 * what they learn from ARP and ND and the messages whose next hop has no
 * MAC yet; main writes the neighbour table, asks (ARP request or neighbour
 * solicitation, at most once a second per address), and hands each waiting
 * message back to its worker once the MAC is known, or drops it after
 * DP_WAIT_SECONDS. The next hops of the configuration (gateways, default
 * next hop, routers) are asked for ahead of time, so that the first
 * emergency call does not wait.
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_ether.h>

#include "dp.h"

#define DP_PENDING_MAX 4096u
#define DP_ASKED_MAX 256u
#define DP_WAIT_SECONDS 3u
#define DP_REFRESH_SECONDS 10u

struct asked {
	uint8_t family;
	uint8_t ip[16];
	uint64_t last_tsc;
};

struct dp_resolver {
	struct dp *d;
	struct rte_mbuf *pending[DP_PENDING_MAX];
	uint16_t pending_worker[DP_PENDING_MAX];
	uint32_t pending_count;
	struct asked asked[DP_ASKED_MAX];
	uint32_t asked_count, asked_next;
	uint64_t expired;
	uint64_t refresh_tsc;
};

/* Is addr inside the first bits bits of net? */
static bool in_prefix(const uint8_t net[16], uint32_t bits, const uint8_t addr[16])
{
	uint32_t full = bits / 8, rest = bits % 8;
	for (uint32_t i = 0; i < full; i++)
		if (net[i] != addr[i])
			return false;
	return rest == 0 || ((net[full] ^ addr[full]) & (0xff << (8 - rest))) == 0;
}

bool dp_next_hop(const struct dp_options *o, const struct proxy_endpoint *dst, uint8_t *family,
		 uint8_t ip[16])
{
	/* On-link for any of our addresses of its family (each has its own prefix), else the router. */
	bool ours = false, on_link = false;
	for (uint32_t i = 0; i < o->proxy.self_count && !on_link; i++) {
		const struct proxy_endpoint *self = &o->proxy.self[i].ep;
		if (self->family != dst->family)
			continue;
		ours = true;
		on_link = in_prefix(self->addr, o->prefix_len[i], dst->addr);
	}
	if (!ours)
		return false;
	const struct proxy_endpoint *router = dst->family == 4 ? &o->router4 : &o->router6;
	*family = dst->family;
	memcpy(ip, on_link || !router->family ? dst->addr : router->addr, 16);
	return true;
}

struct dp_resolver *dp_resolver_new(struct dp *d)
{
	struct dp_resolver *r = calloc(1, sizeof(*r));
	if (r)
		r->d = d;
	return r;
}

void dp_resolver_free(struct dp_resolver *r)
{
	if (!r)
		return;
	for (uint32_t i = 0; i < r->pending_count; i++)
		rte_pktmbuf_free(r->pending[i]);
	free(r);
}

uint64_t dp_resolver_expired(const struct dp_resolver *r)
{
	return __atomic_load_n(&r->expired, __ATOMIC_RELAXED);
}

/* Ask for a neighbour through a worker of the port (at most once a second per address). */
static void ask(struct dp_resolver *r, unsigned worker, uint16_t port, uint8_t family, const uint8_t ip[16])
{
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	struct asked *a = NULL;
	for (uint32_t i = 0; i < r->asked_count; i++)
		if (r->asked[i].family == family && memcmp(r->asked[i].ip, ip, 16) == 0)
			a = &r->asked[i];
	if (a && now - a->last_tsc < hz)
		return;
	if (!a) {
		a = &r->asked[r->asked_count < DP_ASKED_MAX ? r->asked_count++ : r->asked_next++ % DP_ASKED_MAX];
		a->family = family;
		memcpy(a->ip, ip, 16);
	}
	a->last_tsc = now;
	struct dp_worker_rings *rings = dp_worker_rings(r->d->workers[worker]);
	struct rte_mbuf *m = rte_pktmbuf_alloc(rings->pool);
	if (!m)
		return;
	const struct net_iface *ifc = &r->d->ports[port].ifc;
	uint8_t *frame = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = family == 4 ? (ifc->has_ip4 ? net_arp_request(frame, ifc, ip) : 0)
				   : (ifc->has_ip6 ? net_ns_request(frame, ifc, ip) : 0);
	if (!len) {
		rte_pktmbuf_free(m);
		return;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	struct dp_wait_info *info = rte_mbuf_to_priv(m);
	info->port = port;
	if (rte_ring_sp_enqueue(rings->to_send, m) != 0)
		rte_pktmbuf_free(m);
}

/* Resolve the configured next hops ahead of the first message to them. */
static void refresh(struct dp_resolver *r)
{
	const struct dp_options *o = &r->d->opt;
	const struct proxy_endpoint *hops[] = { &o->proxy.default_hop, &o->router4, &o->router6 };
	uint8_t family, ip[16], mac[6];
	for (size_t i = 0; i < sizeof(hops) / sizeof(hops[0]); i++)
		if (hops[i]->family && dp_next_hop(o, hops[i], &family, ip) &&
		    !dp_neigh_get(r->d->neigh, family, ip, mac))
			ask(r, 0, 0, family, ip);
	const struct e911_snapshot *snap = snapshot_slot_get(r->d->slot);
	const struct e911_config *cfg = snap ? snapshot_config(snap) : NULL;
	for (uint32_t ri = 0; cfg && ri < cfg->route_count; ri++) {
		for (uint32_t g = 0; g < cfg->routes[ri].gateway_count; g++) {
			const struct e911_gateway *gw = &cfg->routes[ri].gateways[g];
			struct proxy_endpoint ep = { .family = gw->family, .port = gw->port };
			memcpy(ep.addr, gw->address, 16);
			if (dp_next_hop(o, &ep, &family, ip) && !dp_neigh_get(r->d->neigh, family, ip, mac))
				ask(r, 0, 0, family, ip);
		}
	}
}

void dp_resolver_poll(struct dp_resolver *r)
{
	struct dp *d = r->d;
	uint64_t now = rte_rdtsc(), hz = rte_get_tsc_hz();
	for (unsigned w = 0; w < d->worker_count; w++) {
		struct dp_worker_rings *rings = dp_worker_rings(d->workers[w]);
		struct dp_learnt l;
		while (rte_ring_sc_dequeue_elem(rings->learnt, &l, sizeof(l)) == 0)
			dp_neigh_set(d->neigh, l.family, l.ip, l.mac);
		struct rte_mbuf *m;
		while (rte_ring_sc_dequeue(rings->waiting, (void **)&m) == 0) {
			if (r->pending_count == DP_PENDING_MAX) {
				rte_pktmbuf_free(m);
				__atomic_fetch_add(&r->expired, 1, __ATOMIC_RELAXED);
				continue;
			}
			r->pending_worker[r->pending_count] = (uint16_t)w;
			r->pending[r->pending_count++] = m;
		}
	}
	for (uint32_t i = 0; i < r->pending_count;) {
		struct rte_mbuf *m = r->pending[i];
		unsigned w = r->pending_worker[i];
		struct dp_wait_info *wait = rte_mbuf_to_priv(m);
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		bool done = true;
		if (dp_neigh_get(d->neigh, wait->family, wait->ip, eth->dst_addr.addr_bytes)) {
			if (rte_ring_sp_enqueue(dp_worker_rings(d->workers[w])->to_send, m) != 0) {
				rte_pktmbuf_free(m);
				__atomic_fetch_add(&r->expired, 1, __ATOMIC_RELAXED);
			}
		} else if (now - wait->since_tsc > DP_WAIT_SECONDS * hz) {
			rte_pktmbuf_free(m);
			__atomic_fetch_add(&r->expired, 1, __ATOMIC_RELAXED);
		} else {
			ask(r, w, wait->port, wait->family, wait->ip);
			done = false;
		}
		if (done) {
			r->pending[i] = r->pending[--r->pending_count];
			r->pending_worker[i] = r->pending_worker[r->pending_count];
		} else {
			i++;
		}
	}
	if (now - r->refresh_tsc > DP_REFRESH_SECONDS * hz) {
		r->refresh_tsc = now;
		refresh(r);
	}
}
