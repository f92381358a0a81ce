/*
 * dialmatch.h - emergency dial-string matching with Hyperscan: the contract
 * between the snapshot builder (which compiles, off the fast path) and the
 * workers (which scan, one scratch each).
 *
 * A database holds N distinct dialled strings (emergency dial strings and dial
 * masks: 1-10 digits, each compiled once whatever number of policies use it)
 * as anchored literals, with ids 0..N-1, plus the pattern of urn:service:sos
 * and its sub-services (RFC 5031), id DIALMATCH_SOS(db). A worker scans the
 * dialled digits of a Request-URI (sip_uri_dialled_digits) or the text of a
 * urn: Request-URI; at most one pattern can match.
 *
 * Emergency detection must not depend on Hyperscan working: when a scan
 * fails, dialmatch_scan() answers from an exact comparison against the same
 * strings (binary search) and says so, so the caller can count it.
 */
#ifndef E911_DIALMATCH_H
#define E911_DIALMATCH_H

#include <stddef.h>
#include <stdint.h>

#define DIALMATCH_MAX_DIGITS 10u /* a dial string or mask: 1..10 digits */
#define DIALMATCH_NONE UINT32_MAX

struct dialmatch;         /* compiled database + the strings it holds; immutable */
struct dialmatch_scratch; /* one per worker */

/**
 * Compile a database of `n` distinct digit strings (each 1..10 decimal
 * digits) plus the urn:service:sos pattern. Slow (Hyperscan compile): call it
 * off the fast path.
 * @param err  receives a message on failure (may be NULL)
 * @return the database, or NULL: a string that is not 1..10 digits or that
 *         repeats (err names it), out of memory, or a Hyperscan compile error.
 */
struct dialmatch *dialmatch_build(const char *const *digits, uint32_t n, char *err, size_t errlen);

void dialmatch_free(struct dialmatch *db);

/** Number of digit strings (also the id of the urn:service:sos pattern). */
uint32_t dialmatch_count(const struct dialmatch *db);
#define DIALMATCH_SOS(db) dialmatch_count(db)

/** The digit string of id (< dialmatch_count), NUL-terminated. */
const char *dialmatch_string(const struct dialmatch *db, uint32_t id);

/**
 * A scratch for one worker, sized for db. Off the fast path.
 * @return the scratch, or NULL (out of memory / Hyperscan error).
 */
struct dialmatch_scratch *dialmatch_scratch_new(const struct dialmatch *db);
void dialmatch_scratch_free(struct dialmatch_scratch *s);

/**
 * Match a dialled string: digits from sip_uri_dialled_digits(), or the whole
 * text of a urn: URI. No allocation, no system call.
 * @param scan_failed  set to 1 when Hyperscan failed and the exact fallback
 *                     answered (count it); else 0
 * @return the id of the matching pattern, or DIALMATCH_NONE.
 */
uint32_t dialmatch_scan(const struct dialmatch *db, struct dialmatch_scratch *s, const char *text,
			uint32_t len, int *scan_failed);

#endif /* E911_DIALMATCH_H */
