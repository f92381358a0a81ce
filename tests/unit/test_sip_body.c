/*
 * test_sip_body.c - message bodies: sip_content_type_parse() (type, subtype,
 * boundary quoted and not, malformed values), sip_multipart_next() (preamble,
 * epilogue, parts without headers, empty parts, binary parts with NUL and
 * bare CR/LF, transport padding, missing delimiters) and sip_find_pidf()
 * (by the Geolocation cid:, by content type, the whole body, absent, and the
 * errors that stop the search), on inline bodies and the sample INVITEs;
 * sip_find_pair() against a byte-at-a-time search, and delimiters at every
 * offset of the search's vector steps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

static struct e911_slice str(const char *s)
{
	return (struct e911_slice){ s, (uint32_t)strlen(s) };
}

static void test_content_types_are_split(void **state)
{
	static const struct {
		const char *value;
		const char *type, *subtype, *params, *boundary;
		const char *what;
	} rows[] = {
		{ "application/sdp", "application", "sdp", "", "", "no parameters" },
		{ "multipart/mixed;boundary=e911-a1f3c9d2", "multipart", "mixed", ";boundary=e911-a1f3c9d2", "e911-a1f3c9d2", "token boundary" },
		{ "multipart/mixed; boundary=\"simple boundary\"", "multipart", "mixed", "; boundary=\"simple boundary\"", "simple boundary", "quoted boundary loses its quotes" },
		{ "Multipart/Mixed ; Boundary = abc ", "Multipart", "Mixed", "; Boundary = abc", "abc", "any case, LWS around" },
		{ "application / pidf+xml", "application", "pidf+xml", "", "", "LWS around the slash" },
		{ "text/plain;charset=UTF-8", "text", "plain", ";charset=UTF-8", "", "other parameter" },
		{ "multipart/mixed;boundary=\"\"", "multipart", "mixed", ";boundary=\"\"", "", "empty quoted boundary" },
		{ "multipart/mixed;boundary=1234567890123456789012345678901234567890123456789012345678901234567890", "multipart", "mixed", ";boundary=1234567890123456789012345678901234567890123456789012345678901234567890", "1234567890123456789012345678901234567890123456789012345678901234567890", "70-character boundary, the RFC 2046 maximum" },
	};
	struct sip_content_type ct;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		tu_check_status(sip_content_type_parse(str(rows[i].value), &ct), 0, rows[i].what,
				__FILE__, __LINE__);
		assert_slice(ct.type, rows[i].type);
		assert_slice(ct.subtype, rows[i].subtype);
		assert_slice(ct.params, rows[i].params);
		assert_slice(ct.boundary, rows[i].boundary);
	}
	assert_int_equal(sip_content_type_parse(SLICE_LIT("Application/PIDF+XML"), &ct), 0);
	assert_true(sip_content_type_is(&ct, "application", "pidf+xml"));
	assert_false(sip_content_type_is(&ct, "application", "pidf"));
	assert_false(sip_content_type_is(&ct, "multipart", "pidf+xml"));
}

static void test_malformed_content_types_are_rejected(void **state)
{
	static const struct {
		const char *value;
		const char *what;
	} rows[] = {
		{ "", "empty" },
		{ "application", "no subtype" },
		{ "application/", "empty subtype" },
		{ "/sdp", "empty type" },
		{ "application/sdp;", "trailing ';'" },
		{ "application/sdp junk", "junk after the subtype" },
		{ "a b/c", "SP inside the type" },
		{ "multipart/mixed;boundary=", "empty boundary value" },
		{ "text/plain;charset=\"utf-8", "unterminated quote" },
		{ "multipart/mixed;boundary=12345678901234567890123456789012345678901234567890123456789012345678901", "71-character boundary" },
	};
	struct sip_content_type ct;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++)
		tu_check_status(sip_content_type_parse(str(rows[i].value), &ct), SIP_E_CONTENT_TYPE,
				rows[i].what, __FILE__, __LINE__);
}

/* The parts of a body: count, or the status that ended the walk. */
static int parts_of(const char *body, size_t len, const char *boundary, struct sip_body_part *out,
		    int cap)
{
	/* Before a guard page: a part that ran past the body would crash. */
	struct e911_slice b = { tu_guard_place(body, (uint32_t)len), (uint32_t)len };
	uint32_t cursor = 0;
	int rc, n = 0;

	while ((rc = sip_multipart_next(b, str(boundary), &cursor, &out[n])) == 1) {
		assert_true(out[n].body.p >= b.p && out[n].body.p + out[n].body.len <= b.p + b.len);
		assert_true(++n < cap);
	}
	if (rc == 0) /* and it stays closed */
		assert_int_equal(sip_multipart_next(b, str(boundary), &cursor, &out[n]), 0);
	return rc < 0 ? rc : n;
}

static void test_multipart_parts_come_in_order(void **state)
{
	static const char body[] = "This is the preamble.\r\n"
				   "--b1\r\n"
				   "Content-Type: text/plain\r\n"
				   "\r\n"
				   "hello\r\n"
				   "--b1\r\n"
				   "c: application/pidf+xml\r\n"
				   "Content-ID: <loc@example.com>\r\n"
				   "X-Folded: a\r\n b\r\n"
				   "\r\n"
				   "<presence/>\r\n"
				   "\r\n"
				   "--b1--\r\n"
				   "This is the epilogue; --b1 here means nothing.\r\n";
	struct sip_body_part p[4];

	(void)state;
	assert_int_equal(parts_of(body, sizeof(body) - 1, "b1", p, 4), 2);
	assert_slice(p[0].headers, "Content-Type: text/plain\r\n");
	assert_slice(p[0].content_type, "text/plain");
	assert_slice(p[0].content_id, "");
	assert_slice(p[0].body, "hello");
	assert_slice(p[1].content_type, "application/pidf+xml"); /* compact "c" */
	assert_slice(p[1].content_id, "<loc@example.com>");
	/* The CRLF before the delimiter belongs to it; the one before that to the body. */
	assert_slice(p[1].body, "<presence/>\r\n");
}

static void test_odd_but_valid_parts(void **state)
{
	static const struct {
		const char *body;
		int parts;
		const char *first_body, *first_type;
		const char *what;
	} rows[] = {
		{ "--b\r\n\r\nno headers\r\n--b--", 1, "no headers", "", "a part without headers (text/plain)" },
		{ "--b  \t\r\nContent-Type: a/b\r\n\r\nx\r\n--b \r\n\r\ny\r\n--b--", 2, "x", "a/b", "transport padding after delimiters" },
		{ "--b\r\n\r\n\r\n--b--", 1, "", "", "an empty part: its last CRLF is the delimiter's" },
		{ "--b\r\nContent-Type: application/pidf+xml\r\n\r\n\r\n--b--", 1, "", "application/pidf+xml", "an empty body after headers" },
		{ "--b\r\n\r\n--xb\r\n--b--", 1, "--xb", "", "a line that only contains the boundary" },
		{ "--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b\r\n\r\nthree\r\n--b--", 3, "one", "", "three parts" },
		{ "--b\r\n\r\nx\r\n--b--", 1, "x", "", "no epilogue, no final CRLF" },
	};
	struct sip_body_part p[8];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		int n = parts_of(rows[i].body, strlen(rows[i].body), "b", p, 8);
		tu_check_status(n, rows[i].parts, rows[i].what, __FILE__, __LINE__);
		assert_slice(p[0].body, rows[i].first_body);
		assert_slice(p[0].content_type, rows[i].first_type);
	}
}

static void test_an_empty_part_right_after_its_headers_stays_inside_the_body(void **state)
{
	/*
	 * RFC 2046 §5.1.1: body-part = MIME-part-headers [CRLF *OCTET], and the
	 * delimiter starts with CRLF. Here the CRLF that ends the headers is also
	 * the delimiter's: the part has headers and no body. It must come out as
	 * an empty body, not one that starts after where it ends.
	 */
	static const char *const bodies[] = {
		"--b\r\nContent-Type: application/pidf+xml\r\n\r\n--b--",
		"--b\r\n\r\n--b--",
		"--b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--",
	};
	struct sip_body_part p[4];

	(void)state;
	for (size_t i = 0; i < TU_LEN(bodies); i++) {
		int n = parts_of(bodies[i], strlen(bodies[i]), "b", p, 4);
		assert_true(n >= 1);
		assert_int_equal(p[0].body.len, 0);
	}
}

static void test_binary_parts_keep_nul_and_bare_cr_lf(void **state)
{
	/* RFC 4475 §3.1.1.11: a binary part; framing is by boundary only. */
	static const char body[] = "--7a9cbec02ceef655\r\n"
				   "Content-Type: application/octet-stream\r\n"
				   "Content-Transfer-Encoding: binary\r\n"
				   "\r\n"
				   "0\x82\x01R\x06\t*\x86H\x86\xf7\r\x01\x07\x02\xa0\x00\nbare\rcr\x00--7a\r\n"
				   "--7a9cbec02ceef655--\r\n";
	static const char want[] = "0\x82\x01R\x06\t*\x86H\x86\xf7\r\x01\x07\x02\xa0\x00\nbare\rcr\x00--7a";
	struct sip_body_part p[2];

	(void)state;
	assert_int_equal(parts_of(body, sizeof(body) - 1, "7a9cbec02ceef655", p, 2), 1);
	assert_int_equal(p[0].body.len, sizeof(want) - 1);
	assert_memory_equal(p[0].body.p, want, sizeof(want) - 1);
	assert_slice(p[0].content_type, "application/octet-stream");
}

static void test_broken_multiparts_are_errors(void **state)
{
	static const struct {
		const char *body, *boundary;
		int parts_before; /* parts returned before the error */
		const char *what;
	} rows[] = {
		{ "--b\r\n\r\nx", "b", 0, "no closing delimiter" },
		{ "--b\r\n\r\nx\r\n--b\r\n\r\ny", "b", 1, "second part not closed" },
		{ "hello", "b", 0, "no delimiter at all" },
		{ "", "b", 0, "empty body" },
		{ "--b\r\n\r\nx\r\n--b--", "", 0, "empty boundary" },
		{ "--bx\r\n\r\nx\r\n--b--", "b", 0, "delimiter followed by other bytes" },
		{ "x--b\r\n\r\nx", "b", 0, "the only delimiter not at a line start" },
		{ "--b\r\nContent-Type: a/b\r\n--b--", "b", 0, "headers without their empty line" },
		{ "--b\r\nContent-Type: a/b", "b", 0, "ends inside the headers" },
		{ "--b", "b", 0, "a delimiter alone" },
		{ "--b\r\n\r\nx\r\n--c--", "b", 0, "closed with another boundary" },
	};
	struct sip_body_part p[4];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		struct e911_slice b = { tu_guard_place(rows[i].body, (uint32_t)strlen(rows[i].body)),
					(uint32_t)strlen(rows[i].body) };
		uint32_t cursor = 0;
		int rc, n = 0;
		while ((rc = sip_multipart_next(b, str(rows[i].boundary), &cursor, &p[0])) == 1)
			n++;
		tu_check_status(rc, SIP_E_MULTIPART, rows[i].what, __FILE__, __LINE__);
		assert_int_equal(n, rows[i].parts_before);
	}
	/*
	 * Lenient: RFC 2046 wants at least one part, but a close delimiter first
	 * (all before it is preamble) simply ends the walk with no part.
	 */
	static const char close_first[] = "x--b\r\n\r\nx\r\n--b--";
	assert_int_equal(parts_of(close_first, sizeof(close_first) - 1, "b", p, 4), 0);
}

/* An INVITE with a Content-Type, extra headers and a body, parsed into m. */
static void parse_with_body(struct sip_msg *m, const char *extra, const char *ct, const char *body)
{
	static char text[8192];
	int n = snprintf(text, sizeof(text), INVITE_L BASE_H CSEQ_H "%s%s%s%sContent-Length: %zu\r\n\r\n%s",
			 extra, ct ? "Content-Type: " : "", ct ? ct : "", ct ? "\r\n" : "",
			 strlen(body), body);
	assert_true(n > 0 && (size_t)n < sizeof(text));
	assert_status(tu_parse(text, (uint32_t)n, m), n);
}

#define TWO_PIDF_BODY                                                                        \
	"--xx\r\nContent-Type: application/sdp\r\nContent-ID: <sdp@x>\r\n\r\nv=0\r\n"        \
	"--xx\r\nContent-Type: application/pidf+xml\r\nContent-ID: <a@x>\r\n\r\n<A/>\r\n"    \
	"--xx\r\nContent-Type: application/pidf+xml\r\nContent-ID: <b@x>\r\n\r\n<B/>\r\n"    \
	"--xx--\r\n"

static void test_find_pidf_locates_the_location_document(void **state)
{
	static const struct {
		const char *extra, *ct, *body;
		const char *want; /* the document, or NULL with a status */
		int status;
		const char *what;
	} rows[] = {
		{ "Geolocation: <cid:b@x>\r\n", "multipart/mixed;boundary=xx", TWO_PIDF_BODY, "<B/>", 0, "the part Geolocation's cid: names (RFC 6442 §4.1)" },
		{ "", "multipart/mixed;boundary=xx", TWO_PIDF_BODY, "<A/>", 0, "no Geolocation: the first pidf+xml part" },
		{ "Geolocation: <cid:nothere@x>\r\n", "multipart/mixed;boundary=xx", TWO_PIDF_BODY, "<A/>", 0, "a cid: no part has: by content type" },
		{ "Geolocation: <https://lis.example.com/loc/1>\r\n", "multipart/mixed;boundary=xx", TWO_PIDF_BODY, "<A/>", 0, "location by reference: by content type" },
		{ "Geolocation: <cid:b@x>, <https://lis.example.com/1>\r\n", "multipart/mixed;boundary=xx", TWO_PIDF_BODY, "<B/>", 0, "the first of two Geolocation values" },
		{ "Geolocation: <cid:sdp@x>\r\n", "multipart/mixed;boundary=xx", TWO_PIDF_BODY, "v=0", 0, "the named part, whatever its type" },
		{ "", "application/pidf+xml", "<presence/>", "<presence/>", 0, "the whole body" },
		{ "", "Application/PIDF+XML;charset=UTF-8", "<presence/>", "<presence/>", 0, "the whole body, any case" },
		{ "", "application/sdp", "v=0\r\n", NULL, SIP_E_NOT_FOUND, "SDP only" },
		{ "", NULL, "v=0\r\n", NULL, SIP_E_NOT_FOUND, "no Content-Type" },
		{ "", "application/pidf+xml", "", NULL, SIP_E_NOT_FOUND, "empty body" },
		{ "", "multipart/mixed;boundary=xx", "--xx\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--xx--\r\n", NULL, SIP_E_NOT_FOUND, "multipart without pidf" },
		{ "", "multipart/mixed;boundary=xx", "--xx\r\nContent-Type: application/pidf+xml\r\n\r\n<A/>\r\n", NULL, SIP_E_MULTIPART, "unclosed multipart" },
		{ "", "multipart/mixed", "--xx\r\n\r\n<A/>\r\n--xx--", NULL, SIP_E_MULTIPART, "multipart without a boundary" },
		{ "", "multipart", "--xx\r\n\r\n<A/>\r\n--xx--", NULL, SIP_E_CONTENT_TYPE, "malformed Content-Type" },
	};
	struct sip_msg m;
	struct e911_slice pidf;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		parse_with_body(&m, rows[i].extra, rows[i].ct, rows[i].body);
		pidf = (struct e911_slice){ NULL, 0 };
		int rc = sip_find_pidf(&m, &pidf);
		tu_check_status(rc, rows[i].want ? 0 : rows[i].status, rows[i].what, __FILE__, __LINE__);
		if (rows[i].want)
			assert_slice(pidf, rows[i].want);
	}
}

static void test_find_pidf_gives_up_after_too_many_parts(void **state)
{
	static char body[8192];
	struct sip_msg m;
	struct e911_slice pidf;
	size_t n = 0;

	(void)state;
	/* 100 empty parts, then the document: the search stops at SIP_MAX_LIST parts. */
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "--xx\r\n\r\n%d\r\n", i);
	snprintf(body + n, sizeof(body) - n,
		 "--xx\r\nContent-Type: application/pidf+xml\r\n\r\n<A/>\r\n--xx--\r\n");
	parse_with_body(&m, "", "multipart/mixed;boundary=xx", body);
	assert_status(sip_find_pidf(&m, &pidf), SIP_E_LIST);
	/* 60 parts before it are fine. */
	n = 0;
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "--xx\r\n\r\n%d\r\n", i);
	snprintf(body + n, sizeof(body) - n,
		 "--xx\r\nContent-Type: application/pidf+xml\r\n\r\n<A/>\r\n--xx--\r\n");
	parse_with_body(&m, "", "multipart/mixed;boundary=xx", body);
	assert_status(sip_find_pidf(&m, &pidf), 0);
	assert_slice(pidf, "<A/>");
}

static void test_find_pidf_in_the_sample_invites(void **state)
{
	static const struct {
		const char *file;
		int status;
	} rows[] = {
		{ "sip/emergency-invite.sip", 0 },
		{ "sip/emergency-invite-9911.sip", 0 },
		{ "sip/emergency-invite-tel.sip", 0 },
		{ "sip/emergency-invite-sos.sip", 0 },
		{ "sip/emergency-invite-big.sip", 0 },
		{ "sip/invite-ordinary.sip", SIP_E_NOT_FOUND },
		{ "sip/200-ok.sip", SIP_E_NOT_FOUND },
		{ "sip/message.sip", SIP_E_NOT_FOUND },
		{ "sip/ack.sip", SIP_E_NOT_FOUND },
	};
	struct sip_msg m;
	struct e911_slice pidf;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		uint32_t len;
		char *data = tu_read_in(TEST_DATA_DIR, rows[i].file, &len);
		if (data == NULL) {
			print_message("  %s absent: skipped\n", rows[i].file);
			continue;
		}
		assert_true(tu_parse(data, len, &m) > 0);
		tu_check_status(sip_find_pidf(&m, &pidf), rows[i].status, rows[i].file, __FILE__, __LINE__);
		if (rows[i].status == 0) {
			assert_true(pidf.len > 100);
			assert_memory_equal(pidf.p, "<?xml", 5);
			assert_memory_equal(slice_end(pidf) - 11, "</presence>", 11);
			assert_true(pidf.p >= m.body.p && slice_end(pidf) <= slice_end(m.body));
		}
		test_free(data);
	}
}

/* sip_find_bytes is memmem: the same first occurrence for every needle
 * length, haystack length and place, including near the end and overlaps. */
static void test_find_bytes_is_memmem(void **state)
{
	(void)state;
	char hay[160];
	static const char alphabet[] = "aab<>m";
	uint32_t x = 7;
	for (int round = 0; round < 400; round++) {
		for (size_t i = 0; i < sizeof(hay); i++) {
			x = x * 1103515245u + 12345u;
			hay[i] = alphabet[(x >> 16) % 6u];
		}
		for (size_t len = 0; len <= sizeof(hay); len += 1 + (size_t)(round % 7))
			for (size_t n = 0; n <= 20 && n <= len; n++) {
				size_t at = (size_t)(x % (len - n + 1));
				const char *needle = hay + at; /* present at least once */
				assert_ptr_equal(sip_find_bytes(hay, len, needle, n), memmem(hay, len, needle, n));
				assert_ptr_equal(sip_find_bytes(hay, len, "method>Manual<", 14),
						 memmem(hay, len, "method>Manual<", 14));
				assert_ptr_equal(sip_find_bytes(hay, len, "ab<", 3), memmem(hay, len, "ab<", 3));
			}
	}
	static const char pidf[] = "<gp:method>DHCP</gp:method><x>method>Manual</x>method>Manual<";
	assert_ptr_equal(sip_find_bytes(pidf, strlen(pidf), "method>Manual<", 14), strstr(pidf, "<x>") + 3);
	assert_null(sip_find_bytes(pidf, 43, "method>Manual<", 14));
}

/* sip_find_pair: the first a directly followed by b, for every place and length. */
static void test_find_pair_is_the_first_adjacent_pair(void **state)
{
	(void)state;
	char hay[100];
	static const char alphabet[] = "xxxx\n-->M";
	uint32_t x = 5;
	for (int round = 0; round < 300; round++) {
		for (size_t i = 0; i < sizeof(hay); i++) {
			x = x * 1103515245u + 12345u;
			hay[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		for (size_t len = 0; len <= sizeof(hay); len++) {
			const char *placed = tu_guard_place(hay, (uint32_t)len);
			static const char pairs[][2] = { { '\n', '-' }, { '>', 'M' }, { '-', '-' } };
			for (size_t k = 0; k < TU_LEN(pairs); k++) {
				const char *want = NULL;
				for (size_t i = 0; i + 1 < len && !want; i++)
					if (placed[i] == pairs[k][0] && placed[i + 1] == pairs[k][1])
						want = placed + i;
				assert_ptr_equal(sip_find_pair(placed, placed + len, pairs[k][0], pairs[k][1]), want);
			}
		}
	}
}

static void test_delimiters_are_found_wherever_they_fall(void **state)
{
	/*
	 * The delimiter search looks for lines starting "\n-", 32 positions a
	 * step: put each delimiter at every offset of a step, behind decoys (a
	 * line of one '-', a "--" line with another boundary, the boundary not at
	 * a line start), and the parts must still come out whole.
	 */
	static char body[512];
	static const char decoys[] = "-\r\n--xb\r\nx--b\r\n-b\r\n";
	struct sip_body_part p[4];

	(void)state;
	for (int pad = 0; pad < 70; pad++) {
		int n = snprintf(body, sizeof(body), "%.*s\r\n--b\r\nContent-Type: a/b\r\n\r\n%.*s%s\r\n--b\r\n\r\n%s\r\n--b--",
				 pad, "preamble preamble preamble preamble preamble preamble preamble preamble",
				 pad, "one one one one one one one one one one one one one one one one one one",
				 decoys, decoys);
		assert_true(n > 0 && (size_t)n < sizeof(body));
		/* A preamble of 0 bytes still leaves its CRLF: the delimiter's. */
		assert_int_equal(parts_of(body, (size_t)n, "b", p, 4), 2);
		assert_int_equal(p[0].body.len, (uint32_t)pad + sizeof(decoys) - 1);
		assert_memory_equal(p[0].body.p + pad, decoys, sizeof(decoys) - 1);
		assert_slice(p[0].content_type, "a/b");
		assert_slice(p[1].body, decoys);
	}
	/* The body's very first bytes are a delimiter ("--b", no CRLF before it). */
	static const char first[] = "--b\r\n\r\nx\r\n--b--";
	assert_int_equal(parts_of(first, sizeof(first) - 1, "b", p, 4), 1);
	assert_slice(p[0].body, "x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_types_are_split),
		cmocka_unit_test(test_malformed_content_types_are_rejected),
		cmocka_unit_test(test_multipart_parts_come_in_order),
		cmocka_unit_test(test_odd_but_valid_parts),
		cmocka_unit_test(test_an_empty_part_right_after_its_headers_stays_inside_the_body),
		cmocka_unit_test(test_binary_parts_keep_nul_and_bare_cr_lf),
		cmocka_unit_test(test_broken_multiparts_are_errors),
		cmocka_unit_test(test_find_pidf_locates_the_location_document),
		cmocka_unit_test(test_find_pidf_gives_up_after_too_many_parts),
		cmocka_unit_test(test_find_pidf_in_the_sample_invites),
		cmocka_unit_test(test_find_bytes_is_memmem),
		cmocka_unit_test(test_find_pair_is_the_first_adjacent_pair),
		cmocka_unit_test(test_delimiters_are_found_wherever_they_fall),
	};

	return cmocka_run_group_tests_name("sip_body", tests, NULL, NULL);
}
