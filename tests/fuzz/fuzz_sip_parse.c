/*
 * fuzz_sip_parse - libFuzzer target for everything the parser reads from the
 * network: sip_parse() on the input as one datagram, then, on a message it
 * accepts, every on-demand helper over every header (URIs, dialled digits,
 * name-addr lists, parameters, Content-Type, multipart parts, PIDF-LO
 * location). The input is copied to an exact-size heap buffer so ASan sees
 * any read past its end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_uri(struct e911_slice text)
{
	struct sip_uri uri;
	char digits[SIP_MAX_DIGITS];

	if (sip_uri_parse(text, &uri) == 0) {
		int n = sip_uri_dialled_digits(&uri, digits, sizeof(digits));
		if (n > (int)sizeof(digits))
			abort();
		struct e911_slice v;
		(void)sip_param_find(uri.params, SLICE_LIT("user"), &v);
	}
}

static void exercise_list(struct e911_slice value)
{
	struct e911_slice elem;
	struct sip_name_addr na;
	uint32_t cursor = 0;

	for (unsigned n = 0; n < SIP_MAX_LIST && sip_list_next(value, &cursor, &elem) == 1; n++) {
		if (elem.p < value.p || elem.p + elem.len > value.p + value.len)
			abort();
		if (sip_name_addr_parse(elem, &na) == 0 && !na.star)
			exercise_uri(na.uri);
	}
}

static void exercise_body(const struct sip_msg *m)
{
	const struct sip_header *h = sip_hdr_first(m, SIP_HDR_CONTENT_TYPE);
	struct sip_content_type ct;
	struct sip_body_part part;
	struct e911_slice pidf;
	uint32_t cursor = 0;

	if (h && sip_content_type_parse(h->value, &ct) == 0 && ct.boundary.len)
		for (unsigned n = 0; n < SIP_MAX_LIST && sip_multipart_next(m->body, ct.boundary, &cursor, &part) == 1; n++)
			if (part.body.p < m->body.p || part.body.p + part.body.len > m->body.p + m->body.len)
				abort();
	if (sip_find_pidf(m, &pidf) == 0 &&
	    (pidf.p < m->body.p || pidf.p + pidf.len > m->body.p + m->body.len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg msg;
	char *buf = malloc(size ? size : 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	int rc = sip_parse(buf, (uint32_t)(size > UINT32_MAX ? UINT32_MAX : size), &msg);
	if (rc >= 0) {
		if ((uint32_t)rc != msg.msg_len || msg.msg_len > size || msg.nvia == 0)
			abort();
		if (msg.kind == SIP_REQUEST)
			exercise_uri(msg.ruri_text);
		for (unsigned i = 0; i < msg.nhdr; i++)
			if (msg.hdr[i].id != SIP_HDR_VIA && msg.hdr[i].id != SIP_HDR_CSEQ)
				exercise_list(msg.hdr[i].value);
		exercise_body(&msg);
	}
	free(buf);
	return 0;
}
