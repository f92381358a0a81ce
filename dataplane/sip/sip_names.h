/*
 * sip_names.h - the header-name index of sip_names.c, shared with the
 * parser's line loop so that the common line start ("Name:" with a short
 * name) costs one 16-byte load: the same vector finds where the name stops
 * and, case-folded, is compared with the candidate name. Internal to
 * dataplane/sip/; not a contract.
 */
#ifndef E911_SIP_NAMES_H
#define E911_SIP_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "e911/sip.h"
#include "sip_scan.h"

#define SIP_HDR_NAME_MAX 24 /* longest full name we know, rounded up to whole words */
#define SIP_HDR_LEN_SLOTS 32 /* lengths the index covers: every name the line fast path sees */

/*
 * Ids by (first letter a-z, length): at most two names share a pair
 * ("Call-ID", "Contact"); lengths over SIP_HDR_NAME_MAX have none.
 */
extern uint8_t sip_hdr_by_letter_len[26][SIP_HDR_LEN_SLOTS][2];
/* Ids by compact form (RFC 3261 §7.3.3), a-z. */
extern uint8_t sip_hdr_by_compact[26];

/*
 * sip_hdr_lookup() for a name inside a buffer that ends at `end`: may read
 * up to 16 bytes from name (never past end) to compare a name in one or two
 * vector compares (SSE2) or a short one as one word (scalar build;
 * little-endian byte order assumed).
 */
enum sip_hdr_id sip_hdr_lookup_in(const char *name, uint32_t len, const char *end);

#if defined(E911_SIMD_SSE2)
/* Each name lower-cased, zero-padded: bytes 0-15, and the last 16 of a longer name. */
union sip_hdr_fold {
	char c[32];
	__m128i v[2];
};
extern union sip_hdr_fold sip_hdr_fold[SIP_HDR_COUNT];

/* 16 case-folded bytes equal a name's 16 (sip_hdr_fold) where `keep` says. */
static inline bool sip_fold16_eq(__m128i folded, __m128i want, unsigned keep)
{
	return ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(folded, want)) & keep) == keep;
}

/* The id of the name of n (1..SIP_HDR_LEN_SLOTS - 1) bytes at p, v its first 16 bytes; 16 readable from p + n - 16 when n > 16. */
static inline int sip_hdr_name_id(const char *p, unsigned n, __m128i v)
{
	unsigned letter = ((unsigned char)p[0] | 0x20u) - 'a';
	if (letter >= 26)
		return SIP_HDR_OTHER;
	if (n == 1)
		return sip_hdr_by_compact[letter];
	const __m128i fold = _mm_set1_epi8(0x20);
	__m128i folded = _mm_or_si128(v, fold);
	unsigned keep = ((1u << n) - 1) & 0xffffu; /* the first min(n, 16) bytes; n < 32 */
	const uint8_t *slot = sip_hdr_by_letter_len[letter][n];
	for (unsigned k = 0; k < 2 && slot[k]; k++)
		if (sip_fold16_eq(folded, sip_hdr_fold[slot[k]].v[0], keep) &&
		    (n <= 16 || sip_fold16_eq(_mm_or_si128(_mm_loadu_si128((const __m128i *)(const void *)(p + n - 16)), fold),
					      sip_hdr_fold[slot[k]].v[1], 0xffffu)))
			return slot[k];
	return SIP_HDR_OTHER;
}

/*
 * The header line at p when it has the common shape: a name of 1 to 31
 * bytes directly followed by ':' (no white space), with 32 bytes readable
 * (16 for a name under 16 bytes). Returns the name's id (SIP_HDR_OTHER for
 * a name we do not know; the caller checks that its bytes are a token) and
 * sets *len; or -1 for any other shape, which the general path reads.
 * OR-ing 0x20 folds exactly the letters among the bytes a name can hold, as
 * sip_hdr_lookup() does.
 */
static inline int sip_hdr_line_name(const char *p, const char *end, uint32_t *len)
{
	if (end - p < 16)
		return -1;
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	unsigned n, mask = sip_name_stop_mask16(v);
	if (mask != 0) {
		n = (unsigned)__builtin_ctz(mask);
	} else {
		/* Longer names (P-Asserted-Identity, Geolocation-Routing): the next 16 bytes. */
		if (end - p < 32)
			return -1;
		mask = sip_name_stop_mask16(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
		if (mask == 0)
			return -1;
		n = 16 + (unsigned)__builtin_ctz(mask);
	}
	if (n == 0 || p[n] != ':')
		return -1;
	*len = n;
	return sip_hdr_name_id(p, n, v);
}
#endif

#endif /* E911_SIP_NAMES_H */
