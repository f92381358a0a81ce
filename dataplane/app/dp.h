/*
 * dp.h - what the files of the e911-dataplane program share: its start-up
 * options, the per-worker state and counters, the neighbour table, and the
 * steps of the worker loop. Internal to dataplane/app/; the contracts with
 * other modules are in include/e911/.
 *
 * Threads: one worker per worker lcore (RX/TX queue w on every port, its
 * own counters, fragment table, event ring and policy tables); the main
 * lcore applies snapshots, answers the control channel and telemetry,
 * resolves neighbours (ARP/ND) and sends what waits for a resolution.
 * Workers only read what main writes (snapshot slot, neighbour table,
 * gateway health); main only reads what workers write (counters). Between
 * them, single-producer single-consumer rings: worker -> main the events,
 * the neighbours learnt (ARP/ND) and the messages that wait for a neighbour;
 * main -> worker the frames to send (resolved messages, ARP/ND requests), so
 * that every frame leaves on a worker's own TX queue (a port needs exactly
 * one TX queue per worker: net_pcap and net_af_packet work as they are).
 */
#ifndef E911_DP_H
#define E911_DP_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "e911/net.h"
#include "e911/net_tx.h"
#include "e911/proxy.h"
#include "e911/sip.h"
#include "e911/snapshot.h"

#define DP_MAX_PORTS 4u
#define DP_MAX_WORKERS 16u
#define DP_BURST 32u
#define DP_MAX_POLICY_COUNTERS 1024u /* emergency calls counted per policy index below this */
#define DP_MAX_STATIC_NEIGHBOURS 64u
#define DP_EVENT_PIDF_MAX 1536u       /* PIDF-LO bytes an event carries */
#define DP_SCRATCH_LEN (SIP_MAX_MSG_LEN + PROXY_INSERT_MAX + 256u)

/* ---- options (dp_args.c) ---- */

struct dp_static_neighbour {
	uint8_t family;
	uint8_t ip[16];
	uint8_t mac[6];
};

struct dp_options {
	const char *config_path;       /* the policy XML, applied before anything is received */
	const char *control_path;      /* the control channel's UNIX socket (NULL: none) */
	struct proxy_conf proxy;       /* our SIP addresses, default next hop, trusted peers */
	uint8_t prefix_len[PROXY_MAX_SELF]; /* on-link prefix of each address */
	struct proxy_endpoint router4, router6; /* off-link next hops (family 0: none) */
	struct dp_static_neighbour neighbours[DP_MAX_STATIC_NEIGHBOURS];
	uint32_t neighbour_count;
	uint16_t vlan;                 /* 0: untagged */
	uint16_t mtu;                  /* IP MTU of what we send (default 1500) */
	uint32_t max_invite_rate;      /* ordinary new INVITEs per second per worker (0: no limit) */
	uint32_t overload_ms;          /* RX bursts coming back full for this long mean overload (0: never) */
	double stop_after_idle;        /* seconds without traffic, then exit (0: never); for replays */
	uint32_t mbufs;                /* per worker pool size */
};

/* @return 0, or -1 after printing what is wrong (exit status 2). */
int dp_args_parse(int argc, char **argv, struct dp_options *o);
void dp_args_usage(const char *prog);

/* ---- counters: X(name, help) per worker, plus arrays by reason ---- */

#define DP_COUNTER_LIST(X)                                                            \
	X(rx_packets, "frames received")                                              \
	X(rx_bytes, "bytes received")                                                 \
	X(busy_tsc, "TSC cycles spent on rounds that received something")          \
	X(tx_packets, "frames sent")                                                  \
	X(tx_bytes, "bytes sent")                                                     \
	X(tx_full, "frames dropped: TX queue full")                                   \
	X(not_for_us, "UDP datagrams not to our SIP address and port")               \
	X(sip_requests, "SIP requests received")                                      \
	X(sip_responses, "SIP responses received")                                    \
	X(invites, "new INVITEs received")                                            \
	X(emergency_calls, "new emergency INVITEs forwarded")                        \
	X(emergency_ended, "BYE or CANCEL of an emergency call forwarded")          \
	X(emergency_unsent, "emergency requests forwarded but not sent (no mbuf...)") \
	X(shed, "ordinary INVITEs shed with 503 under overload")                    \
	X(classify_fallback, "Hyperscan failed; the exact matcher answered")         \
	X(no_snapshot, "requests that needed a policy before one was loaded")        \
	X(reassembled, "datagrams reassembled from fragments")                       \
	X(fragments_held, "fragments held for reassembly")                           \
	X(fragments_dropped, "fragments dropped (timed out, table full, bad)")        \
	X(tx_fragmented, "datagrams sent as fragments")                               \
	X(linearized, "datagrams copied to one buffer (chained mbufs)")               \
	X(answered_arp, "ARP requests answered")                                      \
	X(answered_icmp, "ICMP/ICMPv6 echo and neighbour solicitations answered")   \
	X(neighbour_wait, "messages handed to main to wait for ARP/ND")              \
	X(neighbour_wait_full, "messages dropped: the wait ring was full")           \
	X(alloc_failed, "messages dropped: no mbuf")                                  \
	X(too_big, "messages dropped: larger than we can send")                      \
	X(events, "emergency-call events queued for the control process")            \
	X(events_dropped, "events dropped: ring full")

struct dp_counters {
#define DP_COUNTER_FIELD(name, help) uint64_t name;
	DP_COUNTER_LIST(DP_COUNTER_FIELD)
#undef DP_COUNTER_FIELD
	uint64_t net_kind[NET_KIND_COUNT];
	uint64_t outcome[PROXY_OUTCOME_COUNT];
	uint64_t parse_error[SIP_STATUS_COUNT];
	uint64_t emergency_by_policy[DP_MAX_POLICY_COUNTERS];
};

/* ---- events (worker -> main -> control process) ---- */

enum dp_event_kind { DP_EVENT_CALL = 1, DP_EVENT_END = 2 };

/* One emergency-call event, fixed size so that it sits in the ring itself. */
struct dp_event {
	uint8_t kind;           /* enum dp_event_kind */
	uint8_t location;       /* enum proxy_location */
	uint8_t scope;          /* enum classify_scope */
	uint8_t method;         /* enum sip_method of the message */
	uint32_t policy;        /* index in the snapshot's configuration */
	uint64_t snapshot;      /* its version */
	uint64_t time_ns;       /* CLOCK_REALTIME */
	uint32_t gateway;       /* index in the route */
	uint32_t route;
	struct proxy_endpoint src;
	uint16_t call_id_len, caller_len, identity_len, display_len, pidf_len, dialled_len;
	char call_id[128];
	char caller[128];       /* the From URI */
	char display[64];       /* the From display name */
	char identity[128];     /* the callback number's URI (PAI, PPI, RPID, From) */
	char dialled[64];       /* the Request-URI as it came */
	char pidf[DP_EVENT_PIDF_MAX];
};

/* ---- neighbour table (dp_neigh.c): main writes, workers read ---- */

struct dp_neigh;
struct dp_neigh *dp_neigh_new(uint32_t entries);
void dp_neigh_free(struct dp_neigh *n);
/* Main: set (or change) a neighbour's MAC. @return 0 or a negative errno. */
int dp_neigh_set(struct dp_neigh *n, uint8_t family, const uint8_t ip[16], const uint8_t mac[6]);
/* Any thread: the MAC of a neighbour. @return true when known. */
bool dp_neigh_get(const struct dp_neigh *n, uint8_t family, const uint8_t ip[16], uint8_t mac[6]);

/* A worker's own small copy of what it looked up (dp_neigh.c says why). */
#define DP_NEIGH_CACHE_BITS 4u
struct dp_neigh_cache {
	struct dp_neigh_cache_entry {
		uint64_t key[2];     /* the table's key */
		uint32_t generation; /* the table's when it was read; 0: empty */
		uint8_t mac[6];
	} entry[1u << DP_NEIGH_CACHE_BITS];
};
/* A worker: dp_neigh_get through its cache c. @return true when known. */
bool dp_neigh_get_cached(const struct dp_neigh *n, struct dp_neigh_cache *c, uint8_t family,
			 const uint8_t ip[16], uint8_t mac[6]);

/* ---- the process ---- */

struct dp_worker;

struct dp_port {
	uint16_t port_id;
	struct net_iface ifc;
	bool tx_cksum_offload; /* the port computes IPv4 and UDP checksums */
	bool rx_cksum_offload;
	bool rx_big;           /* receives into 9 KB mbufs: the port takes no 2 KB ones */
};

struct dp {
	struct dp_options opt;
	struct dp_port ports[DP_MAX_PORTS];
	uint16_t port_count;
	unsigned worker_count;
	struct dp_worker *workers[DP_MAX_WORKERS];
	struct snapshot_slot *slot;
	struct dp_neigh *neigh;
	/* Per route of the current snapshot: which gateways are down (the control process says). */
	proxy_gateway_down_mask gateway_down[256];
	volatile bool stop;
};

extern struct dp dp;

/* Port set-up (dp_port.c): every port with worker_count RX and TX queues.
 * @return 0 or -1 after printing why. */
int dp_ports_init(struct dp *d);
void dp_ports_close(struct dp *d);

/* Worker (dp_worker.c). */
struct dp_worker *dp_worker_new(unsigned id, const struct dp *d);
void dp_worker_free(struct dp_worker *w);
int dp_worker_main(void *arg); /* lcore entry point; returns at dp.stop */
const struct dp_counters *dp_worker_counters(const struct dp_worker *w);
uint64_t dp_worker_last_rx_tsc(const struct dp_worker *w);
uint64_t dp_worker_started_tsc(const struct dp_worker *w);

/* A neighbour a worker learnt from an ARP or ND frame. */
struct dp_learnt {
	uint8_t family;
	uint8_t mac[6];
	uint8_t pad;
	uint8_t ip[16];
};

/* What a message waiting for its neighbour carries (in the mbuf's private area). */
struct dp_wait_info {
	uint64_t since_tsc;
	uint8_t family;
	uint8_t ip[16];  /* the next hop to resolve */
	uint16_t port;   /* index in dp.ports */
};

/* The worker's rings (created by dp_worker_new). */
struct dp_worker_rings {
	struct rte_ring *events;  /* struct dp_event, worker -> main */
	struct rte_ring *learnt;  /* struct dp_learnt, worker -> main */
	struct rte_ring *waiting; /* mbufs, worker -> main */
	struct rte_ring *to_send; /* mbufs, main -> worker: whole frames, sent as they are */
	struct rte_mempool *pool; /* the worker's 2 KB mbufs: RX, TX (main builds ARP/ND requests from it) */
	struct rte_mempool *rx_big; /* 9 KB mbufs for the RX of ports that need them (NULL: none do) */
};
struct dp_worker_rings *dp_worker_rings(struct dp_worker *w);
/* The worker's pool of 9 KB mbufs, made on first use (port set-up). @return NULL: no memory. */
struct rte_mempool *dp_worker_rx_big_pool(struct dp_worker *w);

/* Main lcore (dp_resolve.c): apply what workers learnt, hand resolved messages back, ask for
 * unknown neighbours (ARP/NS, once a second), drop what waited too long. */
struct dp_resolver;
struct dp_resolver *dp_resolver_new(struct dp *d);
void dp_resolver_poll(struct dp_resolver *r);
void dp_resolver_free(struct dp_resolver *r);
/* Messages the resolver dropped after waiting too long. */
uint64_t dp_resolver_expired(const struct dp_resolver *r);

/* The L2 next hop of an IP destination: itself when on-link (inside the prefix of any of our
 * addresses of its family) or when there is no router of its family, else that router.
 * @return false: none of our addresses is of its family. */
bool dp_next_hop(const struct dp_options *o, const struct proxy_endpoint *dst,
		 uint8_t *family, uint8_t ip[16]);

/* Telemetry (dp_telemetry.c): /e911/... commands. */
int dp_telemetry_register(struct dp *d);
/* Sum of every worker's counters. */
void dp_counters_total(const struct dp *d, struct dp_counters *sum);

#endif /* E911_DP_H */
