/*
 * ua.h - the security desk's SIP user agent (control/ua/), on sofia-sip's
 * nua: the MESSAGE that tells the desk of an emergency call (RFC 3428), the
 * INVITE that calls the desk into it, and the OPTIONS pings that tell
 * whether each trunk gateway answers.
 *
 * It runs in a thread of its own with its own su_root (sofia's objects
 * belong to the thread that made them), so the daemon's poll loop never
 * waits on SIP. Requests are queued from any thread and wake the UA thread
 * at once; what happens comes back as events, read with ua_next_event()
 * when ua_event_fd() is readable. Transactions (retransmissions, timers,
 * CANCEL, ACK, BYE) are sofia's: nothing of RFC 3261's transaction layer is
 * written here.
 */
#ifndef E911_UA_H
#define E911_UA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e911/call_record.h"
#include "e911/policy.h"

struct ua_options {
	const char *local_address;       /* IP literal to bind (IPv4 or IPv6) */
	uint16_t local_port;             /* UDP port */
	const char *identity;            /* From of every request; NULL: sip:e911proxy@local_address */
	uint32_t conference_timeout_s;   /* CANCEL a conference INVITE nobody answers within this; 0: 30 */
	uint32_t options_interval_s;     /* OPTIONS ping period per gateway; 0: no pings */
	uint32_t options_failures;       /* unanswered pings in a row before "down"; 0: 2 */
	uint32_t transaction_timeout_ms; /* T1x64 (timers B and F); 0: RFC 3261's 32,000 (tests shorten it) */
};

struct ua;

/**
 * Bind and start the user agent's thread.
 * @return 0; or a negative errno with a one-line message in err: -EADDRINUSE
 *         (or another bind failure), -EINVAL (a bad address or identity), -ENOMEM.
 */
int ua_start(const struct ua_options *o, struct ua **out, char *err, size_t errlen);

/**
 * End every live conference leg (BYE when answered, CANCEL when not), wait
 * at most 2 s for their answers, stop the thread and free everything.
 * NULL is fine.
 */
void ua_stop(struct ua *ua);

/** Readable (POLLIN) while events are waiting. */
int ua_event_fd(const struct ua *ua);

enum ua_event_kind {
	UA_EVENT_NOTIFY,     /* a notification changed state */
	UA_EVENT_CONFERENCE, /* a conference leg changed state */
	UA_EVENT_GATEWAY,    /* a gateway became healthy or unhealthy */
};

struct ua_event {
	enum ua_event_kind kind;
	uint64_t ref;                          /* the call's ref (NOTIFY, CONFERENCE) */
	uint32_t index;                        /* NOTIFY: which notification URI of the call */
	enum call_notify_state notify;         /* NOTIFY: PENDING when sent, then the outcome */
	uint32_t latency_us;                   /* NOTIFY PENDING: from the call's time to the MESSAGE handed to the stack */
	enum call_conference_state conference; /* CONFERENCE: the new state */
	uint16_t status;                       /* the SIP status behind it, 0 if none (a timeout, a local error) */
	char route[E911_NAME_MAX + 1];         /* GATEWAY: which one */
	uint32_t gateway;
	bool up;                               /* GATEWAY: its health now */
};

/** Take the next event without waiting. @return false when there is none. */
bool ua_next_event(struct ua *ua, struct ua_event *ev);

/**
 * Send the desk a MESSAGE: Priority: emergency, text/plain; charset=UTF-8.
 * Events: PENDING (with latency_us), then DELIVERED, REJECTED (status),
 * TIMEOUT or ERROR.
 * @param call_time_ns  when the call's INVITE reached the dataplane (CLOCK_REALTIME)
 * @return 0; -EINVAL: uri is not a sip:/sips: URI; -ENOMEM.
 */
int ua_notify(struct ua *ua, uint64_t ref, uint32_t index, const char *uri, const char *text, int64_t call_time_ns);

/**
 * Call the desk into the emergency call `ref`: an INVITE to uri with
 * Subject, Referred-By (the caller), Call-Info naming the emergency call
 * (RFC 7852: <urn:emergency:uid:callid:ID>;purpose=emergency-CallId),
 * Priority: emergency, and an SDP offer whose audio direction is recvonly
 * (one-way) or sendrecv (two-way). Events: RINGING, CONNECTED, and one of
 * ENDED, NO_ANSWER (CANCELled after conference_timeout_s), FAILED.
 * @return 0; -EINVAL: uri is not a sip:/sips: URI; -EEXIST: ref has a leg already; -ENOMEM.
 */
int ua_conference_start(struct ua *ua, uint64_t ref, const char *uri, enum e911_conference_mode mode,
			const char *emergency_call_id, const char *caller_uri, const char *subject);

/** End ref's leg: BYE when answered, CANCEL while it rings; ENDED follows. 0 or -ENOMEM. */
int ua_conference_end(struct ua *ua, uint64_t ref);

/** A trunk gateway to ping. */
struct ua_gateway {
	char route[E911_NAME_MAX + 1];
	uint32_t index;          /* in its route */
	char uri[E911_URI_MAX];  /* sip:ADDRESS:PORT */
};

/**
 * Replace the gateways pinged with OPTIONS (each counts as up until
 * options_failures pings in a row go unanswered; any answer from the far
 * end, whatever its status, is an answer). Only changes make events.
 * @return 0 or -ENOMEM.
 */
int ua_set_gateways(struct ua *ua, const struct ua_gateway *gws, uint32_t count);

#endif /* E911_UA_H */
