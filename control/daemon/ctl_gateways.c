/*
 * ctl_gateways.c - trunk gateway health (see ctl_gateways.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_gateways.h"

int gateways_rebuild(struct gateways *g, const struct e911_config *cfg)
{
	uint32_t n = 0;
	for (uint32_t r = 0; r < cfg->route_count; r++)
		n += cfg->routes[r].gateway_count;
	struct gateway_health *items = calloc(n ? n : 1, sizeof(*items));
	if (!items)
		return -ENOMEM;
	uint32_t k = 0;
	for (uint32_t r = 0; r < cfg->route_count; r++) {
		const struct e911_route *route = &cfg->routes[r];
		for (uint32_t i = 0; i < route->gateway_count; i++, k++) {
			const struct e911_gateway *gw = &route->gateways[i];
			struct gateway_health *h = &items[k];
			snprintf(h->route, sizeof(h->route), "%s", route->name);
			h->index = i;
			snprintf(h->address, sizeof(h->address), "%s%s%s:%u", gw->family == E911_IPV6 ? "[" : "",
				 gw->address_text, gw->family == E911_IPV6 ? "]" : "", gw->port);
			h->up = true;
			for (uint32_t o = 0; o < g->count; o++)
				if (!strcmp(g->items[o].route, h->route) && !strcmp(g->items[o].address, h->address)) {
					h->up = g->items[o].up;
					h->since = g->items[o].since;
				}
		}
	}
	free(g->items);
	g->items = items;
	g->count = n;
	return 0;
}

void gateways_free(struct gateways *g)
{
	free(g->items);
	g->items = NULL;
	g->count = 0;
}

struct gateway_health *gateways_find(struct gateways *g, const char *route, uint32_t index)
{
	for (uint32_t i = 0; i < g->count; i++)
		if (g->items[i].index == index && !strcmp(g->items[i].route, route))
			return &g->items[i];
	return NULL;
}

uint32_t gateways_down(const struct gateways *g)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < g->count; i++)
		n += !g->items[i].up;
	return n;
}

json_t *gateways_json(const struct gateways *g)
{
	json_t *a = json_array();
	for (uint32_t i = 0; a && i < g->count; i++) {
		const struct gateway_health *h = &g->items[i];
		json_array_append_new(a, json_pack("{s:s, s:i, s:s, s:s, s:I}", "route", h->route, "index",
						   (int)h->index, "address", h->address, "health", h->up ? "up" : "down",
						   "since", (json_int_t)h->since));
	}
	return a;
}

char *gateways_text(const struct gateways *g, bool pinging)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	fprintf(f, "%-24s %3s  %-40s %-6s %s\n", "route", "#", "gateway", "health", "since");
	for (uint32_t i = 0; i < g->count; i++) {
		const struct gateway_health *h = &g->items[i];
		char since[32] = "start";
		if (h->since) {
			struct tm tm;
			time_t t = (time_t)h->since;
			localtime_r(&t, &tm);
			strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%S%z", &tm);
		}
		fprintf(f, "%-24s %3u  %-40s %-6s %s\n", h->route, h->index, h->address, h->up ? "up" : "down", since);
	}
	if (!pinging)
		fputs("(OPTIONS pings are off: --options-interval 0; every gateway counts as up)\n", f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
