/*
 * pidf_summary.c - one human line for a location: what `show calls` prints
 * and what the security desk reads in its notification. US order for civic
 * addresses ("15010 NE 36th St, Redmond WA 98052, US"), five decimals for
 * degrees (about a metre), and the method with every part, so that a
 * user-entered address never reads as a validated one.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pidf_internal.h"

/* The summary being built; len counts what would have been written, used what was. */
struct sb {
	char *out;
	size_t cap, len, used;
	bool full; /* something did not fit: write nothing more */
};

static void put_bytes(struct sb *b, const char *s, size_t n)
{
	size_t room, i;

	b->len += n;
	if (b->full || b->cap == 0)
		return;
	room = b->cap - 1 - b->used;
	i = n;
	if (n > room) {
		/* Cut before the first character that does not fit whole. */
		i = room;
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		b->full = true;
	}
	memcpy(b->out + b->used, s, i);
	b->used += i;
	b->out[b->used] = '\0';
}

static void put(struct sb *b, const char *s)
{
	put_bytes(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void putf(struct sb *b, const char *fmt, ...)
{
	char tmp[PIDF_URI_MAX + 64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put_bytes(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Words joined by `sep`, skipping the empty ones; `*first` says whether one was written yet. */
static void word(struct sb *b, const char *w, const char *sep, bool *first)
{
	if (w == NULL || w[0] == '\0')
		return;
	if (!*first)
		put(b, sep);
	put(b, w);
	*first = false;
}

static void civic(struct sb *b, const struct pidf_location *loc)
{
	static const enum pidf_civic_field street[] = {
		PIDF_CIVIC_HNO, PIDF_CIVIC_HNS, PIDF_CIVIC_PRD, PIDF_CIVIC_PRM,
		PIDF_CIVIC_RD,  PIDF_CIVIC_STS, PIDF_CIVIC_POD, PIDF_CIVIC_POM,
	};
	static const enum pidf_civic_field locality[] = { PIDF_CIVIC_A3, PIDF_CIVIC_A1,
							  PIDF_CIVIC_PC };
	static const struct {
		enum pidf_civic_field f;
		const char *label;
	} extras[] = {
		{ PIDF_CIVIC_BLD, "building " }, { PIDF_CIVIC_FLR, "floor " },
		{ PIDF_CIVIC_UNIT, "unit " },    { PIDF_CIVIC_ROOM, "room " },
		{ PIDF_CIVIC_SEAT, "seat " },    { PIDF_CIVIC_LOC, "" },
		{ PIDF_CIVIC_LMK, "near " },     { PIDF_CIVIC_POBOX, "PO box " },
	};
	bool first = true, first_part = true;
	char part[4 * PIDF_CIVIC_MAX];
	struct sb pb;

	word(b, pidf_civic_get(loc, PIDF_CIVIC_NAM), ", ", &first_part);
	/* The street; A6 names it in countries that use it that way (RFC 4776) when RD is absent. */
	pb = (struct sb){ .out = part, .cap = sizeof(part) };
	part[0] = '\0';
	for (size_t i = 0; i < sizeof(street) / sizeof(street[0]); i++) {
		const char *w = pidf_civic_get(loc, street[i]);
		if (street[i] == PIDF_CIVIC_RD && (w == NULL || w[0] == '\0'))
			w = pidf_civic_get(loc, PIDF_CIVIC_A6);
		word(&pb, w, " ", &first);
	}
	word(b, part, ", ", &first_part);
	pb = (struct sb){ .out = part, .cap = sizeof(part) };
	part[0] = '\0';
	first = true;
	for (size_t i = 0; i < sizeof(locality) / sizeof(locality[0]); i++)
		word(&pb, pidf_civic_get(loc, locality[i]), " ", &first);
	word(b, part, ", ", &first_part);
	word(b, pidf_civic_get(loc, PIDF_CIVIC_COUNTRY), ", ", &first_part);
	for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
		const char *w = pidf_civic_get(loc, extras[i].f);
		if (w == NULL || w[0] == '\0')
			continue;
		put(b, first_part ? "" : "; ");
		put(b, extras[i].label);
		put(b, w);
		first_part = false;
	}
	if (first_part)
		put(b, "civic address without fields");
}

#define LL "%.5f,%.5f"

static void geo(struct sb *b, const struct pidf_geo *g)
{
	const struct pidf_pos *p = &g->pos;
	uint32_t points = g->vertex_count > 0 ? g->vertex_count - 1 : 0;

	switch (g->shape) {
	case PIDF_SHAPE_POINT:
		putf(b, "point " LL, p->lat, p->lon);
		if (g->crs == PIDF_CRS_4979)
			putf(b, " alt %g m", p->alt);
		break;
	case PIDF_SHAPE_CIRCLE:
		putf(b, "point " LL " ±%g m", p->lat, p->lon, g->radius);
		break;
	case PIDF_SHAPE_SPHERE:
		putf(b, "point " LL " alt %g m ±%g m", p->lat, p->lon, p->alt, g->radius);
		break;
	case PIDF_SHAPE_ELLIPSE:
		putf(b, "ellipse " LL " semi-axes %g m/%g m orientation %g°", p->lat, p->lon,
		     g->semi_major, g->semi_minor, g->orientation);
		break;
	case PIDF_SHAPE_ELLIPSOID:
		putf(b, "ellipsoid " LL " alt %g m semi-axes %g m/%g m/%g m orientation %g°",
		     p->lat, p->lon, p->alt, g->semi_major, g->semi_minor, g->vertical_axis,
		     g->orientation);
		break;
	case PIDF_SHAPE_ARCBAND:
		putf(b, "arc band " LL " radius %g-%g m from %g° opening %g°", p->lat, p->lon,
		     g->inner_radius, g->outer_radius, g->start_angle, g->opening_angle);
		break;
	case PIDF_SHAPE_POLYGON:
		putf(b, "polygon of %u points around " LL, points, p->lat, p->lon);
		break;
	case PIDF_SHAPE_PRISM:
		putf(b, "prism of %u points around " LL " alt %g m height %g m", points, p->lat,
		     p->lon, p->alt, g->height);
		break;
	case PIDF_SHAPE_NONE:
		put(b, "no shape");
		break;
	}
}

/* " (DHCP)", " (Manual, not validated)"; the primary part may name an unlisted token. */
static void method(struct sb *b, const struct pidf_location *loc, enum pidf_method m,
		   bool primary)
{
	const char *name = pidf_method_name(m);

	if (m == PIDF_METHOD_NONE)
		return;
	if (m == PIDF_METHOD_OTHER && primary && loc->method_text[0] != '\0')
		name = loc->method_text;
	putf(b, " (%s%s)", name, m == PIDF_METHOD_MANUAL ? ", not validated" : "");
}

size_t pidf_summary(const struct pidf_location *loc, char *out, size_t cap)
{
	struct sb b = { .out = out, .cap = cap };

	if (cap > 0)
		out[0] = '\0';
	if (loc->has_civic) {
		civic(&b, loc);
		method(&b, loc, loc->civic_method, true);
	}
	if (loc->has_geo) {
		if (loc->has_civic)
			put(&b, "; ");
		geo(&b, &loc->geo);
		method(&b, loc, loc->geo_method, !loc->has_civic);
	}
	if (loc->reference[0] != '\0') {
		put(&b, loc->has_civic || loc->has_geo ? "; location by reference "
						       : "location by reference ");
		put(&b, loc->reference);
		put(&b, " (not fetched)");
	} else if (!loc->has_civic && !loc->has_geo) {
		put(&b, "no location");
	}
	return b.len;
}
