/*
 * ctl_dplink.c - the control channel's client (see ctl_dplink.h). One
 * connection; requests answered strictly in order, so the waiting ones are a
 * FIFO of callbacks. The dataplane never blocks on us and we never block on
 * it: the socket is non-blocking and output is buffered (a configuration can
 * be up to 64 MiB).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include "e911/control_channel.h"
#include "ctl_dplink.h"

#define RETRY_MS 1000u
#define IN_CAP (CONTROL_MAX_LINE + 4096u) /* an event line is at most a few KiB */

struct waiting {
	dplink_answer_fn fn;
	void *arg;
};

struct dplink {
	char *path;
	struct dplink_callbacks cb;
	int fd;
	bool was_up; /* tell `down` once per loss, not once per failed retry */
	uint64_t next_try_ms;
	char in[IN_CAP];
	size_t in_len;
	bool discarding; /* inside a line longer than IN_CAP: drop it to its end */
	char *out;
	size_t out_len, out_cap;
	struct waiting *wait;
	size_t wait_head, wait_count, wait_cap;
};

struct dplink *dplink_new(const char *path, const struct dplink_callbacks *cb)
{
	struct dplink *l = calloc(1, sizeof(*l));
	if (!l || !(l->path = strdup(path))) {
		free(l);
		return NULL;
	}
	l->cb = *cb;
	l->fd = -1;
	return l;
}

static void answer_all_waiting(struct dplink *l)
{
	while (l->wait_count) {
		struct waiting w = l->wait[l->wait_head];
		l->wait_head = (l->wait_head + 1) % l->wait_cap;
		l->wait_count--;
		if (w.fn)
			w.fn(w.arg, NULL);
	}
}

static void drop(struct dplink *l, const char *why)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->in_len = 0;
	l->out_len = 0;
	l->discarding = false;
	answer_all_waiting(l);
	if (l->was_up && l->cb.down)
		l->cb.down(l->cb.arg, why);
	l->was_up = false;
}

void dplink_free(struct dplink *l)
{
	if (!l)
		return;
	l->was_up = false; /* no `down` callback while the daemon tears down */
	drop(l, "closing");
	free(l->wait);
	free(l->out);
	free(l->path);
	free(l);
}

bool dplink_connected(const struct dplink *l)
{
	return l->fd >= 0;
}

static int out_append(struct dplink *l, const void *p, size_t n)
{
	if (l->out_len + n > l->out_cap) {
		size_t cap = l->out_cap ? l->out_cap : 65536;
		while (cap < l->out_len + n)
			cap *= 2;
		char *o = realloc(l->out, cap);
		if (!o)
			return -ENOMEM;
		l->out = o;
		l->out_cap = cap;
	}
	memcpy(l->out + l->out_len, p, n);
	l->out_len += n;
	return 0;
}

int dplink_request(struct dplink *l, const char *line, const char *payload, size_t payload_len,
		   dplink_answer_fn fn, void *fn_arg)
{
	if (l->fd < 0)
		return -ENOTCONN;
	if (l->wait_count == l->wait_cap) {
		size_t cap = l->wait_cap ? l->wait_cap * 2 : 16;
		struct waiting *w = malloc(cap * sizeof(*w));
		if (!w)
			return -ENOMEM;
		for (size_t i = 0; i < l->wait_count; i++)
			w[i] = l->wait[(l->wait_head + i) % l->wait_cap];
		free(l->wait);
		l->wait = w;
		l->wait_cap = cap;
		l->wait_head = 0;
	}
	size_t before = l->out_len;
	if (out_append(l, line, strlen(line)) != 0 || out_append(l, "\n", 1) != 0 ||
	    (payload_len && out_append(l, payload, payload_len) != 0)) {
		l->out_len = before; /* all or nothing: the stream stays in step */
		return -ENOMEM;
	}
	l->wait[(l->wait_head + l->wait_count) % l->wait_cap] = (struct waiting){ fn, fn_arg };
	l->wait_count++;
	return 0;
}

int dplink_fd(const struct dplink *l, short *events)
{
	*events = POLLIN | (l->out_len ? POLLOUT : 0);
	return l->fd;
}

static void dispatch_line(struct dplink *l, char *line)
{
	if (strncmp(line, "event ", 6) == 0) {
		if (l->cb.event)
			l->cb.event(l->cb.arg, line + 6);
		return;
	}
	if (!l->wait_count) {
		fprintf(stderr, "e911-control: dataplane sent an answer nobody asked for: %.80s\n", line);
		return;
	}
	struct waiting w = l->wait[l->wait_head];
	l->wait_head = (l->wait_head + 1) % l->wait_cap;
	l->wait_count--;
	if (w.fn)
		w.fn(w.arg, line);
}

static void read_lines(struct dplink *l)
{
	for (;;) {
		ssize_t n = read(l->fd, l->in + l->in_len, IN_CAP - l->in_len);
		if (n == 0) {
			drop(l, "the dataplane closed the channel");
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				drop(l, strerror(errno));
			return;
		}
		l->in_len += (size_t)n;
		size_t start = 0;
		char *nl;
		while ((nl = memchr(l->in + start, '\n', l->in_len - start))) {
			*nl = '\0';
			if (!l->discarding)
				dispatch_line(l, l->in + start);
			l->discarding = false;
			start = (size_t)(nl - l->in) + 1;
			if (l->fd < 0) /* a callback dropped the link */
				return;
		}
		memmove(l->in, l->in + start, l->in_len - start);
		l->in_len -= start;
		if (l->in_len == IN_CAP) { /* a line too long to be ours: skip it */
			fprintf(stderr, "e911-control: dataplane line over %u bytes skipped\n", IN_CAP);
			l->discarding = true;
			l->in_len = 0;
		}
	}
}

static void write_out(struct dplink *l)
{
	while (l->out_len) {
		ssize_t n = send(l->fd, l->out, l->out_len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				drop(l, strerror(errno));
			return;
		}
		memmove(l->out, l->out + n, l->out_len - (size_t)n);
		l->out_len -= (size_t)n;
	}
}

void dplink_io(struct dplink *l, short revents)
{
	if (l->fd < 0)
		return;
	if (revents & (POLLIN | POLLHUP | POLLERR))
		read_lines(l);
	if (l->fd >= 0 && (revents & POLLOUT))
		write_out(l);
}

int dplink_tick(struct dplink *l, uint64_t now_ms)
{
	if (l->fd >= 0)
		return -1;
	if (now_ms < l->next_try_ms)
		return (int)(l->next_try_ms - now_ms);
	l->next_try_ms = now_ms + RETRY_MS;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(l->path) >= sizeof(sa.sun_path))
		return RETRY_MS;
	strcpy(sa.sun_path, l->path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return RETRY_MS;
	/* Blocking connect: a UNIX socket connects or fails at once. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return RETRY_MS;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	l->fd = fd;
	l->was_up = true;
	if (l->cb.up)
		l->cb.up(l->cb.arg);
	return -1;
}
