/*
 * sip.h - the zero-copy SIP message parser: the contract between the parser
 * (dataplane/sip/) and everything that reads a SIP message (the dataplane's
 * proxy stage, the tools, the tests).
 *
 * sip_parse() reads one datagram in place. It never allocates, never copies
 * and never writes into the buffer; every field it returns is a slice into
 * the caller's bytes. Eagerly, on every message, it splits what a stateless
 * proxy needs on every message: the start line, every header line (name, id,
 * value), every Via entry, Max-Forwards, CSeq, Call-ID, Content-Length and the
 * body. Everything else is located by that one scan (sip_msg.first[]) and
 * split on demand by the helpers below: the Request-URI, From and To with
 * sip_parse_request_uri/sip_parse_from/sip_parse_to, the rest with the
 * sip_*_parse() helpers. A proxy checks only the components it uses and
 * forwards the others untouched (RFC 3261 §16.3), so a malformed To does not
 * make sip_parse() fail; sip_parse_to() does.
 *
 * Header values keep their line folding: a value slice may contain CRLF
 * followed by SP/HT, which every helper here treats as linear white space.
 *
 * Limits (a message beyond them is invalid, never an out-of-bounds read):
 * SIP_MAX_MSG_LEN bytes, SIP_MAX_HEADERS header lines, SIP_MAX_VIAS Via
 * entries, SIP_MAX_LIST list elements in any one list helper call.
 */
#ifndef E911_SIP_H
#define E911_SIP_H

#include <stddef.h>
#include <stdint.h>

#include "e911/slice.h"

#define SIP_MAX_MSG_LEN 65536u /* 64 KiB: larger is SIP_E_TOO_LARGE */
#define SIP_MAX_HEADERS 128u   /* header lines */
#define SIP_MAX_VIAS 64u       /* Via entries, over all Via lines (RFC 4475 longreq has 34) */
#define SIP_MAX_LIST 64u       /* elements of one comma-separated list */
#define SIP_MAX_DIGITS 32u     /* dialled digits of one number */

/*
 * Every parse outcome: X(name, text). SIP_OK is 0; the others are negative
 * (SIP_E_<name> = -(position)). The text is the reason a stateless 400 gives
 * and the label of the drop counter.
 */
#define SIP_STATUS_LIST(X)                                                    \
	X(OK, "ok")                                                           \
	X(E_TOO_LARGE, "message larger than 64 KiB")                          \
	X(E_TRUNCATED, "message ends inside its header section")              \
	X(E_START_LINE, "malformed start line")                               \
	X(E_METHOD, "malformed method")                                       \
	X(E_REQUEST_URI, "malformed Request-URI")                             \
	X(E_VERSION, "SIP version not supported")                             \
	X(E_STATUS_CODE, "malformed status code")                             \
	X(E_HEADER_LINE, "malformed header line")                             \
	X(E_TOO_MANY_HEADERS, "too many header lines")                        \
	X(E_DUP_HEADER, "single-valued header field repeated")                \
	X(E_MISSING_HEADER, "missing Via, From, To, Call-ID or CSeq")         \
	X(E_VIA, "malformed Via")                                             \
	X(E_TOO_MANY_VIAS, "too many Via entries")                            \
	X(E_MAX_FORWARDS, "malformed Max-Forwards")                           \
	X(E_CSEQ, "malformed CSeq")                                           \
	X(E_CSEQ_METHOD, "CSeq method differs from the request method")      \
	X(E_CALL_ID, "malformed Call-ID")                                     \
	X(E_FROM, "malformed From")                                           \
	X(E_TO, "malformed To")                                               \
	X(E_CONTENT_LENGTH, "malformed Content-Length")                       \
	X(E_BODY_TRUNCATED, "body shorter than Content-Length")               \
	X(E_URI, "malformed URI")                                             \
	X(E_NAME_ADDR, "malformed name-addr")                                 \
	X(E_PARAM, "malformed parameter")                                     \
	X(E_LIST, "malformed or too long list")                               \
	X(E_CONTENT_TYPE, "malformed Content-Type")                           \
	X(E_MULTIPART, "malformed multipart body")                            \
	X(E_NOT_A_NUMBER, "URI does not carry a dialled number")              \
	X(E_NOT_FOUND, "not present")

enum sip_status {
#define SIP_STATUS_ENUM(name, text) SIP_##name##_POS,
	SIP_STATUS_LIST(SIP_STATUS_ENUM)
#undef SIP_STATUS_ENUM
	SIP_STATUS_COUNT
};
#define SIP_STATUS_VALUE(name) (-(int)SIP_##name##_POS)
enum {
#define SIP_STATUS_NEG(name, text) SIP_##name = SIP_STATUS_VALUE(name),
	SIP_STATUS_LIST(SIP_STATUS_NEG)
#undef SIP_STATUS_NEG
};

/** Short text of a status (SIP_OK or a negative SIP_E_*), never NULL. */
const char *sip_status_text(int status);
/** Symbolic name of a status without the SIP_ prefix ("E_VIA"), never NULL. */
const char *sip_status_name(int status);

/*
 * Header names the parser knows: X(ID, "Full-Name", compact letter or 0).
 * Compact forms are those of RFC 3261 §7.3.3 and the IANA SIP registry.
 */
#define SIP_HDR_LIST(X)                                             \
	X(VIA, "Via", 'v')                                          \
	X(FROM, "From", 'f')                                        \
	X(TO, "To", 't')                                            \
	X(CALL_ID, "Call-ID", 'i')                                  \
	X(CSEQ, "CSeq", 0)                                          \
	X(MAX_FORWARDS, "Max-Forwards", 0)                          \
	X(CONTACT, "Contact", 'm')                                  \
	X(ROUTE, "Route", 0)                                        \
	X(RECORD_ROUTE, "Record-Route", 0)                          \
	X(CONTENT_TYPE, "Content-Type", 'c')                        \
	X(CONTENT_LENGTH, "Content-Length", 'l')                    \
	X(CONTENT_ENCODING, "Content-Encoding", 'e')                \
	X(CONTENT_ID, "Content-ID", 0)                              \
	X(CONTENT_DISPOSITION, "Content-Disposition", 0)            \
	X(P_ASSERTED_IDENTITY, "P-Asserted-Identity", 0)            \
	X(P_PREFERRED_IDENTITY, "P-Preferred-Identity", 0)          \
	X(REMOTE_PARTY_ID, "Remote-Party-ID", 0)                    \
	X(GEOLOCATION, "Geolocation", 0)                            \
	X(GEOLOCATION_ROUTING, "Geolocation-Routing", 0)            \
	X(GEOLOCATION_ERROR, "Geolocation-Error", 0)                \
	X(CALL_INFO, "Call-Info", 0)                                \
	X(PRIORITY, "Priority", 0)                                  \
	X(RESOURCE_PRIORITY, "Resource-Priority", 0)                \
	X(SUPPORTED, "Supported", 'k')                              \
	X(REQUIRE, "Require", 0)                                    \
	X(PROXY_REQUIRE, "Proxy-Require", 0)                        \
	X(SUBJECT, "Subject", 's')                                  \
	X(ALLOW_EVENTS, "Allow-Events", 'u')                        \
	X(EVENT, "Event", 'o')                                      \
	X(REFER_TO, "Refer-To", 'r')                                \
	X(REFERRED_BY, "Referred-By", 'b')                          \
	X(ACCEPT_CONTACT, "Accept-Contact", 'a')                    \
	X(REJECT_CONTACT, "Reject-Contact", 'j')                    \
	X(REQUEST_DISPOSITION, "Request-Disposition", 'd')          \
	X(SESSION_EXPIRES, "Session-Expires", 'x')                  \
	X(IDENTITY, "Identity", 'y')                                \
	X(IDENTITY_INFO, "Identity-Info", 'n')                      \
	X(ALLOW, "Allow", 0)                                        \
	X(USER_AGENT, "User-Agent", 0)                              \
	X(EXPIRES, "Expires", 0)

enum sip_hdr_id {
	SIP_HDR_OTHER = 0, /* a header the parser does not name */
#define SIP_HDR_ENUM(id, name, compact) SIP_HDR_##id,
	SIP_HDR_LIST(SIP_HDR_ENUM)
#undef SIP_HDR_ENUM
	SIP_HDR_COUNT
};

/** Id of a header name (full or compact form, any case); SIP_HDR_OTHER if unknown. */
enum sip_hdr_id sip_hdr_lookup(const char *name, uint32_t len);
/** The full name of a known header id ("Call-ID"); "" for SIP_HDR_OTHER. */
const char *sip_hdr_name(enum sip_hdr_id id);

/* Methods the proxy distinguishes; any other token is SIP_METHOD_OTHER. */
#define SIP_METHOD_LIST(X)                                                    \
	X(INVITE) X(ACK) X(BYE) X(CANCEL) X(OPTIONS) X(REGISTER) X(PRACK)     \
	X(SUBSCRIBE) X(NOTIFY) X(PUBLISH) X(INFO) X(REFER) X(MESSAGE) X(UPDATE)

enum sip_method {
	SIP_METHOD_OTHER = 0,
#define SIP_METHOD_ENUM(m) SIP_METHOD_##m,
	SIP_METHOD_LIST(SIP_METHOD_ENUM)
#undef SIP_METHOD_ENUM
	SIP_METHOD_COUNT
};

/** Method id of a method token (case-sensitive, RFC 3261 §7.1). */
enum sip_method sip_method_lookup(struct e911_slice token);

enum sip_uri_scheme {
	SIP_SCHEME_OTHER = 0, /* an absoluteURI the proxy does not interpret */
	SIP_SCHEME_SIP,
	SIP_SCHEME_SIPS,
	SIP_SCHEME_TEL,
	SIP_SCHEME_URN,
};

enum sip_host_kind {
	SIP_HOST_NONE = 0,
	SIP_HOST_NAME,
	SIP_HOST_IPV4,
	SIP_HOST_IPV6, /* host keeps its brackets: "[2001:db8::1]" */
};

/*
 * A URI split into parts (RFC 3261 §19.1, RFC 3966, RFC 2141/RFC 5031).
 * sip/sips: user, password, host, port, params (";..." raw), headers ("?..."
 *   raw, without the '?').
 * tel: user = the telephone-subscriber number (global "+..." or local),
 *   params = its parameters; host empty.
 * urn: user = the NID ("service"), host empty, urn_nss = the NSS ("sos.fire").
 * Frequently used parameters are split out; any parameter can be read with
 * sip_param_find(params, ...).
 */
struct sip_uri {
	struct e911_slice whole;
	struct e911_slice scheme_name;
	struct e911_slice user;
	struct e911_slice password;
	struct e911_slice host;
	struct e911_slice params;     /* ";a=b;c" or empty */
	struct e911_slice headers;    /* "h=v&h2=v2" or empty */
	struct e911_slice user_param; /* user=phone */
	struct e911_slice transport;
	struct e911_slice maddr;
	struct e911_slice phone_context;
	struct e911_slice urn_nss;
	uint16_t port; /* 0 when absent */
	uint8_t scheme;    /* enum sip_uri_scheme */
	uint8_t host_kind; /* enum sip_host_kind */
	uint8_t lr;        /* ;lr present (loose routing) */
};

/*
 * One Via entry (RFC 3261 §20.42, RFC 3581).
 */
struct sip_via {
	struct e911_slice value;     /* the whole via-parm */
	struct e911_slice protocol;  /* "SIP/2.0" as written, LWS and all */
	struct e911_slice transport; /* "UDP", "TCP", ... */
	struct e911_slice host;      /* sent-by host (IPv6 with brackets) */
	struct e911_slice params;    /* ";branch=...;..." raw, or empty */
	struct e911_slice branch;
	struct e911_slice received;
	struct e911_slice rport;     /* the value; empty when absent or bare */
	struct e911_slice maddr;
	struct e911_slice ttl;
	uint16_t port;     /* sent-by port, 0 when absent */
	uint8_t has_rport; /* ";rport" present, with or without a value */
	uint8_t host_kind; /* enum sip_host_kind */
};

/*
 * A name-addr or addr-spec with its header parameters (From, To, Contact,
 * Route, Record-Route, P-Asserted-Identity, Geolocation, Call-Info...).
 * display: as written, quotes included. uri: between < > or the bare
 * addr-spec. params: ";tag=...;..." after the URI (outside < >).
 */
struct sip_name_addr {
	struct e911_slice display;
	struct e911_slice uri;
	struct e911_slice params;
	struct e911_slice tag;
	uint8_t star; /* Contact: "*" */
};

struct sip_header {
	struct e911_slice name;
	struct e911_slice value; /* trimmed; may contain folded CRLF+WSP */
	uint16_t id;             /* enum sip_hdr_id */
};

enum sip_kind { SIP_REQUEST = 1, SIP_RESPONSE = 2 };

/*
 * A parsed message. The caller owns it (a worker keeps one and reuses it);
 * sip_parse() sets every field it documents, and does not clear the arrays
 * beyond their counts.
 */
struct sip_msg {
	const char *buf;  /* the datagram */
	uint32_t len;     /* its length */
	uint32_t msg_len; /* header section + Content-Length body; bytes past it are ignored */
	uint32_t hdr_len; /* start line + headers + the empty line */
	uint32_t err_off; /* on error: offset of the offending byte */

	uint8_t kind;   /* enum sip_kind */
	uint8_t method; /* enum sip_method of a request */
	uint16_t status_code;
	struct e911_slice method_name;
	struct e911_slice ruri_text; /* the Request-URI; split it with sip_parse_request_uri() */
	struct e911_slice reason;

	uint16_t nhdr;
	uint16_t first[SIP_HDR_COUNT]; /* 1 + index in hdr[] of the first such line; 0 = absent */
	uint16_t nvia;

	struct e911_slice call_id;
	uint32_t cseq;
	uint8_t cseq_method; /* enum sip_method */
	struct e911_slice cseq_method_name;
	int16_t max_forwards; /* -1 when absent */
	int32_t content_length; /* -1 when absent */
	struct e911_slice body;

	struct sip_header hdr[SIP_MAX_HEADERS];
	struct sip_via via[SIP_MAX_VIAS]; /* top (first) Via is via[0] */
};

/**
 * Parse one SIP message (one UDP datagram) in place.
 *
 * @param buf  the bytes; not modified, need not be NUL-terminated
 * @param len  their length
 * @param msg  caller-owned result; valid until buf changes
 * @return bytes that make the message (msg->msg_len: header section plus
 *         Content-Length bytes of body; excess datagram bytes are ignored, RFC
 *         3261 §18.3), or a negative SIP_E_* status with msg->err_off set:
 *         SIP_E_TOO_LARGE, SIP_E_TRUNCATED, SIP_E_START_LINE, SIP_E_METHOD,
 *         SIP_E_REQUEST_URI, SIP_E_VERSION (answer 505), SIP_E_STATUS_CODE,
 *         SIP_E_HEADER_LINE, SIP_E_TOO_MANY_HEADERS, SIP_E_DUP_HEADER,
 *         SIP_E_MISSING_HEADER, SIP_E_VIA, SIP_E_TOO_MANY_VIAS,
 *         SIP_E_MAX_FORWARDS, SIP_E_CSEQ, SIP_E_CSEQ_METHOD, SIP_E_CALL_ID,
 *         SIP_E_CONTENT_LENGTH, SIP_E_BODY_TRUNCATED.
 *         SIP_E_REQUEST_URI here means a Request-URI with LWS inside or
 *         without a scheme; its parts are checked by sip_parse_request_uri().
 */
int sip_parse(const char *buf, uint32_t len, struct sip_msg *msg);

/**
 * Split the Request-URI of a parsed request. Besides sip_uri_parse(), a
 * sip/sips Request-URI must not carry headers (RFC 3261 §19.1.1; RFC 4475
 * §3.1.2.11).
 * @return 0, or SIP_E_REQUEST_URI (also for a response).
 */
int sip_parse_request_uri(const struct sip_msg *msg, struct sip_uri *uri);

/**
 * Split the From / To header of a parsed message (display name, URI, tag).
 * @return 0, or SIP_E_FROM / SIP_E_TO.
 */
int sip_parse_from(const struct sip_msg *msg, struct sip_name_addr *from);
int sip_parse_to(const struct sip_msg *msg, struct sip_name_addr *to);

/** The first header line with this id, or NULL. */
static inline const struct sip_header *sip_hdr_first(const struct sip_msg *msg, enum sip_hdr_id id)
{
	return msg->first[id] ? &msg->hdr[msg->first[id] - 1] : NULL;
}

/**
 * Split a URI.
 * @return 0, or SIP_E_URI (out partly filled; do not use).
 */
int sip_uri_parse(struct e911_slice text, struct sip_uri *out);

/**
 * The dialled number of a URI, visual separators (- . ( ) and SP, RFC 3966
 * §5.1.1) removed, written to out: a tel: number, or the user part of a
 * sip/sips URI up to its first ';' when that user part is a telephone number
 * (with or without user=phone). A leading '+' is kept; digits, '*' and '#'
 * are kept; %-escapes of those characters are decoded.
 * @return the number of bytes written (1..cap), SIP_E_NOT_A_NUMBER when the
 *         URI carries no number (urn:, a name, an empty user part, more
 *         digits than cap), never writes more than cap bytes and writes no NUL.
 */
int sip_uri_dialled_digits(const struct sip_uri *uri, char *out, uint32_t cap);

/**
 * Parse one name-addr / addr-spec and its header parameters (RFC 3261 §20.10,
 * §25.1; a display name directly before '<' is accepted, RFC 4475 §3.1.1.6).
 * @param text  one list element (see sip_list_next) or a whole single value
 * @return 0, or SIP_E_NAME_ADDR / SIP_E_PARAM.
 */
int sip_name_addr_parse(struct e911_slice text, struct sip_name_addr *out);

/**
 * Step through a comma-separated header value (Contact, Route, Record-Route,
 * P-Asserted-Identity, Geolocation, Call-Info, Supported, Require...).
 * Commas inside quoted strings and < > do not split.
 * @param list    the whole value (e.g. sip_header.value)
 * @param cursor  0 on the first call; advanced by each call
 * @param elem    the next element, LWS trimmed
 * @return 1 when an element was produced, 0 at the end, SIP_E_LIST on an
 *         empty element (",,"), an unterminated quote or bracket.
 */
int sip_list_next(struct e911_slice list, uint32_t *cursor, struct e911_slice *elem);

/**
 * Find a parameter in a ";name=value;name2" string (URI or header params).
 * Names compare case-insensitively; the value's quotes are kept.
 * @return 1 found (value empty for a bare name), 0 absent, SIP_E_PARAM when
 *         the parameter string is malformed.
 */
int sip_param_find(struct e911_slice params, struct e911_slice name, struct e911_slice *value);

/**
 * Parse every Via entry of one Via header value (may hold several, comma
 * separated) into out[0..cap).
 * @return the number of entries, or SIP_E_VIA / SIP_E_TOO_MANY_VIAS.
 */
int sip_via_parse(struct e911_slice value, struct sip_via *out, uint32_t cap);

/* A Content-Type (RFC 3261 §20.15, RFC 2045): type/subtype and boundary. */
struct sip_content_type {
	struct e911_slice type;
	struct e911_slice subtype;
	struct e911_slice params;
	struct e911_slice boundary; /* unquoted; empty when absent */
};

/** @return 0, or SIP_E_CONTENT_TYPE. */
int sip_content_type_parse(struct e911_slice value, struct sip_content_type *out);

/** True when ct is type/subtype, compared case-insensitively. */
bool sip_content_type_is(const struct sip_content_type *ct, const char *type, const char *subtype);

/* One body part of a multipart body (RFC 2046 §5.1). */
struct sip_body_part {
	struct e911_slice headers;      /* the part's header lines */
	struct e911_slice content_type; /* value, or empty (text/plain by default) */
	struct e911_slice content_id;   /* value with its < >, or empty */
	struct e911_slice body;
};

/**
 * Step through the parts of a multipart body.
 * @param body      the message body
 * @param boundary  from the Content-Type
 * @param cursor    0 on the first call
 * @return 1 a part was produced, 0 after the closing delimiter, SIP_E_MULTIPART
 *         on a missing delimiter or a part without its header/body separator,
 *         SIP_E_LIST after SIP_MAX_LIST parts.
 */
int sip_multipart_next(struct e911_slice body, struct e911_slice boundary, uint32_t *cursor,
		       struct sip_body_part *part);

/**
 * Locate the PIDF-LO document of a message without parsing its XML: the part
 * that the first Geolocation cid: URI names (RFC 6442 §4.1), else the first
 * application/pidf+xml part of a multipart/mixed body, else the whole body
 * when the message's own Content-Type is application/pidf+xml.
 * @return 0 with *pidf set, SIP_E_NOT_FOUND when there is none, or the
 *         SIP_E_CONTENT_TYPE / SIP_E_MULTIPART / SIP_E_NAME_ADDR / SIP_E_LIST
 *         error that stopped the search.
 */
int sip_find_pidf(const struct sip_msg *msg, struct e911_slice *pidf);

/**
 * memmem(hay, len, needle, n): the first occurrence, or NULL (hay itself for
 * n 0). With SSE2, 16 candidate positions a step; several times fewer
 * instructions than glibc's memmem for the needles the proxy looks for (a
 * multipart boundary, "method>Manual<" in a PIDF-LO).
 */
const char *sip_find_bytes(const char *hay, size_t len, const char *needle, size_t n);

/**
 * The first place where byte a is directly followed by byte b: the lowest i
 * with p[i] == a and p[i + 1] == b, i + 1 < end - p; NULL when there is none
 * (also for fewer than 2 bytes). Reads nothing at or past end. With SSE2, 32
 * positions a step; for a rare pair (a multipart delimiter line's "\n-", a
 * PIDF-LO's ">M") much cheaper than sip_find_bytes, which also stops at every
 * match of its needle's first and last bytes.
 */
const char *sip_find_pair(const char *p, const char *end, char a, char b);

#endif /* E911_SIP_H */
