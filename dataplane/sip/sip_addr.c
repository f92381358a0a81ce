/*
 * sip_addr.c - the shapes header values share: name-addr / addr-spec with
 * header parameters (From, To, Contact, Route, P-Asserted-Identity,
 * Geolocation, Call-Info...), comma-separated lists, and parameter lookup.
 * All split on demand, except From and To, which sip_parse splits on every
 * message because the Via branch is computed from their tags.
 */
#include "e911/sip.h"
#include "sip_find.h"
#include "sip_lex.h"

static void tag_seen(void *ctx, struct e911_slice name, struct e911_slice value)
{
	struct sip_name_addr *na = ctx;

	if (SIP_TOKEN_IS(name, "tag") && na->tag.len == 0)
		na->tag = value;
}

/* A display name of tokens directly before '<' ("caller<sip:..>", RFC 4475 §3.1.1.6). */
static const char *scan_token_display(const char *p, const char *end)
{
	const char *q = p;

	for (;;) {
		const char *t = sip_skip_class(q, end, SIP_CC_TOKEN);
		if (t == q)
			return NULL;
		q = sip_skip_lws(t, end);
		if (q < end && *q == '<')
			return q;
		if (q == t)
			return NULL; /* neither white space nor '<' after a token */
	}
}

/*
 * [p, end) is ";tag=value" and nothing else, value a run of parameter value
 * bytes: what nearly every From and To carries, and what sip_parse_params
 * would read the same way; read without its general walk.
 */
static bool only_a_tag(const char *p, const char *end)
{
	return end - p > 5 && p[0] == ';' && SIP_TOKEN_IS(((struct e911_slice){ p + 1, 3 }), "tag") &&
	       p[4] == '=' && sip_skip_class(p + 5, end, SIP_CC_PVALUE) == end;
}

int sip_name_addr_parse(struct e911_slice text, struct sip_name_addr *out)
{
	const char *p = sip_skip_lws(text.p, slice_end(text));
	const char *end = sip_rtrim_lws(p, slice_end(text));

	*out = (struct sip_name_addr){ .params = { end, 0 }, .tag = { end, 0 } };
	if (p == end)
		return SIP_E_NAME_ADDR;
	if (*p == '*' && sip_skip_lws(p + 1, end) == end) {
		out->star = 1; /* Contact: * (RFC 3261 §20.10) */
		return 0;
	}

	const char *laquot = NULL;
	if (*p == '"') {
		const char *q = sip_find_quoted_end(p, end);
		if (q == NULL)
			return SIP_E_NAME_ADDR;
		out->display = slice_make(p, q);
		laquot = sip_skip_lws(q, end);
		if (laquot == end || *laquot != '<')
			return SIP_E_NAME_ADDR;
	} else if (*p == '<') {
		laquot = p;
	} else {
		laquot = scan_token_display(p, end);
		if (laquot)
			out->display = slice_make(p, sip_rtrim_lws(p, laquot));
	}

	if (laquot) {
		const char *uri = laquot + 1;
		const char *raquot = sip_find_char(uri, end, '>');
		if (raquot == NULL)
			return SIP_E_NAME_ADDR;
		/* "< sip:a@b >": a liberal reading drops the spaces (RFC 4475 §3.1.2.14). */
		uri = sip_skip_lws(uri, raquot);
		out->uri = slice_make(uri, sip_rtrim_lws(uri, raquot));
		if (out->uri.len == 0)
			return SIP_E_NAME_ADDR;
		p = raquot + 1;
	} else {
		/* addr-spec: its own ';' parameters would be header parameters (RFC 3261 §20). */
		const char *q = p;
		while (q < end && *q != ';' && *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n')
			q++;
		out->uri = slice_make(p, q);
		p = q;
	}

	const char *params = sip_skip_lws(p, end);
	if (params == end)
		return 0;
	if (only_a_tag(params, end)) {
		out->tag = slice_make(params + 5, end);
		out->params = slice_make(params, end);
		return 0;
	}
	const char *stop = sip_parse_params(params, end, tag_seen, out);
	if (stop == NULL)
		return SIP_E_PARAM;
	if (stop != end)
		return SIP_E_NAME_ADDR;
	out->params = slice_make(params, end);
	return 0;
}

int sip_list_next(struct e911_slice list, uint32_t *cursor, struct e911_slice *elem)
{
	const char *end = slice_end(list);
	const char *p = list.p + *cursor;

	if (*cursor >= list.len)
		return 0;
	if (*cursor > 0) {
		/* We stopped at the ',' that ends the previous element. */
		p++;
	}
	p = sip_skip_lws(p, end);
	const char *start = p;
	unsigned angle = 0;
	/* Only these four bytes change the walk: jump from one to the next. */
	while ((p = sip_find_any4(p, end, '"', '<', '>', ',')) != NULL) {
		if (*p == '"') {
			p = sip_find_quoted_end(p, end);
			if (p == NULL)
				return SIP_E_LIST;
			continue;
		}
		if (*p == '<')
			angle = 1;
		else if (*p == '>')
			angle = 0;
		else if (!angle)
			break; /* a ',' outside < > */
		p++;
	}
	if (p == NULL)
		p = end;
	if (angle)
		return SIP_E_LIST;
	*elem = slice_make(start, sip_rtrim_lws(start, p));
	if (elem->len == 0)
		return SIP_E_LIST;
	/* The cursor rests on the ',' (or the end): a trailing "a," has an empty last element. */
	*cursor = (uint32_t)(p - list.p);
	if (p < end && p + 1 == end)
		return SIP_E_LIST;
	if (p < end && sip_skip_lws(p + 1, end) == end)
		return SIP_E_LIST;
	return 1;
}

struct param_search {
	struct e911_slice name;
	struct e911_slice value;
	int found;
};

static void param_match(void *ctx, struct e911_slice name, struct e911_slice value)
{
	struct param_search *s = ctx;

	if (!s->found && slice_caseeq(name, s->name)) {
		s->found = 1;
		s->value = value;
	}
}

int sip_param_find(struct e911_slice params, struct e911_slice name, struct e911_slice *value)
{
	struct param_search s = { .name = name };
	const char *end = slice_end(params);
	const char *stop = sip_parse_params(params.p, end, param_match, &s);

	if (stop != end)
		return SIP_E_PARAM;
	if (s.found && value)
		*value = s.value;
	return s.found;
}
