/*
 * test_policy_config.c - configurations that load, and what they become:
 * every example in examples/ loads; every field of the realistic example
 * lands in the model, and every default of the minimal one; a written
 * configuration loads back equal (also with text that needs escaping) and is
 * saved atomically; the writer refuses what XML cannot carry; lookups by
 * name; and a generated configuration of 10,000 sites, 100,000 users and
 * 1,000 policies loads (its time is printed) with line numbers right past
 * 65535.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "e911/policy.h"

#define EXAMPLES_DIR TEST_DATA_DIR "/../../examples"

static struct e911_config *load_ok(const char *path)
{
	struct e911_config *cfg;
	struct policy_errors errs;
	int rc = policy_config_load_file(path, &cfg, &errs);

	if (rc != 0)
		fail_msg("%s: rc %d, first error: %s", path, rc, errs.count ? errs.items[0].text : "-");
	assert_int_equal(errs.count, 0);
	policy_errors_free(&errs);
	return cfg;
}

static struct e911_config *load_text(const char *text, size_t len)
{
	struct e911_config *cfg;
	struct policy_errors errs;
	int rc = policy_config_load_buffer(text, len, "mem.xml", &cfg, &errs);

	if (rc != 0)
		fail_msg("rc %d, first error: %s", rc, errs.count ? errs.items[0].text : "-");
	policy_errors_free(&errs);
	return cfg;
}

/* write -> load must give an equal configuration, and writing that gives the same text. */
static void check_round_trip(const struct e911_config *cfg)
{
	struct e911_config *back;
	char *text, *again;
	size_t len, len2;

	assert_int_equal(policy_config_write(cfg, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	back = load_text(text, len);
	assert_true(policy_config_equal(cfg, back));
	assert_int_equal(policy_config_write(back, &again, &len2), 0);
	assert_int_equal(len, len2);
	assert_string_equal(text, again);
	free(again);
	free(text);
	policy_config_free(back);
}

static void test_every_example_loads_and_round_trips(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob(EXAMPLES_DIR "/*.xml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 2);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct e911_config *cfg = load_ok(g.gl_pathv[i]);
		check_round_trip(cfg);
		policy_config_free(cfg);
	}
	globfree(&g);
}

static void test_the_minimal_example_gets_every_default(void **state)
{
	struct e911_config *c = load_ok(EXAMPLES_DIR "/minimal.xml");
	const struct e911_policy *p = &c->policies[0];
	const struct e911_gateway *g = &c->routes[0].gateways[0];
	static const uint8_t addr[16] = { 198, 18, 0, 10 };

	(void)state;
	assert_string_equal(c->version, "1");
	assert_int_equal(c->route_count, 1);
	assert_int_equal(c->policy_count, 1);
	assert_int_equal(c->site_count, 0);
	assert_int_equal(c->user_count, 0);
	assert_int_equal(c->global_policy, 0);
	assert_string_equal(g->address_text, "198.18.0.10");
	assert_int_equal(g->family, E911_IPV4);
	assert_memory_equal(g->address, addr, 16);
	assert_int_equal(g->port, 5060);
	assert_int_equal(g->transport, E911_TRANSPORT_UDP);
	assert_int_equal(g->priority, 1);
	assert_int_equal(g->weight, 1);
	assert_string_equal(p->name, "Global");
	assert_null(p->description);
	assert_null(p->tag);
	assert_true(p->enhanced_emergency_services_enabled);
	assert_int_equal(p->location_required, E911_LOCATION_NO);
	assert_false(p->use_location_for_e911_only);
	assert_null(p->disclaimer);
	assert_int_equal(p->location_refresh_interval, 4);
	assert_int_equal(p->notification_uri_count, 0);
	assert_null(p->conference_uri);
	assert_null(p->resource_priority);
	assert_int_equal(p->number_count, 1);
	assert_string_equal(p->numbers[0].dial_string, "911");
	assert_int_equal(p->numbers[0].dial_mask_count, 1);
	assert_string_equal(p->numbers[0].dial_masks[0], "9911");
	assert_int_equal(p->numbers[0].route, 0);
	policy_config_free(c);
}

static const struct e911_policy *policy(const struct e911_config *c, const char *name)
{
	int i = policy_config_find_policy(c, name);
	assert_true(i >= 0);
	return &c->policies[i];
}

static void test_every_field_of_the_realistic_example_lands_in_the_model(void **state)
{
	struct e911_config *c = load_ok(EXAMPLES_DIR "/realistic.xml");
	const struct e911_route *us = &c->routes[0], *uk = &c->routes[1];
	const struct e911_policy *p;
	const struct e911_site *s;
	static const uint8_t v6gw[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0xe9, 0x11,
					  0, 0, 0, 0, 0, 0, 0, 0x10 };
	static const uint8_t v6net[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x10 };

	(void)state;
	assert_string_equal(c->version, "2025-03-14.2");
	assert_int_equal(c->route_count, 2);
	assert_int_equal(c->policy_count, 7);
	assert_int_equal(c->site_count, 4);
	assert_int_equal(c->user_count, 6);
	assert_string_equal(c->policies[c->global_policy].name, "Global");

	/* Routes: gateways in order, priorities and weights, an IPv6 literal. */
	assert_string_equal(us->name, "us-e911-provider");
	assert_int_equal(us->gateway_count, 3);
	assert_int_equal(us->gateways[0].weight, 60);
	assert_int_equal(us->gateways[1].weight, 40);
	assert_int_equal(us->gateways[1].priority, 1);
	assert_int_equal(us->gateways[2].family, E911_IPV6);
	assert_memory_equal(us->gateways[2].address, v6gw, 16);
	assert_string_equal(us->gateways[2].address_text, "2001:db8:0:e911::10");
	assert_int_equal(us->gateways[2].priority, 2);
	assert_string_equal(uk->name, "uk-e999-provider");
	assert_int_equal(uk->gateways[0].port, 5080);

	/* Chicago: disclaimer, two notifications, two-way conference, RPH, tag. */
	p = policy(c, "US-Chicago-HQ");
	assert_string_equal(p->tag, "chicago-hq");
	assert_int_equal(p->location_required, E911_LOCATION_DISCLAIMER);
	assert_string_equal(p->disclaimer, "Without a location, emergency services may not find "
					   "you. Please enter your address.");
	assert_string_equal(p->description,
			    "Chicago headquarters: the security desk joins and may speak.");
	assert_int_equal(p->location_refresh_interval, 2);
	assert_string_equal(p->resource_priority, "esnet.1");
	assert_int_equal(p->notification_uri_count, 2);
	assert_string_equal(p->notification_uris[0], "sip:security-chicago@example.com");
	assert_string_equal(p->notification_uris[1], "sips:soc@example.net");
	assert_string_equal(p->conference_uri, "sip:security-desk-chicago@example.com");
	assert_int_equal(p->conference_mode, E911_CONFERENCE_TWO_WAY);
	assert_int_equal(p->number_count, 2);
	assert_string_equal(p->numbers[0].dial_string, "911");
	assert_string_equal(p->numbers[0].dial_masks[0], "9911");
	assert_string_equal(p->numbers[1].dial_string, "933");
	assert_int_equal(p->numbers[1].dial_mask_count, 0);
	assert_int_equal(p->numbers[1].route, 0);

	p = policy(c, "US-Redmond");
	assert_int_equal(p->conference_mode, E911_CONFERENCE_ONE_WAY);
	assert_int_equal(p->location_required, E911_LOCATION_YES);

	/* London: 999 and 112 with masks, the UK route, one-way by default. */
	p = policy(c, "UK-London");
	assert_int_equal(p->conference_mode, E911_CONFERENCE_ONE_WAY);
	assert_string_equal(p->numbers[0].dial_string, "999");
	assert_string_equal(p->numbers[0].dial_masks[0], "9999");
	assert_string_equal(p->numbers[1].dial_string, "112");
	assert_string_equal(p->numbers[1].dial_masks[0], "9112");
	assert_int_equal(p->numbers[1].route, 1);

	assert_false(policy(c, "US-Lab")->enhanced_emergency_services_enabled);
	assert_true(policy(c, "US-Remote")->use_location_for_e911_only);
	assert_int_equal(policy(c, "US-Remote")->location_refresh_interval, 12);

	/* Sites: IPv4 and IPv6 subnets, nested prefixes in two sites. */
	s = &c->sites[policy_config_find_site(c, "Chicago-HQ")];
	assert_int_equal(s->policy, policy_config_find_policy(c, "US-Chicago-HQ"));
	assert_int_equal(s->subnet_count, 3);
	assert_int_equal(s->subnets[0].family, E911_IPV4);
	assert_int_equal(s->subnets[0].prefix_len, 24);
	assert_int_equal(s->subnets[0].address[2], 10);
	assert_int_equal(s->subnets[2].family, E911_IPV6);
	assert_int_equal(s->subnets[2].prefix_len, 48);
	assert_memory_equal(s->subnets[2].address, v6net, 16);
	s = &c->sites[policy_config_find_site(c, "Chicago-Lab")];
	assert_int_equal(s->subnets[0].prefix_len, 25);
	assert_int_equal(s->subnets[0].address[3], 128);

	/* Users, in normal form. */
	assert_string_equal(c->users[2].uri, "tel:+13125550100");
	assert_string_equal(c->users[4].uri, "sips:bob@example.net");
	assert_string_equal(c->users[5].uri, "sip:+13125550123@example.com");
	assert_int_equal(c->users[0].policy, policy_config_find_policy(c, "US-Executive"));
	policy_config_free(c);
}

static void test_entries_are_found_by_name(void **state)
{
	struct e911_config *c = load_ok(EXAMPLES_DIR "/realistic.xml");

	(void)state;
	assert_int_equal(policy_config_find_policy(c, "Global"), 0);
	assert_int_equal(policy_config_find_policy(c, "US-Remote"), 6);
	assert_int_equal(policy_config_find_policy(c, "global"), -ENOENT);
	assert_int_equal(policy_config_find_route(c, "uk-e999-provider"), 1);
	assert_int_equal(policy_config_find_route(c, "nope"), -ENOENT);
	assert_int_equal(policy_config_find_site(c, "London"), 3);
	assert_int_equal(policy_config_find_site(c, "Paris"), -ENOENT);
	/* A user is found under any spelling of its identity. */
	assert_int_equal(policy_config_find_user(c, "tel:+1.312.555.0100"), 2);
	assert_int_equal(policy_config_find_user(c, "SIPS:bob@EXAMPLE.net;transport=tls"), 4);
	assert_int_equal(policy_config_find_user(c, "sip:nobody@example.com"), -ENOENT);
	assert_int_equal(policy_config_find_user(c, "bob"), -EINVAL);
	policy_config_free(c);
}

static void test_text_that_needs_escaping_round_trips(void **state)
{
	struct e911_config *c = load_ok(EXAMPLES_DIR "/realistic.xml");
	struct e911_policy *p = &c->policies[1];

	(void)state;
	free(p->description);
	free(p->disclaimer);
	p->description = strdup("<b>Chicago</b> & \"friends\" ]]> 'quoted'\n\tsecond line\r\n");
	p->disclaimer = strdup("  leading and trailing spaces  \n");
	assert_non_null(p->description);
	assert_non_null(p->disclaimer);
	check_round_trip(c);
	policy_config_free(c);
}

static void test_the_writer_refuses_what_a_document_cannot_say(void **state)
{
	struct e911_config *c = load_ok(EXAMPLES_DIR "/realistic.xml");
	char *text = (void *)1, *saved;
	size_t len;

	(void)state;
	saved = c->policies[0].description;
	c->policies[0].description = "bell \a"; /* not an XML 1.0 character */
	assert_int_equal(policy_config_write(c, &text, &len), -EINVAL);
	assert_null(text);
	c->policies[0].description = saved;
	c->policies[0].numbers[0].route = c->route_count; /* out of range */
	assert_int_equal(policy_config_write(c, &text, &len), -EINVAL);
	c->policies[0].numbers[0].route = 0;
	c->sites[0].subnets[0].family = 5;
	assert_int_equal(policy_config_write(c, &text, &len), -EINVAL);
	policy_config_free(c);
}

static void test_save_replaces_the_file_with_one_that_loads_equal(void **state)
{
	char dir[] = "/tmp/e911-policy-save-XXXXXX", path[64], tmp[80];
	struct e911_config *c = load_ok(EXAMPLES_DIR "/realistic.xml"), *back;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e911.xml", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(policy_config_save(c, path), 0);
	c->routes[0].gateways[0].weight = 70; /* a change, saved over the old file */
	assert_int_equal(policy_config_save(c, path), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	back = load_ok(path);
	assert_true(policy_config_equal(c, back));
	assert_int_equal(back->routes[0].gateways[0].weight, 70);
	policy_config_free(back);

	/* A configuration the loader would refuse is not saved. */
	free(c->sites[1].name);
	c->sites[1].name = strdup(c->sites[0].name);
	assert_int_equal(policy_config_save(c, path), -EINVAL);
	back = load_ok(path);
	assert_int_equal(back->routes[0].gateways[0].weight, 70);
	policy_config_free(back);
	policy_config_free(c);
	unlink(path);
	rmdir(dir);
}

static void test_equal_sees_a_change_in_any_part(void **state)
{
	struct e911_config *a = load_ok(EXAMPLES_DIR "/realistic.xml");
	struct e911_config *b = load_ok(EXAMPLES_DIR "/realistic.xml");

	(void)state;
	assert_true(policy_config_equal(a, b));
	b->policies[2].conference_mode = E911_CONFERENCE_TWO_WAY;
	assert_false(policy_config_equal(a, b));
	b->policies[2].conference_mode = a->policies[2].conference_mode;
	b->policies[3].numbers[1].dial_masks[0][0] = '8';
	assert_false(policy_config_equal(a, b));
	b->policies[3].numbers[1].dial_masks[0][0] = '9';
	b->sites[0].subnets[2].prefix_len = 47;
	assert_false(policy_config_equal(a, b));
	b->sites[0].subnets[2].prefix_len = 48;
	b->users[3].policy = 0;
	assert_false(policy_config_equal(a, b));
	b->users[3].policy = a->users[3].policy;
	assert_true(policy_config_equal(a, b));
	policy_config_free(a);
	policy_config_free(b);
}

/* ---- a configuration at scale ---- */

struct text {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3)))
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->cap - t->len < 512) {
		t->cap = t->cap ? t->cap * 2 : 1 << 20;
		t->p = realloc(t->p, t->cap);
		assert_non_null(t->p);
	}
	va_start(ap, fmt);
	n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/*
 * 1,000 policies (two numbers each), 10 routes, 10,000 sites (an IPv4 /29
 * and an IPv6 /48 each), 100,000 users: about 135,000 lines. tail is added
 * before the end tag.
 */
static struct text generate(const char *tail)
{
	struct text t = { 0 };

	add(&t, "<?xml version=\"1.0\"?>\n<e911-config xmlns=\"" E911_CONFIG_NS "\" version=\"big\">\n");
	for (int r = 0; r < 10; r++)
		add(&t, "<route name=\"r%d\"><gateway address=\"198.18.0.%d\"/>"
			"<gateway address=\"2001:db8::%x\" priority=\"2\"/></route>\n", r, r + 1, r + 1);
	for (int p = 0; p < 1000; p++) {
		char name[16] = "Global";
		if (p > 0)
			snprintf(name, sizeof(name), "p%d", p);
		add(&t, "<policy name=\"%s\" tag=\"t%d\"%s>\n"
			"  <notification uri=\"sip:desk%d@example.com\"/>\n"
			"  <emergency-number dial-string=\"911\" dial-masks=\"9911\" route=\"r%d\"/>\n"
			"  <emergency-number dial-string=\"933\" route=\"r%d\"/>\n</policy>\n",
		    name, p,
		    p % 2 ? " conference-uri=\"sip:conf@example.com\" conference-mode=\"two-way\"" : "",
		    p, p % 10, (p + 1) % 10);
	}
	for (int s = 0; s < 10000; s++)
		add(&t, "<site name=\"s%d\" policy=\"p%d\"><subnet prefix=\"198.%d.%d.%d/29\"/>"
			"<subnet prefix=\"2001:db8:%x::/48\"/></site>\n",
		    s, 1 + s % 999, 18 + s / 8192, (s % 8192) / 32, (s % 32) * 8, s);
	for (int u = 0; u < 100000; u++)
		add(&t, "<user uri=\"sip:user%d@example.com\" policy=\"p%d\"/>\n", u, 1 + u % 999);
	add(&t, "%s</e911-config>\n", tail);
	return t;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_ten_thousand_sites_and_a_hundred_thousand_users_load(void **state)
{
	struct text t = generate("");
	struct e911_config *c;
	struct timespec start;
	char *written;
	size_t len;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &start);
	c = load_text(t.p, t.len);
	print_message("loaded %zu bytes (1,000 policies, 10,000 sites, 100,000 users) in %.3f s\n",
		      t.len, seconds_since(&start));
	assert_int_equal(c->policy_count, 1000);
	assert_int_equal(c->site_count, 10000);
	assert_int_equal(c->user_count, 100000);
	assert_string_equal(c->users[99999].uri, "sip:user99999@example.com");
	assert_int_equal(c->sites[9999].subnets[0].address[1], 19);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(policy_config_write(c, &written, &len), 0);
	print_message("written back (%zu bytes) in %.3f s\n", len, seconds_since(&start));
	free(written);
	policy_config_free(c);
	free(t.p);
}

static void test_lines_past_65535_are_reported_right(void **state)
{
	struct text t = generate("<user uri=\"sip:late@example.com\" policy=\"nope\"/>\n"
				 "<site name=\"late\" policy=\"Global\"><subnet prefix=\"198.18.0.1/24\"/>"
				 "<subnet prefix=\"x\" bogus=\"1\"/></site>\n");
	struct e911_config *c;
	struct policy_errors errs;
	uint32_t lines = 0;

	(void)state;
	for (size_t i = 0; i < t.len; i++)
		lines += t.p[i] == '\n';
	assert_true(lines > 100000);
	/* The schema error (an attribute not allowed) comes first, alone. */
	assert_int_equal(policy_config_load_buffer(t.p, t.len, "big.xml", &c, &errs), -EINVAL);
	assert_int_equal(errs.count, 1);
	assert_int_equal(errs.items[0].line, lines - 1);
	policy_errors_free(&errs);
	/* Without it, the semantic errors, each at its line. */
	memcpy(strstr(t.p, " bogus=\"1\""), "          ", 10);
	assert_int_equal(policy_config_load_buffer(t.p, t.len, "big.xml", &c, &errs), -EINVAL);
	assert_int_equal(errs.count, 3);
	assert_int_equal(errs.items[0].line, lines - 2);
	assert_int_equal(errs.items[1].line, lines - 1);
	assert_int_equal(errs.items[2].line, lines - 1);
	assert_non_null(strstr(errs.items[0].text, "user 'sip:late@example.com' names policy 'nope'"));
	policy_errors_free(&errs);
	free(t.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_example_loads_and_round_trips),
		cmocka_unit_test(test_the_minimal_example_gets_every_default),
		cmocka_unit_test(test_every_field_of_the_realistic_example_lands_in_the_model),
		cmocka_unit_test(test_entries_are_found_by_name),
		cmocka_unit_test(test_text_that_needs_escaping_round_trips),
		cmocka_unit_test(test_the_writer_refuses_what_a_document_cannot_say),
		cmocka_unit_test(test_save_replaces_the_file_with_one_that_loads_equal),
		cmocka_unit_test(test_equal_sees_a_change_in_any_part),
		cmocka_unit_test(test_ten_thousand_sites_and_a_hundred_thousand_users_load),
		cmocka_unit_test(test_lines_past_65535_are_reported_right),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
