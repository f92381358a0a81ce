/*
 * ua_internal.h - shared by the files of control/ua/. The magic types are
 * set before sofia's headers so that its callbacks get our structs.
 */
#ifndef E911_UA_INTERNAL_H
#define E911_UA_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "e911/ua.h"

struct ua;
struct ua_handle;
#define SU_ROOT_MAGIC_T struct ua
#define SU_WAKEUP_ARG_T struct ua
#define SU_TIMER_ARG_T struct ua_handle
#define NUA_MAGIC_T struct ua
#define NUA_HMAGIC_T struct ua_handle

#include <sofia-sip/nua.h>
#include <sofia-sip/su_wait.h>

/* A request from the daemon's thread to the UA's. */
struct ua_request {
	enum { REQ_NOTIFY, REQ_CONFERENCE, REQ_END, REQ_GATEWAYS } kind;
	uint64_t ref;
	uint32_t index;
	enum e911_conference_mode mode;
	int64_t call_time_ns;
	char *uri, *text, *call_id, *caller, *subject; /* malloc'd */
	struct ua_gateway *gateways;                  /* REQ_GATEWAYS */
	uint32_t gateway_count;
	struct ua_request *next;
};

/* What a nua handle is for: its hmagic. */
struct ua_handle {
	enum { H_NOTIFY, H_CONFERENCE, H_PING } kind;
	struct ua *ua;
	nua_handle_t *nh;
	uint64_t ref;
	uint32_t index;               /* H_NOTIFY: notification; H_PING: gateway slot */
	enum call_conference_state state;
	bool cancelled_for_no_answer; /* H_CONFERENCE: the CANCEL was the timer's */
	su_timer_t *timer;            /* H_CONFERENCE: no-answer timer */
	struct ua_handle *next;       /* the live conference legs */
};

struct ua_ping {
	struct ua_gateway gw;
	uint32_t misses;
	bool up;
	bool waiting;     /* a ping is out */
	bool missed_late; /* it has been counted as a miss already (no answer within an interval) */
};

struct ua {
	struct ua_options opt;
	char *local_address, *identity;
	pthread_t thread;
	/* daemon -> UA */
	pthread_mutex_t lock;
	struct ua_request *req_head, **req_tail;
	int wake_fd;  /* eventfd: requests are queued */
	bool stop_asked; /* ua_stop() was called (under lock) */
	bool stop_seen;  /* the UA thread has seen it */
	/* UA -> daemon */
	struct ua_event *events;
	size_t ev_head, ev_count, ev_cap;
	int event_fd; /* eventfd: events are queued */
	/* start-up handshake */
	pthread_cond_t started;
	int start_rc;
	bool start_done;
	char start_err[256];
	/* UA thread only */
	su_root_t *root;
	nua_t *nua;
	struct ua_handle *legs;
	struct ua_ping *pings;
	uint32_t ping_count;
	su_timer_t *ping_timer;
	su_timer_t *stop_timer;
	bool stopping;
};

/* ua.c */
void ua_post(struct ua *ua, const struct ua_event *ev);
struct ua_request *ua_take_requests(struct ua *ua);
void ua_request_free(struct ua_request *r);

/* ua_sip.c: the UA thread's body. */
void *ua_thread(void *arg);

/* ua_sdp.c: the conference leg's SDP offer. @return its length (as snprintf). */
size_t ua_sdp_offer(char *out, size_t cap, const char *address, unsigned port, enum e911_conference_mode mode);

#endif /* E911_UA_INTERNAL_H */
