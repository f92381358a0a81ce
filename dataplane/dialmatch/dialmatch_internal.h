/*
 * dialmatch_internal.h - the layout of a compiled dial-match database,
 * shared by its builder and its scanner. Not a contract.
 */
#ifndef E911_DIALMATCH_INTERNAL_H
#define E911_DIALMATCH_INTERNAL_H

#include <hs/hs.h>
#include <stdbool.h>
#include <string.h>

#include "e911/dialmatch.h"

struct dialmatch_entry {
	char digits[DIALMATCH_MAX_DIGITS + 1];
	uint8_t len;
	uint32_t id; /* the Hyperscan id: index in the caller's array */
};

struct dialmatch {
	hs_database_t *hs;
	uint32_t n;
	uint32_t longest; /* length of the longest digit string */
	char (*by_id)[DIALMATCH_MAX_DIGITS + 1]; /* id -> string */
	struct dialmatch_entry *sorted;           /* for the exact fallback */
};

struct dialmatch_scratch {
	hs_scratch_t *hs;
};

/*
 * The exact answer, without Hyperscan: what dialmatch_scan() falls back on,
 * and what the differential tests compare Hyperscan against.
 */
uint32_t dialmatch_exact(const struct dialmatch *db, const char *text, uint32_t len);

#endif /* E911_DIALMATCH_INTERNAL_H */
