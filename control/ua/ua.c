/*
 * ua.c - the user agent's thread-safe face (see ua.h): requests queued
 * under a mutex and an eventfd that wakes the UA thread's su_root; events
 * queued the other way with an eventfd the daemon polls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ua_internal.h"

static void kick(int fd)
{
	uint64_t one = 1;
	if (write(fd, &one, sizeof(one)) < 0) {
		/* the counter is already non-zero: the reader wakes anyway */
	}
}

void ua_post(struct ua *ua, const struct ua_event *ev)
{
	pthread_mutex_lock(&ua->lock);
	if (ua->ev_count == ua->ev_cap) {
		size_t cap = ua->ev_cap ? ua->ev_cap * 2 : 64;
		struct ua_event *e = malloc(cap * sizeof(*e));
		if (!e) { /* keep what is queued; this one is lost (and only counted by its absence) */
			pthread_mutex_unlock(&ua->lock);
			return;
		}
		for (size_t i = 0; i < ua->ev_count; i++)
			e[i] = ua->events[(ua->ev_head + i) % ua->ev_cap];
		free(ua->events);
		ua->events = e;
		ua->ev_cap = cap;
		ua->ev_head = 0;
	}
	ua->events[(ua->ev_head + ua->ev_count++) % ua->ev_cap] = *ev;
	pthread_mutex_unlock(&ua->lock);
	kick(ua->event_fd);
}

bool ua_next_event(struct ua *ua, struct ua_event *ev)
{
	uint64_t n;
	pthread_mutex_lock(&ua->lock);
	bool some = ua->ev_count > 0;
	if (some) {
		*ev = ua->events[ua->ev_head];
		ua->ev_head = (ua->ev_head + 1) % ua->ev_cap;
		ua->ev_count--;
	}
	if (ua->ev_count == 0 && read(ua->event_fd, &n, sizeof(n)) < 0) {
		/* nothing was signalled: fine */
	}
	pthread_mutex_unlock(&ua->lock);
	return some;
}

int ua_event_fd(const struct ua *ua)
{
	return ua->event_fd;
}

void ua_request_free(struct ua_request *r)
{
	if (!r)
		return;
	free(r->uri);
	free(r->text);
	free(r->call_id);
	free(r->caller);
	free(r->subject);
	free(r->gateways);
	free(r);
}

struct ua_request *ua_take_requests(struct ua *ua)
{
	uint64_t n;
	pthread_mutex_lock(&ua->lock);
	struct ua_request *list = ua->req_head;
	ua->stop_seen = ua->stop_asked;
	ua->req_head = NULL;
	ua->req_tail = &ua->req_head;
	if (read(ua->wake_fd, &n, sizeof(n)) < 0) {
		/* nothing was signalled: fine */
	}
	pthread_mutex_unlock(&ua->lock);
	return list;
}

static int submit(struct ua *ua, struct ua_request *r)
{
	pthread_mutex_lock(&ua->lock);
	*ua->req_tail = r;
	ua->req_tail = &r->next;
	pthread_mutex_unlock(&ua->lock);
	kick(ua->wake_fd);
	return 0;
}

static bool sip_uri(const char *uri)
{
	return uri && (!strncasecmp(uri, "sip:", 4) || !strncasecmp(uri, "sips:", 5)) && !strpbrk(uri, " \t\r\n<>\"");
}

/* strdup of each string argument, or NULL (and everything freed) on ENOMEM. */
static struct ua_request *request(int kind, uint64_t ref, const char *uri, const char *text)
{
	struct ua_request *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->kind = kind;
	r->ref = ref;
	if ((uri && !(r->uri = strdup(uri))) || (text && !(r->text = strdup(text)))) {
		ua_request_free(r);
		return NULL;
	}
	return r;
}

int ua_notify(struct ua *ua, uint64_t ref, uint32_t index, const char *uri, const char *text, int64_t call_time_ns)
{
	if (!sip_uri(uri))
		return -EINVAL;
	struct ua_request *r = request(REQ_NOTIFY, ref, uri, text);
	if (!r)
		return -ENOMEM;
	r->index = index;
	r->call_time_ns = call_time_ns;
	return submit(ua, r);
}

int ua_conference_start(struct ua *ua, uint64_t ref, const char *uri, enum e911_conference_mode mode,
			const char *emergency_call_id, const char *caller_uri, const char *subject)
{
	if (!sip_uri(uri))
		return -EINVAL;
	struct ua_request *r = request(REQ_CONFERENCE, ref, uri, NULL);
	if (!r || !(r->call_id = strdup(emergency_call_id)) || !(r->caller = strdup(caller_uri)) ||
	    !(r->subject = strdup(subject))) {
		ua_request_free(r);
		return -ENOMEM;
	}
	r->mode = mode;
	return submit(ua, r);
}

int ua_conference_end(struct ua *ua, uint64_t ref)
{
	struct ua_request *r = request(REQ_END, ref, NULL, NULL);
	return r ? submit(ua, r) : -ENOMEM;
}

int ua_set_gateways(struct ua *ua, const struct ua_gateway *gws, uint32_t count)
{
	struct ua_request *r = request(REQ_GATEWAYS, 0, NULL, NULL);
	if (!r || (count && !(r->gateways = malloc(count * sizeof(*gws))))) {
		ua_request_free(r);
		return -ENOMEM;
	}
	if (count)
		memcpy(r->gateways, gws, count * sizeof(*gws));
	r->gateway_count = count;
	return submit(ua, r);
}

static void ua_free(struct ua *ua)
{
	struct ua_request *r = ua->req_head;
	while (r) {
		struct ua_request *next = r->next;
		ua_request_free(r);
		r = next;
	}
	if (ua->wake_fd >= 0)
		close(ua->wake_fd);
	if (ua->event_fd >= 0)
		close(ua->event_fd);
	pthread_mutex_destroy(&ua->lock);
	pthread_cond_destroy(&ua->started);
	free(ua->events);
	free(ua->pings);
	free(ua->local_address);
	free(ua->identity);
	free(ua);
}

int ua_start(const struct ua_options *o, struct ua **out, char *err, size_t errlen)
{
	unsigned char bin[16];
	*out = NULL;
	bool v6 = inet_pton(AF_INET6, o->local_address, bin) == 1;
	if (!v6 && inet_pton(AF_INET, o->local_address, bin) != 1) {
		snprintf(err, errlen, "SIP address %s is not an IP literal", o->local_address);
		return -EINVAL;
	}
	if (o->identity && !sip_uri(o->identity)) {
		snprintf(err, errlen, "identity %s is not a sip: or sips: URI", o->identity);
		return -EINVAL;
	}
	struct ua *ua = calloc(1, sizeof(*ua));
	if (!ua)
		return -ENOMEM;
	ua->opt = *o;
	ua->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ua->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	ua->req_tail = &ua->req_head;
	pthread_mutex_init(&ua->lock, NULL);
	pthread_cond_init(&ua->started, NULL);
	ua->local_address = strdup(o->local_address);
	if (o->identity)
		ua->identity = strdup(o->identity);
	else if (asprintf(&ua->identity, v6 ? "sip:e911proxy@[%s]" : "sip:e911proxy@%s", o->local_address) < 0)
		ua->identity = NULL;
	if (!ua->opt.conference_timeout_s)
		ua->opt.conference_timeout_s = 30;
	if (!ua->opt.options_failures)
		ua->opt.options_failures = 2;
	if (ua->wake_fd < 0 || ua->event_fd < 0 || !ua->local_address || !ua->identity) {
		ua_free(ua);
		return -ENOMEM;
	}
	if (pthread_create(&ua->thread, NULL, ua_thread, ua) != 0) {
		ua_free(ua);
		return -EAGAIN;
	}
	pthread_mutex_lock(&ua->lock);
	while (!ua->start_done)
		pthread_cond_wait(&ua->started, &ua->lock);
	pthread_mutex_unlock(&ua->lock);
	if (ua->start_rc != 0) {
		int rc = ua->start_rc;
		snprintf(err, errlen, "%s", ua->start_err);
		pthread_join(ua->thread, NULL);
		ua_free(ua);
		return rc;
	}
	*out = ua;
	return 0;
}

void ua_stop(struct ua *ua)
{
	if (!ua)
		return;
	pthread_mutex_lock(&ua->lock); /* a flag, not a request: stopping must not need memory */
	ua->stop_asked = true;
	pthread_mutex_unlock(&ua->lock);
	kick(ua->wake_fd);
	pthread_join(ua->thread, NULL);
	ua_free(ua);
}
