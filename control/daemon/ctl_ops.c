/*
 * ctl_ops.c - the operators' control socket (see ctl_ops.h). Non-blocking;
 * a client that stops reading its answers is dropped once it holds more than
 * OUT_MAX bytes, so one stuck e911ctl cannot grow this process without end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_ops.h"

#define OUT_MAX (64u << 20)

struct client {
	int fd; /* -1: a free slot */
	uint64_t id;
	bool busy;       /* a command of it is being answered */
	bool discarding; /* skipping the rest of an over-long line */
	bool closing;    /* the peer finished sending: close once answered */
	char *in;
	size_t in_len;
	char *out;
	size_t out_len, out_cap;
};

struct ops {
	struct ctl *c;
	ops_command_fn run;
	int listen_fd;
	char *path;
	uint64_t next_id;
	struct client clients[OPS_MAX_CLIENTS];
};

struct ops *ops_new(struct ctl *c, const char *path, ops_command_fn run)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "e911-control: --socket %s: path too long\n", path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	struct ops *o = calloc(1, sizeof(*o));
	if (!o || !(o->path = strdup(path))) {
		free(o);
		return NULL;
	}
	o->c = c;
	o->run = run;
	o->next_id = 1;
	for (unsigned i = 0; i < OPS_MAX_CLIENTS; i++)
		o->clients[i].fd = -1;
	struct stat st;
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	o->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	mode_t old = umask(0117); /* the socket file is born 0660: no moment of wider access */
	int rc = o->listen_fd < 0 ? -1 : bind(o->listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || chmod(path, 0660) != 0 || listen(o->listen_fd, 16) != 0) {
		fprintf(stderr, "e911-control: --socket %s: %s\n", path, strerror(errno));
		if (o->listen_fd >= 0)
			close(o->listen_fd);
		free(o->path);
		free(o);
		return NULL;
	}
	return o;
}

static void client_close(struct client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	free(cl->in);
	free(cl->out);
	*cl = (struct client){ .fd = -1 };
}

void ops_free(struct ops *o)
{
	if (!o)
		return;
	for (unsigned i = 0; i < OPS_MAX_CLIENTS; i++)
		client_close(&o->clients[i]);
	close(o->listen_fd);
	unlink(o->path);
	free(o->path);
	free(o);
}

static struct client *find(struct ops *o, uint64_t id)
{
	for (unsigned i = 0; i < OPS_MAX_CLIENTS; i++)
		if (o->clients[i].fd >= 0 && o->clients[i].id == id)
			return &o->clients[i];
	return NULL;
}

static bool out_append(struct client *cl, const char *p, size_t n)
{
	if (cl->out_len + n > OUT_MAX)
		return false;
	if (cl->out_len + n > cl->out_cap) {
		size_t cap = cl->out_cap ? cl->out_cap : 4096;
		while (cap < cl->out_len + n)
			cap *= 2;
		char *b = realloc(cl->out, cap);
		if (!b)
			return false;
		cl->out = b;
		cl->out_cap = cap;
	}
	memcpy(cl->out + cl->out_len, p, n);
	cl->out_len += n;
	return true;
}

void ops_answer(struct ops *o, uint64_t id, const char *text)
{
	struct client *cl = find(o, id);
	if (!cl)
		return;
	/* An empty line ends an answer: one inside it (a blank line of a description in
	 * `show config`) goes out as a line holding one space. */
	bool ok = true;
	const char *line = text;
	while (ok && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		ok = (n ? out_append(cl, line, n) : out_append(cl, " ", 1)) && out_append(cl, "\n", 1);
		line += n + (nl != NULL);
	}
	ok = ok && out_append(cl, "\n", 1);
	cl->busy = false;
	if (!ok) { /* it does not read, or we have no memory for it */
		client_close(cl);
		return;
	}
}

unsigned ops_pollfds(struct ops *o, struct pollfd *fds)
{
	unsigned n = 0;
	fds[n++] = (struct pollfd){ .fd = o->listen_fd, .events = POLLIN };
	for (unsigned i = 0; i < OPS_MAX_CLIENTS; i++) {
		struct client *cl = &o->clients[i];
		if (cl->fd >= 0)
			fds[n++] = (struct pollfd){ .fd = cl->fd,
						    .events = (short)((cl->closing ? 0 : POLLIN) |
								      (cl->out_len ? POLLOUT : 0)) };
	}
	return n;
}

static void accept_clients(struct ops *o)
{
	for (;;) {
		int fd = accept4(o->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct client *cl = NULL;
		for (unsigned i = 0; i < OPS_MAX_CLIENTS && !cl; i++)
			if (o->clients[i].fd < 0)
				cl = &o->clients[i];
		char *in = malloc(OPS_MAX_LINE);
		if (!cl || !in) {
			static const char full[] = "error: too many control clients; try again\n\n";
			if (send(fd, full, sizeof(full) - 1, MSG_NOSIGNAL) < 0) {
				/* it is gone anyway */
			}
			close(fd);
			free(in);
			continue;
		}
		*cl = (struct client){ .fd = fd, .id = o->next_id++, .in = in };
	}
}

/* Run the next complete line of cl, if it may run now. */
static void run_next(struct ops *o, struct client *cl)
{
	while (cl->fd >= 0 && !cl->busy && !o->c->applying) {
		char *nl = memchr(cl->in, '\n', cl->in_len);
		if (!nl)
			return;
		size_t len = (size_t)(nl - cl->in), rest = cl->in_len - len - 1;
		if (cl->discarding) {
			cl->discarding = false;
		} else {
			if (len && cl->in[len - 1] == '\r')
				len--;
			cl->in[len] = '\0';
			cl->busy = true;
			uint64_t id = cl->id;
			o->run(o->c, id, cl->in, len);
			if (find(o, id) != cl) /* closed while answering */
				return;
		}
		memmove(cl->in, nl + 1, rest);
		cl->in_len = rest;
	}
}

static void read_client(struct ops *o, struct client *cl)
{
	for (;;) {
		if (cl->in_len == OPS_MAX_LINE) {
			if (!memchr(cl->in, '\n', cl->in_len)) {
				/* the rest of this line is skipped and it gets one error */
				cl->in_len = 0;
				if (!cl->discarding) {
					cl->discarding = true;
					char msg[80];
					snprintf(msg, sizeof(msg), "error: a command line is at most %u bytes", OPS_MAX_LINE - 1);
					cl->busy = true;
					ops_answer(o, cl->id, msg);
				}
			}
			return; /* lines waiting: read more once they ran */
		}
		ssize_t n = read(cl->fd, cl->in + cl->in_len, OPS_MAX_LINE - cl->in_len);
		if (n == 0) {
			/* answer what it sent, a last line without its "\n" too, then close */
			if (cl->in_len && cl->in_len < OPS_MAX_LINE && !memchr(cl->in, '\n', cl->in_len))
				cl->in[cl->in_len++] = '\n';
			cl->closing = true;
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				client_close(cl);
			return;
		}
		cl->in_len += (size_t)n;
	}
}

static void write_client(struct client *cl)
{
	while (cl->out_len) {
		ssize_t n = send(cl->fd, cl->out, cl->out_len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				client_close(cl);
			return;
		}
		memmove(cl->out, cl->out + n, cl->out_len - (size_t)n);
		cl->out_len -= (size_t)n;
	}
}

void ops_io(struct ops *o, const struct pollfd *fds, unsigned n)
{
	if (fds[0].revents & POLLIN)
		accept_clients(o);
	for (unsigned k = 1; k < n; k++) {
		struct client *cl = NULL;
		for (unsigned i = 0; i < OPS_MAX_CLIENTS && !cl; i++)
			if (o->clients[i].fd == fds[k].fd)
				cl = &o->clients[i];
		if (!cl)
			continue;
		if (fds[k].revents & (POLLIN | POLLHUP | POLLERR))
			read_client(o, cl);
		if (cl->fd >= 0 && (fds[k].revents & POLLOUT))
			write_client(cl);
	}
	/* Commands that waited (for their client's previous answer, or for a
	 * configuration to be answered) run now; clients done are closed. */
	for (unsigned i = 0; i < OPS_MAX_CLIENTS; i++) {
		struct client *cl = &o->clients[i];
		if (cl->fd < 0)
			continue;
		run_next(o, cl);
		if (cl->fd >= 0 && cl->out_len)
			write_client(cl);
		if (cl->fd >= 0 && cl->closing && !cl->busy && !cl->out_len &&
		    !memchr(cl->in, '\n', cl->in_len))
			client_close(cl);
	}
}
