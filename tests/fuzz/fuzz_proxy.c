/*
 * fuzz_proxy - libFuzzer target for the stateless proxy step every datagram
 * goes through: sip_parse, proxy_prepare, proxy_route (the input's byte sum
 * picks the classification: ordinary, or emergency on one of two routes,
 * with some gateways down), then proxy_emit or proxy_reply. Checks the
 * invariants a peer relies on: a message that parsed and is forwarded still
 * parses, with exactly one Via more (requests) or one less (responses), and
 * its body unchanged; a reply is a response; nothing is written past the
 * output buffer (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/policy.h"
#include "e911/proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char config_xml[] =
	"<e911-config xmlns='urn:e911proxy:config:1' version='f'>"
	"<route name='A'><gateway address='198.19.0.20'/><gateway address='198.19.0.21' port='5070'/>"
	"<gateway address='198.19.0.22' priority='2'/></route>"
	"<route name='B'><gateway address='2001:db8:99::20'/></route>"
	"<policy name='Global'><emergency-number dial-string='911' dial-masks='9911' route='A'/></policy>"
	"<policy name='P' resource-priority='esnet.1'><emergency-number dial-string='112' route='B'/></policy>"
	"</e911-config>";

static struct e911_config *cfg;
static struct proxy_conf conf;

static void init(void)
{
	struct policy_errors errs;
	if (policy_config_load_buffer(config_xml, sizeof(config_xml) - 1, "f.xml", &cfg, &errs) != 0)
		abort();
	policy_errors_free(&errs);
	if (proxy_conf_add_self(&conf, "198.18.0.10", 5060) != 0 ||
	    proxy_conf_add_self(&conf, "2001:db8::10", 5060) != 0 ||
	    proxy_endpoint_parse("198.19.1.1:5080", &conf.default_hop) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg msg, out_msg;
	static struct proxy_plan plan;
	static char out[SIP_MAX_MSG_LEN + PROXY_INSERT_MAX];
	if (!cfg)
		init();
	/* The classification comes from the bytes' sum, so seeds stay whole messages. */
	uint8_t pick = 0;
	for (size_t i = 0; i < size; i++)
		pick = (uint8_t)(pick + data[i]);
	char *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);

	struct proxy_packet pkt = { buf, (uint32_t)size,
				    { .family = E911_IPV4, .addr = { 192, 0, 2, pick }, .port = 5060 } };
	int rc = sip_parse(buf, (uint32_t)size, &msg);
	enum proxy_outcome o = proxy_prepare(&conf, &pkt, rc, &msg, &plan);
	if (plan.needs_classify) {
		struct classify_result cls = { .policy = 0, .site = SNAPSHOT_NONE,
					       .number = SNAPSHOT_NONE, .route = SNAPSHOT_NONE };
		if (pick & 1) {
			cls.emergency = cls.e911 = true;
			cls.scope = (uint8_t)((pick >> 1) & 3);
			cls.policy = (pick >> 3) & 1;
			cls.route = cls.policy;
			cls.number = 0;
			cls.dial_string = cls.policy ? "112" : "911";
		}
		proxy_gateway_down_mask down[2] = { (pick >> 4) & 7, 0 };
		o = proxy_route(&conf, cfg, down, &msg, &cls, &plan);
	}
	if (o <= PROXY_FWD_RESPONSE) {
		int n = proxy_emit(&msg, &plan, out, sizeof(out));
		if (n < 0)
			abort();
		int prc = sip_parse(out, (uint32_t)n, &out_msg);
		/* Our own limits may refuse what grew past them; other parsers need not. */
		if ((prc == SIP_E_TOO_MANY_HEADERS && msg.nhdr + 8 > SIP_MAX_HEADERS) ||
		    (prc == SIP_E_TOO_MANY_VIAS && msg.nvia == SIP_MAX_VIAS) ||
		    (prc == SIP_E_TOO_LARGE && (uint32_t)n > SIP_MAX_MSG_LEN))
			goto done;
		if (prc != n)
			abort(); /* a forwarded message must parse */
		if (out_msg.nvia != msg.nvia + (msg.kind == SIP_REQUEST ? 1 : -1))
			abort();
		if (out_msg.body.len != msg.body.len ||
		    (msg.body.len && memcmp(out_msg.body.p, msg.body.p, msg.body.len) != 0))
			abort();
	} else if (proxy_outcome_is_reply(o)) {
		int n = proxy_reply(&conf, &pkt, &msg, &plan, out, sizeof(out));
		if (n > 0 && memcmp(out, "SIP/2.0 ", 8) != 0)
			abort();
	}
done:
	free(buf);
	return 0;
}
