/*
 * ctl_metrics.c - Prometheus metrics (see ctl_metrics.h). The dataplane's
 * counters come from its last `stats` answer (asked for once a second), so a
 * scrape never waits for the dataplane.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "ctl_metrics.h"

struct metrics {
	struct ctl *c;
	struct MHD_Daemon *mhd;
};

/* A label value: backslash, quote and line feed escaped, as the format says. */
static void label(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The dataplane's counters: each in total and per worker. */
static void dataplane_counters(FILE *f, json_t *stats)
{
	json_t *total = json_object_get(stats, "total"), *workers = json_object_get(stats, "workers");
	const char *key;
	json_t *v;
	json_object_foreach(total, key, v) {
		char name[128];
		snprintf(name, sizeof(name), "e911_dataplane_%s_total", key);
		family(f, name, "counter", "dataplane counter, all workers (docs/operations.md lists them)");
		fprintf(f, "%s %lld\n", name, (long long)json_integer_value(v));
		snprintf(name, sizeof(name), "e911_dataplane_worker_%s_total", key);
		family(f, name, "counter", "dataplane counter, per worker");
		size_t w;
		json_t *wc;
		json_array_foreach(workers, w, wc)
			fprintf(f, "%s{worker=\"%zu\"} %lld\n", name, w,
				(long long)json_integer_value(json_object_get(wc, key)));
	}
	struct { const char *key, *name, *label, *help; } groups[] = {
		{ "outcomes", "e911_dataplane_outcome_total", "outcome", "messages by what the proxy did with them" },
		{ "drops", "e911_dataplane_drop_total", "reason", "messages dropped, by reason" },
		{ "policies", "e911_emergency_calls_total", "policy", "emergency calls routed, by location policy" },
	};
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		family(f, groups[g].name, "counter", groups[g].help);
		json_object_foreach(json_object_get(stats, groups[g].key), key, v) {
			fprintf(f, "%s{%s=\"", groups[g].name, groups[g].label);
			label(f, key);
			fprintf(f, "\"} %lld\n", (long long)json_integer_value(v));
		}
	}
}

char *metrics_text(const struct ctl *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	family(f, "e911_dataplane_up", "gauge", "1 when e911-control is connected to the dataplane");
	fprintf(f, "e911_dataplane_up %d\n", dplink_connected(c->link) ? 1 : 0);
	family(f, "e911_snapshot_version", "gauge", "the policy snapshot version the dataplane runs");
	fprintf(f, "e911_snapshot_version %llu\n", (unsigned long long)c->dp_snapshot);
	json_t *stats = c->stats_json ? json_loads(c->stats_json, 0, NULL) : NULL;
	if (stats)
		dataplane_counters(f, stats);
	json_decref(stats);

	family(f, "e911_gateway_up", "gauge", "trunk gateway health by OPTIONS pings (1 up, 0 down)");
	for (uint32_t i = 0; i < c->gateways.count; i++) {
		const struct gateway_health *h = &c->gateways.items[i];
		fputs("e911_gateway_up{route=\"", f);
		label(f, h->route);
		fprintf(f, "\",gateway=\"%s\"} %d\n", h->address, h->up ? 1 : 0);
	}
	family(f, "e911_control_calls_total", "counter", "emergency calls e911-control was told of");
	fprintf(f, "e911_control_calls_total %llu\n", (unsigned long long)(c->calls.next_ref - 1));
	family(f, "e911_notifications_total", "counter", "security-desk notifications (SIP MESSAGE) by outcome");
	for (int s = CALL_NOTIFY_DELIVERED; s <= CALL_NOTIFY_ERROR; s++)
		fprintf(f, "e911_notifications_total{outcome=\"%s\"} %llu\n", call_notify_state_name(s),
			(unsigned long long)c->notify_outcomes[s]);
	family(f, "e911_conferences_total", "counter", "security-desk conference legs by outcome");
	for (int s = CALL_CONFERENCE_CONNECTED; s <= CALL_CONFERENCE_FAILED; s++)
		fprintf(f, "e911_conferences_total{outcome=\"%s\"} %llu\n", call_conference_state_name(s),
			(unsigned long long)c->conference_outcomes[s]);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_len, void **state)
{
	(void)version, (void)upload, (void)upload_len, (void)state;
	struct metrics *m = cls;
	const char *body = NULL;
	char *text = NULL;
	unsigned status = MHD_HTTP_OK;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		body = "GET /metrics\n";
	} else if (strcmp(url, "/metrics") != 0) {
		status = MHD_HTTP_NOT_FOUND;
		body = "e911-control serves /metrics\n";
	} else if (!(text = metrics_text(m->c))) {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		body = "out of memory\n";
	}
	struct MHD_Response *r = text ? MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE)
				      : MHD_create_response_from_buffer(strlen(body), (void *)(uintptr_t)body,
									MHD_RESPMEM_PERSISTENT);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", text ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
	enum MHD_Result rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

struct metrics *metrics_new(struct ctl *c, const char *listen)
{
	char host[64];
	unsigned port;
	struct sockaddr_storage ss = { 0 };
	const char *colon = strrchr(listen, ':');
	bool v6 = listen[0] == '[';
	size_t hlen = colon ? (size_t)(colon - listen) : 0;
	if (v6 && hlen >= 2 && listen[hlen - 1] == ']')
		memcpy(host, listen + 1, hlen - 2), host[hlen - 2] = '\0';
	else if (!v6 && hlen < sizeof(host))
		memcpy(host, listen, hlen), host[hlen] = '\0';
	else
		colon = NULL;
	char *end;
	port = colon ? (unsigned)strtoul(colon + 1, &end, 10) : 0;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (!colon || !colon[1] || *end || port == 0 || port > 65535 ||
	    (v6 ? inet_pton(AF_INET6, host, &s6->sin6_addr) : inet_pton(AF_INET, host, &s4->sin_addr)) != 1) {
		fprintf(stderr, "e911-control: --metrics %s: expected ADDR:PORT, [V6ADDR]:PORT or off\n", listen);
		return NULL;
	}
	if (v6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
	} else {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
	}
	struct metrics *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->c = c;
	/* No thread of its own: the daemon's loop polls MHD's epoll fd. */
	m->mhd = MHD_start_daemon(MHD_USE_EPOLL | (v6 ? MHD_USE_IPv6 : 0), (uint16_t)port, NULL, NULL, answer, m,
				  MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 32u,
				  MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
	if (!m->mhd) {
		fprintf(stderr, "e911-control: --metrics %s: cannot listen (address in use?)\n", listen);
		free(m);
		return NULL;
	}
	return m;
}

void metrics_free(struct metrics *m)
{
	if (!m)
		return;
	MHD_stop_daemon(m->mhd);
	free(m);
}

int metrics_fd(struct metrics *m, int *timeout_ms)
{
	MHD_UNSIGNED_LONG_LONG t;
	*timeout_ms = MHD_get_timeout(m->mhd, &t) == MHD_YES ? (int)(t > 60000 ? 60000 : t) : -1;
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	return info ? info->epoll_fd : -1;
}

void metrics_run(struct metrics *m)
{
	MHD_run(m->mhd);
}
