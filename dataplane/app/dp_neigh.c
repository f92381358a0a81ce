/*
 * dp_neigh.c - the neighbour table (IP -> MAC): DPDK's rte_hash with
 * lock-free concurrent reads, written by main only (ARP/ND learnt by the
 * workers, static neighbours), read by every worker. Entries are never
 * deleted (a changed MAC overwrites), so readers need no RCU for it.
 * Key: 16 bytes, IPv4 as ::ffff:a.b.c.d; data: the MAC in a 64-bit value.
 *
 * Every forwarded message needs its next hop's MAC, nearly always one of a
 * handful (the router, the trunk's gateways), so each worker keeps a small
 * direct-mapped copy (struct dp_neigh_cache) in front of the hash: a hit is a
 * 16-byte compare instead of jhash and a bucket walk in a table shared with
 * main. Main bumps a generation number after every change of the table; an
 * entry is good only while it carries the current one, so a changed MAC is
 * seen by the next lookup after the change, as without the cache.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>

#include "dp.h"

struct dp_neigh {
	struct rte_hash *h;
	uint32_t generation; /* main: +1 after every change (release); workers: acquire */
};

static void make_key(uint8_t family, const uint8_t ip[16], uint8_t key[16])
{
	if (family == 4) {
		memset(key, 0, 10);
		key[10] = key[11] = 0xff;
		memcpy(key + 12, ip, 4);
	} else {
		memcpy(key, ip, 16);
	}
}

struct dp_neigh *dp_neigh_new(uint32_t entries)
{
	struct dp_neigh *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	struct rte_hash_parameters params = {
		.name = "dp_neighbours",
		.entries = entries,
		.key_len = 16,
		.hash_func = rte_jhash, /* keys are aligned here, unlike packet bytes */
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	n->h = rte_hash_create(&params);
	if (!n->h) {
		free(n);
		return NULL;
	}
	n->generation = 1; /* a zeroed cache entry (generation 0) is never good */
	return n;
}

void dp_neigh_free(struct dp_neigh *n)
{
	if (!n)
		return;
	rte_hash_free(n->h);
	free(n);
}

int dp_neigh_set(struct dp_neigh *n, uint8_t family, const uint8_t ip[16], const uint8_t mac[6])
{
	uint8_t key[16] __rte_aligned(8);
	uint64_t value = 0;
	make_key(family, ip, key);
	memcpy(&value, mac, 6);
	value |= 1ull << 63; /* never 0: a NULL data pointer reads as "no MAC" */
	void *old;
	if (rte_hash_lookup_data(n->h, key, &old) >= 0 && (uint64_t)(uintptr_t)old == value)
		return 0; /* ARP and ND repeat what we know: keep the workers' caches */
	int rc = rte_hash_add_key_data(n->h, key, (void *)(uintptr_t)value);
	uint32_t next = n->generation + 1;
	__atomic_store_n(&n->generation, next ? next : 1, __ATOMIC_RELEASE);
	return rc;
}

bool dp_neigh_get(const struct dp_neigh *n, uint8_t family, const uint8_t ip[16], uint8_t mac[6])
{
	uint8_t key[16] __rte_aligned(8);
	void *data;
	make_key(family, ip, key);
	if (rte_hash_lookup_data(n->h, key, &data) < 0)
		return false;
	uint64_t value = (uint64_t)(uintptr_t)data;
	memcpy(mac, &value, 6);
	return true;
}

bool dp_neigh_get_cached(const struct dp_neigh *n, struct dp_neigh_cache *c, uint8_t family,
			 const uint8_t ip[16], uint8_t mac[6])
{
	uint8_t key[16] __rte_aligned(8);
	make_key(family, ip, key);
	/* Loaded before the table is read: a change after this makes the entry stale at once. */
	uint32_t gen = __atomic_load_n(&n->generation, __ATOMIC_ACQUIRE);
	uint64_t k0, k1;
	memcpy(&k0, key, 8);
	memcpy(&k1, key + 8, 8);
	uint64_t mix = (k0 ^ k1) * 0x9e3779b97f4a7c15ull;
	struct dp_neigh_cache_entry *e = &c->entry[mix >> (64 - DP_NEIGH_CACHE_BITS)];
	if (e->generation == gen && e->key[0] == k0 && e->key[1] == k1) {
		memcpy(mac, e->mac, 6);
		return true;
	}
	void *data;
	if (rte_hash_lookup_data(n->h, key, &data) < 0)
		return false; /* not cached: the first message after an answer finds it in the table */
	uint64_t value = (uint64_t)(uintptr_t)data;
	memcpy(mac, &value, 6);
	memcpy(e->mac, mac, 6);
	e->key[0] = k0;
	e->key[1] = k1;
	e->generation = gen;
	return true;
}
