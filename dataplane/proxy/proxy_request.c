/*
 * proxy_request.c - the request path of step 1 (RFC 3261 §16.3, §16.4,
 * §16.6): validation (Request-URI, From, To, Max-Forwards, loop), our own
 * Route entries popped (RFC 5658: two after double Record-Route), and where
 * the request goes:
 *   - a Route left: to its first entry (loose routing; a strict router's
 *     entry without ;lr is routed the same way, as RFC 3261 §16.12 allows);
 *   - an in-dialog request whose Request-URI names another IP address: there;
 *   - an INVITE, ACK or CANCEL otherwise: classified (an emergency call goes
 *     to its trunk; the CANCEL and non-2xx ACK of an INVITE take its path);
 *   - an OPTIONS for this proxy itself: answered 200;
 *   - anything else: the default next hop.
 */
#include "proxy_internal.h"
#include "proxy_paths.h"

static const struct sip_header *next_of_id(const struct sip_msg *msg, const struct sip_header *h)
{
	for (h++; h < msg->hdr + msg->nhdr; h++)
		if (h->id == SIP_HDR_ROUTE)
			return h;
	return NULL;
}

/* Our branch is in a Via of ours with the same loop hash: the request came back unchanged. */
static bool is_loop(const struct proxy_conf *conf, const struct sip_msg *msg,
		    const struct proxy_plan *plan)
{
	bool hashed = false;
	char want[8];
	for (uint32_t i = 0; i < msg->nvia; i++) {
		const struct sip_via *v = &msg->via[i];
		if (v->branch.len != PROXY_BRANCH_LEN ||
		    memcmp(v->branch.p, PROXY_BRANCH_OURS, sizeof(PROXY_BRANCH_OURS) - 1) != 0 ||
		    !proxy_is_self(conf, v->host, v->port))
			continue;
		if (!hashed) {
			char branch[PROXY_BRANCH_LEN];
			proxy_branch(msg, plan, branch);
			memcpy(want, branch + PROXY_BRANCH_LEN - 8, 8);
			hashed = true;
		}
		if (memcmp(v->branch.p + PROXY_BRANCH_LEN - 8, want, 8) == 0)
			return true;
	}
	return false;
}

/*
 * Pop the top Route if it is ours, and every one of ours right below it (the
 * two entries of RFC 5658 double Record-Route, on one line or two), and find
 * the next one. Each popped line, or run of entries on a line, is one edit.
 * @return 1 with *next set, 0 when no Route is left, -1 on a malformed Route
 *         (or more of ours than the edit list holds).
 */
static int route_set(const struct proxy_conf *conf, const struct sip_msg *msg,
		     struct proxy_plan *plan, struct sip_uri *next)
{
	for (const struct sip_header *h = sip_hdr_first(msg, SIP_HDR_ROUTE); h; h = next_of_id(msg, h)) {
		uint32_t cursor = 0;
		const char *ours = NULL; /* the first of our entries on this line */
		struct e911_slice elem;
		struct sip_name_addr na;
		int more;
		while ((more = sip_list_next(h->value, &cursor, &elem)) == 1) {
			if (sip_name_addr_parse(elem, &na) != 0 || sip_uri_parse(na.uri, next) != 0)
				return -1;
			if (!(next->scheme == SIP_SCHEME_SIP || next->scheme == SIP_SCHEME_SIPS) ||
			    !proxy_is_self(conf, next->host, next->port)) {
				/* Not ours: the next hop. Ours before it on this line go. */
				if (ours && plan_edit(plan, msg, ours, (uint32_t)(elem.p - ours), NULL, 0) != 0)
					return -1;
				return 1;
			}
			plan->own_route = 1;
			if (!ours)
				ours = elem.p;
		}
		if (more < 0 || !ours)
			return -1;
		/* Ours alone on the line: the line goes. */
		struct e911_slice line = proxy_hdr_line(msg, (uint32_t)(h - msg->hdr));
		if (plan_edit(plan, msg, line.p, line.len, NULL, 0) != 0)
			return -1;
	}
	return 0;
}

/* The first URI of an identity header (P-Asserted-Identity may list sip: and tel:). */
static bool first_uri(const struct sip_msg *msg, enum sip_hdr_id id, struct e911_slice *uri)
{
	const struct sip_header *h = sip_hdr_first(msg, id);
	uint32_t cursor = 0;
	struct e911_slice elem;
	struct sip_name_addr na;
	if (!h || sip_list_next(h->value, &cursor, &elem) != 1 || sip_name_addr_parse(elem, &na) != 0)
		return false;
	*uri = na.uri;
	return true;
}

/* The callback number: P-Asserted-Identity, P-Preferred-Identity, Remote-Party-ID, From. */
static void find_identity(const struct sip_msg *msg, struct proxy_plan *plan)
{
	if (!first_uri(msg, SIP_HDR_P_ASSERTED_IDENTITY, &plan->identity) &&
	    !first_uri(msg, SIP_HDR_P_PREFERRED_IDENTITY, &plan->identity) &&
	    !first_uri(msg, SIP_HDR_REMOTE_PARTY_ID, &plan->identity))
		plan->identity = plan->from.uri;
}

static const char *find_bytes(struct e911_slice hay, const char *needle, size_t n)
{
	return hay.len ? sip_find_bytes(hay.p, hay.len, needle, n) : NULL;
}

/*
 * "method>Manual<" anywhere in the document. Searched by its ">M", which XML
 * text seldom holds (an element's text starting with M), so nearly every
 * candidate is the one; cheaper than sip_find_bytes, whose 'm' ... '<' pairs
 * are everywhere in a PIDF-LO.
 */
static bool says_manual(struct e911_slice pidf)
{
	static const char needle[] = "method>Manual<";
	const uint32_t before = 6; /* "method" ahead of the '>' */
	if (pidf.len < sizeof(needle) - 1)
		return false;
	/* '>' at i needs i >= 6 and the 8 bytes ">Manual<" inside: i + 8 <= len. */
	const char *end = pidf.p + pidf.len - (sizeof(needle) - 1 - before - 2);
	for (const char *gt = pidf.p + before; (gt = sip_find_pair(gt, end, '>', 'M')) != NULL; gt++)
		if (memcmp(gt - before, needle, sizeof(needle) - 1) == 0)
			return true;
	return false;
}

/*
 * What the PIDF-LO says, without parsing its XML (the control process does
 * that): a <method>Manual</method> (any prefix) means the user typed the
 * location in. Its LocationPolicyTagID is looked for only when no site or
 * user policy applies (proxy_policy_tag), which is rare.
 */
static void peek_pidf(const struct sip_msg *msg, struct proxy_plan *plan)
{
	if (sip_find_pidf(msg, &plan->pidf) != 0) {
		plan->pidf = (struct e911_slice){ NULL, 0 };
		plan->location = sip_hdr_first(msg, SIP_HDR_GEOLOCATION) ? PROXY_LOCATION_BY_REFERENCE
									  : PROXY_LOCATION_NONE;
		return;
	}
	plan->location = says_manual(plan->pidf) ? PROXY_LOCATION_USER_ENTERED : PROXY_LOCATION_VALIDATED;
}

bool proxy_policy_tag(struct proxy_plan *plan)
{
	const char *tag = find_bytes(plan->pidf, "LocationPolicyTagID", 19);
	if (!tag)
		return false;
	const char *end = slice_end(plan->pidf);
	const char *open = memchr(tag, '>', (size_t)(end - tag));
	const char *close = open ? memchr(open, '<', (size_t)(end - open)) : NULL;
	if (!close || close - open - 1 > (long)E911_NAME_MAX || close == open + 1)
		return false;
	plan->query.policy_tag = slice_make(open + 1, close);
	return true;
}

static bool is_sip_uri(const struct sip_uri *u)
{
	return u->scheme == SIP_SCHEME_SIP || u->scheme == SIP_SCHEME_SIPS;
}

static enum proxy_outcome bad_request(const struct sip_msg *msg, struct proxy_plan *plan, int status)
{
	plan->parse_status = status;
	return proxy_plan_reply(msg, plan, PROXY_REPLY_BAD_REQUEST, 400, sip_status_text(status));
}

enum proxy_outcome proxy_prepare_request(const struct proxy_conf *conf, const struct proxy_packet *pkt,
					 const struct sip_msg *msg, struct proxy_plan *plan)
{
	if (sip_parse_request_uri(msg, &plan->ruri) != 0)
		return bad_request(msg, plan, SIP_E_REQUEST_URI);
	if (sip_parse_from(msg, &plan->from) != 0)
		return bad_request(msg, plan, SIP_E_FROM);
	if (sip_parse_to(msg, &plan->to) != 0)
		return bad_request(msg, plan, SIP_E_TO);
	plan->new_invite = msg->method == SIP_METHOD_INVITE && plan->to.tag.len == 0;

	if (msg->max_forwards == 0)
		return proxy_plan_reply(msg, plan, PROXY_REPLY_TOO_MANY_HOPS, 483, "Too Many Hops");
	if (is_loop(conf, msg, plan))
		return proxy_plan_reply(msg, plan, PROXY_REPLY_LOOP, 482, "Loop Detected");

	struct sip_uri route;
	int routed = route_set(conf, msg, plan, &route);
	if (routed < 0)
		return bad_request(msg, plan, SIP_E_NAME_ADDR);
	if (routed)
		return proxy_to_uri_host(conf, msg, plan, &route);

	const struct sip_uri *ruri = &plan->ruri;
	uint8_t family;
	uint8_t addr[16];
	bool ruri_ip = is_sip_uri(ruri) && proxy_ip_parse(ruri->host, &family, addr) == 0;
	bool ruri_self = ruri_ip && proxy_addr_is_self(conf, family, addr, ruri->port);
	bool in_dialog = plan->to.tag.len != 0;

	if (msg->method == SIP_METHOD_INVITE ? !in_dialog || !ruri_ip || ruri_self
					     : msg->method == SIP_METHOD_ACK || msg->method == SIP_METHOD_CANCEL) {
		/*
		 * The 2xx ACK of a record-routed call came by Route; an ACK here
		 * is a non-2xx ACK that follows its INVITE, or an ordinary
		 * call's 2xx ACK that goes to its Request-URI if not emergency.
		 */
		plan->ack_to_ruri = msg->method == SIP_METHOD_ACK && in_dialog && ruri_ip && !ruri_self;
		find_identity(msg, plan);
		plan->query = (struct classify_query){
			.ruri = &plan->ruri,
			.family = pkt->src.family,
			.identity = plan->identity,
		};
		memcpy(plan->query.addr, pkt->src.addr, 16);
		if (msg->method == SIP_METHOD_INVITE)
			peek_pidf(msg, plan);
		plan->needs_classify = 1;
		return plan->outcome = PROXY_FWD_ORDINARY;
	}
	if (in_dialog && ruri_ip && !ruri_self)
		return proxy_to_uri_host(conf, msg, plan, ruri);
	if (msg->method == SIP_METHOD_OPTIONS && ruri_self && ruri->user.len == 0 && !in_dialog)
		return proxy_plan_reply(msg, plan, PROXY_REPLY_OPTIONS, 200, "OK");
	return proxy_to_default_hop(conf, msg, plan, in_dialog ? PROXY_FWD_IN_DIALOG : PROXY_FWD_ORDINARY);
}
