/*
 * dp_events.c - see dp_events.h. One log line per event, with stable keys:
 *   e911 event=call time=... call-id=... policy=... scope=site caller=...
 *        callback=... location=validated gateway=198.19.0.20:5060 dialled=...
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dp.h"
#include "dp_events.h"
#include "dp_json.h"

struct dp_events {
	struct dp *d;
	struct dp_control *control;
	struct dp_event ev;
	char json[8192];
};

struct dp_events *dp_events_new(struct dp *d, struct dp_control *control)
{
	struct dp_events *e = calloc(1, sizeof(*e));
	if (e) {
		e->d = d;
		e->control = control;
	}
	return e;
}

void dp_events_free(struct dp_events *e)
{
	free(e);
}

static const char *const scope_names[] = { "site", "user", "tag", "global" };

static void log_event(const struct dp_event *ev, const struct e911_config *cfg)
{
	char when[32], gw[64] = "-";
	time_t secs = (time_t)(ev->time_ns / 1000000000u);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	const char *policy = cfg && ev->policy < cfg->policy_count ? cfg->policies[ev->policy].name : "?";
	if (cfg && ev->route < cfg->route_count && ev->gateway < cfg->routes[ev->route].gateway_count) {
		const struct e911_gateway *g = &cfg->routes[ev->route].gateways[ev->gateway];
		snprintf(gw, sizeof(gw), "%s:%u", g->address_text, g->port);
	}
	if (ev->kind == DP_EVENT_CALL)
		printf("e911 event=call time=%s call-id=%.*s policy=%s scope=%s caller=%.*s callback=%.*s "
		       "location=%s pidf-bytes=%u gateway=%s dialled=%.*s\n",
		       when, ev->call_id_len, ev->call_id, policy, scope_names[ev->scope & 3], ev->caller_len,
		       ev->caller, ev->identity_len, ev->identity, proxy_location_text(ev->location),
		       ev->pidf_len, gw, ev->dialled_len, ev->dialled);
	else
		printf("e911 event=end time=%s call-id=%.*s method=%s\n", when, ev->call_id_len, ev->call_id,
		       ev->method == SIP_METHOD_CANCEL ? "CANCEL" : "BYE");
}

unsigned dp_events_poll(struct dp_events *e)
{
	const struct e911_snapshot *snap = snapshot_slot_get(e->d->slot);
	const struct e911_config *cfg = snap ? snapshot_config(snap) : NULL;
	unsigned n = 0;
	for (unsigned w = 0; w < e->d->worker_count; w++) {
		struct rte_ring *ring = dp_worker_rings(e->d->workers[w])->events;
		while (rte_ring_sc_dequeue_elem(ring, &e->ev, sizeof(e->ev)) == 0) {
			log_event(&e->ev, cfg);
			if (e->control)
				dp_control_push(e->control, e->json, dp_json_event(&e->ev, cfg, e->json, sizeof(e->json)));
			n++;
		}
	}
	if (n)
		fflush(stdout);
	return n;
}
