/*
 * proxy_response.c - a response goes back by its Via (RFC 3261 §16.11,
 * §18.2.2; RFC 3581): the top Via must be ours; it is removed; the next Via
 * says where to: its received address (else its sent-by host, which must be
 * an IP literal: the dataplane does no DNS) and its rport value (else the
 * sent-by port, else 5060).
 */
#include "proxy_internal.h"
#include "proxy_paths.h"

/* The port of an rport value: 1..65535, else 0. */
static uint16_t rport_value(struct e911_slice v)
{
	uint32_t port = 0;
	if (v.len == 0 || v.len > 5)
		return 0;
	for (uint32_t i = 0; i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return 0;
		port = port * 10 + (uint32_t)(v.p[i] - '0');
	}
	return port <= 65535 ? (uint16_t)port : 0;
}

enum proxy_outcome proxy_prepare_response(const struct proxy_conf *conf, const struct sip_msg *msg,
					  struct proxy_plan *plan)
{
	const struct sip_via *ours = &msg->via[0];
	if (!proxy_is_self(conf, ours->host, ours->port))
		return plan->outcome = PROXY_DROP_RESPONSE_NOT_OURS;
	if (msg->nvia < 2)
		return plan->outcome = PROXY_DROP_RESPONSE_NO_VIA;

	const struct sip_via *next = &msg->via[1];
	struct proxy_endpoint *hop = &plan->next_hop;
	if (proxy_ip_parse(next->received, &hop->family, hop->addr) != 0 &&
	    proxy_ip_parse(next->host, &hop->family, hop->addr) != 0) {
		hop->family = 0;
		return plan->outcome = PROXY_DROP_UNROUTABLE;
	}
	plan->via_self = proxy_self_for(conf, hop->family);
	hop->port = rport_value(next->rport);
	if (!hop->port)
		hop->port = next->port ? next->port : PROXY_SIP_PORT;

	/* Remove our entry: the whole first Via line, or just our part of it. */
	uint32_t line = msg->first[SIP_HDR_VIA] - 1;
	struct e911_slice span = proxy_hdr_line(msg, line);
	if (next->value.p < slice_end(span))
		plan_edit(plan, msg, ours->value.p, (uint32_t)(next->value.p - ours->value.p), NULL, 0);
	else
		plan_edit(plan, msg, span.p, span.len, NULL, 0);
	return plan->outcome = PROXY_FWD_RESPONSE;
}
