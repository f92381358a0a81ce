/*
 * test_command.c - the control socket's command language (control/command/,
 * include/e911/command.h): every kind of change lands in the configuration
 * it returns; every malformed or rule-breaking command is an error that
 * returns no configuration and leaves the current one as it was; the show
 * forms and the daemon's commands.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "e911/command.h"

static struct e911_config *base;     /* examples/lab.xml */
static struct e911_config *pristine; /* another load of it, never handed to a command */

static int setup(void **state)
{
	(void)state;
	struct policy_errors errs;
	const char *path = TEST_DATA_DIR "/../../examples/lab.xml";
	if (policy_config_load_file(path, &base, &errs) != 0 || policy_config_load_file(path, &pristine, &errs) != 0)
		return -1;
	policy_errors_free(&errs);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	policy_config_free(base);
	policy_config_free(pristine);
	return 0;
}

/* Run a command that must change the configuration; @return the new one (the caller frees it). */
static struct e911_config *change(const char *line)
{
	struct ctl_result r;
	enum ctl_kind k = ctl_command_run(base, line, strlen(line), &r);
	if (k != CTL_CHANGE)
		fail_msg("%s: %s", line, r.text ? r.text : "(no text)");
	assert_non_null(r.config);
	assert_non_null(r.text);
	struct e911_config *cfg = r.config;
	r.config = NULL;
	ctl_result_free(&r);
	assert_true(policy_config_equal(base, pristine));
	return cfg;
}

/* Run a command that must be refused with a message containing `says`. */
static void refused(const char *line, const char *says)
{
	struct ctl_result r;
	enum ctl_kind k = ctl_command_run(base, line, strlen(line), &r);
	if (k != CTL_ERROR)
		fail_msg("%s: accepted (%s)", line, r.text ? r.text : "");
	assert_null(r.config);
	assert_non_null(r.text);
	assert_int_equal(strncmp(r.text, "error: ", 7), 0);
	assert_null(strchr(r.text, '\n'));
	if (!strstr(r.text, says))
		fail_msg("%s: \"%s\" does not say \"%s\"", line, r.text, says);
	ctl_result_free(&r);
	assert_true(policy_config_equal(base, pristine));
}

static const struct e911_policy *policy(const struct e911_config *cfg, const char *name)
{
	int p = policy_config_find_policy(cfg, name);
	assert_true(p >= 0);
	return &cfg->policies[p];
}

static void test_set_policy_fields(void **state)
{
	(void)state;
	struct e911_config *c = change("set policy Redmond conference-mode two-way location-required disclaimer "
				       "disclaimer \"Tell us where you are\" location-refresh-interval 6 "
				       "enhanced-emergency-services-enabled yes use-location-for-e911-only yes tag HQ-1 "
				       "description \"Redmond \\\"HQ\\\"\" resource-priority esnet.2");
	const struct e911_policy *p = policy(c, "Redmond");
	assert_int_equal(p->conference_mode, E911_CONFERENCE_TWO_WAY);
	assert_int_equal(p->location_required, E911_LOCATION_DISCLAIMER);
	assert_string_equal(p->disclaimer, "Tell us where you are");
	assert_int_equal(p->location_refresh_interval, 6);
	assert_true(p->use_location_for_e911_only);
	assert_string_equal(p->tag, "HQ-1");
	assert_string_equal(p->description, "Redmond \"HQ\"");
	assert_string_equal(p->resource_priority, "esnet.2");
	policy_config_free(c);

	c = change("set policy Redmond conference-uri none notification-uris none resource-priority none");
	p = policy(c, "Redmond");
	assert_null(p->conference_uri);
	assert_int_equal(p->notification_uri_count, 0);
	assert_null(p->resource_priority);
	policy_config_free(c);

	c = change("set policy Redmond notification-uris sip:a@198.19.2.1,sip:b@198.19.2.1 enhanced-emergency-services no");
	p = policy(c, "Redmond");
	assert_int_equal(p->notification_uri_count, 2);
	assert_string_equal(p->notification_uris[1], "sip:b@198.19.2.1");
	assert_false(p->enhanced_emergency_services_enabled);
	policy_config_free(c);
}

static void test_policies_numbers_notifications(void **state)
{
	(void)state;
	struct e911_config *c = change("add policy Branch conference-uri sip:desk@198.19.2.9");
	const struct e911_policy *p = policy(c, "Branch");
	assert_int_equal(p->number_count, 1); /* the Global policy's */
	assert_string_equal(p->numbers[0].dial_string, "911");
	assert_string_equal(p->conference_uri, "sip:desk@198.19.2.9");
	policy_config_free(c);

	c = change("add number London 933 masks 0933");
	p = policy(c, "London");
	assert_int_equal(p->number_count, 2);
	assert_string_equal(p->numbers[1].dial_string, "933");
	assert_string_equal(p->numbers[1].dial_masks[0], "0933");
	policy_config_free(c);

	c = change("set number London 911 masks none");
	assert_int_equal(policy(c, "London")->numbers[0].dial_mask_count, 0);
	policy_config_free(c);

	c = change("add notification-uri London sip:guard@198.19.2.1");
	assert_int_equal(policy(c, "London")->notification_uri_count, 1);
	policy_config_free(c);
	c = change("del notification-uri Redmond sip:security@198.19.2.1");
	assert_int_equal(policy(c, "Redmond")->notification_uri_count, 0);
	policy_config_free(c);
}

static void test_routes_sites_users(void **state)
{
	(void)state;
	struct e911_config *c = change("add route backup 198.19.0.30:5070 priority 2 weight 3 198.19.0.31");
	int r = policy_config_find_route(c, "backup");
	assert_true(r >= 0);
	assert_int_equal(c->routes[r].gateway_count, 2);
	assert_int_equal(c->routes[r].gateways[0].port, 5070);
	assert_int_equal(c->routes[r].gateways[0].priority, 2);
	assert_int_equal(c->routes[r].gateways[0].weight, 3);
	policy_config_free(c);

	c = change("add gateway us-e911 198.19.0.21 priority 5");
	r = policy_config_find_route(c, "us-e911");
	assert_int_equal(c->routes[r].gateway_count, 2);
	policy_config_free(c);
	c = change("set gateway us-e911 198.19.0.20:5060 weight 7");
	assert_int_equal(c->routes[policy_config_find_route(c, "us-e911")].gateways[0].weight, 7);
	policy_config_free(c);

	c = change("add site Annex policy London subnet 198.18.30.0/24 subnet 198.18.31.0/24");
	int s = policy_config_find_site(c, "Annex");
	assert_true(s >= 0);
	assert_int_equal(c->sites[s].subnet_count, 2);
	policy_config_free(c);
	c = change("add subnet Redmond 198.18.11.0/24");
	assert_int_equal(c->sites[policy_config_find_site(c, "Redmond")].subnet_count, 2);
	policy_config_free(c);
	c = change("set site Redmond policy London");
	s = policy_config_find_site(c, "Redmond");
	assert_string_equal(c->policies[c->sites[s].policy].name, "London");
	policy_config_free(c);
	c = change("del site London");
	assert_true(policy_config_find_site(c, "London") < 0);
	policy_config_free(c);

	c = change("add user SIP:Alice@EXAMPLE.com;transport=tls policy London");
	int u = policy_config_find_user(c, "sip:Alice@example.com");
	assert_true(u >= 0);
	assert_string_equal(c->policies[c->users[u].policy].name, "London");
	policy_config_free(c);

	c = change("set version lab-2");
	assert_string_equal(c->version, "lab-2");
	policy_config_free(c);
}

static void test_refusals(void **state)
{
	(void)state;
	refused("", "empty command");
	refused("   ", "empty command");
	refused("frobnicate", "unknown command");
	refused("set", "set what");
	refused("set policy", "what is missing");
	refused("set policy Redmnd conference-mode two-way", "no policy named \"Redmnd\"");
	refused("set policy Redmond conference-mode 3way", "one-way or two-way, not \"3way\"");
	refused("set policy Redmond location-required maybe", "no, yes or disclaimer");
	refused("set policy Redmond location-refresh-interval 13", "from 1 to 12");
	refused("set policy Redmond location-refresh-interval", "set policy NAME FIELD VALUE");
	refused("set policy Redmond colour blue", "no field \"colour\"");
	refused("set policy Redmond conference-mode two-way tag", "has no value");
	refused("set policy Redmond enhanced-emergency-services maybe", "yes or no");
	refused("set policy Redmond conference-uri http://x", "conference");
	refused("set policy Redmond location-required disclaimer", "disclaimer"); /* needs the text */
	refused("set policy Redmond pstn-usage nowhere", "no route named \"nowhere\"");
	refused("set policy Redmond description \"unclosed", "not closed");
	refused("set policy Redmond description x\"y", "quote inside a word");
	refused("set policy Redmond description \"a\"b", "blank must follow");
	refused("set policy Redmond description \x01", "control character");
	refused("add policy Redmond", "exists already");
	refused("add policy \"bad name!\"", "policy");
	refused("del policy Global", "Global policy cannot be deleted");
	refused("del policy Redmond", "policy of site \"Redmond\"");
	refused("del policy Nobody", "no policy named");
	refused("add number Redmond 911", "has emergency number 911 already");
	refused("add number Redmond 9911", "9911"); /* a mask of 911 already */
	refused("add number Redmond 12ab", "12ab");
	refused("add number London 112", "is the dial string of"); /* a mask of London's 911 */
	refused("del number Redmond 911", "last emergency number");
	refused("set number Redmond 911 route nowhere", "no route named");
	refused("set number Redmond 911 colour red", "route and masks");
	refused("del route us-e911", "used by policy \"Global\" number 911");
	refused("add route us-e911 198.19.0.9", "exists already");
	refused("add route r2 trunk.example.com", "not a gateway");
	refused("add route r2 198.19.0.9:0", "not a gateway");
	refused("add route r2", "add route NAME GATEWAY");
	refused("add gateway us-e911 198.19.0.20", "has gateway 198.19.0.20 already");
	refused("add gateway us-e911 198.19.0.21 priority -1", "priority is a number");
	refused("add gateway us-e911 198.19.0.21 weight 0", "weight is a number from 1");
	refused("del gateway us-e911 198.19.0.20", "last gateway");
	refused("set gateway us-e911 198.19.0.99 weight 2", "has no gateway");
	refused("add site Redmond policy Global subnet 198.18.40.0/24", "exists already");
	refused("add site X policy Global", "needs both");
	refused("add site X policy Nowhere subnet 198.18.40.0/24", "Nowhere");
	refused("add site X policy Global subnet 198.18.40.1/24", "host bits");
	refused("add site X policy Global subnet 198.18.10.0/24", "198.18.10.0/24"); /* Redmond's already */
	refused("del subnet Redmond 198.18.10.0/24", "last subnet");
	refused("del subnet Redmond 198.18.99.0/24", "has no subnet");
	refused("add user mailto:x@y policy Global", "not a sip:, sips: or tel:");
	refused("add user sip:a@b policy Nowhere", "Nowhere");
	refused("del user sip:nobody@example.com", "no user");
	refused("show calls 0", "from 1 to 1024");
	refused("show calls many", "from 1 to 1024");
	refused("show stats extra", "not understood");
	refused("show policy", "show policy POLICY");
	refused("show policy Nobody", "no policy named");
	refused("show teapots", "show what?");
	refused("end conference", "REF is the call's number");
	refused("end conference x1", "REF is the call's number");
	refused("reload now", "not understood");
	refused("help frobnicate", "no command");
	refused("help     \xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", "no command"); /* fuzz_command found it reading past a help line */
	refused("help set policy Redmond extra words beyond any line", "no command");
	char many[CTL_MAX_WORDS * 2 + 16] = "show";
	for (unsigned i = 0; i < CTL_MAX_WORDS; i++)
		strcat(many, " x");
	refused(many, "more than 64 words");
}

static void test_show(void **state)
{
	(void)state;
	const char *cmds[] = { "show policies", "show policy Redmond", "show numbers London", "show routes",
			       "show sites", "show users", "show config", "help", "help set" };
	const char *says[] = { "Redmond", "conference-mode              one-way", "999;112", "198.19.0.20:5060",
			       "198.18.10.0/24", "", "<e911-config", "reload", "set policy NAME" };
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		struct ctl_result r;
		assert_int_equal(ctl_command_run(base, cmds[i], strlen(cmds[i]), &r), CTL_TEXT);
		if (!strstr(r.text, says[i]))
			fail_msg("%s: no \"%s\" in:\n%s", cmds[i], says[i], r.text);
		ctl_result_free(&r);
	}
	const char *json_cmds[] = { "show policies json", "show policy Redmond json", "show numbers Redmond json",
				    "show routes json", "show sites json", "show users json" };
	for (size_t i = 0; i < sizeof(json_cmds) / sizeof(json_cmds[0]); i++) {
		struct ctl_result r;
		assert_int_equal(ctl_command_run(base, json_cmds[i], strlen(json_cmds[i]), &r), CTL_TEXT);
		json_t *j = json_loads(r.text, 0, NULL);
		if (!j)
			fail_msg("%s: not JSON:\n%s", json_cmds[i], r.text);
		json_decref(j);
		ctl_result_free(&r);
	}
	struct ctl_result r;
	ctl_command_run(base, "show policy Redmond json", 24, &r);
	json_t *j = json_loads(r.text, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "conference-uri")), "sip:bridge@198.19.2.1:5062");
	assert_string_equal(json_string_value(json_object_get(j, "pstn-usage")), "us-e911");
	json_decref(j);
	ctl_result_free(&r);
}

static void test_daemon_commands(void **state)
{
	(void)state;
	struct {
		const char *line;
		enum ctl_daemon_cmd cmd;
		bool json;
		uint32_t limit;
		uint64_t ref;
	} cases[] = {
		{ "reload", CTL_RELOAD, false, 0, 0 },
		{ "show stats", CTL_SHOW_STATS, false, 0, 0 },
		{ "show stats json", CTL_SHOW_STATS, true, 0, 0 },
		{ "show calls", CTL_SHOW_CALLS, false, CTL_CALLS_DEFAULT, 0 },
		{ "show calls 5 json", CTL_SHOW_CALLS, true, 5, 0 },
		{ "show calls json", CTL_SHOW_CALLS, true, CTL_CALLS_DEFAULT, 0 },
		{ "show gateways json", CTL_SHOW_GATEWAYS, true, 0, 0 },
		{ "show version", CTL_SHOW_VERSION, false, 0, 0 },
		{ "show metrics", CTL_SHOW_METRICS, false, 0, 0 },
		{ "health", CTL_HEALTH, false, 0, 0 },
		{ "end conference 42", CTL_CONFERENCE_END, false, 0, 42 },
		{ "end conference #7", CTL_CONFERENCE_END, false, 0, 7 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctl_result r;
		assert_int_equal(ctl_command_run(base, cases[i].line, strlen(cases[i].line), &r), CTL_DAEMON);
		assert_int_equal(r.cmd, cases[i].cmd);
		assert_int_equal(r.json, cases[i].json);
		if (cases[i].cmd == CTL_SHOW_CALLS)
			assert_int_equal(r.limit, cases[i].limit);
		assert_int_equal(r.ref, cases[i].ref);
		assert_null(r.config);
		ctl_result_free(&r);
	}
}

/* Whatever the bytes, a command never crashes and an error changes nothing. */
static void test_every_prefix(void **state)
{
	(void)state;
	const char *line = "add site \"Annex B\" policy London subnet 198.18.30.0/24 subnet 2001:db8:30::/48";
	for (size_t n = 0; n <= strlen(line); n++) {
		struct ctl_result r;
		enum ctl_kind k = ctl_command_run(base, line, n, &r);
		assert_true(k == CTL_ERROR || k == CTL_CHANGE || k == CTL_TEXT);
		assert_true((k == CTL_CHANGE) == (r.config != NULL));
		ctl_result_free(&r);
		assert_true(policy_config_equal(base, pristine));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_policy_fields),
		cmocka_unit_test(test_policies_numbers_notifications),
		cmocka_unit_test(test_routes_sites_users),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_show),
		cmocka_unit_test(test_daemon_commands),
		cmocka_unit_test(test_every_prefix),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
