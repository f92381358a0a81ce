/*
 * cmd_edit.c - a change is made on the configuration as a document: written
 * by the library's own writer, edited as an XML tree, then loaded again by
 * the library's own loader. So every rule the loader knows (the schema,
 * references, duplicates, limits, URIs, subnets) checks every change, with
 * no second copy of those rules here; the commands only pre-check what they
 * can say more clearly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_internal.h"

int edit_open(struct cmd *c, struct edit *e)
{
	char *xml;
	size_t len;
	e->doc = NULL;
	if (policy_config_write(c->cfg, &xml, &len) != 0) {
		cmd_error(c, "the running configuration cannot be written out (out of memory?)");
		return -1;
	}
	e->doc = xmlReadMemory(xml, (int)len, "config.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	free(xml);
	if (!e->doc || !(e->root = xmlDocGetRootElement(e->doc))) {
		edit_close(e);
		cmd_error(c, "the running configuration cannot be edited (out of memory?)");
		return -1;
	}
	return 0;
}

void edit_close(struct edit *e)
{
	xmlFreeDoc(e->doc);
	e->doc = NULL;
}

/* "config.xml:12: policy 'X': ... (lines 2 and 5)" -> "policy 'X': ...": lines of a
 * document the operator never saw say nothing. */
static void without_place(const char *text, char *out, size_t cap)
{
	const char *p = strstr(text, ": ");
	if (p && !strncmp(text, "config.xml", 10))
		text = p + 2;
	snprintf(out, cap, "%s", text);
	char *lines = strstr(out, " (lines ");
	if (!lines)
		lines = strstr(out, " (line ");
	if (lines && out[strlen(out) - 1] == ')')
		*lines = '\0';
}

enum ctl_kind edit_commit(struct cmd *c, struct edit *e, const char *fmt, ...)
{
	xmlChar *xml = NULL;
	int len = 0;
	xmlDocDumpMemoryEnc(e->doc, &xml, &len, "UTF-8");
	edit_close(e);
	if (!xml)
		return cmd_error(c, "out of memory");
	struct e911_config *cfg;
	struct policy_errors errs;
	int rc = policy_config_load_buffer((const char *)xml, (size_t)len, "config.xml", &cfg, &errs);
	xmlFree(xml);
	if (rc != 0) {
		/* Every error, joined: the operator sees all that is wrong at once. */
		char msg[1024] = "";
		size_t n = 0;
		for (uint32_t i = 0; i < errs.count && n < sizeof(msg); i++) {
			char one[512];
			without_place(errs.items[i].text, one, sizeof(one));
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s", i ? "; " : "", one);
		}
		policy_errors_free(&errs);
		return cmd_error(c, "%s", rc == -ENOMEM ? "out of memory" : msg[0] ? msg : "not a valid configuration");
	}
	policy_errors_free(&errs);
	c->res->config = cfg;
	c->res->kind = CTL_CHANGE;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&c->res->text, fmt, ap) < 0)
		c->res->text = NULL;
	va_end(ap);
	return CTL_CHANGE;
}

xmlNodePtr edit_find(xmlNodePtr parent, const char *name, const char *attr, const char *value)
{
	for (xmlNodePtr n = parent->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, name) != 0)
			continue;
		if (!attr)
			return n;
		xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
		bool same = v && !strcmp((const char *)v, value);
		xmlFree(v);
		if (same)
			return n;
	}
	return NULL;
}

unsigned edit_count(xmlNodePtr parent, const char *name)
{
	unsigned k = 0;
	for (xmlNodePtr n = parent->children; n; n = n->next)
		k += n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
	return k;
}

xmlNodePtr edit_add(xmlNodePtr parent, const char *name, const char *const *before)
{
	xmlNodePtr node = xmlNewNode(parent->ns, (const xmlChar *)name);
	if (!node)
		return NULL;
	for (xmlNodePtr n = parent->children; n && before; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (const char *const *b = before; *b; b++)
			if (!strcmp((const char *)n->name, *b))
				return xmlAddPrevSibling(n, node);
	}
	return xmlAddChild(parent, node);
}

int gateway_parse(const char *text, char *addr, size_t cap, unsigned *port)
{
	const char *host = text, *colon = NULL;
	size_t hlen = strlen(text);
	unsigned char bin[16];
	*port = 5060;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (!close)
			return -1;
		host = text + 1;
		hlen = (size_t)(close - host);
		if (close[1] == ':')
			colon = close + 1;
		else if (close[1])
			return -1;
	} else if (strchr(text, ':') == strrchr(text, ':') && strchr(text, ':')) { /* v4:port */
		colon = strchr(text, ':');
		hlen = (size_t)(colon - text);
	}
	if (colon) {
		char *end;
		unsigned long p = strtoul(colon + 1, &end, 10);
		if (!colon[1] || *end || p == 0 || p > 65535)
			return -1;
		*port = (unsigned)p;
	}
	if (hlen == 0 || hlen >= cap)
		return -1;
	memcpy(addr, host, hlen);
	addr[hlen] = '\0';
	if (!ip_parse(addr, bin))
		return -1;
	return 0;
}

int ip_parse(const char *text, unsigned char bin[16])
{
	memset(bin, 0, 16);
	return inet_pton(AF_INET, text, bin) == 1 ? 4 : inet_pton(AF_INET6, text, bin) == 1 ? 6 : 0;
}

/* Addresses compared as numbers: 2001:DB8::1 and 2001:db8:0::1 are one gateway. */
static bool same_address(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	int fa = ip_parse(a, x), fb = ip_parse(b, y);
	return fa && fa == fb && !memcmp(x, y, sizeof(x));
}

xmlNodePtr gateway_find(xmlNodePtr route, const char *text)
{
	char addr[64];
	unsigned port;
	if (gateway_parse(text, addr, sizeof(addr), &port) != 0)
		return NULL;
	for (xmlNodePtr n = route->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "gateway") != 0)
			continue;
		xmlChar *a = xmlGetProp(n, (const xmlChar *)"address"), *p = xmlGetProp(n, (const xmlChar *)"port");
		bool same = a && same_address((const char *)a, addr) && (p ? (unsigned)atoi((const char *)p) : 5060) == port;
		xmlFree(a);
		xmlFree(p);
		if (same)
			return n;
	}
	return NULL;
}
