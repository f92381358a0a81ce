/*
 * e911-bench - the project's benchmark programs, one subcommand per measured
 * component. Each prints one line per measured item ending in median_ns=N
 * (the median of BENCH_RUNS runs, one core). Figures, not pass/fail.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} subcommands[] = {
	{ "parse", bench_parse, "parse [--loop N] FILE...   sip_parse() per message (and libosip2's, when built with it)" },
	{ "classify", bench_classify, "classify        snapshot_classify() over a carrier-sized policy set; build + publish" },
	{ "pipeline", bench_pipeline, "pipeline PCAP POLICIES.xml [PASSES [OUT.pcap]]   a worker's per-packet path over a pcap, no NIC" },
};

int main(int argc, char **argv)
{
	if (argc >= 2)
		for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
			if (strcmp(argv[1], subcommands[i].name) == 0)
				return subcommands[i].run(argc - 2, argv + 2);
	fprintf(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr, "usage: e911-bench SUBCOMMAND ARGS\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(stderr, "  e911-bench %s\n", subcommands[i].usage);
	return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
}
