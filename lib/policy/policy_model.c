/*
 * policy_model.c - what can be done with a configuration once it exists:
 * free it in one call, compare two field by field (the round-trip test, and
 * the control process deciding whether a change changes anything), and find
 * an entry by name for the control socket's commands. Lookups are linear on
 * purpose: they serve commands, and the dataplane snapshot has its own
 * indexes. Free tolerates a configuration that a failed build left half
 * filled (arrays are calloc'd, counts may exceed what was allocated).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

static void free_policy(struct e911_policy *p)
{
	free(p->name);
	free(p->description);
	free(p->tag);
	free(p->disclaimer);
	for (uint32_t i = 0; p->notification_uris && i < p->notification_uri_count; i++)
		free(p->notification_uris[i]);
	free(p->notification_uris);
	free(p->conference_uri);
	free(p->resource_priority);
	free(p->numbers);
}

void policy_config_free(struct e911_config *cfg)
{
	if (cfg == NULL)
		return;
	for (uint32_t i = 0; cfg->policies && i < cfg->policy_count; i++)
		free_policy(&cfg->policies[i]);
	for (uint32_t i = 0; cfg->routes && i < cfg->route_count; i++) {
		struct e911_route *r = &cfg->routes[i];
		for (uint32_t g = 0; r->gateways && g < r->gateway_count; g++)
			free(r->gateways[g].address_text);
		free(r->gateways);
		free(r->name);
	}
	for (uint32_t i = 0; cfg->sites && i < cfg->site_count; i++) {
		free(cfg->sites[i].name);
		free(cfg->sites[i].subnets);
	}
	for (uint32_t i = 0; cfg->users && i < cfg->user_count; i++)
		free(cfg->users[i].uri);
	free(cfg->policies);
	free(cfg->routes);
	free(cfg->sites);
	free(cfg->users);
	free(cfg->version);
	free(cfg);
}

/* Two optional strings: both absent, or both present and equal. */
static bool str_eq(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool gateway_eq(const struct e911_gateway *a, const struct e911_gateway *b)
{
	return str_eq(a->address_text, b->address_text) && a->family == b->family &&
	       memcmp(a->address, b->address, 16) == 0 && a->port == b->port &&
	       a->transport == b->transport && a->priority == b->priority && a->weight == b->weight;
}

static bool route_eq(const struct e911_route *a, const struct e911_route *b)
{
	if (!str_eq(a->name, b->name) || a->gateway_count != b->gateway_count)
		return false;
	for (uint32_t i = 0; i < a->gateway_count; i++)
		if (!gateway_eq(&a->gateways[i], &b->gateways[i]))
			return false;
	return true;
}

static bool number_eq(const struct e911_emergency_number *a, const struct e911_emergency_number *b)
{
	if (strcmp(a->dial_string, b->dial_string) != 0 || a->route != b->route ||
	    a->dial_mask_count != b->dial_mask_count)
		return false;
	for (uint32_t i = 0; i < a->dial_mask_count; i++)
		if (strcmp(a->dial_masks[i], b->dial_masks[i]) != 0)
			return false;
	return true;
}

static bool policy_eq(const struct e911_policy *a, const struct e911_policy *b)
{
	if (!str_eq(a->name, b->name) || !str_eq(a->description, b->description) ||
	    !str_eq(a->tag, b->tag) ||
	    a->enhanced_emergency_services_enabled != b->enhanced_emergency_services_enabled ||
	    a->location_required != b->location_required ||
	    a->use_location_for_e911_only != b->use_location_for_e911_only ||
	    !str_eq(a->disclaimer, b->disclaimer) ||
	    a->location_refresh_interval != b->location_refresh_interval ||
	    a->notification_uri_count != b->notification_uri_count ||
	    !str_eq(a->conference_uri, b->conference_uri) ||
	    (a->conference_uri != NULL && a->conference_mode != b->conference_mode) ||
	    !str_eq(a->resource_priority, b->resource_priority) ||
	    a->number_count != b->number_count)
		return false;
	for (uint32_t i = 0; i < a->notification_uri_count; i++)
		if (!str_eq(a->notification_uris[i], b->notification_uris[i]))
			return false;
	for (uint32_t i = 0; i < a->number_count; i++)
		if (!number_eq(&a->numbers[i], &b->numbers[i]))
			return false;
	return true;
}

static bool site_eq(const struct e911_site *a, const struct e911_site *b)
{
	if (!str_eq(a->name, b->name) || a->policy != b->policy ||
	    a->subnet_count != b->subnet_count)
		return false;
	for (uint32_t i = 0; i < a->subnet_count; i++)
		if (net_subnet_cmp(&a->subnets[i], &b->subnets[i]) != 0)
			return false;
	return true;
}

bool policy_config_equal(const struct e911_config *a, const struct e911_config *b)
{
	if (!str_eq(a->version, b->version) || a->policy_count != b->policy_count ||
	    a->route_count != b->route_count || a->site_count != b->site_count ||
	    a->user_count != b->user_count || a->global_policy != b->global_policy)
		return false;
	for (uint32_t i = 0; i < a->route_count; i++)
		if (!route_eq(&a->routes[i], &b->routes[i]))
			return false;
	for (uint32_t i = 0; i < a->policy_count; i++)
		if (!policy_eq(&a->policies[i], &b->policies[i]))
			return false;
	for (uint32_t i = 0; i < a->site_count; i++)
		if (!site_eq(&a->sites[i], &b->sites[i]))
			return false;
	for (uint32_t i = 0; i < a->user_count; i++)
		if (!str_eq(a->users[i].uri, b->users[i].uri) ||
		    a->users[i].policy != b->users[i].policy)
			return false;
	return true;
}

int policy_config_find_policy(const struct e911_config *cfg, const char *name)
{
	for (uint32_t i = 0; i < cfg->policy_count; i++)
		if (strcmp(cfg->policies[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int policy_config_find_route(const struct e911_config *cfg, const char *name)
{
	for (uint32_t i = 0; i < cfg->route_count; i++)
		if (strcmp(cfg->routes[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int policy_config_find_site(const struct e911_config *cfg, const char *name)
{
	for (uint32_t i = 0; i < cfg->site_count; i++)
		if (strcmp(cfg->sites[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

int policy_config_find_user(const struct e911_config *cfg, const char *uri)
{
	char norm[E911_URI_MAX + 1];
	size_t len = strlen(uri);
	int rc;

	if (len > E911_URI_MAX)
		return -ENOENT; /* longer than any configured identity */
	rc = policy_uri_normalise(uri, (uint32_t)len, norm, sizeof(norm));
	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < cfg->user_count; i++)
		if (strcmp(cfg->users[i].uri, norm) == 0)
			return (int)i;
	return -ENOENT;
}
