/*
 * sip_lex.c - the character-class table and the lexing steps shared by the
 * grammar functions of the parser (see sip_lex.h). The table is computed at
 * compile time from the RFC 3261 §25.1 classes, so it costs nothing at start.
 */
#include "sip_lex.h"
#include "sip_scan.h"

#include "e911/sip.h"

#if defined(E911_SIMD_SSE2)
#include <emmintrin.h>
#endif

#define IS_ALNUM(c) (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define IS_ONE_OF2(c, a, b) ((c) == (a) || (c) == (b))
#define IS_TOKEN(c)                                                                      \
	(IS_ALNUM(c) || IS_ONE_OF2(c, '-', '.') || IS_ONE_OF2(c, '!', '%') ||            \
	 IS_ONE_OF2(c, '*', '_') || IS_ONE_OF2(c, '+', '`') || IS_ONE_OF2(c, '\'', '~'))
#define IS_WORD_EXTRA(c)                                                                 \
	(IS_ONE_OF2(c, '(', ')') || IS_ONE_OF2(c, '<', '>') || IS_ONE_OF2(c, ':', '\\') || \
	 IS_ONE_OF2(c, '"', '/') || IS_ONE_OF2(c, '[', ']') || IS_ONE_OF2(c, '?', '{') ||  \
	 (c) == '}')
#define IS_URI(c) ((c) > 0x20 && (c) < 0x7f && (c) != '<' && (c) != '>' && (c) != '"')

#define CC(c)                                                                        \
	(uint8_t)((IS_TOKEN(c) ? SIP_CC_TOKEN : 0) |                                 \
		  ((IS_TOKEN(c) || IS_WORD_EXTRA(c)) ? SIP_CC_WORD : 0) |            \
		  (IS_ONE_OF2(c, ' ', '\t') ? SIP_CC_WSP : 0) |                      \
		  (((c) >= '0' && (c) <= '9') ? SIP_CC_DIGIT : 0) |                  \
		  ((IS_ALNUM(c) || IS_ONE_OF2(c, '-', '.')) ? SIP_CC_HOST : 0) |     \
		  (IS_URI(c) ? SIP_CC_URI : 0) |                                     \
		  ((IS_TOKEN(c) || IS_ONE_OF2(c, ':', '[') || (c) == ']') ? SIP_CC_PVALUE : 0) | \
		  ((IS_TOKEN(c) || IS_WORD_EXTRA(c) || (c) == '@') ? SIP_CC_CALLID : 0))
#define CC4(b) CC((b) + 0), CC((b) + 1), CC((b) + 2), CC((b) + 3)
#define CC16(b) CC4((b) + 0), CC4((b) + 4), CC4((b) + 8), CC4((b) + 12)
#define CC64(b) CC16((b) + 0), CC16((b) + 16), CC16((b) + 32), CC16((b) + 48)

const uint8_t sip_cc[256] = { CC64(0), CC64(64), CC64(128), CC64(192) };

const char *sip_skip_quoted(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			if (end - p < 2 || p[1] == '\r' || p[1] == '\n')
				return NULL;
			p++;
		}
	}
	return NULL;
}

const char *sip_parse_params(const char *p, const char *end, sip_param_cb seen, void *ctx)
{
	p = sip_skip_lws(p, end);
	while (p < end && *p == ';') {
		const char *name = sip_skip_lws(p + 1, end);
		p = sip_skip_class(name, end, SIP_CC_TOKEN);
		if (p == name)
			return NULL; /* ";;" or ";=x" */
		struct e911_slice n = slice_make(name, p), v = { p, 0 };
		p = sip_skip_lws(p, end);
		if (p < end && *p == '=') {
			const char *val = sip_skip_lws(p + 1, end);
			if (val < end && *val == '"')
				p = sip_skip_quoted(val, end);
			else
				p = sip_skip_class(val, end, SIP_CC_PVALUE);
			if (p == NULL || p == val)
				return NULL;
			v = slice_make(val, p);
			p = sip_skip_lws(p, end);
		}
		if (seen)
			seen(ctx, n, v);
	}
	return p;
}

const char *sip_scan_host(const char *p, const char *end, uint8_t *kind)
{
	if (p < end && *p == '[') {
		const char *q = p + 1;
		while (q < end && (*q == ':' || *q == '.' || (*q >= '0' && *q <= '9') ||
				   ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'f')))
			q++;
		if (q == end || *q != ']' || q - p < 3)
			return NULL;
		*kind = SIP_HOST_IPV6;
		return q + 1;
	}
	/*
	 * hostname or IPv4: the run of host characters, then IPv4 by shape
	 * (sip_ipv4_shape: four runs of one to three digits joined by dots); a
	 * hostname cannot look like that (its top label starts with a letter,
	 * RFC 3261 §25.1). Octet values are checked where the address is
	 * converted, not here.
	 */
	const char *q = sip_host_run(p, end);
	if (q == p)
		return NULL;
	*kind = q - p >= 7 && q - p <= 15 && sip_ipv4_shape(p, (uint32_t)(q - p), end) ? SIP_HOST_IPV4
										 : SIP_HOST_NAME;
	return q;
}

/*
 * memmem, 32 candidate positions a step: the positions where both the
 * needle's first and last bytes match (compares of 16 bytes), then a full
 * compare at each, lowest first. The first occurrence, as memmem; the last
 * 16 + n - 1 bytes at most and every short case go to memmem itself.
 */
#if defined(E911_SIMD_SSE2)
/* The candidates of one step (bit k: position at + k), checked in full, lowest first. */
static __attribute__((noinline)) const char *find_check(const char *at, uint32_t mask, const char *needle, size_t n)
{
	for (; mask; mask &= mask - 1) {
		const char *p = at + __builtin_ctz(mask);
		if (memcmp(p + 1, needle + 1, n - 2) == 0)
			return p;
	}
	return NULL;
}
#endif

const char *sip_find_bytes(const char *hay, size_t len, const char *needle, size_t n)
{
	if (n == 0)
		return hay;
	if (len < n)
		return NULL;
	size_t i = 0;
#if defined(E911_SIMD_SSE2)
	if (n >= 2) {
		const __m128i first = _mm_set1_epi8(needle[0]), last = _mm_set1_epi8(needle[n - 1]);
		const char *tail = hay + n - 1;
		/* 32 positions a step: one test for both halves. */
		for (; i + n + 31 <= len; i += 32) {
			__m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)(hay + i));
			__m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(hay + i + 16));
			__m128i b0 = _mm_loadu_si128((const __m128i *)(const void *)(tail + i));
			__m128i b1 = _mm_loadu_si128((const __m128i *)(const void *)(tail + i + 16));
			__m128i m0 = _mm_and_si128(_mm_cmpeq_epi8(a0, first), _mm_cmpeq_epi8(b0, last));
			__m128i m1 = _mm_and_si128(_mm_cmpeq_epi8(a1, first), _mm_cmpeq_epi8(b1, last));
			uint32_t mask = (uint32_t)_mm_movemask_epi8(m0) | (uint32_t)_mm_movemask_epi8(m1) << 16;
			if (__builtin_expect(mask != 0, 0)) {
				const char *hit = find_check(hay + i, mask, needle, n);
				if (hit)
					return hit;
			}
		}
		for (; i + n + 15 <= len; i += 16) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)(hay + i));
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(tail + i));
			uint32_t mask = (uint32_t)_mm_movemask_epi8(
				_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last)));
			if (mask) {
				const char *hit = find_check(hay + i, mask, needle, n);
				if (hit)
					return hit;
			}
		}
	}
#endif
	return memmem(hay + i, len - i, needle, n);
}
