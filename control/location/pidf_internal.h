/*
 * pidf_internal.h - what the files of control/location/ share and nobody
 * else sees: the state of one read, namespace tests on libxml2 nodes, the
 * bounded text copy, and the civic and geodetic readers.
 */
#ifndef E911_PIDF_INTERNAL_H
#define E911_PIDF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "e911/pidf.h"

/* One read: where its error message goes. */
struct pidf_ctx {
	struct pidf_location *out;
	char *err;
	size_t errlen;
};

/* Set the error message (first one wins) and return rc. */
__attribute__((format(printf, 3, 4)))
int pidf_fail(struct pidf_ctx *c, int rc, const char *fmt, ...);

/* ---- pidf_text.c ---- */

/* Is n an element named `name` in namespace ns? */
bool pidf_is(const xmlNode *n, const char *ns, const char *name);

/* Is n an element in namespace ns (any name)? */
bool pidf_in_ns(const xmlNode *n, const char *ns);

/* The first child element of n named `name` in ns, or NULL. */
const xmlNode *pidf_child(const xmlNode *n, const char *ns, const char *name);

/* An attribute without a namespace, or NULL when absent. */
const char *pidf_attr(const xmlNode *n, const char *name);

/* n's line, for messages (0 when unknown). */
unsigned pidf_line(const xmlNode *n);

/*
 * Copy the text of n's own text and CDATA children into out (cap >= 1):
 * white space trimmed at both ends, control characters replaced by spaces,
 * cut at a UTF-8 character boundary when it does not fit.
 * @return true when the whole text fit, false when it was cut.
 */
bool pidf_text(const xmlNode *n, char *out, size_t cap);

/* Does the whole text of n fit in cap bytes (with the NUL)? Then copy it as pidf_text does. */
bool pidf_text_exact(const xmlNode *n, char *out, size_t cap);

/* ---- pidf_civic.c ---- */

/* Read a ca:civicAddress into c->out->civic (never fails: odd elements are skipped). */
void pidf_civic_read(struct pidf_ctx *c, const xmlNode *addr);

/* ---- pidf_geo.c ---- */

/* Is n one of the RFC 5491 shapes (by namespace and name)? */
bool pidf_geo_is_shape(const xmlNode *n);

/* Read shape n into *geo. @return 0, -EDOM (message set) or -ENOMEM. */
int pidf_geo_read(struct pidf_ctx *c, const xmlNode *n, struct pidf_geo *geo);

#endif /* E911_PIDF_INTERNAL_H */
