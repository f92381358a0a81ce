/*
 * dp_args.c - e911-dataplane's own options (after the EAL's and "--").
 * Every bad value is named with what was expected; nothing starts then.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp.h"

void dp_args_usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- --config FILE --sip-address ADDR[/PREFIX] [options]\n"
	       "\n"
	       "A stateless SIP proxy for enhanced emergency calls. EAL options pick cores and ports\n"
	       "(e.g. -l 0-1 --vdev net_af_packet0,iface=veth0 or --no-huge -m 512).\n"
	       "One worker runs on each worker lcore; the main lcore does the housekeeping.\n"
	       "\n"
	       "  --config FILE            location policies (XML); calls are routed with them from the start\n"
	       "  --sip-address ADDR[/N]   our SIP address and its on-link prefix (default /24, /64);\n"
	       "                           up to %u, IPv4 and/or IPv6\n"
	       "  --sip-port PORT          our SIP port (default 5060)\n"
	       "  --default-hop ADDR[:P]   where ordinary traffic goes (IPv6 as [ADDR]:P)\n"
	       "  --router ADDR            next hop for off-link destinations (one per IP family)\n"
	       "  --neighbour ADDR=MAC     a static neighbour (no ARP/ND for it); repeatable\n"
	       "  --trusted PREFIX         a trusted peer subnet; repeatable (none: everyone is trusted)\n"
	       "  --untrusted reject|drop  what untrusted peers get: a stateless 403 (default) or nothing\n"
	       "  --vlan ID                send and expect 802.1Q tag ID (1-4094); other frames are dropped\n"
	       "  --mtu BYTES              IP MTU of what we send (576-9000, default 1500); larger is fragmented\n"
	       "  --max-invite-rate N      ordinary new INVITEs per second per worker before shedding with 503\n"
	       "                           (default 0: shed only when the RX queue keeps filling)\n"
	       "  --overload-ms MS         RX bursts coming back full for MS ms without a break mean the\n"
	       "                           queue is filling: shed (default 20; 0: never shed for that)\n"
	       "  --retry-after SECONDS    Retry-After of a shedding 503 (default 5)\n"
	       "  --control PATH           the control channel's UNIX socket, mode 0660 (e911-control connects;\n"
	       "                           protocol: include/e911/control_channel.h)\n"
	       "  --stop-after-idle SEC    exit after SEC seconds without a received frame (capture replays)\n"
	       "  --mbufs N                mbufs per worker (default 8191)\n"
	       "  --help                   this text\n",
	       prog, PROXY_MAX_SELF);
}

static int fail(const char *opt, const char *value, const char *want)
{
	fprintf(stderr, "e911-dataplane: --%s %s: %s\n", opt, value, want);
	return -1;
}

static bool parse_uint(const char *s, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi || s[0] == '-')
		return false;
	*out = v;
	return true;
}

static bool parse_double(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end || !(v >= 0))
		return false;
	*out = v;
	return true;
}

/* "ADDR" or "ADDR/N"; def: the prefix when none is given (0: required). */
static bool parse_prefix(const char *s, uint8_t def4, uint8_t def6, uint8_t *family, uint8_t addr[16],
			 uint8_t *len)
{
	const char *slash = strchr(s, '/');
	struct e911_slice host = { s, slash ? (uint32_t)(slash - s) : (uint32_t)strlen(s) };
	if (proxy_ip_parse(host, family, addr) != 0)
		return false;
	unsigned long n = *family == 4 ? def4 : def6;
	if (slash && !parse_uint(slash + 1, 0, *family == 4 ? 32 : 128, &n))
		return false;
	if (!slash && !n)
		return false;
	*len = (uint8_t)n;
	return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char extra;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &extra) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return true;
}

enum { O_CONFIG = 256, O_ADDR, O_PORT, O_HOP, O_ROUTER, O_NEIGH, O_TRUSTED, O_UNTRUSTED, O_VLAN,
       O_MTU, O_RATE, O_OVERLOAD, O_RETRY, O_CONTROL, O_IDLE, O_MBUFS, O_HELP };

int dp_args_parse(int argc, char **argv, struct dp_options *o)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "sip-address", required_argument, NULL, O_ADDR },
		{ "sip-port", required_argument, NULL, O_PORT },
		{ "default-hop", required_argument, NULL, O_HOP },
		{ "router", required_argument, NULL, O_ROUTER },
		{ "neighbour", required_argument, NULL, O_NEIGH },
		{ "trusted", required_argument, NULL, O_TRUSTED },
		{ "untrusted", required_argument, NULL, O_UNTRUSTED },
		{ "vlan", required_argument, NULL, O_VLAN },
		{ "mtu", required_argument, NULL, O_MTU },
		{ "max-invite-rate", required_argument, NULL, O_RATE },
		{ "overload-ms", required_argument, NULL, O_OVERLOAD },
		{ "retry-after", required_argument, NULL, O_RETRY },
		{ "control", required_argument, NULL, O_CONTROL },
		{ "stop-after-idle", required_argument, NULL, O_IDLE },
		{ "mbufs", required_argument, NULL, O_MBUFS },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	memset(o, 0, sizeof(*o));
	o->mtu = 1500;
	o->mbufs = 8191;
	o->overload_ms = 20;
	o->proxy.retry_after = 5;
	const char *addrs[PROXY_MAX_SELF];
	unsigned naddr = 0;
	unsigned long port = 5060, v;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *name = c >= O_CONFIG && c <= O_HELP ? opts[c - O_CONFIG].name : "?";
		switch (c) {
		case O_CONFIG:
			o->config_path = optarg;
			break;
		case O_ADDR:
			if (naddr == PROXY_MAX_SELF)
				return fail(name, optarg, "too many SIP addresses");
			addrs[naddr++] = optarg;
			break;
		case O_PORT:
			if (!parse_uint(optarg, 1, 65535, &port))
				return fail(name, optarg, "expected a port 1-65535");
			break;
		case O_HOP:
			if (proxy_endpoint_parse(optarg, &o->proxy.default_hop) != 0)
				return fail(name, optarg, "expected ADDR[:PORT] or [IPV6]:PORT (an IP literal)");
			break;
		case O_ROUTER: {
			struct proxy_endpoint ep = { 0 };
			if (proxy_ip_parse((struct e911_slice){ optarg, (uint32_t)strlen(optarg) }, &ep.family,
					   ep.addr) != 0)
				return fail(name, optarg, "expected an IP address");
			*(ep.family == 4 ? &o->router4 : &o->router6) = ep;
			break;
		}
		case O_NEIGH: {
			struct dp_static_neighbour *n = &o->neighbours[o->neighbour_count];
			char *eq = strchr(optarg, '=');
			if (o->neighbour_count == DP_MAX_STATIC_NEIGHBOURS)
				return fail(name, optarg, "too many static neighbours");
			if (!eq || proxy_ip_parse((struct e911_slice){ optarg, (uint32_t)(eq - optarg) }, &n->family,
						  n->ip) != 0 || !parse_mac(eq + 1, n->mac))
				return fail(name, optarg, "expected ADDR=MAC, e.g. 198.18.0.20=02:00:00:00:00:20");
			o->neighbour_count++;
			break;
		}
		case O_TRUSTED: {
			struct e911_subnet *s = &o->proxy.trusted[o->proxy.trusted_count];
			if (o->proxy.trusted_count == PROXY_MAX_TRUSTED)
				return fail(name, optarg, "too many trusted subnets");
			if (!parse_prefix(optarg, 32, 128, &s->family, s->address, &s->prefix_len))
				return fail(name, optarg, "expected ADDR/PREFIX");
			o->proxy.trusted_count++;
			break;
		}
		case O_UNTRUSTED:
			if (strcmp(optarg, "reject") == 0)
				o->proxy.untrusted_action = PROXY_UNTRUSTED_REJECT;
			else if (strcmp(optarg, "drop") == 0)
				o->proxy.untrusted_action = PROXY_UNTRUSTED_DROP;
			else
				return fail(name, optarg, "expected reject or drop");
			break;
		case O_VLAN:
			if (!parse_uint(optarg, 1, 4094, &v))
				return fail(name, optarg, "expected a VLAN id 1-4094");
			o->vlan = (uint16_t)v;
			break;
		case O_MTU:
			if (!parse_uint(optarg, 576, 9000, &v))
				return fail(name, optarg, "expected an MTU 576-9000");
			o->mtu = (uint16_t)v;
			break;
		case O_RATE:
			if (!parse_uint(optarg, 0, 10000000, &v))
				return fail(name, optarg, "expected INVITEs per second, 0-10000000");
			o->max_invite_rate = (uint32_t)v;
			break;
		case O_OVERLOAD:
			if (!parse_uint(optarg, 0, 60000, &v))
				return fail(name, optarg, "expected milliseconds 0-60000");
			o->overload_ms = (uint32_t)v;
			break;
		case O_RETRY:
			if (!parse_uint(optarg, 1, 3600, &v))
				return fail(name, optarg, "expected seconds 1-3600");
			o->proxy.retry_after = (uint32_t)v;
			break;
		case O_CONTROL:
			o->control_path = optarg;
			break;
		case O_IDLE:
			if (!parse_double(optarg, &o->stop_after_idle))
				return fail(name, optarg, "expected seconds");
			break;
		case O_MBUFS:
			if (!parse_uint(optarg, 1023, 1u << 22, &v))
				return fail(name, optarg, "expected 1023-4194304");
			o->mbufs = (uint32_t)v;
			break;
		case O_HELP:
			dp_args_usage(argv[0]);
			exit(0);
		default:
			fprintf(stderr, "e911-dataplane: unknown or incomplete option %s (see --help)\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "e911-dataplane: unexpected argument %s (see --help)\n", argv[optind]);
		return -1;
	}
	if (!o->config_path) {
		fprintf(stderr, "e911-dataplane: --config FILE is required: emergency calls need their policies\n");
		return -1;
	}
	if (naddr == 0) {
		fprintf(stderr, "e911-dataplane: --sip-address is required\n");
		return -1;
	}
	for (unsigned i = 0; i < naddr; i++) {
		uint8_t family, addr[16], len;
		char host[64];
		if (!parse_prefix(addrs[i], 24, 64, &family, addr, &len))
			return fail("sip-address", addrs[i], "expected ADDR or ADDR/PREFIX");
		const char *slash = strchr(addrs[i], '/');
		snprintf(host, sizeof(host), "%.*s", slash ? (int)(slash - addrs[i]) : (int)strlen(addrs[i]),
			 addrs[i]);
		o->prefix_len[o->proxy.self_count] = len;
		if (proxy_conf_add_self(&o->proxy, host, (uint16_t)port) != 0)
			return fail("sip-address", addrs[i], "not usable");
	}
	return 0;
}
