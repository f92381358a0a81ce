/*
 * call_record.h - what the control process keeps of one emergency call: the
 * contract between the daemon (control/daemon/, which fills a record from the
 * dataplane's event and the PIDF-LO reader), the security-desk user agent
 * (control/ua/, which reports the notification and conference outcomes), the
 * notification text (control/notify/) and `show calls`.
 *
 * Fixed size, no pointers: a record is copied by value into the ring of
 * recent calls and into messages between threads.
 */
#ifndef E911_CALL_RECORD_H
#define E911_CALL_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "e911/pidf.h"   /* enum pidf_source */
#include "e911/policy.h" /* E911_NAME_MAX, E911_URI_MAX, E911_MAX_NOTIFICATION_URIS */

#define CALL_ID_MAX 256u       /* Call-ID with its NUL (longer is cut) */
#define CALL_DISPLAY_MAX 128u  /* caller's display name with its NUL */
#define CALL_NUMBER_MAX 64u    /* callback number, dialled digits, with the NUL */
#define CALL_ADDRESS_MAX 64u   /* "[v6]:port" or "v4:port" with the NUL */
#define CALL_LOCATION_MAX 512u /* the one-line location (pidf_summary) with its NUL */

/** Outcome of one SIP MESSAGE to one notification URI. */
enum call_notify_state {
	CALL_NOTIFY_PENDING,   /* sent, no final response yet */
	CALL_NOTIFY_DELIVERED, /* a 2xx came back */
	CALL_NOTIFY_REJECTED,  /* a final response >= 300 (status says which) */
	CALL_NOTIFY_TIMEOUT,   /* no final response within the transaction timeout (Timer F) */
	CALL_NOTIFY_ERROR,     /* could not be sent at all (bad URI, no route, no memory) */
};

/** State of the security desk's conference leg. */
enum call_conference_state {
	CALL_CONFERENCE_NONE,      /* the policy has no conference URI */
	CALL_CONFERENCE_CALLING,   /* INVITE sent */
	CALL_CONFERENCE_RINGING,   /* a provisional response 180/183 came */
	CALL_CONFERENCE_CONNECTED, /* 200 OK, ACKed */
	CALL_CONFERENCE_ENDED,     /* BYE sent (the call ended, or the operator said so) and answered */
	CALL_CONFERENCE_NO_ANSWER, /* CANCELled: nobody answered in time */
	CALL_CONFERENCE_FAILED,    /* a final response >= 300, a timeout, or an error */
};

/** One emergency call as `show calls` shows it and the security desk is told. */
struct call_record {
	uint64_t ref;    /* the control process's number for it, from 1, never reused while it runs */
	int64_t time_ns; /* when the INVITE reached the dataplane (CLOCK_REALTIME) */
	char time[40];   /* the same as ISO 8601 with the local zone, e.g. 2026-11-25T07:30:00.123-05:00 */
	char call_id[CALL_ID_MAX];
	char policy[E911_NAME_MAX + 1];
	char scope[8]; /* how the policy was chosen: site, user, tag, global */
	char caller[E911_URI_MAX];            /* the caller's identity URI */
	char display[CALL_DISPLAY_MAX];       /* its display name, "" if none */
	char callback[CALL_NUMBER_MAX];       /* the callback number */
	char dialled[CALL_NUMBER_MAX];        /* what was dialled (digits, or urn:service:sos...) */
	char source[CALL_ADDRESS_MAX];        /* where the INVITE came from */
	char route[E911_NAME_MAX + 1];        /* the route (PSTN usage) it went to */
	char gateway[CALL_ADDRESS_MAX];       /* the trunk gateway it went to */
	enum pidf_source location_source;     /* validated / user-entered / by-reference / none */
	char location[CALL_LOCATION_MAX];     /* one readable line, "" when there is none */
	bool ended;                           /* a BYE or CANCEL of the call passed the dataplane */
	uint32_t repeats; /* INVITEs of the call seen again (retransmitted, or re-sent after a challenge) */

	uint32_t notify_count; /* notification URIs of the policy (0..E911_MAX_NOTIFICATION_URIS) */
	struct {
		char uri[E911_URI_MAX];
		enum call_notify_state state;
		uint16_t status;      /* the final SIP status, 0 if none */
		uint32_t latency_us;  /* from the INVITE at the dataplane to the MESSAGE on the wire */
	} notify[E911_MAX_NOTIFICATION_URIS];

	char conference_uri[E911_URI_MAX]; /* "" when there is no conference leg */
	enum e911_conference_mode conference_mode;
	enum call_conference_state conference;
	uint16_t conference_status; /* the last final SIP status of the leg, 0 if none */
};

/** Lower-case names for logs, JSON and `show calls` ("pending", "delivered", ...). */
const char *call_notify_state_name(enum call_notify_state s);
const char *call_conference_state_name(enum call_conference_state s);

#endif /* E911_CALL_RECORD_H */
