/*
 * ctl_metrics.h - Prometheus metrics: the text exposition format (version
 * 0.0.4), served over HTTP by libmicrohttpd on --metrics ADDR:PORT and shown
 * by `show metrics`. The HTTP server runs inside the daemon's poll loop (its
 * epoll fd is polled), so a scrape reads the daemon's state without locks.
 * Internal to control/daemon/.
 */
#ifndef E911_CTL_METRICS_H
#define E911_CTL_METRICS_H

#include <poll.h>

struct ctl;
struct metrics;

/** The metrics now, malloc'd, NULL on ENOMEM. */
char *metrics_text(const struct ctl *c);

/** Serve on "ADDR:PORT" ("[v6]:PORT" for IPv6). @return NULL after printing why. */
struct metrics *metrics_new(struct ctl *c, const char *listen);
void metrics_free(struct metrics *m);
/** The fd to poll for POLLIN, and the ms until it must run anyway (-1: none). */
int metrics_fd(struct metrics *m, int *timeout_ms);
void metrics_run(struct metrics *m);

#endif /* E911_CTL_METRICS_H */
