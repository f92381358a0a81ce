/*
 * dialmatch_build.c - compiles the emergency dial strings and masks into one
 * Hyperscan block-mode database (off the fast path), and makes the scratch
 * each worker scans with. Each literal is written as \xNN bytes between ^ and
 * \z so no digit string can be read as regex syntax.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialmatch_internal.h"

/* urn:service:sos and its sub-services (RFC 5031 §4.2: "sos.fire", ...); case-insensitive. */
static const char sos_expression[] = "^urn:service:sos(\\.[a-z0-9-]+)*\\z";

__attribute__((format(printf, 3, 4)))
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct dialmatch_entry *x = a, *y = b;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->digits, y->digits, x->len);
}

static bool valid_digits(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > DIALMATCH_MAX_DIGITS)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void dialmatch_free_parts(struct dialmatch *db)
{
	hs_free_database(db->hs);
	free(db->by_id);
	free(db->sorted);
	free(db);
}

/* Fill the id table and the sorted fallback; refuse malformed and repeated strings. */
static int load_strings(struct dialmatch *db, const char *const *digits, uint32_t n, char *err,
			size_t errlen)
{
	db->by_id = calloc(n ? n : 1, sizeof(*db->by_id));
	db->sorted = calloc(n ? n : 1, sizeof(*db->sorted));
	if (db->by_id == NULL || db->sorted == NULL) {
		set_err(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!valid_digits(digits[i])) {
			set_err(err, errlen, "dial string '%s' is not 1 to %u digits", digits[i],
				DIALMATCH_MAX_DIGITS);
			return -EINVAL;
		}
		strcpy(db->by_id[i], digits[i]);
		strcpy(db->sorted[i].digits, digits[i]);
		db->sorted[i].len = (uint8_t)strlen(digits[i]);
		db->sorted[i].id = i;
		if (db->sorted[i].len > db->longest)
			db->longest = db->sorted[i].len;
	}
	qsort(db->sorted, n, sizeof(*db->sorted), cmp_entry);
	for (uint32_t i = 1; i < n; i++)
		if (cmp_entry(&db->sorted[i - 1], &db->sorted[i]) == 0) {
			set_err(err, errlen, "dial string '%s' is listed twice", db->sorted[i].digits);
			return -EINVAL;
		}
	return 0;
}

static int compile(struct dialmatch *db, char *err, size_t errlen)
{
	uint32_t total = db->n + 1;
	char (*expr)[1 + 4 * DIALMATCH_MAX_DIGITS + 2 + 1] /* ^ \xNN... \z NUL */ = calloc(total, sizeof(*expr));
	const char **exprs = calloc(total, sizeof(*exprs));
	unsigned *flags = calloc(total, sizeof(*flags));
	unsigned *ids = calloc(total, sizeof(*ids));
	hs_compile_error_t *cerr = NULL;
	int rc = -ENOMEM;

	if (expr == NULL || exprs == NULL || flags == NULL || ids == NULL) {
		set_err(err, errlen, "out of memory");
		goto out;
	}
	for (uint32_t i = 0; i < db->n; i++) {
		char *w = expr[i];
		*w++ = '^';
		for (const char *d = db->by_id[i]; *d; d++)
			w += sprintf(w, "\\x%02x", (unsigned char)*d);
		strcpy(w, "\\z"); /* not "$", which also matches before a final newline */
		exprs[i] = expr[i];
		flags[i] = HS_FLAG_SINGLEMATCH;
		ids[i] = i;
	}
	exprs[db->n] = sos_expression;
	flags[db->n] = HS_FLAG_SINGLEMATCH | HS_FLAG_CASELESS;
	ids[db->n] = db->n;
	if (hs_compile_multi(exprs, flags, ids, total, HS_MODE_BLOCK, NULL, &db->hs, &cerr) !=
	    HS_SUCCESS) {
		set_err(err, errlen, "Hyperscan compile failed: %s (expression %d)",
			cerr ? cerr->message : "unknown", cerr ? cerr->expression : -1);
		hs_free_compile_error(cerr);
		rc = -EINVAL;
		goto out;
	}
	rc = 0;
out:
	free(expr);
	free(exprs);
	free(flags);
	free(ids);
	return rc;
}

struct dialmatch *dialmatch_build(const char *const *digits, uint32_t n, char *err, size_t errlen)
{
	struct dialmatch *db = calloc(1, sizeof(*db));

	if (db == NULL) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	db->n = n;
	if (load_strings(db, digits, n, err, errlen) < 0 || compile(db, err, errlen) < 0) {
		dialmatch_free_parts(db);
		return NULL;
	}
	return db;
}

void dialmatch_free(struct dialmatch *db)
{
	if (db)
		dialmatch_free_parts(db);
}

uint32_t dialmatch_count(const struct dialmatch *db)
{
	return db->n;
}

const char *dialmatch_string(const struct dialmatch *db, uint32_t id)
{
	return id < db->n ? db->by_id[id] : "";
}

struct dialmatch_scratch *dialmatch_scratch_new(const struct dialmatch *db)
{
	struct dialmatch_scratch *s = calloc(1, sizeof(*s));

	if (s && hs_alloc_scratch(db->hs, &s->hs) != HS_SUCCESS) {
		free(s);
		return NULL;
	}
	return s;
}

void dialmatch_scratch_free(struct dialmatch_scratch *s)
{
	if (s) {
		hs_free_scratch(s->hs);
		free(s);
	}
}
