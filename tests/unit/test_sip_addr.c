/*
 * test_sip_addr.c - the on-demand helpers for the values that share the
 * name-addr shape: sip_name_addr_parse() (quoted display names with escapes,
 * token display names, none, no LWS before '<', addr-spec whose ';' params
 * are header params, tags, Contact "*"), sip_list_next() (commas inside
 * quotes and < > do not split, empty elements are errors; random values end
 * their elements where a byte-at-a-time walk does) and
 * sip_param_find(); and a walk of the Route, Contact and P-Asserted-Identity
 * lines of a realistic INVITE.
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

static void test_name_addrs_are_split(void **state)
{
	static const struct {
		const char *text;
		const char *display, *uri, *params, *tag;
		const char *what;
	} rows[] = {
		{ "\"Alice Jones\" <sip:alice@example.com>;tag=1928301774", "\"Alice Jones\"", "sip:alice@example.com", ";tag=1928301774", "1928301774", "quoted display name and tag" },
		{ "\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8", "\"J Rosenberg \\\\\\\"\"", "sip:jdrosen@example.com", ";\r\n  tag = 98asjd8", "98asjd8", "escaped backslash and quote, folded params (RFC 4475 §3.1.1.1)" },
		{ "\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33", "\"Quoted string \\\"\\\"\"", "sip:jdrosen@example.com", "; newparam =\r\n      newvalue ;\r\n  secondparam ; q = 0.33", "", "wsinv's Contact" },
		{ "Alice <sip:alice@example.com>", "Alice", "sip:alice@example.com", "", "", "token display name" },
		{ "Alice  Q.  Jones <sip:alice@example.com>", "Alice  Q.  Jones", "sip:alice@example.com", "", "", "several tokens" },
		{ "token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;tag=_token~1'+`*%!-.", "token1~` token2'+_ token3*%!.-", "sip:mundane@example.com", ";tag=_token~1'+`*%!-.", "_token~1'+`*%!-.", "every token character (§3.1.1.2)" },
		{ "caller<sip:caller@example.com>;tag=323", "caller", "sip:caller@example.com", ";tag=323", "323", "no LWS before '<' (§3.1.1.6)" },
		{ "\"x\"<sip:a@example.com>", "\"x\"", "sip:a@example.com", "", "", "quoted, no LWS before '<'" },
		{ "<sip:alice@example.com>", "", "sip:alice@example.com", "", "", "no display name" },
		{ "  <sip:a@example.com>  ", "", "sip:a@example.com", "", "", "LWS around" },
		{ "sip:alice@example.com;tag=abc", "", "sip:alice@example.com", ";tag=abc", "abc", "addr-spec: ';' starts header params" },
		{ "sip:alice@example.com", "", "sip:alice@example.com", "", "", "bare addr-spec" },
		{ "sip:watson@example.com ;tag=DkfV", "", "sip:watson@example.com", ";tag=DkfV", "DkfV", "addr-spec, SP before ';'" },
		{ "sip:+19725552222@gw1.example.net;unknownparam", "", "sip:+19725552222@gw1.example.net", ";unknownparam", "", "unbracketed: a contact-param (§3.3.12)" },
		{ "<sip:+19725552222@gw1.example.net;unknownparam>", "", "sip:+19725552222@gw1.example.net;unknownparam", "", "", "bracketed: a url-parameter (§3.3.13)" },
		{ "<sip:a@example.com;tag=inner>;tag=outer", "", "sip:a@example.com;tag=inner", ";tag=outer", "outer", "the tag outside < > counts" },
		{ "<sip:a@example.com;tag=inner>", "", "sip:a@example.com;tag=inner", "", "", "a URI parameter named tag is no tag" },
		{ "<sip:a@example.com>;TAG=x", "", "sip:a@example.com", ";TAG=x", "x", "tag in capitals" },
		{ "<sip:a@example.com>;tag=1;tag=2", "", "sip:a@example.com", ";tag=1;tag=2", "1", "the first of two tags" },
		{ "<sip:a@example.com>;tag=[::1]:5", "", "sip:a@example.com", ";tag=[::1]:5", "[::1]:5", "a tag of every value class" },
		{ "<sip:a@example.com>;tagx=1", "", "sip:a@example.com", ";tagx=1", "", "a longer name is no tag" },
		{ "<sip:a@example.com>;x=\"q;v\";tag=t", "", "sip:a@example.com", ";x=\"q;v\";tag=t", "t", "quoted ';' in a param value" },
		{ "<sip:user@example.com?Route=%3Csip:sip.example.com%3E>", "", "sip:user@example.com?Route=%3Csip:sip.example.com%3E", "", "", "escaped header in a Contact (§3.3.14)" },
		{ "<cid:loc-a1f3@example.com>", "", "cid:loc-a1f3@example.com", "", "", "Geolocation cid:" },
		{ "<http://www.example.com>;tag=3234233", "", "http://www.example.com", ";tag=3234233", "3234233", "other scheme (§3.3.4)" },
		{ "<sip:a@example.com>;purpose=icon", "", "sip:a@example.com", ";purpose=icon", "", "Call-Info purpose" },
	};
	struct sip_name_addr na;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		print_message("  name-addr row: %s\n", rows[i].what);
		tu_check_status(sip_name_addr_parse(str(rows[i].text), &na), 0, rows[i].what, __FILE__,
				__LINE__);
		assert_slice(na.display, rows[i].display);
		assert_slice(na.uri, rows[i].uri);
		assert_slice(na.params, rows[i].params);
		assert_slice(na.tag, rows[i].tag);
		assert_int_equal(na.star, 0);
	}
}

static void test_quoted_display_may_hold_escaped_control_bytes(void **state)
{
	/* RFC 4475 §3.1.1.2: a quoted-pair may escape NUL, BEL and DEL. */
	static const char text[] = "\"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f\" <sip:a@example.com>";
	struct sip_name_addr na;

	(void)state;
	assert_int_equal(sip_name_addr_parse((struct e911_slice){ text, sizeof(text) - 1 }, &na), 0);
	assert_int_equal(na.display.len, 22);
	assert_slice(na.uri, "sip:a@example.com");
}

static void test_contact_star_is_flagged(void **state)
{
	static const char *const stars[] = { "*", "  *  ", "*\r\n " };
	struct sip_name_addr na;

	(void)state;
	for (size_t i = 0; i < TU_LEN(stars); i++) {
		assert_int_equal(sip_name_addr_parse(str(stars[i]), &na), 0);
		assert_int_equal(na.star, 1);
		assert_int_equal(na.uri.len, 0);
	}
	/* "*" as a display name before '<' is a token, not the wildcard. */
	assert_int_equal(sip_name_addr_parse(str("* <sip:a@example.com>"), &na), 0);
	assert_int_equal(na.star, 0);
	assert_slice(na.display, "*");
}

static void test_malformed_name_addrs_are_rejected(void **state)
{
	static const struct {
		const char *text;
		int want;
		const char *what;
	} rows[] = {
		{ "", SIP_E_NAME_ADDR, "empty" },
		{ "   ", SIP_E_NAME_ADDR, "only LWS" },
		{ "\"unterminated <sip:a@example.com>", SIP_E_NAME_ADDR, "unterminated quote (RFC 4475 §3.1.2.6)" },
		{ "\"ends with a backslash\\", SIP_E_NAME_ADDR, "escape at the end" },
		{ "\"a\\\r\n b\" <sip:a@example.com>", SIP_E_NAME_ADDR, "escaped CR" },
		{ "<sip:a@example.com", SIP_E_NAME_ADDR, "no '>'" },
		{ "<>", SIP_E_NAME_ADDR, "empty < >" },
		{ "\"x\" sip:a@example.com", SIP_E_NAME_ADDR, "quoted display without < >" },
		{ "\"x\"", SIP_E_NAME_ADDR, "display name alone" },
		{ "Bell, Alexander <sip:a.g.bell@example.com>", SIP_E_NAME_ADDR, "unquoted comma (§3.1.2.15)" },
		{ "<sip:a@example.com> junk", SIP_E_NAME_ADDR, "junk after '>'" },
		{ "<sip:a@example.com>x", SIP_E_NAME_ADDR, "junk right after '>'" },
		{ "sip:a@example.com junk", SIP_E_NAME_ADDR, "junk after an addr-spec" },
		{ "<sip:a@example.com>;;tag=1", SIP_E_PARAM, "\";;\"" },
		{ "<sip:a@example.com>;", SIP_E_PARAM, "trailing ';'" },
		{ "<sip:a@example.com>;tag=", SIP_E_PARAM, "empty tag value" },
		{ "<sip:a@example.com>;=1", SIP_E_PARAM, "empty param name" },
		{ "<sip:a@example.com>;x=\"open", SIP_E_PARAM, "unterminated quoted value" },
		{ "\"Joe\" <sip:joe@example.org>;;;;", SIP_E_PARAM, "badinv01's Contact (§3.1.2.1)" },
		{ "<sip:a@example.com>;tag=a b", SIP_E_NAME_ADDR, "a tag followed by junk" },
		{ "<sip:a@example.com>;tag=a\"", SIP_E_NAME_ADDR, "a tag followed by a quote" },
	};
	struct sip_name_addr na;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++)
		tu_check_status(sip_name_addr_parse(str(rows[i].text), &na), rows[i].want, rows[i].what,
				__FILE__, __LINE__);
}

/* Walk a list; return the element count or the error, elements in out[]. */
static int walk(const char *text, const char *out[], size_t cap, char store[][128])
{
	struct e911_slice list = str(text), elem;
	uint32_t cursor = 0;
	int rc, n = 0;

	while ((rc = sip_list_next(list, &cursor, &elem)) == 1) {
		assert_true((size_t)n < cap);
		assert_true(elem.len < 128);
		assert_true(elem.p >= text && elem.p + elem.len <= text + list.len);
		memcpy(store[n], elem.p, elem.len);
		store[n][elem.len] = '\0';
		out[n] = store[n];
		n++;
	}
	return rc < 0 ? rc : n;
}

static void test_lists_split_at_commas_outside_quotes_and_brackets(void **state)
{
	static const struct {
		const char *text;
		int n;
		const char *elems[4];
		const char *what;
	} rows[] = {
		{ "<sip:a@example.com>, <sip:b@example.com>", 2, { "<sip:a@example.com>", "<sip:b@example.com>" }, "two Route entries" },
		{ "\"Doe, John\" <sip:a@example.com>, <sip:b@example.com>", 2, { "\"Doe, John\" <sip:a@example.com>", "<sip:b@example.com>" }, "comma inside quotes" },
		{ "\"a \\\", b\" <sip:a@example.com>,c", 2, { "\"a \\\", b\" <sip:a@example.com>", "c" }, "escaped quote does not end the quotes" },
		{ "<sip:a@example.com?h=1,2>, <sip:b@example.com>", 2, { "<sip:a@example.com?h=1,2>", "<sip:b@example.com>" }, "comma inside < >" },
		{ "100rel,timer ,  replaces\t,path", 4, { "100rel", "timer", "replaces", "path" }, "option tags, LWS trimmed" },
		{ "<sip:a@example.com>,\r\n <sip:b@example.com>", 2, { "<sip:a@example.com>", "<sip:b@example.com>" }, "folded after the comma" },
		{ "<sip:a@example.com>;lr", 1, { "<sip:a@example.com>;lr" }, "one element" },
		{ "*", 1, { "*" }, "Contact *" },
		{ "", 0, { NULL }, "empty value: no element" },
	};
	const char *out[8];
	char store[8][128];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		int n = walk(rows[i].text, out, 8, store);
		tu_check_status(n, rows[i].n, rows[i].what, __FILE__, __LINE__);
		for (int k = 0; k < n; k++)
			assert_string_equal(out[k], rows[i].elems[k]);
	}
}

/*
 * The element ends of sip_list_next as a byte-at-a-time walk finds them (the
 * reference: a quote skips to its closing quote, a backslash escaping the
 * next byte; '<' and '>' open and close; a ',' outside < > ends the element).
 * Returns the end, or NULL for an unterminated quote or '<'.
 */
static const char *ref_element_end(const char *p, const char *end)
{
	unsigned angle = 0;
	while (p < end) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\') {
					if (end - p < 2 || p[1] == '\r' || p[1] == '\n')
						return NULL;
					p++;
				}
			if (p == end)
				return NULL;
			p++;
			continue;
		}
		if (*p == '<')
			angle = 1;
		else if (*p == '>')
			angle = 0;
		else if (*p == ',' && !angle)
			break;
		p++;
	}
	return angle ? NULL : p;
}

static void test_list_elements_end_where_a_byte_walk_ends_them(void **state)
{
	/*
	 * sip_list_next jumps between the bytes that matter 16 at a time: random
	 * values of those bytes among filler, at every length up to 80 (past
	 * several vector steps), must split where the byte walk splits them.
	 */
	static const char alphabet[] = "aaaaaaaaaa \",<>\\;";
	char text[80];
	uint32_t x = 11;

	(void)state;
	for (int round = 0; round < 4000; round++) {
		uint32_t len = 1 + (uint32_t)round % sizeof(text);
		for (uint32_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			text[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		const char *placed = tu_guard_place(text, len);
		struct e911_slice list = { placed, len }, elem;
		uint32_t cursor = 0;
		int rc = sip_list_next(list, &cursor, &elem);
		const char *start = placed;
		while (start < placed + len && *start == ' ')
			start++;
		const char *want = ref_element_end(start, placed + len);
		if (want == NULL) {
			assert_int_equal(rc, SIP_E_LIST);
			continue;
		}
		const char *after = want < placed + len ? want + 1 : want;
		while (after < placed + len && *after == ' ')
			after++;
		const char *last = want;
		while (last > start && last[-1] == ' ')
			last--;
		if (last == start || (want < placed + len && after == placed + len)) {
			assert_int_equal(rc, SIP_E_LIST); /* an empty element, or a trailing comma */
			continue;
		}
		assert_int_equal(rc, 1);
		assert_ptr_equal(placed + cursor, want);
		assert_ptr_equal(elem.p, start);
		assert_ptr_equal(elem.p + elem.len, last);
	}
}

static void test_quoted_display_names_end_where_a_byte_walk_ends_them(void **state)
{
	/* Random quoted display names (quotes, backslashes, CR, LF among filler)
	 * of every length up to 60: the name-addr parses exactly when the byte
	 * walk closes the quotes, and its display name ends there. */
	static const char alphabet[] = "aaaaaaaaa \"\\\r\n";
	char text[96];
	uint32_t x = 3;

	(void)state;
	for (int round = 0; round < 4000; round++) {
		uint32_t n = (uint32_t)round % 60;
		text[0] = '"';
		for (uint32_t i = 1; i <= n; i++) {
			x = x * 1103515245u + 12345u;
			text[i] = alphabet[(x >> 16) % (sizeof(alphabet) - 1)];
		}
		static const char tail[] = "\" <sip:a@b>";
		memcpy(text + 1 + n, tail, sizeof(tail) - 1);
		uint32_t len = 1 + n + (uint32_t)sizeof(tail) - 1;
		const char *placed = tu_guard_place(text, len);
		struct e911_slice whole = { placed, len };
		const char *end = placed + len, *q = NULL;
		for (const char *p = placed + 1; p < end; p++) { /* the reference walk */
			if (*p == '"') {
				q = p + 1;
				break;
			}
			if (*p == '\\') {
				if (end - p < 2 || p[1] == '\r' || p[1] == '\n')
					break;
				p++;
			}
		}
		struct sip_name_addr na;
		int rc = sip_name_addr_parse(whole, &na);
		if (q == NULL)
			assert_int_not_equal(rc, 0); /* unterminated */
		else if (q == end - (sizeof(tail) - 2))
			assert_int_equal(rc, 0); /* closed by the tail's quote */
		if (rc == 0)
			assert_ptr_equal(na.display.p + na.display.len, q);
	}
}

static void test_bad_lists_are_errors(void **state)
{
	static const struct {
		const char *text;
		const char *what;
	} rows[] = {
		{ "a,,b", "\",,\"" },
		{ "a, ,b", "\", ,\"" },
		{ ",a", "leading comma" },
		{ "a,", "trailing comma" },
		{ "a, ", "trailing comma and SP" },
		{ ";;,,;;,;", "wsinv's UnknownHeaderWithUnusualValue" },
		{ "\"open, <sip:a@example.com>", "unterminated quote" },
		{ "<sip:a@example.com, b", "unterminated '<'" },
		{ ",", "a lone comma" },
	};
	const char *out[8];
	char store[8][128];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++)
		tu_check_status(walk(rows[i].text, out, 8, store), SIP_E_LIST, rows[i].what, __FILE__,
				__LINE__);
}

static void test_param_find_reads_one_parameter(void **state)
{
	static const struct {
		const char *params, *name;
		int want;
		const char *value;
		const char *what;
	} rows[] = {
		{ ";lr;transport=udp", "transport", 1, "udp", "a value" },
		{ ";lr;transport=udp", "LR", 1, "", "a bare name, any case" },
		{ ";lr;transport=udp", "maddr", 0, NULL, "absent" },
		{ ";lr;transport=udp", "tr", 0, NULL, "a prefix is not the name" },
		{ ";x=\"q v\";y=1", "x", 1, "\"q v\"", "quotes kept" },
		{ " ; a = b ;c", "a", 1, "b", "LWS around" },
		{ ";received=[2001:db8::1]", "received", 1, "[2001:db8::1]", "IPv6 value" },
		{ ";a=1;a=2", "a", 1, "1", "the first of two" },
		{ "", "a", 0, NULL, "empty" },
		{ ";;a=1", "a", SIP_E_PARAM, NULL, "\";;\"" },
		{ ";a=", "a", SIP_E_PARAM, NULL, "empty value" },
		{ "a=1", "a", SIP_E_PARAM, NULL, "no leading ';'" },
		{ ";a=1 junk", "a", SIP_E_PARAM, NULL, "junk after" },
		{ ";b=1;a=2;", "a", SIP_E_PARAM, NULL, "malformed after the match" },
	};
	struct e911_slice v;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		v = (struct e911_slice){ "untouched", 9 };
		int rc = sip_param_find(str(rows[i].params), str(rows[i].name), &v);
		tu_check_status(rc, rows[i].want, rows[i].what, __FILE__, __LINE__);
		if (rc == 1)
			assert_slice(v, rows[i].value);
		else
			assert_slice(v, "untouched");
	}
	/* The value pointer may be NULL when only presence matters. */
	assert_int_equal(sip_param_find(str(";lr"), SLICE_LIT("lr"), NULL), 1);
}

static void test_route_contact_and_pai_of_an_invite(void **state)
{
	struct sip_msg m;
	const char *text = INVITE("Route: <sip:p1.example.com;lr>,\r\n <sip:p2.example.com;lr;transport=tcp>\r\n"
				  "Route: \"Edge, West\" <sip:[2001:db8::7]:5070;lr>\r\n"
				  "Contact: <sip:alice@192.0.2.1:5060>;expires=60\r\n"
				  "P-Asserted-Identity: \"Alice\" <sip:+14255550100@example.com;user=phone>, <tel:+14255550100>\r\n");
	static const char *const hosts[] = { "p1.example.com", "p2.example.com", "[2001:db8::7]" };
	struct e911_slice elem;
	struct sip_name_addr na;
	struct sip_uri u;
	unsigned n = 0;

	(void)state;
	assert_true(tu_parse_str(text, &m) > 0);
	for (unsigned i = 0; i < m.nhdr; i++) {
		if (m.hdr[i].id != SIP_HDR_ROUTE)
			continue;
		uint32_t cursor = 0;
		while (sip_list_next(m.hdr[i].value, &cursor, &elem) == 1) {
			assert_int_equal(sip_name_addr_parse(elem, &na), 0);
			assert_int_equal(sip_uri_parse(na.uri, &u), 0);
			assert_true(n < TU_LEN(hosts));
			assert_slice(u.host, hosts[n]);
			assert_int_equal(u.lr, 1);
			n++;
		}
	}
	assert_int_equal(n, 3);

	const struct sip_header *h = sip_hdr_first(&m, SIP_HDR_CONTACT);
	assert_int_equal(sip_name_addr_parse(h->value, &na), 0);
	struct e911_slice v;
	assert_int_equal(sip_param_find(na.params, SLICE_LIT("expires"), &v), 1);
	assert_slice(v, "60");

	h = sip_hdr_first(&m, SIP_HDR_P_ASSERTED_IDENTITY);
	uint32_t cursor = 0;
	char digits[SIP_MAX_DIGITS];
	assert_int_equal(sip_list_next(h->value, &cursor, &elem), 1);
	assert_int_equal(sip_list_next(h->value, &cursor, &elem), 1);
	assert_int_equal(sip_name_addr_parse(elem, &na), 0);
	assert_int_equal(sip_uri_parse(na.uri, &u), 0);
	assert_int_equal(u.scheme, SIP_SCHEME_TEL);
	assert_int_equal(sip_uri_dialled_digits(&u, digits, sizeof(digits)), 12);
	assert_memory_equal(digits, "+14255550100", 12);
	assert_int_equal(sip_list_next(h->value, &cursor, &elem), 0);
	assert_int_equal(sip_list_next(h->value, &cursor, &elem), 0); /* stays at the end */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_addrs_are_split),
		cmocka_unit_test(test_quoted_display_may_hold_escaped_control_bytes),
		cmocka_unit_test(test_contact_star_is_flagged),
		cmocka_unit_test(test_malformed_name_addrs_are_rejected),
		cmocka_unit_test(test_lists_split_at_commas_outside_quotes_and_brackets),
		cmocka_unit_test(test_list_elements_end_where_a_byte_walk_ends_them),
		cmocka_unit_test(test_quoted_display_names_end_where_a_byte_walk_ends_them),
		cmocka_unit_test(test_bad_lists_are_errors),
		cmocka_unit_test(test_param_find_reads_one_parameter),
		cmocka_unit_test(test_route_contact_and_pai_of_an_invite),
	};

	return cmocka_run_group_tests_name("sip_addr", tests, NULL, NULL);
}
