/*
 * dp_config.c - applying a policy configuration: every gateway reachable
 * from one of our addresses, compile (snapshot_build), publish (RCU: the
 * workers see the old tables or the new ones, never a mix, and no packet
 * waits), and keep the replaced snapshot until the next apply.
 */
#include <stdio.h>

#include "dp.h"
#include "dp_control.h"

static struct e911_snapshot *retired;
static uint64_t last_version;

static int check_routable(const struct e911_config *cfg, const struct dp_options *o, char *err,
			  size_t errlen)
{
	bool family[7] = { false };
	for (uint32_t i = 0; i < o->proxy.self_count; i++)
		family[o->proxy.self[i].ep.family] = true;
	for (uint32_t r = 0; r < cfg->route_count; r++)
		for (uint32_t g = 0; g < cfg->routes[r].gateway_count; g++) {
			const struct e911_gateway *gw = &cfg->routes[r].gateways[g];
			if (!family[gw->family]) {
				snprintf(err, errlen,
					 "route %s: gateway %s is IPv%u, but no --sip-address is: emergency "
					 "calls could not reach it",
					 cfg->routes[r].name, gw->address_text, gw->family);
				return -1;
			}
		}
	if (cfg->route_count > sizeof(dp.gateway_down) / sizeof(dp.gateway_down[0])) {
		snprintf(err, errlen, "%u routes: at most %zu", cfg->route_count,
			 sizeof(dp.gateway_down) / sizeof(dp.gateway_down[0]));
		return -1;
	}
	return 0;
}

int dp_apply_config(struct dp *d, struct e911_config *cfg, char *err, size_t errlen)
{
	if (check_routable(cfg, &d->opt, err, errlen) != 0) {
		policy_config_free(cfg);
		return -1;
	}
	struct e911_snapshot *snap;
	if (snapshot_build(cfg, d->worker_count, last_version + 1, &snap, err, errlen) != 0) {
		policy_config_free(cfg);
		return -1;
	}
	struct e911_snapshot *old;
	snapshot_slot_publish(d->slot, snap, &old);
	last_version++;
	for (size_t r = 0; r < sizeof(d->gateway_down) / sizeof(d->gateway_down[0]); r++)
		__atomic_store_n(&d->gateway_down[r], 0, __ATOMIC_RELAXED);
	snapshot_free(retired); /* two publications old: no reader left */
	retired = old;
	return 0;
}

void dp_config_cleanup(struct dp *d)
{
	(void)d;
	snapshot_free(retired);
	retired = NULL;
}
