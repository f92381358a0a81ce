/*
 * dp_control.h - the dataplane's end of the control channel (see
 * include/e911/control_channel.h), polled by the main lcore; and the one
 * place a configuration is applied (at start and on "config").
 * Internal to dataplane/app/.
 */
#ifndef E911_DP_CONTROL_H
#define E911_DP_CONTROL_H

#include <stddef.h>

#include "dp.h"

/*
 * Check, compile and publish a configuration (takes cfg; frees it on
 * failure). Gateway health is reset to "all up". The snapshot it replaces
 * is freed at the next apply, not now: a telemetry reader may still hold it.
 * @return 0, or -1 with err filled.
 */
int dp_apply_config(struct dp *d, struct e911_config *cfg, char *err, size_t errlen);
/* Free the last retired snapshot (at exit). */
void dp_config_cleanup(struct dp *d);

struct dp_control;
/* Listen on path (replacing a stale socket file). @return NULL after printing why. */
struct dp_control *dp_control_new(struct dp *d, const char *path);
void dp_control_free(struct dp_control *c);
/* Accept, read and answer requests; send what is buffered. Never blocks. */
void dp_control_poll(struct dp_control *c);
/* Queue one pushed line (an event) for the client; false if none is connected or its buffer is full. */
bool dp_control_push(struct dp_control *c, const char *line, size_t len);

#endif /* E911_DP_CONTROL_H */
