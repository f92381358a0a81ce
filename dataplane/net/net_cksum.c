/*
 * net_cksum.c - the Internet checksum's running sum (RFC 1071) over a
 * payload, 64 bytes a step (SSE2) or 8 (scalar), instead of DPDK 22.11's
 * __rte_raw_cksum, which adds one 16-bit word per step. The result is the
 * same 32-bit-foldable sum of native-order 16-bit words, odd byte included
 * the way DPDK includes it, so the two mix freely (see e911/net.h).
 */
#include <string.h>

#include "e911/net.h"

#ifdef E911_SIMD_SSE2
#include <emmintrin.h>
#endif

/* Fold a 64-bit one's-complement sum to 16 bits (end-around carry). */
static inline uint32_t fold64(uint64_t s)
{
	s = (s >> 32) + (s & 0xffffffffu);
	s = (s >> 32) + (s & 0xffffffffu);
	s = (s >> 16) + (s & 0xffffu);
	s = (s >> 16) + (s & 0xffffu);
	return (uint32_t)s;
}

uint32_t net_cksum_add(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
#ifdef E911_SIMD_SSE2
	if (len >= 64) {
		/* Each 16-bit word w biased to the signed w - 32768 (xor 0x8000),
		 * pairs summed into 32-bit lanes by pmaddwd: 4 instructions per
		 * 16 bytes. A lane grows by at most 65,536 a step, so 8,192 steps
		 * (512 KB) stay far inside int32; the bias is added back at the end. */
		const __m128i bias = _mm_set1_epi16((short)0x8000), ones = _mm_set1_epi16(1);
		__m128i a = _mm_setzero_si128(), b = a, c = a, d = a;
		size_t blocks = len / 64 < 8192 ? len / 64 : 8192;
		for (size_t i = 0; i < blocks; i++, p += 64) {
			__m128i w = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
			__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
			__m128i z = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
			a = _mm_add_epi32(a, _mm_madd_epi16(_mm_xor_si128(w, bias), ones));
			b = _mm_add_epi32(b, _mm_madd_epi16(_mm_xor_si128(x, bias), ones));
			c = _mm_add_epi32(c, _mm_madd_epi16(_mm_xor_si128(y, bias), ones));
			d = _mm_add_epi32(d, _mm_madd_epi16(_mm_xor_si128(z, bias), ones));
		}
		len -= blocks * 64;
		int32_t lanes[16];
		_mm_storeu_si128((__m128i *)(void *)lanes, a);
		_mm_storeu_si128((__m128i *)(void *)(lanes + 4), b);
		_mm_storeu_si128((__m128i *)(void *)(lanes + 8), c);
		_mm_storeu_si128((__m128i *)(void *)(lanes + 12), d);
		int64_t biased = 0;
		for (unsigned i = 0; i < 16; i++)
			biased += lanes[i];
		acc += (uint64_t)(biased + (int64_t)blocks * 32 * 32768); /* 32 words a block */
		if (len >= 64)
			return net_cksum_add(p, len, fold64(acc));
	}
#endif
	/* 8 bytes a step: the two 32-bit halves, each a sum of two 16-bit words. */
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		acc += (w & 0xffffffffu) + (w >> 32);
	}
	for (; len >= 2; len -= 2, p += 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
	}
	if (len) {
		uint16_t left = 0; /* as DPDK: the odd byte at the word's first address */
		memcpy(&left, p, 1);
		acc += left;
	}
	return fold64(acc);
}
