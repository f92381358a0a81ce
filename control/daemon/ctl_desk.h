/*
 * ctl_desk.h - the security desk's part of each emergency call, and gateway
 * health, between the daemon and the user agent (include/e911/ua.h).
 * Internal to control/daemon/.
 */
#ifndef E911_CTL_DESK_H
#define E911_CTL_DESK_H

#include <stddef.h>
#include <stdint.h>

#include "e911/call_record.h"
#include "e911/pidf.h"

struct ctl;

/** A call began: notify and call in the desk as its policy says. */
void desk_call_began(struct ctl *c, struct call_record *r, const struct pidf_location *loc);
/** The call ended (BYE or CANCEL passed the dataplane): end its conference leg. */
void desk_call_ended(struct ctl *c, struct call_record *r);
/** The operator ends a conference leg. @return 0, or -1 with why. */
int desk_end_conference(struct ctl *c, uint64_t ref, char *why, size_t whylen);
/** A configuration runs: tell the dataplane which gateways are down, and the UA whom to ping. */
void desk_config_running(struct ctl *c);
/** Take every event the user agent has queued. */
void desk_ua_events(struct ctl *c);

#endif /* E911_CTL_DESK_H */
