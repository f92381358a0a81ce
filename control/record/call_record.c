/* call_record.c - names of the call record's states (include/e911/call_record.h). */
#include "e911/call_record.h"

const char *call_notify_state_name(enum call_notify_state s)
{
	switch (s) {
	case CALL_NOTIFY_PENDING: return "pending";
	case CALL_NOTIFY_DELIVERED: return "delivered";
	case CALL_NOTIFY_REJECTED: return "rejected";
	case CALL_NOTIFY_TIMEOUT: return "timeout";
	case CALL_NOTIFY_ERROR: return "error";
	}
	return "unknown";
}

const char *call_conference_state_name(enum call_conference_state s)
{
	switch (s) {
	case CALL_CONFERENCE_NONE: return "none";
	case CALL_CONFERENCE_CALLING: return "calling";
	case CALL_CONFERENCE_RINGING: return "ringing";
	case CALL_CONFERENCE_CONNECTED: return "connected";
	case CALL_CONFERENCE_ENDED: return "ended";
	case CALL_CONFERENCE_NO_ANSWER: return "no-answer";
	case CALL_CONFERENCE_FAILED: return "failed";
	}
	return "unknown";
}
