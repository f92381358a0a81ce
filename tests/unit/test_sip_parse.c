/*
 * test_sip_parse.c - sip_parse() on the start line and the header section:
 * requests (known and extension methods), responses (status codes, empty and
 * UTF-8 reasons), version and status-code errors, stray SP; header names in
 * any case and compact form (the whole name table round-trips), LWS before
 * the colon, folding, unknown headers, first[] indexes, repeated and missing
 * headers, malformed lines. The scalar header values are in
 * test_sip_fields.c; Via, URIs, name-addrs, bodies, limits and RFC 4475 have
 * their own files. Every input is parsed from a copy that ends right before
 * an unreadable page (test_util.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

/* ---- start lines ---- */

static void test_known_methods_are_named(void **state)
{
	static const struct {
		enum sip_method id;
		const char *name;
	} methods[] = {
#define METHOD_ROW(m) { SIP_METHOD_##m, #m },
		SIP_METHOD_LIST(METHOD_ROW)
#undef METHOD_ROW
	};
	struct sip_msg m;
	char text[512];

	(void)state;
	for (size_t i = 0; i < TU_LEN(methods); i++) {
		snprintf(text, sizeof(text), "%s sip:bob@example.com SIP/2.0\r\n" BASE_H
			 "CSeq: 7 %s\r\n\r\n", methods[i].name, methods[i].name);
		assert_status(tu_parse_str(text, &m), (int)strlen(text));
		assert_int_equal(m.kind, SIP_REQUEST);
		assert_int_equal(m.method, methods[i].id);
		assert_slice(m.method_name, methods[i].name);
		assert_int_equal(m.cseq_method, methods[i].id);
		assert_int_equal(sip_method_lookup(m.method_name), methods[i].id);
	}
}

static void test_extension_methods_are_other_and_keep_their_name(void **state)
{
	static const char *const names[] = {
		"invite",      /* methods are case-sensitive (RFC 3261 §7.1): not INVITE */
		"NEWMETHOD",   /* an extension method */
		"INVITEX",     /* a known name as a prefix */
		"INVIT",       /* a prefix of a known name */
		"RE%47IST%45R", /* % is a token character, not an escape (RFC 4475 §3.1.1.5) */
		"!interesting-Method0123456789_*+`.%indeed'~", /* every token character */
	};
	struct sip_msg m;
	char text[512];

	(void)state;
	for (size_t i = 0; i < TU_LEN(names); i++) {
		snprintf(text, sizeof(text), "%s sip:bob@example.com SIP/2.0\r\n" BASE_H
			 "CSeq: 7 %s\r\n\r\n", names[i], names[i]);
		assert_status(tu_parse_str(text, &m), (int)strlen(text));
		assert_int_equal(m.method, SIP_METHOD_OTHER);
		assert_slice(m.method_name, names[i]);
		assert_slice(m.cseq_method_name, names[i]);
	}
}

static void test_request_line_gives_the_request_uri(void **state)
{
	struct sip_msg m;

	(void)state;
	assert_true(tu_parse_str("INVITE sip:911@sip.example.com;user=phone SIP/2.0\r\n" RESP_REST,
				 &m) > 0);
	assert_slice(m.ruri_text, "sip:911@sip.example.com;user=phone");
	assert_int_equal(split_msg(&m).ruri.scheme, SIP_SCHEME_SIP);
	assert_slice(split_msg(&m).ruri.user, "911");
	assert_slice(split_msg(&m).ruri.host, "sip.example.com");
	assert_slice(split_msg(&m).ruri.user_param, "phone");
	assert_int_equal(m.status_code, 0);
	assert_int_equal(m.reason.len, 0);
	/* The version's "SIP" is case-insensitive (RFC 3261 §7.1). */
	assert_true(tu_parse_str("INVITE urn:service:sos sip/2.0\r\n" RESP_REST, &m) > 0);
	assert_int_equal(split_msg(&m).ruri.scheme, SIP_SCHEME_URN);
}

static void test_responses_give_status_code_and_reason(void **state)
{
	static const struct {
		const char *line;
		unsigned code;
		const char *reason;
		const char *what;
	} rows[] = {
		{ "SIP/2.0 200 OK", 200, "OK", "the usual 200" },
		{ "SIP/2.0 100 Trying", 100, "Trying", "lowest class" },
		{ "SIP/2.0 699 Whatever", 699, "Whatever", "highest code" },
		{ "SIP/2.0 486 Busy Here", 486, "Busy Here", "reason with SP" },
		{ "SIP/2.0 100 ", 100, "", "empty reason after the SP (RFC 4475 §3.1.1.13)" },
		{ "SIP/2.0 180 Ringing ", 180, "Ringing ", "trailing SP belongs to the reason" },
		{ "SIP/2.0 200 \xd0\xbd\xd0\xbe", 200, "\xd0\xbd\xd0\xbe", "UTF-8 reason (§3.1.1.12)" },
		{ "SIP/2.0 200 = 2**3 * 5**2", 200, "= 2**3 * 5**2", "unreserved characters" },
		{ "sip/2.0 200 OK", 200, "OK", "lower-case version" },
		{ "SIP/2.0 200", 200, "", "no SP, no reason: accepted (lenient)" },
	};
	struct sip_msg m;
	char text[512];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		snprintf(text, sizeof(text), "%s\r\n" RESP_REST, rows[i].line);
		assert_status(tu_parse_str(text, &m), (int)strlen(text));
		assert_int_equal(m.kind, SIP_RESPONSE);
		assert_int_equal(m.status_code, rows[i].code);
		assert_slice(m.reason, rows[i].reason);
		assert_int_equal(m.method, SIP_METHOD_OTHER);
		assert_int_equal(m.method_name.len, 0);
		assert_int_equal(m.ruri_text.len, 0);
		/* Responses are not checked against their CSeq method. */
		assert_int_equal(m.cseq_method, SIP_METHOD_INVITE);
	}
}

static void test_bad_start_lines_are_rejected_with_their_reason(void **state)
{
	static const struct tu_row rows[] = {
		{ "SIP/7.0 200 OK\r\n" RESP_REST, SIP_E_VERSION, "SIP/7.0", "response, other version (505)" },
		{ "INVITE sip:911@example.com SIP/7.0\r\n" RESP_REST, SIP_E_VERSION, "SIP/7.0", "request, SIP/7.0" },
		{ "INVITE sip:911@example.com SIP/2.1\r\n" RESP_REST, SIP_E_VERSION, "SIP/2.1", "request, SIP/2.1" },
		{ "INVITE sip:911@example.com HTTP/1.1\r\n" RESP_REST, SIP_E_START_LINE, "HTTP", "not SIP" },
		{ "INVITE sip:911@example.com SIP/\r\n" RESP_REST, SIP_E_START_LINE, "SIP/", "version without numbers" },
		{ "INVITE sip:911@example.com\r\n" RESP_REST, SIP_E_START_LINE, NULL, "no version" },
		{ "INVITE\r\n" RESP_REST, SIP_E_METHOD, "\r\n", "method alone" },
		{ "INVITE  sip:911@example.com SIP/2.0\r\n" RESP_REST, SIP_E_START_LINE, " sip:", "two SP after the method (§3.1.2.9)" },
		{ "INVITE sip:911@example.com  SIP/2.0\r\n" RESP_REST, SIP_E_START_LINE, " SIP/2.0", "two SP before the version" },
		{ "INVITE sip:911@example.com SIP/2.0 \r\n" RESP_REST, SIP_E_START_LINE, " \r\n", "SP after the version (§3.1.2.10)" },
		{ "INVITE sip:911@example.com SIP/2.0\t\r\n" RESP_REST, SIP_E_START_LINE, "\t\r\n", "HT after the version" },
		{ "INVITE <sip:911@example.com> SIP/2.0\r\n" RESP_REST, SIP_E_REQUEST_URI, "<sip:", "<> around the Request-URI (§3.1.2.7)" },
		{ "INVITE sip:911@example.com; lr SIP/2.0\r\n" RESP_REST, SIP_E_REQUEST_URI, " lr", "SP inside the Request-URI (§3.1.2.8)" },
		{ " INVITE sip:911@example.com SIP/2.0\r\n" RESP_REST, SIP_E_METHOD, " INVITE", "SP before the method" },
		{ "INV@ITE sip:911@example.com SIP/2.0\r\n" RESP_REST, SIP_E_METHOD, "@ITE", "non-token byte in the method" },
		{ "SIP/2.0 20 OK\r\n" RESP_REST, SIP_E_STATUS_CODE, "20 OK", "two-digit status" },
		{ "SIP/2.0 2000 OK\r\n" RESP_REST, SIP_E_STATUS_CODE, "2000", "four-digit status" },
		{ "SIP/2.0 700 Nope\r\n" RESP_REST, SIP_E_STATUS_CODE, "700", "status 700" },
		{ "SIP/2.0 099 Low\r\n" RESP_REST, SIP_E_STATUS_CODE, "099", "status below 100" },
		{ "SIP/2.0 4294967301 better not break the receiver\r\n" RESP_REST, SIP_E_STATUS_CODE, "4294967301", "overflowing status (§3.1.2.19)" },
		{ "SIP/2.0 20x OK\r\n" RESP_REST, SIP_E_STATUS_CODE, "20x", "letter in the status" },
		{ "SIP/2.0  200 OK\r\n" RESP_REST, SIP_E_STATUS_CODE, " 200", "two SP before the status" },
		{ "SIP/2.0 200OK\r\n" RESP_REST, SIP_E_STATUS_CODE, "200OK", "no SP after the status" },
		{ "SIP/2.0\r\n" RESP_REST, SIP_E_START_LINE, NULL, "version alone" },
		{ "\r\n\r\n", SIP_E_TRUNCATED, NULL, "only empty lines" },
		{ "INVITE sip:911@example.com SIP/2.0", SIP_E_TRUNCATED, NULL, "start line without its CRLF" },
	};

	(void)state;
	check_rows(rows);
}

static void test_the_request_uri_split_refuses_what_a_request_uri_may_not_hold(void **state)
{
	/* sip_parse takes the start line; the split the proxy routes by checks the URI. */
	static const struct {
		const char *line;
		int want;
		const char *what;
	} rows[] = {
		{ "INVITE sip:911@example.com?Route=x SIP/2.0\r\n", SIP_E_REQUEST_URI, "headers (RFC 4475 §3.1.2.11)" },
		{ "INVITE sip:911@exa<mple.com SIP/2.0\r\n", SIP_E_REQUEST_URI, "'<' inside" },
		{ "INVITE sip:@example.com SIP/2.0\r\n", SIP_E_REQUEST_URI, "empty user" },
		{ "INVITE sip:911@example.com:99999 SIP/2.0\r\n", SIP_E_REQUEST_URI, "port out of range" },
		{ "INVITE tel:911;phone-context=+1 SIP/2.0\r\n", 0, "tel with context" },
		{ "INVITE urn:service:sos.fire SIP/2.0\r\n", 0, "urn sub-service" },
		{ "INVITE http://example.com/x?y=1 SIP/2.0\r\n", 0, "other scheme: headers are its own business" },
	};
	char text[512];
	struct sip_msg m;
	struct sip_uri uri;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		print_message("  %s\n", rows[i].what);
		snprintf(text, sizeof(text), "%s%s%s%s\r\n", rows[i].line, BASE_H, CSEQ_H, "");
		assert_true(tu_parse_str(text, &m) > 0);
		assert_status(sip_parse_request_uri(&m, &uri), rows[i].want);
	}
	/* A response has no Request-URI to split. */
	assert_true(tu_parse_str("SIP/2.0 200 OK\r\n" RESP_REST, &m) > 0);
	assert_status(sip_parse_request_uri(&m, &uri), SIP_E_REQUEST_URI);
}

static void test_empty_lines_before_the_start_line_are_skipped(void **state)
{
	struct sip_msg m;
	const char *text = "\r\n\r\n" INVITE("");

	(void)state;
	/* RFC 3261 §7.5: CRLFs before the start line are ignored (keep-alives). */
	assert_status(tu_parse_str(text, &m), (int)strlen(text));
	assert_int_equal(m.method, SIP_METHOD_INVITE);
	assert_ptr_equal(m.method_name.p, m.buf + 4);
}

/* ---- header names ---- */

static const struct {
	enum sip_hdr_id id;
	const char *name;
	char compact;
} all_headers[] = {
#define HDR_ROW(id, name, compact) { SIP_HDR_##id, name, compact },
	SIP_HDR_LIST(HDR_ROW)
#undef HDR_ROW
};

static void test_every_full_name_round_trips(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(TU_LEN(all_headers), SIP_HDR_COUNT - 1);
	for (size_t i = 0; i < TU_LEN(all_headers); i++) {
		const char *name = all_headers[i].name;
		uint32_t len = (uint32_t)strlen(name);
		assert_int_equal(sip_hdr_lookup(name, len), all_headers[i].id);
		assert_string_equal(sip_hdr_name(all_headers[i].id), name);
		for (uint32_t k = 0; k < len; k++) /* upper case */
			buf[k] = (char)(name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
		assert_int_equal(sip_hdr_lookup(buf, len), all_headers[i].id);
		for (uint32_t k = 0; k < len; k++) /* lower case */
			buf[k] = (char)ascii_lower((unsigned char)name[k]);
		assert_int_equal(sip_hdr_lookup(buf, len), all_headers[i].id);
		/* One byte more or less is another header ("T" is To's compact form). */
		if (len > 2)
			assert_int_equal(sip_hdr_lookup(name, len - 1) == all_headers[i].id, 0);
		memcpy(buf, name, len);
		buf[len] = 's';
		assert_int_equal(sip_hdr_lookup(buf, len + 1) == all_headers[i].id, 0);
	}
	assert_string_equal(sip_hdr_name(SIP_HDR_OTHER), "");
	assert_string_equal(sip_hdr_name(SIP_HDR_COUNT), "");
}

static void test_every_compact_form_maps_to_its_header(void **state)
{
	bool used[26] = { false };

	(void)state;
	for (size_t i = 0; i < TU_LEN(all_headers); i++) {
		char c = all_headers[i].compact;
		if (c == 0)
			continue;
		char upper = (char)(c - 32);
		assert_false(used[c - 'a']); /* one header per letter */
		used[c - 'a'] = true;
		assert_int_equal(sip_hdr_lookup(&c, 1), all_headers[i].id);
		assert_int_equal(sip_hdr_lookup(&upper, 1), all_headers[i].id);
	}
	/* RFC 3261 §7.3.3's compact forms are all there. */
	static const char rfc3261[] = "icmelfstvk";
	for (const char *c = rfc3261; *c; c++)
		assert_true(used[*c - 'a']);
	/* Letters without a compact form name no header. */
	for (char c = 'a'; c <= 'z'; c++)
		if (!used[c - 'a'])
			assert_int_equal(sip_hdr_lookup(&c, 1), SIP_HDR_OTHER);
}

static void test_unknown_names_are_other(void **state)
{
	static const char *const names[] = {
		"X-Foo", "Vias", "Fromm", "Call", "CallID", "Content", "Geolocation-Routing-X",
		"C%6Fntact", /* no %-decoding in header names (RFC 4475 §3.1.1.5) */
		"1", "-", "~x", "\x80", "\xc3\xa9",
	};

	(void)state;
	for (size_t i = 0; i < TU_LEN(names); i++)
		assert_int_equal(sip_hdr_lookup(names[i], (uint32_t)strlen(names[i])), SIP_HDR_OTHER);
	assert_int_equal(sip_hdr_lookup("", 0), SIP_HDR_OTHER);
}

static void test_header_names_match_in_any_case_and_compact_form(void **state)
{
	struct sip_msg m;
	const char *text = "OPTIONS sip:bob@example.com SIP/2.0\r\n"
			   "vIA: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
			   "v: SIP/2.0/UDP b.example.com;branch=z9hG4bK2\r\n"
			   "f: <sip:alice@example.com>;tag=1\r\n"
			   "TO: <sip:bob@example.com>\r\n"
			   "I: abc@host\r\n"
			   "cseq: 5 OPTIONS\r\n"
			   "mAX-fORWARDS: 9\r\n"
			   "L: 0\r\n"
			   "\r\n";

	(void)state;
	assert_status(tu_parse_str(text, &m), (int)strlen(text));
	assert_int_equal(m.nvia, 2);
	assert_slice(m.via[0].host, "a.example.com");
	assert_slice(m.via[1].host, "b.example.com");
	assert_slice(split_msg(&m).from.tag, "1");
	assert_slice(m.call_id, "abc@host");
	assert_int_equal(m.cseq, 5);
	assert_int_equal(m.max_forwards, 9);
	assert_int_equal(m.content_length, 0);
	assert_slice(m.hdr[0].name, "vIA"); /* names are kept as written */
	assert_int_equal(m.hdr[1].id, SIP_HDR_VIA);
	assert_slice(m.hdr[1].name, "v");
}

static void test_compact_via_is_found(void **state)
{
	struct sip_msg m;

	(void)state;
	assert_true(tu_parse_str("BYE sip:bob@example.com SIP/2.0\r\n"
				 "v: SIP/2.0/TCP client.example.com:5060;branch=z9hG4bK9\r\n"
				 FROM_H TO_H CALLID_H "CSeq: 2 BYE\r\n\r\n", &m) > 0);
	assert_int_equal(m.first[SIP_HDR_VIA], 1);
	assert_ptr_equal(sip_hdr_first(&m, SIP_HDR_VIA), &m.hdr[0]);
	assert_int_equal(m.nvia, 1);
	assert_slice(m.via[0].transport, "TCP");
	assert_slice(m.via[0].branch, "z9hG4bK9");
}

static void test_lws_before_the_colon_is_accepted(void **state)
{
	struct sip_msg m;

	(void)state;
	assert_true(tu_parse_str(INVITE_L "Via  : SIP/2.0/UDP h.example.com\r\n" FROM_H TO_H
				 "Call-ID\t: abc\r\nCSeq :1 INVITE\r\n\r\n", &m) > 0);
	assert_slice(m.hdr[0].name, "Via");
	assert_slice(m.hdr[3].name, "Call-ID");
	assert_slice(m.call_id, "abc");
	assert_slice(m.hdr[4].value, "1 INVITE");
}

static void test_folded_lines_stay_in_one_value(void **state)
{
	struct sip_msg m;
	const char *text = INVITE("Subject: first\r\n second\r\n\tthird  \r\n"
				  "X-Next: after the fold\r\n"
				  "Max-Forwards:\r\n 70\r\n");

	(void)state;
	assert_status(tu_parse_str(text, &m), (int)strlen(text));
	const struct sip_header *s = sip_hdr_first(&m, SIP_HDR_SUBJECT);
	assert_non_null(s);
	/* Folding is kept in the value (sip.h); trailing LWS is trimmed. */
	assert_slice(s->value, "first\r\n second\r\n\tthird");
	assert_slice(s[1].name, "X-Next");
	assert_slice(s[1].value, "after the fold");
	assert_int_equal(m.max_forwards, 70);
	assert_int_equal(m.nhdr, 8);
}

static void test_unknown_headers_are_kept_in_order(void **state)
{
	struct sip_msg m;
	const char *text = INVITE("X-Custom: one\r\nNewFangledHeader:   newfangled value\r\n"
				  "UnknownHeaderWithUnusualValue: ;;,,;;,;\r\nSubject:\r\n"
				  "X-Custom: two\r\n");

	(void)state;
	assert_status(tu_parse_str(text, &m), (int)strlen(text));
	assert_int_equal(m.nhdr, 10);
	assert_int_equal(m.hdr[5].id, SIP_HDR_OTHER);
	assert_slice(m.hdr[5].name, "X-Custom");
	assert_slice(m.hdr[5].value, "one");
	assert_slice(m.hdr[6].value, "newfangled value");
	/* A proxy forwards what it does not understand (RFC 4475 §3.1.1.1). */
	assert_slice(m.hdr[7].value, ";;,,;;,;");
	assert_int_equal(m.hdr[8].id, SIP_HDR_SUBJECT);
	assert_slice(m.hdr[8].value, ""); /* an empty value */
	assert_slice(m.hdr[9].value, "two");
	assert_int_equal(m.first[SIP_HDR_OTHER], 0); /* unknown headers get no index */
}

static void test_first_points_at_the_first_line_of_each_header(void **state)
{
	struct sip_msg m;
	const char *text = INVITE("Route: <sip:p1.example.com;lr>\r\n"
				  "Record-Route: <sip:rr.example.com;lr>\r\n"
				  "Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n"
				  "Geolocation: <cid:loc@example.com>\r\n");

	(void)state;
	assert_status(tu_parse_str(text, &m), (int)strlen(text));
	assert_int_equal(m.first[SIP_HDR_VIA], 1);
	assert_int_equal(m.first[SIP_HDR_FROM], 2);
	assert_int_equal(m.first[SIP_HDR_TO], 3);
	assert_int_equal(m.first[SIP_HDR_CALL_ID], 4);
	assert_int_equal(m.first[SIP_HDR_CSEQ], 5);
	assert_int_equal(m.first[SIP_HDR_ROUTE], 6);
	assert_int_equal(m.first[SIP_HDR_RECORD_ROUTE], 7);
	assert_int_equal(m.first[SIP_HDR_GEOLOCATION], 9);
	assert_int_equal(m.first[SIP_HDR_CONTACT], 0);
	assert_null(sip_hdr_first(&m, SIP_HDR_CONTACT));
	/* Every Route line is kept, in order, for the helpers to walk. */
	unsigned routes = 0;
	for (unsigned i = 0; i < m.nhdr; i++)
		routes += m.hdr[i].id == SIP_HDR_ROUTE;
	assert_int_equal(routes, 2);
	assert_slice(m.hdr[7].value, "<sip:p2.example.com;lr>, <sip:p3.example.com;lr>");
}

static void test_single_valued_headers_may_not_repeat(void **state)
{
	static const struct tu_row rows[] = {
		{ INVITE(FROM_H), SIP_E_DUP_HEADER, "From: ", "two From lines" },
		{ INVITE("t: <sip:x@example.com>\r\n"), SIP_E_DUP_HEADER, "t: ", "To and compact t" },
		{ INVITE("i: other@host\r\n"), SIP_E_DUP_HEADER, "i: ", "Call-ID and compact i (RFC 4475 §3.3.8)" },
		{ INVITE("CSeq: 2 INVITE\r\n"), SIP_E_DUP_HEADER, "CSeq: 2", "two CSeq" },
		{ INVITE("Max-Forwards: 70\r\nMax-Forwards: 69\r\n"), SIP_E_DUP_HEADER, "Max-Forwards: 69", "two Max-Forwards" },
		{ INVITE("Content-Length: 0\r\nl: 0\r\n"), SIP_E_DUP_HEADER, "l: 0", "two Content-Length, even equal (§3.3.9)" },
		{ INVITE("c: text/plain\r\nContent-Type: text/plain\r\n"), SIP_E_DUP_HEADER, "Content-Type", "two Content-Type" },
		{ INVITE("Via: SIP/2.0/UDP b.example.com\r\n"), 0, NULL, "Via may repeat" },
		{ INVITE("Contact: <sip:a@b>\r\nm: <sip:c@d>\r\n"), 0, NULL, "Contact may repeat" },
		{ INVITE("Supported: timer\r\nk: 100rel\r\n"), 0, NULL, "Supported may repeat" },
		{ INVITE("X-A: 1\r\nX-A: 2\r\n"), 0, NULL, "unknown headers may repeat" },
	};

	(void)state;
	check_rows(rows);
}

static void test_missing_required_headers_are_reported(void **state)
{
	static const struct tu_row rows[] = {
		{ INVITE_L FROM_H TO_H CALLID_H CSEQ_H "\r\n", SIP_E_MISSING_HEADER, "", "no Via" },
		{ INVITE_L VIA_H TO_H CALLID_H CSEQ_H "\r\n", SIP_E_MISSING_HEADER, "", "no From" },
		{ INVITE_L VIA_H FROM_H CALLID_H CSEQ_H "\r\n", SIP_E_MISSING_HEADER, "", "no To" },
		{ INVITE_L VIA_H FROM_H TO_H CSEQ_H "\r\n", SIP_E_MISSING_HEADER, "", "no Call-ID" },
		{ INVITE_L BASE_H "\r\n", SIP_E_MISSING_HEADER, "", "no CSeq" },
		{ "SIP/2.0 200 OK\r\n" FROM_H TO_H CALLID_H CSEQ_H "\r\n", SIP_E_MISSING_HEADER, "", "response without Via" },
		{ INVITE_L "\r\n", SIP_E_MISSING_HEADER, "", "no headers at all" },
		{ INVITE(""), 0, NULL, "Max-Forwards and Content-Length are optional" },
	};

	(void)state;
	check_rows(rows);
}

static void test_malformed_header_lines_are_rejected(void **state)
{
	static const struct tu_row rows[] = {
		{ INVITE("Foo bar\r\n"), SIP_E_HEADER_LINE, "bar", "no colon" },
		{ INVITE("Foo\r\n"), SIP_E_HEADER_LINE, "\r\n", "name alone" },
		{ INVITE(": value\r\n"), SIP_E_HEADER_LINE, ": value", "empty name" },
		{ INVITE("Fo o: x\r\n"), SIP_E_HEADER_LINE, "o: x", "SP inside the name" },
		{ INVITE("Na@me: x\r\n"), SIP_E_HEADER_LINE, "Na@me", "non-token byte in the name" },
		{ INVITE("\x80X: x\r\n"), SIP_E_HEADER_LINE, "\x80", "high byte in the name" },
		{ INVITE_L " " VIA_H FROM_H TO_H CALLID_H CSEQ_H "\r\n", SIP_E_HEADER_LINE, "Via", "first header folded onto the start line" },
		{ INVITE_L BASE_H CSEQ_H, SIP_E_TRUNCATED, "", "no empty line after the headers" },
		{ INVITE_L BASE_H "CSeq: 1 INVITE", SIP_E_TRUNCATED, "", "last header without CRLF" },
		{ INVITE_L BASE_H "CSeq", SIP_E_TRUNCATED, "", "ends inside a name" },
		{ INVITE_L BASE_H CSEQ_H "\r", SIP_E_TRUNCATED, "\r", "ends inside the empty line" },
	};

	(void)state;
	check_rows(rows);
}

static void test_bare_lf_line_ends_are_accepted(void **state)
{
	struct sip_msg m;
	const char *text = "OPTIONS sip:bob@example.com SIP/2.0\n"
			   "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\n"
			   "From: <sip:alice@example.com>;tag=1\nTo: <sip:bob@example.com>\n"
			   "Call-ID: abc\nCSeq: 5 OPTIONS\nSubject: a\n b\n\nbody";

	(void)state;
	/* Lenient on input: LF alone ends a line (and folds). */
	assert_status(tu_parse_str(text, &m), (int)strlen(text));
	assert_slice(m.via[0].branch, "z9hG4bK1");
	assert_slice(m.hdr[5].value, "a\n b");
	assert_slice(m.body, "body");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_methods_are_named),
		cmocka_unit_test(test_extension_methods_are_other_and_keep_their_name),
		cmocka_unit_test(test_request_line_gives_the_request_uri),
		cmocka_unit_test(test_responses_give_status_code_and_reason),
		cmocka_unit_test(test_bad_start_lines_are_rejected_with_their_reason),
		cmocka_unit_test(test_the_request_uri_split_refuses_what_a_request_uri_may_not_hold),
		cmocka_unit_test(test_empty_lines_before_the_start_line_are_skipped),
		cmocka_unit_test(test_every_full_name_round_trips),
		cmocka_unit_test(test_every_compact_form_maps_to_its_header),
		cmocka_unit_test(test_unknown_names_are_other),
		cmocka_unit_test(test_header_names_match_in_any_case_and_compact_form),
		cmocka_unit_test(test_compact_via_is_found),
		cmocka_unit_test(test_lws_before_the_colon_is_accepted),
		cmocka_unit_test(test_folded_lines_stay_in_one_value),
		cmocka_unit_test(test_unknown_headers_are_kept_in_order),
		cmocka_unit_test(test_first_points_at_the_first_line_of_each_header),
		cmocka_unit_test(test_single_valued_headers_may_not_repeat),
		cmocka_unit_test(test_missing_required_headers_are_reported),
		cmocka_unit_test(test_malformed_header_lines_are_rejected),
		cmocka_unit_test(test_bare_lf_line_ends_are_accepted),
	};

	return cmocka_run_group_tests_name("sip_parse", tests, NULL, NULL);
}
