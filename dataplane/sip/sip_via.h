/*
 * sip_via.h - the general reading of one Via entry, which sip_via_parse()
 * falls back to when an entry is not of the common shape its fast path
 * reads. Exposed (internally) so that the differential fuzzer can check
 * that both readings agree wherever the fast one answers. Internal to
 * dataplane/sip/; not a contract.
 */
#ifndef E911_SIP_VIA_H
#define E911_SIP_VIA_H

#include "e911/sip.h"

/*
 * One via-parm at p in any shape RFC 3261 allows (LWS around every '/',
 * ':' and ';', quoted parameter values): fills *v and returns the position
 * after it (at ',' or end), or NULL when it is malformed.
 */
const char *sip_via_entry_general(const char *p, const char *end, struct sip_via *v);

#endif /* E911_SIP_VIA_H */
