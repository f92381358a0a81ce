/*
 * sip_scan.h - the two loops that touch every byte of the header section:
 * the end of a line, and the end of a header name. SSE2 compares 16 bytes at
 * a time; the scalar twins are the reference (meson -Dsimd=scalar builds the
 * parser on them, and a differential fuzzer compares the two). None reads at
 * or past `end`: the vector loops stop 16 bytes short and the scalar tails
 * finish.
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

/*
 * First byte of [p, end) that cannot be inside a header name and may follow
 * one (':', SP, HT, CR, LF), or end. The caller checks the name's bytes when
 * it is not one it knows (a known name's compare checks them).
 */
static inline const char *sip_find_name_end_scalar(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p == ':' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			return p;
	return end;
}

#if defined(__SSE2__)
static inline const char *sip_find_name_end_sse2(const char *p, const char *end)
{
	const __m128i colon = _mm_set1_epi8(':'), sp = _mm_set1_epi8(' ');
	/* HT, LF and CR are 0x09, 0x0a, 0x0d: below 0x0e after a signed compare, with NUL.. too. */
	const __m128i ctl = _mm_set1_epi8(0x0e);
	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, sp));
		__m128i low = _mm_and_si128(_mm_cmplt_epi8(v, ctl), _mm_cmpgt_epi8(v, _mm_set1_epi8(0x08)));
		low = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x0b)),
						    _mm_cmpeq_epi8(v, _mm_set1_epi8(0x0c))),
				       low);
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(hit, low));
		if (mask)
			return p + __builtin_ctz(mask);
		p += 16;
	}
	return sip_find_name_end_scalar(p, end);
}
#endif

static inline const char *sip_find_name_end(const char *p, const char *end)
{
#if defined(E911_SIMD_SSE2)
	return sip_find_name_end_sse2(p, end);
#else
	return sip_find_name_end_scalar(p, end);
#endif
}

static inline const char *sip_find_lf(const char *p, const char *end)
{
#if defined(E911_SIMD_SSE2)
	return sip_find_lf_sse2(p, end);
#else
	return sip_find_lf_scalar(p, end);
#endif
}

#endif /* E911_SIP_SCAN_H */
