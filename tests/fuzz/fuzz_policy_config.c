/*
 * fuzz_policy_config - libFuzzer target for the configuration loader, which
 * reads operator files and documents pushed over the control channel: any
 * bytes must give a configuration or an error list, never a crash or a
 * leak; a configuration that loads must write out and load back equal.
 */
#include <stdint.h>
#include <stdlib.h>

#include "e911/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct e911_config *cfg = NULL, *again = NULL;
	struct policy_errors errs;

	if (policy_config_load_buffer((const char *)data, size, "fuzz.xml", &cfg, &errs) == 0) {
		char *doc;
		size_t len;
		struct policy_errors errs2;
		if (policy_config_write(cfg, &doc, &len) == 0) {
			if (policy_config_load_buffer(doc, len, "again.xml", &again, &errs2) != 0 ||
			    !policy_config_equal(cfg, again))
				abort();
			policy_errors_free(&errs2);
			policy_config_free(again);
			free(doc);
		}
		policy_config_free(cfg);
	}
	policy_errors_free(&errs);
	return 0;
}
