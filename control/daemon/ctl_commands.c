/*
 * ctl_commands.c - what each control-socket command does in the daemon.
 * The command language (parsing, validation, the configuration edits, the
 * show forms of the configuration) is control/command/'s; this file answers
 * with the daemon's state and carries changes through ctl_apply(): pushed to
 * the dataplane first, saved to the file once it runs them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e911/command.h"
#include "ctl.h"
#include "ctl_commands.h"
#include "ctl_desk.h"
#include "ctl_metrics.h"
#include "ctl_ops.h"

static void answer_owned(struct ctl *c, uint64_t id, char *text)
{
	ops_answer(c->ops, id, text ? text : "error: out of memory");
	free(text);
}

static void answer_json(struct ctl *c, uint64_t id, json_t *j)
{
	answer_owned(c, id, j ? json_dumps(j, JSON_INDENT(2)) : NULL);
	json_decref(j);
}

/* A change or a reload has been answered by the dataplane (or kept for it). */
static void applied(struct ctl *c, uint64_t id, int result, const char *text)
{
	char *answer = NULL;
	if (result < 0) {
		if (asprintf(&answer, "error: %s", text) < 0)
			answer = NULL;
	} else {
		const char *what = c->change_text ? c->change_text : "";
		if (asprintf(&answer, "ok %s%s%s", text, what[0] ? "\n" : "", what) < 0)
			answer = NULL;
	}
	free(c->change_text);
	c->change_text = NULL;
	answer_owned(c, id, answer);
}

static void reload(struct ctl *c, uint64_t id)
{
	char *errs;
	free(c->change_text);
	c->change_text = NULL;
	if (asprintf(&c->change_text, "reloaded %s", c->opt.config_path) < 0)
		c->change_text = NULL;
	if (ctl_reload(c, &errs, applied, id) == 0)
		return;
	char *answer = NULL;
	if (asprintf(&answer, "error: %s is not a usable configuration; nothing changed\n%s", c->opt.config_path,
		     errs ? errs : "") < 0)
		answer = NULL;
	free(errs);
	answer_owned(c, id, answer);
}

/* The counters a person reads first; `show stats json` has them all. */
static char *stats_text(json_t *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	const char *key;
	json_t *v;
	fprintf(f, "snapshot %lld\n", (long long)json_integer_value(json_object_get(s, "snapshot")));
	fputs("total:", f);
	json_object_foreach(json_object_get(s, "total"), key, v)
		if (json_integer_value(v))
			fprintf(f, " %s=%lld", key, (long long)json_integer_value(v));
	fputc('\n', f);
	size_t w;
	json_t *wc;
	json_array_foreach(json_object_get(s, "workers"), w, wc) {
		fprintf(f, "worker %zu:", w);
		json_object_foreach(wc, key, v)
			if (json_integer_value(v))
				fprintf(f, " %s=%lld", key, (long long)json_integer_value(v));
		fputc('\n', f);
	}
	const char *groups[] = { "outcomes", "drops", "policies" };
	for (size_t g = 0; g < 3; g++) {
		fprintf(f, "%s:", groups[g]);
		json_object_foreach(json_object_get(s, groups[g]), key, v)
			if (g == 2 || json_integer_value(v))
				fprintf(f, " %s=%lld", key, (long long)json_integer_value(v));
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static void show_stats(struct ctl *c, uint64_t id, bool json)
{
	json_t *s = c->stats_json ? json_loads(c->stats_json, 0, NULL) : NULL;
	if (!s) {
		ops_answer(c->ops, id, dplink_connected(c->link) ? "error: no counters from the dataplane yet; try again"
								  : "error: the dataplane is not connected");
		return;
	}
	if (json)
		answer_json(c, id, s);
	else {
		answer_owned(c, id, stats_text(s));
		json_decref(s);
	}
}

static void show_version(struct ctl *c, uint64_t id, bool json)
{
	bool up = dplink_connected(c->link);
	if (json) {
		answer_json(c, id, json_pack("{s:s, s:s, s:s, s:b, s:I, s:s}", "version", E911_VERSION,
					     "config_file", c->opt.config_path, "config_version",
					     c->config->version ? c->config->version : "", "dataplane_connected", up,
					     "snapshot", (json_int_t)c->dp_snapshot, "dataplane_config_version",
					     c->dp_config_version));
		return;
	}
	char *text = NULL;
	if (asprintf(&text, "e911-control %s\nconfig %s version %s\ndataplane %s, snapshot %" PRIu64 " (config %s)",
		     E911_VERSION, c->opt.config_path, c->config->version ? c->config->version : "-",
		     up ? "connected" : "not connected", c->dp_snapshot,
		     c->dp_config_version[0] ? c->dp_config_version : "-") < 0)
		text = NULL;
	answer_owned(c, id, text);
}

/* ok / degraded / down, first word of the answer (e911ctl health exits 0/1/2). */
static void health(struct ctl *c, uint64_t id)
{
	char text[512];
	uint32_t down = gateways_down(&c->gateways);
	if (!dplink_connected(c->link))
		snprintf(text, sizeof(text), "down: the dataplane is not connected (%s)", c->opt.dataplane_path);
	else if (down)
		snprintf(text, sizeof(text), "degraded: %u of %u trunk gateways do not answer OPTIONS (show gateways)",
			 down, c->gateways.count);
	else if (!c->ua)
		snprintf(text, sizeof(text), "degraded: the security desk's user agent is not running");
	else
		snprintf(text, sizeof(text), "ok: dataplane connected, snapshot %" PRIu64 ", %u gateways up",
			 c->dp_snapshot, c->gateways.count);
	ops_answer(c->ops, id, text);
}

static void daemon_command(struct ctl *c, uint64_t id, const struct ctl_result *res)
{
	char why[256];
	switch (res->cmd) {
	case CTL_RELOAD: reload(c, id); return;
	case CTL_SHOW_STATS: show_stats(c, id, res->json); return;
	case CTL_SHOW_CALLS:
		if (res->json)
			answer_json(c, id, calls_json(&c->calls, res->limit));
		else
			answer_owned(c, id, calls_text(&c->calls, res->limit));
		return;
	case CTL_SHOW_GATEWAYS:
		if (res->json)
			answer_json(c, id, gateways_json(&c->gateways));
		else
			answer_owned(c, id, gateways_text(&c->gateways, c->opt.options_interval_s != 0));
		return;
	case CTL_SHOW_VERSION: show_version(c, id, res->json); return;
	case CTL_SHOW_METRICS: answer_owned(c, id, metrics_text(c)); return;
	case CTL_HEALTH: health(c, id); return;
	case CTL_CONFERENCE_END:
		if (desk_end_conference(c, res->ref, why, sizeof(why)) != 0) {
			char text[300];
			snprintf(text, sizeof(text), "error: %s", why);
			ops_answer(c->ops, id, text);
		} else {
			snprintf(why, sizeof(why), "ok ending the conference leg of call #%" PRIu64, res->ref);
			ops_answer(c->ops, id, why);
		}
		return;
	}
	ops_answer(c->ops, id, "error: command not handled by this daemon");
}

void ctl_run_command(struct ctl *c, uint64_t id, const char *line, size_t len)
{
	struct ctl_result res;
	ctl_command_run(c->config, line, len, &res);
	switch (res.kind) {
	case CTL_ERROR:
	case CTL_TEXT:
		ops_answer(c->ops, id, res.text ? res.text : "error: out of memory");
		break;
	case CTL_CHANGE:
		free(c->change_text);
		c->change_text = res.text; /* said after the version, in applied() */
		res.text = NULL;
		ctl_log(c, "event=change command=\"%.200s\"", c->change_text ? c->change_text : "");
		ctl_apply(c, res.config, true, applied, id);
		res.config = NULL; /* ctl_apply took it */
		break;
	case CTL_DAEMON:
		daemon_command(c, id, &res);
		break;
	}
	ctl_result_free(&res);
}
