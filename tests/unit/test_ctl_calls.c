/*
 * test_ctl_calls.c - e911-control's call records from the dataplane's events
 * (control/daemon/ctl_calls.c): every field, the PIDF-LO read, hostile bytes
 * (the dataplane's \u00XX escapes, invalid UTF-8, control characters, fields
 * too long), the ring's lookups, and the show forms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ctl_calls.h"

static struct calls calls;

static json_t *event(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, 0, &err);
	assert_non_null(j);
	return j;
}

#define PIDF_CIVIC                                                                                        \
	"<?xml version=\\\"1.0\\\"?><presence xmlns=\\\"urn:ietf:params:xml:ns:pidf\\\" "                 \
	"xmlns:gp=\\\"urn:ietf:params:xml:ns:pidf:geopriv10\\\" "                                        \
	"xmlns:ca=\\\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\\\" entity=\\\"sip:a@b\\\">"       \
	"<tuple id=\\\"t\\\"><status><gp:geopriv><gp:location-info><ca:civicAddress>"                   \
	"<ca:country>US</ca:country><ca:A1>WA</ca:A1><ca:A3>Redmond</ca:A3><ca:RD>Main</ca:RD>"        \
	"<ca:STS>St</ca:STS><ca:HNO>1</ca:HNO></ca:civicAddress></gp:location-info>"                    \
	"<gp:method>%s</gp:method></gp:geopriv></status></tuple></presence>"

static json_t *call_event(const char *method)
{
	char text[4096], pidf[2048];
	snprintf(pidf, sizeof(pidf), PIDF_CIVIC, method);
	snprintf(text, sizeof(text),
		 "{\"kind\":\"call\",\"time_ns\":1764055800123000000,\"snapshot\":3,\"call_id\":\"abc@198.18.10.25\","
		 "\"method\":\"INVITE\",\"policy\":\"Redmond\",\"scope\":\"site\",\"location\":\"validated\","
		 "\"caller\":\"sip:alice@198.18.10.25\",\"display\":\"\\\"Alice \\\\\\\"A\\\\\\\" Smith\\\"\","
		 "\"callback\":\"tel:+14255550100\",\"dialled\":\"sip:9-1-1@198.18.0.10;user=phone\","
		 "\"source\":\"198.18.10.25:5060\",\"route\":\"us-e911\",\"gateway\":\"198.19.0.20:5060\","
		 "\"pidf\":\"%s\"}", pidf);
	return event(text);
}

static void test_fields(void **state)
{
	(void)state;
	calls_init(&calls);
	json_t *ev = call_event("DHCP");
	struct pidf_location loc;
	struct call_record *r = calls_add_event(&calls, ev, &loc);
	json_decref(ev);
	assert_non_null(r);
	assert_int_equal(r->ref, 1);
	assert_string_equal(r->call_id, "abc@198.18.10.25");
	assert_string_equal(r->policy, "Redmond");
	assert_string_equal(r->scope, "site");
	assert_string_equal(r->caller, "sip:alice@198.18.10.25");
	assert_string_equal(r->display, "Alice \"A\" Smith"); /* the quoted-string undone */
	assert_string_equal(r->callback, "tel:+14255550100");
	assert_string_equal(r->dialled, "911"); /* the user part, separators left out */
	assert_string_equal(r->gateway, "198.19.0.20:5060");
	assert_string_equal(r->route, "us-e911");
	assert_int_equal(r->location_source, PIDF_SOURCE_VALIDATED);
	assert_non_null(strstr(r->location, "1 Main St"));
	assert_string_equal(r->time, "2025-11-25T07:30:00.123+00:00"); /* TZ=UTC (main) */
	assert_int_equal(r->time_ns, 1764055800123000000);
	assert_ptr_equal(calls_find_call_id(&calls, "abc@198.18.10.25"), r);
	assert_ptr_equal(calls_find_ref(&calls, 1), r);
	assert_null(calls_find_ref(&calls, 2));
	assert_null(calls_find_ref(&calls, 0));
}

static void test_manual_is_not_validated(void **state)
{
	(void)state;
	calls_init(&calls);
	json_t *ev = call_event("Manual");
	struct pidf_location loc;
	struct call_record *r = calls_add_event(&calls, ev, &loc);
	json_decref(ev);
	assert_int_equal(r->location_source, PIDF_SOURCE_USER_ENTERED);
	json_t *j = call_record_json(r);
	assert_non_null(j);
	assert_false(json_is_true(json_object_get(j, "validated")));
	assert_string_equal(json_string_value(json_object_get(j, "location_source")), "user-entered");
	json_decref(j);
}

static void test_hostile_bytes(void **state)
{
	(void)state;
	calls_init(&calls);
	/* \u00e9 alone is a lone byte 0xE9 (not UTF-8); \u00c3\u00a9 is "é" in UTF-8; a control byte. */
	json_t *ev = event("{\"kind\":\"call\",\"time_ns\":0,\"call_id\":\"x\\u00e9y\",\"display\":\"Jos\\u00c3\\u00a9\\u0007\","
			   "\"caller\":\"sip:a@b\",\"dialled\":\"tel:+1-425-555-0100;phone-context=x\","
			   "\"pidf\":\"<not xml\",\"location\":\"user-entered\"}");
	struct pidf_location loc;
	struct call_record *r = calls_add_event(&calls, ev, &loc);
	json_decref(ev);
	assert_string_equal(r->call_id, "x?y");
	assert_string_equal(r->display, "Jos\xc3\xa9?");
	assert_string_equal(r->dialled, "+14255550100");
	assert_int_equal(r->location_source, PIDF_SOURCE_USER_ENTERED); /* the dataplane's verdict stays */
	assert_non_null(strstr(r->location, "unreadable PIDF-LO"));
	json_t *j = call_record_json(r); /* valid UTF-8 everywhere, or jansson would refuse */
	assert_non_null(j);
	json_decref(j);
}

static void test_long_fields_cut_at_a_character(void **state)
{
	(void)state;
	calls_init(&calls);
	char text[8192] = "{\"kind\":\"call\",\"call_id\":\"";
	for (int i = 0; i < 300; i++)
		strcat(text, "\\u00c3\\u00a9"); /* 600 bytes of "é" */
	strcat(text, "\"}");
	json_t *ev = event(text);
	struct pidf_location loc;
	struct call_record *r = calls_add_event(&calls, ev, &loc);
	json_decref(ev);
	size_t n = strlen(r->call_id);
	assert_true(n < CALL_ID_MAX);
	assert_int_equal(n % 2, 0); /* never half a character */
	json_t *j = call_record_json(r);
	assert_non_null(j);
	json_decref(j);
}

static void test_not_a_call(void **state)
{
	(void)state;
	calls_init(&calls);
	json_t *ev = event("{\"kind\":\"end\",\"call_id\":\"x\"}");
	struct pidf_location loc;
	assert_null(calls_add_event(&calls, ev, &loc));
	json_decref(ev);
	ev = event("[1,2]");
	assert_null(calls_add_event(&calls, ev, &loc));
	json_decref(ev);
	char *text = calls_text(&calls, 10);
	assert_string_equal(text, "no emergency calls yet\n");
	free(text);
}

/* A retransmitted INVITE (or one re-sent after a challenge) is the same call until it ends. */
static void test_repeated_invite_is_the_same_call(void **state)
{
	(void)state;
	calls_init(&calls);
	struct pidf_location loc;
	json_t *ev = call_event("GPS");
	assert_null(calls_repeat_of(&calls, ev)); /* nothing yet: a new call */
	struct call_record *r = calls_add_event(&calls, ev, &loc);
	assert_ptr_equal(calls_repeat_of(&calls, ev), r);
	json_t *other = event("{\"kind\":\"call\",\"call_id\":\"another@198.18.10.31\"}");
	assert_null(calls_repeat_of(&calls, other));
	json_t *end = event("{\"kind\":\"end\",\"call_id\":\"abc@198.18.10.25\"}");
	assert_null(calls_repeat_of(&calls, end)); /* only call events repeat */
	json_t *no_id = event("{\"kind\":\"call\"}");
	assert_null(calls_repeat_of(&calls, no_id));
	r->ended = true; /* its BYE or CANCEL passed: the Call-ID again is a new call */
	assert_null(calls_repeat_of(&calls, ev));
	json_t *j = call_record_json(r);
	assert_non_null(json_object_get(j, "repeats"));
	json_decref(j);
	json_decref(ev);
	json_decref(other);
	json_decref(end);
	json_decref(no_id);
}

static void test_ring_wraps(void **state)
{
	(void)state;
	calls_init(&calls);
	struct pidf_location loc;
	for (unsigned i = 0; i < CALLS_KEPT + 5; i++) {
		char text[128];
		snprintf(text, sizeof(text), "{\"kind\":\"call\",\"call_id\":\"c%u\"}", i);
		json_t *ev = event(text);
		calls_add_event(&calls, ev, &loc);
		json_decref(ev);
	}
	assert_null(calls_find_ref(&calls, 5));           /* overwritten */
	assert_null(calls_find_call_id(&calls, "c0"));
	assert_non_null(calls_find_ref(&calls, 6));
	assert_string_equal(calls_find_ref(&calls, CALLS_KEPT + 5)->call_id, "c1028");
	json_t *a = calls_json(&calls, 3);
	assert_int_equal(json_array_size(a), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "ref")), CALLS_KEPT + 5);
	json_decref(a);
	a = calls_json(&calls, 5000);
	assert_int_equal(json_array_size(a), CALLS_KEPT);
	json_decref(a);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_manual_is_not_validated),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_long_fields_cut_at_a_character),
		cmocka_unit_test(test_not_a_call),
		cmocka_unit_test(test_repeated_invite_is_the_same_call),
		cmocka_unit_test(test_ring_wraps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
