/*
 * gen_pidf.c - PIDF-LO documents (RFC 4119, RFC 5491) of the callers'
 * buildings: a civic address (RFC 5139 element order) in the RFC 4119
 * tuple/status form, a geodetic point or circle in the RFC 5491 dm:device
 * form, or a large document (polygon + full civic address + usage rules +
 * the enterprise-voice msftE911PidfExtn) that makes the INVITE exceed 2 KiB.
 * Lines end CRLF, like every other line of the message, except the last.
 */
#include <inttypes.h>

#include "gen.h"

/* One building per caller site; sites beyond the table reuse it. */
struct building {
	const char *a1, *a2, *a3, *prd, *rd, *sts, *hno, *nam, *pc;
	const char *tag; /* LocationPolicyTagID: a policy tag of examples/realistic.xml */
	int32_t lat, lon; /* micro-degrees */
};

static const struct building buildings[] = {
	{ "IL", "Cook", "Chicago", "S", "Wacker", "Dr", "233", "Example Corp Chicago HQ", "60606",
	  "chicago-hq", 41878890, -87635880 },
	{ "WA", "King", "Redmond", NULL, "NE 36th", "St", "15010", "Example Corp Building 7",
	  "98052", "redmond", 47641600, -122131200 },
	{ "TX", "Travis", "Austin", NULL, "Congress", "Ave", "500", "Example Corp Austin", "78701",
	  "executive", 30267150, -97743060 },
};

#define NBUILDINGS (sizeof(buildings) / sizeof(buildings[0]))

/* Micro-degrees as decimal degrees with 5 places: integer arithmetic, the
 * same text on every libc. */
static void put_deg(struct gen_buf *b, int32_t micro)
{
	int64_t v = micro;
	const char *sign = v < 0 ? "-" : "";
	if (v < 0)
		v = -v;
	v = (v + 5) / 10;
	gen_putf(b, "%s%" PRId64 ".%05" PRId64, sign, v / 100000, v % 100000);
}

static void put_pos(struct gen_buf *b, const struct building *bl, int32_t dlat, int32_t dlon)
{
	put_deg(b, bl->lat + dlat);
	gen_put(b, " ");
	put_deg(b, bl->lon + dlon);
}

static void put_civic(struct gen_buf *b, const struct building *bl, uint32_t caller, bool full)
{
	unsigned floor = 1 + caller % 20;

	gen_put(b, "<ca:civicAddress xml:lang=\"en-US\">\r\n<ca:country>US</ca:country>\r\n");
	gen_putf(b, "<ca:A1>%s</ca:A1>\r\n", bl->a1);
	if (full)
		gen_putf(b, "<ca:A2>%s</ca:A2>\r\n", bl->a2);
	gen_putf(b, "<ca:A3>%s</ca:A3>\r\n", bl->a3);
	if (bl->prd)
		gen_putf(b, "<ca:PRD>%s</ca:PRD>\r\n", bl->prd);
	gen_putf(b, "<ca:RD>%s</ca:RD>\r\n<ca:STS>%s</ca:STS>\r\n<ca:HNO>%s</ca:HNO>\r\n", bl->rd,
		 bl->sts, bl->hno);
	if (full)
		gen_putf(b, "<ca:LOC>%s wing</ca:LOC>\r\n", caller % 2 ? "North" : "South");
	gen_putf(b, "<ca:FLR>%u</ca:FLR>\r\n<ca:NAM>%s</ca:NAM>\r\n<ca:PC>%s</ca:PC>\r\n", floor,
		 bl->nam, bl->pc);
	if (full)
		gen_putf(b, "<ca:BLD>%u</ca:BLD>\r\n<ca:UNIT>Suite %u00</ca:UNIT>\r\n",
			 1 + caller % 9, floor);
	gen_putf(b, "<ca:ROOM>%u%02u</ca:ROOM>\r\n", floor, caller % 50);
	if (full)
		gen_putf(b, "<ca:SEAT>Desk %u</ca:SEAT>\r\n", 1 + caller % 24);
	gen_put(b, "</ca:civicAddress>\r\n");
}

static void put_timestamp(struct gen_buf *b, const char *elem, uint64_t id)
{
	unsigned s = (unsigned)(id % 86400u);
	gen_putf(b, "<%s>2024-05-14T%02u:%02u:%02uZ</%s>\r\n", elem, s / 3600, s / 60 % 60, s % 60,
		 elem);
}

static void put_device_end(struct gen_buf *b, uint64_t id)
{
	gen_putf(b, "<dm:deviceID>mac:00005e00%04" PRIx64 "</dm:deviceID>\r\n", id & 0xffff);
	put_timestamp(b, "dm:timestamp", id >> 16);
	gen_put(b, "</dm:device>\r\n");
}

void gen_pidf_write(struct gen_buf *b, const struct gen_pidf_args *a)
{
	const struct building *bl = &buildings[a->site % NBUILDINGS];
	int32_t dlat = (int32_t)(a->jitter % 2001) - 1000;
	int32_t dlon = (int32_t)(a->jitter / 2001 % 2001) - 1000;
	const char *geo_method = a->manual ? "Manual" : "GPS";
	const uint32_t start = b->len;

	if (!a->compact)
		gen_put(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n");
	gen_put(b, "<presence xmlns=\"urn:ietf:params:xml:ns:pidf\"\r\n"
		   " xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\"\r\n");
	if (a->shape != GEN_PIDF_CIVIC && !a->compact)
		gen_put(b, " xmlns:dm=\"urn:ietf:params:xml:ns:pidf:data-model\"\r\n");
	if (a->shape == GEN_PIDF_CIVIC || a->shape == GEN_PIDF_BIG)
		gen_put(b, " xmlns:ca=\"urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr\"\r\n");
	if (a->shape != GEN_PIDF_CIVIC)
		gen_put(b, " xmlns:gml=\"http://www.opengis.net/gml\"\r\n");
	if (a->shape == GEN_PIDF_CIRCLE)
		gen_put(b, " xmlns:gs=\"http://www.opengis.net/pidflo/1.0\"\r\n");
	if (a->shape == GEN_PIDF_BIG)
		gen_put(b, " xmlns:gbp=\"urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy\"\r\n"
			   " xmlns:ms=\"urn:schema:Rtc.LIS.msftE911PidfExtn.2008\"\r\n");
	gen_putf(b, " entity=\"pres:%s@example.com\">\r\n", a->user);

	switch (a->shape) {
	case GEN_PIDF_CIVIC:
		gen_putf(b, "<tuple id=\"ep-%08" PRIx64 "\">\r\n<status>\r\n<gp:geopriv>\r\n"
			    "<gp:location-info>\r\n", a->id & 0xffffffffu);
		put_civic(b, bl, a->caller, false);
		gen_putf(b, "</gp:location-info>\r\n<gp:usage-rules/>\r\n<gp:method>%s</gp:method>\r\n"
			    "</gp:geopriv>\r\n</status>\r\n", a->manual ? "Manual" : "DHCP");
		put_timestamp(b, "timestamp", a->id >> 16);
		gen_put(b, "</tuple>\r\n");
		break;
	case GEN_PIDF_POINT:
	case GEN_PIDF_CIRCLE:
		/* RFC 5491 puts a device's location in dm:device; terse phones
		 * still send RFC 4119's tuple. */
		if (a->compact)
			gen_putf(b, "<tuple id=\"t%08" PRIx64 "\">\r\n<status>\r\n", a->id & 0xffffffffu);
		else
			gen_putf(b, "<dm:device id=\"ep-%08" PRIx64 "\">\r\n", a->id & 0xffffffffu);
		gen_put(b, "<gp:geopriv>\r\n<gp:location-info>\r\n");
		if (a->shape == GEN_PIDF_POINT) {
			gen_put(b, "<gml:Point srsName=\"urn:ogc:def:crs:EPSG::4326\">\r\n<gml:pos>");
			put_pos(b, bl, dlat, dlon);
			gen_put(b, "</gml:pos>\r\n</gml:Point>\r\n");
		} else {
			gen_put(b, "<gs:Circle srsName=\"urn:ogc:def:crs:EPSG::4326\">\r\n<gml:pos>");
			put_pos(b, bl, dlat, dlon);
			gen_putf(b, "</gml:pos>\r\n<gs:radius uom=\"urn:ogc:def:uom:EPSG::9001\">%u"
				    "</gs:radius>\r\n</gs:Circle>\r\n", 10 + a->jitter % 41);
		}
		gen_putf(b, "</gp:location-info>\r\n<gp:usage-rules/>\r\n<gp:method>%s</gp:method>\r\n"
			    "</gp:geopriv>\r\n", geo_method);
		if (a->compact)
			gen_put(b, "</status>\r\n</tuple>\r\n");
		else
			put_device_end(b, a->id);
		break;
	case GEN_PIDF_NONE: /* a presence without location: not asked for today */
		break;
	case GEN_PIDF_BIG:
		/* Two devices for the same phone: a polygon and a full civic address. */
		gen_putf(b, "<dm:device id=\"ep-%08" PRIx64 "-geo\">\r\n<gp:geopriv>\r\n"
			    "<gp:location-info>\r\n<gml:Polygon srsName=\"urn:ogc:def:crs:EPSG::4326\">\r\n"
			    "<gml:exterior>\r\n<gml:LinearRing>\r\n<gml:posList>\r\n",
			 a->id & 0xffffffffu);
		/* A closed, counter-clockwise ring round the caller's spot. */
		static const int16_t ring[][2] = { { 400, -600 }, { -350, -650 }, { -700, 200 },
						   { -450, 900 }, { 400, 700 }, { 400, -600 } };
		for (unsigned i = 0; i < sizeof(ring) / sizeof(ring[0]); i++) {
			put_pos(b, bl, dlat + ring[i][0], dlon + ring[i][1]);
			gen_put(b, "\r\n");
		}
		gen_putf(b, "</gml:posList>\r\n</gml:LinearRing>\r\n</gml:exterior>\r\n</gml:Polygon>\r\n"
			    "</gp:location-info>\r\n<gp:usage-rules/>\r\n<gp:method>%s</gp:method>\r\n"
			    "</gp:geopriv>\r\n", a->manual ? "Manual" : "GPS");
		put_device_end(b, a->id);
		gen_putf(b, "<dm:device id=\"ep-%08" PRIx64 "-civic\">\r\n<gp:geopriv>\r\n"
			    "<gp:location-info>\r\n", a->id & 0xffffffffu);
		put_civic(b, bl, a->caller, true);
		gen_put(b, "</gp:location-info>\r\n<gp:usage-rules>\r\n"
			   "<gbp:retransmission-allowed>yes</gbp:retransmission-allowed>\r\n"
			   "<gbp:retention-expiry>2024-05-15T18:00:00Z</gbp:retention-expiry>\r\n"
			   "</gp:usage-rules>\r\n<gp:method>DHCP</gp:method>\r\n<gp:provided-by>\r\n"
			   "<ms:msftE911PidfExtn>\r\n"
			   "<ms:ConferenceUri>sip:security-desk@example.com</ms:ConferenceUri>\r\n"
			   "<ms:ConferenceMode>oneway</ms:ConferenceMode>\r\n"
			   "<LocationPolicyTagID xmlns=\"urn:schema:Rtc.Lis.LocationPolicyTagID.2008\">");
		gen_putf(b, "%s</LocationPolicyTagID>\r\n</ms:msftE911PidfExtn>\r\n"
			    "</gp:provided-by>\r\n</gp:geopriv>\r\n", bl->tag);
		put_device_end(b, a->id);
		break;
	}
	gen_put(b, "</presence>");
	if (a->compact && !b->full) { /* one line: drop every CRLF (none is inside a value) */
		uint32_t to = start;
		for (uint32_t i = start; i < b->len; i++) {
			if (b->p[i] == '\r' && i + 1 < b->len && b->p[i + 1] == '\n') {
				i++;
				continue;
			}
			b->p[to++] = b->p[i];
		}
		b->len = to;
	}
}
