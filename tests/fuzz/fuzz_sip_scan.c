/*
 * fuzz_sip_scan - differential fuzzer: the SSE2 scanners of the parser (the
 * 64-byte line-feed masks, the end of a header name, the run of host
 * characters) must find exactly what their scalar twins find, at every start
 * offset and for every end (and the IPv4 shape test and the short byte search
 * their twins' answers); sip_find_bytes what memmem finds, for a needle taken from the input itself (first byte: its length) and for the
 * needles the proxy uses; sip_via_parse() (a fast path for the common
 * shape, the general reading behind it) what the general reading alone
 * gives, for the input as a Via header value; and the on-demand helpers'
 * searches (sip_find.h: adjacent pair, first of four bytes, first non-URI
 * byte) what their scalar twins find, with the pair and the four bytes taken
 * from the input, and the end of a quoted string what sip_skip_quoted finds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/sip.h"
#include "sip_find.h"
#include "sip_lex.h"
#include "sip_scan.h"
#include "sip_via.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_find(const char *hay, size_t len, const char *needle, size_t n)
{
	if (sip_find_bytes(hay, len, needle, n) != (const char *)memmem(hay, len, needle, n))
		abort();
}

/* sip_via_parse() with the general reading of every entry. */
static int via_parse_general(struct e911_slice value, struct sip_via *out, uint32_t cap)
{
	const char *p = value.p, *end = slice_end(value);
	for (uint32_t n = 0;; p++) {
		p = sip_skip_lws(p, end);
		if (n == cap)
			return SIP_E_TOO_MANY_VIAS;
		if ((p = sip_via_entry_general(p, end, &out[n])) == NULL)
			return SIP_E_VIA;
		if (++n, p == end)
			return (int)n;
	}
}

static bool same_slice(struct e911_slice a, struct e911_slice b)
{
	return a.len == b.len && (a.len == 0 || a.p == b.p);
}

static void check_via(const char *buf, size_t size)
{
	static struct sip_via fast[8], general[8];
	struct e911_slice value = { buf, (uint32_t)size };
	int n = sip_via_parse(value, fast, 8);
	if (n != via_parse_general(value, general, 8))
		abort();
	for (int i = 0; i < n; i++) {
		const struct sip_via *a = &fast[i], *b = &general[i];
		if (!same_slice(a->value, b->value) || !same_slice(a->protocol, b->protocol) ||
		    !same_slice(a->transport, b->transport) || !same_slice(a->host, b->host) ||
		    !same_slice(a->params, b->params) || !same_slice(a->branch, b->branch) ||
		    !same_slice(a->received, b->received) || !same_slice(a->rport, b->rport) ||
		    !same_slice(a->maddr, b->maddr) || !same_slice(a->ttl, b->ttl) || a->port != b->port ||
		    a->has_rport != b->has_rport || a->host_kind != b->host_kind)
			abort();
	}
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
	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	check_via(buf, size);
#if defined(SIP_HAVE_SCAN_SSE2)
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
		if (sip_name_stop_sse2(p, end) != sip_name_stop_scalar(p, end) ||
		    sip_host_run_sse2(p, end) != sip_host_run_scalar(p, end))
			abort();
		for (uint32_t len = 0; len <= 15 && end - p >= 16; len++)
			if (sip_ipv4_shape_sse2(p, len) != sip_ipv4_shape_scalar(p, len))
				abort();
		/* Every block length, whole and partial, also in buffers under 16 bytes. */
		for (size_t k = 0; start < 16 && k <= 70 && start + k <= size; k++)
			if (sip_lf_mask64_sse2(buf, p, p + k) != sip_lf_mask64_scalar(p, p + k))
				abort();
	}
#endif
#if defined(SIP_HAVE_FIND_SSE2)
	char a = size > 0 ? buf[0] : '\n', b = size > 1 ? buf[1] : '-';
	char c3 = size > 2 ? buf[2] : '<', d = size > 3 ? buf[3] : ',';
	for (size_t start = 0; start <= size && start < 64; start++) {
		const char *p = buf + start, *stop = buf + size;
		if (sip_find_byte_sse2(p, stop, ':') != sip_find_byte_scalar(p, stop, ':') ||
		    sip_find_byte_sse2(p, stop, a) != sip_find_byte_scalar(p, stop, a) ||
		    sip_find_pair_sse2(p, stop, a, b) != sip_find_pair_scalar(p, stop, a, b) ||
		    sip_find_pair_sse2(p, stop, '\n', '-') != sip_find_pair_scalar(p, stop, '\n', '-') ||
		    sip_find_any4_sse2(p, stop, a, b, c3, d) != sip_find_any4_scalar(p, stop, a, b, c3, d) ||
		    sip_find_non_uri_sse2(p, stop) != sip_find_non_uri_scalar(p, stop))
			abort();
	}
#endif
	for (size_t start = 0; start < size && start < 64; start++)
		if (buf[start] == '"' &&
		    sip_find_quoted_end(buf + start, buf + size) != sip_skip_quoted(buf + start, buf + size))
			abort();
	free(buf);
	return 0;
}
