/*
 * proxy_emit.c - step 3 for a forwarded message: one pass over the input,
 * copying the bytes between edits and writing each edit's text. The body
 * (SDP, PIDF-LO) is copied as it came; bytes past Content-Length are not.
 */
#include <errno.h>

#include "proxy_internal.h"

int proxy_emit(const struct sip_msg *msg, struct proxy_plan *plan, char *out, uint32_t cap)
{
	uint32_t cur = 0, n = 0;
	for (uint32_t i = 0; i < plan->nedit; i++) {
		const struct proxy_edit *e = &plan->edit[i];
		if (e->off < cur) /* overlapping edits: a bug, never a corrupt packet */
			return -EINVAL;
		uint32_t keep = e->off - cur;
		if (n + keep + e->ins_len > cap)
			goto too_big;
		memcpy(out + n, msg->buf + cur, keep);
		n += keep;
		if (e->ins_len) {
			memcpy(out + n, e->ins, e->ins_len);
			n += e->ins_len;
		}
		cur = e->off + e->del;
	}
	if (cur > msg->msg_len)
		return -EINVAL;
	if (n + msg->msg_len - cur > cap)
		goto too_big;
	memcpy(out + n, msg->buf + cur, msg->msg_len - cur);
	return (int)(n + msg->msg_len - cur);
too_big:
	plan->outcome = PROXY_DROP_TOO_BIG;
	return -ENOSPC;
}
