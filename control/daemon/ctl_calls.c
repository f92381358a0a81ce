/*
 * ctl_calls.c - the ring of recent emergency calls (see ctl_calls.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ctl_calls.h"

void calls_init(struct calls *c)
{
	memset(c, 0, sizeof(*c));
	c->next_ref = 1;
}

/*
 * The dataplane writes every byte >= 0x80 of a packet as \u00XX (its JSON is
 * valid whatever the packet holds), so each code point of its strings is one
 * byte of the packet: turn them back into those bytes. @return the length.
 */
static size_t packet_bytes(json_t *str, char *out, size_t cap)
{
	const unsigned char *s = (const unsigned char *)json_string_value(str);
	size_t len = json_string_length(str), n = 0;
	for (size_t i = 0; s && i < len && n + 1 < cap; i++) {
		if (s[i] < 0x80)
			out[n++] = (char)s[i];
		else if ((s[i] & 0xe0) == 0xc0 && i + 1 < len) /* U+0080..U+07FF; ours are <= U+00FF */
			out[n++] = (char)(((s[i] & 0x1f) << 6) | (s[i + 1] & 0x3f)), i++;
		else
			out[n++] = '?'; /* not from our dataplane */
	}
	if (cap)
		out[n] = '\0';
	return n;
}

/* Make a NUL-terminated string valid UTF-8 in place, for logs and JSON:
 * invalid bytes and control characters become '?'; a sequence cut at the
 * end is dropped. */
static void utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		unsigned need = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 && *p >= 0xc2 ? 1
			      : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 && *p <= 0xf4 ? 3 : 9;
		if (need == 9 || (need == 0 && (*p < 0x20 || *p == 0x7f))) {
			*p++ = '?';
			continue;
		}
		unsigned k = 1;
		while (k <= need && (p[k] & 0xc0) == 0x80)
			k++;
		if (k <= need) {
			if (!p[k]) { /* cut short at the end */
				*p = '\0';
				return;
			}
			*p++ = '?';
			continue;
		}
		p += need + 1;
	}
}

static void copy_field(char *dst, size_t cap, json_t *obj, const char *key)
{
	packet_bytes(json_object_get(obj, key), dst, cap);
	utf8_clean(dst);
}

/* ISO 8601 with milliseconds and the local zone as +hh:mm. */
static void iso_time(int64_t ns, char *out, size_t cap)
{
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;
	localtime_r(&secs, &tm);
	char date[20], zone[8];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm); /* +hhmm */
	snprintf(out, cap, "%s.%03u%.3s:%.2s", date, (unsigned)(ns / 1000000 % 1000) % 1000u, zone, zone + 3);
}

static enum pidf_source source_from_text(const char *s)
{
	if (!s)
		return PIDF_SOURCE_NONE;
	if (!strcmp(s, "validated"))
		return PIDF_SOURCE_VALIDATED;
	if (!strcmp(s, "user-entered"))
		return PIDF_SOURCE_USER_ENTERED;
	if (!strcmp(s, "by-reference"))
		return PIDF_SOURCE_REFERENCE;
	return PIDF_SOURCE_NONE;
}

/* A display name as the caller wrote it: the quotes of a quoted-string removed, its escapes undone. */
static void unquote_display(char *s)
{
	size_t n = strlen(s);
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return;
	size_t o = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		if (s[i] == '\\' && i + 2 < n)
			i++;
		s[o++] = s[i];
	}
	s[o] = '\0';
}

/* Copy as much of s as fits; the caller cleans a cut UTF-8 sequence. */
static void cut_copy(char *out, size_t cap, const char *s)
{
	size_t n = strnlen(s, cap - 1);
	memcpy(out, s, n);
	out[n] = '\0';
}

/* What the caller dialled, from the Request-URI: the user part of a sip(s)
 * URI or the number of a tel URI (visual separators left out, RFC 3966),
 * or a service URN as it is. */
static void dialled_from_uri(const char *uri, char *out, size_t cap)
{
	const char *p = uri;
	if (!strncasecmp(p, "sip:", 4) || !strncasecmp(p, "tel:", 4))
		p += 4;
	else if (!strncasecmp(p, "sips:", 5))
		p += 5;
	else {
		cut_copy(out, cap, uri);
		return;
	}
	bool tel = !strncasecmp(uri, "tel:", 4);
	if (!tel && !strchr(p, '@')) { /* sip:host: nothing was dialled */
		cut_copy(out, cap, uri);
		return;
	}
	size_t n = 0;
	for (; *p && *p != '@' && *p != ';' && *p != ':' && *p != '?' && n + 1 < cap; p++)
		if (!strchr("-.()", *p))
			out[n++] = *p;
	out[n] = '\0';
}

struct call_record *calls_add_event(struct calls *c, json_t *ev, struct pidf_location *loc)
{
	const char *kind = json_string_value(json_object_get(ev, "kind"));
	if (!kind || strcmp(kind, "call") != 0)
		return NULL;
	struct call_record *r = &c->ring[(c->next_ref - 1) % CALLS_KEPT];
	memset(r, 0, sizeof(*r));
	r->ref = c->next_ref++;
	r->time_ns = (int64_t)json_integer_value(json_object_get(ev, "time_ns"));
	iso_time(r->time_ns, r->time, sizeof(r->time));
	copy_field(r->call_id, sizeof(r->call_id), ev, "call_id");
	copy_field(r->policy, sizeof(r->policy), ev, "policy");
	copy_field(r->scope, sizeof(r->scope), ev, "scope");
	copy_field(r->caller, sizeof(r->caller), ev, "caller");
	copy_field(r->display, sizeof(r->display), ev, "display");
	copy_field(r->callback, sizeof(r->callback), ev, "callback");
	char uri[E911_URI_MAX];
	copy_field(uri, sizeof(uri), ev, "dialled");
	dialled_from_uri(uri, r->dialled, sizeof(r->dialled));
	utf8_clean(r->dialled);
	unquote_display(r->display);
	copy_field(r->source, sizeof(r->source), ev, "source");
	copy_field(r->route, sizeof(r->route), ev, "route");
	copy_field(r->gateway, sizeof(r->gateway), ev, "gateway");

	/* The dataplane judged the location from the headers and the method; the
	 * PIDF-LO itself is read here, off the fast path. */
	r->location_source = source_from_text(json_string_value(json_object_get(ev, "location")));
	pidf_location_init(loc);
	char xml[4096]; /* the dataplane sends at most 1,536 bytes of it */
	size_t xml_len = packet_bytes(json_object_get(ev, "pidf"), xml, sizeof(xml));
	if (xml_len) {
		char err[160];
		if (pidf_read(xml, xml_len, loc, err, sizeof(err)) == 0) {
			if (loc->source != PIDF_SOURCE_NONE)
				r->location_source = loc->source;
			pidf_summary(loc, r->location, sizeof(r->location));
		} else {
			snprintf(r->location, sizeof(r->location), "unreadable PIDF-LO (%s)", err);
		}
		utf8_clean(r->location);
	}
	return r;
}

struct call_record *calls_find_call_id(struct calls *c, const char *call_id)
{
	for (uint64_t ref = c->next_ref - 1; ref >= 1 && ref + CALLS_KEPT >= c->next_ref; ref--) {
		struct call_record *r = &c->ring[(ref - 1) % CALLS_KEPT];
		if (!strcmp(r->call_id, call_id))
			return r;
	}
	return NULL;
}

struct call_record *calls_repeat_of(struct calls *c, json_t *ev)
{
	const char *kind = json_string_value(json_object_get(ev, "kind"));
	if (!kind || strcmp(kind, "call") != 0)
		return NULL;
	char call_id[CALL_ID_MAX];
	copy_field(call_id, sizeof(call_id), ev, "call_id"); /* as calls_add_event keeps it */
	struct call_record *r = call_id[0] ? calls_find_call_id(c, call_id) : NULL;
	return r && !r->ended ? r : NULL;
}

struct call_record *calls_find_ref(struct calls *c, uint64_t ref)
{
	if (ref == 0 || ref >= c->next_ref || ref + CALLS_KEPT < c->next_ref)
		return NULL;
	return &c->ring[(ref - 1) % CALLS_KEPT];
}

json_t *call_record_json(const struct call_record *r)
{
	json_t *notify = json_array();
	for (uint32_t i = 0; i < r->notify_count; i++)
		json_array_append_new(notify, json_pack("{s:s, s:s, s:i, s:I}", "uri", r->notify[i].uri,
				"state", call_notify_state_name(r->notify[i].state),
				"status", r->notify[i].status, "latency_us", (json_int_t)r->notify[i].latency_us));
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:I, s:o}",
			"ref", (json_int_t)r->ref, "time", r->time, "call_id", r->call_id,
			"caller", r->caller, "display", r->display, "callback", r->callback,
			"dialled", r->dialled, "source", r->source, "policy", r->policy,
			"scope", r->scope, "route", r->route, "gateway", r->gateway,
			"location", r->location,
			"validated", r->location_source == PIDF_SOURCE_VALIDATED,
			"location_source", pidf_source_name(r->location_source), "ended", r->ended,
			"repeats", (json_int_t)r->repeats,
			"notifications", notify);
	if (o && r->conference_uri[0])
		json_object_set_new(o, "conference", json_pack("{s:s, s:s, s:s, s:i}",
				"uri", r->conference_uri,
				"mode", r->conference_mode == E911_CONFERENCE_TWO_WAY ? "two-way" : "one-way",
				"state", call_conference_state_name(r->conference),
				"status", r->conference_status));
	return o;
}

json_t *calls_json(const struct calls *c, uint32_t limit)
{
	json_t *a = json_array();
	for (uint64_t ref = c->next_ref - 1; a && ref >= 1 && limit && ref + CALLS_KEPT >= c->next_ref;
	     ref--, limit--)
		json_array_append_new(a, call_record_json(&c->ring[(ref - 1) % CALLS_KEPT]));
	return a;
}

/* Text: a header line per call, then what the desk got, indented. */
char *calls_text(const struct calls *c, uint32_t limit)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	if (c->next_ref == 1)
		fputs("no emergency calls yet\n", f);
	for (uint64_t ref = c->next_ref - 1; ref >= 1 && limit && ref + CALLS_KEPT >= c->next_ref;
	     ref--, limit--) {
		const struct call_record *r = &c->ring[(ref - 1) % CALLS_KEPT];
		fprintf(f, "#%" PRIu64 " %s %s caller=%s%s%s%s callback=%s dialled=%s policy=%s(%s) gateway=%s%s\n",
			r->ref, r->time, r->call_id, r->display[0] ? "\"" : "", r->display,
			r->display[0] ? "\" " : "", r->caller, r->callback, r->dialled, r->policy, r->scope,
			r->gateway[0] ? r->gateway : "-", r->ended ? " ended" : "");
		fprintf(f, "    location (%s): %s\n",
			r->location_source == PIDF_SOURCE_VALIDATED ? "validated"
			: r->location_source == PIDF_SOURCE_USER_ENTERED ? "user-entered, not validated"
			: r->location_source == PIDF_SOURCE_REFERENCE ? "by reference, not validated" : "none",
			r->location[0] ? r->location : "none given");
		for (uint32_t i = 0; i < r->notify_count; i++) {
			fprintf(f, "    notify %s: %s", r->notify[i].uri, call_notify_state_name(r->notify[i].state));
			if (r->notify[i].status)
				fprintf(f, " %u", r->notify[i].status);
			if (r->notify[i].latency_us)
				fprintf(f, " (sent %.1f ms after the INVITE)", r->notify[i].latency_us / 1000.0);
			fputc('\n', f);
		}
		if (r->conference_uri[0]) {
			fprintf(f, "    conference %s %s: %s", r->conference_uri,
				r->conference_mode == E911_CONFERENCE_TWO_WAY ? "two-way" : "one-way",
				call_conference_state_name(r->conference));
			if (r->conference_status)
				fprintf(f, " %u", r->conference_status);
			fputc('\n', f);
		}
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
