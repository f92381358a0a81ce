/*
 * ctl_desk.c - the security desk's part of an emergency call, and the trunk
 * gateways' health: what the policy asks for (a MESSAGE to each
 * notification URI, a conference call to its conference URI) is handed to
 * the user agent (include/e911/ua.h, its own thread), and what it reports
 * comes back into the call record, the log, the metrics and, for gateway
 * health, the dataplane. Nothing here can delay a call: the dataplane routed
 * it before the event reached us.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "e911/notify.h"
#include "e911/ua.h"
#include "ctl.h"
#include "ctl_desk.h"

void desk_call_began(struct ctl *c, struct call_record *r, const struct pidf_location *loc)
{
	int p = policy_config_find_policy(c->config, r->policy);
	if (p < 0 || !c->ua)
		return;
	const struct e911_policy *pol = &c->config->policies[p];
	if (!pol->enhanced_emergency_services_enabled)
		return; /* routed, but not as an E9-1-1 call: no desk work */

	char text[2048];
	notify_text(r, text, sizeof(text));
	r->notify_count = pol->notification_uri_count;
	for (uint32_t i = 0; i < pol->notification_uri_count; i++) {
		snprintf(r->notify[i].uri, sizeof(r->notify[i].uri), "%s", pol->notification_uris[i]);
		r->notify[i].state = CALL_NOTIFY_PENDING;
		if (ua_notify(c->ua, r->ref, i, pol->notification_uris[i], text, r->time_ns) != 0) {
			r->notify[i].state = CALL_NOTIFY_ERROR;
			c->notify_outcomes[CALL_NOTIFY_ERROR]++;
			ctl_log(c, "event=notify ref=%llu uri=%s outcome=error reason=\"not sent\"",
				(unsigned long long)r->ref, pol->notification_uris[i]);
		}
	}

	/* The conference URI and mode are the policy's: a client's PIDF-LO may
	 * ask for others (recorded in the log), but it never chooses whom this
	 * proxy calls into an emergency call. */
	if (loc->conference_uri[0] || loc->has_conference_mode)
		ctl_log(c, "event=conference-request ref=%llu uri=\"%s\" mode=%s", (unsigned long long)r->ref,
			loc->conference_uri,
			!loc->has_conference_mode ? "-"
			: loc->conference_mode == E911_CONFERENCE_TWO_WAY ? "two-way" : "one-way");
	if (!pol->conference_uri)
		return;
	snprintf(r->conference_uri, sizeof(r->conference_uri), "%s", pol->conference_uri);
	r->conference_mode = pol->conference_mode;
	r->conference = CALL_CONFERENCE_CALLING;
	char subject[CALL_NUMBER_MAX + E911_URI_MAX + 32];
	snprintf(subject, sizeof(subject), "Emergency call %s from %s", r->dialled,
		 r->callback[0] ? r->callback : r->caller);
	if (ua_conference_start(c->ua, r->ref, pol->conference_uri, pol->conference_mode, r->call_id, r->caller,
				subject) != 0) {
		r->conference = CALL_CONFERENCE_FAILED;
		c->conference_outcomes[CALL_CONFERENCE_FAILED]++;
		ctl_log(c, "event=conference ref=%llu uri=%s state=failed reason=\"not sent\"",
			(unsigned long long)r->ref, pol->conference_uri);
	}
}

static bool conference_live(const struct call_record *r)
{
	return r->conference == CALL_CONFERENCE_CALLING || r->conference == CALL_CONFERENCE_RINGING ||
	       r->conference == CALL_CONFERENCE_CONNECTED;
}

void desk_call_ended(struct ctl *c, struct call_record *r)
{
	if (c->ua && conference_live(r))
		ua_conference_end(c->ua, r->ref);
}

int desk_end_conference(struct ctl *c, uint64_t ref, char *why, size_t whylen)
{
	struct call_record *r = calls_find_ref(&c->calls, ref);
	if (!r) {
		snprintf(why, whylen, "no call #%llu (show calls lists them)", (unsigned long long)ref);
		return -1;
	}
	if (!conference_live(r) || !c->ua) {
		snprintf(why, whylen, "call #%llu has no conference leg in progress (it is %s)",
			 (unsigned long long)ref, call_conference_state_name(r->conference));
		return -1;
	}
	ua_conference_end(c->ua, ref);
	return 0;
}

static void send_health(struct ctl *c, const struct gateway_health *h)
{
	char line[160];
	snprintf(line, sizeof(line), "health %s %u %s", h->route, h->index, h->up ? "up" : "down");
	if (dplink_connected(c->link))
		dplink_request(c->link, line, NULL, 0, NULL, NULL);
}

void desk_config_running(struct ctl *c)
{
	/* The dataplane starts every configuration with all gateways up. */
	for (uint32_t i = 0; i < c->gateways.count; i++)
		if (!c->gateways.items[i].up)
			send_health(c, &c->gateways.items[i]);
	if (!c->ua)
		return;
	struct ua_gateway gws[256];
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->gateways.count && n < sizeof(gws) / sizeof(gws[0]); i++, n++) {
		const struct gateway_health *h = &c->gateways.items[i];
		snprintf(gws[n].route, sizeof(gws[n].route), "%s", h->route);
		gws[n].index = h->index;
		snprintf(gws[n].uri, sizeof(gws[n].uri), "sip:%s", h->address);
	}
	ua_set_gateways(c->ua, gws, n);
}

static void on_notify(struct ctl *c, const struct ua_event *ev)
{
	struct call_record *r = calls_find_ref(&c->calls, ev->ref);
	if (!r || ev->index >= r->notify_count)
		return;
	r->notify[ev->index].state = ev->notify;
	r->notify[ev->index].status = ev->status;
	if (ev->notify == CALL_NOTIFY_PENDING) {
		r->notify[ev->index].latency_us = ev->latency_us;
		ctl_log(c, "event=notify ref=%llu uri=%s outcome=sent latency_us=%u", (unsigned long long)r->ref,
			r->notify[ev->index].uri, ev->latency_us);
		return;
	}
	c->notify_outcomes[ev->notify]++;
	ctl_log(c, "event=notify ref=%llu uri=%s outcome=%s status=%u", (unsigned long long)r->ref,
		r->notify[ev->index].uri, call_notify_state_name(ev->notify), ev->status);
}

static void on_conference(struct ctl *c, const struct ua_event *ev)
{
	struct call_record *r = calls_find_ref(&c->calls, ev->ref);
	if (!r)
		return;
	r->conference = ev->conference;
	if (ev->status)
		r->conference_status = ev->status;
	if (ev->conference >= CALL_CONFERENCE_CONNECTED)
		c->conference_outcomes[ev->conference]++;
	ctl_log(c, "event=conference ref=%llu uri=%s state=%s status=%u", (unsigned long long)r->ref,
		r->conference_uri, call_conference_state_name(ev->conference), ev->status);
	/* The call may have ended while the desk's phone rang. */
	if (r->ended && ev->conference == CALL_CONFERENCE_CONNECTED)
		ua_conference_end(c->ua, r->ref);
}

static void on_gateway(struct ctl *c, const struct ua_event *ev)
{
	struct gateway_health *h = gateways_find(&c->gateways, ev->route, ev->gateway);
	if (!h || h->up == ev->up)
		return;
	h->up = ev->up;
	h->since = (int64_t)time(NULL);
	ctl_log(c, "event=gateway route=%s gateway=%s health=%s", h->route, h->address, h->up ? "up" : "down");
	send_health(c, h);
}

void desk_ua_events(struct ctl *c)
{
	struct ua_event ev;
	while (c->ua && ua_next_event(c->ua, &ev)) {
		switch (ev.kind) {
		case UA_EVENT_NOTIFY: on_notify(c, &ev); break;
		case UA_EVENT_CONFERENCE: on_conference(c, &ev); break;
		case UA_EVENT_GATEWAY: on_gateway(c, &ev); break;
		}
	}
}
