/*
 * snapshot.h - the compiled location-policy snapshot: the contract between
 * whoever builds one from a configuration (the dataplane's main lcore, the
 * tools), the workers that classify calls with it, and the publisher that
 * swaps it under them.
 *
 * A snapshot is immutable once built. It owns the configuration it was built
 * from, one Hyperscan database of every distinct dial string and mask (and
 * urn:service:sos), and for each worker its own copy of the lookup tables
 * (IPv4 and IPv6 site LPMs, the user hash) and its own Hyperscan scratch, so
 * that no memory one worker writes is read by another. The policy arrays and
 * the Hyperscan database are shared read-only: nothing writes them after the
 * build.
 *
 * The tables live in DPDK memory (rte_lpm, rte_lpm6, rte_hash): the caller
 * must have initialised the EAL (--no-huge works; give -m enough for two
 * 64 MiB IPv4 LPM tables per worker).
 *
 * Publishing (RCU, rte_rcu_qsbr): workers read the current snapshot once per
 * burst with snapshot_slot_get() and report a quiescent state after it; the
 * publisher swaps the pointer and frees the old snapshot only after every
 * online worker has passed a quiescent point. A worker sees the old snapshot
 * or the new one, never a mix.
 */
#ifndef E911_SNAPSHOT_H
#define E911_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e911/policy.h"
#include "e911/sip.h"

#define SNAPSHOT_MAX_WORKERS 64u
#define SNAPSHOT_NONE UINT32_MAX

struct e911_snapshot;

/**
 * Compile a configuration into a snapshot with tables for `workers` workers.
 * Off the fast path (Hyperscan compile, table allocation). On success the
 * snapshot owns cfg; on failure cfg is left to the caller.
 * @param err  receives a message on failure
 * @return 0; -EINVAL (workers is 0 or above SNAPSHOT_MAX_WORKERS, or a
 *         dial string Hyperscan refuses, or two user identities whose keys
 *         collide: err says which); -ENOMEM (DPDK or heap memory, err says
 *         which table).
 */
int snapshot_build(struct e911_config *cfg, unsigned workers, uint64_t version,
		   struct e911_snapshot **out, char *err, size_t errlen);

/** Free a snapshot, its tables and its configuration (NULL is fine). */
void snapshot_free(struct e911_snapshot *s);

uint64_t snapshot_version(const struct e911_snapshot *s);
const struct e911_config *snapshot_config(const struct e911_snapshot *s);
unsigned snapshot_workers(const struct e911_snapshot *s);

/* ---- classification (workers; no allocation, no system call) ---- */

/** What a worker knows of a new INVITE. */
struct classify_query {
	const struct sip_uri *ruri;   /* the split Request-URI */
	uint8_t family;               /* enum e911_ip_family of the caller's address */
	uint8_t addr[16];             /* network order; IPv4 in the first 4 bytes */
	struct e911_slice identity;   /* the caller's identity URI (bare addr-spec), or empty */
	struct e911_slice policy_tag; /* a LocationPolicyTagID from the PIDF-LO, or empty */
};

enum classify_scope {
	CLASSIFY_SCOPE_SITE,   /* the caller's network site */
	CLASSIFY_SCOPE_USER,   /* the caller's identity */
	CLASSIFY_SCOPE_TAG,    /* the policy tag in the PIDF-LO */
	CLASSIFY_SCOPE_GLOBAL, /* nothing else applied */
};

enum classify_match {
	CLASSIFY_MATCH_NONE,        /* not an emergency call for this policy */
	CLASSIFY_MATCH_DIAL_STRING, /* dialled the dial string itself */
	CLASSIFY_MATCH_MASK,        /* dialled a mask: translated to the dial string */
	CLASSIFY_MATCH_SOS,         /* urn:service:sos or a sub-service */
};

struct classify_result {
	bool emergency;   /* an emergency call under the caller's policy */
	bool e911;        /* and the policy handles it as E9-1-1 (location, desk) */
	bool scan_failed; /* Hyperscan failed; the exact fallback answered (count it) */
	uint8_t scope;    /* enum classify_scope */
	uint8_t match;    /* enum classify_match */
	uint32_t policy;  /* index into the configuration's policies: always set */
	uint32_t site;    /* index of the caller's site, or SNAPSHOT_NONE */
	uint32_t number;  /* index of the emergency number in the policy, or SNAPSHOT_NONE */
	uint32_t route;   /* the number's route (PSTN usage), or SNAPSHOT_NONE */
	const char *dial_string; /* the translated target ("911"), or NULL; owned by the snapshot */
};

/**
 * Classify a new INVITE on one worker's tables: which policy applies (site,
 * else user, else PIDF-LO tag, else Global), whether the Request-URI is an
 * emergency number of that policy (its dial string or one of its masks) or
 * urn:service:sos (an emergency call under every policy, routed by the
 * policy's first emergency number), and where it goes.
 * @param worker  0 .. snapshot_workers()-1; only that worker may pass it
 * @return 0 (result filled); -EINVAL: worker out of range.
 */
int snapshot_classify(const struct e911_snapshot *s, unsigned worker,
		      const struct classify_query *q, struct classify_result *r);

/* ---- publication (RCU) ---- */

struct snapshot_slot;

/**
 * A slot for `workers` workers, holding no snapshot yet (ids 0..workers-1).
 * @return the slot, or NULL (out of memory / bad count).
 */
struct snapshot_slot *snapshot_slot_new(unsigned workers);

/** Free the slot and the snapshot it holds. No worker may be using it. */
void snapshot_slot_free(struct snapshot_slot *slot);

/** Worker: join (register + online) before the first get. */
void snapshot_slot_worker_start(struct snapshot_slot *slot, unsigned worker);
/** Worker: leave (offline + unregister); the publisher stops waiting for it. */
void snapshot_slot_worker_stop(struct snapshot_slot *slot, unsigned worker);

/** Worker: the current snapshot (or NULL); valid until its next quiescent report. */
const struct e911_snapshot *snapshot_slot_get(const struct snapshot_slot *slot);

/** Worker: report that it holds no snapshot pointer any more (after each burst). */
void snapshot_slot_quiescent(struct snapshot_slot *slot, unsigned worker);

/**
 * Publisher (one thread): make `next` current and wait until every online
 * worker has passed a quiescent point, so that none still holds the previous
 * snapshot. The slot takes ownership of next; the previous snapshot is
 * handed back for the caller to free when it likes (freeing 100,000 users
 * takes a while: it need not delay anything).
 * @param retired  receives the previous snapshot (NULL the first time)
 * @return 0; -EINVAL: next is NULL or was built for another number of
 *         workers (nothing changes; next stays the caller's).
 */
int snapshot_slot_publish(struct snapshot_slot *slot, struct e911_snapshot *next,
			  struct e911_snapshot **retired);

#endif /* E911_SNAPSHOT_H */
