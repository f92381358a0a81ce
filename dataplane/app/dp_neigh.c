/*
 * dp_neigh.c - the neighbour table (IP -> MAC): DPDK's rte_hash with
 * lock-free concurrent reads, written by main only (ARP/ND learnt by the
 * workers, static neighbours), read by every worker. Entries are never
 * deleted (a changed MAC overwrites), so readers need no RCU for it.
 * Key: 16 bytes, IPv4 as ::ffff:a.b.c.d; data: the MAC in a 64-bit value.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_lcore.h>

#include "dp.h"

struct dp_neigh {
	struct rte_hash *h;
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
	return rte_hash_add_key_data(n->h, key, (void *)(uintptr_t)value);
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
