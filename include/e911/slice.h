/*
 * slice.h - a read-only view of bytes owned by someone else.
 *
 * Every field the SIP parser returns is a slice into the packet: a pointer and
 * a length, never NUL-terminated, never copied (Kamailio's `str`, made const
 * and unsigned). Print one with printf("%.*s", SLICE_ARG(s)).
 */
#ifndef E911_SLICE_H
#define E911_SLICE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct e911_slice {
	const char *p;
	uint32_t len;
};

/** A slice of a string literal, e.g. SLICE_LIT("INVITE"). */
#define SLICE_LIT(s) ((struct e911_slice){ (s), (uint32_t)(sizeof(s) - 1) })
/** printf arguments for "%.*s". */
#define SLICE_ARG(s) (int)(s).len, (s).p

static inline struct e911_slice slice_make(const char *p, const char *end)
{
	return (struct e911_slice){ p, (uint32_t)(end - p) };
}

/* One past the last byte. An absent field is {NULL, 0}, whose end is NULL. */
static inline const char *slice_end(struct e911_slice s)
{
	return s.len ? s.p + s.len : s.p;
}

static inline bool slice_empty(struct e911_slice s)
{
	return s.len == 0;
}

/** Byte-exact comparison (methods, tokens that are case-sensitive). */
static inline bool slice_eq(struct e911_slice a, struct e911_slice b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static inline unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
}

/**
 * ASCII case-insensitive comparison (header names, schemes, parameter names).
 * Unlike strncasecmp it does not stop at a NUL byte: packets may carry them.
 */
static inline bool slice_caseeq(struct e911_slice a, struct e911_slice b)
{
	if (a.len != b.len)
		return false;
	for (uint32_t i = 0; i < a.len; i++)
		if (ascii_lower((unsigned char)a.p[i]) != ascii_lower((unsigned char)b.p[i]))
			return false;
	return true;
}

#endif /* E911_SLICE_H */
