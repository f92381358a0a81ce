/*
 * pidf_read.c - reads one PIDF-LO document safely and walks it: the parse
 * (bounded size and depth, no network, no DOCTYPE), the root check, the
 * gp:geopriv elements and the enterprise-voice extension elements, and the
 * choice of the primary location and its source. The civic address and the
 * shapes are read by pidf_civic.c and pidf_geo.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>

#include "pidf_internal.h"

int pidf_fail(struct pidf_ctx *c, int rc, const char *fmt, ...)
{
	va_list ap;

	if (c->err != NULL && c->errlen > 0 && c->err[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

void pidf_location_init(struct pidf_location *loc)
{
	memset(loc, 0, sizeof(*loc));
	loc->source = PIDF_SOURCE_NONE;
}

/* ---- the parse ---- */

/* What the SAX callbacks saw; the parser context's _private points here. */
struct parse {
	unsigned depth;
	unsigned doctype_line; /* 0: none seen */
	unsigned deep_line;    /* 0: never deeper than PIDF_MAX_DEPTH */
	unsigned error_line;
	bool no_memory; /* libxml2 ran out at some point (a later error may mask it in errNo) */
	char error[160]; /* libxml2's first message, without its newline */
};

static unsigned ctxt_line(xmlParserCtxtPtr ctxt)
{
	return ctxt->input != NULL && ctxt->input->line > 0 ? (unsigned)ctxt->input->line : 1;
}

/* Parser diagnostics: keep the first; later ones are mostly its echoes. */
static void on_parse_error(void *data, xmlErrorPtr e)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;
	size_t n;

	if (e != NULL && e->code == XML_ERR_NO_MEMORY)
		p->no_memory = true;
	/* Warnings (a relative namespace URI...) do not make a document unreadable. */
	if (p->error[0] != '\0' || e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(p->error, sizeof(p->error), "%s", e->message ? e->message : "unknown XML error");
	n = strlen(p->error);
	while (n > 0 && (p->error[n - 1] == '\n' || p->error[n - 1] == ' '))
		p->error[--n] = '\0';
	p->error_line = e->line > 0 ? (unsigned)e->line : 0;
}

/* SAX: a DOCTYPE. Stop before its internal subset or external DTD is read. */
static void on_doctype(void *data, const xmlChar *name, const xmlChar *external_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse *p = ctxt->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	p->doctype_line = ctxt_line(ctxt);
	xmlStopParser(ctxt);
}

/*
 * Did the tree builder build the element the parser saw? Out of memory,
 * libxml2 2.9 can drop an element's namespace or an attribute and say so
 * only to its global handler: then the tree is not the document.
 */
static bool built_as_seen(xmlParserCtxtPtr ctxt, const xmlChar *name, const xmlChar *uri,
			  int nb_attributes, const xmlChar **attributes)
{
	const xmlNode *n = ctxt->node;
	const xmlAttr *a;
	int i = 0;

	if (n == NULL || n->type != XML_ELEMENT_NODE || !xmlStrEqual(n->name, name))
		return false;
	if (!xmlStrEqual(n->ns ? n->ns->href : NULL, uri))
		return false;
	/* The attributes come as (localname, prefix, URI, value, end) and are built in that order. */
	for (a = n->properties; a != NULL && i < nb_attributes; a = a->next, i++)
		if (!xmlStrEqual(a->name, attributes[5 * i]) ||
		    !xmlStrEqual(a->ns ? a->ns->href : NULL, attributes[5 * i + 2]))
			return false;
	return a == NULL && i == nb_attributes;
}

/* SAX: an element starts. Stop once the nesting passes the bound, before building deeper. */
static void on_element(void *data, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
		       int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
		       int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = data;
	struct parse *p = ctxt->_private;

	if (++p->depth > PIDF_MAX_DEPTH) {
		p->deep_line = ctxt_line(ctxt);
		xmlStopParser(ctxt);
		return;
	}
	xmlSAX2StartElementNs(data, name, prefix, uri, nb_namespaces, namespaces, nb_attributes,
			      nb_defaulted, attributes);
	/* A namespace error already reported (an undeclared prefix) builds a stand-in namespace. */
	if (!p->no_memory && ctxt->nsWellFormed && !built_as_seen(ctxt, name, uri, nb_attributes, attributes)) {
		p->no_memory = true;
		xmlStopParser(ctxt);
	}
}

static void on_element_end(void *data, const xmlChar *name, const xmlChar *prefix,
			   const xmlChar *uri)
{
	struct parse *p = ((xmlParserCtxtPtr)data)->_private;

	p->depth--;
	xmlSAX2EndElementNs(data, name, prefix, uri);
}

/* @return the document with a root element, or NULL with the error set. */
static xmlDocPtr parse(struct pidf_ctx *c, const char *xml, size_t len, int *rc)
{
	struct parse p = { 0 };
	xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(xml, (int)len);
	xmlDocPtr doc;
	bool well_formed, no_memory;

	if (ctxt == NULL) {
		*rc = pidf_fail(c, -ENOMEM, "out of memory");
		return NULL;
	}
	/* No XML_PARSE_NOENT, DTDLOAD, DTDATTR or HUGE: entities stay unexpanded, no DTD is read. */
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES |
				XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	ctxt->_private = &p;
	ctxt->sax->serror = on_parse_error;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->startElementNs = on_element;
	ctxt->sax->endElementNs = on_element_end;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	ctxt->myDoc = NULL;
	/* Namespace errors (an undeclared prefix) leave wellFormed set: count them too. */
	well_formed = ctxt->wellFormed && ctxt->nsWellFormed;
	no_memory = p.no_memory || ctxt->errNo == XML_ERR_NO_MEMORY;
	xmlFreeParserCtxt(ctxt);

	if (p.doctype_line != 0)
		*rc = pidf_fail(c, -ENOTSUP,
				"line %u: DOCTYPE is not allowed in a PIDF-LO (no DTD, no entities)",
				p.doctype_line);
	else if (p.deep_line != 0)
		*rc = pidf_fail(c, -ELOOP, "line %u: elements nested more than %u deep",
				p.deep_line, PIDF_MAX_DEPTH);
	else if (no_memory)
		*rc = pidf_fail(c, -ENOMEM, "out of memory");
	else if (!well_formed || p.error[0] != '\0')
		*rc = pidf_fail(c, -EBADMSG, "not well-formed XML: line %u: %s", p.error_line,
				p.error[0] ? p.error : "unknown error");
	else if (doc == NULL || xmlDocGetRootElement(doc) == NULL)
		*rc = pidf_fail(c, -ENOMEM, "out of memory"); /* well-formed, yet no tree */
	else
		return doc;
	xmlFreeDoc(doc);
	return NULL;
}

/* ---- the walk ---- */

/* Which geopriv gave the first civic address and the first shape. */
struct walk {
	struct pidf_ctx *c;
	const xmlNode *civic_gp;
	const xmlNode *geo_gp;
	bool seen_conf_uri, seen_conf_mode, seen_tag;
};

static const struct {
	const char *token;
	enum pidf_method method;
} methods[] = {
	{ "GPS", PIDF_METHOD_GPS },
	{ "A-GPS", PIDF_METHOD_A_GPS },
	{ "Manual", PIDF_METHOD_MANUAL },
	{ "DHCP", PIDF_METHOD_DHCP },
	{ "LLDP-MED", PIDF_METHOD_LLDP_MED },
	{ "Wiremap", PIDF_METHOD_WIREMAP },
	{ "Cell", PIDF_METHOD_CELL },
	{ "802.11", PIDF_METHOD_802_11 },
	{ "Triangulation", PIDF_METHOD_TRIANGULATION },
	{ "Derived", PIDF_METHOD_DERIVED },
};

const char *pidf_method_name(enum pidf_method m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (methods[i].method == m)
			return methods[i].token;
	return m == PIDF_METHOD_OTHER ? "other" : "none";
}

const char *pidf_source_name(enum pidf_source s)
{
	switch (s) {
	case PIDF_SOURCE_VALIDATED:
		return "validated";
	case PIDF_SOURCE_USER_ENTERED:
		return "user-entered";
	case PIDF_SOURCE_REFERENCE:
		return "by-reference";
	case PIDF_SOURCE_NONE:
		break;
	}
	return "none";
}

/*
 * The method of a geopriv. Case-insensitive: a client writing "manual" has
 * still had the user type the location in, and must not pass as validated.
 */
static enum pidf_method geopriv_method(struct walk *w, const xmlNode *gp, char *text, size_t cap)
{
	const xmlNode *m = pidf_child(gp, PIDF_NS_GP, "method");
	char buf[PIDF_METHOD_MAX];

	if (text == NULL) {
		text = buf;
		cap = sizeof(buf);
	}
	text[0] = '\0';
	if (m == NULL)
		return PIDF_METHOD_NONE;
	if (!pidf_text(m, text, cap))
		w->c->out->warnings |= PIDF_WARN_TRUNCATED;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcasecmp(text, methods[i].token) == 0)
			return methods[i].method;
	return text[0] != '\0' ? PIDF_METHOD_OTHER : PIDF_METHOD_NONE;
}

/* The timestamp of the tuple, device or person a geopriv belongs to. */
static void geopriv_timestamp(struct walk *w, const xmlNode *gp, char *out, size_t cap)
{
	const xmlNode *ts = NULL;

	out[0] = '\0';
	for (const xmlNode *p = gp->parent; p != NULL && p->type == XML_ELEMENT_NODE;
	     p = p->parent) {
		if (pidf_is(p, PIDF_NS, "tuple")) {
			ts = pidf_child(p, PIDF_NS, "timestamp");
			break;
		}
		if (pidf_is(p, PIDF_NS_DM, "device") || pidf_is(p, PIDF_NS_DM, "person")) {
			ts = pidf_child(p, PIDF_NS_DM, "timestamp");
			break;
		}
	}
	if (ts != NULL && !pidf_text(ts, out, cap))
		w->c->out->warnings |= PIDF_WARN_TRUNCATED;
}

static int geopriv(struct walk *w, const xmlNode *gp)
{
	struct pidf_location *out = w->c->out;
	struct pidf_geo extra;
	int rc;

	for (const xmlNode *li = gp->children; li != NULL; li = li->next) {
		if (!pidf_is(li, PIDF_NS_GP, "location-info"))
			continue;
		for (const xmlNode *x = li->children; x != NULL; x = x->next) {
			if (x->type != XML_ELEMENT_NODE)
				continue;
			if (pidf_is(x, PIDF_NS_CA, "civicAddress")) {
				if (out->has_civic) {
					out->warnings |= PIDF_WARN_MORE_LOCATIONS;
					continue;
				}
				pidf_civic_read(w->c, x);
				out->has_civic = true;
				w->civic_gp = gp;
			} else if (pidf_geo_is_shape(x)) {
				/* A later shape is checked too: a bad one fails the read either way. */
				rc = pidf_geo_read(w->c, x, out->has_geo ? &extra : &out->geo);
				if (rc != 0)
					return rc;
				if (out->has_geo) {
					out->warnings |= PIDF_WARN_MORE_LOCATIONS;
					continue;
				}
				out->has_geo = true;
				w->geo_gp = gp;
			} else {
				out->warnings |= PIDF_WARN_UNKNOWN_LOCATION;
			}
		}
	}
	return 0;
}

static bool sip_uri(const char *u)
{
	if (strncasecmp(u, "sip:", 4) != 0 && strncasecmp(u, "sips:", 5) != 0)
		return false;
	return strchr(u, ' ') == NULL && u[strcspn(u, ":") + 1] != '\0';
}

/* ConferenceUri, ConferenceMode (MS-SIPRE Appendix D): the first of each counts. */
static void extension(struct walk *w, const xmlNode *n)
{
	struct pidf_location *out = w->c->out;
	char mode[16];

	if (strcmp((const char *)n->name, "ConferenceUri") == 0) {
		if (w->seen_conf_uri) {
			out->warnings |= PIDF_WARN_EXTENSION;
			return;
		}
		w->seen_conf_uri = true;
		if (!pidf_text_exact(n, out->conference_uri, sizeof(out->conference_uri)) ||
		    !sip_uri(out->conference_uri)) {
			out->conference_uri[0] = '\0';
			out->warnings |= PIDF_WARN_EXTENSION;
		}
	} else if (strcmp((const char *)n->name, "ConferenceMode") == 0) {
		if (w->seen_conf_mode) {
			out->warnings |= PIDF_WARN_EXTENSION;
			return;
		}
		w->seen_conf_mode = true;
		pidf_text_exact(n, mode, sizeof(mode));
		out->has_conference_mode = true;
		if (strcasecmp(mode, "oneway") == 0) {
			out->conference_mode = E911_CONFERENCE_ONE_WAY;
		} else if (strcasecmp(mode, "twoway") == 0) {
			out->conference_mode = E911_CONFERENCE_TWO_WAY;
		} else {
			out->has_conference_mode = false;
			out->warnings |= PIDF_WARN_EXTENSION;
		}
	}
	/* Others (msftE911PidfExtn itself, anything newer) carry nothing we use. */
}

static void policy_tag(struct walk *w, const xmlNode *n)
{
	struct pidf_location *out = w->c->out;

	if (w->seen_tag) {
		out->warnings |= PIDF_WARN_EXTENSION;
		return;
	}
	w->seen_tag = true;
	if (!pidf_text_exact(n, out->policy_tag, sizeof(out->policy_tag)) ||
	    out->policy_tag[0] == '\0')
		out->warnings |= PIDF_WARN_EXTENSION;
}

/* Every element in document order; the parse bounded the depth of this recursion. */
static int walk(struct walk *w, const xmlNode *n)
{
	int rc;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (pidf_is(n, PIDF_NS_GP, "geopriv")) {
			if ((rc = geopriv(w, n)) != 0)
				return rc;
		} else if (pidf_in_ns(n, PIDF_NS_MSFT_EXTN)) {
			extension(w, n);
		} else if (pidf_is(n, PIDF_NS_MSFT_TAG, "LocationPolicyTagID")) {
			policy_tag(w, n);
		}
		if ((rc = walk(w, n->children)) != 0)
			return rc;
	}
	return 0;
}

/* The primary location is the civic address (what the provider routes on), else the shape. */
static void decide(struct walk *w)
{
	struct pidf_location *out = w->c->out;
	const xmlNode *primary = w->civic_gp ? w->civic_gp : w->geo_gp;

	if (w->civic_gp != NULL)
		out->civic_method = geopriv_method(w, w->civic_gp, NULL, 0);
	if (w->geo_gp != NULL)
		out->geo_method = geopriv_method(w, w->geo_gp, NULL, 0);
	if (primary == NULL) {
		out->source = PIDF_SOURCE_NONE;
		return;
	}
	out->method = geopriv_method(w, primary, out->method_text, sizeof(out->method_text));
	geopriv_timestamp(w, primary, out->timestamp, sizeof(out->timestamp));
	out->source = out->method == PIDF_METHOD_MANUAL ? PIDF_SOURCE_USER_ENTERED
							: PIDF_SOURCE_VALIDATED;
}

int pidf_read(const char *xml, size_t len, struct pidf_location *out, char *err, size_t errlen)
{
	struct pidf_ctx c = { .out = out, .err = err, .errlen = errlen };
	struct walk w = { .c = &c };
	const xmlNode *root;
	xmlDocPtr doc;
	int rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	pidf_location_init(out);
	if (len > PIDF_MAX_BYTES)
		return pidf_fail(&c, -EFBIG, "%zu bytes, more than the %u a PIDF-LO may have", len,
				 PIDF_MAX_BYTES);
	if (len == 0 || xml == NULL)
		return pidf_fail(&c, -EBADMSG, "empty document");
	xmlInitParser();
	doc = parse(&c, xml, len, &rc);
	if (doc == NULL)
		goto fail;
	root = xmlDocGetRootElement(doc);
	if (!pidf_is(root, PIDF_NS, "presence")) {
		const char *ns = root->ns ? (const char *)root->ns->href : NULL;
		rc = pidf_fail(&c, -ENOMSG,
			       "not a PIDF document: root element '%.60s' in %s%.80s%s; expected "
			       "'presence' in namespace '%s'",
			       (const char *)root->name, ns ? "namespace '" : "no namespace",
			       ns ? ns : "", ns ? "'" : "", PIDF_NS);
	} else {
		rc = walk(&w, root);
		if (rc == 0)
			decide(&w);
	}
	xmlFreeDoc(doc);
	if (rc == 0)
		return 0;
fail:
	pidf_location_init(out);
	return rc;
}

int pidf_note_reference(struct pidf_location *loc, const char *uri, size_t len)
{
	if (uri == NULL || len == 0 || (len >= 4 && strncasecmp(uri, "cid:", 4) == 0))
		return -EINVAL;
	if (len >= sizeof(loc->reference))
		return -ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)uri[i] <= ' ' || uri[i] == 0x7f)
			return -EINVAL;
	memcpy(loc->reference, uri, len);
	loc->reference[len] = '\0';
	if (!loc->has_civic && !loc->has_geo)
		loc->source = PIDF_SOURCE_REFERENCE;
	return 0;
}
