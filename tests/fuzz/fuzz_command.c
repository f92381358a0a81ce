/*
 * fuzz_command.c - control-socket command lines (control/command/) against a
 * fixed configuration: no crash, no leak, no UB; a change always returns a
 * configuration that the loader accepts, an error never returns one, and the
 * current configuration is never modified.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/command.h"

static const char config_xml[] =
	"<e911-config xmlns=\"urn:e911proxy:config:1\" version=\"fuzz\">"
	"<route name=\"us\"><gateway address=\"198.19.0.20\"/><gateway address=\"2001:db8::20\" port=\"5070\"/></route>"
	"<policy name=\"Global\"><emergency-number dial-string=\"911\" dial-masks=\"9911\" route=\"us\"/></policy>"
	"<policy name=\"Redmond\" conference-uri=\"sip:desk@198.19.2.1\" conference-mode=\"one-way\">"
	"<description>HQ</description><notification uri=\"sip:security@198.19.2.1\"/>"
	"<emergency-number dial-string=\"911\" dial-masks=\"9911\" route=\"us\"/></policy>"
	"<site name=\"Redmond\" policy=\"Redmond\"><subnet prefix=\"198.18.10.0/24\"/></site>"
	"<user uri=\"sip:alice@example.com\" policy=\"Redmond\"/>"
	"</e911-config>";

static struct e911_config *cfg, *pristine;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!cfg) {
		struct policy_errors errs;
		if (policy_config_load_buffer(config_xml, sizeof(config_xml) - 1, "fuzz", &cfg, &errs) != 0 ||
		    policy_config_load_buffer(config_xml, sizeof(config_xml) - 1, "fuzz", &pristine, &errs) != 0)
			abort();
		policy_errors_free(&errs);
	}
	if (size > 4096) /* a line this long only costs the fuzzer time */
		return 0;
	struct ctl_result r;
	enum ctl_kind k = ctl_command_run(cfg, (const char *)data, size, &r);
	if ((k == CTL_CHANGE) != (r.config != NULL) || (!r.text && k != CTL_DAEMON))
		abort();
	if (k == CTL_ERROR && strncmp(r.text, "error: ", 7) != 0)
		abort();
	if (k == CTL_CHANGE) { /* the result must survive a write and a load */
		char *xml;
		size_t len;
		struct e911_config *again;
		struct policy_errors errs;
		if (policy_config_write(r.config, &xml, &len) != 0)
			abort();
		if (policy_config_load_buffer(xml, len, "again", &again, &errs) != 0)
			abort();
		policy_errors_free(&errs);
		policy_config_free(again);
		free(xml);
	}
	ctl_result_free(&r);
	if (!policy_config_equal(cfg, pristine))
		abort();
	return 0;
}
