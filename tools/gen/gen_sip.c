/*
 * gen_sip.c - the text of each SIP message (RFC 3261): emergency INVITEs
 * (multipart/mixed SDP + PIDF-LO, RFC 6442 Geolocation), ordinary INVITEs,
 * the trunk's responses as they come back through the proxy (the proxy's
 * own Via on top), and in-dialog ACK, BYE and CANCEL. Every message stands
 * alone (a stateless proxy needs no call state): each has its own Call-ID.
 * The body is written first so that Content-Length is its exact size.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "gen.h"

/* What each unique ID is for (gen_id's purpose). */
enum { ID_CALL, ID_BRANCH, ID_FROM_TAG, ID_TO_TAG, ID_PROXY_BRANCH, ID_LOCATION, ID_BOUNDARY,
       ID_SDP };

#define DOMAIN "example.com"
#define TRUNK_DOMAIN "sip.example.com"

static const char *const first_names[] = { "Alice", "Bob", "Carol", "Dana", "Erin", "Frank",
	"Grace", "Heidi", "Ivan", "Judy", "Karl", "Laura", "Mallory", "Niaj", "Olivia", "Peggy" };
static const char *const last_names[] = { "Jones", "Smith", "White", "Lee", "Garcia", "Miller",
	"Davis", "Lopez", "Wilson", "Moore", "Clark", "Young", "Hall", "Allen", "King", "Wright" };
static const char *const user_agents[] = { "ExamplePhone/4.2.1", "ExamplePhone/5.0.3 (EP-500)",
	"ExampleSoftphone/7.0" };
/* Callback numbers by site: the area codes of the buildings in gen_pidf.c. */
static const char *const area_codes[] = { "312", "425", "512" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The addresses and names that one message uses. */
struct who {
	char user[40];    /* sip:user@example.com */
	char display[40]; /* "First Last" */
	char number[16];  /* +1NNN555NNNN, the callback number */
	char host[48];    /* the caller's address in a URI or Via (IPv6 bracketed) */
	char ip[48];      /* the same without brackets (received=, SDP) */
	char proxy[56];   /* the proxy's host[:port] in a URI */
	char proxy_via[56]; /* the proxy's sent-by: host:port */
	char gw[56];      /* the trunk gateway's host:port */
	char gw_ip[48];
	const char *ip_ver; /* "IP4" / "IP6" for SDP */
};

static void addr_text(int family, const uint8_t *a, bool bracket, char *out, size_t cap)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, s, sizeof(s));
	snprintf(out, cap, family == 6 && bracket ? "[%s]" : "%s", s);
}

static void who_fill(const struct gen_config *cfg, const struct gen_msg *m, struct who *w)
{
	uint32_t c = m->caller;
	const char *first = first_names[c % COUNT(first_names)];
	const char *last = last_names[c / COUNT(first_names) % COUNT(last_names)];
	unsigned round = c / (unsigned)(COUNT(first_names) * COUNT(last_names));
	char proxy[48], gw[48];

	/* user names: alice.jones, then alice.jones2, ... once every pair is taken */
	snprintf(w->user, sizeof(w->user), "%c%s.%c%s", first[0] | 0x20, first + 1,
		 last[0] | 0x20, last + 1);
	if (round)
		snprintf(w->user + strlen(w->user), sizeof(w->user) - strlen(w->user), "%u",
			 round + 1);
	snprintf(w->display, sizeof(w->display), "%s %s", first, last);
	snprintf(w->number, sizeof(w->number), "+1%s555%04u", area_codes[m->site % COUNT(area_codes)],
		 c % 10000);
	addr_text(m->family, m->caller_ip, true, w->host, sizeof(w->host));
	addr_text(m->family, m->caller_ip, false, w->ip, sizeof(w->ip));
	addr_text(m->family, m->family == 6 ? cfg->proxy6 : cfg->proxy4, true, proxy, sizeof(proxy));
	addr_text(m->family, m->family == 6 ? cfg->gateway6 : cfg->gateway4, true, gw, sizeof(gw));
	addr_text(m->family, m->family == 6 ? cfg->gateway6 : cfg->gateway4, false, w->gw_ip,
		  sizeof(w->gw_ip));
	/* 5060 is SIP's default port: a Route/Record-Route URI leaves it out */
	if (cfg->proxy_port == 5060)
		snprintf(w->proxy, sizeof(w->proxy), "%s", proxy);
	else
		snprintf(w->proxy, sizeof(w->proxy), "%s:%u", proxy, cfg->proxy_port);
	snprintf(w->proxy_via, sizeof(w->proxy_via), "%s:%u", proxy, cfg->proxy_port);
	snprintf(w->gw, sizeof(w->gw), "%s:%u", gw, cfg->gateway_port);
	w->ip_ver = m->family == 6 ? "IP6" : "IP4";
}

/* An SDP offer or answer (RFC 4566); every line ends CRLF. */
enum sdp_style { SDP_BARE, SDP_PLAIN, SDP_RICH };

static void put_sdp(struct gen_buf *b, const char *user, const char *ip, const char *ip_ver,
		    uint64_t id, enum sdp_style style)
{
	uint64_t sess = id % 9000000000u + 1000000000u;
	unsigned port = 16384 + (unsigned)(id >> 40) % 16384 * 2;

	gen_putf(b, "v=0\r\no=%s %" PRIu64 " 1 IN %s %s\r\ns=-\r\nc=IN %s %s\r\nt=0 0\r\n", user,
		 sess, ip_ver, ip, ip_ver, ip);
	if (style == SDP_BARE) { /* G.711 only: a terse phone or an analogue adapter */
		gen_putf(b, "m=audio %u RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", port);
		return;
	}
	if (style == SDP_RICH)
		gen_putf(b, "m=audio %u RTP/AVP 9 0 8 18 101\r\na=rtpmap:9 G722/8000\r\n"
			    "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:18 G729/8000\r\n"
			    "a=fmtp:18 annexb=no\r\n", port);
	else
		gen_putf(b, "m=audio %u RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
			    "a=rtpmap:8 PCMA/8000\r\n", port);
	gen_put(b, "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n");
	if (style == SDP_RICH)
		gen_put(b, "a=ptime:20\r\na=sendrecv\r\n");
}

static const char *target_uri(enum gen_target t)
{
	switch (t) {
	case GEN_T_911:
		return "sip:911@" TRUNK_DOMAIN ";user=phone";
	case GEN_T_9911:
		return "sip:9911@" TRUNK_DOMAIN ";user=phone";
	case GEN_T_933:
		return "sip:933@" TRUNK_DOMAIN ";user=phone";
	case GEN_T_TEL:
		/* A local number needs its phone-context (RFC 3966 §5.1.5). */
		return "tel:911;phone-context=+1";
	case GEN_T_SOS:
	default:
		return "urn:service:sos";
	}
}

/* An ID as text: 16 hex digits, or 8 for a terse phone (both unique per message). */
static void id_text(const struct gen *g, unsigned purpose, bool terse, char out[20])
{
	if (terse)
		snprintf(out, 20, "%08" PRIx32, gen_id32(g, purpose));
	else
		snprintf(out, 20, "%016" PRIx64, gen_id(g, purpose));
}

static enum gen_target pick_target(struct gen *g)
{
	unsigned n = (unsigned)__builtin_popcount(g->cfg.targets);
	unsigned k = gen_below(g, n);
	for (unsigned t = 0; t < GEN_TARGET_COUNT; t++)
		if ((g->cfg.targets >> t & 1) && k-- == 0)
			return (enum gen_target)t;
	return GEN_T_911;
}

/* The callee of a dialog that responses and in-dialog requests belong to:
 * half are emergency calls to 911, half ordinary calls. */
static void dialog_target(struct gen *g, char *out, size_t cap, char *user, size_t ucap)
{
	if (gen_below(g, 2) == 0) {
		snprintf(out, cap, "%s", target_uri(GEN_T_911));
		snprintf(user, ucap, "911");
	} else {
		snprintf(user, ucap, "+1425555%04u", 100 + gen_below(g, 100));
		snprintf(out, cap, "sip:%s@" TRUNK_DOMAIN ";user=phone", user);
	}
}

/* Header section + body into m->text; Content-Length is the body's size. */
static int finish(struct gen_msg *m, struct gen_buf *h, const char *ctype, const struct gen_buf *body)
{
	if (ctype)
		gen_putf(h, "Content-Type: %s\r\n", ctype);
	gen_putf(h, "Content-Length: %u\r\n\r\n", body ? body->len : 0);
	if (body)
		gen_putn(h, body->p, body->len);
	if (h->full || (body && body->full))
		return -1;
	m->len = h->len;
	return 0;
}

static int write_invite(struct gen *g, struct gen_msg *m, const struct who *w, bool emergency)
{
	char body_text[GEN_MSG_MAX - 1024], ruri[80], boundary[40], cid[48];
	char branch[20], tag[20], call[20], loc[20], bnd[20];
	struct gen_buf h, body;
	bool big = false, terse = false;
	uint32_t cseq = 1 + gen_below(g, 65535);

	gen_buf_init(&h, m->text, sizeof(m->text));
	gen_buf_init(&body, body_text, sizeof(body_text));
	if (emergency) {
		m->target = (uint8_t)pick_target(g);
		snprintf(ruri, sizeof(ruri), "%s", target_uri((enum gen_target)m->target));
		big = gen_below(g, 100) < g->cfg.big_percent;
		/* A quarter of the others come from terse phones: short IDs, only the
		 * headers RFC 3261 and RFC 6442 need, G.711 only, one-line PIDF-LO. */
		terse = !big && gen_below(g, 4) == 0;
		static const uint8_t shapes[] = { GEN_PIDF_CIVIC, GEN_PIDF_CIVIC, GEN_PIDF_POINT,
						  GEN_PIDF_CIRCLE };
		m->pidf = big ? GEN_PIDF_BIG : shapes[gen_below(g, 4)];
		m->compact = terse;
	} else {
		snprintf(ruri, sizeof(ruri), "sip:+1425555%04u@" TRUNK_DOMAIN ";user=phone",
			 100 + gen_below(g, 100));
	}
	enum sdp_style sdp = terse ? SDP_BARE : gen_below(g, 3) == 0 ? SDP_RICH : SDP_PLAIN;
	const char *ua = user_agents[gen_below(g, COUNT(user_agents))];
	id_text(g, ID_BRANCH, terse, branch);
	id_text(g, ID_FROM_TAG, terse, tag);
	id_text(g, ID_CALL, terse, call);
	id_text(g, ID_LOCATION, terse, loc);
	id_text(g, ID_BOUNDARY, terse, bnd);

	gen_putf(&h, "INVITE %s SIP/2.0\r\n", ruri);
	gen_putf(&h, "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport\r\n", w->host,
		 g->cfg.caller_port, branch);
	gen_put(&h, "Max-Forwards: 70\r\n");
	if (terse)
		gen_putf(&h, "From: <sip:%s@" DOMAIN ">;tag=%s\r\n", w->user, tag);
	else
		gen_putf(&h, "From: \"%s\" <sip:%s@" DOMAIN ">;tag=%s\r\n", w->display, w->user,
			 tag);
	gen_putf(&h, "To: <%s>\r\n", ruri);
	gen_putf(&h, "Call-ID: %s@%s\r\n", call, w->host);
	gen_putf(&h, "CSeq: %u INVITE\r\n", cseq);
	gen_putf(&h, "Contact: <sip:%s@%s:%u>\r\n", w->user, w->host, g->cfg.caller_port);
	if (!terse && gen_below(g, 2))
		gen_putf(&h, "P-Asserted-Identity: \"%s\" <tel:%s>\r\n", w->display, w->number);
	else
		gen_putf(&h, "P-Asserted-Identity: <tel:%s>\r\n", w->number);
	if (emergency) {
		snprintf(cid, sizeof(cid), "loc-%s@" DOMAIN, loc);
		gen_putf(&h, "Geolocation: <cid:%s>\r\n", cid);
		if (!terse)
			gen_put(&h, "Geolocation-Routing: yes\r\n");
		gen_put(&h, "Priority: emergency\r\n");
	}
	if (!terse)
		gen_putf(&h, "Supported: 100rel, replaces, timer\r\n"
			     "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE, UPDATE\r\n"
			     "User-Agent: %s\r\n", ua);

	if (!emergency) {
		put_sdp(&body, w->user, w->ip, w->ip_ver, gen_id(g, ID_SDP), sdp);
		return finish(m, &h, "application/sdp", &body);
	}
	/* RFC 2046: the CRLF before each delimiter belongs to the delimiter. */
	snprintf(boundary, sizeof(boundary), "e911-%s", bnd);
	gen_putf(&body, "--%s\r\nContent-Type: application/sdp\r\n\r\n", boundary);
	put_sdp(&body, w->user, w->ip, w->ip_ver, gen_id(g, ID_SDP), sdp);
	gen_putf(&body, "\r\n--%s\r\nContent-Type: application/pidf+xml\r\nContent-ID: <%s>\r\n\r\n",
		 boundary, cid);
	struct gen_pidf_args pa = {
		.shape = (enum gen_pidf)m->pidf,
		.manual = gen_below(g, 100) < g->cfg.manual_percent,
		.compact = terse,
		.site = m->site,
		.caller = m->caller,
		.user = w->user,
		.id = gen_id(g, ID_LOCATION),
		.jitter = (uint32_t)gen_rand(g),
	};
	gen_pidf_write(&body, &pa);
	gen_putf(&body, "\r\n--%s--\r\n", boundary);
	char ctype[80];
	snprintf(ctype, sizeof(ctype), "multipart/mixed;boundary=%s", boundary);
	return finish(m, &h, ctype, &body);
}

/* A response of the trunk to an INVITE the proxy forwarded: the proxy's Via
 * on top, the caller's under it with received/rport filled in (RFC 3581). */
static int write_response(struct gen *g, struct gen_msg *m, const struct who *w)
{
	static const struct { uint8_t sub; uint16_t code; const char *reason; } codes[] = {
		{ GEN_SUB_100, 100, "Trying" }, { GEN_SUB_180, 180, "Ringing" },
		{ GEN_SUB_200, 200, "OK" } };
	char ruri[80], callee[24], body_text[1024];
	struct gen_buf h, body;
	unsigned i = gen_below(g, COUNT(codes));

	m->sub = codes[i].sub;
	dialog_target(g, ruri, sizeof(ruri), callee, sizeof(callee));
	gen_buf_init(&h, m->text, sizeof(m->text));
	gen_buf_init(&body, body_text, sizeof(body_text));
	gen_putf(&h, "SIP/2.0 %u %s\r\n", codes[i].code, codes[i].reason);
	gen_putf(&h, "Via: SIP/2.0/UDP %s;branch=z9hG4bK-e911p-%016" PRIx64 "\r\n", w->proxy_via,
		 gen_id(g, ID_PROXY_BRANCH));
	gen_putf(&h, "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%016" PRIx64 ";rport=%u;received=%s\r\n",
		 w->host, g->cfg.caller_port, gen_id(g, ID_BRANCH), g->cfg.caller_port, w->ip);
	if (m->sub != GEN_SUB_100)
		gen_putf(&h, "Record-Route: <sip:%s;lr>\r\n", w->proxy);
	gen_putf(&h, "From: \"%s\" <sip:%s@" DOMAIN ">;tag=%016" PRIx64 "\r\n", w->display, w->user,
		 gen_id(g, ID_FROM_TAG));
	if (m->sub == GEN_SUB_100) /* no dialog yet: no To tag */
		gen_putf(&h, "To: <%s>\r\n", ruri);
	else
		gen_putf(&h, "To: <%s>;tag=%016" PRIx64 "\r\n", ruri, gen_id(g, ID_TO_TAG));
	gen_putf(&h, "Call-ID: %016" PRIx64 "@%s\r\n", gen_id(g, ID_CALL), w->host);
	gen_putf(&h, "CSeq: %u INVITE\r\n", 1 + gen_below(g, 65535));
	if (m->sub != GEN_SUB_100)
		gen_putf(&h, "Contact: <sip:%s@%s>\r\n"
			     "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE\r\n", callee, w->gw);
	gen_put(&h, "Server: ExampleE911Gateway/2.3\r\n");
	if (m->sub != GEN_SUB_200)
		return finish(m, &h, NULL, NULL);
	put_sdp(&body, "e911gw", w->gw_ip, w->ip_ver, gen_id(g, ID_SDP), SDP_PLAIN);
	return finish(m, &h, "application/sdp", &body);
}

/* ACK and BYE inside an established dialog (loose-routed through the proxy
 * by the Route its Record-Route set), or a CANCEL of a pending INVITE. */
static int write_indialog(struct gen *g, struct gen_msg *m, const struct who *w)
{
	char ruri[80], callee[24];
	struct gen_buf h;
	uint32_t cseq = 1 + gen_below(g, 65535);
	unsigned r = gen_below(g, 5);

	m->sub = r < 2 ? GEN_SUB_ACK : r < 4 ? GEN_SUB_BYE : GEN_SUB_CANCEL;
	const char *method = m->sub == GEN_SUB_ACK ? "ACK" : m->sub == GEN_SUB_BYE ? "BYE" : "CANCEL";
	dialog_target(g, ruri, sizeof(ruri), callee, sizeof(callee));
	gen_buf_init(&h, m->text, sizeof(m->text));
	/* In a dialog the Request-URI is the remote target (the trunk's Contact);
	 * a CANCEL repeats the INVITE's Request-URI. */
	if (m->sub == GEN_SUB_CANCEL)
		gen_putf(&h, "CANCEL %s SIP/2.0\r\n", ruri);
	else
		gen_putf(&h, "%s sip:%s@%s SIP/2.0\r\n", method, callee, w->gw);
	gen_putf(&h, "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%016" PRIx64 ";rport\r\n", w->host,
		 g->cfg.caller_port, gen_id(g, ID_BRANCH));
	gen_put(&h, "Max-Forwards: 70\r\n");
	if (m->sub != GEN_SUB_CANCEL)
		gen_putf(&h, "Route: <sip:%s;lr>\r\n", w->proxy);
	gen_putf(&h, "From: \"%s\" <sip:%s@" DOMAIN ">;tag=%016" PRIx64 "\r\n", w->display, w->user,
		 gen_id(g, ID_FROM_TAG));
	if (m->sub == GEN_SUB_CANCEL)
		gen_putf(&h, "To: <%s>\r\n", ruri);
	else
		gen_putf(&h, "To: <%s>;tag=%016" PRIx64 "\r\n", ruri, gen_id(g, ID_TO_TAG));
	gen_putf(&h, "Call-ID: %016" PRIx64 "@%s\r\n", gen_id(g, ID_CALL), w->host);
	/* the BYE follows the INVITE (and its ACK) in the caller's CSeq space */
	gen_putf(&h, "CSeq: %u %s\r\n", m->sub == GEN_SUB_BYE ? cseq + 1 : cseq, method);
	if (m->sub != GEN_SUB_ACK)
		gen_putf(&h, "User-Agent: %s\r\n", user_agents[gen_below(g, COUNT(user_agents))]);
	return finish(m, &h, NULL, NULL);
}

int gen_sip_write(struct gen *g, struct gen_msg *m)
{
	struct who w;

	who_fill(&g->cfg, m, &w);
	switch ((enum gen_kind)m->kind) {
	case GEN_EMERGENCY:
		return write_invite(g, m, &w, true);
	case GEN_ORDINARY:
		return write_invite(g, m, &w, false);
	case GEN_RESPONSE:
		return write_response(g, m, &w);
	case GEN_INDIALOG:
	default:
		return write_indialog(g, m, &w);
	}
}
