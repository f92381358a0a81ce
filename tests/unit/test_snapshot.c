/*
 * test_snapshot.c - the compiled policy snapshot and the classify call the
 * workers use: the scope rule (site, else user, else PIDF-LO tag, else
 * Global), dial strings and masks (a mask is translated), urn:service:sos and
 * its sub-services under every policy, a policy with enhanced emergency
 * services disabled, IPv4/IPv6 longest-prefix edges, numbers in every URI
 * form, a configuration of 10,000 sites / 100,000 users / 1,000 policies, and
 * snapshot swaps under a thread that classifies without pause.
 *
 * The tables live in DPDK memory: the group setup starts a minimal EAL.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "e911/eal_min.h"
#include "e911/policy.h"
#include "e911/snapshot.h"

static const char config_xml[] =
	"<e911-config xmlns='urn:e911proxy:config:1' version='t1'>\n"
	" <route name='US-E911'><gateway address='198.19.0.20'/><gateway address='198.19.0.21'/></route>\n"
	" <route name='UK-999'><gateway address='2001:db8:99::20' port='5070'/></route>\n"
	" <route name='Test'><gateway address='198.19.0.30'/></route>\n"
	" <policy name='Global'><emergency-number dial-string='911' route='US-E911'/></policy>\n"
	" <policy name='US' tag='us-tag' conference-uri='sip:bridge@example.com'>\n"
	"  <notification uri='sip:desk@example.com'/>\n"
	"  <emergency-number dial-string='911' dial-masks='9911' route='US-E911'/>\n"
	"  <emergency-number dial-string='933' route='Test'/>\n"
	" </policy>\n"
	" <policy name='UK'><emergency-number dial-string='999' dial-masks='112' route='UK-999'/></policy>\n"
	" <policy name='Lab' enhanced-emergency-services='false'>\n"
	"  <emergency-number dial-string='911' route='Test'/></policy>\n"
	" <site name='Redmond' policy='US'><subnet prefix='198.18.10.0/24'/>"
	"<subnet prefix='2001:db8:10::/48'/></site>\n"
	" <site name='Redmond-Lab' policy='Lab'><subnet prefix='198.18.10.128/25'/>"
	"<subnet prefix='2001:db8:10:5::/64'/><subnet prefix='198.18.10.7/32'/></site>\n"
	" <site name='London' policy='UK'><subnet prefix='198.18.20.0/24'/></site>\n"
	" <user uri='sip:alice@example.com' policy='UK'/>\n"
	" <user uri='tel:+14255550100' policy='US'/>\n"
	"</e911-config>\n";

static struct e911_config *load(const char *xml)
{
	struct e911_config *cfg;
	struct policy_errors errs;
	int rc = policy_config_load_buffer(xml, strlen(xml), "test.xml", &cfg, &errs);
	for (uint32_t i = 0; i < errs.count; i++)
		print_error("%s\n", errs.items[i].text);
	policy_errors_free(&errs);
	assert_int_equal(rc, 0);
	return cfg;
}

static struct e911_snapshot *build(const char *xml, unsigned workers, uint64_t version)
{
	struct e911_snapshot *s;
	char err[256];
	if (snapshot_build(load(xml), workers, version, &s, err, sizeof(err)) != 0)
		fail_msg("build: %s", err);
	return s;
}

/* Classify TARGET for a caller at FROM (IPv4/IPv6 text or NULL) with identity USER (or NULL). */
static struct classify_result classify(const struct e911_snapshot *s, const char *target, const char *from,
				       const char *user, const char *tag)
{
	struct classify_query q = { 0 };
	struct classify_result r;
	struct sip_uri uri;

	assert_int_equal(sip_uri_parse((struct e911_slice){ target, (uint32_t)strlen(target) }, &uri), 0);
	q.ruri = &uri;
	if (from && inet_pton(AF_INET, from, q.addr) == 1)
		q.family = E911_IPV4;
	else if (from && inet_pton(AF_INET6, from, q.addr) == 1)
		q.family = E911_IPV6;
	if (user)
		q.identity = (struct e911_slice){ user, (uint32_t)strlen(user) };
	if (tag)
		q.policy_tag = (struct e911_slice){ tag, (uint32_t)strlen(tag) };
	assert_int_equal(snapshot_classify(s, 0, &q, &r), 0);
	assert_false(r.scan_failed);
	return r;
}

static const char *policy_name(const struct e911_snapshot *s, const struct classify_result *r)
{
	return snapshot_config(s)->policies[r->policy].name;
}

static const char *route_name(const struct e911_snapshot *s, const struct classify_result *r)
{
	return r->route == SNAPSHOT_NONE ? "-" : snapshot_config(s)->routes[r->route].name;
}

static int eal_up(void **state)
{
	(void)state;
	return eal_min_init("test_snapshot", 1536) == 0 ? 0 : -1;
}

static int eal_down(void **state)
{
	(void)state;
	eal_min_cleanup();
	return 0;
}

static void test_the_site_policy_wins_then_the_user_then_the_tag_then_global(void **state)
{
	(void)state;
	struct e911_snapshot *s = build(config_xml, 1, 1);
	static const struct {
		const char *from, *user, *tag, *policy;
		uint8_t scope;
		const char *why;
	} rows[] = {
		{ "198.18.10.5", "sip:alice@example.com", NULL, "US", CLASSIFY_SCOPE_SITE, "site beats alice's UK policy" },
		{ "198.51.100.1", "sip:alice@example.com", NULL, "UK", CLASSIFY_SCOPE_USER, "off-site: alice's own policy" },
		{ NULL, "sip:alice@EXAMPLE.com;transport=udp", NULL, "UK", CLASSIFY_SCOPE_USER, "identity normalised" },
		{ NULL, "tel:+1-425-555-0100", NULL, "US", CLASSIFY_SCOPE_USER, "tel with visual separators" },
		{ NULL, "sip:bob@example.com", "us-tag", "US", CLASSIFY_SCOPE_TAG, "unknown user, tag in the PIDF-LO" },
		{ NULL, "sip:alice@example.com", "us-tag", "UK", CLASSIFY_SCOPE_USER, "the user beats the tag" },
		{ NULL, "sip:bob@example.com", "no-such-tag", "Global", CLASSIFY_SCOPE_GLOBAL, "nothing applies" },
		{ NULL, NULL, NULL, "Global", CLASSIFY_SCOPE_GLOBAL, "no identity at all" },
		{ NULL, "not a uri", NULL, "Global", CLASSIFY_SCOPE_GLOBAL, "a malformed identity is ignored" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("  %s\n", rows[i].why);
		struct classify_result r = classify(s, "sip:911@pbx.example.com", rows[i].from, rows[i].user, rows[i].tag);
		assert_string_equal(policy_name(s, &r), rows[i].policy);
		assert_int_equal(r.scope, rows[i].scope);
	}
	snapshot_free(s);
}

static void test_dial_strings_and_masks_are_emergency_only_for_their_policy(void **state)
{
	(void)state;
	struct e911_snapshot *s = build(config_xml, 1, 1);
	static const struct {
		const char *target, *from;
		bool emergency;
		uint8_t match;
		const char *dial, *route, *why;
	} rows[] = {
		{ "sip:911@pbx", "198.18.10.5", true, CLASSIFY_MATCH_DIAL_STRING, "911", "US-E911", "US dial string" },
		{ "sip:9911@pbx", "198.18.10.5", true, CLASSIFY_MATCH_MASK, "911", "US-E911", "US mask leaves as 911" },
		{ "sip:933@pbx", "198.18.10.5", true, CLASSIFY_MATCH_DIAL_STRING, "933", "Test", "second number, own route" },
		{ "sip:999@pbx", "198.18.10.5", false, CLASSIFY_MATCH_NONE, NULL, "-", "a UK number from a US site" },
		{ "sip:999@pbx", "198.18.20.9", true, CLASSIFY_MATCH_DIAL_STRING, "999", "UK-999", "UK dial string" },
		{ "sip:112@pbx", "198.18.20.9", true, CLASSIFY_MATCH_MASK, "999", "UK-999", "UK mask 112 leaves as 999" },
		{ "sip:911@pbx", "198.18.20.9", false, CLASSIFY_MATCH_NONE, NULL, "-", "911 is not the UK's" },
		{ "sip:9911@pbx", "198.51.100.1", false, CLASSIFY_MATCH_NONE, NULL, "-", "Global has no 9911 mask" },
		{ "sip:911@pbx", "198.51.100.1", true, CLASSIFY_MATCH_DIAL_STRING, "911", "US-E911", "Global routes 911" },
		{ "sip:91@pbx", "198.18.10.5", false, CLASSIFY_MATCH_NONE, NULL, "-", "a prefix of 911" },
		{ "sip:9112@pbx", "198.18.10.5", false, CLASSIFY_MATCH_NONE, NULL, "-", "911 and a digit" },
		{ "sip:alice@pbx", "198.18.10.5", false, CLASSIFY_MATCH_NONE, NULL, "-", "a name" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		print_message("  %s\n", rows[i].why);
		struct classify_result r = classify(s, rows[i].target, rows[i].from, NULL, NULL);
		assert_int_equal(r.emergency, rows[i].emergency);
		assert_int_equal(r.match, rows[i].match);
		if (rows[i].dial)
			assert_string_equal(r.dial_string, rows[i].dial);
		else
			assert_null(r.dial_string);
		assert_string_equal(route_name(s, &r), rows[i].route);
	}
	snapshot_free(s);
}

static void test_sos_and_its_sub_services_are_emergency_under_every_policy(void **state)
{
	(void)state;
	struct e911_snapshot *s = build(config_xml, 1, 1);
	static const struct {
		const char *target, *from, *dial, *route;
	} rows[] = {
		{ "urn:service:sos", "198.18.10.5", "911", "US-E911" },      /* US: its first number */
		{ "urn:service:sos.fire", "198.18.20.9", "999", "UK-999" },  /* UK */
		{ "URN:service:SOS.Police", "198.51.100.1", "911", "US-E911" }, /* Global, any case */
		{ "urn:service:sos.ambulance", "198.18.10.7", "911", "Test" }, /* the Lab */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct classify_result r = classify(s, rows[i].target, rows[i].from, NULL, NULL);
		assert_true(r.emergency);
		assert_int_equal(r.match, CLASSIFY_MATCH_SOS);
		assert_int_equal(r.number, 0);
		assert_string_equal(r.dial_string, rows[i].dial);
		assert_string_equal(route_name(s, &r), rows[i].route);
	}
	struct classify_result r = classify(s, "urn:service:counseling", "198.18.10.5", NULL, NULL);
	assert_false(r.emergency);
	snapshot_free(s);
}

static void test_a_disabled_policy_routes_emergency_calls_but_not_as_e911(void **state)
{
	(void)state;
	struct e911_snapshot *s = build(config_xml, 1, 1);
	struct classify_result r = classify(s, "sip:911@pbx", "198.18.10.200", NULL, NULL);
	assert_string_equal(policy_name(s, &r), "Lab");
	assert_true(r.emergency);
	assert_false(r.e911);
	assert_string_equal(route_name(s, &r), "Test");
	r = classify(s, "sip:911@pbx", "198.18.10.5", NULL, NULL);
	assert_true(r.e911);
	snapshot_free(s);
}

static void test_the_longest_prefix_decides_the_site(void **state)
{
	(void)state;
	struct e911_snapshot *s = build(config_xml, 1, 1);
	static const struct {
		const char *from, *site;
	} rows[] = {
		{ "198.18.10.0", "Redmond" },        /* first address of the /24 */
		{ "198.18.10.127", "Redmond" },      /* last before the /25 */
		{ "198.18.10.128", "Redmond-Lab" },  /* first of the /25 */
		{ "198.18.10.255", "Redmond-Lab" },  /* last of both */
		{ "198.18.10.7", "Redmond-Lab" },    /* a /32 inside the /24 */
		{ "198.18.10.6", "Redmond" },        /* its neighbour */
		{ "198.18.11.0", NULL },             /* just past the /24 */
		{ "198.18.9.255", NULL },            /* just before it */
		{ "2001:db8:10::1", "Redmond" },     /* inside the /48 */
		{ "2001:db8:10:5::1", "Redmond-Lab" }, /* inside the /64 within the /48 */
		{ "2001:db8:10:4:ffff:ffff:ffff:ffff", "Redmond" }, /* just before the /64 */
		{ "2001:db8:11::1", NULL },          /* past the /48 */
		{ "::ffff:198.18.10.5", NULL },      /* an IPv4-mapped IPv6 address is IPv6 */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct classify_result r = classify(s, "sip:911@pbx", rows[i].from, NULL, NULL);
		const char *site = r.site == SNAPSHOT_NONE ? NULL : snapshot_config(s)->sites[r.site].name;
		if (rows[i].site == NULL && site != NULL)
			fail_msg("%s: site %s, want none", rows[i].from, site);
		if (rows[i].site != NULL && (site == NULL || strcmp(site, rows[i].site) != 0))
			fail_msg("%s: site %s, want %s", rows[i].from, site ? site : "none", rows[i].site);
	}
	snapshot_free(s);
}

static void test_numbers_are_read_from_every_uri_form(void **state)
{
	(void)state;
	struct e911_snapshot *s = build(config_xml, 1, 1);
	static const struct {
		const char *target;
		bool emergency;
	} rows[] = {
		{ "sip:911@pbx.example.com", true },
		{ "sip:911@pbx.example.com;user=phone", true },
		{ "sips:911@pbx.example.com:5061;user=phone", true },
		{ "sip:9911;phone-context=+1@pbx;user=phone", true },   /* telephone-subscriber params */
		{ "sip:9-9-1-1@pbx", true },                            /* visual separators */
		{ "sip:%39%31%31@pbx", true },                          /* escaped digits */
		{ "tel:911", true },
		{ "tel:9-1-1;phone-context=+1", true },
		{ "tel:(9)911", true },
		{ "sip:+1911@pbx", false },                             /* a global number */
		{ "sip:911x@pbx", false },                              /* not a number */
		{ "http://911.example.com/", false },                   /* another scheme */
		{ "sip:pbx.example.com", false },                       /* no user part */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct classify_result r = classify(s, rows[i].target, "198.18.10.5", NULL, NULL);
		if (r.emergency != rows[i].emergency)
			fail_msg("%s: emergency %d, want %d", rows[i].target, r.emergency, rows[i].emergency);
	}
	snapshot_free(s);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Append to a growing buffer (test_malloc'd). */
struct text {
	char *p;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + 4096;
		t->p = test_realloc(t->p, t->cap);
	}
}

static void test_a_carrier_sized_configuration_loads_and_compiles(void **state)
{
	(void)state;
	enum { POLICIES = 1000, SITES = 10000, USERS = 100000, ROUTES = 10 };
	struct text x = { 0 };
	put(&x, "<e911-config xmlns='urn:e911proxy:config:1' version='big'>\n");
	for (int r = 0; r < ROUTES; r++)
		put(&x, "<route name='R%d'><gateway address='198.19.%d.1'/></route>\n", r, r);
	put(&x, "<policy name='Global'><emergency-number dial-string='911' route='R0'/></policy>\n");
	for (int p = 1; p < POLICIES; p++)
		put(&x, "<policy name='P%d'><emergency-number dial-string='911' dial-masks='9911;7%04d' "
			"route='R%d'/><emergency-number dial-string='933' route='R%d'/></policy>\n",
		    p, p, p % ROUTES, (p + 1) % ROUTES);
	/* /29s of 198.18.0.0/15 and a /48 each of 2001:db8::/32. */
	for (int i = 0; i < SITES; i++)
		put(&x, "<site name='S%d' policy='P%d'><subnet prefix='198.%d.%d.%d/29'/>"
			"<subnet prefix='2001:db8:%x::/48'/></site>\n",
		    i, 1 + i % (POLICIES - 1), 18 + (i * 8 >> 16), (i * 8 >> 8) & 255, (i * 8) & 255, i);
	for (int u = 0; u < USERS; u++)
		put(&x, "<user uri='sip:user%d@example.com' policy='P%d'/>\n", u, 1 + u % (POLICIES - 1));
	put(&x, "</e911-config>\n");

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct e911_config *cfg = load(x.p);
	double load_s = seconds_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct e911_snapshot *s;
	char err[256];
	if (snapshot_build(cfg, 1, 1, &s, err, sizeof(err)) != 0)
		fail_msg("build: %s", err);
	double build_s = seconds_since(&t0);
	print_message("  %zu KiB of XML: loaded in %.2f s, compiled (1 worker) in %.2f s\n", x.len / 1024,
		      load_s, build_s);

	/* Spot checks: a site's own mask, another policy's mask, a user off-site. */
	struct classify_result r = classify(s, "sip:70005@pbx", "198.18.0.40", NULL, NULL); /* S5 -> P6 */
	assert_false(r.emergency);
	r = classify(s, "sip:70006@pbx", "198.18.0.40", NULL, NULL);
	assert_true(r.emergency);
	assert_string_equal(r.dial_string, "911");
	assert_string_equal(policy_name(s, &r), "P6");
	r = classify(s, "sip:933@pbx", "198.51.100.1", "sip:user41@example.com", NULL);
	assert_string_equal(policy_name(s, &r), "P42");
	assert_int_equal(r.scope, CLASSIFY_SCOPE_USER);
	assert_string_equal(route_name(s, &r), "R3");
	snapshot_free(s);
	test_free(x.p);
}

/* A classifier thread that never pauses, checking each answer against its snapshot's version. */
struct swap_run {
	struct snapshot_slot *slot;
	atomic_bool stop;
	uint64_t classified;
	uint64_t wrong;
};

static void *classify_loop(void *arg)
{
	struct swap_run *run = arg;
	struct sip_uri uri;
	struct classify_query q = { .family = E911_IPV4, .addr = { 198, 18, 10, 5 } };
	assert_int_equal(sip_uri_parse(SLICE_LIT("sip:9911@pbx"), &uri), 0);
	q.ruri = &uri;

	snapshot_slot_worker_start(run->slot, 0);
	while (!atomic_load(&run->stop)) {
		const struct e911_snapshot *s = snapshot_slot_get(run->slot);
		for (int i = 0; s && i < 64; i++) {
			struct classify_result r;
			snapshot_classify(s, 0, &q, &r);
			/* Even versions route 911 by US-E911, odd ones by Test. */
			const char *want = snapshot_version(s) % 2 ? "Test" : "US-E911";
			if (!r.emergency || strcmp(snapshot_config(s)->routes[r.route].name, want) != 0)
				run->wrong++;
			run->classified++;
		}
		snapshot_slot_quiescent(run->slot, 0);
	}
	snapshot_slot_worker_stop(run->slot, 0);
	return NULL;
}

static void test_snapshots_swap_under_a_classifying_thread(void **state)
{
	(void)state;
	static char odd_xml[sizeof(config_xml)];
	const char *from = "dial-masks='9911' route='US-E911'", *to = "dial-masks='9911' route='Test'   ";
	char *at;
	strcpy(odd_xml, config_xml);
	at = strstr(odd_xml, from);
	assert_non_null(at);
	memcpy(at, to, strlen(to));

	struct swap_run run = { .slot = snapshot_slot_new(1) };
	assert_non_null(run.slot);
	struct e911_snapshot *retired = (struct e911_snapshot *)1;
	assert_int_equal(snapshot_slot_publish(run.slot, build(config_xml, 1, 0), &retired), 0);
	assert_null(retired);
	pthread_t thread;
	assert_int_equal(pthread_create(&thread, NULL, classify_loop, &run), 0);
	for (uint64_t v = 1; v <= 40; v++) {
		struct e911_snapshot *next = build(v % 2 ? odd_xml : config_xml, 1, v);
		assert_int_equal(snapshot_slot_publish(run.slot, next, &retired), 0);
		/* The previous one, no longer seen by the classifier: freeing it is safe now. */
		assert_int_equal(snapshot_version(retired), v - 1);
		snapshot_free(retired);
	}
	/* A snapshot for another number of workers is refused and stays the caller's. */
	struct e911_snapshot *two = build(config_xml, 2, 99);
	assert_int_equal(snapshot_slot_publish(run.slot, two, &retired), -22);
	snapshot_free(two);
	atomic_store(&run.stop, true);
	pthread_join(thread, NULL);
	print_message("  %llu classifications across 40 swaps\n", (unsigned long long)run.classified);
	assert_true(run.classified > 0);
	assert_int_equal(run.wrong, 0);
	assert_int_equal(snapshot_version(snapshot_slot_get(run.slot)), 40);
	snapshot_slot_free(run.slot);
}

static void test_bad_builds_are_refused_with_a_reason(void **state)
{
	(void)state;
	struct e911_snapshot *s = NULL;
	char err[256] = "";
	struct e911_config *cfg = load(config_xml);
	assert_int_equal(snapshot_build(cfg, 0, 1, &s, err, sizeof(err)), -22);
	assert_non_null(strstr(err, "workers"));
	assert_int_equal(snapshot_build(cfg, SNAPSHOT_MAX_WORKERS + 1, 1, &s, err, sizeof(err)), -22);
	assert_null(s);
	/* classify refuses a worker the snapshot has no tables for */
	assert_int_equal(snapshot_build(cfg, 1, 1, &s, err, sizeof(err)), 0);
	struct classify_query q = { 0 };
	struct classify_result r;
	struct sip_uri uri;
	assert_int_equal(sip_uri_parse(SLICE_LIT("tel:911"), &uri), 0);
	q.ruri = &uri;
	assert_int_equal(snapshot_classify(s, 1, &q, &r), -22);
	snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_site_policy_wins_then_the_user_then_the_tag_then_global),
		cmocka_unit_test(test_dial_strings_and_masks_are_emergency_only_for_their_policy),
		cmocka_unit_test(test_sos_and_its_sub_services_are_emergency_under_every_policy),
		cmocka_unit_test(test_a_disabled_policy_routes_emergency_calls_but_not_as_e911),
		cmocka_unit_test(test_the_longest_prefix_decides_the_site),
		cmocka_unit_test(test_numbers_are_read_from_every_uri_form),
		cmocka_unit_test(test_a_carrier_sized_configuration_loads_and_compiles),
		cmocka_unit_test(test_snapshots_swap_under_a_classifying_thread),
		cmocka_unit_test(test_bad_builds_are_refused_with_a_reason),
	};
	return cmocka_run_group_tests(tests, eal_up, eal_down);
}
