/*
 * proxy_reply.c - stateless responses (RFC 3261 §8.2.6, §16.11): the
 * request's Via lines (all, in order), From, To (with a To tag added, the
 * same for every retransmission), Call-ID and CSeq, copied as they came,
 * and Content-Length: 0. A 503 says Retry-After, a 420 names what is
 * unsupported, a 200 to OPTIONS says what this proxy accepts.
 *
 * A request that sip_parse() refused has only partly filled fields, so the
 * lines to copy are found here by a plain scan of the header section.
 */
#include <errno.h>

#include "proxy_internal.h"

#define REPLY_MAX_LINES 80u

struct reply_lines {
	struct e911_slice line[REPLY_MAX_LINES]; /* "Name: value", no line end */
	uint8_t id[REPLY_MAX_LINES];
	uint32_t count;
	struct e911_slice proxy_require;
	bool has_to_tag;
};

static bool wanted(enum sip_hdr_id id)
{
	return id == SIP_HDR_VIA || id == SIP_HDR_FROM || id == SIP_HDR_TO || id == SIP_HDR_CALL_ID ||
	       id == SIP_HDR_CSEQ;
}

static void add_line(struct reply_lines *r, enum sip_hdr_id id, struct e911_slice line)
{
	if (r->count < REPLY_MAX_LINES) {
		r->line[r->count] = line;
		r->id[r->count++] = (uint8_t)id;
	}
}

static void from_parsed(const struct sip_msg *msg, struct reply_lines *r)
{
	for (uint32_t i = 0; i < msg->nhdr; i++) {
		const struct sip_header *h = &msg->hdr[i];
		if (wanted(h->id))
			add_line(r, h->id, slice_make(h->name.p, slice_end(h->value)));
		else if (h->id == SIP_HDR_PROXY_REQUIRE && !r->proxy_require.len)
			r->proxy_require = h->value;
	}
}

/* The header section of a message the parser refused, line by line (folded lines joined). */
static void from_raw(const char *buf, uint32_t len, struct reply_lines *r)
{
	const char *end = buf + len;
	const char *p = memchr(buf, '\n', len);
	if (!p)
		return;
	p++;
	while (p < end && *p != '\r' && *p != '\n') {
		const char *start = p, *stop;
		for (;;) {
			const char *lf = memchr(p, '\n', (size_t)(end - p));
			stop = lf ? lf : end;
			p = lf ? lf + 1 : end;
			if (p >= end || (*p != ' ' && *p != '\t'))
				break;
		}
		if (stop > start && stop[-1] == '\r')
			stop--;
		const char *colon = memchr(start, ':', (size_t)(stop - start));
		if (!colon)
			continue;
		const char *name_end = colon;
		while (name_end > start && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		enum sip_hdr_id id = sip_hdr_lookup(start, (uint32_t)(name_end - start));
		if (wanted(id))
			add_line(r, id, slice_make(start, stop));
	}
}

/* Does a To line carry a tag? (A rough check is enough: a refused message gets one anyway.) */
static bool to_has_tag(struct e911_slice line)
{
	for (uint32_t i = 0; i + 5 <= line.len; i++)
		if (line.p[i] == ';' && slice_caseeq((struct e911_slice){ line.p + i + 1, 4 }, SLICE_LIT("tag=")))
			return true;
	return false;
}

static uint32_t put(char *out, const char *s, uint32_t len)
{
	memcpy(out, s, len);
	return len;
}
#define PUT_LIT(out, lit) put((out), (lit), sizeof(lit) - 1)

void proxy_reply_destination(const struct proxy_packet *pkt, const struct sip_msg *msg,
			     struct proxy_plan *plan)
{
	plan->next_hop = pkt->src;
	if (plan->parse_status == SIP_OK && msg->nvia && !msg->via[0].has_rport)
		plan->next_hop.port = msg->via[0].port ? msg->via[0].port : PROXY_SIP_PORT;
}

int proxy_reply(const struct proxy_conf *conf, const struct proxy_packet *pkt,
		const struct sip_msg *msg, struct proxy_plan *plan, char *out, uint32_t cap)
{
	struct reply_lines r = { .count = 0 };
	if (plan->parse_status == SIP_OK)
		from_parsed(msg, &r);
	else
		from_raw(pkt->buf, pkt->len, &r);
	bool via = false;
	struct e911_slice call_id = { NULL, 0 }, top_via = { NULL, 0 };
	for (uint32_t i = 0; i < r.count; i++) {
		if (r.id[i] == SIP_HDR_VIA && !via) {
			via = true;
			top_via = r.line[i];
		}
		if (r.id[i] == SIP_HDR_CALL_ID)
			call_id = r.line[i];
	}
	if (!via)
		return -EINVAL;

	const char *reason = plan->reply_reason ? plan->reply_reason : "Error";
	uint32_t reason_len = (uint32_t)strlen(reason);
	uint32_t need = 16 + reason_len + 2 + 200 + r.proxy_require.len;
	for (uint32_t i = 0; i < r.count; i++)
		need += r.line[i].len + 2 + 13;
	if (need > cap)
		return -ENOSPC;

	uint32_t n = PUT_LIT(out, "SIP/2.0 ");
	n += proxy_fmt_u32(out + n, plan->reply_code);
	out[n++] = ' ';
	n += put(out + n, reason, reason_len);
	n += PUT_LIT(out + n, "\r\n");
	for (uint32_t i = 0; i < r.count; i++) {
		n += put(out + n, r.line[i].p, r.line[i].len);
		if (r.id[i] == SIP_HDR_TO && !to_has_tag(r.line[i])) {
			/* The same tag for every retransmission of the request. */
			uint32_t h = (uint32_t)proxy_hash(top_via, proxy_hash(call_id, 0));
			n += PUT_LIT(out + n, ";tag=e9");
			static const char hex[] = "0123456789abcdef";
			for (int k = 7; k >= 0; k--)
				out[n++] = hex[(h >> (4 * k)) & 0xf];
		}
		n += PUT_LIT(out + n, "\r\n");
	}
	switch (plan->outcome) {
	case PROXY_REPLY_SHED:
		n += PUT_LIT(out + n, "Retry-After: ");
		n += proxy_fmt_u32(out + n, conf->retry_after ? conf->retry_after : 5);
		n += PUT_LIT(out + n, "\r\n");
		break;
	case PROXY_REPLY_BAD_EXTENSION:
		n += PUT_LIT(out + n, "Unsupported: ");
		n += put(out + n, r.proxy_require.p, r.proxy_require.len);
		n += PUT_LIT(out + n, "\r\n");
		break;
	case PROXY_REPLY_OPTIONS:
		n += PUT_LIT(out + n, "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, UPDATE, "
				      "PRACK, INFO, REFER, NOTIFY, SUBSCRIBE\r\n");
		break;
	default:
		break;
	}
	n += PUT_LIT(out + n, "Server: e911proxy\r\nContent-Length: 0\r\n\r\n");
	proxy_reply_destination(pkt, msg, plan);
	return (int)n;
}
