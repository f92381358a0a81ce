/*
 * cmd_show.c - the show forms of the configuration (text for people, JSON
 * for scripts, built with jansson so that every string is escaped) and help.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_internal.h"

static const char *const required_names[] = { "no", "yes", "disclaimer" };

static char *gateway_text(const struct e911_gateway *g, char *out, size_t cap)
{
	snprintf(out, cap, "%s%s%s:%u", g->family == E911_IPV6 ? "[" : "", g->address_text,
		 g->family == E911_IPV6 ? "]" : "", g->port);
	return out;
}

static char *subnet_text(const struct e911_subnet *s, char *out, size_t cap)
{
	char a[64];
	inet_ntop(s->family == E911_IPV6 ? AF_INET6 : AF_INET, s->address, a, sizeof(a));
	snprintf(out, cap, "%s/%u", a, s->prefix_len);
	return out;
}

static json_t *number_json(const struct e911_config *cfg, const struct e911_emergency_number *n)
{
	json_t *masks = json_array();
	for (uint32_t m = 0; m < n->dial_mask_count; m++)
		json_array_append_new(masks, json_string(n->dial_masks[m]));
	return json_pack("{s:s, s:o, s:s}", "dial-string", n->dial_string, "dial-masks", masks, "route",
			 cfg->routes[n->route].name);
}

static json_t *policy_json(const struct e911_config *cfg, const struct e911_policy *p)
{
	json_t *uris = json_array(), *numbers = json_array();
	for (uint32_t i = 0; i < p->notification_uri_count; i++)
		json_array_append_new(uris, json_string(p->notification_uris[i]));
	for (uint32_t i = 0; i < p->number_count; i++)
		json_array_append_new(numbers, number_json(cfg, &p->numbers[i]));
	json_t *o = json_pack("{s:s, s:b, s:s, s:b, s:i, s:o, s:o}", "name", p->name,
			      "enhanced-emergency-services", p->enhanced_emergency_services_enabled,
			      "location-required", required_names[p->location_required], "use-location-for-e911-only",
			      p->use_location_for_e911_only, "location-refresh-interval", (int)p->location_refresh_interval,
			      "notification-uris", uris, "emergency-numbers", numbers);
	if (!o)
		return NULL;
	json_object_set_new(o, "pstn-usage", json_string(cfg->routes[p->numbers[0].route].name));
	json_object_set_new(o, "description", p->description ? json_string(p->description) : json_null());
	json_object_set_new(o, "disclaimer", p->disclaimer ? json_string(p->disclaimer) : json_null());
	json_object_set_new(o, "tag", p->tag ? json_string(p->tag) : json_null());
	json_object_set_new(o, "conference-uri", p->conference_uri ? json_string(p->conference_uri) : json_null());
	json_object_set_new(o, "conference-mode", p->conference_uri ? json_string(p->conference_mode == E911_CONFERENCE_TWO_WAY ? "two-way" : "one-way") : json_null());
	json_object_set_new(o, "resource-priority", p->resource_priority ? json_string(p->resource_priority) : json_null());
	return o;
}

static void number_text(FILE *f, const struct e911_config *cfg, const struct e911_emergency_number *n)
{
	fprintf(f, "%s", n->dial_string);
	for (uint32_t m = 0; m < n->dial_mask_count; m++)
		fprintf(f, "%s%s", m ? ";" : " (masks ", n->dial_masks[m]);
	fprintf(f, "%s -> %s", n->dial_mask_count ? ")" : "", cfg->routes[n->route].name);
}

static void policy_text(FILE *f, const struct e911_config *cfg, const struct e911_policy *p)
{
	fprintf(f, "policy %s\n", p->name);
	fprintf(f, "  enhanced-emergency-services  %s\n", p->enhanced_emergency_services_enabled ? "yes" : "no");
	fprintf(f, "  location-required            %s\n", required_names[p->location_required]);
	fprintf(f, "  use-location-for-e911-only   %s\n", p->use_location_for_e911_only ? "yes" : "no");
	fprintf(f, "  location-refresh-interval    %u\n", p->location_refresh_interval);
	fprintf(f, "  pstn-usage                   %s\n", cfg->routes[p->numbers[0].route].name);
	fprintf(f, "  conference-uri               %s\n", p->conference_uri ? p->conference_uri : "none");
	if (p->conference_uri)
		fprintf(f, "  conference-mode              %s\n", p->conference_mode == E911_CONFERENCE_TWO_WAY ? "two-way" : "one-way");
	fprintf(f, "  notification-uris            ");
	for (uint32_t i = 0; i < p->notification_uri_count; i++)
		fprintf(f, "%s%s", i ? "," : "", p->notification_uris[i]);
	fprintf(f, "%s\n", p->notification_uri_count ? "" : "none");
	fprintf(f, "  resource-priority            %s\n", p->resource_priority ? p->resource_priority : "none");
	fprintf(f, "  tag                          %s\n", p->tag ? p->tag : "none");
	fprintf(f, "  description                  %s\n", p->description ? p->description : "none");
	fprintf(f, "  disclaimer                   %s\n", p->disclaimer ? p->disclaimer : "none");
	for (uint32_t i = 0; i < p->number_count; i++) {
		fprintf(f, "  emergency-number             ");
		number_text(f, cfg, &p->numbers[i]);
		fputc('\n', f);
	}
}

static enum ctl_kind answer_json(struct cmd *c, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	json_decref(j);
	return text ? cmd_text(c, text) : cmd_error(c, "out of memory");
}

enum ctl_kind cmd_show(struct cmd *c)
{
	const struct e911_config *cfg = c->cfg;
	const char *what = c->w[1];
	bool json = c->n >= 3 && !strcmp(c->w[c->n - 1], "json");
	unsigned args = c->n - json - 2; /* words after "show WHAT" */
	char *text = NULL;
	size_t len = 0;
	char a[80];

	if (!strcmp(what, "config") && c->n == 2) {
		if (policy_config_write(cfg, &text, &len) != 0)
			return cmd_error(c, "out of memory");
		return cmd_text(c, text);
	}
	bool single = !strcmp(what, "policy") || !strcmp(what, "numbers");
	if (single ? args != 1 : args != 0)
		return cmd_error(c, "show %s%s [json] (help show)", what, single ? " POLICY" : "");
	int p = single ? cmd_policy(c, c->w[2]) : 0;
	if (p < 0)
		return CTL_ERROR;

	if (json) {
		json_t *j = json_array();
		if (!strcmp(what, "policies"))
			for (uint32_t i = 0; i < cfg->policy_count; i++)
				json_array_append_new(j, policy_json(cfg, &cfg->policies[i]));
		else if (!strcmp(what, "policy")) {
			json_decref(j);
			j = policy_json(cfg, &cfg->policies[p]);
		} else if (!strcmp(what, "numbers"))
			for (uint32_t i = 0; i < cfg->policies[p].number_count; i++)
				json_array_append_new(j, number_json(cfg, &cfg->policies[p].numbers[i]));
		else if (!strcmp(what, "routes"))
			for (uint32_t r = 0; r < cfg->route_count; r++) {
				json_t *gws = json_array();
				for (uint32_t g = 0; g < cfg->routes[r].gateway_count; g++) {
					const struct e911_gateway *gw = &cfg->routes[r].gateways[g];
					json_array_append_new(gws, json_pack("{s:s, s:i, s:i, s:i}", "address", gw->address_text,
									 "port", gw->port, "priority", gw->priority, "weight", gw->weight));
				}
				json_array_append_new(j, json_pack("{s:s, s:o}", "name", cfg->routes[r].name, "gateways", gws));
			}
		else if (!strcmp(what, "sites"))
			for (uint32_t s = 0; s < cfg->site_count; s++) {
				json_t *subnets = json_array();
				for (uint32_t k = 0; k < cfg->sites[s].subnet_count; k++)
					json_array_append_new(subnets, json_string(subnet_text(&cfg->sites[s].subnets[k], a, sizeof(a))));
				json_array_append_new(j, json_pack("{s:s, s:s, s:o}", "name", cfg->sites[s].name, "policy",
								   cfg->policies[cfg->sites[s].policy].name, "subnets", subnets));
			}
		else if (!strcmp(what, "users"))
			for (uint32_t u = 0; u < cfg->user_count; u++)
				json_array_append_new(j, json_pack("{s:s, s:s}", "uri", cfg->users[u].uri, "policy",
								   cfg->policies[cfg->users[u].policy].name));
		else {
			json_decref(j);
			return cmd_error(c, "show what? policies, policy NAME, numbers POLICY, routes, sites, users, config, "
					    "stats, calls, gateways, version, metrics");
		}
		return answer_json(c, j);
	}

	FILE *f = open_memstream(&text, &len);
	if (!f)
		return cmd_error(c, "out of memory");
	bool known = true;
	if (!strcmp(what, "policies")) {
		for (uint32_t i = 0; i < cfg->policy_count; i++) {
			const struct e911_policy *pol = &cfg->policies[i];
			fprintf(f, "%-20s %-3s numbers=", pol->name, pol->enhanced_emergency_services_enabled ? "on" : "off");
			for (uint32_t k = 0; k < pol->number_count; k++) {
				fputs(k ? "," : "", f);
				number_text(f, cfg, &pol->numbers[k]);
			}
			fprintf(f, " notify=%u conference=%s%s%s\n", pol->notification_uri_count,
				pol->conference_uri ? pol->conference_uri : "none", pol->conference_uri ? "/" : "",
				!pol->conference_uri ? "" : pol->conference_mode == E911_CONFERENCE_TWO_WAY ? "two-way" : "one-way");
		}
	} else if (!strcmp(what, "policy")) {
		policy_text(f, cfg, &cfg->policies[p]);
	} else if (!strcmp(what, "numbers")) {
		for (uint32_t k = 0; k < cfg->policies[p].number_count; k++) {
			number_text(f, cfg, &cfg->policies[p].numbers[k]);
			fputc('\n', f);
		}
	} else if (!strcmp(what, "routes")) {
		for (uint32_t r = 0; r < cfg->route_count; r++)
			for (uint32_t g = 0; g < cfg->routes[r].gateway_count; g++) {
				const struct e911_gateway *gw = &cfg->routes[r].gateways[g];
				fprintf(f, "%-20s %2u %-44s priority %-5u weight %u\n", cfg->routes[r].name, g,
					gateway_text(gw, a, sizeof(a)), gw->priority, gw->weight);
			}
	} else if (!strcmp(what, "sites")) {
		for (uint32_t s = 0; s < cfg->site_count; s++) {
			fprintf(f, "%-20s policy %-20s", cfg->sites[s].name, cfg->policies[cfg->sites[s].policy].name);
			for (uint32_t k = 0; k < cfg->sites[s].subnet_count; k++)
				fprintf(f, " %s", subnet_text(&cfg->sites[s].subnets[k], a, sizeof(a)));
			fputc('\n', f);
		}
	} else if (!strcmp(what, "users")) {
		for (uint32_t u = 0; u < cfg->user_count; u++)
			fprintf(f, "%-40s policy %s\n", cfg->users[u].uri, cfg->policies[cfg->users[u].policy].name);
	} else {
		known = false;
	}
	if (fclose(f) != 0) {
		free(text);
		return cmd_error(c, "out of memory");
	}
	if (!known) {
		free(text);
		return cmd_error(c, "show what? policies, policy NAME, numbers POLICY, routes, sites, users, config, "
				    "stats, calls, gateways, version, metrics");
	}
	return cmd_text(c, text);
}

/* One line per command: the syntax, then what it does. */
static const char *const help_lines[] = {
	"help [COMMAND]                                this list, or the lines of one command",
	"show policies [json]                          every location policy, one line each",
	"show policy NAME [json]                       every field of one policy",
	"show numbers POLICY [json]                    its emergency numbers: dial string, masks, route",
	"show routes [json]                            routes (PSTN usages) and their gateways",
	"show sites [json]                             network sites: policy and subnets",
	"show users [json]                             users with a policy of their own",
	"show config                                   the whole configuration as the XML file holds it",
	"show stats [json]                             the dataplane's counters: totals, per worker, per policy",
	"show calls [N] [json]                         the N newest emergency calls (default 20) and the desk's outcomes",
	"show gateways [json]                          trunk gateway health (OPTIONS pings)",
	"show version [json]                           versions: program, configuration, dataplane snapshot",
	"show metrics                                  the Prometheus metrics",
	"health                                        ok | degraded | down, with the reason",
	"reload                                        re-read the configuration file and apply it",
	"add policy NAME [FIELD VALUE]...              a new policy, starting with the Global policy's numbers",
	"set policy NAME FIELD VALUE [FIELD VALUE]...  fields: description TEXT|none, tag NAME|none,",
	"                                                enhanced-emergency-services yes|no, location-required no|yes|disclaimer,",
	"                                                use-location-for-e911-only yes|no, disclaimer TEXT|none,",
	"                                                location-refresh-interval HOURS, pstn-usage ROUTE,",
	"                                                conference-uri URI|none, conference-mode one-way|two-way,",
	"                                                notification-uris URI,URI|none, resource-priority VALUE|none",
	"del policy NAME                               not Global, not while a site or user uses it",
	"add notification-uri POLICY URI               one more security-desk URI to notify",
	"del notification-uri POLICY URI",
	"add number POLICY DIAL [route ROUTE] [masks M;M]  an emergency number (route: the policy's first number's)",
	"set number POLICY DIAL route ROUTE | masks M;M|none",
	"del number POLICY DIAL                        not the policy's last",
	"add route NAME GATEWAY [priority N] [weight N] [GATEWAY ...]   GATEWAY: IPv4[:PORT], IPv6, [IPv6]:PORT",
	"del route NAME                                not while an emergency number uses it",
	"add gateway ROUTE GATEWAY [priority N] [weight N]",
	"set gateway ROUTE GATEWAY priority N | weight N",
	"del gateway ROUTE GATEWAY                     not the route's last",
	"add site NAME policy POLICY subnet PREFIX [subnet PREFIX]...",
	"set site NAME policy POLICY",
	"del site NAME",
	"add subnet SITE PREFIX",
	"del subnet SITE PREFIX                        not the site's last",
	"add user URI policy POLICY                    URI: sip:, sips: or tel: (stored in normal form)",
	"set user URI policy POLICY",
	"del user URI",
	"set version TEXT                              the configuration's version attribute",
	"end conference REF                            end the desk's conference leg of call REF (show calls: #REF)",
};

enum ctl_kind cmd_help(struct cmd *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return cmd_error(c, "out of memory");
	unsigned shown = 0;
	bool continuation = false;
	for (size_t i = 0; i < sizeof(help_lines) / sizeof(help_lines[0]); i++) {
		const char *l = help_lines[i];
		bool match = true;
		if (l[0] != ' ') {
			/* "help set policy": every word given must start the line's words in order */
			const char *p = l;
			for (unsigned k = 1; k < c->n && match; k++) {
				size_t n = strlen(c->w[k]);
				match = !strncmp(p, c->w[k], n) && (p[n] == ' ' || p[n] == '\0');
				if (!match)
					break;
				p += n;
				while (*p == ' ')
					p++;
			}
			continuation = match;
		} else {
			match = continuation;
		}
		if (match) {
			fprintf(f, "%s\n", l);
			shown++;
		}
	}
	if (fclose(f) != 0) {
		free(text);
		return cmd_error(c, "out of memory");
	}
	if (!shown) {
		free(text);
		return cmd_error(c, "no command \"%s\" (help lists them)", c->w[1]);
	}
	return cmd_text(c, text);
}
