/*
 * pidf_civic.c - a ca:civicAddress (RFC 5139) into struct pidf_civic. The
 * elements are matched by name in the civicAddr namespace, in any order (the
 * schema's order is not relied on: clients get it wrong and the address is
 * still the caller's). An element we do not know (RFC 6848 extensions) is
 * skipped; a repeated one keeps its first value.
 */
#include <string.h>

#include "pidf_internal.h"

static const char *const civic_names[PIDF_CIVIC_COUNT] = {
#define PIDF_CIVIC_NAME(name, text) [PIDF_CIVIC_##name] = text,
	PIDF_CIVIC_LIST(PIDF_CIVIC_NAME)
#undef PIDF_CIVIC_NAME
};

_Static_assert(PIDF_CIVIC_COUNT <= 32, "a civic field is a bit of a uint32_t");

const char *pidf_civic_name(enum pidf_civic_field f)
{
	return (unsigned)f < PIDF_CIVIC_COUNT ? civic_names[f] : "?";
}

const char *pidf_civic_get(const struct pidf_location *loc, enum pidf_civic_field f)
{
	if (!loc->has_civic || (unsigned)f >= PIDF_CIVIC_COUNT ||
	    !(loc->civic.present & (1u << f)))
		return NULL;
	return loc->civic.field[f];
}

static int civic_lookup(const char *name)
{
	for (int f = 0; f < (int)PIDF_CIVIC_COUNT; f++)
		if (strcmp(civic_names[f], name) == 0)
			return f;
	return -1;
}

/* xml:lang, read in place (no allocation, so out of memory cannot make it vanish). */
static void read_lang(struct pidf_ctx *c, const xmlNode *addr)
{
	struct pidf_civic *civ = &c->out->civic;
	const unsigned char *lang = NULL;
	size_t n;

	for (const xmlAttr *a = addr->properties; a != NULL; a = a->next)
		if (a->ns != NULL && a->ns->href != NULL &&
		    strcmp((const char *)a->ns->href, (const char *)XML_XML_NAMESPACE) == 0 &&
		    strcmp((const char *)a->name, "lang") == 0)
			lang = a->children && a->children->content ? a->children->content
								   : (const unsigned char *)"";
	if (lang == NULL)
		return;
	n = strlen((const char *)lang);
	if (n >= sizeof(civ->lang)) {
		c->out->warnings |= PIDF_WARN_TRUNCATED;
		n = 0; /* a cut language tag is another language: keep none */
	}
	for (size_t i = 0; i < n; i++)
		civ->lang[i] = lang[i] > ' ' && lang[i] < 0x7f ? (char)lang[i] : '?';
	civ->lang[n] = '\0';
}

void pidf_civic_read(struct pidf_ctx *c, const xmlNode *addr)
{
	struct pidf_civic *civ = &c->out->civic;

	read_lang(c, addr);
	for (const xmlNode *e = addr->children; e != NULL; e = e->next) {
		int f;

		if (!pidf_in_ns(e, PIDF_NS_CA) || (f = civic_lookup((const char *)e->name)) < 0)
			continue;
		if (civ->present & (1u << f)) {
			c->out->warnings |= PIDF_WARN_DUPLICATE;
			continue;
		}
		civ->present |= 1u << f;
		if (!pidf_text(e, civ->field[f], sizeof(civ->field[f]))) {
			civ->truncated |= 1u << f;
			c->out->warnings |= PIDF_WARN_TRUNCATED;
		}
	}
}
