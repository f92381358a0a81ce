/*
 * dp_json.c - see dp_json.h. Written by hand (a few fixed shapes); strings
 * from packets are escaped (quotes, backslash, control bytes, and bytes
 * >= 0x80 as \u00XX so that any input stays valid JSON).
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dp_json.h"

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	if (b->len >= b->cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = b->len + (size_t)n < b->cap ? b->len + (size_t)n : b->cap;
}

static void put_str(struct buf *b, const char *s, size_t n)
{
	put(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\')
			put(b, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			put(b, "\\u%04x", ch);
		else
			put(b, "%c", ch);
	}
	put(b, "\"");
}

static void put_counters(struct buf *b, const struct dp_counters *c)
{
	put(b, "{");
	const char *sep = "";
#define DP_COUNTER_JSON(name, help)                                    \
	put(b, "%s\"" #name "\":%" PRIu64, sep, c->name);             \
	sep = ",";
	DP_COUNTER_LIST(DP_COUNTER_JSON)
#undef DP_COUNTER_JSON
	put(b, "}");
}

size_t dp_json_stats(const struct dp *d, char *out, size_t cap)
{
	struct buf b = { out, 0, cap };
	struct dp_counters sum;
	dp_counters_total(d, &sum);
	put(&b, "{\"total\":");
	put_counters(&b, &sum);
	put(&b, ",\"workers\":[");
	for (unsigned w = 0; w < d->worker_count; w++) {
		put(&b, w ? "," : "");
		put_counters(&b, dp_worker_counters(d->workers[w]));
	}
	put(&b, "],\"outcomes\":{");
	for (int o = 0; o < PROXY_OUTCOME_COUNT; o++)
		put(&b, "%s\"%s\":%" PRIu64, o ? "," : "", proxy_outcome_name(o), sum.outcome[o]);
	put(&b, "},\"drops\":{");
	const char *sep = "";
	for (int k = NET_KIND_FIRST_DROP; k < NET_KIND_COUNT; k++, sep = ",")
		put(&b, "%s\"net_%s\":%" PRIu64, sep, net_kind_name(k), sum.net_kind[k]);
	for (int s = 1; s < SIP_STATUS_COUNT; s++)
		put(&b, ",\"sip_%s\":%" PRIu64, sip_status_name(-s), sum.parse_error[s]);
	put(&b, "},\"policies\":{");
	const struct e911_snapshot *snap = snapshot_slot_get(d->slot);
	const struct e911_config *cfg = snap ? snapshot_config(snap) : NULL;
	for (uint32_t p = 0; cfg && p < cfg->policy_count && p < DP_MAX_POLICY_COUNTERS; p++) {
		put(&b, p ? "," : "");
		put_str(&b, cfg->policies[p].name, strlen(cfg->policies[p].name));
		put(&b, ":%" PRIu64, sum.emergency_by_policy[p]);
	}
	put(&b, "},\"snapshot\":%" PRIu64 "}", snap ? snapshot_version(snap) : 0);
	return b.len;
}

static const char *const scope_names[] = { "site", "user", "tag", "global" };

size_t dp_json_event(const struct dp_event *ev, const struct e911_config *cfg, char *out, size_t cap)
{
	struct buf b = { out, 0, cap };
	const char *policy = cfg && ev->policy < cfg->policy_count ? cfg->policies[ev->policy].name : "";
	put(&b, "event {\"kind\":\"%s\",\"time_ns\":%" PRIu64 ",\"snapshot\":%" PRIu64 ",\"call_id\":",
	    ev->kind == DP_EVENT_CALL ? "call" : "end", ev->time_ns, ev->snapshot);
	put_str(&b, ev->call_id, ev->call_id_len);
	put(&b, ",\"method\":\"%s\",\"policy\":", ev->method == SIP_METHOD_INVITE ? "INVITE"
						  : ev->method == SIP_METHOD_CANCEL ? "CANCEL" : "BYE");
	put_str(&b, policy, strlen(policy));
	put(&b, ",\"scope\":\"%s\",\"location\":\"%s\",\"caller\":", scope_names[ev->scope & 3],
	    proxy_location_text(ev->location));
	put_str(&b, ev->caller, ev->caller_len);
	put(&b, ",\"display\":");
	put_str(&b, ev->display, ev->display_len);
	put(&b, ",\"callback\":");
	put_str(&b, ev->identity, ev->identity_len);
	put(&b, ",\"dialled\":");
	put_str(&b, ev->dialled, ev->dialled_len);
	char src[INET6_ADDRSTRLEN];
	inet_ntop(ev->src.family == 6 ? AF_INET6 : AF_INET, ev->src.addr, src, sizeof(src));
	put(&b, ",\"source\":\"%s%s%s:%u\"", ev->src.family == 6 ? "[" : "", src,
	    ev->src.family == 6 ? "]" : "", ev->src.port);
	if (cfg && ev->route < cfg->route_count && ev->gateway < cfg->routes[ev->route].gateway_count) {
		const struct e911_gateway *g = &cfg->routes[ev->route].gateways[ev->gateway];
		put(&b, ",\"route\":");
		put_str(&b, cfg->routes[ev->route].name, strlen(cfg->routes[ev->route].name));
		put(&b, ",\"gateway\":\"%s%s%s:%u\"", g->family == 6 ? "[" : "", g->address_text,
		    g->family == 6 ? "]" : "", g->port);
	}
	put(&b, ",\"pidf\":");
	put_str(&b, ev->pidf, ev->pidf_len);
	put(&b, "}\n");
	if (b.len == b.cap) { /* cut: end the line anyway so that the stream stays in step */
		b.p[b.cap - 1] = '\n';
	}
	return b.len;
}
