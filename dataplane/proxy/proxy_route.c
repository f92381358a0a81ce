/*
 * proxy_route.c - step 2 and the end of every forwarded request: choose the
 * next hop (an emergency call's gateway, the default next hop, a URI's
 * host) and add the edits every forwarded request gets (RFC 3261 §16.6:
 * Max-Forwards, our Via with its branch; RFC 3581: received and rport on
 * the previous hop's Via).
 */
#include <arpa/inet.h>

#include "proxy_internal.h"
#include "proxy_emergency.h"

enum proxy_outcome proxy_to_default_hop(const struct proxy_conf *conf, const struct sip_msg *msg,
					struct proxy_plan *plan, enum proxy_outcome fwd)
{
	if (!conf->default_hop.family) {
		if (msg->method == SIP_METHOD_ACK)
			return plan->outcome = PROXY_DROP_UNROUTABLE;
		return proxy_plan_reply(msg, plan, PROXY_REPLY_NO_ROUTE, 503, "No Next Hop");
	}
	plan->next_hop = conf->default_hop;
	plan->outcome = fwd;
	return proxy_finish_request(conf, msg, plan);
}

enum proxy_outcome proxy_to_uri_host(const struct proxy_conf *conf, const struct sip_msg *msg,
				     struct proxy_plan *plan, const struct sip_uri *uri)
{
	struct proxy_endpoint *hop = &plan->next_hop;
	bool sip = uri->scheme == SIP_SCHEME_SIP || uri->scheme == SIP_SCHEME_SIPS;
	if (!sip || proxy_ip_parse(uri->host, &hop->family, hop->addr) != 0) {
		hop->family = 0;
		return proxy_to_default_hop(conf, msg, plan, PROXY_FWD_IN_DIALOG);
	}
	hop->port = uri->port ? uri->port : PROXY_SIP_PORT;
	plan->outcome = PROXY_FWD_IN_DIALOG;
	return proxy_finish_request(conf, msg, plan);
}

enum proxy_outcome proxy_route(const struct proxy_conf *conf, const struct e911_config *cfg,
			       const proxy_gateway_down_mask *down, const struct sip_msg *msg,
			       const struct classify_result *cls, struct proxy_plan *plan)
{
	plan->cls = *cls;
	plan->needs_classify = 0;
	if (cls->emergency && cls->route < cfg->route_count) {
		const struct e911_route *route = &cfg->routes[cls->route];
		plan->gateway = proxy_pick_gateway(route, down ? down[cls->route] : 0, msg->call_id);
		const struct e911_gateway *gw = &route->gateways[plan->gateway];
		plan->next_hop.family = gw->family;
		memcpy(plan->next_hop.addr, gw->address, 16);
		plan->next_hop.port = gw->port;
		plan->emergency = 1;
		plan->outcome = PROXY_FWD_EMERGENCY;
		if (proxy_emergency_edits(conf, cfg, msg, plan) != 0)
			return plan->outcome = PROXY_DROP_TOO_BIG;
		return proxy_finish_request(conf, msg, plan);
	}
	if (plan->ack_to_ruri)
		return proxy_to_uri_host(conf, msg, plan, &plan->ruri);
	plan->shed_eligible = plan->new_invite;
	return proxy_to_default_hop(conf, msg, plan,
				    plan->to.tag.len ? PROXY_FWD_IN_DIALOG : PROXY_FWD_ORDINARY);
}

/*
 * Where the Via parameter starting at p (after its ';') ends: the next ';'
 * outside a quoted string, or end. A backslash inside quotes escapes the
 * byte after it. Jumps with memchr: quotes are rare in Via parameters.
 */
static const char *param_end(const char *p, const char *end)
{
	for (;;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		const char *quote = memchr(p, '"', (size_t)(stop - p));
		if (!quote)
			return stop;
		/* Inside the quotes until the closing one. */
		for (p = quote + 1; p < end && *p != '"'; p++)
			if (*p == '\\' && p + 1 < end)
				p++;
		if (p == end)
			return end;
		p++;
	}
}

/*
 * The parameters of a Via without received and rport (which we set): the
 * runs of parameters between them are copied whole.
 */
static uint32_t copy_other_params(struct e911_slice params, char *out)
{
	uint32_t n = 0;
	const char *p = params.p, *end = slice_end(params), *run = p;
	while (p < end) {
		const char *start = p; /* at ';' */
		p = param_end(p + 1, end);
		const char *name = start + 1;
		while (name < p && (*name == ' ' || *name == '\t'))
			name++;
		const char *name_end = name;
		while (name_end < p && *name_end != '=' && *name_end != ' ' && *name_end != '\t')
			name_end++;
		struct e911_slice pname = slice_make(name, name_end);
		if (slice_caseeq(pname, SLICE_LIT("received")) || slice_caseeq(pname, SLICE_LIT("rport"))) {
			memcpy(out + n, run, (size_t)(start - run));
			n += (uint32_t)(start - run);
			run = p;
		}
	}
	memcpy(out + n, run, (size_t)(end - run));
	return n + (uint32_t)(end - run);
}

/* received= (and rport=) on the previous hop's Via: RFC 3261 §18.2.1, RFC 3581 §4. */
static int mark_received(const struct sip_msg *msg, struct proxy_plan *plan)
{
	const struct sip_via *top = &msg->via[0];
	/* The received value: the source address (IPv6 without brackets, RFC 3261 §20.42). */
	char src[INET6_ADDRSTRLEN];
	uint32_t src_len;
	if (plan->src.family == E911_IPV4) {
		src_len = proxy_fmt_host(src, &plan->src);
	} else {
		inet_ntop(AF_INET6, plan->src.addr, src, sizeof(src));
		src_len = (uint32_t)strlen(src);
	}
	/* The sent-by host is the source when it reads the same, or parses to it. */
	uint8_t family, addr[16];
	bool same = (top->host.len == src_len && memcmp(top->host.p, src, src_len) == 0) ||
		    (proxy_ip_parse(top->host, &family, addr) == 0 && family == plan->src.family &&
		     memcmp(addr, plan->src.addr, 16) == 0);
	if (same && !top->has_rport)
		return 0;
	uint32_t cap = top->params.len + 80;
	char *text = plan_text(plan, cap);
	if (!text)
		return -1;
	uint32_t n = copy_other_params(top->params, text);
	memcpy(text + n, ";received=", 10);
	n += 10;
	memcpy(text + n, src, src_len);
	n += src_len;
	if (top->has_rport) {
		memcpy(text + n, ";rport=", 7);
		n += 7;
		n += proxy_fmt_u32(text + n, plan->src.port);
	}
	plan_text_trim(plan, cap, n);
	const char *at = top->params.len ? top->params.p : slice_end(top->value);
	return plan_edit(plan, msg, at, top->params.len, text, n);
}

static int max_forwards(const struct sip_msg *msg, struct proxy_plan *plan)
{
	char *text = plan_text(plan, 32);
	if (!text)
		return -1;
	if (msg->max_forwards < 0) {
		static const char line[] = "Max-Forwards: 70\r\n";
		plan_text_trim(plan, 32, 0);
		return plan_edit(plan, msg, proxy_headers_end(msg), 0, line, sizeof(line) - 1);
	}
	const struct sip_header *h = sip_hdr_first(msg, SIP_HDR_MAX_FORWARDS);
	uint32_t n = proxy_fmt_u32(text, (uint32_t)msg->max_forwards - 1);
	plan_text_trim(plan, 32, n);
	return plan_edit(plan, msg, h->value.p, h->value.len, text, n);
}

static int our_via(const struct sip_msg *msg, struct proxy_plan *plan)
{
	const struct proxy_self *self = plan->via_self;
	uint32_t cap = 17 + PROXY_HOST_TEXT_MAX + 6 + 8 + PROXY_BRANCH_LEN + 2;
	char *text = plan_text(plan, cap);
	if (!text)
		return -1;
	uint32_t n = 0;
	memcpy(text, "Via: SIP/2.0/UDP ", 17);
	n = 17 + proxy_fmt_self(text + 17, self);
	memcpy(text + n, ";branch=", 8);
	n += 8;
	proxy_branch(msg, plan, text + n);
	n += PROXY_BRANCH_LEN;
	text[n++] = '\r';
	text[n++] = '\n';
	plan_text_trim(plan, cap, n);
	return plan_edit(plan, msg, msg->hdr[msg->first[SIP_HDR_VIA] - 1].name.p, 0, text, n);
}

enum proxy_outcome proxy_finish_request(const struct proxy_conf *conf, const struct sip_msg *msg,
					struct proxy_plan *plan)
{
	/* We support no extension a Proxy-Require may ask for (RFC 3261 §16.3 item 5);
	 * an emergency call is never refused for it. */
	if (!plan->emergency && sip_hdr_first(msg, SIP_HDR_PROXY_REQUIRE) &&
	    msg->method != SIP_METHOD_ACK && msg->method != SIP_METHOD_CANCEL) {
		plan->nedit = plan->text_used = 0;
		return proxy_plan_reply(msg, plan, PROXY_REPLY_BAD_EXTENSION, 420, "Bad Extension");
	}
	plan->via_self = proxy_self_for(conf, plan->next_hop.family);
	if (max_forwards(msg, plan) != 0 || mark_received(msg, plan) != 0 || our_via(msg, plan) != 0)
		return plan->outcome = PROXY_DROP_TOO_BIG;
	return plan->outcome;
}
