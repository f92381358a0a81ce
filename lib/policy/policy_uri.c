/*
 * policy_uri.c - the normal form of a caller identity (sip:, sips:, tel:),
 * under which the configuration stores users and the classifier looks the
 * caller up: the two sides must agree byte for byte, so both call this one
 * function. It reads a URI slice and writes into the caller's buffer: no
 * allocation, no system call, safe on the packet path. What the normal form
 * is, and what it deliberately does not fold, is in include/e911/policy.h.
 */
#include <errno.h>
#include <string.h>

#include "policy_internal.h"

/* The output: writes past cap are counted, not made (-ENOSPC at the end). */
struct out {
	char *p;
	uint32_t cap;
	uint32_t n;
};

static void put(struct out *o, char c)
{
	if (o->n < o->cap)
		o->p[o->n] = c;
	o->n++;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static void put_lower(struct out *o, const char *s, const char *end)
{
	while (s < end)
		put(o, lower(*s++));
}

static void put_str(struct out *o, const char *lit)
{
	while (*lit)
		put(o, *lit++);
}

static bool caseeq(const char *s, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(end - s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (lower(s[i]) != lit[i])
			return false;
	return true;
}

/* RFC 3966 visual-separator. */
static bool visual_separator(char c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

static bool hex_digit(char c)
{
	return (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'f');
}

/*
 * A telephone number: global "+" digits, or local hex digits, '*' and '#';
 * visual separators anywhere after the '+'; at least one digit.
 */
static bool telephone_number(const char *s, const char *end)
{
	bool global = s < end && *s == '+';
	uint32_t digits = 0;

	for (const char *c = s + global; c < end; c++) {
		if (visual_separator(*c))
			continue;
		if (global ? (*c < '0' || *c > '9') : !(hex_digit(*c) || *c == '*' || *c == '#'))
			return false;
		digits++;
	}
	return digits > 0;
}

static void put_without_separators(struct out *o, const char *s, const char *end)
{
	for (; s < end; s++)
		if (!visual_separator(*s))
			put(o, lower(*s));
}

/* The value of parameter `name` in ";a=b;c=d..." (params..end), or NULL. */
static const char *param(const char *params, const char *end, const char *name,
			 const char **vend)
{
	const char *p = params;

	while (p < end) {
		const char *start = p + 1; /* after ';' */
		const char *stop = memchr(start, ';', (size_t)(end - start));
		const char *eq;

		if (stop == NULL)
			stop = end;
		eq = memchr(start, '=', (size_t)(stop - start));
		if (eq != NULL && caseeq(start, eq, name)) {
			*vend = stop;
			return eq + 1;
		}
		p = stop;
	}
	return NULL;
}

/* "number;params" (a tel: body or a user=phone user part), known to be a number. */
static void put_telephone(struct out *o, const char *s, const char *end)
{
	const char *semi = memchr(s, ';', (size_t)(end - s));
	const char *params = semi ? semi : end;
	const char *v, *vend;

	put_without_separators(o, s, params);
	v = param(params, end, "ext", &vend);
	if (v != NULL) {
		put_str(o, ";ext=");
		put_without_separators(o, v, vend);
	}
	v = param(params, end, "phone-context", &vend);
	if (v != NULL) {
		put_str(o, ";phone-context=");
		if (v < vend && *v == '+')
			put_without_separators(o, v, vend);
		else
			put_lower(o, v, vend);
	}
}

/* The host part "host[:port]" of a sip: URI: a name or [IPv6], then digits. */
static bool host_port(const char *s, const char *end)
{
	const char *c = s;

	if (c < end && *c == '[') {
		c = memchr(c, ']', (size_t)(end - c));
		if (c == NULL || c == s + 1)
			return false;
		c++;
	} else {
		while (c < end && *c != ':')
			c++;
		if (c == s)
			return false;
	}
	if (c == end)
		return true;
	if (*c != ':' || end - c < 2 || end - c > 6)
		return false;
	for (c++; c < end; c++)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

/* sip:/sips: after the colon: [user[:password]@]host[:port][;params][?headers]. */
static int put_sip(struct out *o, const char *s, const char *end)
{
	const char *at = memchr(s, '@', (size_t)(end - s));
	const char *host = at ? at + 1 : s;
	const char *hend = host, *params, *pend, *uend, *num_end, *v, *vend;

	while (hend < end && *hend != ';' && *hend != '?')
		hend++;
	if (!host_port(host, hend))
		return -EINVAL;
	params = hend;
	pend = params;
	while (pend < end && *pend != '?')
		pend++;
	if (at != NULL) {
		uend = memchr(s, ':', (size_t)(at - s)); /* a password follows */
		if (uend == NULL)
			uend = at;
		if (uend == s)
			return -EINVAL;
		v = param(params, pend, "user", &vend);
		num_end = memchr(s, ';', (size_t)(uend - s));
		if (v != NULL && caseeq(v, vend, "phone") &&
		    telephone_number(s, num_end ? num_end : uend))
			put_telephone(o, s, uend);
		else
			while (s < uend)
				put(o, *s++);
		put(o, '@');
	}
	put_lower(o, host, hend);
	return 0;
}

int policy_uri_normalise(const char *uri, uint32_t len, char *out, uint32_t cap)
{
	const char *end = uri + len, *colon;
	struct out o = { out, cap, 0 };
	int rc;

	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)uri[i];
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return -EINVAL;
	}
	colon = memchr(uri, ':', len);
	if (colon == NULL)
		return -EINVAL;
	if (caseeq(uri, colon, "tel")) {
		const char *semi = memchr(colon + 1, ';', (size_t)(end - colon - 1));
		if (!telephone_number(colon + 1, semi ? semi : end))
			return -EINVAL;
		put_lower(&o, uri, colon + 1);
		put_telephone(&o, colon + 1, end);
	} else if (caseeq(uri, colon, "sip") || caseeq(uri, colon, "sips")) {
		put_lower(&o, uri, colon + 1);
		rc = put_sip(&o, colon + 1, end);
		if (rc < 0)
			return rc;
	} else {
		return -EINVAL;
	}
	if (o.n >= cap)
		return -ENOSPC;
	out[o.n] = '\0';
	return (int)o.n;
}
