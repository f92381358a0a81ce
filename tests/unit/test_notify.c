/*
 * test_notify.c - the security desk's notification text (control/notify/):
 * each kind of location, names and numbers as the desk reads them, fields
 * from hostile packets, and every cut: never past cap, never half a UTF-8
 * character, always the full length returned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "e911/notify.h"

static struct call_record record(enum pidf_source source)
{
	struct call_record r = { .ref = 1, .location_source = source };
	strcpy(r.time, "2026-11-25T07:30:00.123+00:00");
	strcpy(r.dialled, "911");
	strcpy(r.display, "Lab Caller");
	strcpy(r.caller, "sip:caller@198.18.10.25");
	strcpy(r.callback, "tel:+14255550100");
	strcpy(r.policy, "Redmond");
	strcpy(r.location, "1 Main St, Redmond WA, US; floor 2 (DHCP)");
	return r;
}

static void test_validated(void **state)
{
	(void)state;
	struct call_record r = record(PIDF_SOURCE_VALIDATED);
	char out[512];
	size_t n = notify_text(&r, out, sizeof(out));
	assert_int_equal(n, strlen(out));
	assert_string_equal(out, "EMERGENCY CALL 911 from Lab Caller\n"
				 "Callback: +14255550100\n"
				 "Time: 2026-11-25T07:30:00.123+00:00\n"
				 "Location (validated): 1 Main St, Redmond WA, US; floor 2 (DHCP)\n"
				 "Policy: Redmond\n");
}

static void test_location_kinds(void **state)
{
	(void)state;
	char out[512];
	struct call_record r = record(PIDF_SOURCE_USER_ENTERED);
	notify_text(&r, out, sizeof(out));
	assert_non_null(strstr(out, "\nLocation (user-entered, not validated): 1 Main St"));
	r = record(PIDF_SOURCE_REFERENCE);
	strcpy(r.location, "location by reference https://lis.example.com/1 (not fetched)");
	notify_text(&r, out, sizeof(out));
	assert_non_null(strstr(out, "\nLocation (by reference, not validated): location by reference https"));
	r = record(PIDF_SOURCE_NONE);
	r.location[0] = '\0';
	notify_text(&r, out, sizeof(out));
	assert_non_null(strstr(out, "\nLocation: none given\n"));
}

static void test_names_and_numbers(void **state)
{
	(void)state;
	char out[512];
	struct call_record r = record(PIDF_SOURCE_VALIDATED);
	r.display[0] = '\0';
	strcpy(r.callback, "sip:+14255550100@pbx.example.com;user=phone");
	notify_text(&r, out, sizeof(out));
	assert_non_null(strstr(out, "EMERGENCY CALL 911 from sip:caller@198.18.10.25\n"));
	assert_non_null(strstr(out, "\nCallback: sip:+14255550100@pbx.example.com;user=phone\n"));
	r.callback[0] = '\0';
	notify_text(&r, out, sizeof(out));
	assert_non_null(strstr(out, "\nCallback: none given\n"));
}

static void test_hostile_fields(void **state)
{
	(void)state;
	char out[512];
	struct call_record r = record(PIDF_SOURCE_VALIDATED);
	strcpy(r.display, "Eve\r\nPolicy: Fake\x07");
	notify_text(&r, out, sizeof(out));
	assert_non_null(strstr(out, "from Eve  Policy: Fake \n")); /* one line, no control characters */
	unsigned lines = 0;
	for (const char *c = out; *c; c++)
		lines += *c == '\n';
	assert_int_equal(lines, 5);
}

static bool valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		if (!n)
			return false;
		for (size_t k = 1; k < n; k++)
			if ((p[k] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

static void test_every_cut(void **state)
{
	(void)state;
	struct call_record r = record(PIDF_SOURCE_VALIDATED);
	strcpy(r.display, "Jos\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x9a\x91"); /* 2-, 3- and 4-byte characters */
	char full[512];
	size_t whole = notify_text(&r, full, sizeof(full));
	assert_true(valid_utf8(full));
	for (size_t cap = 0; cap <= whole + 1; cap++) {
		char out[512];
		memset(out, 'X', sizeof(out));
		size_t n = notify_text(&r, out, cap);
		assert_int_equal(n, whole);
		if (cap == 0) {
			assert_int_equal(out[0], 'X');
			continue;
		}
		size_t len = strlen(out);
		assert_true(len < cap);
		assert_int_equal(out[cap], 'X'); /* nothing written past cap */
		assert_memory_equal(out, full, len);
		assert_true(valid_utf8(out));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validated),
		cmocka_unit_test(test_location_kinds),
		cmocka_unit_test(test_names_and_numbers),
		cmocka_unit_test(test_hostile_fields),
		cmocka_unit_test(test_every_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
