/*
 * sip_via.c - Via header values (RFC 3261 §20.42, §25.1; rport RFC 3581).
 * A Via line may hold several entries separated by commas; each is
 * sent-protocol LWS sent-by *( SEMI via-params ), with LWS allowed around
 * every '/', ':' and ';' (RFC 4475 §3.1.1.1). The parser splits every entry of
 * every message: responses are routed by them.
 */
#include "e911/sip.h"
#include "sip_clear.h"
#include "sip_lex.h"
#include "sip_via.h"

/*
 * The first len (<= 8) bytes of a parameter name as one little-endian word,
 * case-folded (the OR-0x20 fold of sip_token_is). Reads the 8 bytes at
 * name, or, near the end of the value, the 8 that end at `end` (never
 * before `lo`); names that fit neither are read a byte at a time.
 */
static inline uint64_t name_word(const char *name, uint32_t len, const char *lo, const char *end)
{
	uint64_t w = 0;
	if (end - name >= 8) {
		memcpy(&w, name, 8);
	} else if (end - lo >= 8) {
		memcpy(&w, end - 8, 8);
		w >>= 8 * (8 - (end - name));
	} else {
		for (uint32_t i = 0; i < len; i++)
			w |= (uint64_t)(unsigned char)name[i] << (8 * i);
	}
	return (w | 0x2020202020202020ull) & (~0ull >> (64 - 8 * len));
}

/* A lower-case literal of up to 8 bytes as the word name_word() makes. */
#define NAME_WORD(lit)                                                                             \
	((uint64_t)(sizeof(lit) > 1 ? (lit)[0] : 0) | (uint64_t)(sizeof(lit) > 2 ? (lit)[1] : 0) << 8 | \
	 (uint64_t)(sizeof(lit) > 3 ? (lit)[2] : 0) << 16 |                                          \
	 (uint64_t)(sizeof(lit) > 4 ? (lit)[3] : 0) << 24 |                                          \
	 (uint64_t)(sizeof(lit) > 5 ? (lit)[4] : 0) << 32 |                                          \
	 (uint64_t)(sizeof(lit) > 6 ? (lit)[5] : 0) << 40 |                                          \
	 (uint64_t)(sizeof(lit) > 7 ? (lit)[6] : 0) << 48 |                                          \
	 (uint64_t)(sizeof(lit) > 8 ? (lit)[7] : 0) << 56)

/* The parameters the proxy reads, by name (any case): one word compare each. */
static inline void via_param_set(struct sip_via *v, const char *name, uint32_t len, struct e911_slice value,
				 const char *lo, const char *end)
{
	if (len - 3 > 5) /* only names of 3 to 8 bytes matter here */
		return;
	uint64_t w = name_word(name, len, lo, end);
	if (len == 6 && w == NAME_WORD("branch")) {
		v->branch = value;
	} else if (len == 5 && w == NAME_WORD("rport")) {
		v->rport = value;
		v->has_rport = 1;
	} else if (len == 8 && w == NAME_WORD("received")) {
		v->received = value;
	} else if (len == 5 && w == NAME_WORD("maddr")) {
		v->maddr = value;
	} else if (len == 3 && w == NAME_WORD("ttl")) {
		v->ttl = value;
	}
}

/* via_param_set() as the general reading's sip_parse_params() callback. */
static void via_param_seen(void *ctx, struct e911_slice name, struct e911_slice value)
{
	via_param_set(ctx, name.p, name.len, value, name.p, slice_end(name));
}

/* token LWS* "/" LWS*: one step of sent-protocol. */
static const char *protocol_part(const char *p, const char *end, bool slash_follows)
{
	const char *q = sip_skip_class(p, end, SIP_CC_TOKEN);
	if (q == p)
		return NULL;
	if (!slash_follows)
		return q;
	q = sip_skip_lws(q, end);
	if (q == end || *q != '/')
		return NULL;
	return sip_skip_lws(q + 1, end);
}

/*
 * The shape nearly every Via has, "SIP/2.0/TRANSPORT SP", read with one
 * word compare instead of three token scans. Returns the end of the
 * transport, or NULL to take the general path (LWS around '/', other case).
 */
static const char *fast_protocol(const char *p, const char *end, struct sip_via *v)
{
	static const char want[8] = { 's', 'i', 'p', '/', '2', '.', '0', '/' };
	static const uint8_t fold[8] = { 0x20, 0x20, 0x20, 0, 0, 0, 0, 0 };
	uint64_t w, lower, mask;

	if (end - p < 10)
		return NULL;
	memcpy(&w, p, 8);
	memcpy(&lower, want, 8);
	memcpy(&mask, fold, 8);
	if ((w | mask) != lower)
		return NULL;
	const char *t = sip_skip_class(p + 8, end, SIP_CC_TOKEN);
	if (t == p + 8 || t == end || *t != ' ')
		return NULL;
	v->protocol = slice_make(p, p + 7);
	v->transport = slice_make(p + 8, t);
	return t;
}

/* One via-parm at p, any shape; returns the position after it (at ',' or end), or NULL. */
const char *sip_via_entry_general(const char *p, const char *end, struct sip_via *v)
{
	const char *start = p;

	sip_clear(v, sizeof(*v));
	const char *transport_end = fast_protocol(p, end, v);
	if (transport_end == NULL) {
		const char *version = protocol_part(p, end, true);
		const char *transport = version ? protocol_part(version, end, true) : NULL;
		transport_end = transport ? protocol_part(transport, end, false) : NULL;
		if (transport_end == NULL)
			return NULL;
		v->protocol = slice_make(p, sip_rtrim_lws(p, sip_rtrim_lws(p, transport) - 1));
		v->transport = slice_make(transport, transport_end);
	}

	const char *host = sip_skip_lws(transport_end, end);
	if (host == transport_end)
		return NULL; /* sent-protocol LWS sent-by: the white space is required */
	const char *q = sip_scan_host(host, end, &v->host_kind);
	if (q == NULL)
		return NULL;
	v->host = slice_make(host, q);
	q = sip_skip_lws(q, end);
	if (q < end && *q == ':') {
		uint64_t port;
		const char *digits = sip_skip_lws(q + 1, end);
		q = sip_parse_uint(digits, end, 5, &port);
		if (q == NULL || port == 0 || port > 65535)
			return NULL;
		v->port = (uint16_t)port;
	}
	const char *params = sip_skip_lws(q, end);
	q = sip_parse_params(params, end, via_param_seen, v);
	if (q == NULL || (q < end && *q != ','))
		return NULL;
	v->params = slice_make(params, sip_rtrim_lws(params, q));
	v->value = slice_make(start, sip_rtrim_lws(start, q));
	return q;
}

/*
 * The shape nearly every Via has, read without the white-space steps:
 * "SIP/2.0/TRANSPORT SP host[:port]" then ";name[=token]" parameters, up to
 * ',' or the end. Returns the position after the entry, or NULL for any
 * other shape (white space, a quoted value, an error), which the general
 * path reads again from the start and decides.
 */
static const char *via_entry_fast(const char *p, const char *end, struct sip_via *v)
{
	sip_clear(v, sizeof(*v));
	const char *host = fast_protocol(p, end, v);
	if (host == NULL)
		return NULL;
	host++; /* the one SP */
	const char *q = sip_scan_host(host, end, &v->host_kind);
	if (q == NULL)
		return NULL;
	v->host = slice_make(host, q);
	if (q < end && *q == ':') {
		uint64_t port;
		q = sip_parse_uint(q + 1, end, 5, &port);
		if (q == NULL || port == 0 || port > 65535)
			return NULL;
		v->port = (uint16_t)port;
	}
	const char *params = q;
	while (q < end && *q == ';') {
		const char *name = q + 1;
		const char *name_end = sip_skip_class(name, end, SIP_CC_TOKEN);
		if (name_end == name)
			return NULL;
		struct e911_slice value = { name_end, 0 };
		q = name_end;
		if (q < end && *q == '=') {
			q = sip_skip_class(name_end + 1, end, SIP_CC_PVALUE);
			if (q == name_end + 1)
				return NULL;
			value = slice_make(name_end + 1, q);
		}
		via_param_set(v, name, (uint32_t)(name_end - name), value, p, end);
	}
	if (q < end && *q != ',')
		return NULL;
	v->params = slice_make(params, q);
	v->value = slice_make(p, q);
	return q;
}

/* One via-parm at p; returns the position after it (at ',' or end), or NULL. */
static const char *via_entry(const char *p, const char *end, struct sip_via *v)
{
	const char *q = via_entry_fast(p, end, v);
	return q ? q : sip_via_entry_general(p, end, v);
}

int sip_via_parse(struct e911_slice value, struct sip_via *out, uint32_t cap)
{
	const char *p = value.p, *end = slice_end(value);
	uint32_t n = 0;

	for (;;) {
		p = sip_skip_lws(p, end);
		if (n == cap)
			return SIP_E_TOO_MANY_VIAS;
		p = via_entry(p, end, &out[n]);
		if (p == NULL)
			return SIP_E_VIA;
		n++;
		if (p == end)
			return (int)n;
		p++; /* ',' */
	}
}
