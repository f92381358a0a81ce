/*
 * proxy_util.c - the small pieces every proxy step uses: the edit list,
 * header-line spans, number and address text, our own addresses.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "proxy_internal.h"

static const char *const outcome_text[] = {
#define PROXY_OUTCOME_TEXT(name, text) text,
	PROXY_OUTCOME_LIST(PROXY_OUTCOME_TEXT)
#undef PROXY_OUTCOME_TEXT
};
static const char *const outcome_name[] = {
#define PROXY_OUTCOME_NAME(name, text) #name,
	PROXY_OUTCOME_LIST(PROXY_OUTCOME_NAME)
#undef PROXY_OUTCOME_NAME
};
static const char *const location_text[] = {
#define PROXY_LOCATION_TEXT(name, text) text,
	PROXY_LOCATION_LIST(PROXY_LOCATION_TEXT)
#undef PROXY_LOCATION_TEXT
};

const char *proxy_outcome_text(enum proxy_outcome o)
{
	return (unsigned)o < PROXY_OUTCOME_COUNT ? outcome_text[o] : "?";
}

const char *proxy_outcome_name(enum proxy_outcome o)
{
	return (unsigned)o < PROXY_OUTCOME_COUNT ? outcome_name[o] : "?";
}

const char *proxy_location_text(enum proxy_location l)
{
	return (unsigned)l < PROXY_LOCATION_COUNT ? location_text[l] : "?";
}

int plan_edit(struct proxy_plan *plan, const struct sip_msg *msg, const char *at, uint32_t del,
	      const char *ins, uint32_t ins_len)
{
	if (plan->nedit == PROXY_MAX_EDITS)
		return -1;
	/* Keep the list sorted by offset; equal offsets stay in the order added. */
	uint32_t off = (uint32_t)(at - msg->buf), i = plan->nedit;
	while (i > 0 && plan->edit[i - 1].off > off) {
		plan->edit[i] = plan->edit[i - 1];
		i--;
	}
	plan->edit[i] = (struct proxy_edit){ off, del, ins, ins_len };
	plan->nedit++;
	return 0;
}

const char *proxy_headers_end(const struct sip_msg *msg)
{
	/* hdr_len ends after the empty line: CRLF, or a bare LF. */
	const char *end = msg->buf + msg->hdr_len;
	return end - (msg->hdr_len >= 2 && end[-2] == '\r' ? 2 : 1);
}

struct e911_slice proxy_hdr_line(const struct sip_msg *msg, uint32_t i)
{
	const char *start = msg->hdr[i].name.p;
	const char *next = i + 1 < msg->nhdr ? msg->hdr[i + 1].name.p : proxy_headers_end(msg);
	return slice_make(start, next);
}

/* "00" to "99": numbers are written two digits a step. */
static const char two_digits[] =
	"0001020304050607080910111213141516171819"
	"2021222324252627282930313233343536373839"
	"4041424344454647484950515253545556575859"
	"6061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

uint32_t proxy_fmt_u32(char *out, uint32_t v)
{
	/* From the right into a scratch, then forward. */
	char digits[10], *d = digits + sizeof(digits);
	for (; v >= 100; v /= 100) {
		d -= 2;
		memcpy(d, two_digits + 2 * (v % 100), 2);
	}
	if (v >= 10) {
		d -= 2;
		memcpy(d, two_digits + 2 * v, 2);
	} else {
		*--d = (char)('0' + v);
	}
	uint32_t n = (uint32_t)(digits + sizeof(digits) - d);
	for (uint32_t i = 0; i < n; i++)
		out[i] = d[i];
	return n;
}

/* One part of a dotted quad, without leading zeros. */
static uint32_t put_octet(char *out, uint32_t b)
{
	if (b >= 100) {
		out[0] = b >= 200 ? '2' : '1';
		memcpy(out + 1, two_digits + 2 * (b >= 200 ? b - 200 : b - 100), 2);
		return 3;
	}
	if (b >= 10) {
		memcpy(out, two_digits + 2 * b, 2);
		return 2;
	}
	out[0] = (char)('0' + b);
	return 1;
}

uint32_t proxy_fmt_host(char *out, const struct proxy_endpoint *ep)
{
	if (ep->family == E911_IPV4) {
		uint32_t n = put_octet(out, ep->addr[0]);
		for (int i = 1; i < 4; i++) {
			out[n++] = '.';
			n += put_octet(out + n, ep->addr[i]);
		}
		return n;
	}
	char text[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, ep->addr, text, sizeof(text));
	size_t len = strlen(text);
	out[0] = '[';
	memcpy(out + 1, text, len);
	out[len + 1] = ']';
	return (uint32_t)len + 2;
}

uint32_t proxy_fmt_self(char *out, const struct proxy_self *self)
{
	uint32_t n = self->host_len;
	memcpy(out, self->host, n);
	if (self->ep.port != PROXY_SIP_PORT) {
		out[n++] = ':';
		n += proxy_fmt_u32(out + n, self->ep.port);
	}
	return n;
}

uint32_t proxy_fmt_hostport(char *out, const struct proxy_endpoint *ep)
{
	uint32_t n = proxy_fmt_host(out, ep);
	if (ep->port != PROXY_SIP_PORT) {
		out[n++] = ':';
		n += proxy_fmt_u32(out + n, ep->port);
	}
	return n;
}

/* A decimal digit's value, or a value above 9 for any other byte. */
static inline unsigned digit(char c)
{
	return (unsigned)(unsigned char)c - '0';
}

/*
 * Dotted quad: four parts of 1 to 3 digits, each 0..255 (leading zeros are
 * taken: "010" is 10). Each part's digits unrolled, so that an address costs
 * a few instructions a byte and a host name fails at its first letter.
 */
static int parse_ipv4(struct e911_slice s, uint8_t addr[16])
{
	const char *p = s.p, *end = s.p + s.len;
	for (int i = 0; i < 4; i++) {
		if (i > 0 && (p == end || *p++ != '.'))
			return -EINVAL;
		unsigned d, part;
		if (p == end || (part = digit(*p)) > 9)
			return -EINVAL;
		if (++p < end && (d = digit(*p)) <= 9) {
			part = part * 10 + d;
			if (++p < end && (d = digit(*p)) <= 9) {
				part = part * 10 + d;
				p++;
			}
		}
		if (part > 255)
			return -EINVAL;
		addr[i] = (uint8_t)part;
	}
	if (p != end)
		return -EINVAL;
	memset(addr + 4, 0, 12);
	return 0;
}

int proxy_ip_parse(struct e911_slice text, uint8_t *family, uint8_t addr[16])
{
	if (text.len == 0)
		return -EINVAL;
	if (parse_ipv4(text, addr) == 0) {
		*family = E911_IPV4;
		return 0;
	}
	if (text.p[0] == '[') {
		if (text.len < 3 || text.p[text.len - 1] != ']')
			return -EINVAL;
		text.p++;
		text.len -= 2;
	}
	char tmp[INET6_ADDRSTRLEN];
	if (text.len >= sizeof(tmp) || !memchr(text.p, ':', text.len))
		return -EINVAL;
	memcpy(tmp, text.p, text.len);
	tmp[text.len] = '\0';
	if (inet_pton(AF_INET6, tmp, addr) != 1)
		return -EINVAL;
	*family = E911_IPV6;
	return 0;
}

int proxy_conf_add_self(struct proxy_conf *conf, const char *text, uint16_t port)
{
	if (conf->self_count >= PROXY_MAX_SELF || port == 0)
		return -EINVAL;
	struct proxy_self *self = &conf->self[conf->self_count];
	if (proxy_ip_parse((struct e911_slice){ text, (uint32_t)strlen(text) }, &self->ep.family,
			   self->ep.addr) != 0)
		return -EINVAL;
	self->ep.port = port;
	self->host_len = (uint8_t)proxy_fmt_host(self->host, &self->ep);
	conf->self_count++;
	return 0;
}

int proxy_endpoint_parse(const char *text, struct proxy_endpoint *ep)
{
	const char *colon = NULL;
	size_t len = strlen(text);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close)
			return -EINVAL;
		if (close[1] == ':')
			colon = close + 1;
		else if (close[1] != '\0')
			return -EINVAL;
	} else if (strchr(text, ':') == strrchr(text, ':')) {
		colon = strchr(text, ':'); /* IPv4:port; a bare IPv6 has several colons */
	}
	uint32_t host_len = colon ? (uint32_t)(colon - text) : (uint32_t)len;
	memset(ep, 0, sizeof(*ep));
	if (proxy_ip_parse((struct e911_slice){ text, host_len }, &ep->family, ep->addr) != 0)
		return -EINVAL;
	ep->port = PROXY_SIP_PORT;
	if (colon) {
		char *end;
		unsigned long port = strtoul(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || port == 0 || port > 65535)
			return -EINVAL;
		ep->port = (uint16_t)port;
	}
	return 0;
}

bool proxy_addr_is_self(const struct proxy_conf *conf, uint8_t family, const uint8_t addr[16],
			uint16_t port)
{
	if (port == 0)
		port = PROXY_SIP_PORT;
	for (uint32_t i = 0; i < conf->self_count; i++) {
		const struct proxy_endpoint *ep = &conf->self[i].ep;
		if (ep->family == family && ep->port == port && memcmp(ep->addr, addr, 16) == 0)
			return true;
	}
	return false;
}

bool proxy_is_self(const struct proxy_conf *conf, struct e911_slice host, uint16_t port)
{
	/* Our own text (what our Via and Record-Route carry) names us without parsing. */
	uint16_t want = port ? port : PROXY_SIP_PORT;
	for (uint32_t i = 0; i < conf->self_count; i++) {
		const struct proxy_self *self = &conf->self[i];
		if (self->ep.port == want && host.len == self->host_len &&
		    memcmp(host.p, self->host, host.len) == 0)
			return true;
	}
	/* Another spelling of an address (leading zeros, IPv6 forms) may still be ours. */
	uint8_t family, addr[16];
	return proxy_ip_parse(host, &family, addr) == 0 && proxy_addr_is_self(conf, family, addr, port);
}

const struct proxy_self *proxy_self_for(const struct proxy_conf *conf, uint8_t family)
{
	for (uint32_t i = 0; i < conf->self_count; i++)
		if (conf->self[i].ep.family == family)
			return &conf->self[i];
	return &conf->self[0];
}
