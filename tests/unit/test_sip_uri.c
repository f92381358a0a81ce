/*
 * test_sip_uri.c - sip_uri_parse() and sip_uri_dialled_digits(): sip, sips,
 * tel, urn and opaque schemes; user, password, host kinds, port, the split
 * parameters (user=phone, lr, transport, maddr, phone-context) and headers;
 * malformed URIs; and the dialled number emergency matching reads, with
 * visual separators and %-escapes, for numbers and for URIs that carry none,
 * checking with a canary that nothing is written past the caller's capacity.
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

/* The expected parts of a URI; NULL means empty. */
struct uri_want {
	const char *text;
	uint8_t scheme;
	const char *scheme_name, *user, *password, *host;
	uint8_t kind;
	uint16_t port;
	const char *params, *headers;
	const char *user_param, *transport, *maddr, *phone_context, *urn_nss;
	uint8_t lr;
	const char *what;
};

#define E(s) ((s) ? (s) : "")

static void test_uris_are_split_into_parts(void **state)
{
	static const struct uri_want rows[] = {
		{ "sip:alice@example.com", SIP_SCHEME_SIP, "sip", "alice", NULL, "example.com", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "plain sip" },
		{ "SIP:alice@EXAMPLE.com", SIP_SCHEME_SIP, "SIP", "alice", NULL, "EXAMPLE.com", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "scheme in any case" },
		{ "sips:alice:secret@192.0.2.4:5061;transport=tls", SIP_SCHEME_SIPS, "sips", "alice", "secret", "192.0.2.4", SIP_HOST_IPV4, 5061, ";transport=tls", NULL, NULL, "tls", NULL, NULL, NULL, 0, "sips, password, IPv4, port, transport" },
		{ "sip:[2001:db8::10]:5070;lr", SIP_SCHEME_SIP, "sip", NULL, NULL, "[2001:db8::10]", SIP_HOST_IPV6, 5070, ";lr", NULL, NULL, NULL, NULL, NULL, NULL, 1, "IPv6 reference, no user, lr" },
		{ "sips:[::1]", SIP_SCHEME_SIPS, "sips", NULL, NULL, "[::1]", SIP_HOST_IPV6, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "shortest IPv6" },
		{ "sip:example.com", SIP_SCHEME_SIP, "sip", NULL, NULL, "example.com", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "host only" },
		{ "sip:+14255550100@gw.example.com;user=phone", SIP_SCHEME_SIP, "sip", "+14255550100", NULL, "gw.example.com", SIP_HOST_NAME, 0, ";user=phone", NULL, "phone", NULL, NULL, NULL, NULL, 0, "user=phone" },
		{ "sip:911;phone-context=+1@example.com;user=phone", SIP_SCHEME_SIP, "sip", "911;phone-context=+1", NULL, "example.com", SIP_HOST_NAME, 0, ";user=phone", NULL, "phone", NULL, NULL, NULL, NULL, 0, "phone-context in the user part is not a URI parameter" },
		{ "sip:alice@example.com;maddr=239.255.255.1;ttl=15;LR?Subject=hi&Priority=urgent", SIP_SCHEME_SIP, "sip", "alice", NULL, "example.com", SIP_HOST_NAME, 0, ";maddr=239.255.255.1;ttl=15;LR", "Subject=hi&Priority=urgent", NULL, NULL, "239.255.255.1", NULL, NULL, 1, "maddr, lr in capitals, headers" },
		{ "sip:bob@example.com;Transport=TCP;User=ip;x-unknown", SIP_SCHEME_SIP, "sip", "bob", NULL, "example.com", SIP_HOST_NAME, 0, ";Transport=TCP;User=ip;x-unknown", NULL, "ip", "TCP", NULL, NULL, NULL, 0, "parameter names in any case, unknown ones kept" },
		{ "sip:user;par=u%40example.net@example.com", SIP_SCHEME_SIP, "sip", "user;par=u%40example.net", NULL, "example.com", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "';' and escaped '@' in the user part (RFC 4475 §3.1.1.9)" },
		{ "sip:sips%3Auser%40example.com@example.net", SIP_SCHEME_SIP, "sip", "sips%3Auser%40example.com", NULL, "example.net", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "escapes are not decoded (§3.1.1.3)" },
		{ "sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31", SIP_SCHEME_SIP, "sip", "cal%6Cer", NULL, "host5.example.net", SIP_HOST_NAME, 0, ";%6C%72;n%61me=v%61lue%25%34%31", NULL, NULL, NULL, NULL, NULL, NULL, 0, "escaped parameter: %6C%72 is not lr" },
		{ "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com", SIP_SCHEME_SIP, "sip", "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*", "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)", "example.com", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "every legal user and password character (§3.1.1.2)" },
		{ "sip:alice@1.2.3.4.5", SIP_SCHEME_SIP, "sip", "alice", NULL, "1.2.3.4.5", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "five numbers: a name, not IPv4" },
		{ "sip:h.example.com:65535", SIP_SCHEME_SIP, "sip", NULL, NULL, "h.example.com", SIP_HOST_NAME, 65535, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "largest port" },
		{ "sip:a@h;x=a/b;y=(c);z=$&;w=[::1]:5", SIP_SCHEME_SIP, "sip", "a", NULL, "h", SIP_HOST_NAME, 0, ";x=a/b;y=(c);z=$&;w=[::1]:5", NULL, NULL, NULL, NULL, NULL, NULL, 0, "param-unreserved characters in values (RFC 3261 §25.1)" },
		{ "tel:+1-425-555-0100;ext=22", SIP_SCHEME_TEL, "tel", "+1-425-555-0100", NULL, NULL, SIP_HOST_NONE, 0, ";ext=22", NULL, NULL, NULL, NULL, NULL, NULL, 0, "global tel with a parameter" },
		{ "tel:911;phone-context=+1", SIP_SCHEME_TEL, "tel", "911", NULL, NULL, SIP_HOST_NONE, 0, ";phone-context=+1", NULL, NULL, NULL, NULL, "+1", NULL, 0, "local tel with phone-context" },
		{ "TEL:+1(425)555-0911", SIP_SCHEME_TEL, "TEL", "+1(425)555-0911", NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "tel with visual separators" },
		{ "urn:service:sos", SIP_SCHEME_URN, "urn", "service", NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, "sos", 0, "the emergency URN (RFC 5031)" },
		{ "urn:service:sos.fire", SIP_SCHEME_URN, "urn", "service", NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, "sos.fire", 0, "a sub-service" },
		{ "URN:Service:SOS", SIP_SCHEME_URN, "URN", "Service", NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, "SOS", 0, "URN in capitals, kept as written" },
		{ "http://www.example.com", SIP_SCHEME_OTHER, "http", NULL, NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "http: is opaque" },
		{ "soap.beep://192.0.2.103:3002", SIP_SCHEME_OTHER, "soap.beep", NULL, NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "dotted scheme (RFC 4475 §3.3.3)" },
		{ "nobodyKnowsThisScheme:totallyopaquecontent", SIP_SCHEME_OTHER, "nobodyKnowsThisScheme", NULL, NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "unknown scheme (§3.3.2)" },
		{ "cid:loc-a1f3@example.com", SIP_SCHEME_OTHER, "cid", NULL, NULL, NULL, SIP_HOST_NONE, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, "cid: (Geolocation)" },
	};
	struct sip_uri u;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		const struct uri_want *w = &rows[i];
		print_message("  uri row: %s\n", w->what);
		tu_check_status(sip_uri_parse(str(w->text), &u), 0, w->what, __FILE__, __LINE__);
		assert_slice(u.whole, w->text);
		assert_int_equal(u.scheme, w->scheme);
		assert_slice(u.scheme_name, w->scheme_name);
		assert_slice(u.user, E(w->user));
		assert_slice(u.password, E(w->password));
		assert_slice(u.host, E(w->host));
		assert_int_equal(u.host_kind, w->kind);
		assert_int_equal(u.port, w->port);
		assert_slice(u.params, E(w->params));
		assert_slice(u.headers, E(w->headers));
		assert_slice(u.user_param, E(w->user_param));
		assert_slice(u.transport, E(w->transport));
		assert_slice(u.maddr, E(w->maddr));
		assert_slice(u.phone_context, E(w->phone_context));
		assert_slice(u.urn_nss, E(w->urn_nss));
		assert_int_equal(u.lr, w->lr);
	}
}

static void test_malformed_uris_are_rejected(void **state)
{
	static const struct {
		const char *text;
		const char *what;
	} rows[] = {
		{ "", "empty" },
		{ ":", "no scheme" },
		{ "sip", "no colon" },
		{ "sip:", "nothing after the scheme" },
		{ "1sip:a@b", "scheme starting with a digit" },
		{ "+sip:a@b", "scheme starting with '+'" },
		{ "s_p:a", "'_' in a scheme" },
		{ "sip:@example.com", "empty user" },
		{ "sip:a@", "empty host" },
		{ "sip:a@b:0", "port 0" },
		{ "sip:a@b:65536", "port 65536" },
		{ "sip:a@b:", "':' without a port" },
		{ "sip:a@b:x", "port not a number" },
		{ "sip:a@b;", "trailing ';'" },
		{ "sip:a@b;;lr", "\";;\"" },
		{ "sip:a@b;=x", "empty parameter name" },
		{ "sip:a@b;x=", "empty parameter value" },
		{ "sip:a@b?", "empty headers" },
		{ "sip:a@b c", "SP after the host" },
		{ "sip:a@b; lr", "SP inside (RFC 4475 §3.1.2.8)" },
		{ "sip:a@b;lr\t", "HT at the end" },
		{ "sip:a b@c", "SP in the user part" },
		{ "sip:a@[::1", "unterminated IPv6 reference" },
		{ "sip:a@[]", "empty IPv6 reference" },
		{ "sip:a@b>x", "'>' after the host" },
		{ "sip:a@b\"", "quote after the host" },
		{ "sip:<a@b>", "'<' in the user part" },
		{ "sip:a@b_c", "'_' in the host" },
		{ "sip:a@b/c", "'/' after the host" },
		{ "sip:a\x01@b", "control byte" },
		{ "sip:a@\xc3\xa9.example.com", "UTF-8 host" },
		{ "sip:a@b;x=\"q\"", "quoted value in a URI parameter" },
		{ "tel:", "empty tel" },
		{ "tel:;x=1", "tel without a number" },
		{ "tel:911;;x", "\";;\" in tel" },
		{ "tel:91 1", "SP in a tel number" },
		{ "urn:service", "urn without an NSS" },
		{ "urn::sos", "empty NID" },
		{ "urn:service:", "empty NSS" },
		{ "urn:a.b:c", "'.' in the NID" },
		{ "urn:abcdefghijabcdefghijabcdefghijabc:x", "33-character NID" },
		{ "urn:service:s os", "SP in the NSS" },
		{ "http:", "opaque scheme without content" },
		{ "http://a b", "SP in an opaque URI" },
	};
	struct sip_uri u;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++)
		tu_check_status(sip_uri_parse(str(rows[i].text), &u), SIP_E_URI, rows[i].what, __FILE__,
				__LINE__);
}

static void test_a_byte_no_uri_may_hold_is_found_anywhere(void **state)
{
	/*
	 * The URI bytes are checked 16 at a time: a SP, '<', '"', DEL, a control
	 * or a non-ASCII byte at each place of every prefix of URIs of each
	 * scheme, from short to several vector steps long, is refused; the whole
	 * URI without it is not.
	 */
	static const char *const uris[] = {
		"sip:+14255550100@sip.example.com;user=phone;transport=udp;lr;x=averyveryverylongvalue",
		"tel:+1-425-555-0100-000000000000000000000000000000000000000000000000000;phone-context=+1",
		"urn:service:sos.fire.and.something.much.longer.than.sixteen.bytes.here",
		"http://www.example.com/a/path/that/is/long/enough/for/four/vector/steps/x",
	};
	static const char bad[] = { ' ', '<', '>', '"', 0x7f, 0x01, (char)0x80, (char)0xc3 };
	char text[128];
	struct sip_uri u;

	(void)state;
	for (size_t i = 0; i < TU_LEN(uris); i++) {
		tu_check_status(sip_uri_parse(str(uris[i]), &u), 0, uris[i], __FILE__, __LINE__);
		for (size_t len = 8; len <= strlen(uris[i]); len++) {
			memcpy(text, uris[i], len);
			for (size_t at = 4; at < len; at++)
				for (size_t b = 0; b < sizeof(bad); b++) {
					char saved = text[at];
					text[at] = bad[b];
					const char *placed = tu_guard_place(text, (uint32_t)len);
					tu_check_status(sip_uri_parse((struct e911_slice){ placed, (uint32_t)len }, &u),
							SIP_E_URI, uris[i], __FILE__, __LINE__);
					text[at] = saved;
				}
		}
	}
}

static void test_uri_parse_reads_only_its_slice(void **state)
{
	/* The slice ends before "@evil": the bytes after it must not be looked at. */
	const char *text = "sip:911@example.com:5060;lr>@evil;maddr=x";
	struct sip_uri u;

	(void)state;
	assert_int_equal(sip_uri_parse((struct e911_slice){ text, 27 }, &u), 0);
	assert_slice(u.host, "example.com");
	assert_int_equal(u.port, 5060);
	assert_int_equal(u.lr, 1);
	assert_int_equal(u.maddr.len, 0);
	const char *placed = tu_guard_place("sip:911@example.com:506", 23);
	assert_int_equal(sip_uri_parse((struct e911_slice){ placed, 23 }, &u), 0);
	assert_int_equal(u.port, 506);
}

#define CANARY 0xa5

/* Parse text and return sip_uri_dialled_digits into a canary-filled buffer. */
static int digits_of(const char *text, char *out, uint32_t cap)
{
	struct sip_uri u;

	assert_int_equal(sip_uri_parse(str(text), &u), 0);
	memset(out, CANARY, 64);
	return sip_uri_dialled_digits(&u, out, cap);
}

static void test_dialled_digits_drop_visual_separators(void **state)
{
	static const struct {
		const char *uri;
		const char *want;
		const char *what;
	} rows[] = {
		{ "sip:911@sip.example.com", "911", "sip user part" },
		{ "sip:9911@sip.example.com;user=phone", "9911", "user=phone" },
		{ "sips:911@sip.example.com", "911", "sips" },
		{ "sip:911:secret@sip.example.com", "911", "password is not part of it" },
		{ "sip:+1-425-555-0100;phone-context=example.com@sip.example.com;user=phone", "+14255550100", "global number with separators and a user-part parameter" },
		{ "tel:+1(425)555-0911", "+14255550911", "tel with ( ) -" },
		{ "tel:911;phone-context=+1", "911", "local tel with phone-context" },
		{ "tel:9-1-1;phone-context=+1", "911", "local tel with '-'" },
		{ "tel:9.1.1", "911", "'.' separators" },
		{ "sip:%39%31%31@sip.example.com", "911", "escaped digits" },
		{ "sip:%2B1%2D425%2d555%2E0100@h", "+14255550100", "escaped '+', '-' and '.' in any hex case" },
		{ "sip:*69%23@h", "*69#", "'*' and escaped '#'" },
		{ "tel:*69", "*69", "tel with '*'" },
		{ "sip:0@h", "0", "one digit" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		int n = digits_of(rows[i].uri, out, SIP_MAX_DIGITS);
		tu_check_status(n, (int)strlen(rows[i].want), rows[i].what, __FILE__, __LINE__);
		assert_memory_equal(out, rows[i].want, (size_t)n);
		for (size_t k = (size_t)n; k < sizeof(out); k++)
			assert_int_equal((unsigned char)out[k], CANARY); /* no NUL, nothing else */
	}
}

static void test_uris_without_a_number_are_not_a_number(void **state)
{
	static const struct {
		const char *uri;
		const char *what;
	} rows[] = {
		{ "urn:service:sos", "the emergency URN carries no digits" },
		{ "urn:service:sos.police", "a sub-service" },
		{ "sip:alice@example.com", "a name" },
		{ "sip:91a@example.com", "a letter after digits" },
		{ "sip:example.com", "no user part" },
		{ "sip:+@example.com", "a lone '+'" },
		{ "tel:+", "a lone '+' in tel" },
		{ "sip:1+1@example.com", "'+' not in front" },
		{ "sip:++1@example.com", "two '+'" },
		{ "sip:91%1@example.com", "'%' without two hex digits" },
		{ "sip:9%2@example.com", "'%' at the end" },
		{ "sip:%41@example.com", "an escaped letter" },
		{ "sip:%00911@example.com", "an escaped NUL" },
		{ "sip:-.-@example.com", "only separators" },
		{ "http://911.example.com", "an opaque scheme" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		tu_check_status(digits_of(rows[i].uri, out, SIP_MAX_DIGITS), SIP_E_NOT_A_NUMBER,
				rows[i].what, __FILE__, __LINE__);
		for (size_t k = SIP_MAX_DIGITS; k < sizeof(out); k++)
			assert_int_equal((unsigned char)out[k], CANARY);
	}
}

static void test_dialled_digits_never_write_past_cap(void **state)
{
	static const struct {
		const char *uri;
		uint32_t cap;
		int want;
		const char *what;
	} rows[] = {
		{ "sip:12345678901234567890123456789012@h", 32, 32, "32 digits fill SIP_MAX_DIGITS" },
		{ "sip:123456789012345678901234567890123@h", 32, SIP_E_NOT_A_NUMBER, "33 digits overflow it" },
		{ "tel:+1(425)555-0100", 12, 12, "separators do not count" },
		{ "tel:+1(425)555-0100", 11, SIP_E_NOT_A_NUMBER, "one short" },
		{ "sip:9111@h", 3, SIP_E_NOT_A_NUMBER, "four digits, cap 3" },
		{ "sip:911@h", 3, 3, "three digits, cap 3" },
		{ "sip:911@h", 0, SIP_E_NOT_A_NUMBER, "cap 0" },
		{ "sip:%39%31%31%31@h", 3, SIP_E_NOT_A_NUMBER, "escaped, cap 3" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		int n = digits_of(rows[i].uri, out, rows[i].cap);
		tu_check_status(n, rows[i].want, rows[i].what, __FILE__, __LINE__);
		for (size_t k = n > 0 ? (size_t)n : rows[i].cap; k < sizeof(out); k++)
			assert_int_equal((unsigned char)out[k], CANARY);
	}
}

static void test_request_uri_digits_of_the_sample_invites(void **state)
{
	static const struct {
		const char *file;
		const char *want; /* NULL: not a number */
	} rows[] = {
		{ "sip/emergency-invite.sip", "911" },
		{ "sip/emergency-invite-9911.sip", "9911" },
		{ "sip/emergency-invite-tel.sip", "911" },
		{ "sip/emergency-invite-sos.sip", NULL },
		{ "sip/invite-ordinary.sip", "+14255550199" },
	};
	struct sip_msg m;
	char out[64];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		uint32_t len;
		char *data = tu_read_in(TEST_DATA_DIR, rows[i].file, &len);
		if (data == NULL) {
			print_message("  %s absent: skipped\n", rows[i].file);
			continue;
		}
		assert_true(tu_parse(data, len, &m) > 0);
		struct sip_uri ruri;
		assert_status(sip_parse_request_uri(&m, &ruri), 0);
		int n = sip_uri_dialled_digits(&ruri, out, SIP_MAX_DIGITS);
		if (rows[i].want == NULL) {
			assert_status(n, SIP_E_NOT_A_NUMBER);
		} else {
			assert_status(n, (int)strlen(rows[i].want));
			assert_memory_equal(out, rows[i].want, (size_t)n);
		}
		test_free(data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uris_are_split_into_parts),
		cmocka_unit_test(test_malformed_uris_are_rejected),
		cmocka_unit_test(test_a_byte_no_uri_may_hold_is_found_anywhere),
		cmocka_unit_test(test_uri_parse_reads_only_its_slice),
		cmocka_unit_test(test_dialled_digits_drop_visual_separators),
		cmocka_unit_test(test_uris_without_a_number_are_not_a_number),
		cmocka_unit_test(test_dialled_digits_never_write_past_cap),
		cmocka_unit_test(test_request_uri_digits_of_the_sample_invites),
	};

	return cmocka_run_group_tests_name("sip_uri", tests, NULL, NULL);
}
