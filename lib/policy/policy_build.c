/*
 * policy_build.c - turns a schema-valid configuration document into the
 * model of include/e911/policy.h: routes first (policies name them), then
 * policies (sites and users name them), then sites and users, and finally the
 * checks across entries (policy_check.c). The schema has already vouched for
 * the shape of the document, the enumerations, numbers and names, so this
 * file reads values without re-checking them; what it checks is what the
 * schema cannot: IP literals, subnets, URIs, dial masks, counts, references.
 * Every error is recorded with its line and the build goes on, so that one
 * run shows an operator every mistake; a build with errors returns nothing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy_internal.h"

uint32_t build_line(const xmlNode *n)
{
	long line = n->_private ? (long)(uintptr_t)n->_private : xmlGetLineNo(n);
	return line > 0 ? (uint32_t)line : 0;
}

/* The next element named `name` from n on (n included), or NULL. */
static const xmlNode *element(const xmlNode *n, const char *name)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

#define FOR_EACH(c, parent, name)                                      \
	for (const xmlNode *c = element((parent)->children, (name)); c; \
	     c = element(c->next, (name)))

static uint32_t count(const xmlNode *parent, const char *name)
{
	uint32_t n = 0;
	FOR_EACH(c, parent, name)
		n++;
	return n;
}

/*
 * An attribute's value, or NULL when absent. Ours have no namespace (the
 * schema lets xsi: ones through). Without a DTD, a value is one text node.
 */
static const char *attr(const xmlNode *n, const char *name)
{
	for (const xmlAttr *a = n->properties; a != NULL; a = a->next)
		if (a->ns == NULL && strcmp((const char *)a->name, name) == 0)
			return a->children ? (const char *)a->children->content : "";
	return NULL;
}

/* A schema-checked number; strtoul skips the spaces xs:unsignedShort allows around it. */
static uint32_t attr_uint(const xmlNode *n, const char *name, uint32_t dflt)
{
	const char *v = attr(n, name);
	return v ? (uint32_t)strtoul(v, NULL, 10) : dflt;
}

static bool attr_flag(const xmlNode *n, const char *name, bool dflt)
{
	const char *v = attr(n, name);
	return v ? strcmp(v, "true") == 0 : dflt;
}

/* Index of a schema-checked enumeration value in words, or dflt when absent. */
static uint32_t attr_word(const xmlNode *n, const char *name, const char *const *words,
			  uint32_t dflt)
{
	const char *v = attr(n, name);
	for (uint32_t i = 0; v != NULL && words[i] != NULL; i++)
		if (strcmp(v, words[i]) == 0)
			return i;
	return dflt;
}

static int dup_str(const char *s, char **out)
{
	*out = s ? strdup(s) : NULL;
	return s == NULL || *out != NULL ? 0 : -ENOMEM;
}

/* calloc of n elements; n == 0 leaves NULL. */
static int alloc_array(uint32_t n, size_t size, void *out)
{
	void *p = n ? calloc(n, size) : NULL;
	memcpy(out, &p, sizeof(p));
	return n == 0 || p != NULL ? 0 : -ENOMEM;
}

/* The text of a child element (description, disclaimer), or NULL. */
static int child_text(const xmlNode *n, const char *name, char **out)
{
	const xmlNode *c = element(n->children, name);
	xmlChar *text;
	int rc;

	*out = NULL;
	if (c == NULL)
		return 0;
	text = xmlNodeGetContent(c);
	if (text == NULL)
		return -ENOMEM;
	rc = dup_str((const char *)text, out);
	xmlFree(text);
	return rc;
}

/* ---- routes ---- */

static int build_gateway(struct build *b, const char *route, const xmlNode *n,
			 struct e911_gateway *g)
{
	static const char *const transports[] = { "udp", "tcp", "tls", NULL };
	const char *address = attr(n, "address");
	char text[64];

	if (net_parse_ip(address, &g->family, g->address) < 0)
		BUILD_ERR(b, build_line(n),
			  "route '%s': gateway address '%.80s' is not an IPv4 or IPv6 literal "
			  "(no host names: the dataplane does no DNS; no brackets)",
			  route, address);
	g->port = (uint16_t)attr_uint(n, "port", 5060);
	g->priority = (uint16_t)attr_uint(n, "priority", 1);
	g->weight = (uint16_t)attr_uint(n, "weight", 1);
	if (attr_word(n, "transport", transports, 0) != 0)
		BUILD_ERR(b, build_line(n),
			  "route '%s': gateway transport '%s' is not supported (only udp for now)",
			  route, attr(n, "transport"));
	g->transport = E911_TRANSPORT_UDP;
	return dup_str(net_ntop(g->family, g->address, text, sizeof(text)), &g->address_text);
}

static int build_route(struct build *b, const xmlNode *n, struct e911_route *r)
{
	uint32_t i = 0, line[E911_MAX_GATEWAYS];
	int rc;

	if ((rc = dup_str(attr(n, "name"), &r->name)) < 0)
		return rc;
	r->gateway_count = count(n, "gateway");
	if (r->gateway_count > E911_MAX_GATEWAYS) {
		BUILD_ERR(b, build_line(n), "route '%s' has %u gateways, more than the %u allowed",
			  r->name, r->gateway_count, E911_MAX_GATEWAYS);
		r->gateway_count = E911_MAX_GATEWAYS;
	}
	if ((rc = alloc_array(r->gateway_count, sizeof(*r->gateways), &r->gateways)) < 0)
		return rc;
	FOR_EACH(c, n, "gateway") {
		struct e911_gateway *g;
		if (i == r->gateway_count)
			break;
		g = &r->gateways[i];
		line[i] = build_line(c);
		if ((rc = build_gateway(b, r->name, c, g)) < 0)
			return rc;
		for (uint32_t j = 0; j < i; j++)
			if (g->port == r->gateways[j].port &&
			    strcmp(g->address_text, r->gateways[j].address_text) == 0)
				BUILD_ERR(b, line[i],
					  "route '%s': gateway %s port %u is listed twice (first at line %u)",
					  r->name, g->address_text, g->port, line[j]);
		i++;
	}
	return 0;
}

/* ---- policies ---- */

/* A notification or conference URI: sip: or sips:, and well-formed. */
static bool sip_uri(const char *uri)
{
	char norm[E911_URI_MAX + 1];
	size_t len = strlen(uri);

	return len <= E911_URI_MAX &&
	       policy_uri_normalise(uri, (uint32_t)len, norm, sizeof(norm)) >= 0 &&
	       strncmp(norm, "sip", 3) == 0;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n >= 1 && n <= E911_DIAL_MAX;
}

/* "9911;112": each mask 1..10 digits, at most E911_MAX_DIAL_MASKS. */
static void parse_masks(struct build *b, uint32_t line, const char *policy, const char *text,
			struct e911_emergency_number *num)
{
	const char *p = text;

	for (;;) {
		const char *semi = strchr(p, ';');
		size_t n = semi ? (size_t)(semi - p) : strlen(p);

		if (!digits(p, n)) {
			BUILD_ERR(b, line,
				  "policy '%s': emergency-number '%s': dial mask '%.*s' is not 1 to %u digits",
				  policy, num->dial_string, (int)(n > 80 ? 80 : n), p,
				  E911_DIAL_MAX);
		} else if (num->dial_mask_count == E911_MAX_DIAL_MASKS) {
			BUILD_ERR(b, line,
				  "policy '%s': emergency-number '%s' has more than %u dial masks",
				  policy, num->dial_string, E911_MAX_DIAL_MASKS);
			return;
		} else {
			memcpy(num->dial_masks[num->dial_mask_count], p, n);
			num->dial_mask_count++;
		}
		if (semi == NULL)
			return;
		p = semi + 1;
	}
}

static void build_number(struct build *b, const char *policy, const xmlNode *n,
			 struct e911_emergency_number *num)
{
	const char *route = attr(n, "route");
	const char *masks = attr(n, "dial-masks");
	const char *dial = attr(n, "dial-string");
	int64_t r = check_find_route(b, route);

	/* The schema's pattern has checked: 1..10 digits (strnlen: never more). */
	memcpy(num->dial_string, dial, strnlen(dial, E911_DIAL_MAX));
	if (masks != NULL)
		parse_masks(b, build_line(n), policy, masks, num);
	if (r < 0)
		BUILD_ERR(b, build_line(n),
			  "policy '%s': emergency-number '%s' names route '%s', which is not defined",
			  policy, num->dial_string, route);
	num->route = r < 0 ? 0 : (uint32_t)r;
}

static int build_notifications(struct build *b, const xmlNode *n, struct e911_policy *p)
{
	uint32_t i = 0, line[E911_MAX_NOTIFICATION_URIS];
	int rc;

	p->notification_uri_count = count(n, "notification");
	if (p->notification_uri_count > E911_MAX_NOTIFICATION_URIS) {
		BUILD_ERR(b, build_line(n),
			  "policy '%s' has %u notification URIs, more than the %u allowed",
			  p->name, p->notification_uri_count, E911_MAX_NOTIFICATION_URIS);
		p->notification_uri_count = E911_MAX_NOTIFICATION_URIS;
	}
	rc = alloc_array(p->notification_uri_count, sizeof(char *), &p->notification_uris);
	if (rc < 0)
		return rc;
	FOR_EACH(c, n, "notification") {
		const char *uri = attr(c, "uri");
		if (i == p->notification_uri_count)
			break;
		line[i] = build_line(c);
		if (!sip_uri(uri))
			BUILD_ERR(b, line[i],
				  "policy '%s': notification uri '%.80s' is not a sip: or sips: URI",
				  p->name, uri);
		for (uint32_t j = 0; j < i; j++)
			if (strcmp(uri, p->notification_uris[j]) == 0)
				BUILD_ERR(b, line[i],
					  "policy '%s': notification uri '%s' is listed twice (first at line %u)",
					  p->name, uri, line[j]);
		if ((rc = dup_str(uri, &p->notification_uris[i++])) < 0)
			return rc;
	}
	return 0;
}

/* The attributes of a policy element, and what they require of each other. */
static int build_policy_attrs(struct build *b, const xmlNode *n, struct e911_policy *p)
{
	static const char *const required[] = { "no", "yes", "disclaimer", NULL };
	static const char *const modes[] = { "one-way", "two-way", NULL };
	uint32_t line = build_line(n);
	int rc;

	if ((rc = dup_str(attr(n, "tag"), &p->tag)) < 0 ||
	    (rc = dup_str(attr(n, "conference-uri"), &p->conference_uri)) < 0 ||
	    (rc = dup_str(attr(n, "resource-priority"), &p->resource_priority)) < 0 ||
	    (rc = child_text(n, "description", &p->description)) < 0 ||
	    (rc = child_text(n, "disclaimer", &p->disclaimer)) < 0)
		return rc;
	p->enhanced_emergency_services_enabled = attr_flag(n, "enhanced-emergency-services", true);
	p->location_required = attr_word(n, "location-required", required, E911_LOCATION_NO);
	p->use_location_for_e911_only = attr_flag(n, "use-location-for-e911-only", false);
	p->location_refresh_interval = attr_uint(n, "location-refresh-interval", 4);
	p->conference_mode = attr_word(n, "conference-mode", modes, E911_CONFERENCE_ONE_WAY);
	if (p->conference_uri != NULL && !sip_uri(p->conference_uri))
		BUILD_ERR(b, line, "policy '%s': conference-uri '%.80s' is not a sip: or sips: URI",
			  p->name, p->conference_uri);
	if (p->conference_uri == NULL && attr(n, "conference-mode") != NULL)
		BUILD_ERR(b, line, "policy '%s': conference-mode '%s' without a conference-uri",
			  p->name, attr(n, "conference-mode"));
	if (p->location_required == E911_LOCATION_DISCLAIMER &&
	    (p->disclaimer == NULL || p->disclaimer[0] == '\0'))
		BUILD_ERR(b, line,
			  "policy '%s': location-required is 'disclaimer' but the disclaimer is missing or empty",
			  p->name);
	return 0;
}

static int build_policy(struct build *b, uint32_t index, const xmlNode *n)
{
	struct e911_policy *p = &b->cfg->policies[index];
	uint32_t i = 0;
	int rc;

	if ((rc = build_policy_attrs(b, n, p)) < 0 || (rc = build_notifications(b, n, p)) < 0)
		return rc;
	p->number_count = count(n, "emergency-number");
	if (p->number_count > E911_MAX_NUMBERS) {
		BUILD_ERR(b, build_line(n),
			  "policy '%s' has %u emergency numbers, more than the %u allowed",
			  p->name, p->number_count, E911_MAX_NUMBERS);
		p->number_count = E911_MAX_NUMBERS;
	}
	if ((rc = alloc_array(p->number_count, sizeof(*p->numbers), &p->numbers)) < 0 ||
	    (rc = alloc_array(p->number_count, sizeof(uint32_t), &b->lines.numbers[index])) < 0)
		return rc;
	FOR_EACH(c, n, "emergency-number") {
		if (i == p->number_count)
			break;
		b->lines.numbers[index][i] = build_line(c);
		build_number(b, p->name, c, &p->numbers[i++]);
	}
	return check_numbers(b, index);
}

/* ---- sites and users ---- */

static int64_t policy_ref(struct build *b, const xmlNode *n, const char *what, const char *who)
{
	const char *name = attr(n, "policy");
	int64_t p = check_find_policy(b, name);

	if (p < 0)
		BUILD_ERR(b, build_line(n), "%s '%.80s' names policy '%s', which is not defined",
			  what, who, name);
	return p < 0 ? 0 : p;
}

static int build_site(struct build *b, uint32_t index, const xmlNode *n)
{
	struct e911_site *s = &b->cfg->sites[index];
	char why[128];
	uint32_t i = 0;
	int rc;

	if ((rc = dup_str(attr(n, "name"), &s->name)) < 0)
		return rc;
	s->policy = (uint32_t)policy_ref(b, n, "site", s->name);
	s->subnet_count = count(n, "subnet");
	if ((rc = alloc_array(s->subnet_count, sizeof(*s->subnets), &s->subnets)) < 0 ||
	    (rc = alloc_array(s->subnet_count, sizeof(uint32_t), &b->lines.subnets[index])) < 0)
		return rc;
	FOR_EACH(c, n, "subnet") {
		const char *prefix = attr(c, "prefix");
		b->lines.subnets[index][i] = build_line(c);
		if (net_parse_subnet(prefix, &s->subnets[i], why, sizeof(why)) < 0) {
			BUILD_ERR(b, build_line(c), "site '%s': subnet prefix '%.80s' %s", s->name,
				  prefix, why);
			s->subnets[i].family = 0; /* not compared with the others */
		}
		i++;
	}
	return 0;
}

static int build_user(struct build *b, uint32_t index, const xmlNode *n)
{
	struct e911_user *u = &b->cfg->users[index];
	const char *uri = attr(n, "uri");
	size_t len = strlen(uri); /* the schema allows at most E911_URI_MAX characters */

	u->uri = malloc(len + 1);
	if (u->uri == NULL)
		return -ENOMEM;
	if (policy_uri_normalise(uri, (uint32_t)len, u->uri, (uint32_t)len + 1) < 0) {
		BUILD_ERR(b, build_line(n),
			  "user uri '%.80s' is not a sip:, sips: or tel: URI (e.g. sip:alice@example.com, "
			  "tel:+13125550100)", uri);
		strcpy(u->uri, uri);
	}
	u->policy = (uint32_t)policy_ref(b, n, "user", uri);
	return 0;
}

/* ---- the whole document ---- */

static int alloc_all(struct build *b, const xmlNode *root)
{
	struct e911_config *c = b->cfg;
	int rc;

	c->route_count = count(root, "route");
	c->policy_count = count(root, "policy");
	c->site_count = count(root, "site");
	c->user_count = count(root, "user");
	if ((rc = alloc_array(c->route_count, sizeof(*c->routes), &c->routes)) < 0 ||
	    (rc = alloc_array(c->policy_count, sizeof(*c->policies), &c->policies)) < 0 ||
	    (rc = alloc_array(c->site_count, sizeof(*c->sites), &c->sites)) < 0 ||
	    (rc = alloc_array(c->user_count, sizeof(*c->users), &c->users)) < 0 ||
	    (rc = alloc_array(c->route_count, sizeof(uint32_t), &b->lines.routes)) < 0 ||
	    (rc = alloc_array(c->policy_count, sizeof(uint32_t), &b->lines.policies)) < 0 ||
	    (rc = alloc_array(c->site_count, sizeof(uint32_t), &b->lines.sites)) < 0 ||
	    (rc = alloc_array(c->user_count, sizeof(uint32_t), &b->lines.users)) < 0 ||
	    (rc = alloc_array(c->policy_count, sizeof(uint32_t *), &b->lines.numbers)) < 0 ||
	    (rc = alloc_array(c->site_count, sizeof(uint32_t *), &b->lines.subnets)) < 0)
		return rc;
	return dup_str(attr(root, "version"), &c->version);
}

static int build_all(struct build *b, const xmlNode *root)
{
	struct e911_config *c = b->cfg;
	uint32_t i;
	int rc;

	if ((rc = alloc_all(b, root)) < 0)
		return rc;
	i = 0;
	FOR_EACH(n, root, "route") {
		b->lines.routes[i] = build_line(n);
		if ((rc = build_route(b, n, &c->routes[i++])) < 0)
			return rc;
	}
	i = 0;
	FOR_EACH(n, root, "policy") {
		b->lines.policies[i] = build_line(n);
		if ((rc = dup_str(attr(n, "name"), &c->policies[i++].name)) < 0)
			return rc;
	}
	if ((rc = check_index_names(b)) < 0)
		return rc;
	i = 0;
	FOR_EACH(n, root, "policy")
		if ((rc = build_policy(b, i++, n)) < 0)
			return rc;
	i = 0;
	FOR_EACH(n, root, "site") {
		b->lines.sites[i] = build_line(n);
		if ((rc = build_site(b, i++, n)) < 0)
			return rc;
	}
	i = 0;
	FOR_EACH(n, root, "user") {
		b->lines.users[i] = build_line(n);
		if ((rc = build_user(b, i++, n)) < 0)
			return rc;
	}
	return check_config(b);
}

static void build_free(struct build *b)
{
	for (uint32_t i = 0; b->lines.numbers && i < b->cfg->policy_count; i++)
		free(b->lines.numbers[i]);
	for (uint32_t i = 0; b->lines.subnets && i < b->cfg->site_count; i++)
		free(b->lines.subnets[i]);
	free(b->lines.numbers);
	free(b->lines.subnets);
	free(b->lines.routes);
	free(b->lines.policies);
	free(b->lines.sites);
	free(b->lines.users);
	free(b->route_by_name);
	free(b->policy_by_name);
}

int policy_build(const xmlNode *root, const char *file, struct policy_errors *errs,
		 struct e911_config **out)
{
	struct build b = { .file = file, .errs = errs, .root_line = build_line(root) };
	int rc;

	*out = NULL;
	b.cfg = calloc(1, sizeof(*b.cfg));
	if (b.cfg == NULL)
		return -ENOMEM;
	rc = build_all(&b, root);
	if (rc == 0 && (errs->count > 0 || errs->dropped > 0))
		rc = -EINVAL;
	build_free(&b);
	if (rc < 0)
		policy_config_free(b.cfg);
	else
		*out = b.cfg;
	return rc;
}
