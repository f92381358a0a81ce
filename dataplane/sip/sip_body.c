/*
 * sip_body.c - message bodies: Content-Type (RFC 3261 §20.15), the parts of a
 * multipart body (RFC 2046 §5.1) found by their boundary, and the PIDF-LO
 * document of an emergency INVITE (RFC 6442 §4.1) located without parsing its
 * XML. Parts are slices of the body; nothing is copied or decoded.
 */
#include "e911/sip.h"
#include "sip_find.h"
#include "sip_lex.h"

#define BOUNDARY_MAX 70 /* RFC 2046 §5.1.1 */

static void ct_param_seen(void *ctx, struct e911_slice name, struct e911_slice value)
{
	struct sip_content_type *ct = ctx;

	if (slice_caseeq(name, SLICE_LIT("boundary"))) {
		if (value.len >= 2 && value.p[0] == '"') {
			value.p++;
			value.len -= 2;
		}
		ct->boundary = value;
	}
}

int sip_content_type_parse(struct e911_slice value, struct sip_content_type *ct)
{
	const char *p = sip_skip_lws(value.p, slice_end(value));
	const char *end = sip_rtrim_lws(p, slice_end(value));

	*ct = (struct sip_content_type){ 0 };
	const char *q = sip_skip_class(p, end, SIP_CC_TOKEN);
	if (q == p)
		return SIP_E_CONTENT_TYPE;
	ct->type = slice_make(p, q);
	q = sip_skip_lws(q, end);
	if (q == end || *q != '/')
		return SIP_E_CONTENT_TYPE;
	p = sip_skip_lws(q + 1, end);
	q = sip_skip_class(p, end, SIP_CC_TOKEN);
	if (q == p)
		return SIP_E_CONTENT_TYPE;
	ct->subtype = slice_make(p, q);
	p = sip_skip_lws(q, end);
	q = sip_parse_params(p, end, ct_param_seen, ct);
	if (q != end || ct->boundary.len > BOUNDARY_MAX)
		return SIP_E_CONTENT_TYPE;
	ct->params = slice_make(p, end);
	return 0;
}

bool sip_content_type_is(const struct sip_content_type *ct, const char *type, const char *subtype)
{
	return slice_caseeq(ct->type, (struct e911_slice){ type, (uint32_t)strlen(type) }) &&
	       slice_caseeq(ct->subtype, (struct e911_slice){ subtype, (uint32_t)strlen(subtype) });
}

/* application/pidf+xml (RFC 3863), with the literals' lengths known. */
static bool is_pidf_type(const struct sip_content_type *ct)
{
	return SIP_TOKEN_IS(ct->type, "application") && SIP_TOKEN_IS(ct->subtype, "pidf+xml");
}

/*
 * The next delimiter line "--boundary" whose boundary begins at or after
 * `from` and whose "--" starts the body or follows a line break. Returns the
 * offset where the delimiter begins (its CRLF included, which belongs to the
 * delimiter), or -1.
 *
 * Searched as the line starts "\n-" (sip_find_pair): in SDP and PIDF-LO text
 * nearly only delimiters begin a line with '-', so each candidate is one
 * compare. The first delimiter is the one with the lowest "--", which is the
 * one with the lowest boundary.
 */
static int64_t find_delimiter(struct e911_slice body, struct e911_slice boundary, uint32_t from,
			      uint32_t *after)
{
	const char *end = slice_end(body);
	const char *dash = body.p + (from >= 2 ? from - 2 : 0);

	if (dash == body.p) {
		if (end - dash >= 2 + (long)boundary.len && dash[0] == '-' && dash[1] == '-' &&
		    memcmp(dash + 2, boundary.p, boundary.len) == 0) {
			*after = 2 + boundary.len;
			return 0;
		}
		dash++;
	}
	for (const char *lf = dash - 1; (lf = sip_find_pair_inline(lf, end, '\n', '-')) != NULL; lf++) {
		dash = lf + 1;
		if (end - dash >= 2 + (long)boundary.len && dash[1] == '-' &&
		    memcmp(dash + 2, boundary.p, boundary.len) == 0) {
			const char *start = lf > body.p && lf[-1] == '\r' ? lf - 1 : lf;
			*after = (uint32_t)(dash + 2 + boundary.len - body.p);
			return start - body.p;
		}
	}
	return -1;
}

/* After "--boundary": transport padding, then CRLF. Returns the next line, or NULL. */
static const char *after_delimiter_line(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '\r')
		p++;
	if (p < end && *p == '\n')
		return p + 1;
	return NULL;
}

static void part_headers(struct sip_body_part *part)
{
	const char *p = part->headers.p, *end = slice_end(part->headers);

	while (p < end) {
		const char *lf = sip_find_char(p, end, '\n');
		while (lf && lf + 1 < end && (lf[1] == ' ' || lf[1] == '\t'))
			lf = memchr(lf + 1, '\n', (size_t)(end - lf - 1));
		const char *line_end = lf ? lf : end;
		const char *colon = sip_find_char(p, line_end, ':');
		if (colon) {
			enum sip_hdr_id id = sip_hdr_lookup(p, (uint32_t)(sip_rtrim_lws(p, colon) - p));
			const char *v = sip_skip_lws(colon + 1, line_end);
			struct e911_slice value = slice_make(v, sip_rtrim_lws(v, line_end));
			if (id == SIP_HDR_CONTENT_TYPE)
				part->content_type = value;
			else if (id == SIP_HDR_CONTENT_ID)
				part->content_id = value;
		}
		p = line_end + 1;
	}
}

int sip_multipart_next(struct e911_slice body, struct e911_slice boundary, uint32_t *cursor,
		       struct sip_body_part *part)
{
	const char *end = slice_end(body);
	uint32_t after;

	if (*cursor == UINT32_MAX)
		return 0; /* closed earlier */
	if (boundary.len == 0)
		return SIP_E_MULTIPART;
	int64_t at = find_delimiter(body, boundary, *cursor, &after);
	if (at < 0 || (*cursor > 0 && (uint64_t)at != *cursor))
		return SIP_E_MULTIPART;
	const char *p = body.p + after;
	if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
		*cursor = UINT32_MAX; /* close-delimiter; the epilogue is ignored */
		return 0;
	}
	p = after_delimiter_line(p, end);
	if (p == NULL)
		return SIP_E_MULTIPART;

	*part = (struct sip_body_part){ 0 };
	/* The part's headers end at an empty line; a part may have none. */
	const char *hdr_end = p;
	while (hdr_end < end && *hdr_end != '\r' && *hdr_end != '\n') {
		const char *lf = sip_find_char(hdr_end, end, '\n');
		if (lf == NULL)
			return SIP_E_MULTIPART;
		hdr_end = lf + 1;
	}
	part->headers = slice_make(p, hdr_end);
	if (hdr_end < end && *hdr_end == '\r')
		hdr_end++;
	if (hdr_end == end || *hdr_end != '\n')
		return SIP_E_MULTIPART;
	const char *part_body = hdr_end + 1;

	int64_t next = find_delimiter(body, boundary, (uint32_t)(part_body - body.p), &after);
	if (next < 0)
		return SIP_E_MULTIPART;
	/* An empty part: the delimiter's own CRLF may be the one that ended the headers. */
	const char *part_end = body.p + next;
	part->body = slice_make(part_body, part_end > part_body ? part_end : part_body);
	part_headers(part);
	*cursor = (uint32_t)next;
	return 1;
}

/* The cid: target of the first Geolocation value, as "<id>" would appear in Content-ID. */
static struct e911_slice geolocation_cid(const struct sip_msg *msg)
{
	const struct sip_header *h = sip_hdr_first(msg, SIP_HDR_GEOLOCATION);
	struct sip_name_addr na;
	struct e911_slice elem;
	uint32_t cursor = 0;

	if (h == NULL || sip_list_next(h->value, &cursor, &elem) != 1 ||
	    sip_name_addr_parse(elem, &na) != 0 || na.uri.len <= 4 ||
	    !slice_caseeq((struct e911_slice){ na.uri.p, 4 }, SLICE_LIT("cid:")))
		return (struct e911_slice){ NULL, 0 };
	return (struct e911_slice){ na.uri.p + 4, na.uri.len - 4 };
}

static bool content_id_is(struct e911_slice content_id, struct e911_slice cid)
{
	if (content_id.len >= 2 && content_id.p[0] == '<' && content_id.p[content_id.len - 1] == '>') {
		content_id.p++;
		content_id.len -= 2;
	}
	return cid.len > 0 && slice_eq(content_id, cid);
}

int sip_find_pidf(const struct sip_msg *msg, struct e911_slice *pidf)
{
	const struct sip_header *h = sip_hdr_first(msg, SIP_HDR_CONTENT_TYPE);
	struct sip_content_type ct;
	int rc;

	if (h == NULL || msg->body.len == 0)
		return SIP_E_NOT_FOUND;
	if ((rc = sip_content_type_parse(h->value, &ct)) < 0)
		return rc;
	if (is_pidf_type(&ct)) {
		*pidf = msg->body;
		return 0;
	}
	if (!SIP_TOKEN_IS(ct.type, "multipart"))
		return SIP_E_NOT_FOUND;

	struct e911_slice cid = geolocation_cid(msg), first_pidf = { NULL, 0 };
	struct sip_body_part part;
	uint32_t cursor = 0;
	for (unsigned n = 0; n < SIP_MAX_LIST; n++) {
		rc = sip_multipart_next(msg->body, ct.boundary, &cursor, &part);
		if (rc <= 0)
			break;
		if (content_id_is(part.content_id, cid)) {
			*pidf = part.body;
			return 0;
		}
		struct sip_content_type part_ct;
		if (first_pidf.p == NULL && sip_content_type_parse(part.content_type, &part_ct) == 0 &&
		    is_pidf_type(&part_ct))
			first_pidf = part.body;
	}
	if (rc < 0)
		return rc;
	if (rc > 0)
		return SIP_E_LIST;
	if (first_pidf.p == NULL)
		return SIP_E_NOT_FOUND;
	*pidf = first_pidf;
	return 0;
}
