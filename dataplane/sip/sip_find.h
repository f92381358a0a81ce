/*
 * sip_find.h - the byte searches of the on-demand helpers, which otherwise
 * walk a value one character at a time: the first of one byte (a URI's '@',
 * a Request-URI's SP), the first place two given bytes
 * stand side by side (a multipart delimiter line "\n--", a PIDF-LO's
 * ">Manual<"), the first of four bytes (what can end or nest a list element:
 * '"' '<' '>' ','; a quoted string's end), and the first byte that cannot
 * be inside a URI. SSE2
 * looks at 16 or 32 positions a step; the scalar twins are the reference
 * (meson -Dsimd=scalar builds on them, and fuzz_sip_scan compares the two).
 * None reads at or past `end`: the vector loops stop short of it, and what
 * is left is read by one more vector load that ends at `end` (overlapping
 * bytes already looked at, which are masked off) when the span is long
 * enough, else by the scalar twin. Internal to dataplane/sip/ (sip_find_pair
 * is exported through e911/sip.h for the proxy).
 */
#ifndef E911_SIP_FIND_H
#define E911_SIP_FIND_H

#include <stdint.h>
#include <string.h>

#include "sip_lex.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* First byte c in [p, end), or NULL: the reference. */
static inline const char *sip_find_byte_scalar(const char *p, const char *end, char c)
{
	for (; p < end; p++)
		if (*p == c)
			return p;
	return NULL;
}

/* First i in [p, end - 1) with p[i] == a and p[i + 1] == b, or NULL: the reference. */
static inline const char *sip_find_pair_scalar(const char *p, const char *end, char a, char b)
{
	for (; end - p >= 2; p++)
		if (p[0] == a && p[1] == b)
			return p;
	return NULL;
}

/* First byte of [p, end) equal to a, b, c or d, or NULL: the reference. */
static inline const char *sip_find_any4_scalar(const char *p, const char *end, char a, char b,
						char c, char d)
{
	for (; p < end; p++)
		if (*p == a || *p == b || *p == c || *p == d)
			return p;
	return NULL;
}

/*
 * First byte of [p, end) that is not a URI byte (RFC 3261 §25.1 as sip_lex.h's
 * SIP_CC_URI: visible ASCII but < > "), or end: the reference.
 */
static inline const char *sip_find_non_uri_scalar(const char *p, const char *end)
{
	for (; p < end; p++)
		if (!sip_is((unsigned char)*p, SIP_CC_URI))
			return p;
	return end;
}

#if defined(__SSE2__)
#define SIP_HAVE_FIND_SSE2 1

static inline __m128i sip_find_load(const char *p)
{
	return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/*
 * The short spans of header values, 16 bytes a step and inline, where
 * glibc's memchr is a call with a fixed cost several times that of the span;
 * spans over 64 bytes go to memchr, which is faster there. Unlike the
 * searches below, the tail is read byte by byte: the spans are short and the
 * byte is usually near (callgrind: 62 instructions more per emergency INVITE
 * with the overlapping load).
 */
static inline const char *sip_find_byte_sse2(const char *p, const char *end, char c)
{
	if (end - p > 64)
		return memchr(p, c, (size_t)(end - p));
	const __m128i k = _mm_set1_epi8(c);
	for (; end - p >= 16; p += 16) {
		uint32_t m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(sip_find_load(p), k));
		if (m)
			return p + __builtin_ctz(m);
	}
	return sip_find_byte_scalar(p, end, c);
}

/* Bit k: p[k] == a and p[k + 1] == b (reads p[0..16]). */
static inline uint32_t sip_pair_mask(const char *p, __m128i a, __m128i b)
{
	return (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(sip_find_load(p), a),
							 _mm_cmpeq_epi8(sip_find_load(p + 1), b)));
}

static inline const char *sip_find_pair_sse2(const char *p, const char *end, char a, char b)
{
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	const char *start = p;
	/* 32 positions a step read 33 bytes, 16 read 17. */
	for (; end - p >= 33; p += 32) {
		uint32_t m = sip_pair_mask(p, va, vb) | sip_pair_mask(p + 16, va, vb) << 16;
		if (m)
			return p + __builtin_ctz(m);
	}
	for (; end - p >= 17; p += 16) {
		uint32_t m = sip_pair_mask(p, va, vb);
		if (m)
			return p + __builtin_ctz(m);
	}
	if (end - start < 17)
		return sip_find_pair_scalar(p, end, a, b);
	/* The positions left, p .. end - 2, are the last of the 16 from end - 17. */
	const char *q = end - 17;
	uint32_t m = sip_pair_mask(q, va, vb) & (0xffffu << (p - q));
	return m ? q + __builtin_ctz(m) : NULL;
}

/* Bit k: p[k] is a, b, c or d. */
static inline uint32_t sip_any4_mask(const char *p, __m128i a, __m128i b, __m128i c, __m128i d)
{
	__m128i v = sip_find_load(p);
	return (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, a), _mm_cmpeq_epi8(v, b)),
							_mm_or_si128(_mm_cmpeq_epi8(v, c), _mm_cmpeq_epi8(v, d))));
}

static inline const char *sip_find_any4_sse2(const char *p, const char *end, char a, char b, char c,
					     char d)
{
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	const __m128i vc = _mm_set1_epi8(c), vd = _mm_set1_epi8(d);
	const char *start = p;
	for (; end - p >= 16; p += 16) {
		uint32_t m = sip_any4_mask(p, va, vb, vc, vd);
		if (m)
			return p + __builtin_ctz(m);
	}
	if (p == end || end - start < 16)
		return sip_find_any4_scalar(p, end, a, b, c, d);
	const char *q = end - 16;
	uint32_t m = sip_any4_mask(q, va, vb, vc, vd) & (0xffffu << (p - q));
	return m ? q + __builtin_ctz(m) : NULL;
}

/* Bit k: p[k] is not a URI byte. Signed compares: bytes from 0x80 up are
 * negative, so "> 0x20" leaves them out. */
static inline uint32_t sip_non_uri_mask(const char *p)
{
	__m128i v = sip_find_load(p);
	__m128i visible = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x20)),
					_mm_cmplt_epi8(v, _mm_set1_epi8(0x7f)));
	__m128i excluded = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('<')),
					_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')),
						     _mm_cmpeq_epi8(v, _mm_set1_epi8('"'))));
	return (uint32_t)_mm_movemask_epi8(_mm_andnot_si128(excluded, visible)) ^ 0xffffu;
}

static inline const char *sip_find_non_uri_sse2(const char *p, const char *end)
{
	const char *start = p;
	for (; end - p >= 16; p += 16) {
		uint32_t m = sip_non_uri_mask(p);
		if (m)
			return p + __builtin_ctz(m);
	}
	if (p == end || end - start < 16)
		return sip_find_non_uri_scalar(p, end);
	const char *q = end - 16;
	uint32_t m = sip_non_uri_mask(q) & (0xffffu << (p - q));
	return m ? q + __builtin_ctz(m) : end;
}
#endif

#if defined(E911_SIMD_SSE2)
#define SIP_FIND(name) sip_find_##name##_sse2
#else
#define SIP_FIND(name) sip_find_##name##_scalar
#endif

/* First byte c in [p, end), or NULL (memchr that accepts an empty range). */
static inline const char *sip_find_char(const char *p, const char *end, char c)
{
	return SIP_FIND(byte)(p, end, c);
}

static inline const char *sip_find_any4(const char *p, const char *end, char a, char b, char c, char d)
{
	return SIP_FIND(any4)(p, end, a, b, c, d);
}

static inline const char *sip_find_non_uri(const char *p, const char *end)
{
	return SIP_FIND(non_uri)(p, end);
}

/*
 * sip_skip_quoted() (sip_lex.c, the reference) jumping between the bytes
 * that matter, '"' and '\\': p at an opening '"'; the position after the
 * closing quote, or NULL when it is unterminated or a backslash escapes CR,
 * LF or nothing (RFC 3261 quoted-pair).
 */
static inline const char *sip_find_quoted_end(const char *p, const char *end)
{
	for (p++; (p = sip_find_any4(p, end, '"', '\\', '"', '\\')) != NULL; p += 2) {
		if (*p == '"')
			return p + 1;
		if (end - p < 2 || p[1] == '\r' || p[1] == '\n')
			return NULL;
	}
	return NULL;
}

/* The inline twin of the exported sip_find_pair(). */
static inline const char *sip_find_pair_inline(const char *p, const char *end, char a, char b)
{
	return SIP_FIND(pair)(p, end, a, b);
}

#endif /* E911_SIP_FIND_H */
