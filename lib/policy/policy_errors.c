/*
 * policy_errors.c - the error list of one configuration load: each error is
 * one line of text, "FILE:LINE: what is wrong", kept in the order of the
 * document. The loader never prints; its caller decides where errors go
 * (stderr of a tool, a reply on the control socket, a log).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "policy_internal.h"

void perr_add(struct policy_errors *errs, const char *file, uint32_t line, const char *fmt, ...)
{
	struct policy_error *e;
	char *msg = NULL;
	va_list ap;
	int rc;

	if (errs->items == NULL)
		errs->items = calloc(E911_CONFIG_MAX_ERRORS, sizeof(*errs->items));
	if (errs->items == NULL || errs->count == E911_CONFIG_MAX_ERRORS) {
		errs->dropped++;
		return;
	}
	va_start(ap, fmt);
	rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		errs->dropped++;
		return;
	}
	e = &errs->items[errs->count];
	if (line)
		rc = asprintf(&e->text, "%s:%u: %s", file, line, msg);
	else
		rc = asprintf(&e->text, "%s: %s", file, msg);
	free(msg);
	if (rc < 0) {
		errs->dropped++;
		return;
	}
	e->line = line;
	errs->count++;
}

void perr_sort(struct policy_errors *errs)
{
	/* Insertion sort: stable, and the list holds at most 100 entries. */
	for (uint32_t i = 1; i < errs->count; i++) {
		struct policy_error e = errs->items[i];
		uint32_t j = i;
		for (; j > 0 && errs->items[j - 1].line > e.line; j--)
			errs->items[j] = errs->items[j - 1];
		errs->items[j] = e;
	}
}

void policy_errors_free(struct policy_errors *errs)
{
	for (uint32_t i = 0; i < errs->count; i++)
		free(errs->items[i].text);
	free(errs->items);
	errs->items = NULL;
	errs->count = 0;
	errs->dropped = 0;
}
