/*
 * fuzz_sip_scan - differential fuzzer: the SSE2 scanners of the parser (end
 * of line, end of header name) must find exactly what their scalar twins
 * find, at every start offset; sip_find_bytes what memmem finds, for a
 * needle taken from the input itself (first byte: its length) and for the
 * needles the proxy uses; and the same for the on-demand helpers' searches
 * (sip_find.h: adjacent pair, first of four bytes, first non-URI byte, end
 * of a quoted string against sip_lex.c's), with the pair and the four bytes
 * taken from the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/sip.h"
#include "sip_find.h"
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
#if defined(SIP_HAVE_FIND_LF_SSE2) && defined(SIP_HAVE_FIND_SSE2)
	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	char a = size > 0 ? buf[0] : '\n', b = size > 1 ? buf[1] : '-';
	char c = size > 2 ? buf[2] : '<', d = size > 3 ? buf[3] : ',';
	for (size_t start = 0; start <= size && start < 64; start++) {
		const char *p = buf + start, *end = buf + size;
		if (sip_find_lf_sse2(p, end) != sip_find_lf_scalar(p, end) ||
		    sip_find_name_end_sse2(p, end) != sip_find_name_end_scalar(p, end) ||
		    sip_find_pair_sse2(p, end, a, b) != sip_find_pair_scalar(p, end, a, b) ||
		    sip_find_pair_sse2(p, end, '\n', '-') != sip_find_pair_scalar(p, end, '\n', '-') ||
		    sip_find_any4_sse2(p, end, a, b, c, d) != sip_find_any4_scalar(p, end, a, b, c, d) ||
		    sip_find_non_uri_sse2(p, end) != sip_find_non_uri_scalar(p, end) ||
		    (p < end && *p == '"' && sip_find_quoted_end(p, end) != sip_skip_quoted(p, end)))
			abort();
	}
	free(buf);
#else
	(void)data;
	(void)size;
#endif
	return 0;
}
