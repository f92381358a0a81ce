/*
 * test_pidf.c - the PIDF-LO reader (control/location/, include/e911/pidf.h).
 * Good documents are the files in tests/data/pidf/ (RFC 4119 civic, every
 * RFC 5491 shape, RFC 5139's full civic set, a user-entered one, device and
 * person forms, the enterprise-voice extension) and the PIDF-LO parts of the
 * emergency INVITEs in tests/data/sip/; each is checked field by field and by
 * its summary line. Every file in tests/data/pidf/bad/ must fail with its own
 * error code and leave the record as "no location"; under ASan every path is
 * leak-checked. Inline documents cover the edges: limits, truncation, text
 * clean-up, the extension's bad values, methods, several locations.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "e911/pidf.h"
#include "e911/sip.h"

#define PIDF_DIR TEST_DATA_DIR "/pidf"
#define LEN(a) (sizeof(a) / sizeof((a)[0]))

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return text;
}

/* Read tests/data/pidf/NAME; it must parse. */
static void read_good(const char *name, struct pidf_location *loc)
{
	char path[512], err[256];
	size_t len;
	char *xml;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", PIDF_DIR, name);
	xml = read_file(path, &len);
	rc = pidf_read(xml, len, loc, err, sizeof(err));
	free(xml);
	if (rc != 0)
		fail_msg("%s: rc %d: %s", name, rc, err);
	assert_string_equal(err, "");
}

static void assert_summary(const struct pidf_location *loc, const char *want)
{
	char got[512];
	size_t n = pidf_summary(loc, got, sizeof(got));

	assert_string_equal(got, want);
	assert_int_equal(n, strlen(want));
}

static bool is_none(const struct pidf_location *loc)
{
	struct pidf_location none;

	pidf_location_init(&none);
	return memcmp(&none, loc, sizeof(none)) == 0;
}

#define assert_civic(loc, f, want) assert_string_equal(pidf_civic_get((loc), PIDF_CIVIC_##f), (want))
#define assert_near(a, b) assert_true(fabs_((a) - (b)) < 1e-9)

static double fabs_(double x)
{
	return x < 0 ? -x : x;
}

/* ---- good documents ---- */

static void test_rfc4119_civic(void **state)
{
	struct pidf_location loc;

	(void)state;
	read_good("rfc4119-civic.xml", &loc);
	assert_int_equal(loc.source, PIDF_SOURCE_VALIDATED);
	assert_true(loc.has_civic);
	assert_false(loc.has_geo);
	assert_int_equal(loc.method, PIDF_METHOD_DHCP);
	assert_int_equal(loc.civic_method, PIDF_METHOD_DHCP);
	assert_string_equal(loc.method_text, "DHCP");
	assert_string_equal(loc.timestamp, "2003-06-22T20:57:29Z");
	assert_civic(&loc, COUNTRY, "US");
	assert_civic(&loc, A1, "New York");
	assert_civic(&loc, A3, "New York");
	assert_civic(&loc, A6, "Broadway");
	assert_civic(&loc, HNO, "123");
	assert_civic(&loc, LOC, "Suite 75");
	assert_civic(&loc, PC, "10027-0401");
	assert_null(pidf_civic_get(&loc, PIDF_CIVIC_RD));
	assert_null(pidf_civic_get(&loc, PIDF_CIVIC_FLR));
	assert_int_equal(loc.civic.present, (1u << PIDF_CIVIC_COUNTRY) | (1u << PIDF_CIVIC_A1) |
						    (1u << PIDF_CIVIC_A3) | (1u << PIDF_CIVIC_A6) |
						    (1u << PIDF_CIVIC_HNO) | (1u << PIDF_CIVIC_LOC) |
						    (1u << PIDF_CIVIC_PC));
	assert_string_equal(loc.civic.lang, "");
	assert_int_equal(loc.warnings, 0);
	assert_string_equal(loc.conference_uri, "");
	assert_false(loc.has_conference_mode);
	assert_string_equal(loc.policy_tag, "");
	/* No RD: A6 names the street (RFC 4776). */
	assert_summary(&loc, "123 Broadway, New York New York 10027-0401, US; Suite 75 (DHCP)");
}

static void test_rfc5139_every_civic_element(void **state)
{
	static const char *const want[PIDF_CIVIC_COUNT] = {
		[PIDF_CIVIC_COUNTRY] = "AU",
		[PIDF_CIVIC_A1] = "NSW",
		[PIDF_CIVIC_A2] = "Illawarra",
		[PIDF_CIVIC_A3] = "Wollongong",
		[PIDF_CIVIC_A4] = "North Wollongong",
		[PIDF_CIVIC_A5] = "Fairy Meadow Ward",
		[PIDF_CIVIC_A6] = "Flinders Precinct",
		[PIDF_CIVIC_PRM] = "Old",
		[PIDF_CIVIC_PRD] = "N",
		[PIDF_CIVIC_RD] = "Flinders",
		[PIDF_CIVIC_STS] = "Street",
		[PIDF_CIVIC_POD] = "E",
		[PIDF_CIVIC_POM] = "Extended",
		[PIDF_CIVIC_RDSEC] = "7",
		[PIDF_CIVIC_RDBR] = "Campbell Street",
		[PIDF_CIVIC_RDSUBBR] = "Lane 2",
		[PIDF_CIVIC_HNO] = "123",
		[PIDF_CIVIC_HNS] = "A",
		[PIDF_CIVIC_LMK] = "Gilligan's Island",
		[PIDF_CIVIC_LOC] = "Corner",
		[PIDF_CIVIC_FLR] = "2",
		[PIDF_CIVIC_NAM] = "Video Rental Store",
		[PIDF_CIVIC_PC] = "2500",
		[PIDF_CIVIC_BLD] = "Shopping Arcade",
		[PIDF_CIVIC_UNIT] = "Shop 5",
		[PIDF_CIVIC_ROOM] = "Westerns and Classics",
		[PIDF_CIVIC_SEAT] = "Counter 3",
		[PIDF_CIVIC_PLC] = "store",
		[PIDF_CIVIC_PCN] = "Wollongong North",
		[PIDF_CIVIC_POBOX] = "U40",
		[PIDF_CIVIC_ADDCODE] = "13203000003",
	};
	struct pidf_location loc;

	(void)state;
	read_good("rfc5139-full-civic.xml", &loc);
	assert_int_equal(loc.civic.present, (uint32_t)((1ull << PIDF_CIVIC_COUNT) - 1));
	assert_int_equal(loc.civic.truncated, 0);
	for (int f = 0; f < (int)PIDF_CIVIC_COUNT; f++) {
		const char *got = pidf_civic_get(&loc, (enum pidf_civic_field)f);
		if (got == NULL || strcmp(got, want[f]) != 0)
			fail_msg("%s: got '%s', want '%s'", pidf_civic_name((enum pidf_civic_field)f),
				 got ? got : "(absent)", want[f]);
	}
	assert_string_equal(loc.civic.lang, "en-AU");
	assert_int_equal(loc.method, PIDF_METHOD_WIREMAP);
	assert_int_equal(loc.source, PIDF_SOURCE_VALIDATED);
	assert_string_equal(loc.timestamp, "2024-05-14T08:00:00+10:00");
	assert_string_equal(pidf_civic_name(PIDF_CIVIC_ADDCODE), "ADDCODE");
	assert_string_equal(pidf_civic_name(PIDF_CIVIC_COUNT), "?");
	assert_summary(&loc, "Video Rental Store, 123 A N Old Flinders Street E Extended, "
			     "Wollongong NSW 2500, AU; building Shopping Arcade; floor 2; "
			     "unit Shop 5; room Westerns and Classics; seat Counter 3; Corner; "
			     "near Gilligan's Island; PO box U40 (Wiremap)");
}

struct shape_case {
	const char *file;
	enum pidf_shape shape;
	enum pidf_crs crs;
	struct pidf_pos pos;
	double a, b, c, d; /* the shape's measures, in the order of its summary */
	uint32_t vertices;
	enum pidf_method method;
	const char *summary;
};

static void test_rfc5491_each_shape(void **state)
{
	static const struct shape_case cases[] = {
		{ "rfc5491-point-2d.xml", PIDF_SHAPE_POINT, PIDF_CRS_4326, { -34.407, 150.883, 0 },
		  0, 0, 0, 0, 0, PIDF_METHOD_GPS, "point -34.40700,150.88300 (GPS)" },
		{ "rfc5491-point-3d.xml", PIDF_SHAPE_POINT, PIDF_CRS_4979, { -34.407, 150.883, 24.8 },
		  0, 0, 0, 0, 0, PIDF_METHOD_A_GPS, "point -34.40700,150.88300 alt 24.8 m (A-GPS)" },
		{ "rfc5491-circle.xml", PIDF_SHAPE_CIRCLE, PIDF_CRS_4326, { 42.5463, -73.2512, 0 },
		  850.24, 0, 0, 0, 0, PIDF_METHOD_GPS, "point 42.54630,-73.25120 ±850.24 m (GPS)" },
		{ "rfc5491-ellipse.xml", PIDF_SHAPE_ELLIPSE, PIDF_CRS_4326, { 42.5463, -73.2512, 0 },
		  1275, 670, 43.2, 0, 0, PIDF_METHOD_CELL,
		  "ellipse 42.54630,-73.25120 semi-axes 1275 m/670 m orientation 43.2° (Cell)" },
		{ "rfc5491-arcband.xml", PIDF_SHAPE_ARCBAND, PIDF_CRS_4326, { -43.5723, 153.2176, 0 },
		  3594, 4148, 20, 20, 0, PIDF_METHOD_TRIANGULATION,
		  "arc band -43.57230,153.21760 radius 3594-4148 m from 20° opening 20° "
		  "(Triangulation)" },
		{ "rfc5491-polygon.xml", PIDF_SHAPE_POLYGON, PIDF_CRS_4326, { 43.211, -73.322, 0 },
		  0, 0, 0, 0, 5, PIDF_METHOD_WIREMAP,
		  "polygon of 4 points around 43.21100,-73.32200 (Wiremap)" },
		{ "rfc5491-polygon-pos.xml", PIDF_SHAPE_POLYGON, PIDF_CRS_4979, { 43.211, -73.322, 10 },
		  0, 0, 0, 0, 5, PIDF_METHOD_DERIVED,
		  "polygon of 4 points around 43.21100,-73.32200 (Derived)" },
		{ "rfc5491-prism.xml", PIDF_SHAPE_PRISM, PIDF_CRS_4979, { 42.606844, -73.298157, 36.6 },
		  2.4, 0, 0, 0, 5, PIDF_METHOD_802_11,
		  "prism of 4 points around 42.60684,-73.29816 alt 36.6 m height 2.4 m (802.11)" },
		{ "rfc5491-sphere.xml", PIDF_SHAPE_SPHERE, PIDF_CRS_4979, { 42.5463, -73.2512, 26.3 },
		  850.24, 0, 0, 0, 0, PIDF_METHOD_GPS,
		  "point 42.54630,-73.25120 alt 26.3 m ±850.24 m (GPS)" },
		{ "rfc5491-ellipsoid.xml", PIDF_SHAPE_ELLIPSOID, PIDF_CRS_4979,
		  { 42.5463, -73.2512, 26.3 }, 7.7156, 3.31, 28.7, 90, 0, PIDF_METHOD_OTHER,
		  "ellipsoid 42.54630,-73.25120 alt 26.3 m semi-axes 7.7156 m/3.31 m/28.7 m "
		  "orientation 90° (Hybrid)" },
	};

	(void)state;
	for (size_t i = 0; i < LEN(cases); i++) {
		const struct shape_case *t = &cases[i];
		struct pidf_location loc;
		const struct pidf_geo *g = &loc.geo;

		print_message("%s\n", t->file);
		read_good(t->file, &loc);
		assert_true(loc.has_geo);
		assert_false(loc.has_civic);
		assert_int_equal(g->shape, t->shape);
		assert_int_equal(g->crs, t->crs);
		assert_near(g->pos.lat, t->pos.lat);
		assert_near(g->pos.lon, t->pos.lon);
		assert_near(g->pos.alt, t->pos.alt);
		assert_int_equal(g->vertex_count, t->vertices);
		assert_int_equal(loc.method, t->method);
		assert_int_equal(loc.geo_method, t->method);
		assert_int_equal(loc.source, PIDF_SOURCE_VALIDATED);
		assert_string_equal(loc.timestamp, "2024-05-14T19:02:11Z");
		assert_int_equal(loc.warnings, 0);
		switch (t->shape) {
		case PIDF_SHAPE_CIRCLE:
		case PIDF_SHAPE_SPHERE:
			assert_near(g->radius, t->a);
			break;
		case PIDF_SHAPE_ELLIPSE:
			assert_near(g->semi_major, t->a);
			assert_near(g->semi_minor, t->b);
			assert_near(g->orientation, t->c);
			break;
		case PIDF_SHAPE_ELLIPSOID:
			assert_near(g->semi_major, t->a);
			assert_near(g->semi_minor, t->b);
			assert_near(g->vertical_axis, t->c);
			assert_near(g->orientation, t->d);
			break;
		case PIDF_SHAPE_ARCBAND:
			assert_near(g->inner_radius, t->a);
			assert_near(g->outer_radius, t->b);
			assert_near(g->start_angle, t->c);
			assert_near(g->opening_angle, t->d);
			break;
		case PIDF_SHAPE_PRISM:
			assert_near(g->height, t->a);
			/* fall through */
		case PIDF_SHAPE_POLYGON:
			assert_near(g->vertices[0].lat, g->vertices[t->vertices - 1].lat);
			assert_near(g->vertices[1].lat, t->shape == PIDF_SHAPE_PRISM ? 42.656844 : 43.111);
			break;
		default:
			break;
		}
		assert_summary(&loc, t->summary);
	}
	assert_string_equal(pidf_shape_name(PIDF_SHAPE_ARCBAND), "ArcBand");
	assert_string_equal(pidf_shape_name(PIDF_SHAPE_NONE), "none");
}

static void test_manual_location_is_user_entered(void **state)
{
	struct pidf_location loc;

	(void)state;
	read_good("manual-user-entered.xml", &loc);
	assert_int_equal(loc.source, PIDF_SOURCE_USER_ENTERED);
	assert_int_equal(loc.method, PIDF_METHOD_MANUAL);
	assert_string_equal(pidf_source_name(loc.source), "user-entered");
	assert_summary(&loc, "1 Main St, Redmond WA 98052, US; floor 2 (Manual, not validated)");
}

static void test_device_and_person_forms(void **state)
{
	struct pidf_location loc;

	(void)state;
	read_good("device-civic.xml", &loc);
	assert_int_equal(loc.source, PIDF_SOURCE_VALIDATED);
	assert_int_equal(loc.method, PIDF_METHOD_LLDP_MED);
	assert_string_equal(loc.timestamp, "2024-05-14T15:30:00-05:00");
	assert_civic(&loc, A3, "Austin");
	assert_summary(&loc, "Example Tower, 500 W 6th St, Austin TX 78701, US; floor 12; "
			     "unit 1200 (LLDP-MED)");

	read_good("person-point.xml", &loc);
	assert_int_equal(loc.geo.shape, PIDF_SHAPE_POINT);
	assert_string_equal(loc.timestamp, "2024-05-14T12:00:00Z");
	assert_summary(&loc, "point 47.64000,-122.13000 (GPS)");
}

static void test_enterprise_voice_extension(void **state)
{
	struct pidf_location loc;

	(void)state;
	read_good("msft-extension.xml", &loc);
	assert_string_equal(loc.conference_uri, "sip:+14255550199@example.com;user=phone");
	assert_true(loc.has_conference_mode);
	assert_int_equal(loc.conference_mode, E911_CONFERENCE_TWO_WAY);
	assert_string_equal(loc.policy_tag, "user-tagid");
	assert_int_equal(loc.warnings, 0);
	assert_summary(&loc, "Example Campus, 3910 163rd Ave NE, Redmond WA 98052, US (DHCP)");
}

static void test_a_document_without_location(void **state)
{
	struct pidf_location loc;

	(void)state;
	read_good("no-location.xml", &loc);
	assert_true(is_none(&loc));
	assert_int_equal(loc.source, PIDF_SOURCE_NONE);
	assert_summary(&loc, "no location");
	pidf_location_init(&loc);
	assert_summary(&loc, "no location");
}

/* ---- bad documents ---- */

static const struct bad_case {
	const char *file;
	int rc;
	const char *msg; /* the error message contains this */
} bad_cases[] = {
	{ "not-xml.txt", -EBADMSG, "not well-formed XML: line 1: " },
	{ "truncated.xml", -EBADMSG, "not well-formed XML" },
	{ "undeclared-prefix.xml", -EBADMSG, "Namespace prefix xx on civicAddress is not defined" },
	{ "doctype-xxe.xml", -ENOTSUP, "line 2: DOCTYPE is not allowed" },
	{ "doctype-external-dtd.xml", -ENOTSUP, "line 2: DOCTYPE is not allowed" },
	{ "billion-laughs.xml", -ENOTSUP, "line 2: DOCTYPE is not allowed" },
	{ "too-deep.xml", -ELOOP, "line 3: elements nested more than 32 deep" },
	{ "wrong-namespace.xml", -ENOMSG,
	  "not a PIDF document: root element 'presence' in namespace "
	  "'urn:ietf:params:xml:ns:cpim-pidf'; expected 'presence' in namespace "
	  "'urn:ietf:params:xml:ns:pidf'" },
	{ "root-no-namespace.xml", -ENOMSG, "root element 'presence' in no namespace" },
	{ "bad-latitude.xml", -EDOM, "Point at line 11: latitude 91.5 is outside -90..90" },
	{ "bad-coordinate-text.xml", -EDOM, "Point at line 11: pos: 'west' is not a number" },
	{ "bad-nan.xml", -EDOM, "Point at line 11: pos: 'NaN' is not a number" },
	{ "bad-3d-pos-in-2d.xml", -EDOM, "Point at line 11: pos: wrong count, want 2 values" },
	{ "bad-srsname.xml", -EDOM,
	  "Point at line 11: srsName 'urn:ogc:def:crs:EPSG::3857' is neither" },
	{ "bad-uom-feet.xml", -EDOM,
	  "Circle at line 11: radius: uom 'urn:ogc:def:uom:EPSG::9002' is not "
	  "urn:ogc:def:uom:EPSG::9001 (metres)" },
	{ "bad-negative-radius.xml", -EDOM, "Circle at line 11: radius -850.24 is negative" },
	{ "bad-polygon-open.xml", -EDOM, "Polygon at line 11: the ring is not closed" },
	{ "bad-sphere-2d.xml", -EDOM,
	  "Sphere at line 11: srsName must be urn:ogc:def:crs:EPSG::4979" },
	{ "bad-arcband-angle.xml", -EDOM,
	  "ArcBand at line 11: openingAngle 420 is more than 360 degrees" },
};

static void test_each_bad_file_fails_with_its_error(void **state)
{
	glob_t g;

	(void)state;
	assert_int_equal(glob(PIDF_DIR "/bad/*", 0, NULL, &g), 0);
	/* Every file has a row, and every row a file. */
	assert_int_equal(g.gl_pathc, LEN(bad_cases));
	globfree(&g);
	for (size_t i = 0; i < LEN(bad_cases); i++) {
		const struct bad_case *t = &bad_cases[i];
		struct pidf_location loc;
		char path[512], err[256];
		size_t len;
		char *xml;
		int rc;

		snprintf(path, sizeof(path), "%s/bad/%s", PIDF_DIR, t->file);
		xml = read_file(path, &len);
		memset(&loc, 0xa5, sizeof(loc));
		rc = pidf_read(xml, len, &loc, err, sizeof(err));
		free(xml);
		if (rc != t->rc || strstr(err, t->msg) == NULL)
			fail_msg("%s: rc %d '%s'\n  want rc %d with '%s'", t->file, rc, err, t->rc,
				 t->msg);
		if (!is_none(&loc))
			fail_msg("%s: the record is not 'no location' after the error", t->file);
	}
}

/* ---- inline documents ---- */

#define PRESENCE_OPEN                                                            \
	"<?xml version=\"1.0\"?>\n"                                              \
	"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\""                        \
	" xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\""                    \
	" xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\""          \
	" xmlns:gml=\"http://www.opengis.net/gml\""                              \
	" xmlns:gs=\"http://www.opengis.net/pidflo/1.0\""                        \
	" xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\""                   \
	" xmlns:ms=\"urn:schema:Rtc.LIS.msftE911PidfExtn.2008\""                 \
	" xmlns:tag=\"urn:schema:Rtc.Lis.LocationPolicyTagID.2008\""             \
	" entity=\"pres:t@example.com\">"
#define PRESENCE_CLOSE "</presence>"
/* A tuple with one geopriv: its location-info content, then what follows it (method...). */
#define TUPLE(li, rest)                                                          \
	"<tuple id=\"t\"><status><gp:geopriv><gp:location-info>" li             \
	"</gp:location-info>" rest "</gp:geopriv></status></tuple>"
#define CIVIC(fields) "<ca:civicAddress>" fields "</ca:civicAddress>"
#define METHOD(m) "<gp:method>" m "</gp:method>"
#define POINT(pos)                                                               \
	"<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>" pos "</gml:pos></gml:Point>"
#define DOC(body) PRESENCE_OPEN body PRESENCE_CLOSE

static int read_str(const char *xml, struct pidf_location *loc, char *err, size_t errlen)
{
	return pidf_read(xml, strlen(xml), loc, err, errlen);
}

static void read_ok(const char *xml, struct pidf_location *loc)
{
	char err[256];
	int rc = read_str(xml, loc, err, sizeof(err));

	if (rc != 0)
		fail_msg("rc %d: %s\n%s", rc, err, xml);
}

static void test_size_limits(void **state)
{
	static const char head[] = DOC(TUPLE(CIVIC("<ca:country>US</ca:country>"), "")) "<!--";
	struct pidf_location loc;
	char err[128];
	char *big = malloc(PIDF_MAX_BYTES + 2);

	(void)state;
	assert_non_null(big);
	/* Exactly PIDF_MAX_BYTES: read. */
	memcpy(big, head, sizeof(head) - 1);
	memset(big + sizeof(head) - 1, 'x', PIDF_MAX_BYTES - (sizeof(head) - 1) - 3);
	memcpy(big + PIDF_MAX_BYTES - 3, "-->", 3);
	assert_int_equal(pidf_read(big, PIDF_MAX_BYTES, &loc, err, sizeof(err)), 0);
	assert_civic(&loc, COUNTRY, "US");
	/* One byte more: refused before parsing. */
	big[PIDF_MAX_BYTES] = '\n';
	assert_int_equal(pidf_read(big, PIDF_MAX_BYTES + 1, &loc, err, sizeof(err)), -EFBIG);
	assert_string_equal(err, "65537 bytes, more than the 65536 a PIDF-LO may have");
	assert_true(is_none(&loc));
	free(big);

	assert_int_equal(pidf_read("", 0, &loc, err, sizeof(err)), -EBADMSG);
	assert_string_equal(err, "empty document");
	assert_int_equal(pidf_read(NULL, 0, &loc, NULL, 0), -EBADMSG);
	/* A short error buffer gets a cut, terminated message. */
	assert_int_equal(pidf_read("<", 1, &loc, err, 8), -EBADMSG);
	assert_string_equal(err, "not wel");
}

/* Nesting of exactly PIDF_MAX_DEPTH is read; one more is refused. */
static void test_depth_limit(void **state)
{
	char doc[2048];
	struct pidf_location loc;
	char err[128];

	(void)state;
	for (unsigned depth = PIDF_MAX_DEPTH; depth <= PIDF_MAX_DEPTH + 1; depth++) {
		size_t n = (size_t)snprintf(doc, sizeof(doc), "%s", PRESENCE_OPEN);
		for (unsigned i = 1; i < depth; i++)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n, "<e%u>", i);
		for (unsigned i = depth - 1; i >= 1; i--)
			n += (size_t)snprintf(doc + n, sizeof(doc) - n, "</e%u>", i);
		snprintf(doc + n, sizeof(doc) - n, "%s", PRESENCE_CLOSE);
		assert_int_equal(read_str(doc, &loc, err, sizeof(err)),
				 depth <= PIDF_MAX_DEPTH ? 0 : -ELOOP);
	}
}

static void test_civic_text_is_cleaned_and_bounded(void **state)
{
	char doc[4096], longer[300];
	struct pidf_location loc;

	(void)state;
	/*
	 * White space collapsed and trimmed; control characters become spaces: XML 1.0
	 * lets through no C0 but tab, LF and CR, so what can arrive is those, DEL and C1.
	 */
	read_ok(DOC(TUPLE(CIVIC("<ca:RD>\n  NE\t\t36th&#13;</ca:RD><ca:NAM>Bad&#x7f;[2J"
				"\xc2\x85name</ca:NAM><ca:LOC><![CDATA[<Lab> & co]]></ca:LOC>"
				"<ca:A3>M\xc3\xbcnchen</ca:A3><ca:FLR></ca:FLR>"),
			  METHOD("DHCP"))),
		&loc);
	assert_civic(&loc, RD, "NE 36th");
	assert_civic(&loc, NAM, "Bad [2J name");
	assert_civic(&loc, LOC, "<Lab> & co");
	assert_civic(&loc, A3, "M\xc3\xbcnchen");
	assert_civic(&loc, FLR, "");
	assert_int_equal(loc.warnings, 0);

	/* 126 ASCII bytes then a 2-byte character: cut before the character, flagged. */
	memset(longer, 'a', 126);
	strcpy(longer + 126, "\xc3\xa9tage");
	snprintf(doc, sizeof(doc), DOC(TUPLE(CIVIC("<ca:LOC>%s</ca:LOC><ca:RD>x</ca:RD><ca:RD>y</ca:RD>"), "")),
		 longer);
	read_ok(doc, &loc);
	assert_int_equal(strlen(pidf_civic_get(&loc, PIDF_CIVIC_LOC)), 126);
	assert_int_equal(loc.civic.truncated, 1u << PIDF_CIVIC_LOC);
	assert_civic(&loc, RD, "x"); /* the first of two */
	assert_int_equal(loc.warnings, PIDF_WARN_TRUNCATED | PIDF_WARN_DUPLICATE);
	/* Unknown elements and other namespaces inside civicAddress are skipped. */
	read_ok(DOC(TUPLE(CIVIC("<ca:XYZ>1</ca:XYZ><gml:pos>1 2</gml:pos><ca:HNO>9</ca:HNO>"), "")), &loc);
	assert_int_equal(loc.civic.present, 1u << PIDF_CIVIC_HNO);
}

static void test_methods(void **state)
{
	struct pidf_location loc;

	(void)state;
	/* "manual" in any case is still the user typing: never validated. */
	read_ok(DOC(TUPLE(POINT("1 2"), METHOD(" manual "))), &loc);
	assert_int_equal(loc.source, PIDF_SOURCE_USER_ENTERED);
	assert_string_equal(loc.method_text, "manual");
	assert_summary(&loc, "point 1.00000,2.00000 (Manual, not validated)");
	/* No method: a location is there, so validated; the summary says nothing of a method. */
	read_ok(DOC(TUPLE(POINT("1 2"), "")), &loc);
	assert_int_equal(loc.source, PIDF_SOURCE_VALIDATED);
	assert_int_equal(loc.method, PIDF_METHOD_NONE);
	assert_summary(&loc, "point 1.00000,2.00000");
	/* An unlisted token is kept as written. */
	read_ok(DOC(TUPLE(POINT("1 2"), METHOD("IPDL"))), &loc);
	assert_int_equal(loc.method, PIDF_METHOD_OTHER);
	assert_summary(&loc, "point 1.00000,2.00000 (IPDL)");
	assert_string_equal(pidf_method_name(PIDF_METHOD_802_11), "802.11");
	assert_string_equal(pidf_method_name(PIDF_METHOD_NONE), "none");
	/* A method but no location: none. */
	read_ok(DOC(TUPLE("", METHOD("GPS"))), &loc);
	assert_int_equal(loc.source, PIDF_SOURCE_NONE);
}

/* The civic address is primary; each part keeps its own method; later ones are counted. */
#define SEVERAL                                                                          \
	"<dm:device id=\"g\"><gp:geopriv><gp:location-info>" POINT("47.6 -122.1")         \
	"</gp:location-info>" METHOD("Manual") "</gp:geopriv>"                             \
	"<dm:timestamp>2024-01-01T00:00:00Z</dm:timestamp></dm:device>"                    \
	TUPLE(CIVIC("<ca:country>US</ca:country><ca:A3>Redmond</ca:A3>")                   \
	      CIVIC("<ca:country>CA</ca:country>") POINT("1 2") "<gp:other/>",              \
	      METHOD("DHCP"))

static void test_several_locations(void **state)
{
	struct pidf_location loc;
	char err[256];

	(void)state;
	read_ok(DOC(SEVERAL), &loc);
	assert_civic(&loc, COUNTRY, "US");
	assert_int_equal(loc.geo.shape, PIDF_SHAPE_POINT);
	assert_near(loc.geo.pos.lat, 47.6);
	assert_int_equal(loc.civic_method, PIDF_METHOD_DHCP);
	assert_int_equal(loc.geo_method, PIDF_METHOD_MANUAL);
	assert_int_equal(loc.source, PIDF_SOURCE_VALIDATED);
	assert_int_equal(loc.method, PIDF_METHOD_DHCP);
	assert_string_equal(loc.timestamp, ""); /* the civic address's tuple has none */
	assert_int_equal(loc.warnings, PIDF_WARN_MORE_LOCATIONS | PIDF_WARN_UNKNOWN_LOCATION);
	assert_summary(&loc, "Redmond, US (DHCP); point 47.60000,-122.10000 (Manual, not validated)");
	/* A later shape that is wrong fails the read like a first one. */
	assert_int_equal(read_str(DOC(SEVERAL "<gp:geopriv><gp:location-info>" POINT("95 0")
					  "</gp:location-info></gp:geopriv>"),
				  &loc, err, sizeof(err)),
			 -EDOM);
	assert_true(is_none(&loc));
}

static void test_extension_edges(void **state)
{
	struct pidf_location loc;
	char doc[2048], tag[100];

	(void)state;
	/* Unusable values are dropped, never cut; repeats count the first only. */
	read_ok(DOC(TUPLE("", "<gp:provided-by><ms:msftE911PidfExtn>"
			      "<ms:ConferenceUri>http://example.com/desk</ms:ConferenceUri>"
			      "<ms:ConferenceMode>threeway</ms:ConferenceMode>"
			      "<ms:NotificationUri>sip:desk@example.com</ms:NotificationUri>"
			      "</ms:msftE911PidfExtn></gp:provided-by>")),
		&loc);
	assert_string_equal(loc.conference_uri, "");
	assert_false(loc.has_conference_mode);
	assert_int_equal(loc.warnings, PIDF_WARN_EXTENSION);
	assert_int_equal(loc.source, PIDF_SOURCE_NONE);

	memset(tag, 't', 64);
	tag[64] = '\0';
	snprintf(doc, sizeof(doc),
		 DOC("<ms:ConferenceMode>OneWay</ms:ConferenceMode><ms:ConferenceMode>twoway"
		     "</ms:ConferenceMode><ms:ConferenceUri>sips:desk@example.com</ms:ConferenceUri>"
		     "<tag:LocationPolicyTagID>%s</tag:LocationPolicyTagID>"),
		 tag);
	read_ok(doc, &loc);
	assert_true(loc.has_conference_mode);
	assert_int_equal(loc.conference_mode, E911_CONFERENCE_ONE_WAY);
	assert_string_equal(loc.conference_uri, "sips:desk@example.com");
	assert_string_equal(loc.policy_tag, ""); /* 64 bytes do not fit 63 + NUL */
	assert_int_equal(loc.warnings, PIDF_WARN_EXTENSION);

	tag[63] = '\0';
	snprintf(doc, sizeof(doc), DOC("<tag:LocationPolicyTagID> %s </tag:LocationPolicyTagID>"), tag);
	read_ok(doc, &loc);
	assert_string_equal(loc.policy_tag, tag);
	assert_int_equal(loc.warnings, 0);
	/* The element name in another namespace is not the extension. */
	read_ok(DOC("<LocationPolicyTagID xmlns=\"http://schemas.microsoft.com/2007/LocationPolicyTagID\">"
		    "x</LocationPolicyTagID><ConferenceUri>sip:a@example.com</ConferenceUri>"),
		&loc);
	assert_string_equal(loc.policy_tag, "");
	assert_string_equal(loc.conference_uri, "");
}

static void test_polygon_vertices_beyond_the_array(void **state)
{
	char doc[4096];
	char list[2048];
	struct pidf_location loc;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%.1f %.2f ", i + 0.5, -(i + 0.25));
	snprintf(list + n, sizeof(list) - n, "0.5 -0.25");
	snprintf(doc, sizeof(doc),
		 DOC(TUPLE("<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:exterior>"
			   "<gml:LinearRing><gml:posList>%s</gml:posList></gml:LinearRing>"
			   "</gml:exterior></gml:Polygon>", "")),
		 list);
	read_ok(doc, &loc);
	assert_int_equal(loc.geo.vertex_count, 21);
	assert_near(loc.geo.vertices[15].lat, 15.5);
	assert_near(loc.geo.pos.lat, 8.0); /* mean of 0.5..15.5, all 16 kept being distinct */
	assert_int_equal(loc.warnings, PIDF_WARN_VERTICES);
	assert_summary(&loc, "polygon of 20 points around 8.00000,-7.75000");
}

static void test_shape_errors_inline(void **state)
{
	static const struct {
		const char *li;
		const char *msg;
	} cases[] = {
		{ "<gml:Point><gml:pos>1 2</gml:pos></gml:Point>", "Point at line 3: no srsName" },
		{ "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"/>", "no gml:pos" },
		{ "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos> </gml:pos></gml:Point>",
		  "pos: empty" },
		{ "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>1 2 3 4</gml:pos></gml:Point>",
		  "pos: wrong count" },
		{ "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>1 0x10</gml:pos></gml:Point>",
		  "'0x10' is not a number" },
		{ "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>1 1e999</gml:pos></gml:Point>",
		  "'1e999' is not a number" },
		{ "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>1 -180.5</gml:pos></gml:Point>",
		  "longitude -180.5 is outside -180..180" },
		{ "<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>1 2</gml:pos></gs:Circle>",
		  "Circle at line 3: no gs:radius" },
		{ "<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>1 2</gml:pos>"
		  "<gs:radius>5 6</gs:radius></gs:Circle>",
		  "radius is not one number" },
		{ "<gs:Ellipse srsName=\"urn:ogc:def:crs:EPSG::4979\"/>", "srsName must be urn:ogc:def:crs:EPSG::4326" },
		{ "<gs:ArcBand srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>1 2</gml:pos>"
		  "<gs:innerRadius>9</gs:innerRadius><gs:outerRadius>5</gs:outerRadius>"
		  "<gs:startAngle>0</gs:startAngle><gs:openingAngle>0</gs:openingAngle></gs:ArcBand>",
		  "innerRadius 9 is more than outerRadius 5" },
		{ "<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\"/>", "no gml:exterior/gml:LinearRing" },
		{ "<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:exterior><gml:LinearRing>"
		  "<gml:posList>1 2 3 4 1 2</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>",
		  "3 positions; a ring has at least 4" },
		{ "<gs:Prism srsName=\"urn:ogc:def:crs:EPSG::4979\"><gs:height>1</gs:height></gs:Prism>",
		  "Prism at line 3: no gs:base/gml:Polygon" },
		{ "<gs:Ellipsoid srsName=\"urn:ogc:def:crs:EPSG::4979\"><gml:pos>1 2 3</gml:pos>"
		  "<gs:verticalAxis>1</gs:verticalAxis><gs:semiMajorAxis>1</gs:semiMajorAxis>"
		  "<gs:semiMinorAxis>1</gs:semiMinorAxis></gs:Ellipsoid>",
		  "no gs:orientation" },
	};

	(void)state;
	for (size_t i = 0; i < LEN(cases); i++) {
		char doc[2048], err[256];
		struct pidf_location loc;
		int rc;

		snprintf(doc, sizeof(doc), PRESENCE_OPEN "\n" TUPLE("%s", "") PRESENCE_CLOSE,
			 cases[i].li);
		rc = read_str(doc, &loc, err, sizeof(err));
		if (rc != -EDOM || strstr(err, cases[i].msg) == NULL)
			fail_msg("case %zu: rc %d '%s', want -EDOM with '%s'", i, rc, err, cases[i].msg);
		assert_true(is_none(&loc));
	}
}

static void test_reference(void **state)
{
	struct pidf_location loc;
	char uri[PIDF_URI_MAX + 1];

	(void)state;
	pidf_location_init(&loc);
	assert_int_equal(pidf_note_reference(&loc, "cid:loc@example.com", 19), -EINVAL);
	assert_int_equal(pidf_note_reference(&loc, "CID:x", 5), -EINVAL);
	assert_int_equal(pidf_note_reference(&loc, "", 0), -EINVAL);
	assert_int_equal(pidf_note_reference(&loc, "https://a b", 11), -EINVAL);
	memset(uri, 'u', sizeof(uri));
	assert_int_equal(pidf_note_reference(&loc, uri, PIDF_URI_MAX), -ENAMETOOLONG);
	assert_true(is_none(&loc));
	assert_int_equal(pidf_note_reference(&loc, "https://lis.example.com/loc/8f2a;x", 27), 0);
	assert_int_equal(loc.source, PIDF_SOURCE_REFERENCE);
	assert_string_equal(loc.reference, "https://lis.example.com/loc");
	assert_string_equal(pidf_source_name(loc.source), "by-reference");
	assert_summary(&loc, "location by reference https://lis.example.com/loc (not fetched)");

	/* With a location by value too, the source stays that of the value. */
	read_ok(DOC(TUPLE(POINT("1 2"), METHOD("GPS"))), &loc);
	assert_int_equal(pidf_note_reference(&loc, "sip:lis@example.com", 19), 0);
	assert_int_equal(loc.source, PIDF_SOURCE_VALIDATED);
	assert_summary(&loc, "point 1.00000,2.00000 (GPS); location by reference sip:lis@example.com "
			     "(not fetched)");
}

static void test_summary_is_cut_at_a_character(void **state)
{
	struct pidf_location loc;
	const char *full = "point 42.54630,-73.25120 ±850.24 m (GPS)";
	size_t at = strlen("point 42.54630,-73.25120 "); /* where ± (2 bytes) starts */
	char out[64];

	(void)state;
	read_good("rfc5491-circle.xml", &loc);
	for (size_t cap = 0; cap <= strlen(full) + 1; cap++) {
		memset(out, '#', sizeof(out));
		assert_int_equal(pidf_summary(&loc, out, cap), strlen(full));
		if (cap == 0) {
			assert_int_equal(out[0], '#');
			continue;
		}
		if (cap - 1 == at + 1) /* room for half of ± only: it is left out */
			assert_int_equal(strlen(out), at);
		else
			assert_int_equal(strlen(out), cap - 1 < strlen(full) ? cap - 1 : strlen(full));
		assert_memory_equal(out, full, strlen(out));
	}
}

/* ---- the PIDF-LO of the sample emergency INVITEs ---- */

struct sip_case {
	const char *file;
	enum pidf_source source;
	const char *a3, *hno, *room;  /* civic, NULL when there is none */
	enum pidf_shape shape;        /* geodetic, NONE when there is none */
	const char *tag;              /* LocationPolicyTagID */
	const char *summary;
};

static void test_sample_invites(void **state)
{
	static const struct sip_case cases[] = {
		{ "emergency-invite.sip", PIDF_SOURCE_VALIDATED, "Redmond", "15010", "2110",
		  PIDF_SHAPE_NONE, "",
		  "Example Corp Building 7, 15010 NE 36th St, Redmond WA 98052, US; floor 2; "
		  "room 2110 (DHCP)" },
		{ "emergency-invite-9911.sip", PIDF_SOURCE_USER_ENTERED, NULL, NULL, NULL,
		  PIDF_SHAPE_CIRCLE, "", "point 47.64127,-122.13046 ±25 m (Manual, not validated)" },
		{ "emergency-invite-sos.sip", PIDF_SOURCE_USER_ENTERED, "Redmond", "7800", "104",
		  PIDF_SHAPE_NONE, "",
		  "Example Org Annex, 7800 Redmond Way, Redmond WA 98052, US; floor 1; room 104 "
		  "(Manual, not validated)" },
		{ "emergency-invite-tel.sip", PIDF_SOURCE_VALIDATED, "Redmond", "15010", "3045",
		  PIDF_SHAPE_NONE, "",
		  "Example Corp Building 7, 15010 NE 36th St, Redmond WA 98052, US; floor 3; "
		  "room 3045 (DHCP)" },
		{ "emergency-invite-big.sip", PIDF_SOURCE_VALIDATED, "Redmond", "15010", "4127",
		  PIDF_SHAPE_POLYGON, "redmond-b7-floor4",
		  "Example Corp Building 7, 15010 NE 36th St, Redmond WA 98052, US; building 7; "
		  "floor 4; unit Suite 400; room 4127; seat Desk 12; North wing (DHCP); polygon of "
		  "5 points around 47.64105,-122.13046 (Manual, not validated)" },
	};
	struct sip_msg *msg = malloc(sizeof(*msg));

	(void)state;
	assert_non_null(msg);
	for (size_t i = 0; i < LEN(cases); i++) {
		const struct sip_case *t = &cases[i];
		struct pidf_location loc;
		struct e911_slice pidf;
		char path[512], err[256];
		size_t len;
		char *text;

		print_message("%s\n", t->file);
		snprintf(path, sizeof(path), "%s/sip/%s", TEST_DATA_DIR, t->file);
		text = read_file(path, &len);
		assert_true(sip_parse(text, (uint32_t)len, msg) > 0);
		assert_int_equal(sip_find_pidf(msg, &pidf), 0);
		if (pidf_read(pidf.p, pidf.len, &loc, err, sizeof(err)) != 0)
			fail_msg("%s: %s", t->file, err);
		assert_int_equal(loc.source, t->source);
		assert_int_equal(loc.has_civic, t->a3 != NULL);
		if (t->a3 != NULL) {
			assert_civic(&loc, COUNTRY, "US");
			assert_civic(&loc, A1, "WA");
			assert_civic(&loc, A3, t->a3);
			assert_civic(&loc, HNO, t->hno);
			assert_civic(&loc, ROOM, t->room);
			assert_civic(&loc, PC, "98052");
		}
		assert_int_equal(loc.geo.shape, t->shape);
		assert_string_equal(loc.policy_tag, t->tag);
		assert_int_equal(loc.warnings, 0);
		assert_summary(&loc, t->summary);
		free(text);
	}
	free(msg);
}

/* The big INVITE also carries the conference request of the extension. */
static void test_sample_invite_extension(void **state)
{
	struct sip_msg *msg = malloc(sizeof(*msg));
	struct pidf_location loc;
	struct e911_slice pidf;
	size_t len;
	char *text = read_file(TEST_DATA_DIR "/sip/emergency-invite-big.sip", &len);

	(void)state;
	assert_non_null(msg);
	assert_true(sip_parse(text, (uint32_t)len, msg) > 0);
	assert_int_equal(sip_find_pidf(msg, &pidf), 0);
	assert_int_equal(pidf_read(pidf.p, pidf.len, &loc, NULL, 0), 0);
	assert_string_equal(loc.conference_uri, "sip:security-desk@example.com");
	assert_true(loc.has_conference_mode);
	assert_int_equal(loc.conference_mode, E911_CONFERENCE_ONE_WAY);
	assert_int_equal(loc.civic_method, PIDF_METHOD_DHCP);
	assert_int_equal(loc.geo_method, PIDF_METHOD_MANUAL);
	assert_int_equal(loc.geo.vertex_count, 6);
	/* The civic address is primary: its device's timestamp and method. */
	assert_int_equal(loc.method, PIDF_METHOD_DHCP);
	assert_string_equal(loc.timestamp, "2024-05-14T18:23:45Z");
	free(text);
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4119_civic),
		cmocka_unit_test(test_rfc5139_every_civic_element),
		cmocka_unit_test(test_rfc5491_each_shape),
		cmocka_unit_test(test_manual_location_is_user_entered),
		cmocka_unit_test(test_device_and_person_forms),
		cmocka_unit_test(test_enterprise_voice_extension),
		cmocka_unit_test(test_a_document_without_location),
		cmocka_unit_test(test_each_bad_file_fails_with_its_error),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_civic_text_is_cleaned_and_bounded),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_several_locations),
		cmocka_unit_test(test_extension_edges),
		cmocka_unit_test(test_polygon_vertices_beyond_the_array),
		cmocka_unit_test(test_shape_errors_inline),
		cmocka_unit_test(test_reference),
		cmocka_unit_test(test_summary_is_cut_at_a_character),
		cmocka_unit_test(test_sample_invites),
		cmocka_unit_test(test_sample_invite_extension),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
