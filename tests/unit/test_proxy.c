/*
 * test_proxy.c - stateless proxying on byte buffers, without EAL: each test
 * feeds a message through proxy_prepare / proxy_route / proxy_emit (or
 * proxy_reply), parses what comes out with the project's parser and checks
 * what a peer relies on: Via and branch (the same for retransmissions and
 * CANCEL; different for another request), received/rport, Max-Forwards and
 * 483, loops (482) and spirals, Route popping and loose routing,
 * Record-Route (double, RFC 5658, across IP families), responses sent by their Via, stateless 400/403/420/503
 * (never to an ACK or a response), an emergency call's Request-URI, gateway
 * and headers, and the RFC 4475 requests a proxy must forward.
 *
 * Classification is the snapshot's job (tested in test_snapshot.c); here
 * its answer is written by hand, as proxy_route() receives it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e911/policy.h"
#include "e911/proxy.h"
#include "test_rfc4475.h"
#include "test_util.h"

static const char config_xml[] =
	"<e911-config xmlns='urn:e911proxy:config:1' version='t1'>\n"
	" <route name='US-E911'><gateway address='198.19.0.20'/>"
	"<gateway address='198.19.0.21' port='5070'/>"
	"<gateway address='198.19.0.22' priority='2'/></route>\n"
	" <route name='V6'><gateway address='2001:db8:99::20'/></route>\n"
	" <policy name='Global'><emergency-number dial-string='911' dial-masks='9911' route='US-E911'/></policy>\n"
	" <policy name='Redmond' resource-priority='esnet.1'>"
	"<emergency-number dial-string='911' dial-masks='9911' route='US-E911'/></policy>\n"
	"</e911-config>\n";

static struct e911_config *cfg;
static struct proxy_conf conf;
static struct sip_msg msg, out_msg;
static struct proxy_plan plan;
static char out[8192];
static int out_len;

static int setup(void **state)
{
	(void)state;
	struct policy_errors errs;
	if (policy_config_load_buffer(config_xml, strlen(config_xml), "t.xml", &cfg, &errs) != 0) {
		for (uint32_t i = 0; i < errs.count; i++)
			print_error("%s\n", errs.items[i].text);
		policy_errors_free(&errs);
		return -1;
	}
	policy_errors_free(&errs);
	memset(&conf, 0, sizeof(conf));
	if (proxy_conf_add_self(&conf, "198.18.0.10", 5060) != 0 ||
	    proxy_conf_add_self(&conf, "2001:db8::10", 5060) != 0 ||
	    proxy_endpoint_parse("198.19.1.1:5080", &conf.default_hop) != 0)
		return -1;
	conf.retry_after = 7;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	policy_config_free(cfg);
	return 0;
}

static struct proxy_endpoint caller(const char *ip, uint16_t port)
{
	struct proxy_endpoint ep = { .port = port };
	uint32_t len = (uint32_t)strlen(ip);
	assert_int_equal(proxy_ip_parse((struct e911_slice){ ip, len }, &ep.family, ep.addr), 0);
	return ep;
}

/* What the snapshot would answer: emergency under `policy`, translated to "911". */
static struct classify_result emergency_cls(uint32_t policy, uint8_t scope)
{
	return (struct classify_result){ .emergency = true, .e911 = true, .scope = scope,
					 .match = CLASSIFY_MATCH_MASK, .policy = policy,
					 .site = SNAPSHOT_NONE, .number = 0, .route = 0,
					 .dial_string = "911" };
}

static const struct classify_result ordinary_cls = { .policy = 0, .site = SNAPSHOT_NONE,
						     .number = SNAPSHOT_NONE, .route = SNAPSHOT_NONE };

/*
 * Run one message through the three steps with the given classification
 * (NULL: ordinary). Returns the outcome; out/out_len hold what was written
 * (a forwarded message or a reply), out_msg its parse.
 */
static enum proxy_outcome run_cls(const char *text, uint32_t len, struct proxy_endpoint src,
				  const struct classify_result *cls,
				  const proxy_gateway_down_mask *down)
{
	const char *buf = tu_guard_place(text, len);
	int rc = sip_parse(buf, len, &msg);
	struct proxy_packet pkt = { buf, len, src };
	enum proxy_outcome o = proxy_prepare(&conf, &pkt, rc, &msg, &plan);
	if (plan.needs_classify)
		o = proxy_route(&conf, cfg, down, &msg, cls ? cls : &ordinary_cls, &plan);
	out_len = 0;
	if (o <= PROXY_FWD_RESPONSE) {
		out_len = proxy_emit(&msg, &plan, out, sizeof(out));
		assert_true(out_len > 0);
	} else if (proxy_outcome_is_reply(o)) {
		out_len = proxy_reply(&conf, &pkt, &msg, &plan, out, sizeof(out));
		assert_true(out_len > 0);
	}
	if (out_len > 0) {
		int prc = sip_parse(out, (uint32_t)out_len, &out_msg);
		if (prc < 0)
			print_error("output does not parse (%s at %u):\n%.*s\n", sip_status_name(prc),
				    out_msg.err_off, out_len, out);
		assert_int_equal(prc, out_len);
	}
	return o;
}

static enum proxy_outcome run(const char *text, struct proxy_endpoint src,
			      const struct classify_result *cls)
{
	return run_cls(text, (uint32_t)strlen(text), src, cls, NULL);
}

static bool out_has(const char *s)
{
	return memmem(out, (size_t)out_len, s, strlen(s)) != NULL;
}

#define assert_out_has(s)                                                          \
	do {                                                                       \
		if (!out_has(s))                                                   \
			fail_msg("output lacks \"%s\":\n%.*s", (s), out_len, out); \
	} while (0)
#define assert_out_lacks(s)                                                        \
	do {                                                                       \
		if (out_has(s))                                                    \
			fail_msg("output has \"%s\":\n%.*s", (s), out_len, out);   \
	} while (0)

static char *read_sip(const char *name, uint32_t *len)
{
	char *text = tu_read_in(TEST_DATA_DIR "/sip", name, len);
	assert_non_null(text);
	return text;
}

static void assert_endpoint(const struct proxy_endpoint *ep, const char *ip, uint16_t port)
{
	struct proxy_endpoint want = caller(ip, port);
	assert_int_equal(ep->family, want.family);
	assert_memory_equal(ep->addr, want.addr, 16);
	assert_int_equal(ep->port, port);
}

/* ---- emergency calls ---- */

static void emergency_invite_goes_to_its_trunk(void **state)
{
	(void)state;
	uint32_t len;
	char *text = read_sip("emergency-invite-9911.sip", &len);
	struct classify_result cls = emergency_cls(1, CLASSIFY_SCOPE_SITE);
	assert_int_equal(run_cls(text, len, caller("198.18.10.31", 5062), &cls, NULL),
			 PROXY_FWD_EMERGENCY);
	assert_true(plan.emergency && plan.new_invite);
	/* Its PIDF-LO says <gp:method>Manual</gp:method>: the user typed it in. */
	assert_int_equal(plan.location, PROXY_LOCATION_USER_ENTERED);

	/* The gateway is one of the priority-1 pair; the Request-URI names it. */
	assert_true(plan.gateway <= 1);
	if (plan.gateway == 0) {
		assert_endpoint(&plan.next_hop, "198.19.0.20", 5060);
		assert_slice(out_msg.ruri_text, "sip:911@198.19.0.20;user=phone");
	} else {
		assert_endpoint(&plan.next_hop, "198.19.0.21", 5070);
		assert_slice(out_msg.ruri_text, "sip:911@198.19.0.21:5070;user=phone");
	}
	/* Our Via on top; the caller's with received and rport filled (RFC 3581). */
	assert_int_equal(out_msg.nvia, 2);
	assert_slice(out_msg.via[0].host, "198.18.0.10");
	assert_int_equal(out_msg.via[0].branch.len, PROXY_BRANCH_LEN);
	assert_memory_equal(out_msg.via[0].branch.p, "z9hG4bKE9", 9);
	assert_slice(out_msg.via[1].received, "198.18.10.31");
	assert_slice(out_msg.via[1].rport, "5062");
	assert_slice(out_msg.via[1].branch, "z9hG4bK5b7e2c40a9");
	assert_int_equal(out_msg.max_forwards, 69);
	/* Emergency headers; the caller's Priority: emergency kept once. */
	assert_out_has("\r\nPriority: emergency\r\n");
	assert_int_equal(memmem(strstr(out, "Priority: emergency") + 1, (size_t)out_len - 50,
				"Priority: emergency", 19) == NULL, 1);
	assert_out_has("\r\nResource-Priority: esnet.1\r\n");
	assert_out_has("\r\nE911-Policy: Redmond;scope=site\r\n");
	assert_out_has("\r\nE911-Location: user-entered\r\n");
	const struct sip_header *rr = sip_hdr_first(&out_msg, SIP_HDR_RECORD_ROUTE);
	assert_non_null(rr);
	assert_slice(rr->value, "<sip:198.18.0.10;lr>");
	/* Callback number, location and body untouched. */
	assert_out_has("\r\nP-Asserted-Identity: <tel:+14255550117>\r\n");
	assert_out_has("\r\nGeolocation: <cid:loc-5b7e@example.com>\r\n");
	assert_int_equal(out_msg.body.len, msg.body.len);
	assert_memory_equal(out_msg.body.p, msg.body.p, msg.body.len);
	assert_int_equal(out_msg.content_length, msg.content_length);
	test_free(text);
}

static void retransmission_and_cancel_take_the_same_path(void **state)
{
	(void)state;
	uint32_t len;
	char *text = read_sip("emergency-invite-9911.sip", &len);
	struct classify_result cls = emergency_cls(0, CLASSIFY_SCOPE_GLOBAL);
	struct proxy_endpoint src = caller("198.18.10.31", 5060);
	run_cls(text, len, src, &cls, NULL);
	struct e911_slice b = out_msg.via[0].branch;
	char branch[PROXY_BRANCH_LEN];
	memcpy(branch, b.p, sizeof(branch));
	uint32_t gateway = plan.gateway;
	struct proxy_endpoint hop = plan.next_hop;

	run_cls(text, len, src, &cls, NULL);
	assert_memory_equal(out_msg.via[0].branch.p, branch, sizeof(branch));
	assert_int_equal(plan.gateway, gateway);

	/* The CANCEL: same Request-URI, Via, Call-ID, From, To and CSeq number. */
	char cancel[1024];
	snprintf(cancel, sizeof(cancel),
		 "CANCEL sip:9911@sip.example.com;user=phone SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 198.18.10.31:5060;branch=z9hG4bK5b7e2c40a9;rport\r\n"
		 "Max-Forwards: 70\r\n"
		 "From: \"Bob Smith\" <sip:bob.smith@example.com>;tag=88a7c1e204\r\n"
		 "To: <sip:9911@sip.example.com;user=phone>\r\n"
		 "Call-ID: 5b7e2c40d3a1@198.18.10.31\r\n"
		 "CSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(run(cancel, src, &cls), PROXY_FWD_EMERGENCY);
	assert_memory_equal(out_msg.via[0].branch.p, branch, sizeof(branch));
	assert_int_equal(plan.gateway, gateway);
	assert_memory_equal(&plan.next_hop, &hop, sizeof(hop));
	assert_true(out_msg.ruri_text.len > 8 && memcmp(out_msg.ruri_text.p, "sip:911@", 8) == 0);
	/* A CANCEL gets no emergency headers and no Record-Route. */
	assert_out_lacks("E911-Policy");
	assert_null(sip_hdr_first(&out_msg, SIP_HDR_RECORD_ROUTE));

	/* Another call gets another branch. */
	char *other = strdup(text);
	memcpy(strstr(other, "z9hG4bK5b7e2c40a9"), "z9hG4bK5b7e2c40b0", 17);
	run_cls(other, len, src, &cls, NULL);
	assert_memory_not_equal(out_msg.via[0].branch.p, branch, sizeof(branch));
	free(other);
	test_free(text);
}

static void spoofed_headers_are_replaced(void **state)
{
	(void)state;
	const char *text = INVITE("Max-Forwards: 10\r\nPriority: normal\r\nE911-Policy: Fake;scope=site\r\n"
				  "e911-location: validated\r\nResource-Priority: esnet.2\r\n");
	struct classify_result cls = emergency_cls(1, CLASSIFY_SCOPE_USER);
	assert_int_equal(run(text, caller("192.0.2.1", 5060), &cls), PROXY_FWD_EMERGENCY);
	assert_out_lacks("Priority: normal");
	assert_out_lacks("Fake");
	assert_out_lacks("e911-location");
	assert_out_has("\r\nE911-Policy: Redmond;scope=user\r\n");
	assert_out_has("\r\nE911-Location: none\r\n");
	/* The caller's Resource-Priority stays; ours is not added beside it. */
	assert_out_has("Resource-Priority: esnet.2\r\n");
	assert_out_lacks("esnet.1");
	assert_int_equal(out_msg.max_forwards, 9);
	/* Same address in Via as the source and no rport: no received. */
	assert_int_equal(out_msg.via[1].received.len, 0);
}

static void user_entered_location_is_marked(void **state)
{
	(void)state;
	const char *body =
		"<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
		"xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"><tuple id=\"a\"><status><gp:geopriv>"
		"<gp:location-info/><gp:method>Manual</gp:method></gp:geopriv></status></tuple>"
		"<LocationPolicyTagID xmlns=\"http://schemas.microsoft.com/2007/LocationPolicyTagID\">"
		"redmond</LocationPolicyTagID></presence>";
	char text[2048];
	snprintf(text, sizeof(text),
		 INVITE_L BASE_H CSEQ_H "Content-Type: application/pidf+xml\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(body), body);
	const char *buf = tu_guard_place(text, (uint32_t)strlen(text));
	assert_true(sip_parse(buf, (uint32_t)strlen(text), &msg) > 0);
	struct proxy_packet pkt = { buf, (uint32_t)strlen(text), caller("192.0.2.1", 5060) };
	assert_int_equal(proxy_prepare(&conf, &pkt, SIP_OK, &msg, &plan), PROXY_FWD_ORDINARY);
	assert_true(plan.needs_classify);
	assert_int_equal(plan.location, PROXY_LOCATION_USER_ENTERED);
	assert_int_equal(plan.query.policy_tag.len, 0); /* looked for only when needed */
	assert_true(proxy_policy_tag(&plan));
	assert_slice(plan.query.policy_tag, "redmond");
	assert_slice(plan.query.identity, "sip:alice@example.com");
}

static void branch_text_is_pinned(void **state)
{
	(void)state;
	/*
	 * The branch is a function of the request (RFC 3261 §16.11): the same
	 * bytes on every build and release, or a retransmission that crosses an
	 * upgrade would look like a new transaction. The exact text of one, and
	 * of an RFC 2543 peer's (no magic cookie), so that the hash or its hex
	 * digits cannot change unnoticed.
	 */
	static const struct {
		const char *via, *want;
	} rows[] = {
		{ "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n", "z9hG4bKE9f7a83f90a48560373d2b7743" },
		{ "Via: SIP/2.0/UDP 192.0.2.1:5060\r\n", "z9hG4bKE9b1540dd5ef94bb363d2b7743" },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		char text[1024];
		snprintf(text, sizeof(text), INVITE_L "%s" FROM_H TO_H CALLID_H CSEQ_H "\r\n", rows[i].via);
		assert_int_equal(run(text, caller("192.0.2.1", 5060), NULL), PROXY_FWD_ORDINARY);
		assert_slice(out_msg.via[0].branch, rows[i].want);
	}
}

static void via_keeps_every_parameter_but_received_and_rport(void **state)
{
	(void)state;
	/* The previous hop's Via parameters as they leave (RFC 3581: ours replace its own). */
	static const struct {
		const char *params, *want;
		const char *what;
	} rows[] = {
		{ ";branch=z9hG4bKa;rport", ";branch=z9hG4bKa;received=192.0.2.9;rport=5099", "bare rport" },
		{ ";branch=z9hG4bKa;received=1.2.3.4;rport=77;x=y", ";branch=z9hG4bKa;x=y;received=192.0.2.9;rport=5099", "both set, one after" },
		{ ";x=\"a;rport;b\";branch=z9hG4bKa", ";x=\"a;rport;b\";branch=z9hG4bKa;received=192.0.2.9", "';' inside quotes" },
		{ ";x=\"a\\\";rport\";branch=z9hG4bKa;rport", ";x=\"a\\\";rport\";branch=z9hG4bKa;received=192.0.2.9;rport=5099", "an escaped quote inside quotes" },
		{ " ; received=1.1.1.1 ;branch=z9hG4bKa", ";branch=z9hG4bKa;received=192.0.2.9", "LWS around the name" },
		{ ";RPORT;Received=1.1.1.1;branch=z9hG4bKa;rport", ";branch=z9hG4bKa;received=192.0.2.9;rport=5099", "any case, twice" },
		{ ";branch=z9hG4bKa;receivedx=1;rportx", ";branch=z9hG4bKa;receivedx=1;rportx;received=192.0.2.9", "longer names stay" },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 INVITE_L "Via: SIP/2.0/UDP 198.18.10.25:5060%s\r\n" FROM_H TO_H CALLID_H CSEQ_H "\r\n",
			 rows[i].params);
		assert_int_equal(run(text, caller("192.0.2.9", 5099), NULL), PROXY_FWD_ORDINARY);
		assert_int_equal(out_msg.nvia, 2);
		tu_check_slice(out_msg.via[1].params, rows[i].want, rows[i].what, __FILE__, __LINE__);
	}
}

static void ip_literals_are_parsed_exactly(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		uint8_t family; /* 0: refused */
		uint8_t addr[16];
	} rows[] = {
		{ "198.18.0.10", E911_IPV4, { 198, 18, 0, 10 } },
		{ "0.0.0.0", E911_IPV4, { 0 } },
		{ "255.255.255.255", E911_IPV4, { 255, 255, 255, 255 } },
		{ "010.001.000.009", E911_IPV4, { 10, 1, 0, 9 } }, /* leading zeros are taken */
		{ "256.1.1.1", 0, { 0 } },
		{ "1.1.1.256", 0, { 0 } },
		{ "1.1.1.0255", 0, { 0 } }, /* 4 digits */
		{ "1.1.1", 0, { 0 } },
		{ "1.1.1.1.", 0, { 0 } },
		{ "1.1.1.1.1", 0, { 0 } },
		{ ".1.1.1", 0, { 0 } },
		{ "1..1.1", 0, { 0 } },
		{ "1.1.1.", 0, { 0 } },
		{ "1.1.1.1 ", 0, { 0 } },
		{ "1.1.1.x", 0, { 0 } },
		{ "sip.example.com", 0, { 0 } },
		{ "", 0, { 0 } },
		{ "[2001:db8::10]", E911_IPV6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 } },
		{ "2001:db8::10", E911_IPV6, { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x10 } }, /* received= has no brackets */
		{ "[::ffff:1.2.3.4]", E911_IPV6, { [10] = 0xff, [11] = 0xff, [12] = 1, [13] = 2, [14] = 3, [15] = 4 } },
		{ "[2001:db8::10", 0, { 0 } },
		{ "[]", 0, { 0 } },
		{ "[1.2.3.4]", 0, { 0 } },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		uint8_t family = 0, addr[16];
		uint32_t len = (uint32_t)strlen(rows[i].text);
		int rc = proxy_ip_parse((struct e911_slice){ tu_guard_place(rows[i].text, len), len }, &family, addr);
		tu_check_status(rc, rows[i].family ? 0 : -EINVAL, rows[i].text, __FILE__, __LINE__);
		if (rows[i].family) {
			assert_int_equal(family, rows[i].family);
			assert_memory_equal(addr, rows[i].addr, 16);
		}
	}
}

/* The location proxy_prepare() reads from a PIDF-LO that is the whole body. */
static uint8_t location_of(const char *pidf)
{
	char text[2048];
	int n = snprintf(text, sizeof(text),
			 INVITE_L BASE_H CSEQ_H "Content-Type: application/pidf+xml\r\nContent-Length: %zu\r\n\r\n%s",
			 strlen(pidf), pidf);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	const char *buf = tu_guard_place(text, (uint32_t)n);
	assert_int_equal(sip_parse(buf, (uint32_t)n, &msg), n);
	struct proxy_packet pkt = { buf, (uint32_t)n, caller("192.0.2.1", 5060) };
	assert_int_equal(proxy_prepare(&conf, &pkt, SIP_OK, &msg, &plan), PROXY_FWD_ORDINARY);
	return plan.location;
}

static void manual_method_is_found_anywhere_in_the_pidf(void **state)
{
	(void)state;
	/* "method>Manual<" anywhere, exactly so, is user-entered; nothing else is. */
	static const struct {
		const char *pidf;
		uint8_t want;
		const char *what;
	} rows[] = {
		{ "method>Manual<", PROXY_LOCATION_USER_ENTERED, "the document is the needle" },
		{ "<gp:method>Manual</gp:method>", PROXY_LOCATION_USER_ENTERED, "the usual form" },
		{ "<x>Main St</x><y>Mall</y><gp:method>Manual</gp:method>", PROXY_LOCATION_USER_ENTERED, "after other text starting with M" },
		{ "<gp:method>DHCP</gp:method>", PROXY_LOCATION_VALIDATED, "another method" },
		{ "<gp:method>manual</gp:method>", PROXY_LOCATION_VALIDATED, "lower case: not the token the dataplane looks for" },
		{ "ethod>Manual<", PROXY_LOCATION_VALIDATED, "no room for the 'm' before" },
		{ "<gp:method>Manual", PROXY_LOCATION_VALIDATED, "cut before its '<'" },
		{ "<mmethod>Manual<", PROXY_LOCATION_USER_ENTERED, "any prefix" },
		{ ">M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>Mmethod>Manual<", PROXY_LOCATION_USER_ENTERED, "behind many candidates" },
		{ ">M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M>M", PROXY_LOCATION_VALIDATED, "candidates only" },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++)
		tu_check_status(location_of(rows[i].pidf), rows[i].want, rows[i].what, __FILE__, __LINE__);
	/* Every place of the needle across the search's vector steps. */
	char pidf[160];
	for (size_t pad = 0; pad < 80; pad++) {
		snprintf(pidf, sizeof(pidf), "%.*s<gp:method>Manual</gp:method>", (int)pad,
			 "<ca:A1>WA</ca:A1><ca:A3>Redmond</ca:A3><ca:RD>NE 36th</ca:RD><ca:STS>St</ca:STS>");
		assert_int_equal(location_of(pidf), PROXY_LOCATION_USER_ENTERED);
		pidf[strlen(pidf) - 15] = '\0'; /* "...<gp:method>Man" */
		assert_int_equal(location_of(pidf), PROXY_LOCATION_VALIDATED);
	}
}

static void callback_identity_order(void **state)
{
	(void)state;
	static const struct {
		const char *extra, *want;
	} rows[] = {
		{ "", "sip:alice@example.com" },
		{ "Remote-Party-ID: <sip:+14255550199@example.com>;party=calling\r\n",
		  "sip:+14255550199@example.com" },
		{ "P-Preferred-Identity: <sip:ppi@example.com>\r\n"
		  "Remote-Party-ID: <sip:rpid@example.com>\r\n",
		  "sip:ppi@example.com" },
		{ "P-Preferred-Identity: <sip:ppi@example.com>\r\n"
		  "P-Asserted-Identity: \"Alice\" <tel:+14255550100>, <sip:alice@example.com>\r\n",
		  "tel:+14255550100" },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		char text[1024];
		snprintf(text, sizeof(text), INVITE("%s"), rows[i].extra);
		const char *buf = tu_guard_place(text, (uint32_t)strlen(text));
		assert_true(sip_parse(buf, (uint32_t)strlen(text), &msg) > 0);
		struct proxy_packet pkt = { buf, (uint32_t)strlen(text), caller("192.0.2.1", 5060) };
		proxy_prepare(&conf, &pkt, SIP_OK, &msg, &plan);
		assert_slice(plan.query.identity, rows[i].want);
	}
}

static void gateway_choice(void **state)
{
	(void)state;
	const struct e911_route *route = &cfg->routes[0];
	/* Deterministic, spread over the priority-1 pair, never the priority-2 fallback. */
	unsigned hits[3] = { 0 };
	for (int i = 0; i < 2000; i++) {
		char id[32];
		int n = snprintf(id, sizeof(id), "call-%d@example.com", i);
		uint32_t g = proxy_pick_gateway(route, 0, (struct e911_slice){ id, (uint32_t)n });
		assert_int_equal(g, proxy_pick_gateway(route, 0, (struct e911_slice){ id, (uint32_t)n }));
		hits[g]++;
	}
	assert_true(hits[0] > 800 && hits[1] > 800 && hits[2] == 0);
	/* Gateway 0 down: 1 takes everything; both down: the fallback; all down: still routed. */
	struct e911_slice id = SLICE_LIT("x@y");
	assert_int_equal(proxy_pick_gateway(route, 1u << 0, id), 1);
	assert_int_equal(proxy_pick_gateway(route, 3u, id), 2);
	assert_true(proxy_pick_gateway(route, 7u, id) <= 1);
}

static void emergency_to_ipv6_gateway(void **state)
{
	(void)state;
	struct classify_result cls = emergency_cls(0, CLASSIFY_SCOPE_GLOBAL);
	cls.route = 1;
	assert_int_equal(run(INVITE(""), caller("2001:db8:10::5", 5060), &cls), PROXY_FWD_EMERGENCY);
	assert_endpoint(&plan.next_hop, "2001:db8:99::20", 5060);
	assert_slice(out_msg.ruri_text, "sip:911@[2001:db8:99::20];user=phone");
	assert_slice(out_msg.via[0].host, "[2001:db8::10]");
	assert_slice(out_msg.via[1].received, "2001:db8:10::5");
	assert_out_has("Record-Route: <sip:[2001:db8::10];lr>\r\n");
}

/* Record-Route lines of the output, counted. */
static int record_routes(void)
{
	int n = 0;
	for (const char *p = out; (p = memmem(p, (size_t)(out + out_len - p), "\r\nRecord-Route:", 15)); p++)
		n++;
	return n;
}

/* RFC 5658: a call that crosses from one of our addresses to another gets both. */
static void emergency_across_families_gets_double_record_route(void **state)
{
	(void)state;
	/* An IPv4 caller, the IPv6 trunk: the trunk's side on top, the caller's below. */
	struct classify_result cls = emergency_cls(0, CLASSIFY_SCOPE_GLOBAL);
	cls.route = 1;
	assert_int_equal(run(INVITE(""), caller("198.18.10.25", 5060), &cls), PROXY_FWD_EMERGENCY);
	assert_endpoint(&plan.next_hop, "2001:db8:99::20", 5060);
	assert_slice(out_msg.via[0].host, "[2001:db8::10]");
	assert_out_has("\r\nRecord-Route: <sip:[2001:db8::10];lr>\r\nRecord-Route: <sip:198.18.0.10;lr>\r\n");
	assert_int_equal(record_routes(), 2);

	/* An IPv6 caller, an IPv4 trunk; above a Record-Route already there. */
	cls.route = 0;
	assert_int_equal(run(INVITE("Record-Route: <sip:192.0.2.77;lr>\r\n"), caller("2001:db8:10::5", 5060), &cls),
			 PROXY_FWD_EMERGENCY);
	assert_slice(out_msg.via[0].host, "198.18.0.10");
	assert_out_has("\r\nRecord-Route: <sip:198.18.0.10;lr>\r\nRecord-Route: <sip:[2001:db8::10];lr>\r\n"
		       "Record-Route: <sip:192.0.2.77;lr>\r\n");

	/* The same family on both sides: one. */
	assert_int_equal(run(INVITE(""), caller("198.18.10.25", 5060), &cls), PROXY_FWD_EMERGENCY);
	assert_int_equal(record_routes(), 1);
	assert_out_has("\r\nRecord-Route: <sip:198.18.0.10;lr>\r\n");

	/* Two addresses of one family (multi-homed): the worker says which one it came to. */
	struct proxy_conf two = { 0 };
	assert_int_equal(proxy_conf_add_self(&two, "198.18.0.10", 5060), 0);
	assert_int_equal(proxy_conf_add_self(&two, "198.18.0.11", 5070), 0);
	const char *text = INVITE("");
	uint32_t len = (uint32_t)strlen(text);
	const char *buf = tu_guard_place(text, len);
	assert_int_equal(sip_parse(buf, len, &msg), (int)len);
	struct proxy_packet pkt = { buf, len, caller("198.18.10.25", 5060) };
	proxy_prepare(&two, &pkt, (int)len, &msg, &plan);
	assert_ptr_equal(plan.in_self, &two.self[0]);
	plan.in_self = &two.self[1];
	assert_int_equal(proxy_route(&two, cfg, NULL, &msg, &cls, &plan), PROXY_FWD_EMERGENCY);
	out_len = proxy_emit(&msg, &plan, out, sizeof(out));
	assert_true(out_len > 0);
	assert_out_has("\r\nRecord-Route: <sip:198.18.0.10;lr>\r\nRecord-Route: <sip:198.18.0.11:5070;lr>\r\n");
}

/* ---- ordinary traffic, Max-Forwards, loops ---- */

static void ordinary_invite_to_default_hop(void **state)
{
	(void)state;
	assert_int_equal(run(INVITE(""), caller("192.0.2.1", 5060), NULL), PROXY_FWD_ORDINARY);
	assert_true(plan.shed_eligible);
	assert_endpoint(&plan.next_hop, "198.19.1.1", 5080);
	assert_slice(out_msg.ruri_text, "sip:911@example.com");
	/* Max-Forwards added at 70 when absent; no emergency headers, no Record-Route. */
	assert_int_equal(out_msg.max_forwards, 70);
	assert_out_lacks("E911-Policy");
	assert_null(sip_hdr_first(&out_msg, SIP_HDR_RECORD_ROUTE));

	/* Shed under overload: a stateless 503 with Retry-After, back to the sender. */
	plan.outcome = PROXY_REPLY_SHED;
	plan.reply_code = 503;
	plan.reply_reason = "Service Unavailable";
	struct proxy_packet pkt = { msg.buf, msg.len, caller("192.0.2.1", 5090) };
	out_len = proxy_reply(&conf, &pkt, &msg, &plan, out, sizeof(out));
	assert_true(out_len > 0);
	assert_int_equal(sip_parse(out, (uint32_t)out_len, &out_msg), out_len);
	assert_int_equal(out_msg.status_code, 503);
	assert_out_has("\r\nRetry-After: 7\r\n");
	/* No rport: the sent-by port (RFC 3261 §18.2.2). */
	assert_endpoint(&plan.next_hop, "192.0.2.1", 5060);
}

static void max_forwards_zero_gets_483(void **state)
{
	(void)state;
	assert_int_equal(run(INVITE("Max-Forwards: 0\r\n"), caller("192.0.2.1", 5060), NULL),
			 PROXY_REPLY_TOO_MANY_HOPS);
	assert_int_equal(out_msg.kind, SIP_RESPONSE);
	assert_int_equal(out_msg.status_code, 483);
	assert_int_equal(out_msg.nvia, 1);
	assert_slice(out_msg.call_id, "3848276298220188511@192.0.2.1");
	assert_int_equal(out_msg.cseq, 1);
	struct sip_name_addr to;
	assert_int_equal(sip_parse_to(&out_msg, &to), 0);
	assert_true(to.tag.len > 0);
	/* An ACK is never answered. */
	const char *ack = "ACK sip:911@example.com SIP/2.0\r\n" BASE_H "CSeq: 1 ACK\r\nMax-Forwards: 0\r\n\r\n";
	assert_int_equal(run(ack, caller("192.0.2.1", 5060), NULL), PROXY_DROP_ACK);
	assert_int_equal(out_len, 0);
}

static void loop_is_detected_and_spiral_is_not(void **state)
{
	(void)state;
	struct proxy_endpoint src = caller("192.0.2.1", 5060);
	assert_int_equal(run(INVITE("Max-Forwards: 10\r\n"), src, NULL), PROXY_FWD_ORDINARY);
	char first[8192];
	int first_len = out_len;
	memcpy(first, out, (size_t)out_len);

	/* The same request comes back through another hop: 482. */
	char looped[8192];
	int n = snprintf(looped, sizeof(looped), "%.*s", (int)(strstr(first, "\r\n") + 2 - first), first);
	n += snprintf(looped + n, sizeof(looped) - (size_t)n,
		      "Via: SIP/2.0/UDP 198.19.1.1:5080;branch=z9hG4bKhop2\r\n%s",
		      strstr(first, "\r\n") + 2);
	(void)first_len;
	assert_int_equal(run(looped, caller("198.19.1.1", 5080), NULL), PROXY_REPLY_LOOP);
	assert_int_equal(out_msg.status_code, 482);

	/* A spiral: the next hop changed the Request-URI; forwarded again. */
	char *ruri = strstr(looped, "sip:911@example.com");
	memcpy(ruri, "sip:912", 7);
	assert_int_equal(run(looped, caller("198.19.1.1", 5080), NULL), PROXY_FWD_ORDINARY);
	assert_int_equal(out_msg.nvia, 4);
}

/* ---- Route, in-dialog requests, responses ---- */

static const char bye_routed[] =
	"BYE sip:911@198.19.0.20:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.10.25:5060;branch=z9hG4bK2e90b7d441;rport\r\n"
	"Max-Forwards: 70\r\n"
	"Route: <sip:198.18.0.10:5060;lr>, <sip:198.19.0.99;lr>\r\n"
	"Route: <sip:198.19.0.98;lr>\r\n"
	"From: <sip:alice@example.com>;tag=1928301774\r\n"
	"To: <sip:911@sip.example.com>;tag=as5f1e2d7c\r\n"
	"Call-ID: a84b4c76e66710@198.18.10.25\r\n"
	"CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";

static void own_route_is_popped(void **state)
{
	(void)state;
	assert_int_equal(run(bye_routed, caller("198.18.10.25", 5060), NULL), PROXY_FWD_IN_DIALOG);
	assert_true(plan.own_route);
	assert_endpoint(&plan.next_hop, "198.19.0.99", 5060);
	assert_out_has("\r\nRoute: <sip:198.19.0.99;lr>\r\nRoute: <sip:198.19.0.98;lr>\r\n");
	assert_out_lacks("198.18.0.10:5060;lr");
	assert_slice(out_msg.ruri_text, "sip:911@198.19.0.20:5060");

	/* Alone on its line: the line goes; no Route left: the Request-URI's host. */
	const char *bye =
		"BYE sip:911@198.19.0.20:5070 SIP/2.0\r\n" VIA_H
		"Route: <sip:198.18.0.10;lr>\r\n" FROM_H
		"To: <sip:911@example.com>;tag=x\r\n" CALLID_H "CSeq: 2 BYE\r\n\r\n";
	assert_int_equal(run(bye, caller("192.0.2.1", 5060), NULL), PROXY_FWD_IN_DIALOG);
	assert_endpoint(&plan.next_hop, "198.19.0.20", 5070);
	assert_null(sip_hdr_first(&out_msg, SIP_HDR_ROUTE));

	/* A Route that is not ours is followed, and kept. */
	const char *other =
		"BYE sip:bob@192.0.2.9 SIP/2.0\r\n" VIA_H
		"Route: <sip:198.19.0.50:5090;lr>\r\n" FROM_H
		"To: <sip:bob@example.com>;tag=x\r\n" CALLID_H "CSeq: 2 BYE\r\n\r\n";
	assert_int_equal(run(other, caller("192.0.2.1", 5060), NULL), PROXY_FWD_IN_DIALOG);
	assert_false(plan.own_route);
	assert_endpoint(&plan.next_hop, "198.19.0.50", 5090);
	assert_out_has("Route: <sip:198.19.0.50:5090;lr>\r\n");

	/* A Route with a host name: to the default next hop. */
	const char *named =
		"BYE sip:bob@192.0.2.9 SIP/2.0\r\n" VIA_H
		"Route: <sip:proxy.example.net;lr>\r\n" FROM_H
		"To: <sip:bob@example.com>;tag=x\r\n" CALLID_H "CSeq: 2 BYE\r\n\r\n";
	assert_int_equal(run(named, caller("192.0.2.1", 5060), NULL), PROXY_FWD_IN_DIALOG);
	assert_endpoint(&plan.next_hop, "198.19.1.1", 5080);

	/* A malformed Route: 400. */
	const char *bad =
		"BYE sip:bob@192.0.2.9 SIP/2.0\r\n" VIA_H "Route: <sip:198.18.0.10;lr\r\n" FROM_H
		"To: <sip:bob@example.com>;tag=x\r\n" CALLID_H "CSeq: 2 BYE\r\n\r\n";
	assert_int_equal(run(bad, caller("192.0.2.1", 5060), NULL), PROXY_REPLY_BAD_REQUEST);
	assert_int_equal(out_msg.status_code, 400);
}

/* RFC 5658: both our entries of a double Record-Route go, on one line or two. */
static void double_route_is_popped(void **state)
{
	(void)state;
	/* The IPv4 caller's BYE: ours for its side, then ours for the trunk's, on one line. */
	const char *from_caller =
		"BYE sip:911@[2001:db8:99::20] SIP/2.0\r\n" VIA_H
		"Route: <sip:198.18.0.10;lr>, <sip:[2001:db8::10];lr>\r\n" FROM_H
		"To: <sip:911@example.com>;tag=x\r\n" CALLID_H "CSeq: 2 BYE\r\n\r\n";
	assert_int_equal(run(from_caller, caller("192.0.2.1", 5060), NULL), PROXY_FWD_IN_DIALOG);
	assert_true(plan.own_route);
	assert_endpoint(&plan.next_hop, "2001:db8:99::20", 5060);
	assert_null(sip_hdr_first(&out_msg, SIP_HDR_ROUTE));
	assert_slice(out_msg.via[0].host, "[2001:db8::10]");

	/* The IPv6 trunk's BYE: the other way round, on two lines. */
	const char *from_trunk =
		"BYE sip:alice@192.0.2.1:5062 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP [2001:db8:99::20];branch=z9hG4bKtrunk1\r\n"
		"Route: <sip:[2001:db8::10];lr>\r\nRoute: <sip:198.18.0.10;lr>\r\n"
		"From: <sip:911@example.com>;tag=x\r\nTo: <sip:alice@example.com>;tag=1928301774\r\n"
		CALLID_H "CSeq: 7 BYE\r\n\r\n";
	assert_int_equal(run(from_trunk, caller("2001:db8:99::20", 5060), NULL), PROXY_FWD_IN_DIALOG);
	assert_true(plan.own_route);
	assert_endpoint(&plan.next_hop, "192.0.2.1", 5062);
	assert_null(sip_hdr_first(&out_msg, SIP_HDR_ROUTE));
	assert_slice(out_msg.via[0].host, "198.18.0.10");

	/* Ours twice, then another proxy's on the same line as our second: that one is next. */
	const char *more =
		"BYE sip:911@198.19.0.20 SIP/2.0\r\n" VIA_H
		"Route: <sip:[2001:db8::10];lr>\r\nRoute: <sip:198.18.0.10;lr>, <sip:198.19.0.99;lr>\r\n"
		"Route: <sip:198.19.0.98;lr>\r\n" FROM_H
		"To: <sip:911@example.com>;tag=x\r\n" CALLID_H "CSeq: 2 BYE\r\n\r\n";
	assert_int_equal(run(more, caller("192.0.2.1", 5060), NULL), PROXY_FWD_IN_DIALOG);
	assert_endpoint(&plan.next_hop, "198.19.0.99", 5060);
	assert_out_has("\r\nRoute: <sip:198.19.0.99;lr>\r\nRoute: <sip:198.19.0.98;lr>\r\n");
	assert_out_lacks("<sip:198.18.0.10;lr>");
	assert_out_lacks("<sip:[2001:db8::10];lr>");

	/* Ours on more lines than the edit list holds: refused (400), never sent to ourselves. */
	char many[4096];
	int n = snprintf(many, sizeof(many), "BYE sip:911@198.19.0.20 SIP/2.0\r\n" VIA_H);
	for (int i = 0; i < 20; i++)
		n += snprintf(many + n, sizeof(many) - (size_t)n, "Route: <sip:198.18.0.10;lr>\r\n");
	snprintf(many + n, sizeof(many) - (size_t)n,
		 FROM_H "To: <sip:911@example.com>;tag=x\r\n" CALLID_H "CSeq: 2 BYE\r\n\r\n");
	assert_int_equal(run(many, caller("192.0.2.1", 5060), NULL), PROXY_REPLY_BAD_REQUEST);
}

static void response_goes_back_by_via(void **state)
{
	(void)state;
	uint32_t len;
	char *text = read_sip("180-ringing.sip", &len);
	assert_int_equal(run_cls(text, len, caller("198.19.0.20", 5060), NULL, NULL), PROXY_FWD_RESPONSE);
	assert_endpoint(&plan.next_hop, "198.18.10.25", 5060);
	assert_int_equal(out_msg.nvia, 1);
	assert_slice(out_msg.via[0].branch, "z9hG4bK776asdhds1");
	assert_int_equal(out_msg.status_code, 180);
	test_free(text);

	/* Both Vias on one line; rport and received pick the destination. */
	const char *resp =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 198.18.0.10;branch=z9hG4bKE9x , SIP/2.0/UDP phone.example.com:5061"
		";branch=z9hG4bKa;received=192.0.2.7;rport=40000\r\n" FROM_H
		"To: <sip:911@example.com>;tag=y\r\n" CALLID_H CSEQ_H "\r\n";
	assert_int_equal(run(resp, caller("198.19.0.20", 5060), NULL), PROXY_FWD_RESPONSE);
	assert_endpoint(&plan.next_hop, "192.0.2.7", 40000);
	assert_int_equal(out_msg.nvia, 1);
	assert_slice(out_msg.via[0].host, "phone.example.com");
	assert_out_has("\r\nVia: SIP/2.0/UDP phone.example.com:5061;");

	/* Not ours: dropped. No Via left: dropped. A name and no received: dropped. */
	assert_int_equal(run("SIP/2.0 200 OK\r\n" RESP_REST, caller("198.19.0.20", 5060), NULL),
			 PROXY_DROP_RESPONSE_NOT_OURS);
	assert_int_equal(run("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.18.0.10;branch=z9hG4bKE9x\r\n" FROM_H TO_H
			     CALLID_H CSEQ_H "\r\n", caller("198.19.0.20", 5060), NULL),
			 PROXY_DROP_RESPONSE_NO_VIA);
	assert_int_equal(run("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 198.18.0.10;branch=z9hG4bKE9x\r\n"
			     "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKq\r\n" FROM_H TO_H CALLID_H
			     CSEQ_H "\r\n", caller("198.19.0.20", 5060), NULL),
			 PROXY_DROP_UNROUTABLE);
	assert_int_equal(out_len, 0);
}

static void our_via_is_ours_however_it_is_spelled(void **state)
{
	(void)state;
	/* Our top Via in its own text, and in other spellings of our addresses and port. */
	static const struct {
		const char *via;
		int ours;
	} rows[] = {
		{ "198.18.0.10", 1 },
		{ "198.18.0.10:5060", 1 },
		{ "198.018.000.010", 1 },
		{ "[2001:db8::10]", 1 },
		{ "[2001:DB8:0::10]:5060", 1 },
		{ "198.18.0.10:5070", 0 },
		{ "198.18.0.1", 0 },
		{ "198.18.0.100", 0 },
		{ "[2001:db8::1]", 0 },
		{ "proxy.example.com", 0 },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		char text[512];
		snprintf(text, sizeof(text),
			 "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bKE9x\r\n"
			 "Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKa\r\n" FROM_H
			 "To: <sip:911@example.com>;tag=y\r\n" CALLID_H CSEQ_H "\r\n", rows[i].via);
		tu_check_status(run(text, caller("198.19.0.20", 5060), NULL),
				rows[i].ours ? PROXY_FWD_RESPONSE : PROXY_DROP_RESPONSE_NOT_OURS, rows[i].via,
				__FILE__, __LINE__);
	}
}

static void received_is_added_only_when_sent_by_is_another_address(void **state)
{
	(void)state;
	/* Without rport, received goes on only when the sent-by is not the source (RFC 3261 §18.2.1). */
	static const struct {
		const char *host;
		const char *received; /* NULL: none added */
	} rows[] = {
		{ "192.0.2.9", NULL },
		{ "192.000.002.009", NULL }, /* the same address, spelled otherwise */
		{ "192.0.2.90", "192.0.2.9" },
		{ "phone.example.com", "192.0.2.9" },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 INVITE_L "Via: SIP/2.0/UDP %s:5060;branch=z9hG4bKa\r\n" FROM_H TO_H CALLID_H CSEQ_H "\r\n",
			 rows[i].host);
		assert_int_equal(run(text, caller("192.0.2.9", 5099), NULL), PROXY_FWD_ORDINARY);
		assert_int_equal(out_msg.nvia, 2);
		tu_check_slice(out_msg.via[1].received, rows[i].received ? rows[i].received : "",
			       rows[i].host, __FILE__, __LINE__);
	}
}

/* ---- replies ---- */

static void malformed_requests_get_400(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		enum proxy_outcome want;
		const char *reason;
	} rows[] = {
		{ INVITE_L BASE_H "CSeq: x INVITE\r\n\r\n", PROXY_REPLY_BAD_REQUEST, "malformed CSeq" },
		{ INVITE_L BASE_H CSEQ_H "Max-Forwards: many\r\n\r\n", PROXY_REPLY_BAD_REQUEST,
		  "malformed Max-Forwards" },
		{ "INVITE sip:911@example.com SIP/2.0\r\n" VIA_H "From: <sip:a@b\r\n" TO_H CALLID_H CSEQ_H "\r\n",
		  PROXY_REPLY_BAD_REQUEST, "malformed From" },
		{ "INVITE sip:911@example.com SIP/3.0\r\n" BASE_H CSEQ_H "\r\n", PROXY_REPLY_BAD_REQUEST,
		  "SIP version not supported" },
		/* Not answerable: no Via; a response; an ACK; garbage. */
		{ "INVITE sip:911@example.com SIP/2.0\r\n" FROM_H TO_H CALLID_H CSEQ_H "\r\n",
		  PROXY_REPLY_BAD_REQUEST, NULL },
		{ "SIP/2.0 2000 OK\r\n" RESP_REST, PROXY_DROP_MALFORMED, NULL },
		{ "ACK sip:911@example.com SIP/2.0\r\n" BASE_H "CSeq: x ACK\r\n\r\n", PROXY_DROP_ACK, NULL },
	};
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		const char *text = rows[i].text;
		uint32_t len = (uint32_t)strlen(text);
		const char *buf = tu_guard_place(text, len);
		int rc = sip_parse(buf, len, &msg);
		/* (a malformed From is found by proxy_prepare, not sip_parse) */
		struct proxy_packet pkt = { buf, len, caller("192.0.2.1", 40001) };
		assert_int_equal(proxy_prepare(&conf, &pkt, rc, &msg, &plan), rows[i].want);
		if (rows[i].want != PROXY_REPLY_BAD_REQUEST)
			continue;
		out_len = proxy_reply(&conf, &pkt, &msg, &plan, out, sizeof(out));
		if (!rows[i].reason) { /* no Via: nothing to answer to */
			assert_int_equal(out_len, -EINVAL);
			continue;
		}
		assert_true(out_len > 0);
		/* The request's lines are copied as they came, broken one included. */
		char status[128];
		snprintf(status, sizeof(status), "SIP/2.0 %d %s\r\n",
			 strstr(rows[i].reason, "version") ? 505 : 400, rows[i].reason);
		if (strncmp(out, status, strlen(status)) != 0)
			fail_msg("row %zu: reply starts\n%.*s", i, out_len, out);
		assert_out_has("\r\nContent-Length: 0\r\n\r\n");
		/* A message we could not read: back to its source port. */
		assert_endpoint(&plan.next_hop, "192.0.2.1", 40001);
		assert_out_has(VIA_H);
		assert_out_has(CALLID_H);
	}
}

static void untrusted_peers(void **state)
{
	(void)state;
	struct proxy_conf saved = conf;
	conf.trusted[0] = (struct e911_subnet){ .family = E911_IPV4, .prefix_len = 16,
						.address = { 198, 18 } };
	conf.trusted_count = 1;
	assert_int_equal(run(INVITE(""), caller("198.18.99.1", 5060), NULL), PROXY_FWD_ORDINARY);
	assert_int_equal(run(INVITE(""), caller("192.0.2.1", 5060), NULL), PROXY_REPLY_FORBIDDEN);
	assert_int_equal(out_msg.status_code, 403);
	conf.untrusted_action = PROXY_UNTRUSTED_DROP;
	assert_int_equal(run(INVITE(""), caller("192.0.2.1", 5060), NULL), PROXY_DROP_UNTRUSTED);
	conf = saved;
}

static void options_and_proxy_require(void **state)
{
	(void)state;
	const char *options = "OPTIONS sip:198.18.0.10 SIP/2.0\r\n" BASE_H "CSeq: 5 OPTIONS\r\n\r\n";
	assert_int_equal(run(options, caller("192.0.2.1", 5060), NULL), PROXY_REPLY_OPTIONS);
	assert_int_equal(out_msg.status_code, 200);
	assert_out_has("\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS");

	const char *req = INVITE("Proxy-Require: foo, bar\r\n");
	assert_int_equal(run(req, caller("192.0.2.1", 5060), NULL), PROXY_REPLY_BAD_EXTENSION);
	assert_int_equal(out_msg.status_code, 420);
	assert_out_has("\r\nUnsupported: foo, bar\r\n");
	/* An emergency call is never refused for it. */
	struct classify_result cls = emergency_cls(0, CLASSIFY_SCOPE_GLOBAL);
	assert_int_equal(run(req, caller("192.0.2.1", 5060), &cls), PROXY_FWD_EMERGENCY);
}

static void no_default_hop_gets_503(void **state)
{
	(void)state;
	struct proxy_endpoint saved = conf.default_hop;
	conf.default_hop.family = 0;
	assert_int_equal(run(INVITE(""), caller("192.0.2.1", 5060), NULL), PROXY_REPLY_NO_ROUTE);
	assert_int_equal(out_msg.status_code, 503);
	conf.default_hop = saved;
}

static void output_that_does_not_fit(void **state)
{
	(void)state;
	const char *text = INVITE("");
	uint32_t len = (uint32_t)strlen(text);
	const char *buf = tu_guard_place(text, len);
	assert_true(sip_parse(buf, len, &msg) > 0);
	struct proxy_packet pkt = { buf, len, caller("192.0.2.1", 5060) };
	proxy_prepare(&conf, &pkt, SIP_OK, &msg, &plan);
	proxy_route(&conf, cfg, NULL, &msg, &ordinary_cls, &plan);
	assert_int_equal(proxy_emit(&msg, &plan, out, len), -ENOSPC);
	assert_int_equal(plan.outcome, PROXY_DROP_TOO_BIG);
}

/* Every RFC 4475 request a proxy must forward comes out parseable with one more Via. */
static void rfc4475_requests_forwarded(void **state)
{
	(void)state;
	static struct rfc4475 c;
	rfc4475_load(&c);
	uint32_t forwarded = 0;
	for (unsigned i = 0; i < c.n; i++) {
		const struct rfc4475_msg *m = &c.msg[i];
		if (strcmp(m->expected, "valid") != 0 || strncmp(m->data, "SIP/", 4) == 0)
			continue;
		const char *buf = tu_guard_place(m->data, m->len);
		int rc = sip_parse(buf, m->len, &msg);
		if (rc < 0)
			continue; /* the few the parser rejects are listed in test_sip_rfc4475.c */
		struct proxy_packet pkt = { buf, m->len, caller("192.0.2.1", 5060) };
		enum proxy_outcome o = proxy_prepare(&conf, &pkt, rc, &msg, &plan);
		if (plan.needs_classify)
			o = proxy_route(&conf, cfg, NULL, &msg, &ordinary_cls, &plan);
		if (o > PROXY_FWD_RESPONSE)
			continue; /* answered (Proxy-Require, Max-Forwards 0...) */
		out_len = proxy_emit(&msg, &plan, out, sizeof(out));
		assert_true(out_len > 0);
		if (sip_parse(out, (uint32_t)out_len, &out_msg) != out_len)
			fail_msg("%s: the forwarded message does not parse:\n%.*s", m->name, out_len, out);
		assert_int_equal(out_msg.nvia, msg.nvia + 1);
		assert_int_equal(out_msg.body.len, msg.body.len);
		forwarded++;
	}
	rfc4475_free(&c);
	print_message("%u RFC 4475 requests forwarded\n", forwarded);
	assert_true(forwarded >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emergency_invite_goes_to_its_trunk),
		cmocka_unit_test(retransmission_and_cancel_take_the_same_path),
		cmocka_unit_test(spoofed_headers_are_replaced),
		cmocka_unit_test(branch_text_is_pinned),
		cmocka_unit_test(via_keeps_every_parameter_but_received_and_rport),
		cmocka_unit_test(received_is_added_only_when_sent_by_is_another_address),
		cmocka_unit_test(ip_literals_are_parsed_exactly),
		cmocka_unit_test(user_entered_location_is_marked),
		cmocka_unit_test(manual_method_is_found_anywhere_in_the_pidf),
		cmocka_unit_test(callback_identity_order),
		cmocka_unit_test(gateway_choice),
		cmocka_unit_test(emergency_to_ipv6_gateway),
		cmocka_unit_test(emergency_across_families_gets_double_record_route),
		cmocka_unit_test(ordinary_invite_to_default_hop),
		cmocka_unit_test(max_forwards_zero_gets_483),
		cmocka_unit_test(loop_is_detected_and_spiral_is_not),
		cmocka_unit_test(own_route_is_popped),
		cmocka_unit_test(double_route_is_popped),
		cmocka_unit_test(response_goes_back_by_via),
		cmocka_unit_test(our_via_is_ours_however_it_is_spelled),
		cmocka_unit_test(malformed_requests_get_400),
		cmocka_unit_test(untrusted_peers),
		cmocka_unit_test(options_and_proxy_require),
		cmocka_unit_test(no_default_hop_gets_503),
		cmocka_unit_test(output_that_does_not_fit),
		cmocka_unit_test(rfc4475_requests_forwarded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
