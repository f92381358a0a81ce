/*
 * test_policy_uri.c - the normal form of caller identities, which the
 * configuration and the classifier must agree on: what is folded (scheme and
 * host case, tel: visual separators, parameters), what is not (user-part
 * case, sip vs sips), what is refused, that normalising twice changes
 * nothing, and that the function never writes past its buffer.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "e911/policy.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

struct row {
	const char *uri;
	const char *want; /* NULL: -EINVAL */
	const char *what;
};

static const struct row rows[] = {
	{ "sip:alice@example.com", "sip:alice@example.com", "already normal" },
	{ "SIP:alice@EXAMPLE.Com", "sip:alice@example.com", "scheme and host lower-cased" },
	{ "sip:Alice@example.com", "sip:Alice@example.com", "the user part keeps its case" },
	{ "sips:bob@example.net", "sips:bob@example.net", "sips stays sips" },
	{ "sip:alice@example.com;transport=udp?subject=x", "sip:alice@example.com",
	  "parameters and headers dropped" },
	{ "sip:alice:secret@example.com", "sip:alice@example.com", "the password dropped" },
	{ "sip:alice@example.com:5070", "sip:alice@example.com:5070", "the port kept" },
	{ "sip:alice@[2001:DB8::1]:5061", "sip:alice@[2001:db8::1]:5061", "an IPv6 host" },
	{ "sip:example.com", "sip:example.com", "no user part" },
	{ "sip:+1-312-555-0123@example.com;user=phone", "sip:+13125550123@example.com",
	  "user=phone: the user part is a tel number" },
	{ "sip:+1-312-555-0123@example.com;USER=Phone", "sip:+13125550123@example.com",
	  "parameter name and value in any case" },
	{ "sip:+1-312-555-0123@example.com", "sip:+1-312-555-0123@example.com",
	  "no user=phone: the user part is kept" },
	{ "sip:555-0123;phone-context=+1-312@example.com;user=phone",
	  "sip:5550123;phone-context=+1312@example.com", "a local number in a sip URI" },
	{ "sip:alice@example.com;user=phone", "sip:alice@example.com",
	  "user=phone on a user part that is no number: kept" },
	{ "tel:+1-312-555-0100", "tel:+13125550100", "visual separators removed" },
	{ "TEL:+1 (312) 555-0100", NULL, "a space is not a visual separator" },
	{ "tel:+1.(312).555.0100", "tel:+13125550100", "dots and parentheses" },
	{ "tel:555-0100;phone-context=+1-312", "tel:5550100;phone-context=+1312",
	  "a local number with a global context" },
	{ "tel:5550100;phone-context=Example.COM", "tel:5550100;phone-context=example.com",
	  "a domain context lower-cased" },
	{ "tel:+1-312-555-0100;phone-context=+1312;ext=1-23", "tel:+13125550100;ext=123;phone-context=+1312",
	  "ext before phone-context" },
	{ "tel:+13125550100;isub=1234;foo=bar", "tel:+13125550100", "other parameters dropped" },
	{ "tel:*31#", "tel:*31#", "star and hash in a local number" },
	{ "tel:12AB", "tel:12ab", "hex digits lower-cased" },
	{ "tel:+", NULL, "no digit" },
	{ "tel:+1-3a2", NULL, "a letter in a global number" },
	{ "tel:", NULL, "empty" },
	{ "mailto:alice@example.com", NULL, "another scheme" },
	{ "alice@example.com", NULL, "no scheme" },
	{ "sip:alice@", NULL, "no host" },
	{ "sip:@example.com", NULL, "empty user" },
	{ "sip:alice@example.com:", NULL, "empty port" },
	{ "sip:alice@example.com:5x", NULL, "port not digits" },
	{ "sip:alice@[2001:db8::1", NULL, "unclosed IPv6 reference" },
	{ "<sip:alice@example.com>", NULL, "angle brackets are the caller's to strip" },
	{ "sip:alice@example.com\r\n", NULL, "control characters" },
	{ "sip:al\"ice@example.com", NULL, "a double quote" },
	{ "sip:alic\xc3\xa9@example.com", NULL, "a byte outside ASCII" },
};

static void test_each_identity_has_its_normal_form(void **state)
{
	char out[512], again[512];

	(void)state;
	for (size_t i = 0; i < LEN(rows); i++) {
		uint32_t len = (uint32_t)strlen(rows[i].uri);
		int rc = policy_uri_normalise(rows[i].uri, len, out, sizeof(out));

		if (rows[i].want == NULL) {
			if (rc != -EINVAL)
				fail_msg("%s (%s): rc %d, want -EINVAL", rows[i].uri, rows[i].what, rc);
			continue;
		}
		if (rc < 0 || strcmp(out, rows[i].want) != 0 || (size_t)rc != strlen(rows[i].want))
			fail_msg("%s (%s): rc %d '%s', want '%s'", rows[i].uri, rows[i].what, rc,
				 rc < 0 ? "" : out, rows[i].want);
		/* Normalising the normal form changes nothing. */
		assert_int_equal(policy_uri_normalise(out, (uint32_t)rc, again, sizeof(again)), rc);
		assert_string_equal(again, out);
		assert_true((uint32_t)rc <= len);
	}
}

static void test_a_slice_is_read_to_its_length_only(void **state)
{
	const char text[] = "sip:alice@example.comXXXX";
	char out[64];

	(void)state;
	assert_int_equal(policy_uri_normalise(text, 21, out, sizeof(out)), 21);
	assert_string_equal(out, "sip:alice@example.com");
}

static void test_a_small_buffer_gets_enospc_and_no_write_past_it(void **state)
{
	const char *uri = "tel:+1-312-555-0100"; /* normal form: 16 bytes + NUL */
	char out[32];

	(void)state;
	for (uint32_t cap = 0; cap <= 17; cap++) {
		memset(out, '#', sizeof(out));
		int rc = policy_uri_normalise(uri, (uint32_t)strlen(uri), out, cap);
		assert_int_equal(rc, cap == 17 ? 16 : -ENOSPC);
		for (uint32_t i = cap; i < sizeof(out); i++)
			assert_int_equal(out[i], '#');
	}
}

static void test_input_length_plus_one_always_suffices(void **state)
{
	char out[512];

	(void)state;
	for (size_t i = 0; i < LEN(rows); i++) {
		uint32_t len = (uint32_t)strlen(rows[i].uri);
		if (rows[i].want != NULL)
			assert_true(policy_uri_normalise(rows[i].uri, len, out, len + 1) >= 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_identity_has_its_normal_form),
		cmocka_unit_test(test_a_slice_is_read_to_its_length_only),
		cmocka_unit_test(test_a_small_buffer_gets_enospc_and_no_write_past_it),
		cmocka_unit_test(test_input_length_plus_one_always_suffices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
