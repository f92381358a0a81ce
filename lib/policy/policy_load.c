/*
 * policy_load.c - reads a configuration document safely and hands the tree
 * to policy_build.c. The document comes from an operator's file or over the
 * control socket, so it is parsed as hostile input: at most 64 MiB; no
 * network (XML_PARSE_NONET); no entity substitution and no DTD loading; and
 * any DOCTYPE at all is refused the moment the parser meets it, before an
 * internal subset (where entity bombs and external entities live) is read.
 * Line numbers stay right past line 65535 (XML_PARSE_BIG_LINES). Parser and
 * schema diagnostics arrive through per-context structured handlers, never
 * through libxml2's global error state, and become "FILE:LINE: ..." errors.
 * The schema is the one embedded at build time (embed_xsd.py).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlschemas.h>

#include "policy_internal.h"

struct load {
	const char *file;
	struct policy_errors *errs;
	uint32_t doctype_line; /* 0: none seen */
};

/* A libxml2 message, without its newline and with our namespace left out. */
static void add_xml_error(struct load *l, const xmlError *e)
{
	static const char ns[] = "{" E911_CONFIG_NS "}";
	const char *m = e->message ? e->message : "unknown XML error";
	const xmlNode *node = e->node;
	uint32_t line = e->line > 0 ? (uint32_t)e->line : 0;
	char text[512];
	size_t n = 0;

	while (*m != '\0' && n < sizeof(text) - 4) {
		if (strncmp(m, ns, sizeof(ns) - 1) == 0) {
			m += sizeof(ns) - 1;
			continue;
		}
		text[n++] = *m++;
	}
	if (*m != '\0' && *m != '\n') {
		memcpy(text + n, "...", 3);
		n += 3;
	}
	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	text[n] = '\0';
	/* Schema errors carry the node: take the line we recorded (on_element). */
	if (node != NULL && node->type == XML_ATTRIBUTE_NODE)
		node = node->parent;
	if (node != NULL && node->type == XML_ELEMENT_NODE)
		line = build_line(node);
	perr_add(l->errs, l->file, line, "%s", text);
}

/* Parser diagnostics: data is the parser context, whose _private is ours. */
static void on_parse_error(void *data, xmlErrorPtr e)
{
	add_xml_error(((xmlParserCtxtPtr)data)->_private, e);
}

static void on_schema_error(void *data, xmlErrorPtr e)
{
	add_xml_error(data, e);
}

/*
 * SAX: an element starts. libxml2 keeps a node's line in 16 bits, and past
 * 65535 guesses it from neighbouring text nodes, which a compact document
 * does not have: keep the exact line (where the start tag ends, libxml2's
 * convention) in the node's application pointer instead.
 */
static void on_element(void *data, const xmlChar *name, const xmlChar *prefix, const xmlChar *uri,
		       int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
		       int nb_defaulted, const xmlChar **attributes)
{
	xmlParserCtxtPtr ctxt = data;

	xmlSAX2StartElementNs(data, name, prefix, uri, nb_namespaces, namespaces, nb_attributes,
			      nb_defaulted, attributes);
	if (ctxt->node != NULL && ctxt->input != NULL && ctxt->input->line > 0)
		ctxt->node->_private = (void *)(uintptr_t)ctxt->input->line;
}

/* SAX: a DOCTYPE. Stop before its internal subset or external DTD is read. */
static void on_doctype(void *data, const xmlChar *name, const xmlChar *external_id,
		       const xmlChar *system_id)
{
	xmlParserCtxtPtr ctxt = data;
	struct load *l = ctxt->_private;

	(void)name;
	(void)external_id;
	(void)system_id;
	l->doctype_line = 1;
	if (ctxt->input != NULL && ctxt->input->line > 0)
		l->doctype_line = (uint32_t)ctxt->input->line;
	xmlStopParser(ctxt);
}

/* @return the document, or NULL (errors recorded; -ENOMEM in *rc when that was why). */
static xmlDocPtr parse(struct load *l, const char *buf, size_t len, int *rc)
{
	xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt(buf, (int)len);
	xmlDocPtr doc;
	bool well_formed, clean;

	if (ctxt == NULL) {
		*rc = -ENOMEM;
		return NULL;
	}
	xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
				XML_PARSE_NOWARNING);
	ctxt->_private = l;
	ctxt->sax->serror = on_parse_error;
	ctxt->sax->internalSubset = on_doctype;
	ctxt->sax->startElementNs = on_element;
	xmlParseDocument(ctxt);
	doc = ctxt->myDoc;
	well_formed = ctxt->wellFormed;
	xmlFreeParserCtxt(ctxt);
	clean = well_formed && l->errs->count == 0 && l->errs->dropped == 0;
	*rc = -EINVAL;
	if (l->doctype_line != 0) {
		perr_add(l->errs, l->file, l->doctype_line,
			 "DOCTYPE is not allowed: a configuration has no DTD and no entities");
	} else if (clean) {
		if (doc != NULL && xmlDocGetRootElement(doc) != NULL)
			return doc;
		*rc = -ENOMEM; /* well-formed, yet no tree: the tree builder ran out */
	} else if (l->errs->count == 0 && l->errs->dropped == 0) {
		perr_add(l->errs, l->file, 0, "is not a well-formed XML document");
	}
	xmlFreeDoc(doc);
	return NULL;
}

/* The root must be e911-config in our namespace: say so plainly, before the schema does. */
static int check_root(struct load *l, const xmlNode *root)
{
	const char *ns = root->ns ? (const char *)root->ns->href : NULL;

	if (ns != NULL && strcmp(ns, E911_CONFIG_NS) == 0 &&
	    strcmp((const char *)root->name, "e911-config") == 0)
		return 0;
	perr_add(l->errs, l->file, build_line(root),
		 "root element '%.80s' in %s%.80s%s; expected 'e911-config' in namespace '%s'",
		 (const char *)root->name, ns ? "namespace '" : "no namespace", ns ? ns : "",
		 ns ? "'" : "", E911_CONFIG_NS);
	return -EINVAL;
}

static int validate(struct load *l, xmlDocPtr doc)
{
	xmlSchemaParserCtxtPtr pctxt;
	xmlSchemaValidCtxtPtr vctxt;
	xmlSchemaPtr schema;
	int rc;

	pctxt = xmlSchemaNewMemParserCtxt((const char *)policy_xsd, (int)policy_xsd_len);
	if (pctxt == NULL)
		return -ENOMEM;
	/* The embedded schema compiles (the unit tests load it); failing here is memory. */
	xmlSchemaSetParserStructuredErrors(pctxt, on_schema_error, l);
	schema = xmlSchemaParse(pctxt);
	xmlSchemaFreeParserCtxt(pctxt);
	if (schema == NULL)
		return -ENOMEM;
	vctxt = xmlSchemaNewValidCtxt(schema);
	if (vctxt == NULL) {
		xmlSchemaFree(schema);
		return -ENOMEM;
	}
	xmlSchemaSetValidStructuredErrors(vctxt, on_schema_error, l);
	rc = xmlSchemaValidateDoc(vctxt, doc);
	xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	if (rc != 0 && l->errs->count == 0 && l->errs->dropped == 0)
		perr_add(l->errs, l->file, 0, "does not match the configuration schema");
	return rc == 0 ? 0 : -EINVAL;
}

int policy_config_load_buffer(const char *buf, size_t len, const char *name,
			      struct e911_config **cfg, struct policy_errors *errs)
{
	struct load l = { .file = name, .errs = errs };
	xmlDocPtr doc;
	int rc;

	*cfg = NULL;
	memset(errs, 0, sizeof(*errs));
	if (len > E911_CONFIG_MAX_BYTES) {
		perr_add(errs, name, 0, "is %zu bytes, more than the %u a configuration may have",
			 len, E911_CONFIG_MAX_BYTES);
		return -EFBIG;
	}
	if (len == 0) {
		perr_add(errs, name, 0, "is empty");
		return -EINVAL;
	}
	xmlInitParser();
	doc = parse(&l, buf, len, &rc);
	if (doc == NULL)
		goto out;
	rc = check_root(&l, xmlDocGetRootElement(doc));
	if (rc == 0)
		rc = validate(&l, doc);
	if (rc == 0)
		rc = policy_build(xmlDocGetRootElement(doc), name, errs, cfg);
	xmlFreeDoc(doc);
out:
	if (rc == -ENOMEM)
		perr_add(errs, name, 0, "out of memory");
	perr_sort(errs);
	return rc;
}

/* Read a whole file of at most E911_CONFIG_MAX_BYTES. */
static int read_file(const char *path, char **buf, size_t *len, struct policy_errors *errs)
{
	const size_t max = E911_CONFIG_MAX_BYTES;
	size_t cap, n = 0;
	struct stat st;
	char *p = NULL, *grown;
	ssize_t got;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = -errno;
		perr_add(errs, path, 0, "cannot open: %s", strerrordesc_np(-rc));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		perr_add(errs, path, 0, "is a directory, not a configuration file");
		goto out;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > max) {
		rc = -EFBIG;
		perr_add(errs, path, 0, "is more than the %zu bytes a configuration may have", max);
		goto out;
	}
	/* st_size is a hint only (a pipe, a file still being written): read to the end. */
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536;
	p = malloc(cap);
	if (p == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap == max + 1) {
				rc = -EFBIG;
				perr_add(errs, path, 0,
					 "is more than the %zu bytes a configuration may have", max);
				break;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			grown = realloc(p, cap);
			if (grown == NULL) {
				rc = -ENOMEM;
				break;
			}
			p = grown;
		}
		got = read(fd, p + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			perr_add(errs, path, 0, "cannot read: %s", strerrordesc_np(-rc));
			break;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		free(p);
		p = NULL;
	}
	*buf = p;
	*len = n;
	return rc;
}

int policy_config_load_file(const char *path, struct e911_config **cfg,
			    struct policy_errors *errs)
{
	char *buf;
	size_t len;
	int rc;

	*cfg = NULL;
	memset(errs, 0, sizeof(*errs));
	rc = read_file(path, &buf, &len, errs);
	if (rc == -ENOMEM)
		perr_add(errs, path, 0, "out of memory");
	if (rc < 0)
		return rc;
	rc = policy_config_load_buffer(buf, len, path, cfg, errs);
	free(buf);
	return rc;
}
