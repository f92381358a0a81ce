/*
 * sip_scan.h - find the end of a line, the one loop that touches every byte
 * of the header section. SSE2 compares 16 bytes at a time; the scalar twin is
 * the reference (meson -Dsimd=scalar builds the parser on it, and a
 * differential fuzzer compares the two). Neither reads at or past `end`: the
 * vector loop stops 16 bytes short and the scalar tail finishes.
 */
#ifndef E911_SIP_SCAN_H
#define E911_SIP_SCAN_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* First '\n' in [p, end), or NULL: the reference. */
static inline const char *sip_find_lf_scalar(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p == '\n')
			return p;
	return NULL;
}

#if defined(__SSE2__)
#define SIP_HAVE_FIND_LF_SSE2 1
/* First '\n' in [p, end), or NULL: 16 bytes per step. */
static inline const char *sip_find_lf_sse2(const char *p, const char *end)
{
	const __m128i lf = _mm_set1_epi8('\n');
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf));
		if (mask)
			return p + __builtin_ctz(mask);
		p += 16;
	}
	return sip_find_lf_scalar(p, end);
}
#endif

static inline const char *sip_find_lf(const char *p, const char *end)
{
#if defined(E911_SIMD_SSE2)
	return sip_find_lf_sse2(p, end);
#else
	return sip_find_lf_scalar(p, end);
#endif
}

#endif /* E911_SIP_SCAN_H */
