/*
 * fuzz_net_decap - libFuzzer target for frame classification: any bytes
 * give a kind, and every offset it returns for a frame it accepts lies
 * inside the frame; the VLAN filter of an untagged port and of VLAN 100
 * keeps a drop's reason and otherwise says DROP_VLAN or leaves the kind.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_view v;

	if (size > 65535)
		return 0;
	uint8_t *frame = malloc(size ? size : 1);
	if (frame == NULL)
		return 0;
	memcpy(frame, data, size);
	enum net_kind kind = net_decap(frame, (uint32_t)size, size & 1, &v);
	if (kind >= NET_KIND_COUNT || v.kind != kind)
		abort();
	if (kind == NET_KIND_UDP &&
	    ((uint32_t)v.payload_off + v.payload_len > size || v.l4_off + 8u != v.payload_off ||
	     (uint32_t)v.l3_off + v.l3_len > size))
		abort();
	enum net_kind filtered = net_vlan_filter(&v, size & 2 ? 100 : 0);
	if (filtered != v.kind ||
	    (filtered != kind && (kind >= NET_KIND_FIRST_DROP || filtered != NET_KIND_DROP_VLAN)))
		abort();
	free(frame);
	return 0;
}
