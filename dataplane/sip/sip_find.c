/*
 * sip_find.c - sip_find_pair() for modules outside dataplane/sip/ (the
 * proxy's PIDF-LO peek); the parser's own helpers inline sip_find.h.
 */
#include "e911/sip.h"
#include "sip_find.h"

const char *sip_find_pair(const char *p, const char *end, char a, char b)
{
	return sip_find_pair_inline(p, end, a, b);
}
