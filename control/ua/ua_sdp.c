/*
 * ua_sdp.c - the SDP offer of the desk's conference leg (RFC 4566, 3264).
 * The direction follows the policy's conference mode as the issue of
 * record words it: recvonly for one-way, sendrecv for two-way.
 */
#include <stdio.h>
#include <string.h>

#include "ua_internal.h"

size_t ua_sdp_offer(char *out, size_t cap, const char *address, unsigned port, enum e911_conference_mode mode)
{
	const char *ip = strchr(address, ':') ? "IP6" : "IP4";
	int n = snprintf(out, cap,
			 "v=0\r\n"
			 "o=e911proxy 1 1 IN %s %s\r\n"
			 "s=Emergency call\r\n"
			 "c=IN %s %s\r\n"
			 "t=0 0\r\n"
			 "m=audio %u RTP/AVP 0 101\r\n"
			 "a=rtpmap:0 PCMU/8000\r\n"
			 "a=rtpmap:101 telephone-event/8000\r\n"
			 "a=%s\r\n",
			 ip, address, ip, address, port, mode == E911_CONFERENCE_TWO_WAY ? "sendrecv" : "recvonly");
	return n < 0 ? 0 : (size_t)n;
}
