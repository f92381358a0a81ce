/*
 * test_sip_fields.c - the header values sip_parse() splits on every message
 * besides Via: Max-Forwards (0..255, leading zeros, absent), CSeq (32 bits,
 * method match), Call-ID, Content-Length and the body framing of RFC 3261
 * §18.3 (absent, shorter, longer datagram), From/To (display, URI, tag), the
 * reset of a reused sip_msg, and the status name/text table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

/* ---- the scalar headers ---- */

static void test_max_forwards_values(void **state)
{
	static const struct {
		const char *hdr;
		int want; /* the value, or a SIP_E_* status */
		const char *what;
	} rows[] = {
		{ "", -1, "absent" },
		{ "Max-Forwards: 0\r\n", 0, "zero: legal, the proxy answers 483 (RFC 4475 §3.3.11)" },
		{ "Max-Forwards: 70\r\n", 70, "the usual" },
		{ "Max-Forwards: 0068\r\n", 68, "leading zeros (§3.1.1.1)" },
		{ "Max-Forwards: 000000000000070\r\n", 70, "many leading zeros" },
		{ "Max-Forwards: 255\r\n", 255, "the maximum" },
		{ "Max-Forwards:\t 9 \r\n", 9, "LWS around" },
		{ "Max-Forwards: 256\r\n", SIP_E_MAX_FORWARDS, "above 255 (§3.1.2.4)" },
		{ "Max-Forwards: 300000000000000000000\r\n", SIP_E_MAX_FORWARDS, "overflowing" },
		{ "Max-Forwards: -1\r\n", SIP_E_MAX_FORWARDS, "negative" },
		{ "Max-Forwards: 7 0\r\n", SIP_E_MAX_FORWARDS, "SP inside" },
		{ "Max-Forwards: 7a\r\n", SIP_E_MAX_FORWARDS, "trailing letter" },
		{ "Max-Forwards:\r\n", SIP_E_MAX_FORWARDS, "empty" },
	};
	struct sip_msg m;
	char text[1024];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		snprintf(text, sizeof(text), INVITE("%s"), rows[i].hdr);
		int rc = tu_parse_str(text, &m);
		if (rows[i].want < -1) {
			tu_check_status(rc, rows[i].want, rows[i].what, __FILE__, __LINE__);
			const char *v = strchr(rows[i].hdr, ':') + 1;
			v += strspn(v, " \t\r\n");
			assert_memory_equal(m.buf + m.err_off, v, strlen(v)); /* at the value */
		} else {
			tu_check_status(rc, (int)strlen(text), rows[i].what, __FILE__, __LINE__);
			assert_int_equal(m.max_forwards, rows[i].want);
		}
	}
}

static void test_cseq_values(void **state)
{
	static const struct {
		const char *hdr;
		long long want; /* the number, or a SIP_E_* status */
		const char *what;
	} rows[] = {
		{ "CSeq: 1 INVITE", 1, "the usual" },
		{ "CSeq: 0 INVITE", 0, "zero" },
		{ "CSeq: 4294967295 INVITE", 4294967295LL, "2^32-1, the largest" },
		{ "CSeq: 0009\r\n  INVITE", 9, "leading zeros and a fold (RFC 4475 §3.1.1.1)" },
		{ "CSeq:\t12 \t INVITE ", 12, "LWS around" },
		{ "CSeq: 4294967296 INVITE", SIP_E_CSEQ, "2^32 (§3.1.2.4)" },
		{ "CSeq: 36893488147419103232 INVITE", SIP_E_CSEQ, "far beyond 64 bits (§3.1.2.5)" },
		{ "CSeq: -1 INVITE", SIP_E_CSEQ, "negative" },
		{ "CSeq: 1INVITE", SIP_E_CSEQ, "no LWS between number and method" },
		{ "CSeq: INVITE", SIP_E_CSEQ, "no number" },
		{ "CSeq: 1", SIP_E_CSEQ, "no method" },
		{ "CSeq: 1 ", SIP_E_CSEQ, "no method, trailing SP" },
		{ "CSeq: 1 INVITE x", SIP_E_CSEQ, "two words after the number" },
		{ "CSeq: 1 INV@TE", SIP_E_CSEQ, "non-token method" },
		{ "CSeq:", SIP_E_CSEQ, "empty" },
	};
	struct sip_msg m;
	char text[1024];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		snprintf(text, sizeof(text), INVITE_L BASE_H "%s\r\n\r\n", rows[i].hdr);
		int rc = tu_parse_str(text, &m);
		if (rows[i].want < 0) {
			tu_check_status(rc, (int)rows[i].want, rows[i].what, __FILE__, __LINE__);
		} else {
			tu_check_status(rc, (int)strlen(text), rows[i].what, __FILE__, __LINE__);
			assert_int_equal(m.cseq, (uint32_t)rows[i].want);
			assert_slice(m.cseq_method_name, "INVITE");
			assert_int_equal(m.cseq_method, SIP_METHOD_INVITE);
		}
	}
}

static void test_cseq_method_must_match_the_request_method(void **state)
{
	static const struct tu_row rows[] = {
		{ INVITE_L BASE_H "CSeq: 1 ACK\r\n\r\n", SIP_E_CSEQ_METHOD, "ACK", "INVITE vs ACK" },
		{ INVITE_L BASE_H "CSeq: 1 invite\r\n\r\n", SIP_E_CSEQ_METHOD, "invite", "case matters (RFC 4475 §3.1.2.17)" },
		{ "OPTIONS sip:a@b SIP/2.0\r\n" BASE_H CSEQ_H "\r\n", SIP_E_CSEQ_METHOD, "INVITE", "OPTIONS vs INVITE" },
		{ "NEWMETHOD sip:a@b SIP/2.0\r\n" BASE_H CSEQ_H "\r\n", SIP_E_CSEQ_METHOD, "INVITE", "extension method vs INVITE (§3.1.2.18)" },
		{ "NEWMETHOD sip:a@b SIP/2.0\r\n" BASE_H "CSeq: 3 NEWMETHOD\r\n\r\n", 0, NULL, "extension methods match by name" },
		{ "SIP/2.0 200 OK\r\n" BASE_H "CSeq: 3 BYE\r\n\r\n", 0, NULL, "a response has no method to match" },
	};

	(void)state;
	check_rows(rows);
}

static void test_call_id_values(void **state)
{
	static const struct {
		const char *hdr;
		const char *want; /* the Call-ID, or NULL when invalid */
		const char *what;
	} rows[] = {
		{ "Call-ID: a84b4c76e66710@198.18.10.25", "a84b4c76e66710@198.18.10.25", "word@word" },
		{ "i: f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", "compact, no @" },
		{ "Call-ID:   abc   ", "abc", "LWS trimmed" },
		{ "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{", "every word character (RFC 4475 §3.1.1.2)" },
		{ "Call-ID: a b", NULL, "SP inside" },
		{ "Call-ID:", NULL, "empty" },
		{ "Call-ID: a;b", NULL, "';' is not a word character" },
		{ "Call-ID: \xc3\xa9t\xc3\xa9", NULL, "UTF-8" },
	};
	struct sip_msg m;
	char text[1024];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		snprintf(text, sizeof(text), INVITE_L VIA_H FROM_H TO_H CSEQ_H "%s\r\n\r\n", rows[i].hdr);
		int rc = tu_parse_str(text, &m);
		if (rows[i].want == NULL) {
			tu_check_status(rc, SIP_E_CALL_ID, rows[i].what, __FILE__, __LINE__);
		} else {
			tu_check_status(rc, (int)strlen(text), rows[i].what, __FILE__, __LINE__);
			assert_slice(m.call_id, rows[i].want);
		}
	}
}

static void test_content_length_frames_the_body(void **state)
{
	static const struct {
		const char *hdr;  /* the Content-Length line, or "" */
		const char *tail; /* the bytes after the empty line */
		int want;         /* 0 parses, else the SIP_E_* status */
		const char *body; /* the expected body */
		int cl;           /* the expected content_length */
		const char *what;
	} rows[] = {
		{ "", "", 0, "", -1, "absent, nothing after the headers" },
		{ "", "v=0\r\nrest\r\n", 0, "v=0\r\nrest\r\n", -1, "absent: the body is the rest of the datagram (§18.3)" },
		{ "Content-Length: 0\r\n", "", 0, "", 0, "zero" },
		{ "Content-Length: 5\r\n", "hello", 0, "hello", 5, "exact" },
		{ "l: 5\r\n", "hello", 0, "hello", 5, "compact form" },
		{ "Content-Length: 00005\r\n", "hello", 0, "hello", 5, "leading zeros" },
		{ "Content-Length: 3\r\n", "hello", 0, "hel", 3, "longer datagram: the excess is ignored" },
		{ "Content-Length: 0\r\n", "\r\nINVITE sip:x SIP/2.0\r\n", 0, "", 0, "trailing octets after a zero body (RFC 4475 §3.1.1.8)" },
		{ "Content-Length: 6\r\n", "hello", SIP_E_BODY_TRUNCATED, NULL, 6, "one byte short" },
		{ "Content-Length: 9999\r\n", "hello", SIP_E_BODY_TRUNCATED, NULL, 9999, "far too long (§3.1.2.2)" },
		{ "Content-Length: 999999999\r\n", "", SIP_E_BODY_TRUNCATED, NULL, 999999999, "the largest value read" },
		{ "Content-Length: 9999999999\r\n", "", SIP_E_CONTENT_LENGTH, NULL, 0, "ten digits" },
		{ "Content-Length: -999\r\n", "hello", SIP_E_CONTENT_LENGTH, NULL, 0, "negative (§3.1.2.3)" },
		{ "Content-Length: five\r\n", "hello", SIP_E_CONTENT_LENGTH, NULL, 0, "a word" },
		{ "Content-Length: 5 5\r\n", "hello", SIP_E_CONTENT_LENGTH, NULL, 0, "two numbers" },
		{ "Content-Length: 0x5\r\n", "hello", SIP_E_CONTENT_LENGTH, NULL, 0, "hexadecimal" },
		{ "Content-Length:\r\n", "hello", SIP_E_CONTENT_LENGTH, NULL, 0, "empty" },
	};
	struct sip_msg m;
	char text[1024];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		int n = snprintf(text, sizeof(text), INVITE_L BASE_H CSEQ_H "%s\r\n%s", rows[i].hdr,
				 rows[i].tail);
		int rc = tu_parse_str(text, &m);
		if (rows[i].want < 0) {
			tu_check_status(rc, rows[i].want, rows[i].what, __FILE__, __LINE__);
			if (rows[i].want == SIP_E_BODY_TRUNCATED) {
				assert_int_equal(m.content_length, rows[i].cl);
				assert_int_equal(m.err_off, n); /* the end: where more was due */
			}
			continue;
		}
		uint32_t hdr_len = (uint32_t)(n - (int)strlen(rows[i].tail));
		tu_check_status(rc, (int)(hdr_len + strlen(rows[i].body)), rows[i].what, __FILE__,
				__LINE__);
		assert_int_equal(m.msg_len, (uint32_t)rc);
		assert_int_equal(m.len, (uint32_t)n);
		assert_int_equal(m.hdr_len, hdr_len);
		assert_int_equal(m.content_length, rows[i].cl);
		assert_ptr_equal(m.body.p, m.buf + hdr_len);
		assert_slice(m.body, rows[i].body);
	}
}

static void test_from_and_to_are_split(void **state)
{
	struct sip_msg m;

	(void)state;
	assert_true(tu_parse_str(INVITE_L VIA_H
				 "From: \"J Rosenberg \\\\\\\"\"  <sip:jdrosen@example.com>\r\n ;\r\n  tag = 98asjd8\r\n"
				 "To: sip:911@example.com;tag=1918181833n\r\n" CALLID_H CSEQ_H "\r\n", &m) > 0);
	assert_slice(split_msg(&m).from.display, "\"J Rosenberg \\\\\\\"\"");
	assert_slice(split_msg(&m).from.uri, "sip:jdrosen@example.com");
	assert_slice(split_msg(&m).from.tag, "98asjd8");
	assert_slice(split_msg(&m).to.display, "");
	assert_slice(split_msg(&m).to.uri, "sip:911@example.com");
	assert_slice(split_msg(&m).to.tag, "1918181833n");
	assert_int_equal(split_msg(&m).to.star, 0);
	/* No tag in a To of an initial request. */
	assert_true(tu_parse_str(INVITE(""), &m) > 0);
	assert_int_equal(split_msg(&m).to.tag.len, 0);
	assert_slice(split_msg(&m).to.uri, "sip:911@example.com");
}

static void test_bad_from_and_to_are_rejected_when_split(void **state)
{
	/* sip_parse forwards them (RFC 3261 §16.3); the split the proxy makes refuses them. */
	static const struct {
		const char *text;
		int want;
		const char *what;
	} rows[] = {
		{ INVITE_L VIA_H "From: \"Alice <sip:a@example.com>;tag=1\r\n" TO_H CALLID_H CSEQ_H "\r\n", SIP_E_FROM, "unterminated quote" },
		{ INVITE_L VIA_H "From: <sip:a@example.com;tag=1\r\n" TO_H CALLID_H CSEQ_H "\r\n", SIP_E_FROM, "no closing '>'" },
		{ INVITE_L VIA_H "From: Bell, Alexander <sip:a@example.com>;tag=1\r\n" TO_H CALLID_H CSEQ_H "\r\n", SIP_E_FROM, "unquoted comma (RFC 4475 §3.1.2.15)" },
		{ INVITE_L VIA_H FROM_H "To: <sip:911@example.com>;;tag=2\r\n" CALLID_H CSEQ_H "\r\n", SIP_E_TO, "empty parameter" },
		{ INVITE_L VIA_H FROM_H "To:\r\n" CALLID_H CSEQ_H "\r\n", SIP_E_TO, "empty" },
		{ INVITE_L VIA_H FROM_H "To: \"Watson, Thomas\" <sip:t@example.org\r\n" CALLID_H CSEQ_H "\r\n", SIP_E_TO, "no closing '>' after a quoted name" },
	};
	struct sip_msg m;
	struct sip_name_addr na;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		print_message("  %s\n", rows[i].what);
		assert_true(tu_parse_str(rows[i].text, &m) > 0);
		int rc = rows[i].want == SIP_E_FROM ? sip_parse_from(&m, &na) : sip_parse_to(&m, &na);
		assert_status(rc, rows[i].want);
	}
}

static void test_a_reused_msg_is_reset(void **state)
{
	struct sip_msg m;

	(void)state;
	assert_true(tu_parse_str(INVITE("Max-Forwards: 70\r\nContent-Length: 0\r\n"
					"Route: <sip:p@example.com;lr>\r\n"), &m) > 0);
	assert_int_equal(m.max_forwards, 70);
	/* A worker reuses one msg: nothing of the last message may leak into the next. */
	assert_true(tu_parse_str("SIP/2.0 180 Ringing\r\n" RESP_REST, &m) > 0);
	assert_int_equal(m.kind, SIP_RESPONSE);
	assert_int_equal(m.max_forwards, -1);
	assert_int_equal(m.content_length, -1);
	assert_int_equal(m.first[SIP_HDR_ROUTE], 0);
	assert_int_equal(m.first[SIP_HDR_MAX_FORWARDS], 0);
	assert_int_equal(m.method, SIP_METHOD_OTHER);
	assert_int_equal(m.ruri_text.len, 0);
	assert_int_equal(m.nhdr, 5);
	assert_int_equal(m.nvia, 1);
	/* And after an error, the next parse starts clean. */
	assert_true(tu_parse_str("garbage\r\n\r\n", &m) < 0);
	assert_true(tu_parse_str(INVITE(""), &m) > 0);
	assert_int_equal(m.err_off, 0);
}

static void test_every_status_has_a_name_and_a_text(void **state)
{
	static const struct {
		int status;
		const char *name;
		const char *text;
	} statuses[] = {
#define STATUS_ROW(name, text) { SIP_##name, #name, text },
		SIP_STATUS_LIST(STATUS_ROW)
#undef STATUS_ROW
	};

	(void)state;
	assert_int_equal(SIP_OK, 0);
	for (size_t i = 0; i < TU_LEN(statuses); i++) {
		assert_int_equal(statuses[i].status, -(int)i);
		assert_string_equal(sip_status_name(statuses[i].status), statuses[i].name);
		assert_string_equal(sip_status_text(statuses[i].status), statuses[i].text);
	}
	assert_string_equal(sip_status_name(1), "UNKNOWN");
	assert_string_equal(sip_status_name(-(int)SIP_STATUS_COUNT), "UNKNOWN");
	assert_string_equal(sip_status_text(-1000), "unknown status");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_max_forwards_values),
		cmocka_unit_test(test_cseq_values),
		cmocka_unit_test(test_cseq_method_must_match_the_request_method),
		cmocka_unit_test(test_call_id_values),
		cmocka_unit_test(test_content_length_frames_the_body),
		cmocka_unit_test(test_from_and_to_are_split),
		cmocka_unit_test(test_bad_from_and_to_are_rejected_when_split),
		cmocka_unit_test(test_a_reused_msg_is_reset),
		cmocka_unit_test(test_every_status_has_a_name_and_a_text),
	};

	return cmocka_run_group_tests_name("sip_fields", tests, NULL, NULL);
}
