/*
 * test_dialmatch.c - the Hyperscan dial-string matcher: digit strings and
 * masks match only exactly, urn:service:sos and its sub-services match in any
 * case, bad pattern sets are refused with a message, and Hyperscan always
 * agrees with the exact fallback that answers when a scan fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dialmatch_internal.h"
#include "e911/dialmatch.h"

static const char *const us_uk[] = { "911", "9911", "933", "999", "112", "0118999" };

struct fixture {
	struct dialmatch *db;
	struct dialmatch_scratch *scratch;
};

static int setup(void **state)
{
	static struct fixture f;
	char err[256];

	f.db = dialmatch_build(us_uk, 6, err, sizeof(err));
	if (f.db == NULL)
		fail_msg("build: %s", err);
	f.scratch = dialmatch_scratch_new(f.db);
	assert_non_null(f.scratch);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	dialmatch_scratch_free(f->scratch);
	dialmatch_free(f->db);
	return 0;
}

static uint32_t scan(struct fixture *f, const char *text)
{
	int failed = -1;
	uint32_t id = dialmatch_scan(f->db, f->scratch, text, (uint32_t)strlen(text), &failed);
	assert_int_equal(failed, 0);
	/* Hyperscan and the fallback must agree on every input. */
	assert_int_equal(id, dialmatch_exact(f->db, text, (uint32_t)strlen(text)));
	return id;
}

static void test_each_dial_string_matches_its_own_id(void **state)
{
	struct fixture *f = *state;
	for (uint32_t i = 0; i < 6; i++) {
		assert_int_equal(scan(f, us_uk[i]), i);
		assert_string_equal(dialmatch_string(f->db, i), us_uk[i]);
	}
	assert_int_equal(dialmatch_count(f->db), 6);
}

static void test_prefixes_and_extensions_of_a_number_do_not_match(void **state)
{
	struct fixture *f = *state;
	static const char *const rows[] = {
		"91",        /* prefix of 911 */
		"9111",      /* 911 followed by a digit */
		"1911",      /* 911 preceded by a digit */
		"99911",     /* mask 9911 preceded by a digit */
		"+1911",     /* a global number is not a short code */
		"",          /* nothing dialled */
		"911911",    /* two in a row */
		"01189998",  /* 0118999 extended */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(scan(f, rows[i]), DIALMATCH_NONE);
}

static void test_sos_and_its_sub_services_match_in_any_case(void **state)
{
	struct fixture *f = *state;
	static const char *const yes[] = {
		"urn:service:sos", "urn:service:sos.fire", "urn:service:sos.police",
		"urn:service:sos.ambulance", "URN:Service:SOS.Fire", "urn:service:sos.animal-control",
		"urn:service:sos.fire.sub",
	};
	static const char *const no[] = {
		"urn:service:sos.", "urn:service:sosx", "urn:service:counseling",
		"urn:service:sos..fire", "urn:service:sos.fire!", "xurn:service:sos",
		"urn:service:so", "urn:service:sos.fire.",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_int_equal(scan(f, yes[i]), DIALMATCH_SOS(f->db));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(scan(f, no[i]), DIALMATCH_NONE);
}

static void test_hyperscan_agrees_with_the_exact_answer_on_random_input(void **state)
{
	struct fixture *f = *state;
	static const char alphabet[] = "0123456789+.:urnsvice";
	char buf[24];
	srand(4475);
	for (int n = 0; n < 100000; n++) {
		int len = rand() % 12;
		for (int i = 0; i < len; i++)
			buf[i] = alphabet[rand() % (int)(sizeof(alphabet) - 1)];
		buf[len] = '\0';
		(void)scan(f, buf);
	}
}

static void test_bad_pattern_sets_are_refused_with_a_reason(void **state)
{
	(void)state;
	static const struct {
		const char *strings[2];
		const char *reason;
	} rows[] = {
		{ { "911", "91a" }, "'91a' is not 1 to 10 digits" },     /* a letter */
		{ { "911", "" }, "'' is not 1 to 10 digits" },           /* empty */
		{ { "12345678901", "911" }, "not 1 to 10 digits" },       /* 11 digits */
		{ { "911", "911" }, "'911' is listed twice" },            /* duplicate */
		{ { "911", "9.11" }, "not 1 to 10 digits" },              /* regex syntax is not a digit */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char err[256] = "";
		struct dialmatch *db = dialmatch_build(rows[i].strings, 2, err, sizeof(err));
		assert_null(db);
		if (strstr(err, rows[i].reason) == NULL)
			fail_msg("row %zu: error '%s' lacks '%s'", i, err, rows[i].reason);
	}
}

static void test_an_empty_set_still_matches_sos(void **state)
{
	(void)state;
	char err[256];
	struct dialmatch *db = dialmatch_build(NULL, 0, err, sizeof(err));
	assert_non_null(db);
	struct dialmatch_scratch *s = dialmatch_scratch_new(db);
	int failed;
	assert_int_equal(dialmatch_scan(db, s, "urn:service:sos", 15, &failed), 0);
	assert_int_equal(dialmatch_scan(db, s, "911", 3, &failed), DIALMATCH_NONE);
	dialmatch_scratch_free(s);
	dialmatch_free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_dial_string_matches_its_own_id),
		cmocka_unit_test(test_prefixes_and_extensions_of_a_number_do_not_match),
		cmocka_unit_test(test_sos_and_its_sub_services_match_in_any_case),
		cmocka_unit_test(test_hyperscan_agrees_with_the_exact_answer_on_random_input),
		cmocka_unit_test(test_bad_pattern_sets_are_refused_with_a_reason),
		cmocka_unit_test(test_an_empty_set_still_matches_sos),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
