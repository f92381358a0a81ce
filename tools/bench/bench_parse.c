/*
 * bench_parse.c - `e911-bench parse FILE...`: per message on one core, the
 * cost of sip_parse() (median_ns, the figure of the parser target), and of
 * everything the parser does for an emergency INVITE (full_ns: sip_parse, the
 * Request-URI, From and To split, the dialled digits, the PIDF-LO part
 * located); and, when libosip2 is present, the cost of osip_message_parse()
 * on the same bytes in the same run, with the ratio to full_ns (libosip2
 * splits all of that and more), and libosip2's cost over sip_parse()'s taken
 * from back-to-back pairs of runs (osip_over_parse_paired): the parser target
 * (200 ns) was set on machines where libosip2 takes about 9 us, so on a slower
 * or noisier host this ratio is the figure that travels.
 *
 * `e911-bench parse --loop N FILE...` parses each file N times and times
 * nothing: the program that tools/bench/parse-instructions.sh runs under
 * callgrind for the exact instruction count of one sip_parse().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "bench.h"
#include "e911/sip.h"

#ifdef HAVE_OSIP
#include <osipparser2/osip_parser.h>
#endif

struct parse_ctx {
	const char *buf;
	uint32_t len;
	struct sip_msg msg;
	uint64_t sink; /* keeps the compiler from dropping the work */
};

static void run_parse(void *arg, uint64_t iters)
{
	struct parse_ctx *c = arg;

	for (uint64_t i = 0; i < iters; i++)
		c->sink += (uint64_t)sip_parse(c->buf, c->len, &c->msg);
}

static void run_parse_full(void *arg, uint64_t iters)
{
	struct parse_ctx *c = arg;
	struct e911_slice pidf = { NULL, 0 };
	struct sip_uri ruri;
	struct sip_name_addr from, to;
	char digits[SIP_MAX_DIGITS];

	for (uint64_t i = 0; i < iters; i++) {
		c->sink += (uint64_t)sip_parse(c->buf, c->len, &c->msg);
		if (c->msg.kind == SIP_REQUEST && sip_parse_request_uri(&c->msg, &ruri) == 0)
			c->sink += (uint64_t)sip_uri_dialled_digits(&ruri, digits, sizeof(digits));
		c->sink += (uint64_t)sip_parse_from(&c->msg, &from) + from.tag.len;
		c->sink += (uint64_t)sip_parse_to(&c->msg, &to) + to.uri.len;
		c->sink += (uint64_t)sip_find_pidf(&c->msg, &pidf) + pidf.len;
	}
}

#ifdef HAVE_OSIP
static void run_osip(void *arg, uint64_t iters)
{
	struct parse_ctx *c = arg;

	for (uint64_t i = 0; i < iters; i++) {
		osip_message_t *m;
		if (osip_message_init(&m) != 0)
			abort();
		c->sink += (uint64_t)osip_message_parse(m, c->buf, c->len);
		osip_message_free(m);
	}
}
#endif

/* Not inlined, so that callgrind can collect in it alone (--toggle-collect=parse_loop). */
__attribute__((noinline)) static void parse_loop(struct parse_ctx *c, uint64_t loops)
{
	run_parse(c, loops);
}

int bench_parse(int argc, char **argv)
{
	uint64_t loops = 0;
	if (argc >= 2 && strcmp(argv[0], "--loop") == 0) {
		char *end;
		errno = 0;
		loops = strtoull(argv[1], &end, 10);
		if (errno || *end || loops == 0 || argv[1][0] == '-') {
			fprintf(stderr, "e911-bench: parse --loop: '%s' is not a positive count\n", argv[1]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 1) {
		fprintf(stderr, "usage: e911-bench parse [--loop N] FILE...\n");
		return 2;
	}
#ifdef HAVE_OSIP
	parser_init();
#endif
	struct parse_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return 2;
	int status = 0;
	for (int i = 0; i < argc; i++) {
		char *file = bench_read_file(argv[i], &c->len);
		c->buf = file;
		if (file == NULL) {
			fprintf(stderr, "e911-bench: %s: %s\n", argv[i], strerror(errno));
			status = 2;
			continue;
		}
		int rc = sip_parse(c->buf, c->len, &c->msg);
		if (rc < 0) {
			fprintf(stderr, "e911-bench: %s: invalid: %s\n", argv[i], sip_status_name(rc));
			status = 1;
			free(file);
			continue;
		}
		if (loops) {
			parse_loop(c, loops);
			printf("%s bytes=%u loops=%llu\n", argv[i], c->len, (unsigned long long)loops);
			free(file);
			continue;
		}
		double parse_ns = bench_median_ns(run_parse, c, 100);
		double full_ns = bench_median_ns(run_parse_full, c, 100);
		printf("%s bytes=%u", argv[i], c->len);
#ifdef HAVE_OSIP
		double osip_ns = bench_median_ns(run_osip, c, 100);
		printf(" osip_ns=%.0f osip_ratio_to_full=%.1f osip_over_parse_paired=%.1f", osip_ns,
		       osip_ns / full_ns, bench_paired_ratio(run_parse, run_osip, c, 20));
#endif
		printf(" full_ns=%.0f median_ns=%.0f\n", full_ns, parse_ns);
		fflush(stdout);
		free(file);
	}
	free(c);
	return status;
}
