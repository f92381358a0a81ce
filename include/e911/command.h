/*
 * command.h - the command language of e911-control's operators' socket
 * (control/command/): one command per line, in the style of HAProxy's
 * runtime API. This library parses a line and either answers it from the
 * configuration (show, help), or returns the changed configuration (add,
 * set, del), or names a command the daemon answers from its own state
 * (stats, calls, gateways, version, metrics, health, reload, ending a
 * conference leg). It does no I/O: the daemon (control/daemon/) moves the
 * lines and applies changes. Every command and its syntax: `help`, and
 * docs/control-socket.md.
 *
 * A change is made on a copy of the configuration and checked by the
 * loader's own rules (lib/policy: schema and semantic checks) before it is
 * returned, so a configuration this library returns always loads. A command
 * that is malformed or would break a rule returns CTL_ERROR and changes
 * nothing. Words are separated by blanks; a word may be "double-quoted"
 * with \" and \\ inside.
 */
#ifndef E911_COMMAND_H
#define E911_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e911/policy.h"

#define CTL_MAX_WORDS 64u      /* words in one command line */
#define CTL_CALLS_DEFAULT 20u  /* `show calls` without a count */
#define CTL_CALLS_MAX 1024u    /* the most `show calls N` takes */

enum ctl_kind {
	CTL_ERROR,  /* text: "error: ..." (one line) */
	CTL_TEXT,   /* text: the answer (show, help) */
	CTL_CHANGE, /* config: the changed configuration, checked; text: what changed, one line */
	CTL_DAEMON, /* cmd (and json, limit, ref): the daemon answers it */
};

enum ctl_daemon_cmd {
	CTL_RELOAD,         /* reload: re-read the configuration file */
	CTL_SHOW_STATS,     /* show stats [json] */
	CTL_SHOW_CALLS,     /* show calls [N] [json] */
	CTL_SHOW_GATEWAYS,  /* show gateways [json] */
	CTL_SHOW_VERSION,   /* show version [json] */
	CTL_SHOW_METRICS,   /* show metrics */
	CTL_HEALTH,         /* health */
	CTL_CONFERENCE_END, /* end conference REF */
};

struct ctl_result {
	enum ctl_kind kind;
	enum ctl_daemon_cmd cmd;    /* CTL_DAEMON */
	bool json;                  /* the command ended in "json" */
	uint32_t limit;             /* CTL_SHOW_CALLS: how many */
	uint64_t ref;               /* CTL_CONFERENCE_END: the call's ref */
	struct e911_config *config; /* CTL_CHANGE: owned by the result until taken (set it to NULL) */
	char *text;                 /* malloc'd, NUL-terminated; NULL for CTL_DAEMON, or when out of memory */
};

/**
 * Run one command line against the current configuration (which is never
 * modified).
 * @param line  the command, len bytes, without its line end (need not be NUL-terminated)
 * @param res   receives the result; free it with ctl_result_free()
 * @return res->kind
 */
enum ctl_kind ctl_command_run(const struct e911_config *current, const char *line, size_t len,
			      struct ctl_result *res);

/** Free what a result holds (its config if not taken, its text). */
void ctl_result_free(struct ctl_result *res);

#endif /* E911_COMMAND_H */
