/*
 * proxy_prepare.c - step 1 for every message: what a parse failure or an
 * untrusted peer gets, then the request or response path.
 */
#include "proxy_internal.h"
#include "proxy_paths.h"

static bool prefix_holds(const struct e911_subnet *net, uint8_t family, const uint8_t *addr)
{
	if (net->family != family)
		return false;
	uint32_t full = net->prefix_len / 8, rest = net->prefix_len % 8;
	if (memcmp(net->address, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (addr[full] & mask) == net->address[full];
}

static bool trusted(const struct proxy_conf *conf, const struct proxy_endpoint *src)
{
	if (conf->trusted_count == 0)
		return true;
	for (uint32_t i = 0; i < conf->trusted_count; i++)
		if (prefix_holds(&conf->trusted[i], src->family, src->addr))
			return true;
	return false;
}

/* Starts like a response ("SIP/"), or like an ACK: neither is ever answered. */
static bool never_answered(const struct proxy_packet *pkt)
{
	return (pkt->len >= 4 && memcmp(pkt->buf, "SIP/", 4) == 0) ||
	       (pkt->len >= 4 && memcmp(pkt->buf, "ACK ", 4) == 0);
}

enum proxy_outcome proxy_plan_reply(const struct sip_msg *msg, struct proxy_plan *plan,
				    enum proxy_outcome o, uint16_t code, const char *reason)
{
	if (msg->kind == SIP_REQUEST && msg->method == SIP_METHOD_ACK)
		return plan->outcome = PROXY_DROP_ACK;
	plan->reply_code = code;
	plan->reply_reason = reason;
	return plan->outcome = o;
}

enum proxy_outcome proxy_prepare(const struct proxy_conf *conf, const struct proxy_packet *pkt,
				 int parse_status, const struct sip_msg *msg,
				 struct proxy_plan *plan)
{
	plan->needs_classify = plan->new_invite = plan->emergency = plan->shed_eligible = 0;
	plan->location = PROXY_LOCATION_NONE;
	plan->reply_code = 0;
	plan->reply_reason = NULL;
	plan->parse_status = parse_status < 0 ? parse_status : SIP_OK;
	plan->nedit = plan->text_used = 0;
	plan->next_hop.family = 0;
	plan->own_route = plan->ack_to_ruri = 0;
	plan->src = pkt->src;
	plan->via_self = &conf->self[0];
	plan->in_self = proxy_self_for(conf, pkt->src.family);
	plan->identity = plan->pidf = (struct e911_slice){ NULL, 0 };
	plan->from = plan->to = (struct sip_name_addr){ 0 };

	if (parse_status < 0) {
		if (never_answered(pkt))
			return plan->outcome = pkt->buf[0] == 'A' ? PROXY_DROP_ACK : PROXY_DROP_MALFORMED;
		if (parse_status == SIP_E_TOO_LARGE)
			return plan->outcome = PROXY_DROP_MALFORMED;
		plan->reply_code = parse_status == SIP_E_VERSION ? 505 : 400;
		plan->reply_reason = sip_status_text(parse_status);
		return plan->outcome = PROXY_REPLY_BAD_REQUEST;
	}
	if (!trusted(conf, &pkt->src)) {
		if (msg->kind == SIP_RESPONSE || conf->untrusted_action == PROXY_UNTRUSTED_DROP)
			return plan->outcome = PROXY_DROP_UNTRUSTED;
		return proxy_plan_reply(msg, plan, PROXY_REPLY_FORBIDDEN, 403, "Forbidden");
	}
	if (msg->kind == SIP_RESPONSE)
		return proxy_prepare_response(conf, msg, plan);
	return proxy_prepare_request(conf, pkt, msg, plan);
}
