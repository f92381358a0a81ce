/*
 * cmd_run.c - one command line: split it, refuse what no command can be
 * (control characters, an empty line), and hand it to its verb.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_internal.h"

enum ctl_kind cmd_error(struct cmd *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_config_free(c->res->config);
	c->res->config = NULL;
	free(c->res->text);
	c->res->kind = CTL_ERROR;
	if (asprintf(&c->res->text, "error: %s", msg) < 0)
		c->res->text = NULL;
	return CTL_ERROR;
}

enum ctl_kind cmd_text(struct cmd *c, char *text)
{
	free(c->res->text);
	c->res->text = text;
	c->res->kind = text ? CTL_TEXT : CTL_ERROR;
	return c->res->kind;
}

int cmd_policy(struct cmd *c, const char *name)
{
	int p = policy_config_find_policy(c->cfg, name);
	if (p < 0)
		cmd_error(c, "no policy named \"%s\" (show policies lists them)", name);
	return p;
}

int cmd_route(struct cmd *c, const char *name)
{
	int r = policy_config_find_route(c->cfg, name);
	if (r < 0)
		cmd_error(c, "no route named \"%s\" (show routes lists them)", name);
	return r;
}

/* The daemon's own commands: checked here, answered there. */
static enum ctl_kind daemon(struct cmd *c, enum ctl_daemon_cmd cmd, unsigned words)
{
	if (c->n > words)
		return cmd_error(c, "\"%s\" after \"%s\" is not understood (help %s)", c->w[words], c->w[words - 1],
				 c->w[0]);
	c->res->kind = CTL_DAEMON;
	c->res->cmd = cmd;
	return CTL_DAEMON;
}

static enum ctl_kind show_daemon(struct cmd *c)
{
	static const struct { const char *what; enum ctl_daemon_cmd cmd; bool json; } list[] = {
		{ "stats", CTL_SHOW_STATS, true },     { "gateways", CTL_SHOW_GATEWAYS, true },
		{ "version", CTL_SHOW_VERSION, true }, { "metrics", CTL_SHOW_METRICS, false },
	};
	if (!strcmp(c->w[1], "calls")) {
		unsigned k = 2;
		c->res->limit = CTL_CALLS_DEFAULT;
		if (k < c->n && strcmp(c->w[k], "json") != 0) {
			char *end;
			unsigned long v = strtoul(c->w[k], &end, 10);
			if (*end || !c->w[k][0] || c->w[k][0] == '-' || v == 0 || v > CTL_CALLS_MAX)
				return cmd_error(c, "show calls [N] [json]: N is a number from 1 to %u, not \"%s\"",
						 CTL_CALLS_MAX, c->w[k]);
			c->res->limit = (uint32_t)v;
			k++;
		}
		if (k < c->n && !strcmp(c->w[k], "json"))
			c->res->json = true, k++;
		return daemon(c, CTL_SHOW_CALLS, k);
	}
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
		if (strcmp(c->w[1], list[i].what) != 0)
			continue;
		if (list[i].json && c->n == 3 && !strcmp(c->w[2], "json"))
			c->res->json = true;
		return daemon(c, list[i].cmd, c->res->json ? 3 : 2);
	}
	return cmd_show(c);
}

enum ctl_kind ctl_command_run(const struct e911_config *current, const char *line, size_t len,
			      struct ctl_result *res)
{
	memset(res, 0, sizeof(*res));
	struct cmd c = { .cfg = current, .res = res };
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
			return cmd_error(&c, "a control character (0x%02x) at column %zu", (unsigned char)line[i], i + 1);
	char *store = malloc(len + 1);
	if (!store)
		return cmd_error(&c, "out of memory");
	enum ctl_kind k;
	if (cmd_split(&c, line, len, store) != 0)
		k = CTL_ERROR;
	else if (c.n == 0)
		k = cmd_error(&c, "empty command (help lists the commands)");
	else if (!strcmp(c.w[0], "help"))
		k = cmd_help(&c);
	else if (!strcmp(c.w[0], "show") && c.n >= 2)
		k = show_daemon(&c);
	else if (!strcmp(c.w[0], "add") && c.n >= 2)
		k = cmd_add(&c);
	else if (!strcmp(c.w[0], "set") && c.n >= 2)
		k = cmd_set(&c);
	else if (!strcmp(c.w[0], "del") && c.n >= 2)
		k = cmd_del(&c);
	else if (!strcmp(c.w[0], "reload"))
		k = daemon(&c, CTL_RELOAD, 1);
	else if (!strcmp(c.w[0], "health"))
		k = daemon(&c, CTL_HEALTH, 1);
	else if (!strcmp(c.w[0], "end") && c.n >= 2 && !strcmp(c.w[1], "conference")) {
		char *end = NULL;
		const char *num = c.n >= 3 ? c.w[2] + (c.w[2][0] == '#') : ""; /* "#3" as show calls writes it */
		unsigned long long ref = strtoull(num, &end, 10);
		if (c.n < 3 || *end || !num[0] || num[0] == '-' || ref == 0)
			k = cmd_error(&c, "end conference REF: REF is the call's number in show calls (#N)");
		else {
			res->ref = ref;
			k = daemon(&c, CTL_CONFERENCE_END, 3);
		}
	} else if (!strcmp(c.w[0], "show") || !strcmp(c.w[0], "add") || !strcmp(c.w[0], "set") ||
		   !strcmp(c.w[0], "del"))
		k = cmd_error(&c, "%s what? (help %s)", c.w[0], c.w[0]);
	else
		k = cmd_error(&c, "unknown command \"%s\" (help lists the commands)", c.w[0]);
	free(store);
	return k;
}

void ctl_result_free(struct ctl_result *res)
{
	policy_config_free(res->config);
	free(res->text);
	res->config = NULL;
	res->text = NULL;
}
