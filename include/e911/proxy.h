/*
 * proxy.h - stateless SIP proxying on byte buffers (RFC 3261 §16.11, RFC
 * 3581): the contract between the proxy logic (dataplane/proxy/) and the
 * worker loop that feeds it packets (and the tests, which feed it buffers).
 *
 * Nothing here needs DPDK's EAL, allocates, or calls the system; a worker
 * runs it per packet. One request or response goes through three steps:
 *
 *   1. proxy_prepare(): checks a parsed message (trust, Max-Forwards, loop,
 *      Proxy-Require, own Route) and decides what it is: a response to send
 *      back by its Via, an in-dialog request that follows its Route set, an
 *      out-of-dialog request to classify, a stateless reply, or a drop.
 *   2. For a request to classify, the worker runs snapshot_classify() on the
 *      query proxy_prepare() filled and hands the answer to proxy_route():
 *      an emergency call gets a gateway of its policy's route (a Call-ID
 *      hash among the healthy ones of the best priority) and its Request-URI
 *      rewritten to the translated dial string; anything else goes to the
 *      default next hop. Between 2 and 3 the worker may shed an ordinary new
 *      INVITE (proxy_plan.shed_eligible) with proxy_reply(503).
 *   3. proxy_emit() writes the outgoing message in one pass over the input
 *      (copy up to each edit, write the edit, go on); proxy_reply() writes a
 *      stateless response instead.
 *
 * Which headers are added to an emergency INVITE, and why, is in
 * docs/proxy.md.
 */
#ifndef E911_PROXY_H
#define E911_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include "e911/policy.h"
#include "e911/sip.h"
#include "e911/slice.h"
#include "e911/snapshot.h"

#define PROXY_MAX_SELF 4u            /* SIP addresses of this proxy */
#define PROXY_MAX_TRUSTED 64u        /* trusted peer subnets */
#define PROXY_HOST_TEXT_MAX 48u      /* "[ffff:...:ffff]" */
#define PROXY_DEFAULT_MAX_FORWARDS 70
#define PROXY_INSERT_MAX 1536u       /* bytes one message may grow by */

/* Where a datagram comes from or goes to. */
struct proxy_endpoint {
	uint8_t family;      /* enum e911_ip_family; 0 = none */
	uint8_t addr[16];    /* network order; IPv4 in the first 4 bytes */
	uint16_t port;       /* host order */
};

/* One SIP address of this proxy, with its text as it appears in Via and Record-Route. */
struct proxy_self {
	struct proxy_endpoint ep;
	char host[PROXY_HOST_TEXT_MAX]; /* "198.18.0.1" or "[2001:db8::1]" */
	uint8_t host_len;
};

enum proxy_untrusted_action {
	PROXY_UNTRUSTED_REJECT, /* stateless 403 (never for ACK or a response) */
	PROXY_UNTRUSTED_DROP,
};

/* What the proxy is told at start-up; read-only afterwards. */
struct proxy_conf {
	struct proxy_self self[PROXY_MAX_SELF];
	uint32_t self_count;                 /* >= 1 */
	struct proxy_endpoint default_hop;   /* ordinary traffic; family 0: none */
	struct e911_subnet trusted[PROXY_MAX_TRUSTED];
	uint32_t trusted_count;              /* 0: every peer is trusted */
	uint8_t untrusted_action;            /* enum proxy_untrusted_action */
	uint32_t retry_after;                /* seconds, in a shedding 503 */
};

/**
 * Fill in one SIP address: text is an IPv4 or IPv6 literal (IPv6 with or
 * without brackets), port 1..65535.
 * @return 0, or -EINVAL (not an IP literal, or no room left).
 */
int proxy_conf_add_self(struct proxy_conf *conf, const char *text, uint16_t port);

/** Parse "ADDR[:PORT]" / "[V6]:PORT" into an endpoint (port defaults to 5060). @return 0 or -EINVAL. */
int proxy_endpoint_parse(const char *text, struct proxy_endpoint *ep);

/** Parse an IP literal slice ("198.18.0.1", "[2001:db8::1]"). @return 0 or -EINVAL. */
int proxy_ip_parse(struct e911_slice text, uint8_t *family, uint8_t addr[16]);

/**
 * Everything a worker does with one message: X(name, text). FWD_* are
 * forwarded, REPLY_* answered statelessly, DROP_* dropped; each is a counter.
 */
#define PROXY_OUTCOME_LIST(X)                                                  \
	X(FWD_EMERGENCY, "emergency request to its E9-1-1 trunk")             \
	X(FWD_ORDINARY, "out-of-dialog request to the default next hop")     \
	X(FWD_IN_DIALOG, "in-dialog request along its Route set or target")  \
	X(FWD_RESPONSE, "response to the next Via")                          \
	X(REPLY_OPTIONS, "200 to an OPTIONS for this proxy")                 \
	X(REPLY_BAD_REQUEST, "400 to a malformed request")                   \
	X(REPLY_FORBIDDEN, "403 to an untrusted peer")                       \
	X(REPLY_BAD_EXTENSION, "420 to an unsupported Proxy-Require")        \
	X(REPLY_LOOP, "482 to a looping request")                             \
	X(REPLY_TOO_MANY_HOPS, "483 to a request with Max-Forwards 0")       \
	X(REPLY_SHED, "503 to an ordinary INVITE under overload")            \
	X(REPLY_NO_ROUTE, "503 to a request with nowhere to go")             \
	X(DROP_MALFORMED, "malformed message that cannot be answered")       \
	X(DROP_ACK, "ACK that would have needed an answer")                  \
	X(DROP_UNTRUSTED, "message from an untrusted peer")                  \
	X(DROP_RESPONSE_NOT_OURS, "response whose top Via is not this proxy") \
	X(DROP_RESPONSE_NO_VIA, "response with no Via left to send it to")   \
	X(DROP_UNROUTABLE, "next hop is a host name and no address given")   \
	X(DROP_TOO_BIG, "rewritten message larger than the output buffer")

enum proxy_outcome {
#define PROXY_OUTCOME_ENUM(name, text) PROXY_##name,
	PROXY_OUTCOME_LIST(PROXY_OUTCOME_ENUM)
#undef PROXY_OUTCOME_ENUM
	PROXY_OUTCOME_COUNT
};

const char *proxy_outcome_text(enum proxy_outcome o);
/** Symbolic name without the prefix ("FWD_EMERGENCY"), for counters. */
const char *proxy_outcome_name(enum proxy_outcome o);

static inline bool proxy_outcome_is_reply(enum proxy_outcome o)
{
	return o >= PROXY_REPLY_OPTIONS && o <= PROXY_REPLY_NO_ROUTE;
}

static inline bool proxy_outcome_is_drop(enum proxy_outcome o)
{
	return o >= PROXY_DROP_MALFORMED;
}

/* How the call's location came (E911-Location header, call records). */
#define PROXY_LOCATION_LIST(X)                                                \
	X(NONE, "none")                                                       \
	X(VALIDATED, "validated")                                             \
	X(USER_ENTERED, "user-entered")                                       \
	X(BY_REFERENCE, "by-reference")

enum proxy_location {
#define PROXY_LOCATION_ENUM(name, text) PROXY_LOCATION_##name,
	PROXY_LOCATION_LIST(PROXY_LOCATION_ENUM)
#undef PROXY_LOCATION_ENUM
	PROXY_LOCATION_COUNT
};

const char *proxy_location_text(enum proxy_location l);

/* One change to the input: delete `del` bytes at `off`, write `ins` there. */
struct proxy_edit {
	uint32_t off;
	uint32_t del;
	const char *ins;
	uint32_t ins_len;
};

#define PROXY_MAX_EDITS 16u

/*
 * The decision about one message, from proxy_prepare() and proxy_route()
 * to proxy_emit()/proxy_reply(). Owned by the worker and reused; the text
 * of the edits lives in it (no heap), so it is large-ish (~2 KB).
 */
struct proxy_plan {
	uint8_t outcome;         /* enum proxy_outcome */
	uint8_t needs_classify;  /* run snapshot_classify() on .query, then proxy_route() */
	uint8_t new_invite;      /* an INVITE without To tag: dialog-creating */
	uint8_t emergency;       /* classified as an emergency call */
	uint8_t shed_eligible;   /* an ordinary new INVITE: may be shed under overload */
	uint8_t location;        /* enum proxy_location (emergency INVITEs) */
	uint16_t reply_code;     /* REPLY_*: the status to send */
	const char *reply_reason;/* its reason phrase */
	int parse_status;        /* SIP_OK or the SIP_E_* a 400/drop came from */
	uint32_t gateway;        /* emergency: index of the gateway in its route */

	uint8_t ack_to_ruri;     /* an ACK that goes to its Request-URI unless it is emergency */
	uint8_t own_route;       /* the top Route was ours (popped, with the next when also
				    ours: double Record-Route): a record-routed dialog */
	struct proxy_endpoint src;      /* the sender (received/rport, stateless replies) */
	struct proxy_endpoint next_hop; /* FWD_* and REPLY_*: where the message goes */
	const struct proxy_self *via_self; /* FWD_*: our address on the next hop's side (Via, source) */
	const struct proxy_self *in_self;  /* our address the message arrived on: proxy_prepare()
					      sets our first of the sender's family; a caller that
					      knows the very one (several of a family) sets it
					      before proxy_route() */

	struct classify_query query;     /* needs_classify: what to classify */
	struct classify_result cls;      /* after proxy_route() */
	struct sip_uri ruri;             /* split Request-URI of a request */
	struct sip_name_addr from, to;   /* split From / To of a request */
	struct e911_slice identity;      /* caller identity URI (PAI, PPI, RPID, From) */
	struct e911_slice pidf;          /* the PIDF-LO, or empty */

	/* The edits, and the bytes they insert. */
	struct proxy_edit edit[PROXY_MAX_EDITS];
	uint32_t nedit;
	uint32_t text_used;
	char text[PROXY_INSERT_MAX];
};

/** Where the datagram came from, and the trust the caller found. */
struct proxy_packet {
	const char *buf;            /* the UDP payload */
	uint32_t len;
	struct proxy_endpoint src;  /* the sender */
};

/**
 * Step 1: check a message that sip_parse() returned `parse_status` for, and
 * plan what to do with it. `msg` may be partly filled when parse_status is
 * an error (a 400 needs only its Via, From, To, Call-ID and CSeq lines).
 * @return the outcome (also in plan->outcome); when plan->needs_classify,
 *         the outcome is provisional until proxy_route().
 */
enum proxy_outcome proxy_prepare(const struct proxy_conf *conf, const struct proxy_packet *pkt,
				 int parse_status, const struct sip_msg *msg,
				 struct proxy_plan *plan);

/**
 * The LocationPolicyTagID of the request's PIDF-LO into plan->query.policy_tag,
 * for a second classification when the first found no site or user policy
 * (scope GLOBAL): a tag matters only then, so the search is not paid per call.
 * @return true when a tag was found (classify again), false otherwise.
 */
bool proxy_policy_tag(struct proxy_plan *plan);

/**
 * Gateway health: bit g set = gateway g of a route is down. The control
 * process sets it; workers read it. A route with every gateway down still
 * gets its calls (best priority, by hash): an emergency call is never held
 * back because health checks failed.
 */
typedef uint32_t proxy_gateway_down_mask;

/**
 * The gateway of a route for a call: among the gateways that are up (all,
 * when none is), those of the best (lowest) priority; among them, by weight,
 * the one a hash of the Call-ID picks. Deterministic: retransmissions, the
 * CANCEL and the ACK of a call take the same gateway.
 * @return an index into route->gateways.
 */
uint32_t proxy_pick_gateway(const struct e911_route *route, proxy_gateway_down_mask down,
			    struct e911_slice call_id);

/**
 * Step 2, after snapshot_classify(plan->query): route the request. An
 * emergency call (cls->emergency) goes to a gateway of cls->route and gets
 * its Request-URI rewritten to sip:<dial string>@<gateway>;user=phone,
 * Priority: emergency, Resource-Priority where the policy says so, and
 * E911-Policy / E911-Location (any such headers the caller sent are
 * removed); a dialog-creating one gets Record-Route: our address on the
 * gateway's side, and below it our address the INVITE arrived on when the
 * two differ (RFC 5658 double Record-Route: e.g. an IPv4 caller and an
 * IPv6 trunk, each side reaches the proxy by an address of its own).
 * Anything else goes to the default next hop (or a stateless 503 when there
 * is none).
 * @param cfg   the snapshot's configuration (routes, policies)
 * @param down  per route of cfg: the health mask (NULL: all up)
 * @return the final outcome.
 */
enum proxy_outcome proxy_route(const struct proxy_conf *conf, const struct e911_config *cfg,
			       const proxy_gateway_down_mask *down, const struct sip_msg *msg,
			       const struct classify_result *cls, struct proxy_plan *plan);

/**
 * Step 3 for FWD_*: write the outgoing message into out[0..cap).
 * @return its length, or -ENOSPC (the plan's outcome becomes DROP_TOO_BIG).
 */
int proxy_emit(const struct sip_msg *msg, struct proxy_plan *plan, char *out, uint32_t cap);

/**
 * Step 3 for REPLY_* (or to shed: set plan->outcome = PROXY_REPLY_SHED
 * first): write the stateless response into out[0..cap) and set
 * plan->next_hop to where it goes (RFC 3261 §18.2.2, RFC 3581: the source
 * address, and the source port when rport asked for it or the Via cannot be
 * read, else the sent-by port).
 * @return its length; -EINVAL when the message cannot be answered (no Via);
 *         -ENOSPC when it does not fit.
 */
int proxy_reply(const struct proxy_conf *conf, const struct proxy_packet *pkt,
		const struct sip_msg *msg, struct proxy_plan *plan, char *out, uint32_t cap);

/** Only the destination proxy_reply() sets (a sender that needs it before writing). */
void proxy_reply_destination(const struct proxy_packet *pkt, const struct sip_msg *msg,
			     struct proxy_plan *plan);

/**
 * The branch this proxy puts in its Via for a request (RFC 3261 §16.11):
 * "z9hG4bKE9" + 16 hex digits of a hash of the previous hop's branch and
 * sent-by (RFC 3261 branches) or of the classic transaction tuple (RFC 2543
 * peers) + 8 hex digits of a hash of the Request-URI, Call-ID, From tag, To
 * tag and CSeq number (the loop check, §16.3 item 4). A retransmission, the
 * CANCEL of an INVITE and the ACK of its non-2xx response get the same.
 * @param out  PROXY_BRANCH_LEN bytes, no NUL written
 */
#define PROXY_BRANCH_LEN 33u
void proxy_branch(const struct sip_msg *msg, const struct proxy_plan *plan, char out[PROXY_BRANCH_LEN]);

#endif /* E911_PROXY_H */
