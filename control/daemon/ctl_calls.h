/*
 * ctl_calls.h - the recent emergency calls e911-control knows of: a ring of
 * call records (include/e911/call_record.h), filled from the dataplane's
 * events, updated by the desk's outcomes, shown by `show calls`. Internal to
 * control/daemon/.
 */
#ifndef E911_CTL_CALLS_H
#define E911_CTL_CALLS_H

#include <jansson.h>
#include <stdint.h>

#include "e911/call_record.h"
#include "e911/pidf.h"

#define CALLS_KEPT 1024u /* the newest calls kept; older records are overwritten */

struct calls {
	struct call_record ring[CALLS_KEPT];
	uint64_t next_ref; /* the ref of the next call; ring[(ref - 1) % CALLS_KEPT] */
};

void calls_init(struct calls *c);

/**
 * Record a call from a dataplane "call" event (the JSON object): caller,
 * callback, policy, gateway..., and the location read from its PIDF-LO
 * (loc receives the whole reading, for the conference URI and mode a client
 * asked for). A PIDF-LO that does not read leaves the dataplane's verdict
 * (validated / user-entered / by-reference / none) and says why in location.
 * @return the new record (valid until CALLS_KEPT more calls come), or NULL
 *         when the event is not a call event.
 */
struct call_record *calls_add_event(struct calls *c, json_t *ev, struct pidf_location *loc);

/**
 * The call a "call" event repeats, or NULL when it is a new call. The
 * dataplane is stateless: a retransmitted INVITE, or one sent again after a
 * 401/407 challenge, is another event with the same Call-ID. While that
 * call has not ended it is the same emergency call, and the desk must not
 * be told (or bridged in) twice. A Call-ID seen again after its BYE or
 * CANCEL is a new call.
 */
struct call_record *calls_repeat_of(struct calls *c, json_t *ev);

/** The newest record of a Call-ID, or NULL. */
struct call_record *calls_find_call_id(struct calls *c, const char *call_id);
/** The record of ref if it is still kept, or NULL. */
struct call_record *calls_find_ref(struct calls *c, uint64_t ref);

/** The newest `limit` calls, newest first: a JSON array / readable text (malloc'd; NULL on ENOMEM). */
json_t *calls_json(const struct calls *c, uint32_t limit);
char *calls_text(const struct calls *c, uint32_t limit);

/** One record as a JSON object (for the calls log and `show calls json`). */
json_t *call_record_json(const struct call_record *r);

#endif /* E911_CTL_CALLS_H */
