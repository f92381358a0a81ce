/*
 * sip_uri.c - URIs: sip/sips (RFC 3261 §19.1, §25.1), tel (RFC 3966), urn
 * (RFC 2141, urn:service RFC 5031), and any other absoluteURI as an opaque
 * string; plus the dialled number a URI carries, the input of emergency
 * matching. Split on demand; nothing is copied but the dialled digits, which
 * go to a caller buffer.
 */
#include "e911/sip.h"
#include "sip_clear.h"
#include "sip_find.h"
#include "sip_lex.h"

static int scheme_of(struct e911_slice name)
{
	if (SIP_TOKEN_IS(name, "sip"))
		return SIP_SCHEME_SIP;
	if (SIP_TOKEN_IS(name, "sips"))
		return SIP_SCHEME_SIPS;
	if (SIP_TOKEN_IS(name, "tel"))
		return SIP_SCHEME_TEL;
	if (SIP_TOKEN_IS(name, "urn"))
		return SIP_SCHEME_URN;
	return SIP_SCHEME_OTHER;
}

static void uri_param_seen(void *ctx, struct e911_slice name, struct e911_slice value)
{
	struct sip_uri *u = ctx;

	if (SIP_TOKEN_IS(name, "user"))
		u->user_param = value;
	else if (SIP_TOKEN_IS(name, "transport"))
		u->transport = value;
	else if (SIP_TOKEN_IS(name, "maddr"))
		u->maddr = value;
	else if (SIP_TOKEN_IS(name, "phone-context"))
		u->phone_context = value;
	else if (SIP_TOKEN_IS(name, "lr"))
		u->lr = 1;
}

/* paramchar (RFC 3261 §25.1): any URI byte but the ';' '=' '?' that delimit parameters. */
static const char *skip_paramchars(const char *p, const char *end)
{
	while (p < end && *p != ';' && *p != '=' && *p != '?' && sip_is((unsigned char)*p, SIP_CC_URI))
		p++;
	return p;
}

/*
 * URI parameters ";p[=v]..." in [p, end). Names and values are paramchars,
 * which include / : & + $ ( ) [ ] that a header parameter's token does not;
 * no LWS inside a URI (RFC 4475 §3.1.2.8).
 */
static int parse_uri_params(struct sip_uri *u, const char *p, const char *end)
{
	u->params = slice_make(p, end);
	while (p < end) {
		if (*p != ';')
			return SIP_E_URI;
		const char *name = p + 1;
		p = skip_paramchars(name, end);
		if (p == name)
			return SIP_E_URI;
		struct e911_slice n = slice_make(name, p), v = { p, 0 };
		if (p < end && *p == '=') {
			const char *val = p + 1;
			p = skip_paramchars(val, end);
			if (p == val)
				return SIP_E_URI;
			v = slice_make(val, p);
		}
		uri_param_seen(u, n, v);
	}
	return 0;
}

static int parse_sip(struct sip_uri *u, const char *p, const char *end)
{
	const char *q;

	if (sip_find_non_uri(p, end) != end)
		return SIP_E_URI;

	/* The user part ends at the first '@': neither host, params nor headers may hold one. */
	const char *at = sip_find_char(p, end, '@');
	if (at) {
		const char *colon = sip_find_char(p, at, ':');
		u->user = slice_make(p, colon ? colon : at);
		if (colon)
			u->password = slice_make(colon + 1, at);
		if (u->user.len == 0)
			return SIP_E_URI;
		p = at + 1;
	}

	const char *host_end = sip_scan_host(p, end, &u->host_kind);
	if (host_end == NULL)
		return SIP_E_URI;
	u->host = slice_make(p, host_end);
	p = host_end;
	if (p < end && *p == ':') {
		uint64_t port;
		q = sip_parse_uint(p + 1, end, 5, &port);
		if (q == NULL || port > 65535 || port == 0)
			return SIP_E_URI;
		u->port = (uint16_t)port;
		p = q;
	}

	const char *qmark = sip_find_char(p, end, '?');
	const char *params_end = qmark ? qmark : end;
	if (p < params_end && *p != ';')
		return SIP_E_URI;
	if (parse_uri_params(u, p, params_end) < 0)
		return SIP_E_URI;
	if (qmark) {
		u->headers = slice_make(qmark + 1, end);
		if (u->headers.len == 0)
			return SIP_E_URI;
	}
	return 0;
}

static int parse_tel(struct sip_uri *u, const char *p, const char *end)
{
	const char *semi = sip_find_char(p, end, ';');
	const char *num_end = semi ? semi : end;

	u->user = slice_make(p, num_end);
	if (u->user.len == 0 || sip_find_non_uri(p, num_end) != num_end)
		return SIP_E_URI;
	return parse_uri_params(u, num_end, end);
}

static int parse_urn(struct sip_uri *u, const char *p, const char *end)
{
	/* NID: letter/digit then up to 31 letter/digit/hyphen (RFC 2141 §2). */
	const char *colon = sip_find_char(p, end, ':');
	if (colon == NULL || colon == p || colon - p > 32 || colon + 1 == end)
		return SIP_E_URI;
	for (const char *q = p; q < colon; q++)
		if (!(sip_is((unsigned char)*q, SIP_CC_HOST) && *q != '.'))
			return SIP_E_URI;
	if (sip_find_non_uri(colon + 1, end) != end)
		return SIP_E_URI;
	u->user = slice_make(p, colon);
	u->urn_nss = slice_make(colon + 1, end);
	return 0;
}

int sip_uri_parse(struct e911_slice text, struct sip_uri *u)
{
	const char *p = text.p, *end = slice_end(text);

	sip_clear(u, sizeof(*u));
	u->whole = text;
	/* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
	if (p == end || !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
		return SIP_E_URI;
	const char *q = p + 1;
	while (q < end && (sip_is((unsigned char)*q, SIP_CC_HOST) || *q == '+'))
		q++;
	if (q == end || *q != ':' || q + 1 == end)
		return SIP_E_URI;
	u->scheme_name = slice_make(p, q);
	u->scheme = (uint8_t)scheme_of(u->scheme_name);
	p = q + 1;

	switch (u->scheme) {
	case SIP_SCHEME_SIP:
	case SIP_SCHEME_SIPS:
		return parse_sip(u, p, end);
	case SIP_SCHEME_TEL:
		return parse_tel(u, p, end);
	case SIP_SCHEME_URN:
		return parse_urn(u, p, end);
	default:
		return sip_find_non_uri(p, end) == end ? 0 : SIP_E_URI;
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

int sip_uri_dialled_digits(const struct sip_uri *u, char *out, uint32_t cap)
{
	struct e911_slice num = u->user;

	if (num.len == 0)
		return SIP_E_NOT_A_NUMBER;
	if (u->scheme == SIP_SCHEME_SIP || u->scheme == SIP_SCHEME_SIPS) {
		/* telephone-subscriber parameters (;phone-context=, ;isub=) end the number. */
		const char *semi = sip_find_char(num.p, slice_end(num), ';');
		if (semi)
			num.len = (uint32_t)(semi - num.p);
	} else if (u->scheme != SIP_SCHEME_TEL) {
		return SIP_E_NOT_A_NUMBER;
	}

	uint32_t n = 0;
	for (uint32_t i = 0; i < num.len; i++) {
		char c = num.p[i];
		if ((unsigned)(c - '0') < 10 && n < cap) {
			out[n++] = c; /* the common case first: a digit */
			continue;
		}
		if (c == '%' && i + 2 < num.len && hex_value(num.p[i + 1]) >= 0 &&
		    hex_value(num.p[i + 2]) >= 0) {
			c = (char)(hex_value(num.p[i + 1]) * 16 + hex_value(num.p[i + 2]));
			i += 2;
		}
		if (c == '-' || c == '.' || c == '(' || c == ')' || c == ' ')
			continue; /* visual separators, RFC 3966 §5.1.1 */
		bool dial = (c >= '0' && c <= '9') || c == '*' || c == '#' || (c == '+' && n == 0);
		if (!dial || n == cap)
			return SIP_E_NOT_A_NUMBER;
		out[n++] = c;
	}
	/* A lone '+' or nothing at all is not a number. */
	if (n == 0 || (n == 1 && out[0] == '+'))
		return SIP_E_NOT_A_NUMBER;
	return (int)n;
}
