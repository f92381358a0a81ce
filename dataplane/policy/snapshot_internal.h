/*
 * snapshot_internal.h - the layout of a compiled snapshot, shared by its
 * builder, its per-worker tables and its classifier. Not a contract.
 */
#ifndef E911_SNAPSHOT_INTERNAL_H
#define E911_SNAPSHOT_INTERNAL_H

#include <rte_common.h>

#include "e911/dialmatch.h"
#include "e911/snapshot.h"

/* One string a policy answers to: a Hyperscan pattern id -> its number. */
struct snapshot_number_ref {
	uint32_t pattern; /* dialmatch id */
	uint16_t number;  /* index into the policy's numbers */
	uint8_t is_mask;
};

/* Per policy: its refs, sorted by pattern id (binary search). */
struct snapshot_policy {
	const struct snapshot_number_ref *refs;
	uint32_t ref_count;
};

struct snapshot_tag {
	const char *tag;
	uint32_t policy;
};

/* One worker's own tables; nothing here is touched by another worker. */
struct snapshot_worker {
	struct rte_lpm *lpm4;
	struct rte_lpm6 *lpm6;
	struct rte_hash *users; /* key: struct snapshot_identity_key; data: user << 32 | policy */
	struct dialmatch_scratch *scratch;
} __rte_cache_aligned;

struct e911_snapshot {
	uint64_t version;
	struct e911_config *cfg;
	struct dialmatch *dial;
	struct snapshot_policy *policies;
	struct snapshot_number_ref *refs;
	struct snapshot_tag *tags; /* sorted by tag */
	uint32_t tag_count;
	unsigned worker_count;
	struct snapshot_worker workers[];
};

/*
 * The key of a normalised identity in the user hash: 128 bits from two
 * independent 64-bit hashes (FNV-1a, and a multiply-rotate hash with its own
 * seed), each finished with murmur3's avalanche. At 2^-128 per pair a false
 * match is not a practical event, so the classifier does not fetch the stored
 * identity to compare it (a cache miss per lookup, among 100,000 users); the
 * builder refuses a configuration in which two users share a key.
 */
struct snapshot_identity_key {
	uint64_t h[2];
};

static inline uint64_t snapshot_fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static inline struct snapshot_identity_key snapshot_identity_key(const char *s, uint32_t len)
{
	uint64_t a = 0xcbf29ce484222325ull, b = 0x9e3779b97f4a7c15ull ^ len;
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		a = (a ^ c) * 0x100000001b3ull;
		b = ((b ^ c) * 0xbf58476d1ce4e5b9ull);
		b = (b << 31) | (b >> 33);
	}
	return (struct snapshot_identity_key){ { snapshot_fmix64(a), snapshot_fmix64(b) } };
}

/* Build / free one worker's tables (snapshot_tables.c). */
int snapshot_tables_build(struct e911_snapshot *s, unsigned worker, char *err, size_t errlen);
void snapshot_tables_free(struct snapshot_worker *w);

#endif /* E911_SNAPSHOT_INTERNAL_H */
