/*
 * fuzz_dialmatch - differential fuzzer for emergency dial matching: for any
 * dialled text, the Hyperscan scan must give the answer of the exact
 * fallback (dialmatch_exact), which is what a worker uses if a scan fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialmatch_internal.h"
#include "e911/dialmatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const numbers[] = { "911", "9911", "933", "999", "112", "08", "0118999881" };
	static struct dialmatch *db;
	static struct dialmatch_scratch *scratch;

	if (db == NULL) {
		db = dialmatch_build(numbers, sizeof(numbers) / sizeof(numbers[0]), NULL, 0);
		scratch = db ? dialmatch_scratch_new(db) : NULL;
		if (scratch == NULL)
			abort();
	}
	if (size > 256)
		return 0;
	char *text = malloc(size ? size : 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	int failed;
	uint32_t id = dialmatch_scan(db, scratch, text, (uint32_t)size, &failed);
	if (failed || id != dialmatch_exact(db, text, (uint32_t)size))
		abort();
	free(text);
	return 0;
}
