/*
 * ctl_main.c - e911-control: load the configuration, keep the channel to
 * the dataplane (pushing the configuration each time it comes back), turn
 * its events into call records, and run the poll loop everything else hangs
 * on. Signals arrive through a signalfd so that they are handled in the loop,
 * never inside a handler.
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "e911/ua.h"
#include "ctl.h"
#include "ctl_commands.h"
#include "ctl_desk.h"
#include "ctl_metrics.h"
#include "ctl_ops.h"

#define STATS_EVERY_MS 1000u

static void on_up(void *arg)
{
	struct ctl *c = arg;
	ctl_log(c, "event=dataplane state=connected path=%s", c->opt.dataplane_path);
	ctl_resync(c);
}

static void on_down(void *arg, const char *why)
{
	struct ctl *c = arg;
	ctl_log(c, "event=dataplane state=disconnected reason=\"%s\"", why);
	c->stats_waiting = false;
}

static void on_event(void *arg, const char *text)
{
	struct ctl *c = arg;
	json_error_t jerr;
	json_t *ev = json_loads(text, 0, &jerr);
	const char *kind = json_string_value(json_object_get(ev, "kind"));
	if (!kind) {
		ctl_log(c, "event=bad-event reason=\"%s\"", ev ? "no kind" : jerr.text);
		json_decref(ev);
		return;
	}
	if (!strcmp(kind, "call")) {
		struct call_record *r = calls_repeat_of(&c->calls, ev);
		if (r) { /* the same call's INVITE again: the desk knows already */
			r->repeats++;
			ctl_log(c, "event=call-repeat ref=%llu repeats=%u", (unsigned long long)r->ref, r->repeats);
		} else {
			struct pidf_location loc;
			r = calls_add_event(&c->calls, ev, &loc);
			ctl_log_call(c, r);
			desk_call_began(c, r, &loc);
		}
	} else if (!strcmp(kind, "end")) {
		const char *call_id = json_string_value(json_object_get(ev, "call_id"));
		struct call_record *r = call_id ? calls_find_call_id(&c->calls, call_id) : NULL;
		if (r && !r->ended) {
			r->ended = true;
			ctl_log(c, "event=end ref=%llu", (unsigned long long)r->ref);
			desk_call_ended(c, r);
		}
	}
	json_decref(ev);
}

static void on_stats(void *arg, const char *line)
{
	struct ctl *c = arg;
	c->stats_waiting = false;
	if (!line || strncmp(line, "ok ", 3) != 0)
		return;
	char *copy = strdup(line + 3);
	if (copy) {
		free(c->stats_json);
	free(c->change_text);
		c->stats_json = copy;
	}
}

/* Ask for the dataplane's counters once a second: show stats and the metrics read the last answer. */
static int poll_stats(struct ctl *c, uint64_t now)
{
	if (!dplink_connected(c->link) || c->stats_waiting)
		return STATS_EVERY_MS;
	if (now >= c->stats_at_ms + STATS_EVERY_MS) {
		c->stats_at_ms = now;
		if (dplink_request(c->link, "stats", NULL, 0, on_stats, c) == 0)
			c->stats_waiting = true;
	}
	return (int)(c->stats_at_ms + STATS_EVERY_MS - now);
}

static void on_reloaded(struct ctl *c, uint64_t arg, int result, const char *text)
{
	(void)arg;
	ctl_log(c, "event=reload result=%s detail=\"%.300s\"", result == 0 ? "running" : result > 0 ? "kept" : "refused",
		text);
}

static void handle_signals(struct ctl *c, int sfd)
{
	struct signalfd_siginfo si;
	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			char *errs;
			ctl_log_reopen(c);
			if (ctl_reload(c, &errs, on_reloaded, 0) != 0) {
				fprintf(stderr, "e911-control: reload refused, nothing changed:\n%s", errs ? errs : "");
				free(errs);
			}
		} else {
			c->stop = true;
		}
	}
}

static int load_config(struct ctl *c)
{
	struct policy_errors pe;
	int rc = policy_config_load_file(c->opt.config_path, &c->config, &pe);
	for (uint32_t i = 0; i < pe.count; i++)
		fprintf(stderr, "%s\n", pe.items[i].text);
	if (pe.dropped)
		fprintf(stderr, "... and %u more errors\n", pe.dropped);
	policy_errors_free(&pe);
	if (rc != 0)
		fprintf(stderr, "e911-control: %s: not a usable configuration; not starting\n", c->opt.config_path);
	return rc;
}

int main(int argc, char **argv)
{
	static struct ctl ctl; /* the ring of calls is large: not on the stack */
	struct ctl *c = &ctl;
	int rc = ctl_parse_args(argc, argv, &c->opt);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	calls_init(&c->calls);
	if (load_config(c) != 0 || ctl_log_reopen(c) != 0 || gateways_rebuild(&c->gateways, c->config) != 0)
		return 1;
	if (strcmp(c->opt.metrics, "off") != 0 && !(c->metrics = metrics_new(c, c->opt.metrics)))
		return 1;
	if (!(c->ops = ops_new(c, c->opt.socket_path, ctl_run_command)))
		return 1;
	/* The desk's user agent. Without it calls are still recorded (and routed,
	 * by the dataplane): health says degraded, and the log says why. */
	struct ua_options uo = { .local_address = c->opt.sip_address, .local_port = c->opt.sip_port,
				 .identity = c->opt.identity, .conference_timeout_s = c->opt.conference_timeout_s,
				 .options_interval_s = c->opt.options_interval_s };
	char uerr[300];
	if (ua_start(&uo, &c->ua, uerr, sizeof(uerr)) != 0)
		ctl_log(c, "event=desk-agent state=failed reason=\"%s\"", uerr);
	else
		desk_config_running(c); /* the gateways to ping */

	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

	struct dplink_callbacks cb = { on_up, on_down, on_event, c };
	c->link = dplink_new(c->opt.dataplane_path, &cb);
	if (sfd < 0 || !c->link) {
		fprintf(stderr, "e911-control: cannot start: %s\n", strerror(errno));
		return 1;
	}
	ctl_log(c, "event=start config=%s dataplane=%s", c->opt.config_path, c->opt.dataplane_path);

	while (!c->stop) {
		uint64_t now = ctl_now_ms();
		int timeout = poll_stats(c, now);
		int t = dplink_tick(c->link, now);
		if (t >= 0 && t < timeout)
			timeout = t;
		struct pollfd fds[4 + 1 + OPS_MAX_CLIENTS] = {
			{ .fd = sfd, .events = POLLIN }, { .fd = -1 }, { .fd = -1, .events = POLLIN },
			{ .fd = c->ua ? ua_event_fd(c->ua) : -1, .events = POLLIN }
		};
		fds[1].fd = dplink_fd(c->link, &fds[1].events);
		if (c->metrics) {
			fds[2].fd = metrics_fd(c->metrics, &t);
			if (t >= 0 && t < timeout)
				timeout = t;
		}
		unsigned nops = ops_pollfds(c->ops, &fds[4]);
		if (poll(fds, 4 + nops, timeout) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			handle_signals(c, sfd);
		if (fds[1].fd >= 0 && fds[1].revents)
			dplink_io(c->link, fds[1].revents);
		if (c->metrics)
			metrics_run(c->metrics);
		if (fds[3].revents)
			desk_ua_events(c);
		/* also runs commands that waited for a configuration's answer */
		ops_io(c->ops, &fds[4], nops);
	}
	ctl_log(c, "event=stop");
	ua_stop(c->ua); /* ends the desk's conference legs */
	c->ua = NULL;
	ops_free(c->ops);
	dplink_free(c->link);
	metrics_free(c->metrics);
	gateways_free(&c->gateways);
	policy_config_free(c->config);
	free(c->stats_json);
	free(c->change_text);
	if (c->calls_log)
		fclose(c->calls_log);
	close(sfd);
	return 0;
}
