/*
 * fuzz_policy_uri - libFuzzer target for the identity normaliser, which a
 * worker runs on the caller's identity from the network: it never writes
 * past its buffer, and its output is a fixed point (normalising it again
 * gives it unchanged) no longer than its input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1024)
		return 0;
	char *in = malloc(size ? size : 1);
	char *out = malloc(size + 1), *out2 = malloc(size + 1);
	if (in == NULL || out == NULL || out2 == NULL)
		abort();
	memcpy(in, data, size);
	int n = policy_uri_normalise(in, (uint32_t)size, out, (uint32_t)size + 1);
	if (n >= 0) {
		if ((size_t)n > size || out[n] != '\0')
			abort();
		int n2 = policy_uri_normalise(out, (uint32_t)n, out2, (uint32_t)size + 1);
		if (n2 != n || memcmp(out, out2, (size_t)n) != 0)
			abort();
	}
	free(in);
	free(out);
	free(out2);
	return 0;
}
