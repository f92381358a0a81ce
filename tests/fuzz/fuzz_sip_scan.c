/*
 * fuzz_sip_scan - differential fuzzer: the SSE2 scanners of the parser (the
 * 64-byte line-feed masks, the end of a header name) must find exactly what
 * their scalar twins find, at every start offset and for every end; sip_find_bytes what memmem finds, for a
 * needle taken from the input itself (first byte: its length) and for the
 * needles the proxy uses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/sip.h"
#include "sip_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_find(const char *hay, size_t len, const char *needle, size_t n)
{
	if (sip_find_bytes(hay, len, needle, n) != (const char *)memmem(hay, len, needle, n))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 1) {
		size_t n = data[0] % 24u < size - 1 ? data[0] % 24u : size - 1;
		char *copy = malloc(size);
		if (copy == NULL)
			return 0;
		memcpy(copy, data, size);
		const char *needle = copy + 1, *hay = copy + 1 + n;
		size_t len = size - 1 - n;
		check_find(hay, len, needle, n);
		check_find(copy, size, needle, n); /* the needle inside the haystack */
		check_find(copy, size, "method>Manual<", 14);
		check_find(copy, size, "LocationPolicyTagID", 19);
		free(copy);
	}
#if defined(SIP_HAVE_SCAN_SSE2)
	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	const char *end = buf + size;
	/* The cursor's walk from line feed to line feed is memchr's. */
	struct sip_lf_cursor c;
	sip_lf_cursor_init(&c, buf, end);
	for (const char *q = buf;; q++) {
		const char *want = q < end ? memchr(q, '\n', (size_t)(end - q)) : NULL;
		const char *got = sip_lf_next(&c, q);
		if (got != want)
			abort();
		if (got == NULL)
			break;
		q = got;
	}
	for (size_t start = 0; start <= size && start < 64; start++) {
		const char *p = buf + start;
		if (sip_name_stop_sse2(p, end) != sip_name_stop_scalar(p, end))
			abort();
		/* A shorter buffer too: the tail loads must stay inside it. */
		for (const char *e = end; e >= p && e + 72 > end; e--)
			if (sip_lf_mask64_sse2(buf, p, e) != sip_lf_mask64_scalar(p, e))
				abort();
	}
	free(buf);
#else
	(void)data;
	(void)size;
#endif
	return 0;
}
