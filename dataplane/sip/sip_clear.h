/*
 * sip_clear.h - zeroing the parser's fixed-size records (the header index
 * of a message, a Via entry) with plain 16-byte stores. Written as `= { 0 }`
 * or memset, gcc clears them (and the fields beside them) with one rep stosq,
 * whose start-up alone costs about as much as parsing a header line; there
 * are two per message. Internal to dataplane/sip/; not a contract.
 */
#ifndef E911_SIP_CLEAR_H
#define E911_SIP_CLEAR_H

#include <stddef.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Zero n >= 16 bytes at p (n a compile-time constant: the stores unroll). */
static inline void sip_clear(void *p, size_t n)
{
#if defined(__SSE2__)
	char *c = p;
	__m128i zero = _mm_setzero_si128();
	for (size_t i = 0; i + 16 <= n; i += 16) {
		/* An opaque value: else gcc sees a memset loop and makes it the rep stosq again. */
		__asm__("" : "+x"(zero));
		_mm_storeu_si128((__m128i *)(void *)(c + i), zero);
	}
	if (n % 16) /* the tail: one store that overlaps the last */
		_mm_storeu_si128((__m128i *)(void *)(c + n - 16), zero);
#else
	memset(p, 0, n);
#endif
}

#endif /* E911_SIP_CLEAR_H */
