/*
 * test_rfc4475.c - loads the RFC 4475 messages named by the two INDEX.tsv
 * files (see test_rfc4475.h). Rows are tab-separated: name, section,
 * expected, description; the first row is the column header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_rfc4475.h"

static void copy_field(char *dst, size_t cap, const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	assert_true(n < cap);
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static void load_index(struct rfc4475 *c, const char *dir)
{
	uint32_t len;
	char *index = tu_read_in(dir, "INDEX.tsv", &len);

	if (index == NULL)
		return;
	c->indexes++;
	const char *p = index, *end = index + len;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		const char *t1 = memchr(p, '\t', (size_t)(eol - p));
		const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(eol - t1 - 1)) : NULL;
		const char *t3 = t2 ? memchr(t2 + 1, '\t', (size_t)(eol - t2 - 1)) : NULL;
		if (t3 && !(t1 - p == 4 && memcmp(p, "name", 4) == 0)) {
			assert_true(c->n < RFC4475_MAX);
			struct rfc4475_msg *m = &c->msg[c->n++];
			copy_field(m->name, sizeof(m->name), p, t1);
			copy_field(m->section, sizeof(m->section), t1 + 1, t2);
			copy_field(m->expected, sizeof(m->expected), t2 + 1, t3);
			m->index = dir;
			char file[64];
			snprintf(file, sizeof(file), "%s.sip", m->name);
			m->data = tu_read_in(dir, file, &m->len);
			if (m->data == NULL) {
				print_error("%s/INDEX.tsv lists %s, which is missing\n", dir, file);
				fail();
			}
		}
		p = eol + 1;
	}
	test_free(index);
}

void rfc4475_load(struct rfc4475 *c)
{
	memset(c, 0, sizeof(*c));
	load_index(c, CORPUS_DIR "/rfc4475");
	load_index(c, TEST_DATA_DIR "/rfc4475");
}

void rfc4475_free(struct rfc4475 *c)
{
	for (unsigned i = 0; i < c->n; i++)
		test_free(c->msg[i].data);
	c->n = 0;
}

const struct rfc4475_msg *rfc4475_find(const struct rfc4475 *c, const char *name)
{
	for (unsigned i = 0; i < c->n; i++)
		if (strcmp(c->msg[i].name, name) == 0)
			return &c->msg[i];
	return NULL;
}
