/*
 * ctl_log.c - e911-control's log: one line per event, keys that stay the
 * same from release to release (event=, ref=, call_id=, policy=, gateway=,
 * outcome...), on stdout for the journal and, with --calls-log, appended to
 * a file that logrotate rotates (SIGHUP reopens it).
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

uint64_t ctl_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int ctl_log_reopen(struct ctl *c)
{
	if (c->calls_log)
		fclose(c->calls_log);
	c->calls_log = NULL;
	if (!c->opt.calls_log[0])
		return 0;
	c->calls_log = fopen(c->opt.calls_log, "ae");
	if (!c->calls_log) {
		fprintf(stderr, "e911-control: --calls-log %s: %s\n", c->opt.calls_log, strerror(errno));
		return -errno;
	}
	setvbuf(c->calls_log, NULL, _IOLBF, 0);
	return 0;
}

void ctl_log(struct ctl *c, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("e911-control %s\n", line);
	fflush(stdout);
	if (c->calls_log) {
		struct timespec ts;
		struct tm tm;
		char when[40];
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z", &tm);
		fprintf(c->calls_log, "%s %s\n", when, line);
	}
}

/* A value for key="value": quotes and backslashes escaped (fields are clean UTF-8 already). */
static const char *quoted(const char *s, char *buf, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 3 < cap; s++) {
		if (*s == '"' || *s == '\\')
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return buf;
}

void ctl_log_call(struct ctl *c, const struct call_record *r)
{
	char id[2 * CALL_ID_MAX], caller[2 * E911_URI_MAX], display[2 * CALL_DISPLAY_MAX];
	char callback[2 * CALL_NUMBER_MAX], dialled[2 * CALL_NUMBER_MAX], location[2 * CALL_LOCATION_MAX];
	ctl_log(c, "event=call ref=%llu time=%s call_id=\"%s\" policy=%s scope=%s caller=\"%s\" display=\"%s\" "
		   "callback=\"%s\" dialled=\"%s\" source=%s route=%s gateway=%s location_source=%s location=\"%s\"",
		(unsigned long long)r->ref, r->time, quoted(r->call_id, id, sizeof(id)), r->policy, r->scope,
		quoted(r->caller, caller, sizeof(caller)), quoted(r->display, display, sizeof(display)),
		quoted(r->callback, callback, sizeof(callback)), quoted(r->dialled, dialled, sizeof(dialled)),
		r->source, r->route[0] ? r->route : "-", r->gateway[0] ? r->gateway : "-",
		pidf_source_name(r->location_source), quoted(r->location, location, sizeof(location)));
}
