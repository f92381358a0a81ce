/*
 * ctl_args.c - e911-control's command line. The --help text is also the
 * source of its man page (help2man).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: e911-control [OPTION]...\n"
		"The control process of e911proxy: loads the location policies and pushes them to\n"
		"e911-dataplane, serves the operators' control socket, records every emergency call,\n"
		"notifies the security desk and calls it into the call.\n"
		"\n"
		"  --config PATH            policy configuration; every change made through the socket is\n"
		"                           written back to it atomically, the previous file kept as PATH.bak\n"
		"                           (default /etc/e911proxy/e911proxy.xml)\n"
		"  --dataplane PATH         the dataplane's control channel (its --control;\n"
		"                           default /run/e911proxy/dataplane.sock)\n"
		"  --socket PATH            the operators' control socket, mode 0660 (e911ctl;\n"
		"                           default /run/e911proxy/control.sock)\n"
		"  --sip-address IP         the address the security desk's SIP user agent uses\n"
		"                           (default 127.0.0.1)\n"
		"  --sip-port N             its UDP port (default 5070)\n"
		"  --identity URI           From of notifications, conference calls and OPTIONS pings\n"
		"                           (default sip:e911proxy@SIP-ADDRESS)\n"
		"  --options-interval S     OPTIONS ping to every gateway every S seconds; 0: none (default 30)\n"
		"  --conference-timeout S   CANCEL a conference call nobody answers in S seconds (default 30)\n"
		"  --metrics ADDR:PORT      Prometheus metrics over HTTP, or off (default 127.0.0.1:9911)\n"
		"  --calls-log PATH         one line per emergency-call event, for logrotate; \"\": none\n"
		"                           (default /var/log/e911proxy/calls.log)\n"
		"  --help                   this text\n"
		"  --version                the version\n"
		"\n"
		"Signals: SIGHUP re-reads the configuration file and reopens the calls log;\n"
		"SIGTERM and SIGINT end the security desk's conference legs and exit.\n"
		"The dataplane never waits for this process: when it is down, calls are still routed.\n");
}

static int number(const char *opt, const char *arg, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v = strtoul(arg, &end, 10);
	if (!*arg || *end || v > max || arg[0] == '-') {
		fprintf(stderr, "e911-control: %s %s: not a number from 0 to %lu\n", opt, arg, max);
		return -1;
	}
	*out = v;
	return 0;
}

int ctl_parse_args(int argc, char **argv, struct ctl_options *o)
{
	enum { O_CONFIG = 256, O_DATAPLANE, O_SOCKET, O_SIP_ADDRESS, O_SIP_PORT, O_IDENTITY,
	       O_OPTIONS_INTERVAL, O_CONFERENCE_TIMEOUT, O_METRICS, O_CALLS_LOG, O_HELP, O_VERSION };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "dataplane", required_argument, NULL, O_DATAPLANE },
		{ "socket", required_argument, NULL, O_SOCKET },
		{ "sip-address", required_argument, NULL, O_SIP_ADDRESS },
		{ "sip-port", required_argument, NULL, O_SIP_PORT },
		{ "identity", required_argument, NULL, O_IDENTITY },
		{ "options-interval", required_argument, NULL, O_OPTIONS_INTERVAL },
		{ "conference-timeout", required_argument, NULL, O_CONFERENCE_TIMEOUT },
		{ "metrics", required_argument, NULL, O_METRICS },
		{ "calls-log", required_argument, NULL, O_CALLS_LOG },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	*o = (struct ctl_options){
		.config_path = "/etc/e911proxy/e911proxy.xml",
		.dataplane_path = "/run/e911proxy/dataplane.sock",
		.socket_path = "/run/e911proxy/control.sock",
		.sip_address = "127.0.0.1",
		.sip_port = 5070,
		.options_interval_s = 30,
		.conference_timeout_s = 30,
		.metrics = "127.0.0.1:9911",
		.calls_log = "/var/log/e911proxy/calls.log",
	};
	unsigned long v;
	int opt;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case O_CONFIG: o->config_path = optarg; break;
		case O_DATAPLANE: o->dataplane_path = optarg; break;
		case O_SOCKET: o->socket_path = optarg; break;
		case O_SIP_ADDRESS: o->sip_address = optarg; break;
		case O_SIP_PORT:
			if (number("--sip-port", optarg, 65535, &v) || v == 0)
				return -1;
			o->sip_port = (uint16_t)v;
			break;
		case O_IDENTITY: o->identity = optarg; break;
		case O_OPTIONS_INTERVAL:
			if (number("--options-interval", optarg, 86400, &v))
				return -1;
			o->options_interval_s = (uint32_t)v;
			break;
		case O_CONFERENCE_TIMEOUT:
			if (number("--conference-timeout", optarg, 3600, &v) || v == 0)
				return -1;
			o->conference_timeout_s = (uint32_t)v;
			break;
		case O_METRICS: o->metrics = optarg; break;
		case O_CALLS_LOG: o->calls_log = optarg; break;
		case O_HELP: usage(stdout); return 1;
		case O_VERSION: printf("e911-control %s\n", E911_VERSION); return 1;
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "e911-control: unexpected argument %s\n", argv[optind]);
		return -1;
	}
	return 0;
}
