/*
 * ua_sip.c - the UA thread: sofia-sip's nua on its own su_root. Requests
 * from the daemon arrive through an eventfd registered on the root; each
 * MESSAGE, conference leg and ping has a nua handle whose magic says what
 * it is for; nua's callback turns responses into events.
 *
 * A 408 or 503, whether sofia made it (timeout, ICMP unreachable) or the
 * far end sent it, means the request was not taken: a MESSAGE is then
 * timeout (408) or error (503), and a ping is a miss.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/nua_tag.h>
#include <sofia-sip/nta_tag.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_tag_io.h>

#include "ua_internal.h"

#define STOP_WAIT_MS 2000u
#define MEDIA_PORT 40000u /* where a desk would send audio to us; we offer, a bridge mixes */

/* A request that got no answer in time (sofia's timer B/F makes a 408) or
 * could not reach the far end (a 503: ICMP unreachable, or the far end
 * unavailable). sofia's own 408/503 look like a far end's (they even carry
 * a To tag), so both are treated alike: neither means the far end took it. */
static bool unreachable(int status)
{
	return status == 408 || status == 503;
}

static void post_notify(struct ua *ua, uint64_t ref, uint32_t index, enum call_notify_state s, int status,
			uint32_t latency_us)
{
	struct ua_event ev = { .kind = UA_EVENT_NOTIFY, .ref = ref, .index = index, .notify = s,
			       .status = (uint16_t)(status > 0 && status < 700 ? status : 0), .latency_us = latency_us };
	ua_post(ua, &ev);
}

static void post_conference(struct ua_handle *h, enum call_conference_state s, int status)
{
	if (h->state == s)
		return;
	h->state = s;
	struct ua_event ev = { .kind = UA_EVENT_CONFERENCE, .ref = h->ref, .conference = s,
			       .status = (uint16_t)(status > 0 && status < 700 ? status : 0) };
	ua_post(h->ua, &ev);
}

static struct ua_handle *new_handle(struct ua *ua, int kind, const char *to)
{
	struct ua_handle *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->kind = kind;
	h->ua = ua;
	h->nh = nua_handle(ua->nua, h, SIPTAG_TO_STR(to), SIPTAG_FROM_STR(ua->identity), TAG_END());
	if (!h->nh) {
		free(h);
		return NULL;
	}
	return h;
}

static void free_handle(struct ua_handle *h)
{
	if (h->timer)
		su_timer_destroy(h->timer);
	if (h->kind == H_CONFERENCE) { /* off the list of live legs */
		for (struct ua_handle **p = &h->ua->legs; *p; p = &(*p)->next)
			if (*p == h) {
				*p = h->next;
				break;
			}
	}
	nua_handle_bind(h->nh, NULL);
	nua_handle_destroy(h->nh);
	free(h);
}

static bool leg_done(const struct ua_handle *h)
{
	return h->state == CALL_CONFERENCE_ENDED || h->state == CALL_CONFERENCE_NO_ANSWER ||
	       h->state == CALL_CONFERENCE_FAILED;
}

/* ---- requests ---- */

static void do_notify(struct ua *ua, struct ua_request *r)
{
	struct ua_handle *h = new_handle(ua, H_NOTIFY, r->uri);
	if (!h) {
		post_notify(ua, r->ref, r->index, CALL_NOTIFY_ERROR, 0, 0);
		return;
	}
	h->ref = r->ref;
	h->index = r->index;
	nua_message(h->nh, SIPTAG_PRIORITY_STR("emergency"), SIPTAG_CONTENT_TYPE_STR("text/plain;charset=UTF-8"),
		    SIPTAG_PAYLOAD_STR(r->text), TAG_END());
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	int64_t us = ((int64_t)now.tv_sec * 1000000000 + now.tv_nsec - r->call_time_ns) / 1000;
	post_notify(ua, r->ref, r->index, CALL_NOTIFY_PENDING, 0,
		    r->call_time_ns <= 0 || us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us);
}

static void no_answer(struct ua *ua, su_timer_t *t, struct ua_handle *h)
{
	(void)ua;
	(void)t;
	if (h->state == CALL_CONFERENCE_CALLING || h->state == CALL_CONFERENCE_RINGING) {
		h->cancelled_for_no_answer = true;
		nua_cancel(h->nh, TAG_END());
	}
}

static struct ua_handle *find_leg(struct ua *ua, uint64_t ref)
{
	for (struct ua_handle *h = ua->legs; h; h = h->next)
		if (h->ref == ref)
			return h;
	return NULL;
}

static void do_conference(struct ua *ua, struct ua_request *r)
{
	if (find_leg(ua, r->ref))
		return; /* one leg per call */
	struct ua_handle *h = new_handle(ua, H_CONFERENCE, r->uri);
	if (!h) {
		struct ua_handle tmp = { .kind = H_CONFERENCE, .ua = ua, .ref = r->ref, .state = CALL_CONFERENCE_CALLING };
		post_conference(&tmp, CALL_CONFERENCE_FAILED, 0);
		return;
	}
	h->ref = r->ref;
	h->state = CALL_CONFERENCE_CALLING;
	h->next = ua->legs;
	ua->legs = h;
	char sdp[512], call_info[CALL_ID_MAX + 80], referred_by[E911_URI_MAX + 4];
	ua_sdp_offer(sdp, sizeof(sdp), ua->local_address, MEDIA_PORT, r->mode);
	snprintf(call_info, sizeof(call_info), "<urn:emergency:uid:callid:%s>;purpose=emergency-CallId", r->call_id);
	snprintf(referred_by, sizeof(referred_by), "<%s>", r->caller);
	h->timer = su_timer_create(su_root_task(ua->root), 0);
	if (h->timer)
		su_timer_set_interval(h->timer, no_answer, h, (su_duration_t)ua->opt.conference_timeout_s * 1000);
	nua_invite(h->nh, SIPTAG_SUBJECT_STR(r->subject), SIPTAG_PRIORITY_STR("emergency"),
		   SIPTAG_CALL_INFO_STR(call_info), SIPTAG_REFERRED_BY_STR(referred_by),
		   SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp), TAG_END());
}

static void end_leg(struct ua_handle *h)
{
	if (h->state == CALL_CONFERENCE_CONNECTED)
		nua_bye(h->nh, TAG_END());
	else if (h->state == CALL_CONFERENCE_CALLING || h->state == CALL_CONFERENCE_RINGING)
		nua_cancel(h->nh, TAG_END());
}

static void ping(struct ua *ua, uint32_t slot)
{
	struct ua_handle *h = new_handle(ua, H_PING, ua->pings[slot].gw.uri);
	if (!h)
		return;
	h->index = slot;
	ua->pings[slot].waiting = true;
	nua_options(h->nh, TAG_END());
}

/* One ping's verdict: an answer, or a miss (no answer within an interval, or a 408/503). */
static void note_ping(struct ua *ua, uint32_t slot, bool answered, int status)
{
	struct ua_ping *p = &ua->pings[slot];
	p->misses = answered ? 0 : p->misses + 1;
	bool up = answered || p->misses < ua->opt.options_failures;
	if (up == p->up)
		return;
	p->up = up;
	struct ua_event ev = { .kind = UA_EVENT_GATEWAY, .gateway = p->gw.index, .up = up,
			       .status = (uint16_t)(answered ? status : 0) };
	snprintf(ev.route, sizeof(ev.route), "%s", p->gw.route);
	ua_post(ua, &ev);
}

static void ping_all(struct ua *ua, su_timer_t *t, struct ua_handle *arg)
{
	(void)t;
	(void)arg;
	for (uint32_t i = 0; i < ua->ping_count; i++) {
		if (!ua->pings[i].waiting) {
			ping(ua, i);
		} else if (!ua->pings[i].missed_late) {
			/* No answer within a whole interval: a miss now, not after timer F (32 s). One
			 * ping out per gateway at a time; its late answer still counts. */
			ua->pings[i].missed_late = true;
			note_ping(ua, i, false, 0);
		} else {
			note_ping(ua, i, false, 0);
		}
	}
}

static void do_gateways(struct ua *ua, struct ua_request *r)
{
	struct ua_ping *p = calloc(r->gateway_count ? r->gateway_count : 1, sizeof(*p));
	if (!p)
		return;
	for (uint32_t i = 0; i < r->gateway_count; i++) {
		p[i].gw = r->gateways[i];
		p[i].up = true;
		for (uint32_t o = 0; o < ua->ping_count; o++) /* a gateway that stays keeps its health */
			if (!strcmp(ua->pings[o].gw.uri, p[i].gw.uri) && !strcmp(ua->pings[o].gw.route, p[i].gw.route)) {
				p[i].up = ua->pings[o].up;
				p[i].misses = ua->pings[o].misses;
			}
	}
	/* Pings still out refer to slots of the old table: their answers are dropped (slot > count or waiting false). */
	free(ua->pings);
	ua->pings = p;
	ua->ping_count = r->gateway_count;
	if (ua->opt.options_interval_s && !ua->ping_timer) { /* periodic, from now on */
		ua->ping_timer = su_timer_create(su_root_task(ua->root), (su_duration_t)ua->opt.options_interval_s * 1000);
		if (ua->ping_timer)
			su_timer_run(ua->ping_timer, ping_all, NULL);
	}
	if (ua->opt.options_interval_s)
		ping_all(ua, NULL, NULL);
}

static void finish_stop(struct ua *ua, su_timer_t *t, struct ua_handle *arg)
{
	(void)t;
	(void)arg;
	nua_shutdown(ua->nua);
}

static void maybe_finish_stop(struct ua *ua)
{
	if (ua->stopping && !ua->legs && ua->stop_timer) {
		su_timer_destroy(ua->stop_timer);
		ua->stop_timer = NULL;
		nua_shutdown(ua->nua);
	}
}

static int woken(struct ua *ua, su_wait_t *w, struct ua *arg)
{
	(void)w;
	(void)arg;
	struct ua_request *r = ua_take_requests(ua);
	while (r) {
		struct ua_request *next = r->next;
		if (!ua->stopping) {
			switch (r->kind) {
			case REQ_NOTIFY: do_notify(ua, r); break;
			case REQ_CONFERENCE: do_conference(ua, r); break;
			case REQ_END: {
				struct ua_handle *h = find_leg(ua, r->ref);
				if (h)
					end_leg(h);
				break;
			}
			case REQ_GATEWAYS: do_gateways(ua, r); break;
			}
		}
		ua_request_free(r);
		r = next;
	}
	if (ua->stop_seen && !ua->stopping) {
		ua->stopping = true;
		if (ua->ping_timer)
			su_timer_reset(ua->ping_timer);
		for (struct ua_handle *h = ua->legs; h; h = h->next)
			end_leg(h);
		ua->stop_timer = su_timer_create(su_root_task(ua->root), STOP_WAIT_MS);
		if (!ua->stop_timer || su_timer_set(ua->stop_timer, finish_stop, NULL) != 0)
			nua_shutdown(ua->nua);
		else
			maybe_finish_stop(ua);
	}
	return 0;
}

/* ---- what nua tells ---- */

static void on_message(struct ua_handle *h, int status, sip_t const *sip)
{
	if (status < 200)
		return;
	(void)sip;
	enum call_notify_state s = status < 300 ? CALL_NOTIFY_DELIVERED
				 : status == 408 ? CALL_NOTIFY_TIMEOUT
				 : status == 503 || status >= 700 ? CALL_NOTIFY_ERROR : CALL_NOTIFY_REJECTED;
	post_notify(h->ua, h->ref, h->index, s, status, 0);
	free_handle(h);
}

static void on_invite(struct ua_handle *h, int status, sip_t const *sip)
{
	if (status == 180 || status == 183)
		post_conference(h, CALL_CONFERENCE_RINGING, status);
	else if (status >= 200 && status < 300) {
		if (h->timer)
			su_timer_reset(h->timer);
		if (h->state == CALL_CONFERENCE_CALLING || h->state == CALL_CONFERENCE_RINGING)
			post_conference(h, CALL_CONFERENCE_CONNECTED, status);
		if (h->ua->stopping || h->cancelled_for_no_answer) /* answered after all: hang up */
			nua_bye(h->nh, TAG_END());
	} else if (status >= 300 && !leg_done(h)) {
		if (h->timer)
			su_timer_reset(h->timer);
		enum call_conference_state s = h->cancelled_for_no_answer ? CALL_CONFERENCE_NO_ANSWER
					      : status == 487 ? CALL_CONFERENCE_ENDED : CALL_CONFERENCE_FAILED;
		(void)sip;
		post_conference(h, s, status);
	}
}

static void on_ping(struct ua_handle *h, int status, sip_t const *sip)
{
	struct ua *ua = h->ua;
	(void)sip;
	if (status < 200)
		return;
	if (h->index < ua->ping_count && ua->pings[h->index].waiting) {
		ua->pings[h->index].waiting = false;
		/* A late answer still says it is alive; a late failure was already counted as a miss. */
		if (!unreachable(status) || !ua->pings[h->index].missed_late)
			note_ping(ua, h->index, !unreachable(status), status);
		ua->pings[h->index].missed_late = false;
	}
	free_handle(h);
}

static void callback(nua_event_t event, int status, char const *phrase, nua_t *nua, struct ua *ua,
		     nua_handle_t *nh, struct ua_handle *h, sip_t const *sip, tagi_t tags[])
{
	(void)phrase;
	(void)nua;
	switch (event) {
	case nua_r_shutdown:
		if (status >= 200)
			su_root_break(ua->root);
		return;
	case nua_r_message:
		if (h && h->kind == H_NOTIFY)
			on_message(h, status, sip);
		return;
	case nua_r_options:
		if (h && h->kind == H_PING)
			on_ping(h, status, sip);
		return;
	case nua_r_invite:
		if (h && h->kind == H_CONFERENCE)
			on_invite(h, status, sip);
		return;
	case nua_r_bye:
	case nua_i_bye:
		if (h && h->kind == H_CONFERENCE && status >= 200)
			post_conference(h, CALL_CONFERENCE_ENDED, event == nua_r_bye ? status : 0);
		return;
	case nua_i_state: {
		int state = -1;
		tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
		if (h && h->kind == H_CONFERENCE && state == nua_callstate_terminated) {
			if (!leg_done(h))
				post_conference(h, h->cancelled_for_no_answer ? CALL_CONFERENCE_NO_ANSWER
						   : h->state == CALL_CONFERENCE_CONNECTED ? CALL_CONFERENCE_ENDED
						   : CALL_CONFERENCE_FAILED, status >= 300 ? status : 0);
			free_handle(h);
			maybe_finish_stop(ua);
		}
		return;
	}
	case nua_i_invite:
		/* Nobody calls the proxy's desk agent: decline, and forget the handle. */
		nua_respond(nh, SIP_603_DECLINE, TAG_END());
		nua_handle_destroy(nh);
		return;
	case nua_i_message:
		nua_handle_destroy(nh); /* nua answered it (NUTAG_ENABLEMESSAGE off: 403/405) */
		return;
	default:
		return;
	}
}

void *ua_thread(void *arg)
{
	struct ua *ua = arg;
	char url[128];
	su_wait_t wait[1];
	su_init();
	ua->root = su_root_create(ua);
	snprintf(url, sizeof(url), strchr(ua->local_address, ':') ? "sip:[%s]:%u;transport=udp" : "sip:%s:%u;transport=udp",
		 ua->local_address, ua->opt.local_port);
	bool registered = ua->root && su_wait_create(wait, ua->wake_fd, SU_WAIT_IN) == 0 &&
			  su_root_register(ua->root, wait, woken, ua, 0) >= 0;
	if (registered)
		ua->nua = nua_create(ua->root, callback, ua, NUTAG_URL(url), NUTAG_MEDIA_ENABLE(0),
				     NUTAG_AUTOACK(1), NUTAG_ENABLEMESSAGE(0), SIPTAG_FROM_STR(ua->identity),
				     TAG_IF(ua->opt.transaction_timeout_ms, NTATAG_SIP_T1X64(ua->opt.transaction_timeout_ms)),
				     TAG_END());
	pthread_mutex_lock(&ua->lock);
	if (!ua->nua) {
		ua->start_rc = ua->root ? -EADDRINUSE : -ENOMEM;
		snprintf(ua->start_err, sizeof(ua->start_err), "cannot listen for SIP on %s (in use, or not an address of this host?)", url);
	}
	ua->start_done = true;
	pthread_cond_signal(&ua->started);
	pthread_mutex_unlock(&ua->lock);
	if (ua->nua) {
		su_root_run(ua->root);
		while (ua->legs) /* the 2 s are over: forget what did not answer */
			free_handle(ua->legs);
		if (ua->ping_timer)
			su_timer_destroy(ua->ping_timer);
		if (ua->stop_timer)
			su_timer_destroy(ua->stop_timer);
		nua_destroy(ua->nua);
	}
	if (registered)
		su_root_unregister(ua->root, wait, woken, ua);
	if (ua->root)
		su_root_destroy(ua->root);
	su_deinit();
	return NULL;
}
