/*
 * policy_check.c - the checks that look across entries of a configuration:
 * names (of policies, routes, sites), policy tags and users defined twice;
 * a subnet in two sites or twice in one; the dial strings and masks of a
 * policy, where a string may appear once only (a mask equal to a dial string
 * or to another mask would make the translation ambiguous); and the Global
 * policy. Duplicates are found by sorting indexes, so a configuration of
 * 100,000 users is checked in O(n log n); each repeat is reported at its own
 * line, naming the line of the first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

/* A string key of entry i of a configuration (NULL: the entry has none). */
typedef const char *key_fn(const struct e911_config *c, uint32_t i);

static const char *route_name(const struct e911_config *c, uint32_t i)
{
	return c->routes[i].name;
}

static const char *policy_name(const struct e911_config *c, uint32_t i)
{
	return c->policies[i].name;
}

static const char *policy_tag(const struct e911_config *c, uint32_t i)
{
	return c->policies[i].tag;
}

static const char *site_name(const struct e911_config *c, uint32_t i)
{
	return c->sites[i].name;
}

static const char *user_uri(const struct e911_config *c, uint32_t i)
{
	return c->users[i].uri;
}

struct sort_arg {
	const struct e911_config *cfg;
	key_fn *key;
};

/* By key, then by index: the first of equal keys is the first in the document. */
static int cmp_key(const void *a, const void *b, void *arg)
{
	const struct sort_arg *s = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int rc = strcmp(s->key(s->cfg, x), s->key(s->cfg, y));

	return rc ? rc : (x < y ? -1 : 1);
}

/*
 * The indexes of the n entries that have a key, sorted by key; each entry
 * whose key an earlier entry has is reported ("WHAT 'KEY' is defined twice").
 */
static int sort_keys(struct build *b, uint32_t n, key_fn *key, const uint32_t *lines,
		     const char *what, uint32_t **out)
{
	struct sort_arg arg = { b->cfg, key };
	uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	uint32_t k = 0, first = 0;

	*out = idx;
	if (idx == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		if (key(b->cfg, i) != NULL)
			idx[k++] = i;
	qsort_r(idx, k, sizeof(*idx), cmp_key, &arg);
	for (uint32_t i = 1; i < k; i++) {
		if (strcmp(key(b->cfg, idx[i]), key(b->cfg, idx[first])) != 0) {
			first = i;
			continue;
		}
		BUILD_ERR(b, lines[idx[i]], "%s '%s' is defined twice (first at line %u)", what,
			  key(b->cfg, idx[i]), lines[idx[first]]);
	}
	return 0;
}

int check_index_names(struct build *b)
{
	const struct e911_config *c = b->cfg;
	int rc = sort_keys(b, c->route_count, route_name, b->lines.routes, "route",
			   &b->route_by_name);

	if (rc < 0)
		return rc;
	return sort_keys(b, c->policy_count, policy_name, b->lines.policies, "policy",
			 &b->policy_by_name);
}

static int64_t find(const struct e911_config *c, const uint32_t *sorted, uint32_t n,
		    key_fn *key, const char *name)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int rc = strcmp(name, key(c, sorted[mid]));
		if (rc == 0)
			return sorted[mid];
		if (rc < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

int64_t check_find_route(const struct build *b, const char *name)
{
	return find(b->cfg, b->route_by_name, b->cfg->route_count, route_name, name);
}

int64_t check_find_policy(const struct build *b, const char *name)
{
	return find(b->cfg, b->policy_by_name, b->cfg->policy_count, policy_name, name);
}

/* ---- dial strings and masks of one policy ---- */

struct dial_entry {
	const char *digits;
	uint32_t number; /* index of the emergency number */
	uint32_t mask;   /* 0: the dial string; k: its mask k - 1 */
};

static int cmp_dial(const void *a, const void *b)
{
	const struct dial_entry *x = a, *y = b;
	int rc = strcmp(x->digits, y->digits);

	if (rc == 0)
		rc = x->number != y->number ? (x->number < y->number ? -1 : 1) : 0;
	if (rc == 0)
		rc = x->mask != y->mask ? (x->mask < y->mask ? -1 : 1) : 0;
	return rc;
}

/* y repeats x (same digits; x first in the document). */
static void report_dial(struct build *b, const struct e911_policy *p, const uint32_t *lines,
			const struct dial_entry *x, const struct dial_entry *y)
{
	const char *xs = p->numbers[x->number].dial_string;
	const char *ys = p->numbers[y->number].dial_string;
	uint32_t line = lines[y->number], first = lines[x->number];

	if (x->mask == 0 && y->mask == 0)
		BUILD_ERR(b, line,
			  "policy '%s': emergency-number '%s' is defined twice (first at line %u)",
			  p->name, ys, first);
	else if (x->number == y->number && x->mask == 0)
		BUILD_ERR(b, line,
			  "policy '%s': emergency-number '%s': dial mask '%s' equals its own dial string",
			  p->name, ys, y->digits);
	else if (x->number == y->number)
		BUILD_ERR(b, line, "policy '%s': emergency-number '%s': dial mask '%s' is repeated",
			  p->name, ys, y->digits);
	else if (x->mask == 0 || y->mask == 0)
		BUILD_ERR(b, line,
			  "policy '%s': dial mask '%s' of emergency-number '%s' is the dial string of "
			  "emergency-number '%s' (lines %u and %u)", p->name, y->digits,
			  x->mask ? xs : ys, y->digits, first, line);
	else
		BUILD_ERR(b, line,
			  "policy '%s': dial mask '%s' belongs to emergency-numbers '%s' (line %u) and '%s'",
			  p->name, y->digits, xs, first, ys);
}

int check_numbers(struct build *b, uint32_t policy)
{
	const struct e911_policy *p = &b->cfg->policies[policy];
	struct dial_entry e[E911_MAX_NUMBERS * (1 + E911_MAX_DIAL_MASKS)];
	uint32_t n = 0, first = 0;

	for (uint32_t i = 0; i < p->number_count; i++) {
		e[n++] = (struct dial_entry){ p->numbers[i].dial_string, i, 0 };
		for (uint32_t m = 0; m < p->numbers[i].dial_mask_count; m++)
			e[n++] = (struct dial_entry){ p->numbers[i].dial_masks[m], i, m + 1 };
	}
	qsort(e, n, sizeof(e[0]), cmp_dial);
	for (uint32_t i = 1; i < n; i++) {
		if (strcmp(e[i].digits, e[first].digits) != 0) {
			first = i;
			continue;
		}
		report_dial(b, p, b->lines.numbers[policy], &e[first], &e[i]);
	}
	return 0;
}

/* ---- subnets ---- */

struct subnet_ref {
	uint32_t site;
	uint32_t subnet;
};

static int cmp_subnet(const void *a, const void *b, void *arg)
{
	const struct e911_config *c = arg;
	const struct subnet_ref *x = a, *y = b;
	int rc = net_subnet_cmp(&c->sites[x->site].subnets[x->subnet],
				&c->sites[y->site].subnets[y->subnet]);

	if (rc == 0 && x->site != y->site)
		rc = x->site < y->site ? -1 : 1;
	if (rc == 0)
		rc = x->subnet < y->subnet ? -1 : 1;
	return rc;
}

static int check_subnets(struct build *b)
{
	const struct e911_config *c = b->cfg;
	struct subnet_ref *refs;
	uint64_t total = 0;
	uint32_t n = 0, first = 0;
	char text[64];

	for (uint32_t s = 0; s < c->site_count; s++)
		total += c->sites[s].subnet_count;
	refs = malloc((total ? total : 1) * sizeof(*refs));
	if (refs == NULL)
		return -ENOMEM;
	for (uint32_t s = 0; s < c->site_count; s++)
		for (uint32_t i = 0; i < c->sites[s].subnet_count; i++)
			if (c->sites[s].subnets[i].family != 0) /* 0: did not parse */
				refs[n++] = (struct subnet_ref){ s, i };
	qsort_r(refs, n, sizeof(*refs), cmp_subnet, (void *)(uintptr_t)c);
	for (uint32_t i = 1; i < n; i++) {
		const struct subnet_ref *x = &refs[first], *y = &refs[i];
		const struct e911_subnet *sn = &c->sites[y->site].subnets[y->subnet];
		uint32_t line = b->lines.subnets[y->site][y->subnet];
		uint32_t first_line = b->lines.subnets[x->site][x->subnet];

		if (net_subnet_cmp(&c->sites[x->site].subnets[x->subnet], sn) != 0) {
			first = i;
			continue;
		}
		net_ntop(sn->family, sn->address, text, sizeof(text));
		if (x->site == y->site)
			BUILD_ERR(b, line,
				  "site '%s': subnet %s/%u is listed twice (first at line %u)",
				  c->sites[y->site].name, text, sn->prefix_len, first_line);
		else
			BUILD_ERR(b, line,
				  "site '%s': subnet %s/%u is already in site '%s' (line %u)",
				  c->sites[y->site].name, text, sn->prefix_len,
				  c->sites[x->site].name, first_line);
	}
	free(refs);
	return 0;
}

int check_config(struct build *b)
{
	const struct e911_config *c = b->cfg;
	uint32_t *idx;
	int64_t global;
	int rc;

	rc = sort_keys(b, c->site_count, site_name, b->lines.sites, "site", &idx);
	free(idx);
	if (rc < 0)
		return rc;
	rc = sort_keys(b, c->user_count, user_uri, b->lines.users, "user", &idx);
	free(idx);
	if (rc < 0)
		return rc;
	rc = sort_keys(b, c->policy_count, policy_tag, b->lines.policies, "policy tag", &idx);
	free(idx);
	if (rc < 0)
		return rc;
	if ((rc = check_subnets(b)) < 0)
		return rc;
	global = check_find_policy(b, E911_GLOBAL_POLICY);
	if (global < 0)
		BUILD_ERR(b, b->root_line,
			  "no policy is named '%s' (the policy of calls that no site or user policy covers)",
			  E911_GLOBAL_POLICY);
	b->cfg->global_policy = global < 0 ? 0 : (uint32_t)global;
	return 0;
}
