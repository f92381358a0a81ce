/*
 * snapshot_build.c - compiles a configuration into an immutable snapshot:
 * every distinct dial string and mask once into one Hyperscan database (a
 * string shared by 1,000 policies is compiled once), per policy the sorted
 * list of the pattern ids it answers to, the policy-tag index, and each
 * worker's own tables. Off the fast path.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_internal.h"

/* Distinct strings, by a small open-addressing table over the config's strings. */
struct string_set {
	const char **items; /* id -> string (points into the config) */
	uint32_t count;
	uint32_t *slots; /* 1 + id, 0 = empty */
	uint32_t mask;
};

static uint32_t string_hash(const char *s)
{
	return (uint32_t)snapshot_identity_key(s, (uint32_t)strlen(s)).h[0];
}

static int string_set_init(struct string_set *set, uint32_t capacity)
{
	uint32_t size = 16;
	while (size < capacity * 2)
		size <<= 1;
	set->items = calloc(capacity ? capacity : 1, sizeof(*set->items));
	set->slots = calloc(size, sizeof(*set->slots));
	set->mask = size - 1;
	set->count = 0;
	return set->items && set->slots ? 0 : -ENOMEM;
}

static uint32_t string_set_id(struct string_set *set, const char *s)
{
	for (uint32_t h = string_hash(s) & set->mask;; h = (h + 1) & set->mask) {
		uint32_t slot = set->slots[h];
		if (slot == 0) {
			set->items[set->count] = s;
			set->slots[h] = ++set->count;
			return set->count - 1;
		}
		if (strcmp(set->items[slot - 1], s) == 0)
			return slot - 1;
	}
}

static void string_set_free(struct string_set *set)
{
	free(set->items);
	free(set->slots);
}

static int cmp_ref(const void *a, const void *b)
{
	const struct snapshot_number_ref *x = a, *y = b;
	return (x->pattern > y->pattern) - (x->pattern < y->pattern);
}

static int cmp_tag(const void *a, const void *b)
{
	return strcmp(((const struct snapshot_tag *)a)->tag, ((const struct snapshot_tag *)b)->tag);
}

/* Number each distinct string; record per policy which number each id means. */
static int build_patterns(struct e911_snapshot *s, char *err, size_t errlen)
{
	const struct e911_config *cfg = s->cfg;
	uint32_t total = 0;
	struct string_set set;
	int rc = -ENOMEM;

	for (uint32_t p = 0; p < cfg->policy_count; p++)
		for (uint32_t n = 0; n < cfg->policies[p].number_count; n++)
			total += 1 + cfg->policies[p].numbers[n].dial_mask_count;
	s->policies = calloc(cfg->policy_count ? cfg->policy_count : 1, sizeof(*s->policies));
	s->refs = calloc(total ? total : 1, sizeof(*s->refs));
	if (s->policies == NULL || s->refs == NULL || string_set_init(&set, total) < 0) {
		snprintf(err, errlen, "out of memory for %u dial strings and masks", total);
		goto out;
	}
	struct snapshot_number_ref *ref = s->refs;
	for (uint32_t p = 0; p < cfg->policy_count; p++) {
		const struct e911_policy *pol = &cfg->policies[p];
		s->policies[p].refs = ref;
		for (uint32_t n = 0; n < pol->number_count; n++) {
			const struct e911_emergency_number *num = &pol->numbers[n];
			*ref++ = (struct snapshot_number_ref){ string_set_id(&set, num->dial_string), (uint16_t)n, 0 };
			for (uint32_t m = 0; m < num->dial_mask_count; m++)
				*ref++ = (struct snapshot_number_ref){ string_set_id(&set, num->dial_masks[m]),
								       (uint16_t)n, 1 };
		}
		uint32_t count = (uint32_t)(ref - s->policies[p].refs);
		s->policies[p].ref_count = count;
		qsort(ref - count, count, sizeof(*ref), cmp_ref);
	}
	s->dial = dialmatch_build(set.items, set.count, err, errlen);
	rc = s->dial ? 0 : -EINVAL;
out:
	string_set_free(&set);
	return rc;
}

static int build_tags(struct e911_snapshot *s, char *err, size_t errlen)
{
	const struct e911_config *cfg = s->cfg;

	s->tags = calloc(cfg->policy_count ? cfg->policy_count : 1, sizeof(*s->tags));
	if (s->tags == NULL) {
		snprintf(err, errlen, "out of memory for the policy tags");
		return -ENOMEM;
	}
	for (uint32_t p = 0; p < cfg->policy_count; p++)
		if (cfg->policies[p].tag)
			s->tags[s->tag_count++] = (struct snapshot_tag){ cfg->policies[p].tag, p };
	qsort(s->tags, s->tag_count, sizeof(*s->tags), cmp_tag);
	return 0;
}

/* Free what a snapshot owns except its configuration. */
static void snapshot_free_parts(struct e911_snapshot *s)
{
	for (unsigned w = 0; w < s->worker_count; w++)
		snapshot_tables_free(&s->workers[w]);
	dialmatch_free(s->dial);
	free(s->policies);
	free(s->refs);
	free(s->tags);
	free(s);
}

int snapshot_build(struct e911_config *cfg, unsigned workers, uint64_t version,
		   struct e911_snapshot **out, char *err, size_t errlen)
{
	if (workers == 0 || workers > SNAPSHOT_MAX_WORKERS) {
		snprintf(err, errlen, "%u workers: must be 1 to %u", workers, SNAPSHOT_MAX_WORKERS);
		return -EINVAL;
	}
	struct e911_snapshot *s = calloc(1, sizeof(*s) + workers * sizeof(s->workers[0]));
	if (s == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->version = version;
	s->cfg = cfg;
	s->worker_count = workers;
	int rc = build_patterns(s, err, errlen);
	if (rc == 0)
		rc = build_tags(s, err, errlen);
	for (unsigned w = 0; rc == 0 && w < workers; w++)
		rc = snapshot_tables_build(s, w, err, errlen);
	if (rc < 0) {
		snapshot_free_parts(s);
		return rc;
	}
	*out = s;
	return 0;
}

void snapshot_free(struct e911_snapshot *s)
{
	if (s == NULL)
		return;
	policy_config_free(s->cfg);
	snapshot_free_parts(s);
}

uint64_t snapshot_version(const struct e911_snapshot *s)
{
	return s->version;
}

const struct e911_config *snapshot_config(const struct e911_snapshot *s)
{
	return s->cfg;
}

unsigned snapshot_workers(const struct e911_snapshot *s)
{
	return s->worker_count;
}
