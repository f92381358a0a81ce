/*
 * pidf.h - the PIDF-LO reader of the control process (control/location/):
 * the location of an emergency call as the control process keeps it, logs
 * it and tells it to the security desk.
 *
 * pidf_read() reads one PIDF-LO document (RFC 4119, civic addresses of
 * RFC 5139, geodetic shapes of RFC 5491) with libxml2 and fills a struct
 * pidf_location. That struct is fixed-size and holds no pointer: the caller
 * owns it, may copy it with memcpy and keep it in a call record; nothing in
 * it is ever freed. The reader allocates only inside libxml2, during the
 * call, and frees all of it before returning, whatever the result.
 *
 * The document comes from the caller's client and is hostile input: it is
 * at most PIDF_MAX_BYTES bytes and PIDF_MAX_DEPTH elements deep; the network
 * is never used (XML_PARSE_NONET, and nothing is ever fetched, not even a
 * location by reference); a document with a DOCTYPE is refused the moment
 * the parser meets it, before its internal subset (entities, external DTD)
 * is read; XML_PARSE_HUGE is never set.
 *
 * Where the location may sit: gp:geopriv anywhere under the root, in
 * document order (RFC 4119 puts it in tuple/status, RFC 5491 §3.2 also in
 * dm:device and dm:person). Each gp:location-info child is a civic address
 * (ca:civicAddress) or a geodetic shape (gml:/gs:); the first of each kind is
 * kept, later ones are counted in `warnings`. The enterprise-voice extension
 * elements (MS-SIPRE Appendix D) are found by their namespace anywhere in the
 * document: ConferenceUri and ConferenceMode in PIDF_NS_MSFT_EXTN (normally
 * inside msftE911PidfExtn, which clients put in gp:provided-by), and
 * LocationPolicyTagID in PIDF_NS_MSFT_TAG. Who is notified never comes from
 * the document: notification URIs come from the policy only.
 *
 * Nothing here needs DPDK; nothing here may run on a dataplane worker.
 */
#ifndef E911_PIDF_H
#define E911_PIDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "e911/policy.h" /* enum e911_conference_mode, E911_NAME_MAX, E911_URI_MAX */

/* ---- limits ---- */

#define PIDF_MAX_BYTES 65536u  /* a document: more is -EFBIG (a SIP message is at most 64 KiB) */
#define PIDF_MAX_DEPTH 32u     /* element nesting, the root is depth 1: more is -ELOOP */
#define PIDF_CIVIC_MAX 128u    /* bytes of one civic field with its NUL (longer is cut, flagged) */
#define PIDF_LANG_MAX 36u      /* bytes of xml:lang of a civic address with its NUL */
#define PIDF_METHOD_MAX 32u    /* bytes of the method text with its NUL */
#define PIDF_TIMESTAMP_MAX 40u /* bytes of the timestamp text with its NUL */
#define PIDF_URI_MAX E911_URI_MAX /* conference URI, reference URI, with the NUL */
#define PIDF_TAG_MAX E911_NAME_MAX /* LocationPolicyTagID with its NUL */
#define PIDF_MAX_VERTICES 16u  /* polygon positions kept (3GPP's 15 points + the closing one) */

/* ---- namespaces ---- */

#define PIDF_NS "urn:ietf:params:xml:ns:pidf"
#define PIDF_NS_GP "urn:ietf:params:xml:ns:pidf:geopriv10"
#define PIDF_NS_CA "urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr"
#define PIDF_NS_DM "urn:ietf:params:xml:ns:pidf:data-model"
#define PIDF_NS_GML "http://www.opengis.net/gml"
#define PIDF_NS_GS "http://www.opengis.net/pidflo/1.0"
/* The enterprise-voice extension, as published in MS-SIPRE Appendix D (case as written there). */
#define PIDF_NS_MSFT_EXTN "urn:schema:Rtc.LIS.msftE911PidfExtn.2008"
#define PIDF_NS_MSFT_TAG "urn:schema:Rtc.Lis.LocationPolicyTagID.2008"

/* ---- the model ---- */

/** Where the call's location came from: what the security desk and the log are told. */
enum pidf_source {
	PIDF_SOURCE_NONE,         /* no location at all (no PIDF-LO, or one without a location) */
	PIDF_SOURCE_VALIDATED,    /* a location whose method is not Manual (e.g. an ERL by DHCP) */
	PIDF_SOURCE_USER_ENTERED, /* method Manual: typed in by the user, not validated */
	PIDF_SOURCE_REFERENCE,    /* only a location by reference (Geolocation URI), not fetched */
};

/** The RFC 5139 civic address elements, in the order of its schema. X(enum suffix, element name) */
#define PIDF_CIVIC_LIST(X)                                                      \
	X(COUNTRY, "country") X(A1, "A1") X(A2, "A2") X(A3, "A3") X(A4, "A4")   \
	X(A5, "A5") X(A6, "A6") X(PRM, "PRM") X(PRD, "PRD") X(RD, "RD")         \
	X(STS, "STS") X(POD, "POD") X(POM, "POM") X(RDSEC, "RDSEC")             \
	X(RDBR, "RDBR") X(RDSUBBR, "RDSUBBR") X(HNO, "HNO") X(HNS, "HNS")       \
	X(LMK, "LMK") X(LOC, "LOC") X(FLR, "FLR") X(NAM, "NAM") X(PC, "PC")     \
	X(BLD, "BLD") X(UNIT, "UNIT") X(ROOM, "ROOM") X(SEAT, "SEAT")           \
	X(PLC, "PLC") X(PCN, "PCN") X(POBOX, "POBOX") X(ADDCODE, "ADDCODE")

enum pidf_civic_field {
#define PIDF_CIVIC_ENUM(name, text) PIDF_CIVIC_##name,
	PIDF_CIVIC_LIST(PIDF_CIVIC_ENUM)
#undef PIDF_CIVIC_ENUM
	PIDF_CIVIC_COUNT /* 31: a bit each in a uint32_t */
};

/** A civic address (RFC 5139; RFC 4119's elements are a subset). */
struct pidf_civic {
	uint32_t present;   /* bit (1u << field) per element that was in the document */
	uint32_t truncated; /* bit per element cut to PIDF_CIVIC_MAX - 1 bytes */
	char lang[PIDF_LANG_MAX]; /* xml:lang of civicAddress, "" when absent */
	/*
	 * UTF-8 text, white space trimmed at both ends, control characters
	 * replaced by spaces (it goes into logs and into SIP MESSAGE bodies).
	 * "" when absent; an element present but empty is "" with its bit set.
	 */
	char field[PIDF_CIVIC_COUNT][PIDF_CIVIC_MAX];
};

/** RFC 5491 shapes. */
enum pidf_shape {
	PIDF_SHAPE_NONE,
	PIDF_SHAPE_POINT,     /* gml:Point: pos */
	PIDF_SHAPE_CIRCLE,    /* gs:Circle: pos, radius */
	PIDF_SHAPE_ELLIPSE,   /* gs:Ellipse: pos, semi_major, semi_minor, orientation */
	PIDF_SHAPE_ARCBAND,   /* gs:ArcBand: pos, inner/outer_radius, start/opening_angle */
	PIDF_SHAPE_POLYGON,   /* gml:Polygon: vertices (exterior ring only) */
	PIDF_SHAPE_SPHERE,    /* gs:Sphere: pos (3D), radius */
	PIDF_SHAPE_ELLIPSOID, /* gs:Ellipsoid: pos (3D), semi_major, semi_minor, vertical_axis, orientation */
	PIDF_SHAPE_PRISM,     /* gs:Prism: vertices of its base (3D), height */
};

/** The coordinate reference system named by srsName. */
enum pidf_crs {
	PIDF_CRS_NONE,
	PIDF_CRS_4326, /* urn:ogc:def:crs:EPSG::4326: latitude longitude (2D) */
	PIDF_CRS_4979, /* urn:ogc:def:crs:EPSG::4979: latitude longitude altitude (3D) */
};

/** A position in degrees (WGS 84) and metres; alt is 0 in 2D. */
struct pidf_pos {
	double lat; /* -90..90 */
	double lon; /* -180..180 */
	double alt; /* metres above the WGS 84 ellipsoid (4979 only) */
};

/**
 * A geodetic shape. Lengths are in metres and angles in degrees (the only
 * units RFC 5491 allows: uom EPSG::9001 and EPSG::9102); fields a shape does
 * not have are 0.
 */
struct pidf_geo {
	enum pidf_shape shape;
	enum pidf_crs crs;
	/*
	 * The point or centre. For Polygon and Prism: the mean of the distinct
	 * vertices kept (the closing one left out), a label, not a centroid.
	 */
	struct pidf_pos pos;
	double radius;        /* Circle, Sphere */
	double semi_major;    /* Ellipse, Ellipsoid */
	double semi_minor;    /* Ellipse, Ellipsoid */
	double vertical_axis; /* Ellipsoid */
	double orientation;   /* Ellipse, Ellipsoid: of the semi-major axis, from north, 0..360 */
	double inner_radius;  /* ArcBand */
	double outer_radius;  /* ArcBand */
	double start_angle;   /* ArcBand: from north, 0..360 */
	double opening_angle; /* ArcBand: 0..360 */
	double height;        /* Prism */
	/* Polygon, Prism: positions as written, the closing one included (>= 4). */
	uint32_t vertex_count;
	/* The first min(vertex_count, PIDF_MAX_VERTICES) of them. */
	struct pidf_pos vertices[PIDF_MAX_VERTICES];
};

/** The location determination method (gp:method, IANA "Method Tokens"), matched case-insensitively. */
enum pidf_method {
	PIDF_METHOD_NONE,  /* no gp:method */
	PIDF_METHOD_OTHER, /* a token not listed here; see method_text */
	PIDF_METHOD_GPS,
	PIDF_METHOD_A_GPS,
	PIDF_METHOD_MANUAL, /* user-entered: never validated */
	PIDF_METHOD_DHCP,
	PIDF_METHOD_LLDP_MED,
	PIDF_METHOD_WIREMAP,
	PIDF_METHOD_CELL,
	PIDF_METHOD_802_11,
	PIDF_METHOD_TRIANGULATION,
	PIDF_METHOD_DERIVED,
};

/* Bits of pidf_location.warnings: what was read only in part (the call goes on). */
#define PIDF_WARN_TRUNCATED (1u << 0)       /* a civic field, lang, method or timestamp was cut */
#define PIDF_WARN_DUPLICATE (1u << 1)       /* a civic element repeated: the first is kept */
#define PIDF_WARN_MORE_LOCATIONS (1u << 2)  /* another civic address or shape: the first is kept */
#define PIDF_WARN_UNKNOWN_LOCATION (1u << 3) /* a location-info child that is neither: skipped */
#define PIDF_WARN_EXTENSION (1u << 4)       /* an extension value unusable or repeated: skipped */
#define PIDF_WARN_VERTICES (1u << 5)        /* more than PIDF_MAX_VERTICES positions: first kept */

/**
 * The location of one call. Strings are NUL-terminated UTF-8 and "" when
 * absent. The "primary" location is the civic address if there is one (what
 * the E9-1-1 provider routes on), else the geodetic shape; source, method,
 * method_text and timestamp are those of the gp:geopriv that holds it.
 */
struct pidf_location {
	enum pidf_source source;
	enum pidf_method method;
	char method_text[PIDF_METHOD_MAX]; /* as written (trimmed), e.g. "DHCP" */
	char timestamp[PIDF_TIMESTAMP_MAX]; /* timestamp of the enclosing tuple/device/person, as written */

	bool has_civic;
	enum pidf_method civic_method; /* method of the civic address's geopriv */
	struct pidf_civic civic;

	bool has_geo;
	enum pidf_method geo_method; /* method of the shape's geopriv */
	struct pidf_geo geo;

	/*
	 * The enterprise-voice extension. A URI or tag that does not fit, or a
	 * conference URI that is not sip:/sips:, is dropped (never cut: a cut
	 * URI or tag names something else) and PIDF_WARN_EXTENSION is set.
	 */
	char conference_uri[PIDF_URI_MAX];
	bool has_conference_mode;
	enum e911_conference_mode conference_mode; /* "oneway" / "twoway" */
	char policy_tag[PIDF_TAG_MAX]; /* LocationPolicyTagID */

	char reference[PIDF_URI_MAX]; /* a location by reference (pidf_note_reference) */
	uint32_t warnings;            /* PIDF_WARN_* */
};

/* ---- reading ---- */

/**
 * Make loc the record of a call without a location (all zero, source
 * PIDF_SOURCE_NONE). pidf_read() starts with this, so a call whose PIDF-LO
 * is missing or unreadable is recorded the same way.
 */
void pidf_location_init(struct pidf_location *loc);

/**
 * Read a PIDF-LO document.
 * @param xml     the document; need not be NUL-terminated (NULL only with len 0)
 * @param len     its length in bytes
 * @param out     receives the location; on error it is left as pidf_location_init() makes it
 * @param err     receives a one-line message on error, "" on success (may be NULL)
 * @param errlen  capacity of err; the message is cut to fit
 * The first call initialises libxml2 (xmlInitParser). Reads may run in
 * several threads once it is initialised; no libxml2 global handler is used.
 * A document with no location in it is not an error: out->source is NONE.
 * @return 0 on success, or:
 *   -EFBIG    len is more than PIDF_MAX_BYTES;
 *   -EBADMSG  empty, or not well-formed XML (also: cut short);
 *   -ENOTSUP  the document has a DOCTYPE (DTDs and entities are not allowed);
 *   -ELOOP    elements nested more than PIDF_MAX_DEPTH deep;
 *   -ENOMSG   the root is not `presence` in namespace PIDF_NS;
 *   -EDOM     a geodetic shape is unusable: a coordinate out of range or not a
 *             number, a negative length, an angle out of 0..360, an unknown
 *             srsName or uom, a position with the wrong number of values,
 *             an open or too short polygon, a missing part;
 *   -ENOMEM   out of memory (inside libxml2; also when the tree libxml2 built
 *             differs from what its parser reported, which is how libxml2 2.9
 *             shows some allocation failures). libxml2 reports a few others,
 *             in its URI parser for one, as malformed input: then -EBADMSG.
 *             Either way the read fails; it never yields a different location.
 */
int pidf_read(const char *xml, size_t len, struct pidf_location *out, char *err, size_t errlen);

/**
 * Record a location by reference: the URI of a Geolocation header that is
 * not a cid: (RFC 6442 §4.1). It is never dereferenced. If loc has no
 * location by value, its source becomes PIDF_SOURCE_REFERENCE.
 * @param uri  the URI without angle brackets; need not be NUL-terminated
 * @return 0, or -EINVAL: empty, a cid: URI, a control character or space in
 *         it; -ENAMETOOLONG: PIDF_URI_MAX bytes or more. loc is unchanged on error.
 */
int pidf_note_reference(struct pidf_location *loc, const char *uri, size_t len);

/* ---- reading the result ---- */

/** A civic element's text, or NULL when the document did not have it. */
const char *pidf_civic_get(const struct pidf_location *loc, enum pidf_civic_field f);

/** The element name of a civic field ("country", "A1", ...), or "?" when out of range. */
const char *pidf_civic_name(enum pidf_civic_field f);

/** "Point", "Circle", ... as RFC 5491 names the shape; "none" for PIDF_SHAPE_NONE. */
const char *pidf_shape_name(enum pidf_shape s);

/** "GPS", "Manual", "DHCP", ...; "other" and "none" for those two. */
const char *pidf_method_name(enum pidf_method m);

/** "none", "validated", "user-entered", "by-reference". */
const char *pidf_source_name(enum pidf_source s);

/**
 * A one-line human summary of the location, for `show calls` and the text of
 * the security-desk notification, e.g.
 *   "1 Main St, Redmond WA 98052, US; floor 2 (Manual, not validated)"
 *   "point 47.64000,-122.13000 ±25 m (GPS)"
 * The civic part comes first when there are both, each with its own method.
 * No location: "no location"; by reference only: "location by reference
 * <URI> (not fetched)". Printable UTF-8 only (control characters were
 * replaced when read); never a line break.
 * @param out  receives the summary, NUL-terminated when cap > 0, cut at a
 *             UTF-8 character boundary when it does not fit
 * @return the length of the whole summary (as snprintf: >= cap means it was cut)
 */
size_t pidf_summary(const struct pidf_location *loc, char *out, size_t cap);

#endif /* E911_PIDF_H */
