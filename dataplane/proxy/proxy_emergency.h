/*
 * proxy_emergency.h - what an emergency request gets: its gateway and its
 * edits. Internal to dataplane/proxy/.
 */
#ifndef E911_PROXY_EMERGENCY_H
#define E911_PROXY_EMERGENCY_H

#include "e911/proxy.h"

/* The Request-URI rewrite, the added and removed headers, Record-Route. @return 0 or -1 (no room). */
int proxy_emergency_edits(const struct proxy_conf *conf, const struct e911_config *cfg,
			  const struct sip_msg *msg, struct proxy_plan *plan);

#endif /* E911_PROXY_EMERGENCY_H */
