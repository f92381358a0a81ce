/*
 * test_policy_alloc.c - out of memory, at every allocation the library makes
 * itself: the test links with -Wl,--wrap for malloc, calloc, realloc,
 * strdup, strndup and (v)asprintf, fails the Nth call and nothing else, for
 * every N until a run completes, while loading a good and a bad
 * configuration, writing and saving. Each failure must come back as
 * -ENOMEM (or the file's own -EINVAL), with no configuration and, under the
 * ASan build, no leak. libxml2's allocations are its own and not injected.
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
#include <unistd.h>

#include <cmocka.h>

#include "e911/policy.h"

/* ---- the wrapped allocators (declared here: no header declares them) ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);
int __wrap_asprintf(char **out, const char *fmt, ...);

static long fail_at = -1; /* the call to fail, counting from 0; -1: none */
static long calls;

static bool fail_now(void)
{
	return fail_at >= 0 && calls++ == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return fail_now() ? NULL : __real_strndup(s, n);
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	return fail_now() ? -1 : __real_vasprintf(out, fmt, ap);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = __wrap_vasprintf(out, fmt, ap);
	va_end(ap);
	return rc;
}

/* ---- the runs ---- */

#define EXAMPLE TEST_DATA_DIR "/../../examples/realistic.xml"
#define BAD TEST_DATA_DIR "/policy/bad/many-errors.xml"

/* One operation under test; returns its result. */
typedef int op_fn(void);

static int load_good(void)
{
	struct e911_config *cfg = (void *)1;
	struct policy_errors errs;
	int rc = policy_config_load_file(EXAMPLE, &cfg, &errs);

	assert_true(rc == 0 ? cfg != NULL : cfg == NULL);
	policy_errors_free(&errs);
	policy_config_free(cfg);
	return rc;
}

static int load_bad(void)
{
	struct e911_config *cfg = (void *)1;
	struct policy_errors errs;
	int rc = policy_config_load_file(BAD, &cfg, &errs);

	assert_null(cfg);
	policy_errors_free(&errs);
	return rc;
}

static struct e911_config *config;

static int write_config(void)
{
	char *text = NULL;
	size_t len;
	int rc = policy_config_write(config, &text, &len);

	assert_true(rc == 0 ? text != NULL : text == NULL);
	free(text);
	return rc;
}

static char save_path[64];

static int save_config(void)
{
	return policy_config_save(config, save_path);
}

/*
 * Fail allocation 0, 1, 2... of op until it runs clean (returning clean_rc).
 * Each failure is -ENOMEM; when the clean run is -EINVAL (a bad file), a
 * failure may also be -EINVAL: an error message that could not be
 * allocated is counted in errs.dropped, and the load still fails.
 */
static void fail_each_allocation(op_fn *op, int clean_rc, const char *name)
{
	long n;

	for (n = 0;; n++) {
		int rc;

		calls = 0;
		fail_at = n;
		rc = op();
		fail_at = -1;
		if (calls <= n) { /* no allocation failed: done */
			assert_int_equal(rc, clean_rc);
			break;
		}
		if (rc != -ENOMEM && !(rc == -EINVAL && clean_rc == -EINVAL))
			fail_msg("%s: allocation %ld failed, rc %d, want -ENOMEM", name, n, rc);
	}
	print_message("%s: %ld allocations, each failure reported\n", name, n);
	assert_true(n > 0);
}

static void test_every_allocation_failure_while_loading_is_reported(void **state)
{
	(void)state;
	fail_each_allocation(load_good, 0, "load realistic.xml");
	fail_each_allocation(load_bad, -EINVAL, "load many-errors.xml");
}

static void test_every_allocation_failure_while_writing_is_reported(void **state)
{
	struct policy_errors errs;
	char dir[] = "/tmp/e911-policy-oom-XXXXXX";

	(void)state;
	assert_int_equal(policy_config_load_file(EXAMPLE, &config, &errs), 0);
	policy_errors_free(&errs);
	fail_each_allocation(write_config, 0, "write");
	assert_non_null(mkdtemp(dir));
	snprintf(save_path, sizeof(save_path), "%s/e911.xml", dir);
	fail_each_allocation(save_config, 0, "save");
	policy_config_free(config);
	unlink(save_path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_failure_while_loading_is_reported),
		cmocka_unit_test(test_every_allocation_failure_while_writing_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
