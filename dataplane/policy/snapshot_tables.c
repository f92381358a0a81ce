/*
 * snapshot_tables.c - one worker's lookup tables of a snapshot, in DPDK
 * memory: the IPv4 and IPv6 site LPMs (next hop = site index) and the user
 * hash (128-bit key of the normalised identity -> user index << 32 | its
 * policy index, so that a lookup needs no other memory).
 * Built off the fast path, once per worker, so each worker reads only its
 * own copy.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include "snapshot_internal.h"

/* DPDK objects need process-unique names. */
static atomic_uint_fast64_t table_serial;

static void table_name(char *buf, size_t len, const char *kind)
{
	snprintf(buf, len, "e911%s%" PRIuFAST64, kind, atomic_fetch_add(&table_serial, 1));
}

/*
 * Rules and tbl8 groups the LPM tables need. rte_lpm resolves 24 bits in
 * its first table and 8 per tbl8 group: a longer IPv4 prefix needs one
 * group. rte_lpm6 resolves 24 bits first, then 8 per group: a /48 needs up
 * to 3, a /64 up to 5. Counting them keeps the tables (allocated, and
 * zeroed again on free, for each worker) no larger than the configuration.
 */
struct lpm_needs {
	uint32_t rules4, tbl8s4, rules6, tbl8s6;
};

static struct lpm_needs lpm_needs(const struct e911_config *cfg)
{
	struct lpm_needs n = { 0 };
	for (uint32_t i = 0; i < cfg->site_count; i++)
		for (uint32_t k = 0; k < cfg->sites[i].subnet_count; k++) {
			const struct e911_subnet *sn = &cfg->sites[i].subnets[k];
			if (sn->family == E911_IPV4) {
				n.rules4++;
				n.tbl8s4 += sn->prefix_len > 24;
			} else {
				n.rules6++;
				n.tbl8s6 += sn->prefix_len > 24 ? (sn->prefix_len - 24 + 7) / 8 : 0;
			}
		}
	return n;
}

static int build_lpms(struct snapshot_worker *w, const struct e911_config *cfg, char *err,
		      size_t errlen)
{
	char name[RTE_HASH_NAMESIZE];
	struct lpm_needs need = lpm_needs(cfg);
	struct rte_lpm_config c4 = { .max_rules = need.rules4 + 1, .number_tbl8s = need.tbl8s4 + 1 };
	struct rte_lpm6_config c6 = { .max_rules = need.rules6 + 1, .number_tbl8s = need.tbl8s6 + 1 };

	table_name(name, sizeof(name), "l4_");
	w->lpm4 = rte_lpm_create(name, SOCKET_ID_ANY, &c4);
	table_name(name, sizeof(name), "l6_");
	w->lpm6 = rte_lpm6_create(name, SOCKET_ID_ANY, &c6);
	if (w->lpm4 == NULL || w->lpm6 == NULL) {
		snprintf(err, errlen, "cannot allocate the site LPM tables (%u IPv4, %u IPv6 subnets): %s",
			 need.rules4, need.rules6, rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < cfg->site_count; i++) {
		const struct e911_site *site = &cfg->sites[i];
		for (uint32_t k = 0; k < site->subnet_count; k++) {
			const struct e911_subnet *sn = &site->subnets[k];
			int rc;
			if (sn->family == E911_IPV4) {
				uint32_t ip = (uint32_t)sn->address[0] << 24 | (uint32_t)sn->address[1] << 16 |
					      (uint32_t)sn->address[2] << 8 | sn->address[3];
				rc = rte_lpm_add(w->lpm4, ip, sn->prefix_len, i);
			} else {
				rc = rte_lpm6_add(w->lpm6, sn->address, sn->prefix_len, i);
			}
			if (rc < 0) {
				snprintf(err, errlen, "cannot add a subnet of site '%s' to its LPM table: %s",
					 site->name, strerror(-rc));
				return -ENOMEM;
			}
		}
	}
	return 0;
}

static int build_users(struct snapshot_worker *w, const struct e911_config *cfg, char *err,
		       size_t errlen)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters p = {
		.name = name,
		.entries = cfg->user_count < 8 ? 8 : cfg->user_count,
		.key_len = sizeof(struct snapshot_identity_key),
		.socket_id = SOCKET_ID_ANY,
	};

	table_name(name, sizeof(name), "u_");
	w->users = rte_hash_create(&p);
	if (w->users == NULL) {
		snprintf(err, errlen, "cannot allocate the user table (%u users): %s", cfg->user_count,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < cfg->user_count; i++) {
		const char *uri = cfg->users[i].uri;
		struct snapshot_identity_key key = snapshot_identity_key(uri, (uint32_t)strlen(uri));
		void *other;
		if (rte_hash_lookup_data(w->users, &key, &other) >= 0) {
			snprintf(err, errlen, "users '%s' and '%s' have the same table key; rename one",
				 cfg->users[(uintptr_t)other >> 32].uri, uri);
			return -EINVAL;
		}
		/* The user (for messages) and its policy (for the classifier) in one word. */
		uintptr_t data = (uintptr_t)i << 32 | cfg->users[i].policy;
		if (rte_hash_add_key_data(w->users, &key, (void *)data) < 0) {
			snprintf(err, errlen, "cannot add user '%s' to the user table", uri);
			return -ENOMEM;
		}
	}
	return 0;
}

int snapshot_tables_build(struct e911_snapshot *s, unsigned worker, char *err, size_t errlen)
{
	struct snapshot_worker *w = &s->workers[worker];
	int rc;

	if ((rc = build_lpms(w, s->cfg, err, errlen)) < 0 || (rc = build_users(w, s->cfg, err, errlen)) < 0)
		return rc;
	w->scratch = dialmatch_scratch_new(s->dial);
	if (w->scratch == NULL) {
		snprintf(err, errlen, "cannot allocate a Hyperscan scratch");
		return -ENOMEM;
	}
	return 0;
}

void snapshot_tables_free(struct snapshot_worker *w)
{
	rte_lpm_free(w->lpm4);
	rte_lpm6_free(w->lpm6);
	rte_hash_free(w->users);
	dialmatch_scratch_free(w->scratch);
	memset(w, 0, sizeof(*w));
}
