/*
 * proxy_emergency.c - an emergency call leaves for its trunk: the gateway,
 * the Request-URI with the translated dial string (a dialled 9911 leaves as
 * sip:911@gateway;user=phone), and the headers the provider expects:
 *   Priority: emergency                  (RFC 3261 §20.26; replaces another value)
 *   Resource-Priority: <policy's value>  (RFC 4412/7135, where configured and absent)
 *   E911-Policy: <name>;scope=<site|user|tag|global>   which policy decided
 *   E911-Location: <validated|user-entered|by-reference|none>
 * E911-Policy and E911-Location lines the caller sent are removed, so that
 * nobody upstream can claim a policy or a validated location. Identity
 * headers (the callback number), Geolocation and the body pass untouched.
 * A dialog-creating INVITE gets Record-Route so that the call's ACK, BYE and
 * re-INVITEs pass this proxy too (twice when the call crosses from one of
 * our addresses to another: RFC 5658).
 */
#include "proxy_internal.h"
#include "proxy_emergency.h"

uint32_t proxy_pick_gateway(const struct e911_route *route, proxy_gateway_down_mask down,
			    struct e911_slice call_id)
{
	uint32_t n = route->gateway_count;
	uint32_t all = n >= 32 ? UINT32_MAX : (1u << n) - 1;
	uint32_t up = all & ~down;
	if (!up)
		up = all; /* every gateway down: try them anyway, never hold a call back */
	uint32_t best = UINT32_MAX, total = 0;
	for (uint32_t g = 0; g < n; g++)
		if ((up >> g & 1) && route->gateways[g].priority < best)
			best = route->gateways[g].priority;
	for (uint32_t g = 0; g < n; g++)
		if ((up >> g & 1) && route->gateways[g].priority == best)
			total += route->gateways[g].weight ? route->gateways[g].weight : 1;
	uint32_t pick = (uint32_t)(proxy_hash(call_id, 0x911) % total);
	for (uint32_t g = 0; g < n; g++) {
		if (!(up >> g & 1) || route->gateways[g].priority != best)
			continue;
		uint32_t w = route->gateways[g].weight ? route->gateways[g].weight : 1;
		if (pick < w)
			return g;
		pick -= w;
	}
	return 0; /* not reached: total is the sum of these weights */
}

static const char *const scope_text[] = {
	[CLASSIFY_SCOPE_SITE] = "site",
	[CLASSIFY_SCOPE_USER] = "user",
	[CLASSIFY_SCOPE_TAG] = "tag",
	[CLASSIFY_SCOPE_GLOBAL] = "global",
};

static uint32_t put(char *out, const char *s, uint32_t len)
{
	memcpy(out, s, len);
	return len;
}
#define PUT_LIT(out, lit) put((out), (lit), sizeof(lit) - 1)

static int rewrite_ruri(const struct sip_msg *msg, struct proxy_plan *plan)
{
	const char *dial = plan->cls.dial_string;
	if (!dial)
		return 0;
	uint32_t cap = 4 + E911_DIAL_MAX + 1 + PROXY_HOST_TEXT_MAX + 6 + 11;
	char *text = plan_text(plan, cap);
	if (!text)
		return -1;
	uint32_t n = PUT_LIT(text, "sip:");
	n += put(text + n, dial, (uint32_t)strlen(dial));
	text[n++] = '@';
	n += proxy_fmt_hostport(text + n, &plan->next_hop);
	n += PUT_LIT(text + n, ";user=phone");
	plan_text_trim(plan, cap, n);
	return plan_edit(plan, msg, msg->ruri_text.p, msg->ruri_text.len, text, n);
}

static bool is_ours(struct e911_slice name)
{
	return slice_caseeq(name, SLICE_LIT("E911-Policy")) ||
	       slice_caseeq(name, SLICE_LIT("E911-Location"));
}

/* Remove what a caller may not set; @return whether a Priority: emergency stays. */
static int strip_headers(const struct sip_msg *msg, struct proxy_plan *plan, bool *priority_kept)
{
	*priority_kept = false;
	for (uint32_t i = 0; i < msg->nhdr; i++) {
		const struct sip_header *h = &msg->hdr[i];
		bool drop;
		if (h->id == SIP_HDR_PRIORITY) {
			drop = *priority_kept || !slice_caseeq(h->value, SLICE_LIT("emergency"));
			*priority_kept |= !drop;
		} else {
			drop = h->id == SIP_HDR_OTHER && h->name.len >= 11 && is_ours(h->name);
		}
		if (drop) {
			struct e911_slice line = proxy_hdr_line(msg, i);
			if (plan_edit(plan, msg, line.p, line.len, NULL, 0) != 0)
				return -1;
		}
	}
	return 0;
}

static int add_headers(const struct e911_config *cfg, const struct sip_msg *msg,
		       struct proxy_plan *plan, bool priority_kept)
{
	const struct e911_policy *pol = &cfg->policies[plan->cls.policy];
	uint32_t rp_len = pol->resource_priority && !sip_hdr_first(msg, SIP_HDR_RESOURCE_PRIORITY)
				  ? (uint32_t)strlen(pol->resource_priority) : 0;
	uint32_t name_len = (uint32_t)strlen(pol->name);
	uint32_t cap = 21 + 21 + rp_len + 2 + 13 + name_len + 14 + 17 + 28;
	char *text = plan_text(plan, cap);
	if (!text)
		return -1;
	uint32_t n = 0;
	if (!priority_kept)
		n += PUT_LIT(text, "Priority: emergency\r\n");
	if (rp_len) {
		n += PUT_LIT(text + n, "Resource-Priority: ");
		n += put(text + n, pol->resource_priority, rp_len);
		n += PUT_LIT(text + n, "\r\n");
	}
	n += PUT_LIT(text + n, "E911-Policy: ");
	n += put(text + n, pol->name, name_len);
	n += PUT_LIT(text + n, ";scope=");
	const char *scope = scope_text[plan->cls.scope];
	n += put(text + n, scope, (uint32_t)strlen(scope));
	n += PUT_LIT(text + n, "\r\nE911-Location: ");
	const char *loc = proxy_location_text(plan->location);
	n += put(text + n, loc, (uint32_t)strlen(loc));
	n += PUT_LIT(text + n, "\r\n");
	plan_text_trim(plan, cap, n);
	return plan_edit(plan, msg, proxy_headers_end(msg), 0, text, n);
}

/*
 * Our Record-Route: the address the gateway's side reaches us by; when the
 * INVITE arrived on another one (another IP family, or another address),
 * that one below it (RFC 5658 double Record-Route). The callee's route set
 * then starts with its side's address, the caller's (reversed) with its own;
 * route_set() pops both when a request comes back along them.
 */
static int record_route(const struct proxy_conf *conf, const struct sip_msg *msg,
			struct proxy_plan *plan)
{
	const struct proxy_self *out = proxy_self_for(conf, plan->next_hop.family);
	const struct proxy_self *in = plan->in_self ? plan->in_self : out;
	uint32_t one = 20 + PROXY_HOST_TEXT_MAX + 6 + 6, cap = 2 * one;
	char *text = plan_text(plan, cap);
	if (!text)
		return -1;
	uint32_t n = PUT_LIT(text, "Record-Route: <sip:");
	n += proxy_fmt_self(text + n, out);
	n += PUT_LIT(text + n, ";lr>\r\n");
	if (in != out) {
		n += PUT_LIT(text + n, "Record-Route: <sip:");
		n += proxy_fmt_self(text + n, in);
		n += PUT_LIT(text + n, ";lr>\r\n");
	}
	plan_text_trim(plan, cap, n);
	/* Ours must be the topmost Record-Route. */
	const struct sip_header *rr = sip_hdr_first(msg, SIP_HDR_RECORD_ROUTE);
	return plan_edit(plan, msg, rr ? rr->name.p : proxy_headers_end(msg), 0, text, n);
}

int proxy_emergency_edits(const struct proxy_conf *conf, const struct e911_config *cfg,
			  const struct sip_msg *msg, struct proxy_plan *plan)
{
	if (rewrite_ruri(msg, plan) != 0)
		return -1;
	if (msg->method != SIP_METHOD_INVITE)
		return 0;
	bool priority_kept;
	if (strip_headers(msg, plan, &priority_kept) != 0 ||
	    add_headers(cfg, msg, plan, priority_kept) != 0)
		return -1;
	return plan->new_invite ? record_route(conf, msg, plan) : 0;
}
