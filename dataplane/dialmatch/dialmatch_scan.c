/*
 * dialmatch_scan.c - the worker side of dial matching: one Hyperscan block
 * scan of the dialled string with the worker's own scratch. If Hyperscan
 * fails, an exact comparison against the same strings answers instead, so an
 * emergency call is never missed because of a scan error.
 */
#include <stdlib.h>
#include <strings.h>

#include "dialmatch_internal.h"

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	(void)from;
	(void)to;
	(void)flags;
	*(uint32_t *)ctx = id;
	return 1; /* at most one pattern can match: stop */
}

static bool is_label_char(char c)
{
	char lower = (char)(c | 0x20);
	return (lower >= 'a' && lower <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* urn:service:sos, then any number of "." 1*(alnum / "-") (RFC 5031 §4.2), any case. */
static bool is_sos(const char *text, uint32_t len)
{
	static const char prefix[] = "urn:service:sos";
	uint32_t i = sizeof(prefix) - 1;

	if (len < i || strncasecmp(text, prefix, i) != 0)
		return false;
	while (i < len) {
		if (text[i++] != '.')
			return false;
		uint32_t label = i;
		while (i < len && is_label_char(text[i]))
			i++;
		if (i == label)
			return false;
	}
	return true;
}

/* The answer Hyperscan would give, by binary search over the sorted strings. */
uint32_t dialmatch_exact(const struct dialmatch *db, const char *text, uint32_t len)
{
	if (is_sos(text, len))
		return db->n;
	if (len == 0 || len > DIALMATCH_MAX_DIGITS)
		return DIALMATCH_NONE;
	uint32_t lo = 0, hi = db->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct dialmatch_entry *e = &db->sorted[mid];
		int c = e->len != len ? (e->len < len ? -1 : 1) : memcmp(e->digits, text, len);
		if (c == 0)
			return e->id;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return DIALMATCH_NONE;
}

uint32_t dialmatch_scan(const struct dialmatch *db, struct dialmatch_scratch *s, const char *text,
			uint32_t len, int *scan_failed)
{
	uint32_t id = DIALMATCH_NONE;

	/*
	 * Most calls are not emergency calls, and most of those dial more digits
	 * than any emergency string has: no scan can match them. A urn: text is
	 * always scanned.
	 */
	*scan_failed = 0;
	if (len > db->longest && (len == 0 || (text[0] | 0x20) != 'u'))
		return DIALMATCH_NONE;
	hs_error_t rc = hs_scan(db->hs, text, len, 0, s->hs, on_match, &id);

	*scan_failed = rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED;
	if (*scan_failed)
		return dialmatch_exact(db, text, len);
	return id;
}
