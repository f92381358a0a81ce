/*
 * e911-classify - what the dataplane would decide for a call: loads a policy
 * configuration, compiles it into a snapshot exactly as the dataplane does,
 * and classifies each TARGET (a Request-URI, or a bare number as tel:NUMBER)
 * for a caller at --from ADDR with identity --user URI: emergency or not, the
 * policy and why it applies, the emergency number, the translated dial
 * string, the route and its gateways.
 *
 * Exit status: 0 every target classified, 1 some target is not a URI,
 * 2 usage, or a configuration that does not load (its FILE:LINE errors).
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e911/eal_min.h"
#include "e911/policy.h"
#include "e911/snapshot.h"

struct options {
	const char *config;
	const char *from;
	const char *user;
	const char *tag;
	bool json;
};

static const char *const scope_names[] = { "site", "user", "tag", "global" };
static const char *const match_names[] = { "none", "dial-string", "mask", "sos" };

static void usage(FILE *out)
{
	fprintf(out,
		"usage: e911-classify --config FILE [--from ADDR] [--user URI] [--tag TAG] [--json] TARGET...\n"
		"Classify each TARGET (a Request-URI such as sip:9911@pbx;user=phone, tel:911,\n"
		"urn:service:sos, or a bare number) as the dataplane would for a caller at ADDR\n"
		"(IPv4 or IPv6) whose identity is URI (P-Asserted-Identity) and whose PIDF-LO names\n"
		"policy tag TAG. Exit: 0 ok, 1 a TARGET is not a URI, 2 usage or configuration error.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "config", required_argument, NULL, 'c' }, { "from", required_argument, NULL, 'f' },
		{ "user", required_argument, NULL, 'u' },   { "tag", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },         { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "c:f:u:t:jh", longs, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'f': o->from = optarg; break;
		case 'u': o->user = optarg; break;
		case 't': o->tag = optarg; break;
		case 'j': o->json = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	return o->config && optind < argc ? 0 : -1;
}

/* A JSON string: targets are the user's text and may hold any byte. */
static void put_json(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_gateways(const struct e911_route *r, bool json)
{
	for (uint32_t g = 0; g < r->gateway_count; g++) {
		const struct e911_gateway *gw = &r->gateways[g];
		bool v6 = gw->family == E911_IPV6;
		if (json)
			printf("%s{\"address\":\"%s\",\"port\":%u,\"priority\":%u,\"weight\":%u}", g ? "," : "",
			       gw->address_text, gw->port, gw->priority, gw->weight);
		else
			printf("%s%s%s%s:%u(p%u,w%u)", g ? "," : "", v6 ? "[" : "", gw->address_text,
			       v6 ? "]" : "", gw->port, gw->priority, gw->weight);
	}
}

static void print_result(const char *target, const struct e911_snapshot *s, const struct classify_result *r,
			 bool json)
{
	const struct e911_config *cfg = snapshot_config(s);
	const char *policy = cfg->policies[r->policy].name;
	const char *site = r->site != SNAPSHOT_NONE ? cfg->sites[r->site].name : NULL;
	const struct e911_route *route = r->route != SNAPSHOT_NONE ? &cfg->routes[r->route] : NULL;

	if (json) {
		printf("{\"target\":");
		put_json(target);
		printf(",\"emergency\":%s,\"e911\":%s,\"policy\":\"%s\",\"scope\":\"%s\"",
		       r->emergency ? "true" : "false", r->e911 ? "true" : "false", policy,
		       scope_names[r->scope]);
		if (site)
			printf(",\"site\":\"%s\"", site);
		if (r->emergency) {
			printf(",\"match\":\"%s\",\"dial_string\":\"%s\",\"route\":\"%s\",\"gateways\":[",
			       match_names[r->match], r->dial_string, route->name);
			print_gateways(route, true);
			printf("]");
		}
		printf("}\n");
		return;
	}
	printf("%s: emergency=%s policy=%s scope=%s", target, r->emergency ? "yes" : "no", policy,
	       scope_names[r->scope]);
	if (site)
		printf("(%s)", site);
	if (r->emergency) {
		printf(" e911=%s match=%s dial-string=%s route=%s gateways=", r->e911 ? "yes" : "no",
		       match_names[r->match], r->dial_string, route->name);
		print_gateways(route, false);
	}
	printf("\n");
}

static int caller_address(const char *text, struct classify_query *q)
{
	if (text == NULL)
		return 0;
	if (inet_pton(AF_INET, text, q->addr) == 1) {
		q->family = E911_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, text, q->addr) == 1) {
		q->family = E911_IPV6;
		return 0;
	}
	return -1;
}

static int classify_targets(struct e911_snapshot *s, const struct options *o, char **targets, int n)
{
	struct classify_query q = { 0 };
	int status = 0;

	if (o->user)
		q.identity = (struct e911_slice){ o->user, (uint32_t)strlen(o->user) };
	if (o->tag)
		q.policy_tag = (struct e911_slice){ o->tag, (uint32_t)strlen(o->tag) };
	caller_address(o->from, &q);
	for (int i = 0; i < n; i++) {
		char text[512];
		struct sip_uri uri;
		struct classify_result r;
		/* A bare number is what a user dials: take it as tel:NUMBER. */
		snprintf(text, sizeof(text), "%s%s", strchr(targets[i], ':') ? "" : "tel:", targets[i]);
		if (sip_uri_parse((struct e911_slice){ text, (uint32_t)strlen(text) }, &uri) < 0) {
			fprintf(stderr, "e911-classify: %s: not a URI\n", targets[i]);
			status = 1;
			continue;
		}
		q.ruri = &uri;
		snapshot_classify(s, 0, &q, &r);
		print_result(targets[i], s, &r, o->json);
	}
	return status;
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	struct policy_errors errs;
	struct e911_config *cfg;
	struct e911_snapshot *snap;
	char err[512];

	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}
	struct classify_query probe = { 0 };
	if (caller_address(o.from, &probe) < 0) {
		fprintf(stderr, "e911-classify: --from %s: not an IPv4 or IPv6 address\n", o.from);
		return 2;
	}
	if (policy_config_load_file(o.config, &cfg, &errs) < 0) {
		for (uint32_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.items[i].text);
		if (errs.dropped)
			fprintf(stderr, "%s: %u more errors not shown\n", o.config, errs.dropped);
		policy_errors_free(&errs);
		return 2;
	}
	policy_errors_free(&errs);
	if (eal_min_init(argv[0], 512) < 0) {
		fprintf(stderr, "e911-classify: cannot start DPDK's EAL\n");
		policy_config_free(cfg);
		return 2;
	}
	if (snapshot_build(cfg, 1, 1, &snap, err, sizeof(err)) < 0) {
		fprintf(stderr, "e911-classify: %s: %s\n", o.config, err);
		policy_config_free(cfg);
		eal_min_cleanup();
		return 2;
	}
	int status = classify_targets(snap, &o, argv + optind, argc - optind);
	snapshot_free(snap);
	eal_min_cleanup();
	return status;
}
