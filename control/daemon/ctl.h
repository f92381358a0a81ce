/*
 * ctl.h - e911-control's state and the functions its files share. The
 * process is one thread with one poll() loop (ctl_main.c); the desk's SIP
 * user agent runs in its own thread behind include/e911/ua.h. Internal to
 * control/daemon/.
 */
#ifndef E911_CTL_H
#define E911_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "e911/policy.h"
#include "ctl_calls.h"
#include "ctl_dplink.h"
#include "ctl_gateways.h"

#define CONTROL_TEXT_MAX 8192u /* one answer line about a configuration */

struct ctl_options {
	const char *config_path;
	const char *dataplane_path;
	const char *socket_path;
	const char *sip_address;
	uint16_t sip_port;
	const char *identity; /* NULL: sip:e911proxy@<sip_address> */
	uint32_t options_interval_s;
	uint32_t conference_timeout_s;
	const char *metrics; /* "ADDR:PORT" or "off" */
	const char *calls_log; /* "" : none */
};

/* ctl_args.c: @return 0, 1 after --help/--version (exit 0), -1 after a usage error (exit 2). */
int ctl_parse_args(int argc, char **argv, struct ctl_options *o);

struct ctl;
/* Called when an applied configuration is running (result 0), was kept
 * while the dataplane is away (1: it goes out when the channel is back), or
 * was refused (-1). text: "version=N config=V", or why. */
typedef void (*ctl_applied_fn)(struct ctl *c, uint64_t arg, int result, const char *text);

struct ctl {
	struct ctl_options opt;
	struct e911_config *config; /* the configuration running, or to run once the dataplane is back */
	struct dplink *link;
	uint64_t dp_snapshot;       /* the dataplane's snapshot version, 0 before its first answer */
	char dp_config_version[E911_NAME_MAX + 1];
	bool applying;              /* a configuration is on its way: commands wait for its answer */
	bool stop;
	char *stats_json;           /* the dataplane's last stats answer (JSON), NULL before the first */
	bool stats_waiting;
	uint64_t stats_at_ms;
	struct calls calls;
	FILE *calls_log;
	struct gateways gateways;
	uint64_t notify_outcomes[CALL_NOTIFY_ERROR + 1];
	uint64_t conference_outcomes[CALL_CONFERENCE_FAILED + 1];
	struct metrics *metrics;
	struct ops *ops;
	struct ua *ua;     /* the desk's user agent; NULL if it could not start */
	char *change_text; /* what the change on its way to the dataplane is, for its answer */
};

/* ctl_config.c */
/**
 * Apply cfg (taken; freed on refusal): push it to the dataplane, and when it
 * runs make it the configuration and, if save, write it to the file (the
 * previous file kept as PATH.bak). fn(c, arg, ...) gets the result.
 */
void ctl_apply(struct ctl *c, struct e911_config *cfg, bool save, ctl_applied_fn fn, uint64_t arg);
/** Push the running configuration again (the channel is back). */
void ctl_resync(struct ctl *c);
/**
 * Re-read the file and apply what it holds. @return 0 when it loaded (fn
 * gets the rest), -1 with every error in errs (one per line) and nothing
 * changed.
 */
int ctl_reload(struct ctl *c, char **errs, ctl_applied_fn fn, uint64_t arg);

/* ctl_log.c: one line per event on stdout (the journal) and in the calls log. */
void ctl_log(struct ctl *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctl_log_call(struct ctl *c, const struct call_record *r);
int ctl_log_reopen(struct ctl *c); /* after logrotate: SIGHUP */

uint64_t ctl_now_ms(void);

#endif /* E911_CTL_H */
