/*
 * eal_min.c - a minimal, quiet EAL for tools, tests and benchmarks (see
 * e911/eal_min.h). The dataplane itself starts its EAL from its own command
 * line instead.
 */
#include <stdio.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "e911/eal_min.h"

int eal_min_init(const char *program, unsigned memory_mb)
{
	char memory[16];
	snprintf(memory, sizeof(memory), "%u", memory_mb);
	char *argv[] = {
		(char *)(uintptr_t)program, "--no-huge", "--no-pci", "--no-shconf", "--no-telemetry",
		"-m", memory, "-l", "0", "--log-level=*:warning", NULL,
	};
	int argc = (int)(sizeof(argv) / sizeof(argv[0])) - 1;

	rte_log_set_global_level(RTE_LOG_WARNING);
	if (rte_eal_init(argc, argv) < 0)
		return rte_errno ? -rte_errno : -1;
	return 0;
}

void eal_min_cleanup(void)
{
	rte_eal_cleanup();
}
