/*
 * proxy_paths.h - the request and response paths of proxy_prepare().
 * Internal to dataplane/proxy/.
 */
#ifndef E911_PROXY_PATHS_H
#define E911_PROXY_PATHS_H

#include "e911/proxy.h"

enum proxy_outcome proxy_prepare_response(const struct proxy_conf *conf, const struct sip_msg *msg,
					  struct proxy_plan *plan);
enum proxy_outcome proxy_prepare_request(const struct proxy_conf *conf, const struct proxy_packet *pkt,
					 const struct sip_msg *msg, struct proxy_plan *plan);

#endif /* E911_PROXY_PATHS_H */
