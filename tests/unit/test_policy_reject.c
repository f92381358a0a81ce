/*
 * test_policy_reject.c - configurations that must not load, and what the
 * operator is told. Each file in tests/data/policy/bad/ is one kind of
 * mistake and ends with a comment listing the errors it must produce, one
 * "expect: LINE: message" line each, in order: adding a case is adding a
 * file. The inline cases are hostile XML (a DOCTYPE with an entity bomb,
 * external entities and DTDs, oversized input, bytes that are not XML, the
 * wrong namespace) and the limits of the error list. Every refusal must come
 * without a configuration; run under ASan, every error path is leak-checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "e911/policy.h"

#define BAD_DIR TEST_DATA_DIR "/policy/bad"

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	return text;
}

/* Fail unless the file's errors are exactly its "expect:" lines, in order. */
static void check_bad_file(const char *path)
{
	struct e911_config *cfg = (void *)1;
	struct policy_errors errs;
	char *text = read_text(path), *line, *save = NULL;
	char want[1024];
	uint32_t n = 0;
	int rc;

	rc = policy_config_load_file(path, &cfg, &errs);
	if (rc != -EINVAL || cfg != NULL)
		fail_msg("%s: rc %d, cfg %p: want -EINVAL and no configuration", path, rc, (void *)cfg);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *e = strstr(line, "expect: ");
		if (e == NULL)
			continue;
		snprintf(want, sizeof(want), "%s:%s", path, e + strlen("expect: "));
		if (n >= errs.count)
			fail_msg("%s: missing error\n  want %s", path, want);
		if (strcmp(errs.items[n].text, want) != 0)
			fail_msg("%s: error %u\n  got  %s\n  want %s", path, n, errs.items[n].text, want);
		n++;
	}
	if (n == 0)
		fail_msg("%s: no expect: lines", path);
	if (n != errs.count || errs.dropped != 0)
		fail_msg("%s: %u errors (%u dropped), want %u; first extra: %s", path, errs.count,
			 errs.dropped, n, n < errs.count ? errs.items[n].text : "-");
	policy_errors_free(&errs);
	free(text);
}

static void test_each_bad_file_fails_with_its_expected_errors(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob(BAD_DIR "/*.xml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 40);
	for (size_t i = 0; i < g.gl_pathc; i++)
		check_bad_file(g.gl_pathv[i]);
	print_message("%zu bad configurations refused as expected\n", g.gl_pathc);
	globfree(&g);
}

/* Load a buffer that must fail with rc; return its errors (the caller frees them). */
static struct policy_errors refuse(const char *text, size_t len, int want_rc)
{
	struct e911_config *cfg = (void *)1;
	struct policy_errors errs;

	assert_int_equal(policy_config_load_buffer(text, len, "t.xml", &cfg, &errs), want_rc);
	assert_null(cfg);
	assert_true(errs.count >= 1);
	return errs;
}

/* The buffer fails and its first error is exactly want. */
static void refuse_with(const char *text, const char *want)
{
	struct policy_errors errs = refuse(text, strlen(text), -EINVAL);

	assert_string_equal(errs.items[0].text, want);
	policy_errors_free(&errs);
}

#define DOC_START "<?xml version=\"1.0\"?>\n"
#define ROOT_OPEN "<e911-config xmlns=\"urn:e911proxy:config:1\" version=\"1\">\n"
#define BODY                                                                 \
	"<route name=\"us\"><gateway address=\"198.18.0.10\"/></route>\n"        \
	"<policy name=\"Global\"><emergency-number dial-string=\"911\" route=\"us\"/></policy>\n"

static void test_a_doctype_with_an_entity_bomb_is_refused_before_expansion(void **state)
{
	(void)state;
	refuse_with(DOC_START
		    "<!DOCTYPE e911-config [\n"
		    " <!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n"
		    " <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n"
		    " <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
		    " <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n"
		    " <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
		    "]>\n" ROOT_OPEN BODY "<site name=\"&e;\" policy=\"Global\"/>\n</e911-config>\n",
		    "t.xml:2: DOCTYPE is not allowed: a configuration has no DTD and no entities");
}

static void test_an_external_entity_is_refused_without_reading_it(void **state)
{
	(void)state;
	refuse_with(DOC_START
		    "<!DOCTYPE e911-config [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n" ROOT_OPEN
		    "<route name=\"&xxe;\"><gateway address=\"198.18.0.10\"/></route>\n</e911-config>\n",
		    "t.xml:2: DOCTYPE is not allowed: a configuration has no DTD and no entities");
}

static void test_an_external_dtd_is_refused_without_fetching_it(void **state)
{
	(void)state;
	refuse_with(DOC_START "<!DOCTYPE e911-config SYSTEM \"http://198.18.0.1/e911.dtd\">\n" ROOT_OPEN
		    BODY "</e911-config>\n",
		    "t.xml:2: DOCTYPE is not allowed: a configuration has no DTD and no entities");
}

static void test_an_undefined_entity_is_refused(void **state)
{
	(void)state;
	refuse_with(DOC_START ROOT_OPEN BODY "<site name=\"&xxe;\" policy=\"Global\"/>\n</e911-config>\n",
		    "t.xml:5: Entity 'xxe' not defined");
}

static void test_xinclude_is_not_processed(void **state)
{
	(void)state;
	refuse_with(DOC_START ROOT_OPEN BODY
		    "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"/etc/passwd\"/>\n"
		    "</e911-config>\n",
		    "t.xml:5: Element '{http://www.w3.org/2001/XInclude}include': This element is not expected.");
}

static void test_a_document_over_64_mib_is_refused_before_parsing(void **state)
{
	size_t len = E911_CONFIG_MAX_BYTES + 1;
	char *big = malloc(len);
	struct policy_errors errs;

	(void)state;
	assert_non_null(big);
	memset(big, ' ', len);
	errs = refuse(big, len, -EFBIG);
	assert_string_equal(errs.items[0].text,
			    "t.xml: is 67108865 bytes, more than the 67108864 a configuration may have");
	assert_int_equal(errs.items[0].line, 0);
	policy_errors_free(&errs);
	free(big);
}

static void test_a_file_over_64_mib_is_refused_without_reading_it(void **state)
{
	char path[] = "/tmp/e911-policy-big-XXXXXX";
	struct e911_config *cfg;
	struct policy_errors errs;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)E911_CONFIG_MAX_BYTES + 1), 0); /* sparse */
	close(fd);
	assert_int_equal(policy_config_load_file(path, &cfg, &errs), -EFBIG);
	assert_null(cfg);
	assert_int_equal(errs.count, 1);
	assert_non_null(strstr(errs.items[0].text, ": is more than the 67108864 bytes"));
	policy_errors_free(&errs);
	unlink(path);
}

static void test_a_missing_file_and_a_directory_are_reported(void **state)
{
	struct e911_config *cfg;
	struct policy_errors errs;

	(void)state;
	assert_int_equal(policy_config_load_file(BAD_DIR "/no-such-file.xml", &cfg, &errs), -ENOENT);
	assert_null(cfg);
	assert_string_equal(errs.items[0].text,
			    BAD_DIR "/no-such-file.xml: cannot open: No such file or directory");
	policy_errors_free(&errs);
	assert_int_equal(policy_config_load_file(BAD_DIR, &cfg, &errs), -EISDIR);
	assert_string_equal(errs.items[0].text, BAD_DIR ": is a directory, not a configuration file");
	policy_errors_free(&errs);
}

static void test_a_document_that_is_not_well_formed_is_refused_at_its_line(void **state)
{
	(void)state;
	refuse_with(DOC_START ROOT_OPEN BODY "<site name=\"x\" policy=\"Global\">\n</e911-config>\n",
		    "t.xml:6: Opening and ending tag mismatch: site line 5 and e911-config");
	refuse_with(DOC_START ROOT_OPEN "<route name=\"us\"", "t.xml:3: attributes construct error");
	refuse_with("not xml at all", "t.xml:1: Start tag expected, '<' not found");
}

static void test_an_empty_document_and_a_nul_byte_are_refused(void **state)
{
	static const char with_nul[] = DOC_START ROOT_OPEN "\0" BODY "</e911-config>\n";
	struct policy_errors errs;

	(void)state;
	errs = refuse("", 0, -EINVAL);
	assert_string_equal(errs.items[0].text, "t.xml: is empty");
	policy_errors_free(&errs);
	errs = refuse(with_nul, sizeof(with_nul) - 1, -EINVAL);
	assert_int_equal(errs.items[0].line, 3);
	policy_errors_free(&errs);
}

static void test_the_wrong_root_or_namespace_is_named(void **state)
{
	(void)state;
	refuse_with(DOC_START "<e911-config xmlns=\"urn:e911proxy:config:2\" version=\"1\">\n" BODY
		    "</e911-config>\n",
		    "t.xml:2: root element 'e911-config' in namespace 'urn:e911proxy:config:2'; "
		    "expected 'e911-config' in namespace 'urn:e911proxy:config:1'");
	refuse_with(DOC_START "<e911-config version=\"1\">\n" BODY "</e911-config>\n",
		    "t.xml:2: root element 'e911-config' in no namespace; "
		    "expected 'e911-config' in namespace 'urn:e911proxy:config:1'");
	refuse_with(DOC_START "<config xmlns=\"urn:e911proxy:config:1\" version=\"1\"/>\n",
		    "t.xml:2: root element 'config' in namespace 'urn:e911proxy:config:1'; "
		    "expected 'e911-config' in namespace 'urn:e911proxy:config:1'");
}

static void test_errors_beyond_the_limit_are_counted_not_kept(void **state)
{
	size_t cap = 200 * 80 + 4096, len;
	char *text = malloc(cap);
	struct policy_errors errs;

	(void)state;
	assert_non_null(text);
	len = (size_t)snprintf(text, cap, DOC_START ROOT_OPEN BODY);
	for (int i = 0; i < 150; i++) /* each names a policy that does not exist */
		len += (size_t)snprintf(text + len, cap - len,
					"<user uri=\"sip:u%d@example.com\" policy=\"nope\"/>\n", i);
	len += (size_t)snprintf(text + len, cap - len, "</e911-config>\n");
	errs = refuse(text, len, -EINVAL);
	assert_int_equal(errs.count, E911_CONFIG_MAX_ERRORS);
	assert_int_equal(errs.dropped, 50);
	assert_string_equal(errs.items[0].text,
			    "t.xml:5: user 'sip:u0@example.com' names policy 'nope', which is not defined");
	policy_errors_free(&errs);
	free(text);
}

static void test_a_long_value_is_cut_short_in_the_message(void **state)
{
	char text[4096], name[2001];
	struct policy_errors errs;

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), DOC_START ROOT_OPEN BODY
		 "<route name=\"r\"><gateway address=\"%s\"/></route>\n</e911-config>\n", name);
	errs = refuse(text, strlen(text), -EINVAL);
	assert_true(strlen(errs.items[0].text) < 300);
	policy_errors_free(&errs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_bad_file_fails_with_its_expected_errors),
		cmocka_unit_test(test_a_doctype_with_an_entity_bomb_is_refused_before_expansion),
		cmocka_unit_test(test_an_external_entity_is_refused_without_reading_it),
		cmocka_unit_test(test_an_external_dtd_is_refused_without_fetching_it),
		cmocka_unit_test(test_an_undefined_entity_is_refused),
		cmocka_unit_test(test_xinclude_is_not_processed),
		cmocka_unit_test(test_a_document_over_64_mib_is_refused_before_parsing),
		cmocka_unit_test(test_a_file_over_64_mib_is_refused_without_reading_it),
		cmocka_unit_test(test_a_missing_file_and_a_directory_are_reported),
		cmocka_unit_test(test_a_document_that_is_not_well_formed_is_refused_at_its_line),
		cmocka_unit_test(test_an_empty_document_and_a_nul_byte_are_refused),
		cmocka_unit_test(test_the_wrong_root_or_namespace_is_named),
		cmocka_unit_test(test_errors_beyond_the_limit_are_counted_not_kept),
		cmocka_unit_test(test_a_long_value_is_cut_short_in_the_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
