/*
 * test_sip_limits.c - the parser's limits and its memory safety on hostile
 * input: 64 KiB (SIP_E_TOO_LARGE), SIP_MAX_HEADERS lines
 * (SIP_E_TOO_MANY_HEADERS); every prefix of realistic messages, each placed
 * to end exactly at an unreadable page, must give a negative status or a
 * valid shorter message; every single-byte mutation, deletion and
 * duplication of a small message that uses every helper must do the same,
 * placed against an unreadable page on either side. Valid results go through
 * tu_check_msg, which runs every on-demand helper and checks each slice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

static char big[SIP_MAX_MSG_LEN + 16];

/* An INVITE padded with body bytes to exactly len bytes (no Content-Length). */
static void pad_to(uint32_t len)
{
	static const char head[] = INVITE("");
	memcpy(big, head, sizeof(head) - 1);
	memset(big + sizeof(head) - 1, 'x', len - (sizeof(head) - 1));
}

static void test_64_kib_is_the_largest_message(void **state)
{
	struct sip_msg m;

	(void)state;
	pad_to(SIP_MAX_MSG_LEN);
	assert_status(tu_parse(big, SIP_MAX_MSG_LEN, &m), (int)SIP_MAX_MSG_LEN);
	assert_int_equal(m.body.len, SIP_MAX_MSG_LEN - m.hdr_len);
	pad_to(SIP_MAX_MSG_LEN + 1);
	assert_status(tu_parse(big, SIP_MAX_MSG_LEN + 1, &m), SIP_E_TOO_LARGE);
	assert_int_equal(m.err_off, SIP_MAX_MSG_LEN);
	/* The datagram's length counts, even when Content-Length would frame less. */
	memcpy(big, INVITE_L BASE_H CSEQ_H "l: 0\r\n\r\n", sizeof(INVITE_L BASE_H CSEQ_H "l: 0\r\n\r\n") - 1);
	assert_status(tu_parse(big, SIP_MAX_MSG_LEN + 1, &m), SIP_E_TOO_LARGE);
	assert_status(tu_parse("", 0, &m), SIP_E_TRUNCATED);
}

/* An INVITE with n header lines in all (5 required + n - 5 others). */
static int with_lines(char *buf, size_t cap, unsigned n)
{
	size_t len = (size_t)snprintf(buf, cap, INVITE_L BASE_H CSEQ_H);
	for (unsigned i = 5; i < n; i++)
		len += (size_t)snprintf(buf + len, cap - len, "X-H%u: %u\r\n", i, i);
	len += (size_t)snprintf(buf + len, cap - len, "\r\n");
	assert_true(len < cap);
	return (int)len;
}

static void test_too_many_header_lines_are_rejected(void **state)
{
	struct sip_msg m;

	(void)state;
	int n = with_lines(big, sizeof(big), SIP_MAX_HEADERS);
	assert_status(tu_parse(big, (uint32_t)n, &m), n);
	assert_int_equal(m.nhdr, SIP_MAX_HEADERS);
	assert_slice(m.hdr[SIP_MAX_HEADERS - 1].name, "X-H127");
	n = with_lines(big, sizeof(big), SIP_MAX_HEADERS + 1);
	assert_status(tu_parse(big, (uint32_t)n, &m), SIP_E_TOO_MANY_HEADERS);
	assert_memory_equal(m.buf + m.err_off, "X-H128:", 7); /* the first line too many */
	n = with_lines(big, sizeof(big), 1000);
	assert_status(tu_parse(big, (uint32_t)n, &m), SIP_E_TOO_MANY_HEADERS);
}

/*
 * Parse every prefix of msg (and msg itself) placed before the guard page.
 * Returns how many prefixes parsed; fails on anything but a negative status
 * or a consistent shorter message.
 */
static unsigned every_prefix(const char *msg, uint32_t len, const char *what)
{
	struct sip_msg m;
	unsigned valid = 0;

	for (uint32_t k = 0; k <= len; k++) {
		int rc = tu_parse(msg, k, &m);
		if (rc < 0) {
			if (m.err_off > k || rc < -(int)SIP_STATUS_COUNT) {
				print_error("%s: prefix %u: status %d err_off %u\n", what, k, rc, m.err_off);
				fail();
			}
			continue;
		}
		if ((uint32_t)rc > k || (uint32_t)rc != m.msg_len) {
			print_error("%s: prefix %u: returned %d, msg_len %u\n", what, k, rc, m.msg_len);
			fail();
		}
		tu_check_msg(&m, __FILE__, __LINE__);
		valid++;
	}
	return valid;
}

static void test_every_prefix_of_the_sample_messages_is_safe(void **state)
{
	static const char *const files[] = {
		"sip/emergency-invite.sip", "sip/emergency-invite-big.sip", "sip/emergency-invite-tel.sip",
		"sip/emergency-invite-sos.sip", "sip/200-ok.sip", "sip/100-trying.sip", "sip/ack.sip",
		"sip/options.sip", "sip/message.sip",
	};
	unsigned tested = 0;

	(void)state;
	for (size_t i = 0; i < TU_LEN(files); i++) {
		uint32_t len;
		char *data = tu_read_in(TEST_DATA_DIR, files[i], &len);
		if (data == NULL)
			continue;
		struct sip_msg m;
		int rc = tu_parse(data, len, &m);
		assert_true(rc > 0);
		uint32_t hdr_len = m.hdr_len;
		bool framed = m.content_length >= 0 && (uint32_t)rc == len;
		bool folded = memmem(data, hdr_len, "\n ", 2) || memmem(data, hdr_len, "\n\t", 2);
		unsigned valid = every_prefix(data, len, files[i]);
		/* With a Content-Length, only the whole message (and no prefix) is valid. */
		if (framed)
			assert_int_equal(valid, 1);
		/*
		 * A stream framer's "need more" (picohttpparser's -2): without folds
		 * (where a cut before a continuation line looks complete), a prefix
		 * inside the header section is SIP_E_TRUNCATED, inside the body
		 * SIP_E_BODY_TRUNCATED.
		 */
		for (uint32_t k = 0; framed && !folded && k < len; k++) {
			int want = k < hdr_len ? SIP_E_TRUNCATED : SIP_E_BODY_TRUNCATED;
			tu_check_status(tu_parse(data, k, &m), want, files[i], __FILE__, __LINE__);
		}
		test_free(data);
		tested++;
	}
	if (tested == 0)
		skip();
}

static void test_every_prefix_of_a_message_without_content_length_is_safe(void **state)
{
	/* Folds, compact forms, bare LF, no Content-Length: every prefix past the headers is valid. */
	static const char msg[] = "OPTIONS sip:+1-425-555-0100@example.com;user=phone SIP/2.0\r\n"
				  "v: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKp;rport,\r\n"
				  " SIP/2.0/TCP h.example.com;received=192.0.2.1\n"
				  "From: \"a\\\"b\" <sip:a@example.com>\r\n ;tag=1\r\n"
				  "t: sip:b@example.com\r\n"
				  "i: abc@def\r\n"
				  "CSeq: 1\r\n OPTIONS\r\n"
				  "Max-Forwards: 0068\r\n"
				  "Route: <sip:p1;lr>, \"x, y\" <sip:p2;lr>\r\n"
				  "\r\n"
				  "body bytes\r\n";
	const uint32_t len = sizeof(msg) - 1;
	const uint32_t hdr_len = (uint32_t)(strstr(msg, "\r\n\r\n") + 4 - msg);

	(void)state;
	assert_int_equal(every_prefix(msg, len, "inline"), len - hdr_len + 1);
}

/* A small message that reaches every helper: Via list, name-addrs, URI, body parts. */
static uint32_t small_message(char *buf, size_t cap)
{
	static const char body[] = "--B\r\nc: application/pidf+xml\r\nContent-ID: <l@x>\r\n\r\n<p/>\r\n--B--\r\n";
	int n = snprintf(buf, cap,
			 "INVITE sip:9%%31-1@example.com:5060;user=phone;lr SIP/2.0\r\n"
			 "v: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;rport, SIP/2.0/TCP h;received=1.2.3.4\r\n"
			 "f: \"A\\\"\" <sip:a@example.com>;tag=1\r\n"
			 "t: <tel:+1-425-555-0100>\r\n"
			 "i: c@h\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
			 "Route: <sip:p;lr>, \"x,y\" <sip:q>\r\n"
			 "Geolocation: <cid:l@x>\r\n"
			 "c: multipart/mixed;boundary=B\r\nl: %zu\r\n\r\n%s",
			 sizeof(body) - 1, body);
	assert_true(n > 0 && (size_t)n < cap);
	return (uint32_t)n;
}

/* Parse buf[0..len) placed against the back and the front guard pages. */
static unsigned parse_both_ways(const char *buf, uint32_t len)
{
	struct sip_msg m;
	unsigned valid = 0;

	if (sip_parse(tu_guard_place(buf, len), len, &m) >= 0) {
		tu_check_msg(&m, __FILE__, __LINE__);
		valid++;
	}
	if (sip_parse(tu_guard_place_front(buf, len), len, &m) >= 0) {
		tu_check_msg(&m, __FILE__, __LINE__);
		valid++;
	}
	return valid;
}

static void test_every_single_byte_mutation_is_safe(void **state)
{
	char msg[1024], buf[1024];
	uint32_t len = small_message(msg, sizeof(msg));
	struct sip_msg m;
	unsigned valid = 0;

	(void)state;
	assert_status(tu_parse(msg, len, &m), (int)len);
	struct e911_slice pidf;
	assert_int_equal(sip_find_pidf(&m, &pidf), 0);
	assert_slice(pidf, "<p/>");
	for (uint32_t i = 0; i < len; i++) {
		memcpy(buf, msg, len);
		for (unsigned b = 0; b < 256; b++) {
			buf[i] = (char)b;
			valid += parse_both_ways(buf, len);
		}
	}
	print_message("  %u of %u mutations parsed\n", valid / 2, len * 256);
	assert_true(valid > 0);
}

static void test_every_byte_deletion_and_duplication_is_safe(void **state)
{
	char msg[1024], buf[1024];
	uint32_t len = small_message(msg, sizeof(msg));

	(void)state;
	for (uint32_t i = 0; i < len; i++) {
		/* Delete byte i. */
		memcpy(buf, msg, i);
		memcpy(buf + i, msg + i + 1, len - i - 1);
		parse_both_ways(buf, len - 1);
		/* Duplicate byte i. */
		memcpy(buf, msg, i + 1);
		memcpy(buf + i + 1, msg + i, len - i);
		parse_both_ways(buf, len + 1);
	}
}

static void test_random_garbage_is_safe(void **state)
{
	static const char alphabet[] = "\r\n \t:;,=<>\"\\@/[].%-+0123456789abcSIPvfti";
	char buf[512];
	unsigned seed = 4475;

	(void)state;
	/* Headers of SIP-ish symbols after a valid start line, 20000 times. */
	for (int round = 0; round < 20000; round++) {
		uint32_t n = (uint32_t)snprintf(buf, sizeof(buf), "INVITE sip:a@b SIP/2.0\r\n");
		uint32_t extra = (uint32_t)(rand_r(&seed) % 200);
		for (uint32_t i = 0; i < extra; i++)
			buf[n++] = alphabet[(unsigned)rand_r(&seed) % (sizeof(alphabet) - 1)];
		parse_both_ways(buf, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_64_kib_is_the_largest_message),
		cmocka_unit_test(test_too_many_header_lines_are_rejected),
		cmocka_unit_test(test_every_prefix_of_the_sample_messages_is_safe),
		cmocka_unit_test(test_every_prefix_of_a_message_without_content_length_is_safe),
		cmocka_unit_test(test_every_single_byte_mutation_is_safe),
		cmocka_unit_test(test_every_byte_deletion_and_duplication_is_safe),
		cmocka_unit_test(test_random_garbage_is_safe),
	};

	return cmocka_run_group_tests_name("sip_limits", tests, NULL, NULL);
}
