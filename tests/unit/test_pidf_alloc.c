/*
 * test_pidf_alloc.c - the PIDF-LO reader when memory runs out. The reader
 * allocates only through libxml2, so the test installs libxml2 allocators
 * (xmlMemSetup) that fail the Nth call and nothing else, for every N until a
 * read completes, on good and bad documents. Each read must give the same
 * result as with memory to spare, or fail (-ENOMEM; or -EBADMSG, as libxml2
 * reports some of its allocation failures, in its URI parser for one, as
 * malformed input) leaving "no location": never a different location, and
 * under ASan no leak on any path.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlmemory.h>

#include "e911/pidf.h"

static long fail_at = -1; /* the call to fail, counting from 0; -1: none */
static long calls;

static bool fail_now(void)
{
	return fail_at >= 0 && calls++ == fail_at;
}

static void *t_malloc(size_t n)
{
	return fail_now() ? NULL : malloc(n);
}

static void *t_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : realloc(p, n);
}

static char *t_strdup(const char *s)
{
	return fail_now() ? NULL : strdup(s);
}

/* libxml2 tells of some allocation failures through its global handler: keep the log readable. */
static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return text;
}

static void every_failure(const char *name, int want_rc)
{
	char path[512], err[256];
	struct pidf_location want, got, none;
	size_t len;
	char *xml;
	long n, masked = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/pidf/%s", TEST_DATA_DIR, name);
	xml = read_file(path, &len);
	pidf_location_init(&none);
	assert_int_equal(pidf_read(xml, len, &want, err, sizeof(err)), want_rc);
	for (n = 0;; n++) {
		calls = 0;
		fail_at = n;
		rc = pidf_read(xml, len, &got, err, sizeof(err));
		fail_at = -1;
		if (calls <= n) { /* nothing was failed: the read ran to its end */
			assert_int_equal(rc, want_rc);
			break;
		}
		if (rc == -ENOMEM || (rc == -EBADMSG && want_rc != -EBADMSG)) {
			if (rc == -ENOMEM)
				assert_string_equal(err, "out of memory");
			else
				masked++;
			assert_memory_equal(&got, &none, sizeof(got));
			continue;
		}
		if (rc != want_rc)
			fail_msg("%s: allocation %ld failed: rc %d '%s', want %d or -ENOMEM", name, n,
				 rc, err, want_rc);
		if (memcmp(&got, &want, sizeof(got)) != 0)
			fail_msg("%s: allocation %ld failed: read a different location", name, n);
	}
	print_message("%s: %ld allocations, each failed once (%ld reported as -EBADMSG)\n", name,
		      n, masked);
	free(xml);
}

static void test_out_of_memory_at_every_allocation(void **state)
{
	xmlFreeFunc f;
	xmlMallocFunc m;
	xmlReallocFunc r;
	xmlStrdupFunc s;

	(void)state;
	xmlInitParser();
	assert_int_equal(xmlMemGet(&f, &m, &r, &s), 0);
	assert_int_equal(xmlMemSetup(free, t_malloc, t_realloc, t_strdup), 0);
	xmlSetGenericErrorFunc(NULL, quiet);
	every_failure("msft-extension.xml", 0);
	every_failure("rfc5491-prism.xml", 0);
	every_failure("rfc5139-full-civic.xml", 0);
	every_failure("bad/bad-latitude.xml", -EDOM);
	every_failure("bad/billion-laughs.xml", -ENOTSUP);
	every_failure("bad/wrong-namespace.xml", -ENOMSG);
	assert_int_equal(xmlMemSetup(f, m, r, s), 0);
	xmlSetGenericErrorFunc(NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_out_of_memory_at_every_allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
