/*
 * snapshot_classify.c - the classify call of the workers: which policy
 * applies to a caller (site by longest prefix, else user, else PIDF-LO tag,
 * else Global), and whether what it dialled is an emergency number of that
 * policy. One LPM lookup, at most one hash lookup, one Hyperscan scan, one
 * binary search; no allocation, no system call, no lock.
 */
#include <errno.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_lpm.h>
#include <rte_lpm6.h>

#include "snapshot_internal.h"

#define IDENTITY_MAX 512 /* a longer caller identity is not looked up */

static uint32_t site_of(const struct snapshot_worker *w, const struct classify_query *q)
{
	uint32_t hop;

	if (q->family == E911_IPV4) {
		uint32_t ip = (uint32_t)q->addr[0] << 24 | (uint32_t)q->addr[1] << 16 |
			      (uint32_t)q->addr[2] << 8 | q->addr[3];
		return rte_lpm_lookup(w->lpm4, ip, &hop) == 0 ? hop : SNAPSHOT_NONE;
	}
	if (q->family == E911_IPV6)
		return rte_lpm6_lookup(w->lpm6, q->addr, &hop) == 0 ? hop : SNAPSHOT_NONE;
	return SNAPSHOT_NONE;
}

static uint32_t user_policy(const struct snapshot_worker *w, struct e911_slice identity)
{
	char norm[IDENTITY_MAX];
	void *data;

	if (identity.len == 0 || identity.len >= sizeof(norm))
		return SNAPSHOT_NONE;
	int len = policy_uri_normalise(identity.p, identity.len, norm, sizeof(norm));
	if (len <= 0)
		return SNAPSHOT_NONE;
	struct snapshot_identity_key key = snapshot_identity_key(norm, (uint32_t)len);
	if (rte_hash_lookup_data(w->users, &key, &data) < 0)
		return SNAPSHOT_NONE;
	return (uint32_t)(uintptr_t)data; /* user << 32 | policy */
}

static uint32_t tag_policy(const struct e911_snapshot *s, struct e911_slice tag)
{
	uint32_t lo = 0, hi = s->tag_count;

	while (tag.len && lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *t = s->tags[mid].tag;
		int c = strncmp(t, tag.p, tag.len);
		if (c == 0 && t[tag.len] != '\0')
			c = 1;
		if (c == 0)
			return s->tags[mid].policy;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SNAPSHOT_NONE;
}

static const struct snapshot_number_ref *find_ref(const struct snapshot_policy *p, uint32_t pattern)
{
	uint32_t lo = 0, hi = p->ref_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (p->refs[mid].pattern == pattern)
			return &p->refs[mid];
		if (p->refs[mid].pattern < pattern)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The pattern id the Request-URI matches, or DIALMATCH_NONE. */
static uint32_t dialled_pattern(const struct e911_snapshot *s, struct snapshot_worker *w,
				const struct sip_uri *ruri, bool *scan_failed)
{
	char digits[SIP_MAX_DIGITS];
	int failed = 0;
	uint32_t id = DIALMATCH_NONE;

	if (ruri->scheme == SIP_SCHEME_URN) {
		id = dialmatch_scan(s->dial, w->scratch, ruri->whole.p, ruri->whole.len, &failed);
	} else {
		int n = sip_uri_dialled_digits(ruri, digits, sizeof(digits));
		if (n > 0)
			id = dialmatch_scan(s->dial, w->scratch, digits, (uint32_t)n, &failed);
	}
	*scan_failed = failed != 0;
	return id;
}

int snapshot_classify(const struct e911_snapshot *s, unsigned worker,
		      const struct classify_query *q, struct classify_result *r)
{
	if (worker >= s->worker_count)
		return -EINVAL;
	/* The worker's own tables; the const is the snapshot's, the scratch is its to write. */
	struct snapshot_worker *w = (struct snapshot_worker *)(uintptr_t)&s->workers[worker];
	const struct e911_config *cfg = s->cfg;

	*r = (struct classify_result){ .site = SNAPSHOT_NONE, .number = SNAPSHOT_NONE,
				       .route = SNAPSHOT_NONE };
	uint32_t policy;
	r->site = site_of(w, q);
	if (r->site != SNAPSHOT_NONE) {
		policy = cfg->sites[r->site].policy;
		r->scope = CLASSIFY_SCOPE_SITE;
	} else if ((policy = user_policy(w, q->identity)) != SNAPSHOT_NONE) {
		r->scope = CLASSIFY_SCOPE_USER;
	} else if ((policy = tag_policy(s, q->policy_tag)) != SNAPSHOT_NONE) {
		r->scope = CLASSIFY_SCOPE_TAG;
	} else {
		policy = cfg->global_policy;
		r->scope = CLASSIFY_SCOPE_GLOBAL;
	}
	r->policy = policy;

	uint32_t pattern = dialled_pattern(s, w, q->ruri, &r->scan_failed);
	const struct e911_policy *pol = &cfg->policies[policy];
	if (pattern == DIALMATCH_NONE)
		return 0;
	if (pattern == DIALMATCH_SOS(s->dial)) {
		/* urn:service:sos is an emergency call under every policy: its first number routes it. */
		r->match = CLASSIFY_MATCH_SOS;
		r->number = 0;
	} else {
		const struct snapshot_number_ref *ref = find_ref(&s->policies[policy], pattern);
		if (ref == NULL)
			return 0; /* an emergency number of other policies, not of this caller's */
		r->match = ref->is_mask ? CLASSIFY_MATCH_MASK : CLASSIFY_MATCH_DIAL_STRING;
		r->number = ref->number;
	}
	r->emergency = true;
	r->e911 = pol->enhanced_emergency_services_enabled;
	r->route = pol->numbers[r->number].route;
	r->dial_string = pol->numbers[r->number].dial_string;
	return 0;
}
