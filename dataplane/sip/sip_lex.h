/*
 * sip_lex.h - character classes and the small lexing steps every SIP grammar
 * function here shares: linear white space (with line folding), tokens,
 * quoted strings, numbers. Internal to dataplane/sip/; not a contract.
 *
 * All functions take [p, end) and return the position after what they read;
 * they never read at or past `end`.
 */
#ifndef E911_SIP_LEX_H
#define E911_SIP_LEX_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "e911/slice.h"

/* Character class bits, RFC 3261 §25.1. */
enum {
	SIP_CC_TOKEN = 1u << 0,   /* alphanum - . ! % * _ + ` ' ~ */
	SIP_CC_WORD = 1u << 1,    /* token + ( ) < > : \ " / [ ] ? { } */
	SIP_CC_WSP = 1u << 2,     /* SP HT */
	SIP_CC_DIGIT = 1u << 3,
	SIP_CC_HOST = 1u << 4,    /* alphanum - . (hostname, IPv4) */
	SIP_CC_URI = 1u << 5,     /* any byte allowed inside a URI: visible ASCII but < > " and UTF-8 */
	SIP_CC_PVALUE = 1u << 6,  /* header parameter value: token + : [ ] (IPv6 received/maddr) */
	SIP_CC_CALLID = 1u << 7,  /* a Call-ID byte: word + @ */
};

extern const uint8_t sip_cc[256];

static inline bool sip_is(unsigned char c, unsigned cls)
{
	return (sip_cc[c] & cls) != 0;
}

/* Skip LWS: SP/HT, and CRLF (or LF) followed by SP/HT (a folded line). */
static inline const char *sip_skip_lws(const char *p, const char *end)
{
	while (p < end) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\t')
			p++;
		else if (c == '\r' && end - p >= 3 && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t'))
			p += 3;
		else if (c == '\n' && end - p >= 2 && (p[1] == ' ' || p[1] == '\t'))
			p += 2;
		else
			break;
	}
	return p;
}

/*
 * Skip a run of characters of a class. Four at a time while four remain:
 * one bound check per four table tests (the runs are Call-IDs, branches,
 * tags, host names: tens of bytes).
 */
static inline const char *sip_skip_class(const char *p, const char *end, unsigned cls)
{
	for (; end - p >= 4; p += 4) {
		if (!sip_is((unsigned char)p[0], cls))
			return p;
		if (!sip_is((unsigned char)p[1], cls))
			return p + 1;
		if (!sip_is((unsigned char)p[2], cls))
			return p + 2;
		if (!sip_is((unsigned char)p[3], cls))
			return p + 3;
	}
	while (p < end && sip_is((unsigned char)*p, cls))
		p++;
	return p;
}

/*
 * Every byte of [p, end) is of a class (one SIP_CC_* bit): for a field whose
 * end is known (a Call-ID, a header name), no search, so no branch per
 * byte: the classes of four bytes are AND-ed together and tested once.
 */
static inline bool sip_all_class(const char *p, const char *end, unsigned cls)
{
	unsigned acc = cls;
	for (; end - p >= 4; p += 4)
		acc &= (unsigned)sip_cc[(unsigned char)p[0]] & sip_cc[(unsigned char)p[1]] &
		       sip_cc[(unsigned char)p[2]] & sip_cc[(unsigned char)p[3]];
	for (; p < end; p++)
		acc &= sip_cc[(unsigned char)*p];
	return (acc & cls) == cls;
}

/*
 * A token equals a lower-case literal, ignoring ASCII case. OR-ing 0x20
 * folds exactly the letters among token characters, the only bytes a
 * parameter or header name holds; cheaper than a tolower per byte.
 */
static inline bool sip_token_is(struct e911_slice s, const char *lower, uint32_t len)
{
	if (s.len != len)
		return false;
	for (uint32_t i = 0; i < len; i++)
		if (((unsigned char)s.p[i] | 0x20) != (unsigned char)lower[i])
			return false;
	return true;
}
#define SIP_TOKEN_IS(s, lit) sip_token_is((s), (lit), (uint32_t)(sizeof(lit) - 1))

/* Trim LWS at the end of [p, end). */
static inline const char *sip_rtrim_lws(const char *p, const char *end)
{
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	return end;
}

/*
 * p at an opening '"': return the position after the closing quote, or NULL
 * when it is unterminated. A backslash escapes any byte but CR/LF (RFC 3261
 * quoted-pair).
 */
const char *sip_skip_quoted(const char *p, const char *end);

/*
 * Parse 1..max_digits decimal digits at p into *val (no overflow: the caller
 * bounds max_digits). Returns the position after them, or NULL when there is
 * no digit or more than max_digits digits.
 */
static inline const char *sip_parse_uint(const char *p, const char *end, unsigned max_digits,
					 uint64_t *val)
{
	const char *start = p;
	uint64_t v = 0;

	/* Leading zeros are legal ("0068", RFC 4475 §3.1.1.1) and do not count. */
	while (p < end && *p == '0')
		p++;
	const char *significant = p;
	for (; p < end && (unsigned)(*p - '0') < 10; p++)
		v = v * 10 + (uint64_t)(*p - '0'); /* wraps harmlessly: too many digits is refused below */
	if (p == start || (unsigned long)(p - significant) > max_digits)
		return NULL;
	*val = v;
	return p;
}

/*
 * A header parameter list ";name[=value]..." starting at p (at ';' or at the
 * end). Stops at the first byte that cannot continue it (returns that
 * position) or returns NULL on an empty or malformed parameter. Calls
 * `seen` for each one when it is not NULL.
 */
typedef void (*sip_param_cb)(void *ctx, struct e911_slice name, struct e911_slice value);
const char *sip_parse_params(const char *p, const char *end, sip_param_cb seen, void *ctx);

/* Scan a host: "[IPv6]" or hostname/IPv4. Sets *kind; NULL when empty or malformed. */
const char *sip_scan_host(const char *p, const char *end, uint8_t *kind);

#endif /* E911_SIP_LEX_H */
