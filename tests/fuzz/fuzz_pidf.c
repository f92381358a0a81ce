/*
 * fuzz_pidf - libFuzzer target for the PIDF-LO reader, which reads what
 * every emergency caller's client sends: any bytes must give a location or
 * an error code with a message, never a crash or a leak. What it reads must
 * hold the struct's promises: NUL-terminated strings inside their arrays,
 * coordinates in range, a summary that is one line and fits what it says.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "e911/pidf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_string(const char *s, size_t cap)
{
	if (memchr(s, '\0', cap) == NULL)
		abort();
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			abort();
}

static void check(const struct pidf_location *loc)
{
	char line[2048];
	size_t n;

	for (int f = 0; f < (int)PIDF_CIVIC_COUNT; f++)
		check_string(loc->civic.field[f], PIDF_CIVIC_MAX);
	check_string(loc->method_text, sizeof(loc->method_text));
	check_string(loc->timestamp, sizeof(loc->timestamp));
	check_string(loc->conference_uri, sizeof(loc->conference_uri));
	check_string(loc->policy_tag, sizeof(loc->policy_tag));
	if (loc->has_geo && (loc->geo.pos.lat < -90 || loc->geo.pos.lat > 90 ||
			     loc->geo.pos.lon < -180 || loc->geo.pos.lon > 180))
		abort();
	if ((loc->source == PIDF_SOURCE_NONE) != (!loc->has_civic && !loc->has_geo))
		abort();
	if (loc->source == PIDF_SOURCE_VALIDATED && loc->method == PIDF_METHOD_MANUAL)
		abort();
	n = pidf_summary(loc, line, sizeof(line));
	if (n < sizeof(line) && strlen(line) != n)
		abort();
	check_string(line, sizeof(line));
	/* A small buffer: cut, terminated, never past its end. */
	n = pidf_summary(loc, line, 7);
	if (strlen(line) > 6)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pidf_location loc;
	char err[160];
	int rc = pidf_read((const char *)data, size, &loc, err, sizeof(err));

	if (rc == 0) {
		check(&loc);
	} else {
		if (err[0] == '\0' || loc.source != PIDF_SOURCE_NONE || loc.has_civic || loc.has_geo)
			abort();
		if (rc != -EFBIG && rc != -EBADMSG && rc != -ENOTSUP && rc != -ELOOP &&
		    rc != -ENOMSG && rc != -EDOM && rc != -ENOMEM)
			abort();
	}
	return 0;
}
