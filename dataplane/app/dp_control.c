/*
 * dp_control.c - the control channel's server on the main lcore: a
 * non-blocking UNIX stream socket, one client, requests read into a buffer
 * and answered in order, events pushed between answers. Never blocks the
 * main lcore: a client that stops reading loses events (counted), not the
 * dataplane's housekeeping.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "e911/control_channel.h"
#include "dp.h"
#include "dp_control.h"
#include "dp_json.h"

#define OUT_CAP (1u << 20)

struct dp_control {
	struct dp *d;
	int listen_fd, fd;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len;
	uint64_t events_undelivered;
};

struct dp_control *dp_control_new(struct dp *d, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "e911-dataplane: --control %s: path too long\n", path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	struct dp_control *c = calloc(1, sizeof(*c));
	if (!c || !(c->out = malloc(OUT_CAP))) {
		free(c);
		return NULL;
	}
	c->d = d;
	c->fd = -1;
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path); /* a stale socket of an earlier run */
	if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    chmod(path, 0660) != 0 || listen(c->listen_fd, 4) != 0) {
		fprintf(stderr, "e911-dataplane: --control %s: %s\n", path, strerror(errno));
		if (c->listen_fd >= 0)
			close(c->listen_fd);
		free(c->out);
		free(c);
		return NULL;
	}
	return c;
}

void dp_control_free(struct dp_control *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	close(c->listen_fd);
	free(c->in);
	free(c->out);
	free(c);
}

static void drop_client(struct dp_control *c)
{
	close(c->fd);
	c->fd = -1;
	c->in_len = c->out_len = 0;
}

static bool queue(struct dp_control *c, const char *s, size_t n)
{
	if (c->fd < 0 || c->out_len + n > OUT_CAP)
		return false;
	memcpy(c->out + c->out_len, s, n);
	c->out_len += n;
	return true;
}

static void answer(struct dp_control *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void answer(struct dp_control *c, const char *fmt, ...)
{
	char line[CONTROL_MAX_LINE];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	queue(c, line, (size_t)n);
}

bool dp_control_push(struct dp_control *c, const char *line, size_t len)
{
	if (c && queue(c, line, len))
		return true;
	if (c && c->fd >= 0)
		c->events_undelivered++;
	return false;
}

static void answer_version(struct dp_control *c)
{
	const struct e911_snapshot *s = snapshot_slot_get(c->d->slot);
	answer(c, "ok version=%" PRIu64 " config=%s", s ? snapshot_version(s) : 0,
	       s ? snapshot_config(s)->version : "-");
}

static void do_config(struct dp_control *c, const char *xml, size_t len)
{
	struct e911_config *cfg;
	struct policy_errors errs;
	if (policy_config_load_buffer(xml, len, "control", &cfg, &errs) != 0) {
		char msg[CONTROL_MAX_LINE];
		size_t n = 0;
		for (uint32_t i = 0; i < errs.count && n < sizeof(msg) - 1; i++)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s", i ? " | " : "", errs.items[i].text);
		policy_errors_free(&errs);
		for (size_t i = 0; i < n && i < sizeof(msg); i++)
			if (msg[i] == '\n')
				msg[i] = ' ';
		answer(c, "error %s", msg);
		return;
	}
	policy_errors_free(&errs);
	char err[512];
	if (dp_apply_config(c->d, cfg, err, sizeof(err)) != 0) {
		answer(c, "error %s", err);
		return;
	}
	answer_version(c);
	printf("e911-dataplane: control: configuration %s applied as snapshot %" PRIu64 "\n",
	       snapshot_config(snapshot_slot_get(c->d->slot))->version,
	       snapshot_version(snapshot_slot_get(c->d->slot)));
	fflush(stdout);
}

static void do_health(struct dp_control *c, const char *args)
{
	char route[E911_NAME_MAX + 1], state[8];
	unsigned gw;
	char extra;
	if (sscanf(args, "%64s %u %7s %c", route, &gw, state, &extra) != 3 ||
	    (strcmp(state, "up") != 0 && strcmp(state, "down") != 0)) {
		answer(c, "error usage: health ROUTE GATEWAY up|down");
		return;
	}
	const struct e911_snapshot *s = snapshot_slot_get(c->d->slot);
	const struct e911_config *cfg = s ? snapshot_config(s) : NULL;
	int r = cfg ? policy_config_find_route(cfg, route) : -1;
	if (r < 0) {
		answer(c, "error no route %s", route);
		return;
	}
	if (gw >= cfg->routes[r].gateway_count) {
		answer(c, "error route %s has %u gateways (0-%u)", route, cfg->routes[r].gateway_count,
		       cfg->routes[r].gateway_count - 1);
		return;
	}
	proxy_gateway_down_mask bit = 1u << gw;
	if (strcmp(state, "down") == 0)
		__atomic_fetch_or(&c->d->gateway_down[r], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&c->d->gateway_down[r], ~bit, __ATOMIC_RELAXED);
	answer(c, "ok");
}

static void do_stats(struct dp_control *c)
{
	static char json[256 * 1024];
	size_t n = dp_json_stats(c->d, json, sizeof(json));
	queue(c, "ok ", 3);
	queue(c, json, n);
	queue(c, "\n", 1);
}

/* Handle every complete request in the input buffer. */
static void serve(struct dp_control *c)
{
	size_t used = 0;
	while (used < c->in_len) {
		char *line = c->in + used;
		char *nl = memchr(line, '\n', c->in_len - used);
		if (!nl) {
			if (c->in_len - used > CONTROL_MAX_LINE) {
				answer(c, "error line longer than %u bytes", CONTROL_MAX_LINE);
				used = c->in_len;
			}
			break;
		}
		*nl = '\0';
		if (nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		size_t line_len = (size_t)(nl - line) + 1;
		unsigned long bytes;
		char extra;
		if (strncmp(line, "config ", 7) == 0) {
			if (sscanf(line + 7, "%lu%c", &bytes, &extra) != 1) {
				answer(c, "error usage: config BYTES, then the XML");
			} else if (bytes > CONTROL_MAX_CONFIG) {
				answer(c, "error configuration of %lu bytes: at most %u", bytes, CONTROL_MAX_CONFIG);
				used = c->in_len;
				break;
			} else if (c->in_len - used - line_len < bytes) {
				*nl = '\n'; /* wait for the rest of the document */
				break;
			} else {
				do_config(c, nl + 1, bytes);
				used += bytes;
			}
		} else if (strncmp(line, "health ", 7) == 0) {
			do_health(c, line + 7);
		} else if (strcmp(line, "stats") == 0) {
			do_stats(c);
		} else if (strcmp(line, "version") == 0) {
			answer_version(c);
		} else if (line[0]) {
			answer(c, "error unknown command \"%.64s\" (config, health, stats, version)", line);
		}
		used += line_len;
	}
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
}

void dp_control_poll(struct dp_control *c)
{
	if (!c)
		return;
	int fd = accept4(c->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0) {
		if (c->fd >= 0)
			drop_client(c); /* the newest client wins: a restarted e911-control */
		c->fd = fd;
	}
	if (c->fd < 0)
		return;
	for (;;) {
		if (c->in_cap - c->in_len < 65536) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 131072;
			if (cap > CONTROL_MAX_CONFIG + 2 * CONTROL_MAX_LINE) {
				answer(c, "error request too large");
				c->in_len = 0;
				break;
			}
			char *in = realloc(c->in, cap);
			if (!in)
				break;
			c->in = in;
			c->in_cap = cap;
		}
		ssize_t n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (n > 0) {
			c->in_len += (size_t)n;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			drop_client(c);
			return;
		}
		break;
	}
	serve(c);
	while (c->out_len) {
		ssize_t n = write(c->fd, c->out, c->out_len);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				drop_client(c);
			break;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
}
