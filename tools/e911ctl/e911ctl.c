/*
 * e911ctl - the operators' client of e911-control's control socket
 * (docs/control-socket.md). One command from the arguments, commands from a
 * script on stdin, or an interactive prompt with line editing and history
 * (libedit). Exit status: 0 an answer, 1 an "error:" answer, 2 no answer
 * (cannot connect, timeout, usage); `health` exits 0 ok, 1 degraded, 2 down.
 */
#include <errno.h>
#include <getopt.h>
#include <histedit.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/e911proxy/control.sock"
#define LINE_MAX_BYTES 65535u

struct conn {
	int fd;
	const char *path;
	int timeout_ms;
	char buf[65536];
	size_t len;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: e911ctl [OPTION]... [COMMAND [ARG]...]\n"
		"The command-line client of e911-control's control socket.\n"
		"With a COMMAND, sends it and prints the answer. Without one, reads commands from\n"
		"standard input, one per line; at a terminal, with line editing and history\n"
		"(~/.e911ctl_history). `e911ctl help` lists the commands.\n"
		"\n"
		"  -s, --socket PATH   the control socket (default $E911CTL_SOCKET, else " DEFAULT_SOCKET ")\n"
		"  -j, --json          ask show commands for their JSON form\n"
		"  -t, --timeout S     give up on a connection or an answer after S seconds (default 10)\n"
		"      --help          this text\n"
		"      --version       the version\n"
		"\n"
		"Exit status: 0 an answer; 1 an answer that is an error (or, reading commands, any was);\n"
		"2 no answer: the socket cannot be reached, a timeout, a usage error.\n"
		"`e911ctl health` exits 0 ok, 1 degraded, 2 down (for monitoring systems).\n"
		"\n"
		"Examples:\n"
		"  e911ctl show calls 5\n"
		"  e911ctl set policy Redmond conference-mode two-way\n"
		"  e911ctl --json show policies\n");
}

static int conn_open(struct conn *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(c->path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "e911ctl: %s: path too long\n", c->path);
		return -1;
	}
	strcpy(sa.sun_path, c->path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		fprintf(stderr, "e911ctl: cannot reach e911-control at %s: %s\n", c->path, strerror(errno));
		return -1;
	}
	return 0;
}

static int send_all(struct conn *c, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(c->fd, p, n, MSG_NOSIGNAL);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "e911ctl: %s: %s\n", c->path, strerror(errno));
			return -1;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * Send one command and print its answer (the lines up to the empty one).
 * @return 0 answer, 1 error answer, 2 no answer; *first gets its first line.
 */
static int exchange(struct conn *c, const char *line, char *first, size_t firstcap)
{
	if (send_all(c, line, strlen(line)) != 0 || send_all(c, "\n", 1) != 0)
		return 2;
	bool at_start = true, first_line = true;
	size_t fl = 0;
	first[0] = '\0';
	int rc = 0;
	for (;;) {
		char *nl;
		while ((nl = memchr(c->buf, '\n', c->len))) {
			size_t n = (size_t)(nl - c->buf);
			if (n == 0 && at_start) { /* the empty line: end of the answer */
				memmove(c->buf, nl + 1, c->len - 1);
				c->len--;
				return rc;
			}
			if (first_line) {
				fl = n < firstcap - 1 ? n : firstcap - 1;
				memcpy(first, c->buf, fl);
				first[fl] = '\0';
				if (!strncmp(first, "error:", 6))
					rc = 1;
				first_line = false;
			}
			fwrite(c->buf, 1, n + 1, stdout);
			memmove(c->buf, nl + 1, c->len - n - 1);
			c->len -= n + 1;
			at_start = true;
		}
		if (c->len == sizeof(c->buf)) { /* a very long line: print what we have */
			fwrite(c->buf, 1, c->len, stdout);
			c->len = 0;
			at_start = false;
		}
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		int k = poll(&p, 1, c->timeout_ms);
		if (k == 0) {
			fprintf(stderr, "e911ctl: no answer from %s within %d s\n", c->path, c->timeout_ms / 1000);
			return 2;
		}
		ssize_t n = k < 0 ? -1 : read(c->fd, c->buf + c->len, sizeof(c->buf) - c->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "e911ctl: %s closed the connection before the answer ended\n", c->path);
			return 2;
		}
		c->len += (size_t)n;
	}
}

/* Words back into one line, quoting a word with blanks or quotes in it. */
static char *join(int argc, char **argv, bool json)
{
	size_t cap = 16;
	for (int i = 0; i < argc; i++)
		cap += 2 * strlen(argv[i]) + 3;
	char *line = malloc(cap), *o = line;
	if (!line)
		return NULL;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		bool quote = !*w || strpbrk(w, " \t\"\\");
		if (i)
			*o++ = ' ';
		if (quote)
			*o++ = '"';
		for (; *w; w++) {
			if (quote && (*w == '"' || *w == '\\'))
				*o++ = '\\';
			*o++ = *w;
		}
		if (quote)
			*o++ = '"';
	}
	*o = '\0';
	if (json && argc >= 2 && !strcmp(argv[0], "show") && strcmp(argv[argc - 1], "json") != 0)
		strcpy(o, " json");
	return line;
}

static int health_status(const char *first, int rc)
{
	if (rc == 2)
		return 2;
	if (!strncmp(first, "ok", 2))
		return 0;
	if (!strncmp(first, "degraded", 8))
		return 1;
	return 2;
}

static const char *prompt(EditLine *el)
{
	(void)el;
	return "e911> ";
}

static int interactive(struct conn *c)
{
	EditLine *el = el_init("e911ctl", stdin, stdout, stderr);
	History *h = history_init();
	HistEvent ev;
	char path[4096] = "";
	const char *home = getenv("HOME");
	if (home)
		snprintf(path, sizeof(path), "%s/.e911ctl_history", home);
	history(h, &ev, H_SETSIZE, 1000);
	if (path[0])
		history(h, &ev, H_LOAD, path);
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_HIST, history, h);
	int count, status = 0;
	const char *line;
	printf("e911ctl: connected to %s; help lists the commands, quit or ^D ends\n", c->path);
	while ((line = el_gets(el, &count)) && count > 0) {
		char buf[LINE_MAX_BYTES];
		snprintf(buf, sizeof(buf), "%s", line);
		buf[strcspn(buf, "\r\n")] = '\0';
		if (!buf[0])
			continue;
		if (!strcmp(buf, "quit") || !strcmp(buf, "exit"))
			break;
		history(h, &ev, H_ENTER, buf);
		char first[128];
		int rc = exchange(c, buf, first, sizeof(first));
		if (rc == 2) {
			status = 2;
			break;
		}
	}
	if (path[0])
		history(h, &ev, H_SAVE, path);
	history_end(h);
	el_end(el);
	return status;
}

static int script(struct conn *c)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status = 0;
	while ((n = getline(&line, &cap, stdin)) >= 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		char first[128];
		int rc = exchange(c, line, first, sizeof(first));
		if (rc == 2) {
			status = 2;
			break;
		}
		if (rc == 1)
			status = 1;
	}
	free(line);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },       { NULL, 0, NULL, 0 },
	};
	struct conn c = { .fd = -1, .path = getenv("E911CTL_SOCKET"), .timeout_ms = 10000 };
	bool json = false;
	int opt;
	if (!c.path || !*c.path)
		c.path = DEFAULT_SOCKET;
	/* "+": options only before the command, so "set policy X description -x" keeps its words */
	while ((opt = getopt_long(argc, argv, "+s:jt:", longopts, NULL)) != -1) {
		switch (opt) {
		case 's': c.path = optarg; break;
		case 'j': json = true; break;
		case 't': {
			char *end;
			long s = strtol(optarg, &end, 10);
			if (*end || s < 1 || s > 3600) {
				fprintf(stderr, "e911ctl: --timeout %s: seconds from 1 to 3600\n", optarg);
				return 2;
			}
			c.timeout_ms = (int)s * 1000;
			break;
		}
		case 'h': usage(stdout); return 0;
		case 'V': printf("e911ctl %s\n", E911_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (conn_open(&c) != 0)
		return 2;
	int status;
	if (optind < argc) {
		char *line = join(argc - optind, argv + optind, json), first[128];
		if (!line)
			return 2;
		if (strlen(line) > LINE_MAX_BYTES) {
			fprintf(stderr, "e911ctl: the command is longer than %u bytes\n", LINE_MAX_BYTES);
			free(line);
			return 2;
		}
		int rc = exchange(&c, line, first, sizeof(first));
		status = !strcmp(argv[optind], "health") && optind + 1 == argc ? health_status(first, rc) : rc;
		free(line);
	} else {
		status = isatty(STDIN_FILENO) ? interactive(&c) : script(&c);
	}
	close(c.fd);
	return status;
}
