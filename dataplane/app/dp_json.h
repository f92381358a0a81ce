/*
 * dp_json.h - JSON texts of the control channel: the counters ("stats")
 * and one emergency-call event. Internal to dataplane/app/.
 */
#ifndef E911_DP_JSON_H
#define E911_DP_JSON_H

#include <stddef.h>

#include "dp.h"

/* The counters: {"total":{...},"workers":[{...}],"policies":{...},"outcomes":{...},"drops":{...}}. */
size_t dp_json_stats(const struct dp *d, char *out, size_t cap);
/* "event {...}\n" for one event. */
size_t dp_json_event(const struct dp_event *ev, const struct e911_config *cfg, char *out, size_t cap);

#endif /* E911_DP_JSON_H */
