/*
 * test_rfc4475.h - the RFC 4475 torture messages as the tests read them: the
 * rows of CORPUS_DIR/rfc4475/INDEX.tsv and TEST_DATA_DIR/rfc4475/INDEX.tsv
 * (name, section, expected verdict), each with its file's bytes. Either
 * index may be absent; the messages of those present are loaded.
 */
#ifndef E911_TEST_RFC4475_H
#define E911_TEST_RFC4475_H

#include "test_util.h"

#define RFC4475_MAX 64

struct rfc4475_msg {
	char name[32];
	char section[16];
	char expected[16]; /* "valid" or "invalid" */
	const char *index; /* the directory whose INDEX.tsv lists it */
	char *data;        /* test_malloc'd */
	uint32_t len;
};

struct rfc4475 {
	struct rfc4475_msg msg[RFC4475_MAX];
	unsigned n;
	unsigned indexes; /* how many of the two INDEX.tsv files exist */
};

/* Load every indexed message (fails the test when a listed file is missing). */
void rfc4475_load(struct rfc4475 *c);
void rfc4475_free(struct rfc4475 *c);
/* The message of that name, or NULL. */
const struct rfc4475_msg *rfc4475_find(const struct rfc4475 *c, const char *name);

#endif /* E911_TEST_RFC4475_H */
