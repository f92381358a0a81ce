/*
 * pidf_geo.c - the geodetic shapes of RFC 5491 into struct pidf_geo. Only
 * what RFC 5491 allows is accepted: srsName EPSG::4326 (2D) or EPSG::4979
 * (3D), lengths in metres (uom EPSG::9001), angles in degrees (EPSG::9102),
 * and each shape in the CRS §5.2 gives it. Anything else is -EDOM with the
 * shape and line named: a location the desk cannot plot must not look like
 * one it can. A missing uom is taken as the one RFC 5491 requires.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pidf_internal.h"

#define CRS_2D "urn:ogc:def:crs:EPSG::4326"
#define CRS_3D "urn:ogc:def:crs:EPSG::4979"
#define UOM_METRE "urn:ogc:def:uom:EPSG::9001"
#define UOM_DEGREE "urn:ogc:def:uom:EPSG::9102"

/* Which CRS a shape may use (RFC 5491 §5.2). */
enum crs_rule { CRS_ANY, CRS_ONLY_2D, CRS_ONLY_3D };

static const struct shape_def {
	const char *ns;
	const char *name;
	enum pidf_shape shape;
	enum crs_rule crs;
} shapes[] = {
	{ PIDF_NS_GML, "Point", PIDF_SHAPE_POINT, CRS_ANY },
	{ PIDF_NS_GS, "Circle", PIDF_SHAPE_CIRCLE, CRS_ONLY_2D },
	{ PIDF_NS_GS, "Ellipse", PIDF_SHAPE_ELLIPSE, CRS_ONLY_2D },
	{ PIDF_NS_GS, "ArcBand", PIDF_SHAPE_ARCBAND, CRS_ONLY_2D },
	{ PIDF_NS_GML, "Polygon", PIDF_SHAPE_POLYGON, CRS_ANY },
	{ PIDF_NS_GS, "Sphere", PIDF_SHAPE_SPHERE, CRS_ONLY_3D },
	{ PIDF_NS_GS, "Ellipsoid", PIDF_SHAPE_ELLIPSOID, CRS_ONLY_3D },
	{ PIDF_NS_GS, "Prism", PIDF_SHAPE_PRISM, CRS_ONLY_3D },
};

#define N_SHAPES (sizeof(shapes) / sizeof(shapes[0]))

const char *pidf_shape_name(enum pidf_shape s)
{
	for (size_t i = 0; i < N_SHAPES; i++)
		if (shapes[i].shape == s)
			return shapes[i].name;
	return "none";
}

static const struct shape_def *shape_def(const xmlNode *n)
{
	for (size_t i = 0; i < N_SHAPES; i++)
		if (pidf_is(n, shapes[i].ns, shapes[i].name))
			return &shapes[i];
	return NULL;
}

bool pidf_geo_is_shape(const xmlNode *n)
{
	return shape_def(n) != NULL;
}

/* One shape being read: what messages name, and what a ring needs to close. */
struct geo_read {
	struct pidf_ctx *c;
	const char *shape; /* its name, for messages */
	unsigned line;     /* its line */
	unsigned dim;      /* 2 or 3 values per position */
	struct pidf_pos first, last;
	double sum_lat, sum_lon, sum_alt; /* of the kept vertices */
};

#define GEO_FAIL(g, ...) geo_fail((g), __VA_ARGS__)

__attribute__((format(printf, 2, 3)))
static int geo_fail(struct geo_read *g, const char *fmt, ...)
{
	char what[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return pidf_fail(g->c, -EDOM, "%s at line %u: %s", g->shape, g->line, what);
}

static bool xml_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static bool digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/*
 * The next number of a white-space separated list (xs:double without INF
 * and NaN, which strtod would also take, as it would hex). The control
 * process never sets LC_NUMERIC, so strtod reads a '.' decimal point.
 * @return 1 with *v set, 0 at the end of the list, -1 when the token is not a number.
 */
static int next_number(const char **sp, double *v)
{
	const char *s = *sp, *start;
	char buf[64];
	unsigned digits = 0;

	while (xml_space(*s))
		s++;
	*sp = s; /* on failure, the message quotes the token from here */
	if (*s == '\0')
		return 0;
	start = s;
	if (*s == '+' || *s == '-')
		s++;
	for (; digit(*s); s++)
		digits++;
	if (*s == '.')
		for (s++; digit(*s); s++)
			digits++;
	if (digits == 0)
		return -1;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!digit(*s))
			return -1;
		while (digit(*s))
			s++;
	}
	if (*s != '\0' && !xml_space(*s))
		return -1;
	if ((size_t)(s - start) >= sizeof(buf))
		return -1;
	memcpy(buf, start, (size_t)(s - start));
	buf[s - start] = '\0';
	*v = strtod(buf, NULL);
	if (!isfinite(*v))
		return -1;
	*sp = s;
	return 1;
}

static int check_pos(struct geo_read *g, const struct pidf_pos *p)
{
	if (p->lat < -90.0 || p->lat > 90.0)
		return GEO_FAIL(g, "latitude %g is outside -90..90", p->lat);
	if (p->lon < -180.0 || p->lon > 180.0)
		return GEO_FAIL(g, "longitude %g is outside -180..180", p->lon);
	return 0;
}

/*
 * Every position in the text of n (gml:pos: exactly one; gml:posList: one
 * or more), each as a vertex of geo, or as geo->pos when `single`.
 */
static int read_positions(struct geo_read *g, const xmlNode *n, bool single, struct pidf_geo *geo)
{
	xmlChar *content = xmlNodeGetContent(n);
	const char *s = (const char *)content;
	double v[3];
	unsigned k = 0, got = 0;
	int rc = 0, r;

	if (content == NULL)
		return pidf_fail(g->c, -ENOMEM, "out of memory");
	while ((r = next_number(&s, &v[k])) == 1) {
		struct pidf_pos p;

		if (++k < g->dim)
			continue;
		k = 0;
		p = (struct pidf_pos){ v[0], v[1], g->dim == 3 ? v[2] : 0.0 };
		if ((rc = check_pos(g, &p)) != 0)
			break;
		got++;
		if (single) {
			if (got > 1)
				break;
			geo->pos = p;
			continue;
		}
		if (geo->vertex_count == 0)
			g->first = p;
		g->last = p;
		if (geo->vertex_count < PIDF_MAX_VERTICES) {
			geo->vertices[geo->vertex_count] = p;
			g->sum_lat += p.lat;
			g->sum_lon += p.lon;
			g->sum_alt += p.alt;
		} else {
			g->c->out->warnings |= PIDF_WARN_VERTICES;
		}
		if (geo->vertex_count == UINT32_MAX) {
			rc = GEO_FAIL(g, "too many positions");
			break;
		}
		geo->vertex_count++;
	}
	if (rc == 0 && r < 0)
		rc = GEO_FAIL(g, "%s: '%.40s' is not a number", (const char *)n->name, s);
	else if (rc == 0 && (k != 0 || got == 0 || (single && got > 1)))
		rc = GEO_FAIL(g, "%s: %s, want %u values per position (%s)",
			      (const char *)n->name, got == 0 && k == 0 ? "empty" : "wrong count",
			      g->dim, g->dim == 3 ? CRS_3D : CRS_2D);
	xmlFree(content);
	return rc;
}

static int read_center(struct geo_read *g, const xmlNode *shape, struct pidf_geo *geo)
{
	const xmlNode *pos = pidf_child(shape, PIDF_NS_GML, "pos");

	if (pos == NULL)
		return GEO_FAIL(g, "no gml:pos");
	return read_positions(g, pos, true, geo);
}

/* A gs: measure child: a length in metres (angle false) or an angle in degrees 0..360. */
static int read_measure(struct geo_read *g, const xmlNode *shape, const char *name, bool angle,
			double *out)
{
	const xmlNode *m = pidf_child(shape, PIDF_NS_GS, name);
	const char *want = angle ? UOM_DEGREE : UOM_METRE, *uom;
	xmlChar *content;
	const char *s;
	double v, extra;
	int r;

	if (m == NULL)
		return GEO_FAIL(g, "no gs:%s", name);
	uom = pidf_attr(m, "uom");
	if (uom != NULL && strcmp(uom, want) != 0)
		return GEO_FAIL(g, "%s: uom '%.60s' is not %s (%s)", name, uom, want,
				angle ? "degrees" : "metres");
	content = xmlNodeGetContent(m);
	if (content == NULL)
		return pidf_fail(g->c, -ENOMEM, "out of memory");
	s = (const char *)content;
	r = next_number(&s, &v);
	if (r == 1 && next_number(&s, &extra) != 0)
		r = -1;
	xmlFree(content);
	if (r != 1)
		return GEO_FAIL(g, "%s is not one number", name);
	if (v < 0.0)
		return GEO_FAIL(g, "%s %g is negative", name, v);
	if (angle && v > 360.0)
		return GEO_FAIL(g, "%s %g is more than 360 degrees", name, v);
	*out = v;
	return 0;
}

/* gml:Polygon: the exterior ring, closed, of at least 4 positions (RFC 5491 §5.2.2). */
static int read_polygon(struct geo_read *g, const xmlNode *poly, struct pidf_geo *geo)
{
	const xmlNode *ext = pidf_child(poly, PIDF_NS_GML, "exterior");
	const xmlNode *ring = ext ? pidf_child(ext, PIDF_NS_GML, "LinearRing") : NULL;
	const xmlNode *list;
	uint32_t kept, distinct;
	int rc = 0;

	if (ring == NULL)
		return GEO_FAIL(g, "no gml:exterior/gml:LinearRing");
	list = pidf_child(ring, PIDF_NS_GML, "posList");
	if (list != NULL) {
		rc = read_positions(g, list, false, geo);
	} else {
		for (const xmlNode *p = ring->children; p != NULL && rc == 0; p = p->next)
			if (pidf_is(p, PIDF_NS_GML, "pos"))
				rc = read_positions(g, p, false, geo);
	}
	if (rc != 0)
		return rc;
	if (geo->vertex_count < 4)
		return GEO_FAIL(g, "%u positions; a ring has at least 4", geo->vertex_count);
	/* Equal text gives equal doubles: exact comparison is right here. */
	if (g->first.lat != g->last.lat || g->first.lon != g->last.lon ||
	    g->first.alt != g->last.alt)
		return GEO_FAIL(g, "the ring is not closed (its last position is not its first)");
	/* The label: the mean of the kept vertices, without the closing one when it was kept. */
	kept = geo->vertex_count < PIDF_MAX_VERTICES ? geo->vertex_count : PIDF_MAX_VERTICES;
	distinct = kept;
	if (kept == geo->vertex_count) {
		distinct--;
		g->sum_lat -= g->last.lat;
		g->sum_lon -= g->last.lon;
		g->sum_alt -= g->last.alt;
	}
	geo->pos = (struct pidf_pos){ g->sum_lat / distinct, g->sum_lon / distinct,
				      g->sum_alt / distinct };
	return 0;
}

static int read_crs(struct geo_read *g, const xmlNode *n, const struct shape_def *def,
		    struct pidf_geo *geo)
{
	const char *srs = pidf_attr(n, "srsName");

	if (srs == NULL)
		return GEO_FAIL(g, "no srsName");
	if (strcmp(srs, CRS_2D) == 0)
		geo->crs = PIDF_CRS_4326;
	else if (strcmp(srs, CRS_3D) == 0)
		geo->crs = PIDF_CRS_4979;
	else
		return GEO_FAIL(g, "srsName '%.80s' is neither %s nor %s", srs, CRS_2D, CRS_3D);
	if (def->crs == CRS_ONLY_2D && geo->crs != PIDF_CRS_4326)
		return GEO_FAIL(g, "srsName must be %s", CRS_2D);
	if (def->crs == CRS_ONLY_3D && geo->crs != PIDF_CRS_4979)
		return GEO_FAIL(g, "srsName must be %s", CRS_3D);
	g->dim = geo->crs == PIDF_CRS_4979 ? 3 : 2;
	return 0;
}

int pidf_geo_read(struct pidf_ctx *c, const xmlNode *n, struct pidf_geo *geo)
{
	const struct shape_def *def = shape_def(n);
	struct geo_read g = { .c = c, .line = pidf_line(n) };
	const xmlNode *base, *poly;
	int rc;

	memset(geo, 0, sizeof(*geo));
	if (def == NULL)
		return pidf_fail(c, -EDOM, "line %u: not a shape", g.line);
	g.shape = def->name;
	geo->shape = def->shape;
	if ((rc = read_crs(&g, n, def, geo)) != 0)
		return rc;
	switch (def->shape) {
	case PIDF_SHAPE_POINT:
		return read_center(&g, n, geo);
	case PIDF_SHAPE_CIRCLE:
	case PIDF_SHAPE_SPHERE:
		if ((rc = read_center(&g, n, geo)) != 0)
			return rc;
		return read_measure(&g, n, "radius", false, &geo->radius);
	case PIDF_SHAPE_ELLIPSOID:
		if ((rc = read_measure(&g, n, "verticalAxis", false, &geo->vertical_axis)) != 0)
			return rc;
		/* The rest is an ellipse's. */
		__attribute__((fallthrough));
	case PIDF_SHAPE_ELLIPSE:
		if ((rc = read_center(&g, n, geo)) != 0 ||
		    (rc = read_measure(&g, n, "semiMajorAxis", false, &geo->semi_major)) != 0 ||
		    (rc = read_measure(&g, n, "semiMinorAxis", false, &geo->semi_minor)) != 0)
			return rc;
		return read_measure(&g, n, "orientation", true, &geo->orientation);
	case PIDF_SHAPE_ARCBAND:
		if ((rc = read_center(&g, n, geo)) != 0 ||
		    (rc = read_measure(&g, n, "innerRadius", false, &geo->inner_radius)) != 0 ||
		    (rc = read_measure(&g, n, "outerRadius", false, &geo->outer_radius)) != 0 ||
		    (rc = read_measure(&g, n, "startAngle", true, &geo->start_angle)) != 0 ||
		    (rc = read_measure(&g, n, "openingAngle", true, &geo->opening_angle)) != 0)
			return rc;
		if (geo->inner_radius > geo->outer_radius)
			return GEO_FAIL(&g, "innerRadius %g is more than outerRadius %g",
					geo->inner_radius, geo->outer_radius);
		return 0;
	case PIDF_SHAPE_POLYGON:
		return read_polygon(&g, n, geo);
	case PIDF_SHAPE_PRISM:
		base = pidf_child(n, PIDF_NS_GS, "base");
		poly = base ? pidf_child(base, PIDF_NS_GML, "Polygon") : NULL;
		if (poly == NULL)
			return GEO_FAIL(&g, "no gs:base/gml:Polygon");
		if ((rc = read_polygon(&g, poly, geo)) != 0)
			return rc;
		return read_measure(&g, n, "height", false, &geo->height);
	case PIDF_SHAPE_NONE:
		break;
	}
	return pidf_fail(c, -EDOM, "line %u: not a shape", g.line);
}
