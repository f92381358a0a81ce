/*
 * fuzz_sip_scan - differential fuzzer: the SSE2 scanners of the parser (end
 * of line, end of header name) must find exactly what their scalar twins
 * find, at every start offset.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
#if defined(SIP_HAVE_FIND_LF_SSE2)
	char *buf = malloc(size ? size : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	for (size_t start = 0; start <= size && start < 64; start++)
		if (sip_find_lf_sse2(buf + start, buf + size) != sip_find_lf_scalar(buf + start, buf + size) ||
		    sip_find_name_end_sse2(buf + start, buf + size) !=
			    sip_find_name_end_scalar(buf + start, buf + size))
			abort();
	free(buf);
#else
	(void)data;
	(void)size;
#endif
	return 0;
}
