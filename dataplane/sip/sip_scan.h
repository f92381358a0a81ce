/*
 * sip_scan.h - the two scans that touch every byte of the header section:
 * where the line feeds are, and where a header name stops; and the run of
 * host characters and the IPv4 shape test of a host. (The byte searches of the grammar functions are
 * sip_find.h's.)
 *
 * Line feeds are found 64 bytes at a time as a bit mask (bit i set when byte
 * i is LF), the way simdjson finds its structural characters: the header loop
 * then reaches each line end with a shift and a count of trailing zeros, and
 * touches each byte once with vector compares instead of once per line. A
 * header name's end is one 16-byte compare at the line's start (names are
 * short). SSE2 compares 16 bytes at a time; the scalar twins are the
 * reference (meson -Dsimd=scalar builds the parser on them, and the
 * differential fuzzer fuzz_sip_scan compares the two).
 *
 * No load leaves [lo, end): where fewer than 16 bytes remain before `end`,
 * the LF mask loads the 16 bytes that end at `end` (overlapping what it has
 * seen, never past the buffer) and shifts the mask into place; the name
 * stop finishes such a tail byte by byte.
 */
#ifndef E911_SIP_SCAN_H
#define E911_SIP_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Bit i of the result: p[i] == '\n', for p + i < end and i < 64. The reference. */
static inline uint64_t sip_lf_mask64_scalar(const char *p, const char *end)
{
	uint64_t mask = 0;
	uint32_t n = end - p < 64 ? (uint32_t)(end - p) : 64;
	for (uint32_t i = 0; i < n; i++)
		mask |= (uint64_t)(p[i] == '\n') << i;
	return mask;
}

/*
 * First byte of [p, end) that a header name cannot hold and that may follow
 * one ':', SP, HT, CR, LF; or end. The reference. (A name that holds other
 * bytes is refused by its token check.)
 */
static inline const char *sip_name_stop_scalar(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p == ':' || *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			return p;
	return end;
}

/*
 * [p, p + len), a run of host characters (alphanumerics, '-', '.'), has the
 * shape of an IPv4 address: four runs of one to three digits joined by dots.
 * The reference.
 */
static inline bool sip_ipv4_shape_scalar(const char *p, uint32_t len)
{
	unsigned dots = 0, run = 0;
	for (uint32_t i = 0; i < len; i++) {
		if ((unsigned)(p[i] - '0') < 10) {
			if (++run > 3)
				return false;
		} else if (p[i] == '.' && run > 0 && dots < 3) {
			dots++;
			run = 0;
		} else {
			return false;
		}
	}
	return dots == 3 && run > 0;
}

/* End of the run of host characters (alphanumerics, '-', '.') at p. The reference. */
static inline const char *sip_host_run_scalar(const char *p, const char *end)
{
	for (; p < end; p++) {
		unsigned c = (unsigned char)*p, lower = c | 0x20;
		if (!(lower - 'a' < 26 || c - '0' < 10 || c == '-' || c == '.'))
			break;
	}
	return p;
}

#if defined(__SSE2__)
#define SIP_HAVE_SCAN_SSE2 1

static inline unsigned sip_lf16(__m128i v)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\n')));
}

/* sip_lf_mask64_scalar(p, end); lo is the buffer's first byte (p >= lo). */
static inline uint64_t sip_lf_mask64_sse2(const char *lo, const char *p, const char *end)
{
	if (end - p >= 64) {
		uint64_t m0 = sip_lf16(_mm_loadu_si128((const __m128i *)(const void *)p));
		uint64_t m1 = sip_lf16(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
		uint64_t m2 = sip_lf16(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)));
		uint64_t m3 = sip_lf16(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)));
		return m0 | m1 << 16 | m2 << 32 | m3 << 48;
	}
	if (end - lo < 16)
		return sip_lf_mask64_scalar(p, end);
	uint64_t mask = 0;
	for (uint32_t i = 0; p + i < end; i += 16) {
		uint32_t left = (uint32_t)(end - (p + i));
		uint64_t m = left >= 16
				     ? sip_lf16(_mm_loadu_si128((const __m128i *)(const void *)(p + i)))
				     : sip_lf16(_mm_loadu_si128((const __m128i *)(const void *)(end - 16))) >>
					       (16 - left);
		mask |= m << i;
	}
	return mask;
}

/* Bit i: v's byte i is ':' or at most SP, where a header name may stop. */
static inline unsigned sip_name_stop_mask16(__m128i v)
{
	const __m128i sp = _mm_set1_epi8(' ');
	__m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, sp), v);
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
}

/*
 * sip_name_stop_scalar(p, end), 16 bytes a step. The vector test is the
 * cheaper "':' or at most SP", which holds every stop byte; a control byte
 * that is not one (only in a name that will be refused) goes on byte by byte.
 */
static inline const char *sip_name_stop_sse2(const char *p, const char *end)
{
	while (end - p >= 16) {
		unsigned mask = sip_name_stop_mask16(_mm_loadu_si128((const __m128i *)(const void *)p));
		if (mask) {
			const char *s = p + __builtin_ctz(mask);
			return sip_name_stop_scalar(s, end);
		}
		p += 16;
	}
	return sip_name_stop_scalar(p, end);
}
/* Bit i: v's byte i is a host character (alphanumeric, '-', '.'). */
static inline unsigned sip_host_mask16(__m128i v)
{
	__m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	__m128i letter = _mm_cmpeq_epi8(_mm_max_epu8(_mm_min_epu8(lower, _mm_set1_epi8('z')), _mm_set1_epi8('a')), lower);
	__m128i digit = _mm_cmpeq_epi8(_mm_max_epu8(_mm_min_epu8(v, _mm_set1_epi8('9')), _mm_set1_epi8('0')), v);
	__m128i punct = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(letter, digit), punct));
}

/* sip_host_run_scalar(p, end), 16 bytes a step. */
static inline const char *sip_host_run_sse2(const char *p, const char *end)
{
	for (; end - p >= 16; p += 16) {
		unsigned stop = ~sip_host_mask16(_mm_loadu_si128((const __m128i *)(const void *)p)) & 0xffffu;
		if (stop)
			return p + __builtin_ctz(stop);
	}
	return sip_host_run_scalar(p, end);
}

/*
 * sip_ipv4_shape_scalar(p, len) for len <= 15 with 16 bytes readable at p:
 * every byte a digit or a dot, and the three dots at least 2 and at most 4
 * apart, the first within 1..3 of the start and the last 2..4 before the end.
 */
static inline bool sip_ipv4_shape_sse2(const char *p, uint32_t len)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(_mm_max_epu8(v, _mm_set1_epi8('0')), _mm_set1_epi8('9')), v);
	unsigned keep = (1u << len) - 1;
	unsigned dots = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))) & keep;
	unsigned after_a = dots & (dots - 1), after_b = after_a & (after_a - 1);
	/* Exactly three dots (no popcount: it is a library call without -mpopcnt). */
	if ((((unsigned)_mm_movemask_epi8(digit) | dots) & keep) != keep || after_b == 0 ||
	    (after_b & (after_b - 1)) != 0)
		return false;
	unsigned a = (unsigned)__builtin_ctz(dots);
	unsigned b = (unsigned)__builtin_ctz(after_a);
	unsigned c = (unsigned)__builtin_ctz(after_b);
	return a - 1 < 3 && b - a - 2 < 3 && c - b - 2 < 3 && len - c - 2 < 3;
}
#endif

static inline uint64_t sip_lf_mask64(const char *lo, const char *p, const char *end)
{
#if defined(E911_SIMD_SSE2)
	return sip_lf_mask64_sse2(lo, p, end);
#else
	(void)lo;
	return sip_lf_mask64_scalar(p, end);
#endif
}

/* sip_ipv4_shape_scalar(p, len); `end` bounds what may be read. */
static inline bool sip_ipv4_shape(const char *p, uint32_t len, const char *end)
{
#if defined(E911_SIMD_SSE2)
	if (len <= 15 && end - p >= 16)
		return sip_ipv4_shape_sse2(p, len);
#else
	(void)end;
#endif
	return sip_ipv4_shape_scalar(p, len);
}

static inline const char *sip_host_run(const char *p, const char *end)
{
#if defined(E911_SIMD_SSE2)
	return sip_host_run_sse2(p, end);
#else
	return sip_host_run_scalar(p, end);
#endif
}

static inline const char *sip_name_stop(const char *p, const char *end)
{
#if defined(E911_SIMD_SSE2)
	return sip_name_stop_sse2(p, end);
#else
	return sip_name_stop_scalar(p, end);
#endif
}

/*
 * A cursor over the line feeds of [lo, end), one 64-byte block at a time.
 * Queries must not go backwards (the header loop's never do).
 */
struct sip_lf_cursor {
	const char *lo, *end;
	const char *base; /* the block's first byte */
	uint64_t lf;      /* its LF mask */
};

static inline void sip_lf_cursor_init(struct sip_lf_cursor *c, const char *lo, const char *end)
{
	c->lo = lo;
	c->end = end;
	c->base = lo;
	c->lf = sip_lf_mask64(lo, lo, end);
}

/* First '\n' in [q, end), or NULL; q at or after every earlier query. */
static inline const char *sip_lf_next(struct sip_lf_cursor *c, const char *q)
{
	for (;;) {
		uintptr_t off = (uintptr_t)(q - c->base);
		if (off < 64) {
			uint64_t m = c->lf >> off;
			if (m)
				return q + __builtin_ctzll(m);
			q = c->base + 64;
		}
		if (q >= c->end)
			return NULL;
		c->base = q;
		c->lf = sip_lf_mask64(c->lo, q, c->end);
	}
}

#endif /* E911_SIP_SCAN_H */
