/*
 * dp_worker_internal.h - the worker's state, shared by dp_worker.c (the
 * loop and the SIP step) and dp_tx.c (sending). Internal to dataplane/app/.
 */
#ifndef E911_DP_WORKER_INTERNAL_H
#define E911_DP_WORKER_INTERNAL_H

#include "dp.h"

struct dp_worker {
	struct dp_counters c;
	unsigned id;
	const struct dp *d;
	struct dp_worker_rings r;
	struct rte_ip_frag_tbl *frag;
	struct rte_ip_frag_death_row death_row;
	uint64_t last_rx_tsc;
	uint64_t started_tsc;
	uint16_t ip_id;             /* IPv4 identification of our next datagram */
	uint32_t frag6_id;          /* IPv6 fragment identification (low 24 bits; the worker's id above) */
	uint64_t full_since_tsc;    /* since when every RX burst came back full (0: the last did not) */
	uint64_t overload_tsc;      /* --overload-ms in TSC ticks (0: never overloaded by backlog) */
	double invite_tokens;       /* token bucket of ordinary new INVITEs */
	uint64_t invite_refill_tsc;
	struct dp_neigh_cache neigh;    /* next hops' MACs, checked against the shared table */
	struct rte_mbuf *tx[DP_MAX_PORTS][DP_BURST];
	uint16_t ntx[DP_MAX_PORTS];
	struct sip_msg msg;
	struct proxy_plan plan;
	char in_scratch[DP_SCRATCH_LEN];  /* a chained or reassembled datagram, linearised */
	char out_scratch[DP_SCRATCH_LEN]; /* a message larger than one mbuf */
};

#endif /* E911_DP_WORKER_INTERNAL_H */
