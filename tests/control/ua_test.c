/*
 * ua_test.c - the security desk's user agent (control/ua/, include/e911/ua.h)
 * on loopback against sipp playing the desk (scenarios in tools/sipp/):
 * a MESSAGE delivered (and how soon it left), refused (486), unanswered;
 * a conference leg one-way (recvonly) and two-way (sendrecv), answered and
 * ended with a BYE; one nobody answers, CANCELled; OPTIONS pings marking a
 * gateway down when it stops answering and up when it answers again.
 * A MESSAGE nobody answers times out (timer F, 2 s here); one to a port
 * nobody has is an error (ICMP unreachable).
 * Each case fails if an expected event does not come in time or sipp's own
 * checks fail. Exit 77 (skipped) without sipp.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "e911/ua.h"

extern char **environ;

static struct ua *ua;
static int failed, passed;
static unsigned base_port;

static void check(int ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%s ", ok ? "ok  " : "FAIL");
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
	va_end(ap);
	if (ok)
		passed++;
	else
		failed++;
}

static pid_t sipp(const char *scenario, unsigned port, unsigned calls, const char *trace)
{
	char sf[512], p[16], m[16];
	snprintf(sf, sizeof(sf), "%s/%s", SIPP_DIR, scenario);
	snprintf(p, sizeof(p), "%u", port);
	snprintf(m, sizeof(m), "%u", calls);
	const char *args[] = { "sipp", "-nostdin", "-timeout", "30s", "-timeout_error", "-sf", sf, "-i", "127.0.0.1",
			       "-p", p, "-m", m, NULL, NULL, NULL, NULL };
	unsigned k = 13;
	if (trace) {
		args[k++] = "-trace_msg";
		args[k++] = "-message_file";
		args[k++] = trace;
	}
	char *argv[17] = { NULL }; /* posix_spawn wants char *const[]: copies */
	for (unsigned i = 0; i < k; i++)
		argv[i] = strdup(args[i]);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	pid_t pid;
	if (posix_spawnp(&pid, "sipp", &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	for (unsigned i = 0; i < k; i++)
		free(argv[i]);
	struct timespec settle = { 0, 300000000 }; /* let it bind */
	nanosleep(&settle, NULL);
	return pid;
}

static int reap(pid_t pid)
{
	int st;
	if (pid <= 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next event within ms, or false. */
static bool event(struct ua_event *ev, int ms)
{
	int64_t end = now_ms() + ms;
	for (;;) {
		if (ua_next_event(ua, ev))
			return true;
		int64_t left = end - now_ms();
		if (left <= 0)
			return false;
		struct pollfd p = { .fd = ua_event_fd(ua), .events = POLLIN };
		poll(&p, 1, (int)left);
	}
}

static int64_t realtime_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static const char text[] = "EMERGENCY CALL 911 from Test\nCallback: +14255550100\nTime: now\n"
			   "Location (validated): 1 Main St\nPolicy: Test\n";

static void test_message(const char *scenario, unsigned port, uint64_t ref, enum call_notify_state want,
			 unsigned want_status, const char *what)
{
	pid_t desk = scenario ? sipp(scenario, port, 1, NULL) : 0;
	char uri[64];
	snprintf(uri, sizeof(uri), "sip:desk@127.0.0.1:%u", port);
	check(ua_notify(ua, ref, 0, uri, text, realtime_ns()) == 0, "%s: MESSAGE queued", what);
	struct ua_event ev;
	bool got = event(&ev, 3000);
	check(got && ev.kind == UA_EVENT_NOTIFY && ev.ref == ref && ev.notify == CALL_NOTIFY_PENDING &&
		      ev.latency_us < 50000, "%s: sent %u us after the call's time (target: 50 ms)", what,
	      got ? ev.latency_us : 0);
	got = event(&ev, 10000);
	bool outcome = got && ev.kind == UA_EVENT_NOTIFY && ev.ref == ref &&
		       ev.notify == want;
	check(outcome && ev.status == want_status, "%s: %s, status %u", what,
	      got ? call_notify_state_name(ev.notify) : "no outcome", got ? ev.status : 0);
	if (desk)
		check(reap(desk) == 0, "%s: the desk (sipp) got what it checks", what);
}

static bool file_has(const char *path, const char *needle)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, needle) != NULL;
}

static void test_conference(enum e911_conference_mode mode, unsigned port, uint64_t ref, const char *direction)
{
	const char *what = mode == E911_CONFERENCE_TWO_WAY ? "conference two-way" : "conference one-way";
	char trace[64], uri[64];
	snprintf(trace, sizeof(trace), "bridge-%u.msg", port);
	snprintf(uri, sizeof(uri), "sip:bridge@127.0.0.1:%u", port);
	pid_t bridge = sipp("desk-bridge.xml", port, 1, trace);
	check(ua_conference_start(ua, ref, uri, mode, "call-1@198.18.10.25", "sip:caller@198.18.10.25",
				  "Emergency call 911 from +14255550100") == 0, "%s: INVITE queued", what);
	struct ua_event ev;
	bool ringing = event(&ev, 5000) && ev.kind == UA_EVENT_CONFERENCE && ev.conference == CALL_CONFERENCE_RINGING;
	bool connected = event(&ev, 5000) && ev.kind == UA_EVENT_CONFERENCE && ev.conference == CALL_CONFERENCE_CONNECTED &&
			 ev.status == 200;
	check(ringing && connected, "%s: ringing, then connected", what);
	check(ua_conference_end(ua, ref) == 0, "%s: ended by the caller's hangup", what);
	check(event(&ev, 5000) && ev.kind == UA_EVENT_CONFERENCE && ev.conference == CALL_CONFERENCE_ENDED,
	      "%s: the BYE is answered: ended", what);
	check(reap(bridge) == 0, "%s: the bridge (sipp) got INVITE, ACK and BYE with what it checks", what);
	check(file_has(trace, direction), "%s: the SDP offer says %s", what, direction);
	check(file_has(trace, "Call-Info: <urn:emergency:uid:callid:call-1@198.18.10.25>;purpose=emergency-CallId") &&
		      file_has(trace, "Priority: emergency") && file_has(trace, "Subject: Emergency call 911"),
	      "%s: Call-Info names the emergency call; Priority and Subject", what);
}

static void test_no_answer(unsigned port)
{
	char uri[64];
	snprintf(uri, sizeof(uri), "sip:bridge@127.0.0.1:%u", port);
	pid_t bridge = sipp("bridge-no-answer.xml", port, 1, NULL);
	ua_conference_start(ua, 30, uri, E911_CONFERENCE_ONE_WAY, "call-2@x", "sip:caller@x", "Emergency call");
	struct ua_event ev;
	bool ringing = event(&ev, 5000) && ev.conference == CALL_CONFERENCE_RINGING;
	int64_t t0 = now_ms();
	bool no_answer = event(&ev, 8000) && ev.kind == UA_EVENT_CONFERENCE && ev.conference == CALL_CONFERENCE_NO_ANSWER;
	check(ringing && no_answer, "nobody answers: CANCELled after the conference timeout (%lld ms): %s",
	      (long long)(now_ms() - t0), no_answer ? "no-answer" : "no event");
	check(reap(bridge) == 0, "nobody answers: the bridge got the CANCEL and the ACK of its 487");
}

static void test_pings(unsigned port)
{
	struct ua_gateway gw = { .route = "us-e911", .index = 0 };
	snprintf(gw.uri, sizeof(gw.uri), "sip:127.0.0.1:%u", port);
	pid_t gateway = sipp("desk-options.xml", port, 3, NULL);
	check(ua_set_gateways(ua, &gw, 1) == 0, "pings: one gateway");
	struct ua_event ev;
	check(!event(&ev, 2500), "pings: a gateway that answers makes no event");
	check(reap(gateway) == 0, "pings: it answered 3 OPTIONS");
	bool down = event(&ev, 10000) && ev.kind == UA_EVENT_GATEWAY && !ev.up && !strcmp(ev.route, "us-e911");
	check(down, "pings: it stops answering: down after 2 misses (no answer, or ICMP unreachable)");
	gateway = sipp("desk-options.xml", port, 1, NULL);
	bool up = event(&ev, 5000) && ev.kind == UA_EVENT_GATEWAY && ev.up && ev.status == 200;
	check(up, "pings: it answers again: up");
	reap(gateway);
	ua_set_gateways(ua, NULL, 0);
}

int main(void)
{
	if (system("command -v sipp >/dev/null 2>&1") != 0) {
		printf("SKIP: no sipp\n");
		return 77;
	}
	char dir[] = "/tmp/ua_test.XXXXXX";
	if (!mkdtemp(dir) || chdir(dir) != 0)
		return 1;
	base_port = 20000 + (unsigned)getpid() % 20000;
	struct ua_options o = { .local_address = "127.0.0.1", .local_port = (uint16_t)base_port,
				.identity = "sip:e911proxy@127.0.0.1", .conference_timeout_s = 2,
				.options_interval_s = 1, .options_failures = 2, .transaction_timeout_ms = 2000 };
	char err[256];
	int rc = ua_start(&o, &ua, err, sizeof(err));
	check(rc == 0, "the user agent starts on 127.0.0.1:%u (%s)", base_port, rc ? err : "");
	if (rc)
		return 1;
	struct ua *second;
	rc = ua_start(&o, &second, err, sizeof(err));
	check(rc != 0 && strstr(err, "cannot listen"), "a second one on the same port is refused: %s", err);
	check(ua_notify(ua, 1, 0, "mailto:desk@example.com", text, 0) == -EINVAL, "a non-SIP URI is refused");

	test_message("desk-notify.xml", base_port + 1, 1, CALL_NOTIFY_DELIVERED, 200, "MESSAGE delivered");
	test_message("desk-reject.xml", base_port + 2, 2, CALL_NOTIFY_REJECTED, 486, "MESSAGE refused");
	/* A desk that never answers: a socket that never reads (no ICMP either): timer F. */
	int silent = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)(base_port + 3)),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	check(silent >= 0 && bind(silent, (struct sockaddr *)&sa, sizeof(sa)) == 0, "a desk that never answers");
	test_message(NULL, base_port + 3, 3, CALL_NOTIFY_TIMEOUT, 408, "nobody answers the MESSAGE");
	close(silent);
	/* Nobody at that port at all: ICMP port unreachable. */
	test_message(NULL, base_port + 8, 4, CALL_NOTIFY_ERROR, 503, "nobody at that address");
	test_conference(E911_CONFERENCE_ONE_WAY, base_port + 4, 10, "a=recvonly");
	test_conference(E911_CONFERENCE_TWO_WAY, base_port + 5, 11, "a=sendrecv");
	test_no_answer(base_port + 6);
	test_pings(base_port + 7);

	ua_stop(ua);
	char rm[64];
	snprintf(rm, sizeof(rm), "rm -rf %s", dir);
	if (chdir("/") != 0 || system(rm) != 0) {
		/* a leftover scratch directory in /tmp is harmless */
	}
	printf("%d passed, %d failed\n", passed, failed);
	fflush(stdout);
	return failed ? 1 : 0;
}
