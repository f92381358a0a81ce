/*
 * proxy_internal.h - what the files of dataplane/proxy/ share: the plan's
 * text area and edit list, header-line spans, number and address
 * formatting, and "is this one of our addresses". Internal; not a contract.
 */
#ifndef E911_PROXY_INTERNAL_H
#define E911_PROXY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "e911/proxy.h"

/*
 * xxHash (XXH3, Debian's libxxhash-dev, header-only here): fast on the short
 * strings hashed per packet and safe on unaligned packet bytes, which DPDK's
 * jhash is not (it loads 32-bit words from any address).
 */
#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t proxy_hash(struct e911_slice s, uint64_t seed)
{
	return XXH3_64bits_withSeed(s.p, s.len, seed);
}

#define PROXY_SIP_PORT 5060u
#define PROXY_BRANCH_MAGIC "z9hG4bK"
#define PROXY_BRANCH_OURS "z9hG4bKE9" /* the prefix of every branch this proxy writes */

/* Room for n more bytes of edit text; NULL when the plan's text area is full. */
static inline char *plan_text(struct proxy_plan *plan, uint32_t n)
{
	if (n > sizeof(plan->text) - plan->text_used)
		return NULL;
	char *p = plan->text + plan->text_used;
	plan->text_used += n;
	return p;
}

/* Give back the unused tail of the last plan_text() reservation. */
static inline void plan_text_trim(struct proxy_plan *plan, uint32_t reserved, uint32_t used)
{
	plan->text_used -= reserved - used;
}

/** Record an edit. @return 0, or -1 when the edit list is full. */
int plan_edit(struct proxy_plan *plan, const struct sip_msg *msg, const char *at, uint32_t del,
	      const char *ins, uint32_t ins_len);

/* The bytes of header line i: from its name to the start of the next line. */
struct e911_slice proxy_hdr_line(const struct sip_msg *msg, uint32_t i);
/* Where the empty line that ends the header section starts. */
const char *proxy_headers_end(const struct sip_msg *msg);

/* Formatting into a caller buffer; each returns the bytes written. */
uint32_t proxy_fmt_u32(char *out, uint32_t v);
/* "198.18.0.1" or "[2001:db8::1]" (brackets: as a host in SIP). */
uint32_t proxy_fmt_host(char *out, const struct proxy_endpoint *ep);
/* Host and, unless it is 5060, ":port". */
uint32_t proxy_fmt_hostport(char *out, const struct proxy_endpoint *ep);
/* The same for one of our addresses, from its host text made at start-up. */
uint32_t proxy_fmt_self(char *out, const struct proxy_self *self);

/* A SIP host slice and port (0 = default 5060) name one of our addresses. */
bool proxy_is_self(const struct proxy_conf *conf, struct e911_slice host, uint16_t port);
/* The same for an address already parsed (proxy_ip_parse). */
bool proxy_addr_is_self(const struct proxy_conf *conf, uint8_t family, const uint8_t addr[16],
			uint16_t port);
/* Our address of this family (the first), or the first at all. */
const struct proxy_self *proxy_self_for(const struct proxy_conf *conf, uint8_t family);

/* Where a request with no Route left goes when classification says "ordinary". */
enum proxy_outcome proxy_to_default_hop(const struct proxy_conf *conf, const struct sip_msg *msg,
					struct proxy_plan *plan, enum proxy_outcome fwd);
/* To the host of a sip/sips URI when it is an IP literal, else the default next hop. */
enum proxy_outcome proxy_to_uri_host(const struct proxy_conf *conf, const struct sip_msg *msg,
				     struct proxy_plan *plan, const struct sip_uri *uri);
/* The edits every forwarded request gets: Max-Forwards, previous Via's received/rport, our Via. */
enum proxy_outcome proxy_finish_request(const struct proxy_conf *conf, const struct sip_msg *msg,
					struct proxy_plan *plan);
/* Mark a plan as a stateless reply (or a drop for ACK, which is never answered). */
enum proxy_outcome proxy_plan_reply(const struct sip_msg *msg, struct proxy_plan *plan,
				    enum proxy_outcome o, uint16_t code, const char *reason);

/* The 32-bit loop-check hash of a request (RFC 3261 §16.3 item 4). */
uint32_t proxy_loop_hash(const struct sip_msg *msg, const struct proxy_plan *plan);

#endif /* E911_PROXY_INTERNAL_H */
