/*
 * net_cksum_blocks.h - the vector loops of net_cksum_add(), exposed so that
 * the unit test can run each on any CPU that has it (the dispatcher picks one
 * per host). Internal to dataplane/net/ and its tests; not a contract.
 */
#ifndef E911_NET_CKSUM_BLOCKS_H
#define E911_NET_CKSUM_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Blocks of 64 bytes one call may sum (256 KiB): the lanes cannot overflow. */
#define NET_CKSUM_BLOCKS_MAX 4096u

#ifdef E911_SIMD_SSE2
/*
 * The sum of the native-order 16-bit words of `blocks` (1..NET_CKSUM_BLOCKS_MAX)
 * blocks of 64 bytes at p, not folded. The AVX2 one only where
 * net_cksum_have_avx2().
 */
uint64_t net_cksum_blocks_sse2(const uint8_t *p, size_t blocks);
uint64_t net_cksum_blocks_avx2(const uint8_t *p, size_t blocks);
bool net_cksum_have_avx2(void);
#endif

#endif /* E911_NET_CKSUM_BLOCKS_H */
