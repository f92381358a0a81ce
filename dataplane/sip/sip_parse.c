/*
 * sip_parse.c - sip_parse(): one pass over a datagram's start line and header
 * section, then the body framing of RFC 3261 §18.3. It splits what a stateless
 * proxy reads on every message (start line, Via, Max-Forwards, CSeq, Call-ID,
 * Content-Length) and records where every other header line is, for the
 * on-demand helpers; and it splits, on demand, the Request-URI, From and To.
 * It does not allocate, copy or write to the buffer.
 */
#include "e911/sip.h"
#include "sip_clear.h"
#include "sip_find.h"
#include "sip_lex.h"
#include "sip_names.h"
#include "sip_scan.h"

static int fail(struct sip_msg *m, int status, const char *at)
{
	m->err_off = (uint32_t)(at - m->buf);
	return status;
}

/* "SIP/2.0", the "SIP" case-insensitively (RFC 3261 §7.1). */
static bool is_sip20(const char *p, const char *end)
{
	return end - p == 7 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' &&
	       memcmp(p + 3, "/2.0", 4) == 0;
}

/* "SIP/" 1*DIGIT "." 1*DIGIT: a version, if not one we speak (answer 505). */
static bool is_sip_version(const char *p, const char *end)
{
	if (end - p < 7 || (p[0] | 0x20) != 's' || (p[1] | 0x20) != 'i' || (p[2] | 0x20) != 'p' ||
	    p[3] != '/')
		return false;
	const char *q = sip_skip_class(p + 4, end, SIP_CC_DIGIT);
	if (q == p + 4 || q == end || *q != '.')
		return false;
	const char *r = sip_skip_class(q + 1, end, SIP_CC_DIGIT);
	return r > q + 1 && r == end;
}

static int parse_status_line(struct sip_msg *m, const char *p, const char *end)
{
	const char *sp = sip_find_char(p, end, ' ');
	if (sp == NULL)
		return fail(m, SIP_E_START_LINE, end);
	if (!is_sip20(p, sp))
		return fail(m, is_sip_version(p, sp) ? SIP_E_VERSION : SIP_E_START_LINE, p);
	const char *code = sp + 1;
	const char *q = sip_skip_class(code, end, SIP_CC_DIGIT);
	if (q - code != 3 || code[0] < '1' || code[0] > '6' || (q < end && *q != ' '))
		return fail(m, SIP_E_STATUS_CODE, code);
	m->kind = SIP_RESPONSE;
	m->status_code = (uint16_t)((code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0'));
	/* An empty reason phrase is legal (RFC 4475 §3.1.1.13); so is UTF-8 in it. */
	m->reason = q < end ? slice_make(q + 1, end) : slice_make(end, end);
	return 0;
}

static int parse_request_line(struct sip_msg *m, const char *p, const char *end)
{
	const char *q = sip_skip_class(p, end, SIP_CC_TOKEN);
	if (q == p || q == end || *q != ' ')
		return fail(m, SIP_E_METHOD, q);
	m->kind = SIP_REQUEST;
	m->method_name = slice_make(p, q);
	m->method = (uint8_t)sip_method_lookup(m->method_name);

	/* Method SP Request-URI SP SIP-Version: exactly one SP each (RFC 4475 §3.1.2.9/10). */
	const char *uri = q + 1;
	const char *sp = sip_find_char(uri, end, ' ');
	if (sp == NULL || sp == uri)
		return fail(m, SIP_E_START_LINE, uri);
	const char *version = sp + 1;
	if (!is_sip20(version, end)) {
		if (is_sip_version(version, end))
			return fail(m, SIP_E_VERSION, version);
		/* Extra SP before or white space after the version is the start line's fault. */
		if (version < end && *version == ' ')
			return fail(m, SIP_E_START_LINE, version);
		if (end - version > 7 && is_sip20(version, version + 7) &&
		    sip_skip_class(version + 7, end, SIP_CC_WSP) == end)
			return fail(m, SIP_E_START_LINE, version + 7);
		/* Any other SP is inside the Request-URI (RFC 4475 §3.1.2.8). */
		return fail(m, sip_find_char(version, end, ' ') ? SIP_E_REQUEST_URI
									  : SIP_E_START_LINE,
			    sip_find_char(version, end, ' ') ? sp : version);
	}
	m->ruri_text = slice_make(uri, sp);
	/* Split on demand (sip_parse_request_uri); here only its shape, scheme ":"
	 * rest, which refuses "<sip:...>" (RFC 4475 §3.1.2.7). */
	const char *scheme_end = uri;
	if (((*uri | 0x20) < 'a' || (*uri | 0x20) > 'z'))
		return fail(m, SIP_E_REQUEST_URI, uri);
	while (scheme_end < sp && (sip_is((unsigned char)*scheme_end, SIP_CC_HOST) || *scheme_end == '+'))
		scheme_end++;
	if (scheme_end == sp || *scheme_end != ':' || scheme_end + 1 == sp)
		return fail(m, SIP_E_REQUEST_URI, scheme_end);
	return 0;
}

int sip_parse_request_uri(const struct sip_msg *m, struct sip_uri *uri)
{
	if (m->kind != SIP_REQUEST || sip_uri_parse(m->ruri_text, uri) < 0)
		return SIP_E_REQUEST_URI;
	/* Headers are not allowed in a Request-URI (RFC 3261 §19.1.1, RFC 4475 §3.1.2.11). */
	if ((uri->scheme == SIP_SCHEME_SIP || uri->scheme == SIP_SCHEME_SIPS) && uri->headers.len > 0)
		return SIP_E_REQUEST_URI;
	return 0;
}

int sip_parse_from(const struct sip_msg *m, struct sip_name_addr *from)
{
	const struct sip_header *h = sip_hdr_first(m, SIP_HDR_FROM);
	return h && sip_name_addr_parse(h->value, from) == 0 ? 0 : SIP_E_FROM;
}

int sip_parse_to(const struct sip_msg *m, struct sip_name_addr *to)
{
	const struct sip_header *h = sip_hdr_first(m, SIP_HDR_TO);
	return h && sip_name_addr_parse(h->value, to) == 0 ? 0 : SIP_E_TO;
}

static int parse_start_line(struct sip_msg *m, struct sip_lf_cursor *lfs, const char **pp,
			    const char *end)
{
	const char *p = *pp;

	/* CRLFs before the start line are ignored (RFC 3261 §7.5; keep-alives). */
	while (p < end && (*p == '\r' || *p == '\n'))
		p++;
	const char *lf = sip_lf_next(lfs, p);
	if (lf == NULL)
		return fail(m, SIP_E_TRUNCATED, end);
	const char *line_end = (lf > p && lf[-1] == '\r') ? lf - 1 : lf;
	*pp = lf + 1;
	if (end - p >= 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' &&
	    p[3] == '/')
		return parse_status_line(m, p, line_end);
	return parse_request_line(m, p, line_end);
}

static int parse_cseq(struct sip_msg *m, struct e911_slice v)
{
	const char *end = slice_end(v);
	uint64_t num = 0;
	/* CSeq must fit 32 bits (RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.4). */
	const char *p = sip_parse_uint(v.p, end, 10, &num);
	if (p == NULL || num > UINT32_MAX)
		return SIP_E_CSEQ;
	const char *method = sip_skip_lws(p, end);
	if (method == p)
		return SIP_E_CSEQ;
	const char *q = sip_skip_class(method, end, SIP_CC_TOKEN);
	if (q == method || q != end)
		return SIP_E_CSEQ;
	m->cseq = (uint32_t)num;
	m->cseq_method_name = slice_make(method, q);
	m->cseq_method = (uint8_t)sip_method_lookup(m->cseq_method_name);
	return 0;
}

static int parse_call_id(struct sip_msg *m, struct e911_slice v)
{
	/* callid = word [ "@" word ] */
	if (v.len == 0)
		return SIP_E_CALL_ID;
	if (!sip_all_class(v.p, slice_end(v), SIP_CC_CALLID))
		return SIP_E_CALL_ID;
	m->call_id = v;
	return 0;
}

/* The headers every message needs split (the others are split on demand). */
#define SIP_EAGER_HEADERS                                                                    \
	(1ull << SIP_HDR_VIA | 1ull << SIP_HDR_CALL_ID | 1ull << SIP_HDR_CSEQ |              \
	 1ull << SIP_HDR_MAX_FORWARDS | 1ull << SIP_HDR_CONTENT_LENGTH)
_Static_assert(SIP_HDR_COUNT <= 64, "SIP_EAGER_HEADERS is a 64-bit set");

/* Split the headers every message needs; record the others. */
static int parse_known_header(struct sip_msg *m, struct sip_header *h)
{
	uint64_t num = 0;
	const char *end = slice_end(h->value);
	int rc;

	switch (h->id) {
	case SIP_HDR_VIA:
		rc = sip_via_parse(h->value, &m->via[m->nvia], SIP_MAX_VIAS - m->nvia);
		if (rc < 0)
			return rc;
		m->nvia = (uint16_t)(m->nvia + rc);
		return 0;
	case SIP_HDR_CALL_ID:
		return parse_call_id(m, h->value);
	case SIP_HDR_CSEQ:
		return parse_cseq(m, h->value);
	case SIP_HDR_MAX_FORWARDS:
		/* Max-Forwards = 1*DIGIT, 0..255 (RFC 3261 §20.22; RFC 4475 §3.1.2.4). */
		if (sip_parse_uint(h->value.p, end, 3, &num) != end || num > 255)
			return SIP_E_MAX_FORWARDS;
		m->max_forwards = (int16_t)num;
		return 0;
	case SIP_HDR_CONTENT_LENGTH:
		if (sip_parse_uint(h->value.p, end, 9, &num) != end)
			return SIP_E_CONTENT_LENGTH;
		m->content_length = (int32_t)num;
		return 0;
	default:
		return 0;
	}
}

/* Headers that must appear at most once (RFC 3261 §7.3.1; RFC 4475 §3.3.8, §3.3.9). */
#define SIP_SINGLE_HEADERS                                                                   \
	(1ull << SIP_HDR_FROM | 1ull << SIP_HDR_TO | 1ull << SIP_HDR_CALL_ID |                \
	 1ull << SIP_HDR_CSEQ | 1ull << SIP_HDR_MAX_FORWARDS | 1ull << SIP_HDR_CONTENT_LENGTH | \
	 1ull << SIP_HDR_CONTENT_TYPE)

/* Every byte of a header name we do not know must be a token character. */
static bool is_token(const char *p, const char *end)
{
	return sip_all_class(p, end, SIP_CC_TOKEN);
}

/* The value's first byte: ": value" is the common case, LWS and folds the general one. */
static inline const char *value_start(const char *p, const char *lf)
{
	/* p < lf here, so p[1] is readable; a byte above SP is no white space, CR or LF. */
	if (p[0] == ' ' && (unsigned char)p[1] > ' ')
		return p + 1;
	return sip_skip_lws(p, lf);
}

/*
 * The name that starts a header line and its id (SIP_HDR_OTHER when we do not
 * know it), with *len its length; the line's ':' follows the name after any
 * SP/HT. Or a (negative) SIP_E_* status, with *len the offset of the fault
 * from p (0 for p itself).
 */
static inline int line_name(const char *p, const char *end, uint32_t *len)
{
	int id;
#if defined(E911_SIMD_SSE2)
	if ((id = sip_hdr_line_name(p, end, len)) >= 0) {
		if (id == SIP_HDR_OTHER && !is_token(p, p + *len))
			return *len = 0, SIP_E_HEADER_LINE;
		return id;
	}
#endif
	const char *name_end = sip_name_stop(p, end), *q = name_end;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	*len = (uint32_t)(q - p);
	if (name_end == p || q == end || *q != ':')
		return q == end ? SIP_E_TRUNCATED : SIP_E_HEADER_LINE;
	*len = (uint32_t)(name_end - p);
	id = (int)sip_hdr_lookup_in(p, *len, end);
	if (id == SIP_HDR_OTHER && !is_token(p, name_end))
		return *len = 0, SIP_E_HEADER_LINE;
	return id;
}

static int parse_headers(struct sip_msg *m, struct sip_lf_cursor *lfs, const char **pp,
			 const char *end)
{
	const char *p = *pp;
	/* A local count: stores through a header record may alias m->nhdr (both uint16_t). */
	uint32_t nhdr = 0;
	int rc = 0;

	for (;;) {
		/* A line starts with a name: any byte above CR and a byte after it. */
		if (end - p < 2 || (unsigned char)*p <= '\r') {
			/* A lone CR at the end may be the first half of the empty line. */
			if (p == end || (*p == '\r' && end - p == 1)) {
				rc = fail(m, SIP_E_TRUNCATED, p);
				break;
			}
			if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
				*pp = p + (*p == '\r' ? 2 : 1);
				break;
			}
		}
		const char *name = p;
		uint32_t name_len;
		int id = line_name(p, end, &name_len);
		if (id < 0) {
			rc = fail(m, id, name + name_len);
			break;
		}
		p = name + name_len;
		while (*p != ':') /* white space before the colon (the general path checked it) */
			p++;

		/*
		 * The value runs to the first LF not followed by SP/HT (a fold).
		 * The search starts at the line, not after the colon (a name holds
		 * no LF): the next line's start then does not wait for this name's
		 * length, and the lines' scans overlap in the CPU.
		 */
		const char *lf = name;
		for (;;) {
			lf = sip_lf_next(lfs, lf);
			if (lf == NULL)
				break;
			if (end - lf < 2 || !sip_is((unsigned char)lf[1], SIP_CC_WSP))
				break;
			lf++;
		}
		if (lf == NULL) {
			rc = fail(m, SIP_E_TRUNCATED, end);
			break;
		}
		if (nhdr == SIP_MAX_HEADERS) {
			rc = fail(m, SIP_E_TOO_MANY_HEADERS, name);
			break;
		}
		struct sip_header *h = &m->hdr[nhdr++];
		const char *value = value_start(p + 1, lf);
		/* value <= lf - 1 when lf[-1] is CR: the LWS step never passes a CR that no fold follows. */
		const char *value_end = lf - (lf[-1] == '\r');
		if (value_end > value && sip_is((unsigned char)value_end[-1], SIP_CC_WSP))
			value_end = sip_rtrim_lws(value, value_end);
		h->name = (struct e911_slice){ name, name_len };
		h->value = slice_make(value, value_end);
		h->id = (uint16_t)id;
		if (id != SIP_HDR_OTHER) {
			if (m->first[id] == 0) {
				m->first[id] = (uint16_t)nhdr;
			} else if ((SIP_SINGLE_HEADERS >> id) & 1) {
				rc = fail(m, SIP_E_DUP_HEADER, name);
				break;
			}
			if ((SIP_EAGER_HEADERS >> id) & 1 && (rc = parse_known_header(m, h)) < 0) {
				rc = fail(m, rc, value);
				break;
			}
		}
		p = lf + 1;
	}
	m->nhdr = (uint16_t)nhdr;
	return rc;
}

int sip_parse(const char *buf, uint32_t len, struct sip_msg *m)
{
	const char *p = buf, *end = buf + len;
	int rc;

	m->buf = buf;
	m->len = len;
	m->msg_len = m->hdr_len = m->err_off = 0;
	m->kind = 0;
	m->method = SIP_METHOD_OTHER;
	m->status_code = 0;
	m->nhdr = m->nvia = 0;
	_Static_assert(sizeof(m->first) >= 16, "sip_clear needs 16 bytes");
	sip_clear(m->first, sizeof(m->first));
	m->max_forwards = -1;
	m->content_length = -1;
	m->call_id = m->method_name = m->ruri_text = m->reason = (struct e911_slice){ buf, 0 };
	if (len > SIP_MAX_MSG_LEN)
		return fail(m, SIP_E_TOO_LARGE, buf + SIP_MAX_MSG_LEN);

	struct sip_lf_cursor lfs;
	sip_lf_cursor_init(&lfs, buf, end);
	if ((rc = parse_start_line(m, &lfs, &p, end)) < 0 || (rc = parse_headers(m, &lfs, &p, end)) < 0)
		return rc;
	m->hdr_len = (uint32_t)(p - buf);

	if (m->nvia == 0 || !m->first[SIP_HDR_FROM] || !m->first[SIP_HDR_TO] ||
	    !m->first[SIP_HDR_CALL_ID] || !m->first[SIP_HDR_CSEQ])
		return fail(m, SIP_E_MISSING_HEADER, p);
	/* Two known ids that are equal name equal tokens (the ids come from exact compares). */
	if (m->kind == SIP_REQUEST && (m->method != m->cseq_method || m->method == SIP_METHOD_OTHER) &&
	    !slice_eq(m->method_name, m->cseq_method_name))
		return fail(m, SIP_E_CSEQ_METHOD, m->cseq_method_name.p);

	/* RFC 3261 §18.3: a shorter body than declared is an error; excess bytes are ignored. */
	uint32_t avail = len - m->hdr_len;
	if (m->content_length >= 0) {
		if ((uint32_t)m->content_length > avail)
			return fail(m, SIP_E_BODY_TRUNCATED, end);
		avail = (uint32_t)m->content_length;
	}
	m->body = (struct e911_slice){ p, avail };
	m->msg_len = m->hdr_len + avail;
	return (int)m->msg_len;
}
