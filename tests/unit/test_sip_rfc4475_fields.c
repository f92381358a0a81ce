/*
 * test_sip_rfc4475_fields.c - the RFC 4475 messages the RFC calls valid
 * parse to the right fields, several per message: folding and odd spacing
 * (wsinv), every token character (intmeth), escapes kept undecoded (esc01,
 * escnull, esc02), display names without LWS (lwsdisp), long values and 34
 * Vias (longreq), trailing octets (dblreq), ';' in a user part (semiuri),
 * transports, a binary multipart body (mpart01), reason phrases, unknown
 * schemes and headers, contact parameters, RFC 2543 syntax (inv2543). A
 * message whose file is absent is skipped (the two INDEX.tsv files are read
 * by test_rfc4475.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_rfc4475.h"

static struct rfc4475 corpus;

static int load(void **state)
{
	(void)state;
	rfc4475_load(&corpus);
	return 0;
}

static int unload(void **state)
{
	(void)state;
	rfc4475_free(&corpus);
	return 0;
}

/* Parse a message of the corpus (before a guard page); skip when it is absent. */
static const struct rfc4475_msg *parse_named(const char *name, struct sip_msg *m)
{
	const struct rfc4475_msg *msg = rfc4475_find(&corpus, name);
	char got[32];

	if (msg == NULL) {
		print_message("  %s is not in the corpus: skipped\n", name);
		skip();
	}
	int rc = tu_parse(msg->data, msg->len, m);
	if (rc < 0) {
		print_error("%s: %s at %u\n", name, tu_status(rc, got), m->err_off);
		fail();
	}
	assert_msg_sane(m);
	return msg;
}

/* The n-th (from 0) header line with this id, or NULL. */
static const struct sip_header *nth(const struct sip_msg *m, enum sip_hdr_id id, unsigned n)
{
	for (unsigned i = 0; i < m->nhdr; i++)
		if (m->hdr[i].id == id && n-- == 0)
			return &m->hdr[i];
	return NULL;
}

/* The header line with exactly this name (for unknown headers). */
static const struct sip_header *named(const struct sip_msg *m, const char *name)
{
	for (unsigned i = 0; i < m->nhdr; i++)
		if (m->hdr[i].name.len == strlen(name) && memcmp(m->hdr[i].name.p, name, strlen(name)) == 0)
			return &m->hdr[i];
	return NULL;
}

static void name_addr_of(const struct sip_header *h, struct sip_name_addr *na)
{
	assert_non_null(h);
	assert_int_equal(sip_name_addr_parse(h->value, na), 0);
}

static void test_wsinv_parses_to_the_right_fields(void **state)
{
	struct sip_msg m;
	struct sip_name_addr na;
	struct sip_uri u;

	(void)state;
	parse_named("wsinv", &m);
	assert_int_equal(m.method, SIP_METHOD_INVITE);
	assert_slice(split_msg(&m).ruri.params, ";unknownparam");
	assert_slice(split_msg(&m).to.uri, "sip:vivekg@chair-dnrc.example.com");
	assert_slice(split_msg(&m).to.tag, "1918181833n");
	assert_slice(split_msg(&m).from.display, "\"J Rosenberg \\\\\\\"\"");
	assert_slice(split_msg(&m).from.uri, "sip:jdrosen@example.com");
	assert_slice(split_msg(&m).from.tag, "98asjd8");
	assert_int_equal(m.max_forwards, 68);
	assert_int_equal(m.cseq, 9);
	assert_int_equal(m.cseq_method, SIP_METHOD_INVITE);
	assert_slice(m.call_id, "wsinv.ndaksdj@192.0.2.1");
	/* One Via line, then two entries in the v: line. */
	assert_int_equal(m.nvia, 3);
	assert_slice(m.via[0].host, "192.0.2.2");
	assert_slice(m.via[0].branch, "390skdjuw");
	assert_slice(m.via[1].transport, "TCP");
	assert_slice(m.via[1].host, "spindle.example.com");
	assert_slice(m.via[1].branch, "z9hG4bK9ikj8");
	assert_slice(m.via[2].host, "192.168.255.111");
	assert_slice(m.via[2].branch, "z9hG4bK30239");
	assert_int_equal(m.content_length, 150);
	assert_int_equal(m.body.len, 150);
	assert_memory_equal(m.body.p, "v=0\r\n", 5);
	assert_slice(sip_hdr_first(&m, SIP_HDR_SUBJECT)->value, "");
	assert_slice(named(&m, "NewFangledHeader")->value, "newfangled value\r\n continued newfangled value");
	assert_slice(named(&m, "UnknownHeaderWithUnusualValue")->value, ";;,,;;,;");
	name_addr_of(sip_hdr_first(&m, SIP_HDR_ROUTE), &na);
	assert_int_equal(sip_uri_parse(na.uri, &u), 0);
	assert_int_equal(u.lr, 1);
	assert_slice(u.host, "services.example.com");
	name_addr_of(sip_hdr_first(&m, SIP_HDR_CONTACT), &na);
	assert_slice(na.display, "\"Quoted string \\\"\\\"\"");
	struct e911_slice q;
	assert_int_equal(sip_param_find(na.params, SLICE_LIT("q"), &q), 1);
	assert_slice(q, "0.33");
	assert_int_equal(sip_param_find(na.params, SLICE_LIT("newparam"), &q), 1);
	assert_slice(q, "newvalue");
}

static void test_intmeth_keeps_every_token_character(void **state)
{
	struct sip_msg m;

	(void)state;
	parse_named("intmeth", &m);
	assert_int_equal(m.method, SIP_METHOD_OTHER);
	assert_slice(m.method_name, "!interesting-Method0123456789_*+`.%indeed'~");
	assert_slice(m.cseq_method_name, "!interesting-Method0123456789_*+`.%indeed'~");
	assert_int_equal(m.cseq, 139122385);
	assert_int_equal(m.max_forwards, 255);
	assert_slice(split_msg(&m).ruri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
	assert_slice(split_msg(&m).ruri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
	assert_slice(split_msg(&m).ruri.host, "example.com");
	assert_slice(m.via[0].branch, "z9hG4bK-.!%66*_+`'~");
	assert_int_equal(split_msg(&m).to.display.len, 22); /* quoted BEL, NUL and DEL */
	assert_memory_equal(split_msg(&m).to.display.p, "\"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\"", 22);
	assert_slice(split_msg(&m).to.uri, "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com");
	assert_slice(split_msg(&m).from.display, "token1~` token2'+_ token3*%!.-");
	assert_slice(split_msg(&m).from.tag, "_token~1'+`*%!-.");
	assert_slice(m.call_id, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
	const struct sip_header *ext = named(&m, "extensionHeader-!.%*+_`'~");
	assert_non_null(ext);
	assert_int_equal(ext->id, SIP_HDR_OTHER);
	assert_slice(ext->value, "\xef\xbb\xbf\xe5\xa4\xa7\xe5\x81\x9c\xe9\x9b\xbb");
}

static void test_escapes_are_kept_undecoded(void **state)
{
	struct sip_msg m;
	struct sip_name_addr na;
	struct sip_uri u;

	(void)state;
	parse_named("esc01", &m);
	assert_slice(split_msg(&m).ruri.user, "sips%3Auser%40example.com");
	assert_slice(split_msg(&m).ruri.host, "example.net");
	assert_slice(split_msg(&m).to.uri, "sip:%75se%72@example.com");
	assert_slice(split_msg(&m).from.uri, "sip:I%20have%20spaces@example.net");
	assert_slice(split_msg(&m).from.tag, "938");
	assert_slice(sip_hdr_first(&m, SIP_HDR_CONTENT_TYPE)->name, "C");
	name_addr_of(sip_hdr_first(&m, SIP_HDR_CONTACT), &na);
	assert_int_equal(sip_uri_parse(na.uri, &u), 0);
	assert_slice(u.user, "cal%6Cer");
	assert_slice(u.params, ";%6C%72;n%61me=v%61lue%25%34%31");
	assert_int_equal(u.lr, 0); /* %6C%72 is not lr */
	assert_int_equal(m.body.len, 150);

	/* %00 in user parts: two distinct Contacts, nothing truncated (§3.1.1.4). */
	parse_named("escnull", &m);
	assert_int_equal(m.method, SIP_METHOD_REGISTER);
	assert_slice(split_msg(&m).to.uri, "sip:null-%00-null@example.com");
	assert_slice(split_msg(&m).from.tag, "839923423");
	name_addr_of(nth(&m, SIP_HDR_CONTACT, 0), &na);
	assert_slice(na.uri, "sip:%00@host5.example.com");
	name_addr_of(nth(&m, SIP_HDR_CONTACT, 1), &na);
	assert_slice(na.uri, "sip:%00%00@host5.example.com");
	assert_int_equal(m.content_length, 0);

	/* % is no escape in a method or header name (§3.1.1.5). */
	parse_named("esc02", &m);
	assert_int_equal(m.method, SIP_METHOD_OTHER);
	assert_slice(m.method_name, "RE%47IST%45R");
	assert_int_equal(m.cseq_method, SIP_METHOD_OTHER);
	assert_slice(split_msg(&m).to.display, "\"%Z%45\"");
	assert_slice(m.via[0].branch, "z9hG4bK209%fzsnel234");
	assert_non_null(nth(&m, SIP_HDR_CONTACT, 1));
	assert_null(nth(&m, SIP_HDR_CONTACT, 2)); /* two Contacts, not three */
	assert_int_equal(named(&m, "C%6Fntact")->id, SIP_HDR_OTHER);
}

static void test_lwsdisp_and_semiuri(void **state)
{
	struct sip_msg m;

	(void)state;
	parse_named("lwsdisp", &m);
	assert_slice(split_msg(&m).from.display, "caller");
	assert_slice(split_msg(&m).from.uri, "sip:caller@example.com");
	assert_slice(split_msg(&m).from.tag, "323");
	assert_slice(split_msg(&m).to.uri, "sip:user@example.com");

	parse_named("semiuri", &m);
	assert_slice(split_msg(&m).ruri.user, "user;par=u%40example.net");
	assert_slice(split_msg(&m).ruri.host, "example.com");
	assert_slice(split_msg(&m).ruri.params, "");
	assert_int_equal(m.max_forwards, 3);
	assert_memory_equal(named(&m, "Accept")->value.p, "application/sdp, application/pkcs7-mime,\r\n", 42);
}

static void test_longreq_has_34_vias_and_long_values(void **state)
{
	struct sip_msg m;
	struct sip_uri u;

	(void)state;
	const struct rfc4475_msg *msg = parse_named("longreq", &m);
	assert_int_equal(msg->len, 3515);
	assert_int_equal(m.msg_len, 3515);
	assert_int_equal(m.nvia, 34);
	assert_slice(m.via[0].host, "sip33.example.com");
	assert_slice(m.via[32].host, "sip1.example.com");
	assert_slice(m.via[33].host, "host.example.com");
	assert_slice(m.via[33].received, "192.0.2.5");
	assert_true(m.via[33].branch.len > 100);
	assert_memory_equal(split_msg(&m).to.display.p, "\"I have a user name of extreme", 30);
	assert_int_equal(sip_uri_parse(split_msg(&m).to.uri, &u), 0);
	assert_int_equal(u.port, 6000);
	assert_true(split_msg(&m).from.tag.len > 150);
	assert_memory_equal(m.call_id.p, "longreq.one", 11);
	assert_memory_equal(slice_end(m.call_id) - 10, "longcallid", 10);
	assert_int_equal(m.cseq, 3882340);
	assert_int_equal(m.content_length, 150);
}

static void test_dblreq_ignores_the_trailing_invite(void **state)
{
	struct sip_msg m;

	(void)state;
	const struct rfc4475_msg *msg = parse_named("dblreq", &m);
	assert_int_equal(m.method, SIP_METHOD_REGISTER);
	assert_int_equal(m.content_length, 0);
	assert_int_equal(m.msg_len, m.hdr_len);
	assert_int_equal(m.body.len, 0);
	assert_true(m.msg_len < msg->len);
	/* What a forwarding proxy must not send: the octets after msg_len. */
	assert_memory_equal(m.buf + m.msg_len, "\r\nINVITE sip:joe@example.com SIP/2.0", 36);
}

static void test_transports_lists_five_vias_in_order(void **state)
{
	static const char *const transports[] = { "UDP", "SCTP", "TLS", "UNKNOWN", "TCP" };
	struct sip_msg m;

	(void)state;
	parse_named("transports", &m);
	assert_int_equal(m.nvia, 5);
	for (unsigned i = 0; i < 5; i++)
		assert_slice(m.via[i].transport, transports[i]);
	assert_slice(m.via[3].host, "t4.example.com");
	assert_slice(m.call_id, "transports.kijh4akdnaqjkwendsasfdj");
}

static void test_mpart01_has_a_text_part_and_a_binary_part(void **state)
{
	struct sip_msg m;
	struct sip_content_type ct;
	struct sip_body_part part;
	struct e911_slice pidf;
	uint32_t cursor = 0;

	(void)state;
	parse_named("mpart01", &m);
	assert_int_equal(m.method, SIP_METHOD_MESSAGE);
	assert_int_equal(m.via[0].has_rport, 1);
	assert_int_equal(m.via[0].rport.len, 0);
	assert_int_equal(m.content_length, 553);
	assert_int_equal(m.body.len, 553);
	assert_int_equal(sip_content_type_parse(sip_hdr_first(&m, SIP_HDR_CONTENT_TYPE)->value, &ct), 0);
	assert_true(sip_content_type_is(&ct, "multipart", "mixed"));
	assert_slice(ct.boundary, "7a9cbec02ceef655");
	assert_int_equal(sip_multipart_next(m.body, ct.boundary, &cursor, &part), 1);
	assert_slice(part.content_type, "text/plain");
	assert_slice(part.body, "Hello");
	assert_int_equal(sip_multipart_next(m.body, ct.boundary, &cursor, &part), 1);
	assert_slice(part.content_type, "application/octet-stream");
	assert_non_null(memchr(part.body.p, '\0', part.body.len));
	bool bare_cr = false, bare_lf = false;
	for (uint32_t i = 0; i < part.body.len; i++) {
		bare_cr |= part.body.p[i] == '\r' && (i + 1 == part.body.len || part.body.p[i + 1] != '\n');
		bare_lf |= part.body.p[i] == '\n' && (i == 0 || part.body.p[i - 1] != '\r');
	}
	assert_true(bare_cr && bare_lf);
	assert_true(slice_end(part.body) < slice_end(m.body));
	assert_int_equal(sip_multipart_next(m.body, ct.boundary, &cursor, &part), 0);
	assert_status(sip_find_pidf(&m, &pidf), SIP_E_NOT_FOUND);
}

static void test_reason_phrases_and_scalars(void **state)
{
	struct sip_msg m;

	(void)state;
	const struct rfc4475_msg *msg = parse_named("unreason", &m);
	assert_int_equal(m.kind, SIP_RESPONSE);
	assert_int_equal(m.status_code, 200);
	const char *crlf = memchr(msg->data, '\r', msg->len);
	assert_int_equal(m.reason.len, (uint32_t)(crlf - msg->data) - 12);
	assert_memory_equal(m.reason.p, "= 2**3 * 5**2 \xd0\xbd\xd0\xbe", 18);
	assert_int_equal(m.body.len, 154);

	parse_named("noreason", &m);
	assert_int_equal(m.status_code, 100);
	assert_slice(m.reason, "");
	assert_slice(split_msg(&m).to.tag, "902jndnke3");

	parse_named("zeromf", &m);
	assert_int_equal(m.max_forwards, 0);
	assert_int_equal(m.cseq, 39234321);

	parse_named("badbranch", &m);
	assert_slice(m.via[0].branch, "z9hG4bK");

	parse_named("bcast", &m);
	assert_int_equal(m.status_code, 200);
	assert_int_equal(m.nvia, 2);
	assert_slice(m.via[1].host, "255.255.255.255");
	assert_int_equal(m.via[1].host_kind, SIP_HOST_IPV4);
}

static void test_unknown_schemes_are_opaque(void **state)
{
	struct sip_msg m;
	struct sip_name_addr na;
	struct sip_uri u;

	(void)state;
	parse_named("unkscm", &m);
	assert_int_equal(split_msg(&m).ruri.scheme, SIP_SCHEME_OTHER);
	assert_slice(split_msg(&m).ruri.scheme_name, "nobodyKnowsThisScheme");
	assert_slice(m.ruri_text, "nobodyKnowsThisScheme:totallyopaquecontent");

	parse_named("novelsc", &m);
	assert_int_equal(split_msg(&m).ruri.scheme, SIP_SCHEME_OTHER);
	assert_slice(split_msg(&m).ruri.scheme_name, "soap.beep");

	parse_named("unksm2", &m);
	assert_slice(split_msg(&m).to.uri, "isbn:2983792873");
	assert_slice(split_msg(&m).from.uri, "http://www.example.com");
	assert_slice(split_msg(&m).from.tag, "3234233");
	name_addr_of(sip_hdr_first(&m, SIP_HDR_CONTACT), &na);
	assert_int_equal(sip_uri_parse(na.uri, &u), 0);
	assert_slice(u.scheme_name, "name");
}

static void test_contact_parameters_and_escaped_headers(void **state)
{
	struct sip_msg m;
	struct sip_name_addr na;
	struct sip_uri u;

	(void)state;
	parse_named("cparam01", &m); /* unbracketed: ;unknownparam is a contact-param */
	name_addr_of(sip_hdr_first(&m, SIP_HDR_CONTACT), &na);
	assert_slice(na.uri, "sip:+19725552222@gw1.example.net");
	assert_slice(na.params, ";unknownparam");

	parse_named("cparam02", &m); /* bracketed: a url-parameter */
	name_addr_of(sip_hdr_first(&m, SIP_HDR_CONTACT), &na);
	assert_int_equal(sip_uri_parse(na.uri, &u), 0);
	assert_slice(u.params, ";unknownparam");
	assert_slice(na.params, "");

	parse_named("regescrt", &m);
	name_addr_of(sip_hdr_first(&m, SIP_HDR_CONTACT), &na); /* "M:" */
	assert_int_equal(sip_uri_parse(na.uri, &u), 0);
	assert_slice(u.headers, "Route=%3Csip:sip.example.com%3E");
	assert_int_equal(m.content_length, 0); /* "L:0" */
}

static void test_inv2543_has_no_branch_no_max_forwards_and_no_length(void **state)
{
	struct sip_msg m;

	(void)state;
	const struct rfc4475_msg *msg = parse_named("inv2543", &m);
	assert_int_equal(m.nvia, 1);
	assert_int_equal(m.via[0].branch.len, 0);
	assert_slice(m.via[0].host, "iftgw.example.com");
	assert_int_equal(m.max_forwards, -1);
	assert_int_equal(m.content_length, -1);
	assert_int_equal(m.body.len, 105); /* the rest of the datagram */
	assert_int_equal(m.msg_len, msg->len);
	assert_int_equal(split_msg(&m).from.tag.len, 0);
	/* An addr-spec's ';' parameters are header parameters (RFC 3261 §20). */
	assert_slice(split_msg(&m).to.uri, "sip:+16505552222@ss1.example.net");
	assert_slice(split_msg(&m).to.params, ";user=phone");
}

static void test_unknown_headers_and_bodies_are_kept(void **state)
{
	struct sip_msg m;
	struct e911_slice elem;
	uint32_t cursor = 0;

	(void)state;
	parse_named("bext01", &m);
	const struct sip_header *h = sip_hdr_first(&m, SIP_HDR_PROXY_REQUIRE);
	assert_int_equal(sip_list_next(h->value, &cursor, &elem), 1);
	assert_slice(elem, "noProxiesSupportThis");
	assert_int_equal(sip_list_next(h->value, &cursor, &elem), 1);
	assert_slice(elem, "norDoAnyProxiesSupportThis");
	assert_int_equal(sip_list_next(h->value, &cursor, &elem), 0);
	assert_non_null(sip_hdr_first(&m, SIP_HDR_REQUIRE));

	parse_named("regaut01", &m);
	assert_slice(named(&m, "Authorization")->value, "NoOneKnowsThisScheme opaque-data=here");
	assert_int_equal(m.content_length, 0);

	parse_named("invut", &m);
	assert_slice(sip_hdr_first(&m, SIP_HDR_CONTENT_TYPE)->value, "application/unknownformat");
	assert_int_equal(m.body.len, 40);

	parse_named("sdp01", &m);
	assert_slice(named(&m, "Accept")->value, "text/nobodyKnowsThis");
	assert_int_equal(m.body.len, 150);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wsinv_parses_to_the_right_fields),
		cmocka_unit_test(test_intmeth_keeps_every_token_character),
		cmocka_unit_test(test_escapes_are_kept_undecoded),
		cmocka_unit_test(test_lwsdisp_and_semiuri),
		cmocka_unit_test(test_longreq_has_34_vias_and_long_values),
		cmocka_unit_test(test_dblreq_ignores_the_trailing_invite),
		cmocka_unit_test(test_transports_lists_five_vias_in_order),
		cmocka_unit_test(test_mpart01_has_a_text_part_and_a_binary_part),
		cmocka_unit_test(test_reason_phrases_and_scalars),
		cmocka_unit_test(test_unknown_schemes_are_opaque),
		cmocka_unit_test(test_contact_parameters_and_escaped_headers),
		cmocka_unit_test(test_inv2543_has_no_branch_no_max_forwards_and_no_length),
		cmocka_unit_test(test_unknown_headers_and_bodies_are_kept),
	};

	return cmocka_run_group_tests_name("sip_rfc4475_fields", tests, load, unload);
}
