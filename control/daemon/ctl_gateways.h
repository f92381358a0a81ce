/*
 * ctl_gateways.h - the health of every trunk gateway as e911-control sees
 * it (OPTIONS pings by the desk's user agent) and as it told the dataplane
 * ("health ROUTE N up|down"). Rebuilt from each new configuration; a gateway
 * that stays (same route, same address and port) keeps its state.
 * Internal to control/daemon/.
 */
#ifndef E911_CTL_GATEWAYS_H
#define E911_CTL_GATEWAYS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "e911/policy.h"

struct gateway_health {
	char route[E911_NAME_MAX + 1];
	uint32_t index;    /* in the route, as the dataplane counts them */
	char address[64];  /* "198.19.0.20:5060", "[2001:db8::1]:5060" */
	bool up;
	int64_t since;     /* CLOCK_REALTIME seconds of the last change, 0: since start */
};

struct gateways {
	struct gateway_health *items;
	uint32_t count;
};

/** Rebuild from cfg, keeping the state of gateways that stay. @return 0 or -ENOMEM (g unchanged). */
int gateways_rebuild(struct gateways *g, const struct e911_config *cfg);
void gateways_free(struct gateways *g);
/** @return the entry, or NULL. */
struct gateway_health *gateways_find(struct gateways *g, const char *route, uint32_t index);
/** @return how many are down. */
uint32_t gateways_down(const struct gateways *g);

json_t *gateways_json(const struct gateways *g);
char *gateways_text(const struct gateways *g, bool pinging);

#endif /* E911_CTL_GATEWAYS_H */
