/*
 * cmd_change.c - add, set and del: each edits the configuration document
 * (cmd_edit.c) and commits it through the loader. Pre-checks here exist to
 * say clearly what the loader would say less clearly (an unknown name, a
 * reference that would dangle, the last item of a list).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_internal.h"

static const char *const before_notification[] = { "emergency-number", NULL };
static const char *const before_disclaimer[] = { "notification", "emergency-number", NULL };
static const char *const before_description[] = { "disclaimer", "notification", "emergency-number", NULL };

static void set_attr(xmlNodePtr n, const char *name, const char *value)
{
	if (value)
		xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value);
	else
		xmlUnsetProp(n, (const xmlChar *)name);
}

static int flag(struct cmd *c, const char *field, const char *v, const char **out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true"))
		*out = "true";
	else if (!strcmp(v, "no") || !strcmp(v, "false"))
		*out = "false";
	else {
		cmd_error(c, "%s is yes or no, not \"%s\"", field, v);
		return -1;
	}
	return 0;
}

static int one_of(struct cmd *c, const char *field, const char *v, const char *const *allowed, const char *say)
{
	for (; *allowed; allowed++)
		if (!strcmp(v, *allowed))
			return 0;
	cmd_error(c, "%s must be %s, not \"%s\"", field, say, v);
	return -1;
}

/* A text child (description, disclaimer): replaced, or removed with "none". */
static int set_text_child(struct edit *e, xmlNodePtr policy, const char *name, const char *value,
			  const char *const *before)
{
	xmlNodePtr old = edit_find(policy, name, NULL, NULL);
	if (old) {
		xmlUnlinkNode(old);
		xmlFreeNode(old);
	}
	if (!strcmp(value, "none"))
		return 0;
	xmlNodePtr n = edit_add(policy, name, before);
	if (!n)
		return -1;
	xmlNodeAddContent(n, (const xmlChar *)value);
	(void)e;
	return 0;
}

/* One FIELD VALUE of a policy. @return 0, or -1 with the error set. */
static int policy_field(struct cmd *c, struct edit *e, xmlNodePtr p, const char *field, const char *v)
{
	static const char *const required[] = { "no", "yes", "disclaimer", NULL };
	static const char *const modes[] = { "one-way", "two-way", NULL };
	const char *x;
	if (!strcmp(field, "description") || !strcmp(field, "disclaimer"))
		return set_text_child(e, p, field, v, field[1] == 'e' ? before_description : before_disclaimer) == 0
			       ? 0 : (cmd_error(c, "out of memory"), -1);
	if (!strcmp(field, "tag") || !strcmp(field, "resource-priority")) {
		set_attr(p, field, strcmp(v, "none") ? v : NULL);
		return 0;
	}
	if (!strcmp(field, "enhanced-emergency-services") || !strcmp(field, "enhanced-emergency-services-enabled")) {
		if (flag(c, field, v, &x))
			return -1;
		set_attr(p, "enhanced-emergency-services", x);
		return 0;
	}
	if (!strcmp(field, "use-location-for-e911-only")) {
		if (flag(c, field, v, &x))
			return -1;
		set_attr(p, field, x);
		return 0;
	}
	if (!strcmp(field, "location-required")) {
		if (one_of(c, field, v, required, "no, yes or disclaimer"))
			return -1;
		set_attr(p, field, v);
		return 0;
	}
	if (!strcmp(field, "location-refresh-interval")) {
		char *end;
		long h = strtol(v, &end, 10);
		if (*end || !*v || h < 1 || h > 12) {
			cmd_error(c, "location-refresh-interval is a number of hours from 1 to 12, not \"%s\"", v);
			return -1;
		}
		set_attr(p, field, v);
		return 0;
	}
	if (!strcmp(field, "conference-uri")) {
		if (!strcmp(v, "none")) {
			set_attr(p, "conference-uri", NULL);
			set_attr(p, "conference-mode", NULL); /* a mode without a URI means nothing */
		} else {
			set_attr(p, "conference-uri", v);
		}
		return 0;
	}
	if (!strcmp(field, "conference-mode")) {
		if (one_of(c, field, v, modes, "one-way or two-way"))
			return -1;
		set_attr(p, field, v);
		return 0;
	}
	if (!strcmp(field, "notification-uris")) {
		xmlNodePtr n;
		while ((n = edit_find(p, "notification", NULL, NULL))) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
		if (!strcmp(v, "none"))
			return 0;
		char *list = strdup(v), *save = NULL;
		for (char *uri = list ? strtok_r(list, ",", &save) : NULL; uri; uri = strtok_r(NULL, ",", &save)) {
			while (*uri == ' ')
				uri++;
			xmlNodePtr added = edit_add(p, "notification", before_notification);
			if (added)
				set_attr(added, "uri", uri);
		}
		free(list);
		return 0;
	}
	if (!strcmp(field, "pstn-usage")) {
		if (cmd_route(c, v) < 0)
			return -1;
		for (xmlNodePtr n = p->children; n; n = n->next)
			if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "emergency-number"))
				set_attr(n, "route", v);
		return 0;
	}
	cmd_error(c, "a policy has no field \"%s\" (help set policy lists them)", field);
	return -1;
}

static enum ctl_kind policy_fields(struct cmd *c, struct edit *e, xmlNodePtr p, unsigned from, const char *what)
{
	if ((c->n - from) % 2) {
		edit_close(e);
		return cmd_error(c, "%s: field \"%s\" has no value", what, c->w[c->n - 1]);
	}
	for (unsigned i = from; i < c->n; i += 2)
		if (policy_field(c, e, p, c->w[i], c->w[i + 1]) != 0) {
			edit_close(e);
			return CTL_ERROR;
		}
	return edit_commit(c, e, "%s", what);
}

static xmlNodePtr element(struct cmd *c, struct edit *e, const char *kind, const char *attr, const char *name)
{
	xmlNodePtr n = edit_find(e->root, kind, attr, name);
	if (!n) {
		cmd_error(c, "no %s named \"%s\" (show %ss lists them)", kind, name, kind);
		edit_close(e);
	}
	return n;
}

static void unlink_free(xmlNodePtr n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/* ---- policies ---- */

static enum ctl_kind add_policy(struct cmd *c, struct edit *e)
{
	const char *name = c->w[2];
	if (policy_config_find_policy(c->cfg, name) >= 0) {
		edit_close(e);
		return cmd_error(c, "a policy named \"%s\" exists already (set policy changes it)", name);
	}
	xmlNodePtr p = edit_add(e->root, "policy", NULL);
	xmlNodePtr global = edit_find(e->root, "policy", "name", E911_GLOBAL_POLICY);
	if (!p || !global) {
		edit_close(e);
		return cmd_error(c, "out of memory");
	}
	set_attr(p, "name", name);
	/* A policy needs an emergency number: it starts with the Global policy's. */
	for (xmlNodePtr n = global->children; n; n = n->next)
		if (n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "emergency-number"))
			xmlAddChild(p, xmlCopyNode(n, 1));
	char what[160];
	snprintf(what, sizeof(what), "added policy %s (with the Global policy's emergency numbers)", name);
	return policy_fields(c, e, p, 3, what);
}

static enum ctl_kind del_policy(struct cmd *c, struct edit *e)
{
	const char *name = c->w[2];
	int p = cmd_policy(c, name);
	if (p < 0 || !strcmp(name, E911_GLOBAL_POLICY)) {
		edit_close(e);
		return p < 0 ? CTL_ERROR : cmd_error(c, "the Global policy cannot be deleted: calls no other policy takes need it");
	}
	for (uint32_t s = 0; s < c->cfg->site_count; s++)
		if (c->cfg->sites[s].policy == (uint32_t)p) {
			edit_close(e);
			return cmd_error(c, "policy \"%s\" is the policy of site \"%s\" (set site %s policy OTHER first)", name,
					 c->cfg->sites[s].name, c->cfg->sites[s].name);
		}
	for (uint32_t u = 0; u < c->cfg->user_count; u++)
		if (c->cfg->users[u].policy == (uint32_t)p) {
			edit_close(e);
			return cmd_error(c, "policy \"%s\" is the policy of user %s (set user %s policy OTHER first)", name,
					 c->cfg->users[u].uri, c->cfg->users[u].uri);
		}
	unlink_free(edit_find(e->root, "policy", "name", name));
	return edit_commit(c, e, "deleted policy %s", name);
}

static enum ctl_kind notification_uri(struct cmd *c, struct edit *e, bool add)
{
	if (c->n != 4) {
		edit_close(e);
		return cmd_error(c, "%s notification-uri POLICY URI", c->w[0]);
	}
	xmlNodePtr p = element(c, e, "policy", "name", c->w[2]);
	if (!p)
		return CTL_ERROR;
	xmlNodePtr n = edit_find(p, "notification", "uri", c->w[3]);
	if (add) {
		if (n) {
			edit_close(e);
			return cmd_error(c, "policy %s notifies %s already", c->w[2], c->w[3]);
		}
		n = edit_add(p, "notification", before_notification);
		if (n)
			set_attr(n, "uri", c->w[3]);
		return edit_commit(c, e, "policy %s: notifies %s", c->w[2], c->w[3]);
	}
	if (!n) {
		edit_close(e);
		return cmd_error(c, "policy %s does not notify %s (show policy %s)", c->w[2], c->w[3], c->w[2]);
	}
	unlink_free(n);
	return edit_commit(c, e, "policy %s: no longer notifies %s", c->w[2], c->w[3]);
}

/* ---- emergency numbers ---- */

/* "route R" and "masks M;M|none" pairs on an emergency-number. */
static int number_fields(struct cmd *c, xmlNodePtr num, unsigned from)
{
	if ((c->n - from) % 2) {
		cmd_error(c, "\"%s\" has no value", c->w[c->n - 1]);
		return -1;
	}
	for (unsigned i = from; i < c->n; i += 2) {
		if (!strcmp(c->w[i], "route")) {
			if (cmd_route(c, c->w[i + 1]) < 0)
				return -1;
			set_attr(num, "route", c->w[i + 1]);
		} else if (!strcmp(c->w[i], "masks")) {
			set_attr(num, "dial-masks", strcmp(c->w[i + 1], "none") ? c->w[i + 1] : NULL);
		} else {
			cmd_error(c, "an emergency number has route and masks, not \"%s\"", c->w[i]);
			return -1;
		}
	}
	return 0;
}

static enum ctl_kind number(struct cmd *c, struct edit *e, char verb)
{
	if (c->n < 4) {
		edit_close(e);
		return cmd_error(c, "%s number POLICY DIAL-STRING%s", c->w[0],
				 verb == 'd' ? "" : " [route ROUTE] [masks M;M|none]");
	}
	xmlNodePtr p = element(c, e, "policy", "name", c->w[2]);
	if (!p)
		return CTL_ERROR;
	xmlNodePtr num = edit_find(p, "emergency-number", "dial-string", c->w[3]);
	if (verb == 'a') {
		if (num) {
			edit_close(e);
			return cmd_error(c, "policy %s has emergency number %s already (set number changes it)", c->w[2], c->w[3]);
		}
		xmlNodePtr first = edit_find(p, "emergency-number", NULL, NULL);
		xmlChar *route = first ? xmlGetProp(first, (const xmlChar *)"route") : NULL;
		num = edit_add(p, "emergency-number", NULL);
		if (num) {
			set_attr(num, "dial-string", c->w[3]);
			set_attr(num, "route", route ? (const char *)route : "");
		}
		xmlFree(route);
		if (!num || number_fields(c, num, 4) != 0) {
			edit_close(e);
			return num ? CTL_ERROR : cmd_error(c, "out of memory");
		}
		return edit_commit(c, e, "policy %s: emergency number %s added", c->w[2], c->w[3]);
	}
	if (!num) {
		edit_close(e);
		return cmd_error(c, "policy %s has no emergency number %s (show numbers %s)", c->w[2], c->w[3], c->w[2]);
	}
	if (verb == 'd') {
		if (c->n != 4) {
			edit_close(e);
			return cmd_error(c, "del number POLICY DIAL-STRING");
		}
		if (edit_count(p, "emergency-number") == 1) {
			edit_close(e);
			return cmd_error(c, "%s is the last emergency number of policy %s; a policy has at least one",
					 c->w[3], c->w[2]);
		}
		unlink_free(num);
		return edit_commit(c, e, "policy %s: emergency number %s deleted", c->w[2], c->w[3]);
	}
	if (c->n == 4 || number_fields(c, num, 4) != 0) {
		edit_close(e);
		return c->n == 4 ? cmd_error(c, "set number POLICY DIAL-STRING route ROUTE | masks M;M|none") : CTL_ERROR;
	}
	return edit_commit(c, e, "policy %s: emergency number %s changed", c->w[2], c->w[3]);
}

/* ---- routes and gateways ---- */

/* GATEWAY [priority N] [weight N] from word i; @return the next word, or 0 with the error set. */
static unsigned gateway_words(struct cmd *c, xmlNodePtr gw, unsigned i)
{
	char addr[64], port[8];
	unsigned p;
	if (gateway_parse(c->w[i], addr, sizeof(addr), &p) != 0) {
		cmd_error(c, "\"%s\" is not a gateway: IPv4[:PORT], IPv6 or [IPv6]:PORT (no host names)", c->w[i]);
		return 0;
	}
	snprintf(port, sizeof(port), "%u", p);
	set_attr(gw, "address", addr);
	set_attr(gw, "port", port);
	for (i++; i + 1 < c->n && (!strcmp(c->w[i], "priority") || !strcmp(c->w[i], "weight")); i += 2) {
		char *end;
		long v = strtol(c->w[i + 1], &end, 10);
		if (*end || !c->w[i + 1][0] || v < (c->w[i][0] == 'w') || v > 65535) {
			cmd_error(c, "%s is a number from %d to 65535, not \"%s\"", c->w[i], c->w[i][0] == 'w', c->w[i + 1]);
			return 0;
		}
		set_attr(gw, c->w[i], c->w[i + 1]);
	}
	return i;
}

static enum ctl_kind add_route(struct cmd *c, struct edit *e)
{
	if (c->n < 4) {
		edit_close(e);
		return cmd_error(c, "add route NAME GATEWAY [priority N] [weight N] [GATEWAY ...]");
	}
	if (policy_config_find_route(c->cfg, c->w[2]) >= 0) {
		edit_close(e);
		return cmd_error(c, "a route named \"%s\" exists already (add gateway adds to it)", c->w[2]);
	}
	xmlNodePtr r = edit_add(e->root, "route", (const char *const[]){ "policy", "site", "user", NULL });
	if (!r) {
		edit_close(e);
		return cmd_error(c, "out of memory");
	}
	set_attr(r, "name", c->w[2]);
	for (unsigned i = 3; i < c->n;) {
		xmlNodePtr gw = edit_add(r, "gateway", NULL);
		if (!gw || !(i = gateway_words(c, gw, i))) {
			edit_close(e);
			return gw ? CTL_ERROR : cmd_error(c, "out of memory");
		}
	}
	return edit_commit(c, e, "added route %s", c->w[2]);
}

static enum ctl_kind del_route(struct cmd *c, struct edit *e)
{
	int r = cmd_route(c, c->w[2]);
	if (r < 0 || c->n != 3) {
		edit_close(e);
		return r < 0 ? CTL_ERROR : cmd_error(c, "del route NAME");
	}
	for (uint32_t p = 0; p < c->cfg->policy_count; p++)
		for (uint32_t k = 0; k < c->cfg->policies[p].number_count; k++)
			if (c->cfg->policies[p].numbers[k].route == (uint32_t)r) {
				edit_close(e);
				return cmd_error(c, "route \"%s\" is used by policy \"%s\" number %s", c->w[2],
						 c->cfg->policies[p].name, c->cfg->policies[p].numbers[k].dial_string);
			}
	unlink_free(edit_find(e->root, "route", "name", c->w[2]));
	return edit_commit(c, e, "deleted route %s", c->w[2]);
}

static enum ctl_kind gateway(struct cmd *c, struct edit *e, char verb)
{
	if (c->n < 4) {
		edit_close(e);
		return cmd_error(c, "%s gateway ROUTE GATEWAY%s", c->w[0], verb == 'd' ? "" : " [priority N] [weight N]");
	}
	xmlNodePtr r = element(c, e, "route", "name", c->w[2]);
	if (!r)
		return CTL_ERROR;
	xmlNodePtr gw = gateway_find(r, c->w[3]);
	if (verb == 'a') {
		if (gw) {
			edit_close(e);
			return cmd_error(c, "route %s has gateway %s already", c->w[2], c->w[3]);
		}
		gw = edit_add(r, "gateway", NULL);
		unsigned next = gw ? gateway_words(c, gw, 3) : 0;
		if (!next || next != c->n) {
			edit_close(e);
			return next ? cmd_error(c, "\"%s\" is not understood (priority N, weight N)", c->w[next]) : CTL_ERROR;
		}
		return edit_commit(c, e, "route %s: gateway %s added", c->w[2], c->w[3]);
	}
	if (!gw) {
		edit_close(e);
		return cmd_error(c, "route %s has no gateway %s (show routes)", c->w[2], c->w[3]);
	}
	if (verb == 'd') {
		if (edit_count(r, "gateway") == 1) {
			edit_close(e);
			return cmd_error(c, "%s is the last gateway of route %s; a route has at least one", c->w[3], c->w[2]);
		}
		unlink_free(gw);
		return edit_commit(c, e, "route %s: gateway %s deleted", c->w[2], c->w[3]);
	}
	unsigned next = gateway_words(c, gw, 3);
	if (!next || next != c->n || c->n == 4) {
		edit_close(e);
		return !next ? CTL_ERROR : cmd_error(c, "set gateway ROUTE GATEWAY priority N | weight N");
	}
	return edit_commit(c, e, "route %s: gateway %s changed", c->w[2], c->w[3]);
}

/* ---- sites, subnets, users ---- */

static bool same_prefix(const char *a, const char *b)
{
	char x[64], y[64];
	const char *sa = strchr(a, '/'), *sb = strchr(b, '/');
	if (!sa || !sb || (size_t)(sa - a) >= sizeof(x) || (size_t)(sb - b) >= sizeof(y) || atoi(sa + 1) != atoi(sb + 1))
		return false;
	memcpy(x, a, (size_t)(sa - a)), x[sa - a] = '\0';
	memcpy(y, b, (size_t)(sb - b)), y[sb - b] = '\0';
	unsigned char bx[16], by[16];
	int fx = ip_parse(x, bx), fy = ip_parse(y, by);
	return fx && fx == fy && !memcmp(bx, by, 16);
}

static xmlNodePtr subnet_find(xmlNodePtr site, const char *prefix)
{
	for (xmlNodePtr n = site->children; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE || strcmp((const char *)n->name, "subnet") != 0)
			continue;
		xmlChar *p = xmlGetProp(n, (const xmlChar *)"prefix");
		bool same = p && same_prefix((const char *)p, prefix);
		xmlFree(p);
		if (same)
			return n;
	}
	return NULL;
}

static enum ctl_kind site(struct cmd *c, struct edit *e, char verb)
{
	const char *name = c->w[2];
	if (verb == 'd') {
		xmlNodePtr s = c->n == 3 ? element(c, e, "site", "name", name) : NULL;
		if (!s)
			return c->n == 3 ? CTL_ERROR : (edit_close(e), cmd_error(c, "del site NAME"));
		unlink_free(s);
		return edit_commit(c, e, "deleted site %s", name);
	}
	if (verb == 'a') {
		if (policy_config_find_site(c->cfg, name) >= 0) {
			edit_close(e);
			return cmd_error(c, "a site named \"%s\" exists already (add subnet adds to it)", name);
		}
		xmlNodePtr s = edit_add(e->root, "site", (const char *const[]){ "user", NULL });
		if (!s) {
			edit_close(e);
			return cmd_error(c, "out of memory");
		}
		set_attr(s, "name", name);
		unsigned subnets = 0;
		for (unsigned i = 3; i < c->n; i += 2) {
			if (i + 1 >= c->n || (strcmp(c->w[i], "policy") && strcmp(c->w[i], "subnet"))) {
				edit_close(e);
				return cmd_error(c, "add site NAME policy POLICY subnet PREFIX [subnet PREFIX]...");
			}
			if (c->w[i][0] == 'p')
				set_attr(s, "policy", c->w[i + 1]);
			else
				set_attr(edit_add(s, "subnet", NULL), "prefix", c->w[i + 1]), subnets++;
		}
		if (!subnets || !xmlHasProp(s, (const xmlChar *)"policy")) {
			edit_close(e);
			return cmd_error(c, "add site NAME policy POLICY subnet PREFIX [subnet PREFIX]...: a site needs both");
		}
		return edit_commit(c, e, "added site %s", name);
	}
	xmlNodePtr s = element(c, e, "site", "name", name);
	if (!s)
		return CTL_ERROR;
	if (c->n != 5 || strcmp(c->w[3], "policy") != 0) {
		edit_close(e);
		return cmd_error(c, "set site NAME policy POLICY");
	}
	set_attr(s, "policy", c->w[4]);
	return edit_commit(c, e, "site %s: policy %s", name, c->w[4]);
}

static enum ctl_kind subnet(struct cmd *c, struct edit *e, bool add)
{
	if (c->n != 4) {
		edit_close(e);
		return cmd_error(c, "%s subnet SITE PREFIX", c->w[0]);
	}
	xmlNodePtr s = element(c, e, "site", "name", c->w[2]);
	if (!s)
		return CTL_ERROR;
	xmlNodePtr n = subnet_find(s, c->w[3]);
	if (add) {
		if (n) {
			edit_close(e);
			return cmd_error(c, "site %s has subnet %s already", c->w[2], c->w[3]);
		}
		set_attr(edit_add(s, "subnet", NULL), "prefix", c->w[3]);
		return edit_commit(c, e, "site %s: subnet %s added", c->w[2], c->w[3]);
	}
	if (!n) {
		edit_close(e);
		return cmd_error(c, "site %s has no subnet %s (show sites)", c->w[2], c->w[3]);
	}
	if (edit_count(s, "subnet") == 1) {
		edit_close(e);
		return cmd_error(c, "%s is the last subnet of site %s (del site removes the site)", c->w[3], c->w[2]);
	}
	unlink_free(n);
	return edit_commit(c, e, "site %s: subnet %s deleted", c->w[2], c->w[3]);
}

static enum ctl_kind user(struct cmd *c, struct edit *e, char verb)
{
	char norm[E911_URI_MAX + 1];
	if (c->n != (verb == 'd' ? 3u : 5u) || (verb != 'd' && strcmp(c->w[3], "policy") != 0)) {
		edit_close(e);
		return cmd_error(c, "%s user URI%s", c->w[0], verb == 'd' ? "" : " policy POLICY");
	}
	int len = policy_uri_normalise(c->w[2], (uint32_t)strlen(c->w[2]), norm, sizeof(norm));
	if (len < 0) {
		edit_close(e);
		return cmd_error(c, "\"%s\" is not a sip:, sips: or tel: identity", c->w[2]);
	}
	xmlNodePtr u = edit_find(e->root, "user", "uri", norm);
	if (verb == 'a') {
		if (u) {
			edit_close(e);
			return cmd_error(c, "user %s exists already (set user changes its policy)", norm);
		}
		u = edit_add(e->root, "user", NULL);
		set_attr(u, "uri", norm);
	} else if (!u) {
		edit_close(e);
		return cmd_error(c, "no user %s (show users lists them)", norm);
	}
	if (verb == 'd') {
		unlink_free(u);
		return edit_commit(c, e, "deleted user %s", norm);
	}
	set_attr(u, "policy", c->w[4]);
	return edit_commit(c, e, "user %s: policy %s", norm, c->w[4]);
}

/* ---- the verbs ---- */

static enum ctl_kind change(struct cmd *c, char verb)
{
	const char *what = c->w[1];
	if (c->n < 3)
		return cmd_error(c, "%s %s: what is missing (help %s %s)", c->w[0], what, c->w[0], what);
	struct edit e;
	if (edit_open(c, &e) != 0)
		return CTL_ERROR;
	if (!strcmp(what, "policy")) {
		if (verb == 'a')
			return add_policy(c, &e);
		if (verb == 'd')
			return c->n == 3 ? del_policy(c, &e) : (edit_close(&e), cmd_error(c, "del policy NAME"));
		xmlNodePtr p = element(c, &e, "policy", "name", c->w[2]);
		if (!p)
			return CTL_ERROR;
		if (c->n < 5) {
			edit_close(&e);
			return cmd_error(c, "set policy NAME FIELD VALUE [FIELD VALUE]... (help set policy)");
		}
		char text[512];
		size_t n = (size_t)snprintf(text, sizeof(text), "policy %s:", c->w[2]);
		for (unsigned i = 3; i + 1 < c->n && n < sizeof(text); i += 2)
			n += (size_t)snprintf(text + n, sizeof(text) - n, " %s %s", c->w[i], c->w[i + 1]);
		return policy_fields(c, &e, p, 3, text);
	}
	if (!strcmp(what, "notification-uri") && verb != 's')
		return notification_uri(c, &e, verb == 'a');
	if (!strcmp(what, "number"))
		return number(c, &e, verb);
	if (!strcmp(what, "route") && verb != 's')
		return verb == 'a' ? add_route(c, &e) : del_route(c, &e);
	if (!strcmp(what, "gateway"))
		return gateway(c, &e, verb);
	if (!strcmp(what, "site"))
		return site(c, &e, verb);
	if (!strcmp(what, "subnet") && verb != 's')
		return subnet(c, &e, verb == 'a');
	if (!strcmp(what, "user"))
		return user(c, &e, verb);
	if (!strcmp(what, "version") && verb == 's') {
		if (c->n != 3) {
			edit_close(&e);
			return cmd_error(c, "set version TEXT");
		}
		set_attr(e.root, "version", c->w[2]);
		return edit_commit(c, &e, "configuration version %s", c->w[2]);
	}
	edit_close(&e);
	return cmd_error(c, "cannot %s \"%s\" (help %s)", c->w[0], what, c->w[0]);
}

enum ctl_kind cmd_add(struct cmd *c) { return change(c, 'a'); }
enum ctl_kind cmd_set(struct cmd *c) { return change(c, 's'); }
enum ctl_kind cmd_del(struct cmd *c) { return change(c, 'd'); }
