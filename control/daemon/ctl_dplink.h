/*
 * ctl_dplink.h - e911-control's end of the control channel to the dataplane
 * (protocol: include/e911/control_channel.h). Non-blocking, driven by the
 * daemon's poll loop: requests are queued and answered in order through
 * callbacks; pushed event lines go to the event callback; when the channel
 * drops, every waiting request is answered with NULL and the link tries
 * again every second, calling the `up` callback each time it is back (the
 * daemon pushes its configuration there). Internal to control/daemon/.
 */
#ifndef E911_CTL_DPLINK_H
#define E911_CTL_DPLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dplink;

/* line: the answer without its "\n", NUL-terminated; NULL: the channel dropped first. */
typedef void (*dplink_answer_fn)(void *arg, const char *line);

struct dplink_callbacks {
	void (*up)(void *arg);                      /* connected (again) */
	void (*down)(void *arg, const char *why);   /* lost, or a connection attempt failed after being up */
	void (*event)(void *arg, const char *json); /* one pushed "event {JSON}" line, the JSON part */
	void *arg;
};

/** @return NULL on out of memory. Connects on the first dplink_tick(). */
struct dplink *dplink_new(const char *path, const struct dplink_callbacks *cb);
void dplink_free(struct dplink *l);

bool dplink_connected(const struct dplink *l);

/**
 * Queue "line\n" followed by payload_len bytes of payload (may be NULL/0).
 * fn (may be NULL) gets the answer, or NULL if the channel drops first.
 * @return 0; -ENOTCONN: not connected (fn is not called); -ENOMEM.
 */
int dplink_request(struct dplink *l, const char *line, const char *payload, size_t payload_len,
		   dplink_answer_fn fn, void *fn_arg);

/** The fd to poll and the events wanted; -1 when not connected. */
int dplink_fd(const struct dplink *l, short *events);
/** Handle poll's revents for dplink_fd(). */
void dplink_io(struct dplink *l, short revents);
/** Reconnect when due. @return ms until the next attempt is due, -1 when connected. */
int dplink_tick(struct dplink *l, uint64_t now_ms);

#endif /* E911_CTL_DPLINK_H */
