/*
 * e911-gen-pcap - writes a pcap file of realistic SIP-over-UDP traffic
 * towards the proxy: the input of the dataplane's benchmark (DPDK net_pcap
 * with infinite_rx=1) and of its pcap-in/pcap-out tests.
 *
 *   e911-gen-pcap [options] -o OUT.pcap --count N
 *
 * N SIP messages (datagrams), each in Ethernet II (+ one 802.1Q tag with
 * --vlan) / IPv4 or IPv6 (--ipv6) / UDP with correct checksums; a datagram
 * whose IP packet exceeds --mtu is written as IP fragments, in order.
 * Message kinds (--mix weights, or --kind for one kind only):
 *   emergency  INVITE to 911, 9911 (a dial mask), 933, tel:911 or
 *              urn:service:sos (--targets) from a caller, with a multipart/
 *              mixed SDP + PIDF-LO body (civic, geodetic point or circle;
 *              --manual-share with method Manual), Geolocation: <cid:...>,
 *              Priority: emergency, P-Asserted-Identity; 1.1 to 2 KB, and
 *              --big-share of them above 2 KB (two location devices);
 *   ordinary   INVITE with SDP to +1425555NNNN;
 *   response   100 / 180 / 200 (with SDP) from the trunk gateway, the proxy's
 *              own Via (branch z9hG4bK-e911p-...) on top of the caller's;
 *   indialog   ACK and BYE with Route: <sip:PROXY;lr>, and CANCEL.
 * Requests go from a caller (--callers of them, spread over the --subnet
 * prefixes, port --caller-port) to the proxy; responses from the gateway.
 * Every message has its own Call-ID, branch and tags. The same options and
 * --seed give the same bytes. A one-line summary goes to stderr.
 *
 * Exit status: 0 written, 1 generation or I/O failed, 2 bad usage.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

enum {
	OPT_MIX = 256, OPT_KIND, OPT_TARGETS, OPT_BIG, OPT_MANUAL, OPT_CALLERS, OPT_MTU, OPT_VLAN,
	OPT_IPV6, OPT_PROXY_MAC, OPT_SENDER_MAC, OPT_PROXY_IP, OPT_PROXY_IP6, OPT_PROXY_PORT,
	OPT_GATEWAY, OPT_GATEWAY6, OPT_GATEWAY_PORT, OPT_CALLER_PORT, OPT_SUBNET, OPT_PPS,
};

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "count", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "mix", required_argument, NULL, OPT_MIX },
	{ "kind", required_argument, NULL, OPT_KIND },
	{ "targets", required_argument, NULL, OPT_TARGETS },
	{ "big-share", required_argument, NULL, OPT_BIG },
	{ "manual-share", required_argument, NULL, OPT_MANUAL },
	{ "callers", required_argument, NULL, OPT_CALLERS },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "vlan", required_argument, NULL, OPT_VLAN },
	{ "ipv6", no_argument, NULL, OPT_IPV6 },
	{ "proxy-mac", required_argument, NULL, OPT_PROXY_MAC },
	{ "sender-mac", required_argument, NULL, OPT_SENDER_MAC },
	{ "proxy-ip", required_argument, NULL, OPT_PROXY_IP },
	{ "proxy-ip6", required_argument, NULL, OPT_PROXY_IP6 },
	{ "proxy-port", required_argument, NULL, OPT_PROXY_PORT },
	{ "gateway", required_argument, NULL, OPT_GATEWAY },
	{ "gateway6", required_argument, NULL, OPT_GATEWAY6 },
	{ "gateway-port", required_argument, NULL, OPT_GATEWAY_PORT },
	{ "caller-port", required_argument, NULL, OPT_CALLER_PORT },
	{ "subnet", required_argument, NULL, OPT_SUBNET },
	{ "pps", required_argument, NULL, OPT_PPS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("usage: e911-gen-pcap [options] -o OUT.pcap --count N\n"
	      "Writes N SIP-over-UDP datagrams towards the proxy as Ethernet frames in a pcap file.\n"
	      "\n"
	      "  -o, --output FILE       pcap file to write ('-': standard output)     (required)\n"
	      "  -n, --count N           SIP messages (datagrams), 1..1000000000      (required)\n"
	      "  -s, --seed S            random seed; same options + seed = same bytes   [1]\n"
	      "      --mix LIST          kind weights, e.g. emergency=20,ordinary=30,response=30,indialog=20\n"
	      "                          (that is the default; kinds not named get 0)\n"
	      "      --kind K            only one kind: emergency, ordinary, response or indialog\n"
	      "      --targets LIST      emergency Request-URIs among 911,9911,933,tel,sos   [all]\n"
	      "      --big-share PCT     emergency INVITEs above 2 KB (fragmented)          [10]\n"
	      "      --manual-share PCT  PIDF-LOs whose method is Manual                    [25]\n"
	      "      --callers N         distinct callers (identity + address)            [1000]\n"
	      "      --mtu N             largest IP packet; larger datagrams fragment     [1500]\n"
	      "      --vlan ID           one 802.1Q tag with this VLAN ID (0..4094)       [none]\n"
	      "      --ipv6              IPv6 instead of IPv4\n"
	      "      --proxy-mac MAC     destination MAC                     [02:00:00:00:00:01]\n"
	      "      --sender-mac MAC    source MAC                          [02:00:00:00:00:02]\n"
	      "      --proxy-ip A        the proxy's IPv4 address                  [198.18.0.1]\n"
	      "      --proxy-ip6 A       the proxy's IPv6 address                 [2001:db8::1]\n"
	      "      --proxy-port P      the proxy's UDP port                            [5060]\n"
	      "      --gateway A         the trunk gateway's IPv4 address         [198.18.0.10]\n"
	      "      --gateway6 A        the trunk gateway's IPv6 address  [2001:db8:0:e911::10]\n"
	      "      --gateway-port P    the trunk gateway's UDP port                    [5060]\n"
	      "      --caller-port P     the callers' UDP port                           [5060]\n"
	      "      --subnet PREFIX     a callers' subnet (repeat; replaces the defaults of its\n"
	      "                          family) [198.18.1.0/24 198.18.2.0/24 2001:db8:1::/64 2001:db8:2::/64]\n"
	      "      --pps N             pcap timestamps: frames per second             [100000]\n"
	      "  -h, --help              this text\n"
	      "\n"
	      "Summary on stderr: messages by kind, frames, bytes, fragmented datagrams.\n"
	      "Exit status: 0 written, 1 generation or I/O failed, 2 bad usage.\n",
	      f);
}

static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
	va_list ap;

	fputs("e911-gen-pcap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\ntry 'e911-gen-pcap --help'\n", stderr);
	return 2;
}

static int parse_port(const char *s, uint16_t *port)
{
	uint64_t v;
	if (gen_parse_u64(s, 1, 65535, &v))
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* Options into cfg and *out; returns 0, or the exit status of a bad usage (2). */
static int parse_args(int argc, char **argv, struct gen_config *cfg, const char **out)
{
	char err[160];
	bool have_count = false, have_mix = false, have_kind = false;
	bool own4 = false, own6 = false;
	uint64_t v;
	int c, family;

	while ((c = getopt_long(argc, argv, "o:n:s:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			*out = optarg;
			break;
		case 'n':
			if (gen_parse_u64(optarg, 1, 1000000000, &cfg->count))
				return bad("--count must be 1..1000000000, not '%s'", optarg);
			have_count = true;
			break;
		case 's':
			if (gen_parse_u64(optarg, 0, UINT64_MAX, &cfg->seed))
				return bad("--seed must be a number, not '%s'", optarg);
			break;
		case OPT_MIX:
			if (have_kind)
				return bad("%s", "give --mix or --kind, not both");
			if (gen_parse_mix(optarg, cfg->mix, err, sizeof(err)))
				return bad("%s", err);
			have_mix = true;
			break;
		case OPT_KIND: {
			enum gen_kind k;
			if (have_mix)
				return bad("%s", "give --mix or --kind, not both");
			if (gen_parse_kind(optarg, &k))
				return bad("--kind: unknown kind '%s' (emergency, ordinary, response, "
					   "indialog)", optarg);
			memset(cfg->mix, 0, sizeof(cfg->mix));
			cfg->mix[k] = 1;
			have_kind = true;
			break;
		}
		case OPT_TARGETS:
			if (gen_parse_targets(optarg, &cfg->targets, err, sizeof(err)))
				return bad("%s", err);
			break;
		case OPT_BIG:
		case OPT_MANUAL:
			if (gen_parse_u64(optarg, 0, 100, &v))
				return bad("a share must be a percentage 0..100, not '%s'", optarg);
			*(c == OPT_BIG ? &cfg->big_percent : &cfg->manual_percent) = (uint32_t)v;
			break;
		case OPT_CALLERS:
			if (gen_parse_u64(optarg, 1, UINT32_MAX, &v))
				return bad("--callers must be 1..4294967295, not '%s'", optarg);
			cfg->callers = (uint32_t)v;
			break;
		case OPT_MTU:
			if (gen_parse_u64(optarg, GEN_MTU_MIN, GEN_MTU_MAX, &v))
				return bad("--mtu must be 576..9216, not '%s'", optarg);
			cfg->mtu = (uint32_t)v;
			break;
		case OPT_VLAN:
			if (gen_parse_u64(optarg, 0, 4094, &v))
				return bad("--vlan must be a VLAN ID 0..4094, not '%s'", optarg);
			cfg->vlan = (int32_t)v;
			break;
		case OPT_IPV6:
			cfg->ipv6 = true;
			break;
		case OPT_PROXY_MAC:
		case OPT_SENDER_MAC:
			if (gen_parse_mac(optarg, c == OPT_PROXY_MAC ? cfg->proxy_mac : cfg->sender_mac))
				return bad("not a MAC address (aa:bb:cc:dd:ee:ff): '%s'", optarg);
			break;
		case OPT_PROXY_IP:
		case OPT_GATEWAY:
			if (gen_parse_ip4(optarg, c == OPT_PROXY_IP ? cfg->proxy4 : cfg->gateway4))
				return bad("not an IPv4 address: '%s'", optarg);
			break;
		case OPT_PROXY_IP6:
		case OPT_GATEWAY6:
			if (gen_parse_ip6(optarg, c == OPT_PROXY_IP6 ? cfg->proxy6 : cfg->gateway6))
				return bad("not an IPv6 address: '%s'", optarg);
			break;
		case OPT_PROXY_PORT:
		case OPT_GATEWAY_PORT:
		case OPT_CALLER_PORT:
			if (parse_port(optarg, c == OPT_PROXY_PORT ? &cfg->proxy_port
					       : c == OPT_GATEWAY_PORT ? &cfg->gateway_port
								       : &cfg->caller_port))
				return bad("a port must be 1..65535, not '%s'", optarg);
			break;
		case OPT_SUBNET: {
			struct gen_prefix p;
			if (gen_parse_prefix(optarg, &p, &family, err, sizeof(err)))
				return bad("%s", err);
			bool *own = family == 4 ? &own4 : &own6;
			uint32_t *n = family == 4 ? &cfg->nsubnet4 : &cfg->nsubnet6;
			if (!*own) /* the first one given replaces the defaults */
				*n = 0;
			*own = true;
			if (*n == GEN_MAX_SUBNETS)
				return bad("at most 16 subnets per family ('%s')", optarg);
			(family == 4 ? cfg->subnet4 : cfg->subnet6)[(*n)++] = p;
			break;
		}
		case OPT_PPS:
			if (gen_parse_u64(optarg, 1, 1000000000, &cfg->pps))
				return bad("--pps must be 1..1000000000, not '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default: /* getopt_long has said what was wrong */
			fputs("try 'e911-gen-pcap --help'\n", stderr);
			return 2;
		}
	}
	if (optind < argc)
		return bad("unexpected argument '%s'", argv[optind]);
	if (!*out)
		return bad("%s", "no output file (-o OUT.pcap)");
	if (!have_count)
		return bad("%s", "no message count (--count N)");
	return 0;
}

int main(int argc, char **argv)
{
	static struct gen g;
	static struct gen_msg m;
	static struct gen_frames fr;
	struct gen_config cfg;
	const char *out = NULL;
	char err[160];
	uint64_t frames = 0, bytes = 0, sip_bytes = 0, fragmented = 0;

	gen_config_default(&cfg);
	int rc = parse_args(argc, argv, &cfg, &out);
	if (rc)
		return rc;
	if (gen_init(&g, &cfg, err, sizeof(err)))
		return bad("%s", err);
	struct gen_pcap *w = gen_pcap_open(out, cfg.pps, err, sizeof(err));
	if (!w) { /* libpcap's message names the file */
		fprintf(stderr, "e911-gen-pcap: %s\n", err);
		return 1;
	}
	while ((rc = gen_next(&g, &m)) == 1) {
		int n = gen_frames_build(&cfg, &m, g.ip_id++, &fr);
		if (n < 0)
			break;
		for (int i = 0; i < n; i++) {
			gen_pcap_write(w, fr.buf + fr.off[i], fr.len[i]);
			bytes += fr.len[i];
		}
		frames += (uint64_t)n;
		sip_bytes += m.len;
		fragmented += n > 1;
	}
	if (rc != 0) {
		fprintf(stderr, "e911-gen-pcap: message %" PRIu64 " does not fit its buffers\n", g.seq);
		gen_pcap_close(w, err, sizeof(err));
		return 1;
	}
	if (gen_pcap_close(w, err, sizeof(err))) {
		fprintf(stderr, "e911-gen-pcap: %s: %s\n", out, err);
		return 1;
	}
	fprintf(stderr,
		"e911-gen-pcap: %" PRIu64 " messages (emergency %" PRIu64 ", ordinary %" PRIu64
		", response %" PRIu64 ", indialog %" PRIu64 "), %" PRIu64 " SIP bytes, %" PRIu64
		" frames, %" PRIu64 " frame bytes, %" PRIu64 " fragmented datagrams -> %s\n",
		g.seq, g.made[GEN_EMERGENCY], g.made[GEN_ORDINARY], g.made[GEN_RESPONSE],
		g.made[GEN_INDIALOG], sip_bytes, frames, bytes, fragmented, out);
	return 0;
}
