/*
 * dp_events.h - emergency-call events on the main lcore: drained from the
 * workers' rings, logged one line each (the journal's record of the call),
 * and sent on the control channel when e911-control is connected.
 * Internal to dataplane/app/.
 */
#ifndef E911_DP_EVENTS_H
#define E911_DP_EVENTS_H

#include "dp.h"
#include "dp_control.h"

struct dp_events;
/* control: where events go besides the log (NULL: the log only). */
struct dp_events *dp_events_new(struct dp *d, struct dp_control *control);
/* Drain every worker's ring. @return the events drained (0: none were waiting). */
unsigned dp_events_poll(struct dp_events *e);
void dp_events_free(struct dp_events *e);

#endif /* E911_DP_EVENTS_H */
