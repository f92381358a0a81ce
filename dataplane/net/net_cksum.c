/*
 * net_cksum.c - the Internet checksum's running sum (RFC 1071) over a
 * payload, 64 bytes a step (SSE2, or AVX2 where the CPU has it) or 8
 * (scalar), instead of DPDK 22.11's __rte_raw_cksum, which adds one 16-bit
 * word per step. The result is the same 32-bit-foldable sum of native-order
 * 16-bit words, odd byte included the way DPDK includes it, so the two mix
 * freely (see e911/net.h). A datagram is summed twice per message (the
 * receive check and the transmit checksum) when the NIC offloads neither,
 * which makes this the widest loop of the dataplane.
 */
#include <string.h>

#include "e911/net.h"
#include "net_cksum_blocks.h"

#ifdef E911_SIMD_SSE2
#include <immintrin.h>
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

#ifdef E911_SIMD_SSE2
/*
 * Each 16-bit word w is biased to the signed w - 32768 (xor 0x8000), and
 * pmaddwd sums the pairs into 32-bit lanes: 4 instructions per 16 bytes. A
 * lane grows by at most 65,536 a block and the four accumulators are added
 * before the lanes are read, so NET_CKSUM_BLOCKS_MAX blocks (256 KiB) stay
 * inside int32; the bias is added back at the end.
 */
static uint64_t unbias(int64_t biased, size_t blocks)
{
	return (uint64_t)(biased + (int64_t)blocks * 32 * 32768); /* 32 words a block */
}

static int64_t lanes_sum(__m128i s)
{
	int32_t lane[4];
	_mm_storeu_si128((__m128i *)(void *)lane, s);
	return (int64_t)lane[0] + lane[1] + lane[2] + lane[3];
}

uint64_t net_cksum_blocks_sse2(const uint8_t *p, size_t blocks)
{
	const __m128i bias = _mm_set1_epi16((short)0x8000), ones = _mm_set1_epi16(1);
	__m128i a = _mm_setzero_si128(), b = a, c = a, d = a;
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
	return unbias(lanes_sum(_mm_add_epi32(_mm_add_epi32(a, b), _mm_add_epi32(c, d))), blocks);
}

/*
 * The same with 32-byte vectors, about 13 instructions per 64 bytes; both
 * halves go into one accumulator (at most 131,072 a lane a block, still
 * inside int32 for NET_CKSUM_BLOCKS_MAX). The loads are vlddqu, which GCC's
 * generic tuning does not split into two 16-byte halves as it does vmovdqu
 * (and which is as fast on every AVX2 CPU).
 */
__attribute__((target("avx2"))) uint64_t net_cksum_blocks_avx2(const uint8_t *p, size_t blocks)
{
	const __m256i bias = _mm256_set1_epi16((short)0x8000), ones = _mm256_set1_epi16(1);
	__m256i s = _mm256_setzero_si256();
	for (const uint8_t *end = p + blocks * 64; p < end; p += 64) {
		__m256i x = _mm256_lddqu_si256((const __m256i *)(const void *)p);
		__m256i y = _mm256_lddqu_si256((const __m256i *)(const void *)(p + 32));
		s = _mm256_add_epi32(s, _mm256_add_epi32(_mm256_madd_epi16(_mm256_xor_si256(x, bias), ones),
							 _mm256_madd_epi16(_mm256_xor_si256(y, bias), ones)));
	}
	__m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
	return unbias(lanes_sum(s4), blocks);
}

bool net_cksum_have_avx2(void)
{
	/* libgcc reads CPUID (and that the OS saves YMM state) once, at start-up. */
	return __builtin_cpu_supports("avx2");
}
#endif

uint32_t net_cksum_add(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
#ifdef E911_SIMD_SSE2
	if (len >= 64) {
		bool avx2 = net_cksum_have_avx2();
		do {
			size_t blocks = len / 64 < NET_CKSUM_BLOCKS_MAX ? len / 64 : NET_CKSUM_BLOCKS_MAX;
			acc += avx2 ? net_cksum_blocks_avx2(p, blocks) : net_cksum_blocks_sse2(p, blocks);
			p += blocks * 64;
			len -= blocks * 64;
		} while (len >= 64);
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
