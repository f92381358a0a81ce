/*
 * notify_text.c - the security desk's notification text (see notify.h).
 */
#include <string.h>

#include "e911/notify.h"

struct out {
	char *p;
	size_t cap, len; /* len counts everything, also what did not fit */
};

/* Append s, control characters made spaces; stop writing at the last whole
 * UTF-8 character that fits (room for the NUL kept). */
static void put(struct out *o, const char *s)
{
	for (const unsigned char *c = (const unsigned char *)s; *c;) {
		size_t n = *c < 0x80 ? 1 : (*c & 0xe0) == 0xc0 ? 2 : (*c & 0xf0) == 0xe0 ? 3 : (*c & 0xf8) == 0xf0 ? 4 : 1;
		for (size_t k = 1; k < n; k++)
			if (!c[k]) /* a sequence cut short: its bytes alone */
				n = 1;
		if (o->cap && o->len + n < o->cap && o->len + n >= o->len) {
			if (n == 1 && (*c < 0x20 || *c == 0x7f) && *c != '\n')
				o->p[o->len] = ' ';
			else
				memcpy(o->p + o->len, c, n);
			o->p[o->len + n] = '\0';
		} else if (o->cap && o->len < o->cap) {
			o->p[o->len] = '\0';
			o->cap = o->len; /* nothing more is written, even a shorter character */
		}
		o->len += n;
		c += n;
	}
}

/* Newlines inside a field would make lines of their own: a field is one line. */
static void field(struct out *o, const char *s)
{
	char buf[CALL_LOCATION_MAX];
	size_t n = strlen(s) < sizeof(buf) - 1 ? strlen(s) : sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	for (char *c = buf; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	put(o, buf);
}

size_t notify_text(const struct call_record *r, char *out, size_t cap)
{
	struct out o = { out, cap, 0 };
	if (cap)
		out[0] = '\0';
	put(&o, "EMERGENCY CALL ");
	field(&o, r->dialled[0] ? r->dialled : "(unknown number)");
	put(&o, " from ");
	field(&o, r->display[0] ? r->display : r->caller);
	put(&o, "\nCallback: ");
	const char *cb = r->callback[0] ? r->callback : "none given";
	field(&o, !strncmp(cb, "tel:", 4) ? cb + 4 : cb);
	put(&o, "\nTime: ");
	field(&o, r->time);
	switch (r->location_source) {
	case PIDF_SOURCE_VALIDATED:
		put(&o, "\nLocation (validated): ");
		field(&o, r->location);
		break;
	case PIDF_SOURCE_USER_ENTERED:
		put(&o, "\nLocation (user-entered, not validated): ");
		field(&o, r->location);
		break;
	case PIDF_SOURCE_REFERENCE:
		put(&o, "\nLocation (by reference, not validated): ");
		field(&o, r->location);
		break;
	case PIDF_SOURCE_NONE:
	default:
		put(&o, "\nLocation: none given");
		break;
	}
	put(&o, "\nPolicy: ");
	field(&o, r->policy);
	put(&o, "\n");
	return o.len;
}
