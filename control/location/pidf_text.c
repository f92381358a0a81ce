/*
 * pidf_text.c - small readers over the libxml2 tree: namespace tests and
 * the bounded copy of an element's text. Every string the reader keeps goes
 * through pidf_text(), so that none can overflow its array, split a UTF-8
 * character, or carry a control character into a log line or a SIP MESSAGE.
 */
#include <string.h>

#include "pidf_internal.h"

bool pidf_in_ns(const xmlNode *n, const char *ns)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0;
}

bool pidf_is(const xmlNode *n, const char *ns, const char *name)
{
	return pidf_in_ns(n, ns) && strcmp((const char *)n->name, name) == 0;
}

const xmlNode *pidf_child(const xmlNode *n, const char *ns, const char *name)
{
	for (const xmlNode *c = n->children; c != NULL; c = c->next)
		if (pidf_is(c, ns, name))
			return c;
	return NULL;
}

/* Without a DTD, an attribute's value is one text node (or none when empty). */
const char *pidf_attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			return a->children && a->children->content ? (const char *)a->children->content
								   : "";
	return NULL;
}

unsigned pidf_line(const xmlNode *n)
{
	long line = xmlGetLineNo(n);
	return line > 0 ? (unsigned)line : 0;
}

/* The copy in progress: runs of white space and control characters become one space. */
struct text_out {
	char *p;
	size_t cap, n;
	bool space; /* a space is owed before the next character */
	bool cut;
};

static void put(struct text_out *t, unsigned char ch)
{
	if (t->cut)
		return;
	if (t->space) {
		if (t->n + 1 >= t->cap) {
			t->cut = true;
			return;
		}
		t->p[t->n++] = ' ';
		t->space = false;
	}
	if (t->n + 1 >= t->cap) {
		t->cut = true;
		return;
	}
	t->p[t->n++] = (char)ch;
}

static void feed(struct text_out *t, const unsigned char *s)
{
	for (; *s != '\0'; s++) {
		/* C0 controls, DEL and (as 0xC2 0x80..0x9F) the C1 controls */
		if (*s <= ' ' || *s == 0x7f || (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)) {
			if (s[0] == 0xc2)
				s++;
			t->space = t->n > 0;
			continue;
		}
		put(t, *s);
	}
}

/* Drop a UTF-8 sequence left incomplete by a cut, and a space the cut left at the end. */
static void trim_cut(struct text_out *t)
{
	size_t i = t->n;
	unsigned char lead;
	size_t need;

	while (i > 0 && ((unsigned char)t->p[i - 1] & 0xc0) == 0x80)
		i--;
	if (i > 0) {
		lead = (unsigned char)t->p[i - 1];
		need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
		if (t->n - (i - 1) < need)
			t->n = i - 1;
	}
	while (t->n > 0 && t->p[t->n - 1] == ' ')
		t->n--;
}

bool pidf_text(const xmlNode *n, char *out, size_t cap)
{
	struct text_out t = { .p = out, .cap = cap };

	for (const xmlNode *c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL)
			feed(&t, c->content);
	if (t.cut)
		trim_cut(&t);
	out[t.n] = '\0';
	return !t.cut;
}

bool pidf_text_exact(const xmlNode *n, char *out, size_t cap)
{
	if (pidf_text(n, out, cap))
		return true;
	out[0] = '\0';
	return false;
}
