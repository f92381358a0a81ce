/*
 * proxy_branch.c - the branch of our Via (RFC 3261 §16.11) and the loop
 * check hash (§16.3 item 4).
 *
 * A stateless proxy keeps nothing, so the branch must be a function of the
 * request: the previous hop's branch and sent-by (which a retransmission, the
 * CANCEL of an INVITE and the ACK of its non-2xx response all repeat), or,
 * for an RFC 2543 peer without the magic cookie, the classic tuple (top Via,
 * Call-ID, CSeq number, From tag, To tag, Request-URI). The loop hash covers
 * what a looping request keeps and a spiral changes: Request-URI, Call-ID,
 * From tag, To tag and CSeq number (not the method: CANCEL matches INVITE).
 */
#include "proxy_internal.h"

static uint64_t hash_u32(uint32_t v, uint64_t seed)
{
	return XXH3_64bits_withSeed(&v, sizeof(v), seed);
}

uint32_t proxy_loop_hash(const struct sip_msg *msg, const struct proxy_plan *plan)
{
	uint64_t h = proxy_hash(msg->ruri_text, 0x0e911e91u);
	h = proxy_hash(msg->call_id, h);
	h = proxy_hash(plan->from.tag, h);
	h = proxy_hash(plan->to.tag, h);
	return (uint32_t)hash_u32(msg->cseq, h);
}

/*
 * The 8 lower-case hex digits of v, most significant first, at out (SWAR):
 * each nibble spread into a byte of its own, '0' added, and 'a' - '0' - 10
 * more to the bytes above 9. Straight-line, no table, one store.
 */
static void put_hex8(char *out, uint32_t v)
{
	uint64_t x = v;
	x = (x | x << 16) & 0x0000ffff0000ffffull;
	x = (x | x << 8) & 0x00ff00ff00ff00ffull;
	x = (x | x << 4) & 0x0f0f0f0f0f0f0f0full; /* byte k: nibble k, the least significant first */
	uint64_t above9 = ((x + 0x0606060606060606ull) >> 4) & 0x0101010101010101ull;
	x += 0x3030303030303030ull + above9 * ('a' - '0' - 10);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	x = __builtin_bswap64(x); /* the most significant digit at the lowest address */
#endif
	memcpy(out, &x, 8);
}

void proxy_branch(const struct sip_msg *msg, const struct proxy_plan *plan, char out[PROXY_BRANCH_LEN])
{
	const struct sip_via *top = &msg->via[0];
	struct e911_slice magic = SLICE_LIT(PROXY_BRANCH_MAGIC);
	uint64_t h;
	if (top->branch.len > magic.len && memcmp(top->branch.p, magic.p, magic.len) == 0) {
		h = proxy_hash(top->branch, 1);
		h = hash_u32(top->port, proxy_hash(top->host, h));
	} else {
		h = proxy_hash(top->value, 3);
		h = proxy_hash(msg->call_id, h);
		h = hash_u32(msg->cseq, h);
		h = proxy_hash(plan->from.tag, h);
		h = proxy_hash(plan->to.tag, h);
		h = proxy_hash(msg->ruri_text, h);
	}
	memcpy(out, PROXY_BRANCH_OURS, sizeof(PROXY_BRANCH_OURS) - 1);
	put_hex8(out + 9, (uint32_t)(h >> 32));
	put_hex8(out + 17, (uint32_t)h);
	put_hex8(out + 25, proxy_loop_hash(msg, plan));
}
