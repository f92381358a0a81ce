/*
 * eal_min.h - start DPDK's EAL for a program that needs only DPDK memory
 * (the policy tables): tools, unit tests and benchmarks. No hugepages, no PCI,
 * no telemetry socket, no shared runtime files (--no-shconf), so any number
 * of them can run beside each other and beside a running dataplane.
 */
#ifndef E911_EAL_MIN_H
#define E911_EAL_MIN_H

/**
 * Initialise the EAL once for this process, quietly (EAL logs above
 * warnings only), with `memory_mb` of memory.
 * @return 0, or a negative errno (the EAL's rte_errno) when it cannot start.
 */
int eal_min_init(const char *program, unsigned memory_mb);

/** Release the EAL (after every DPDK object is freed). */
void eal_min_cleanup(void);

#endif /* E911_EAL_MIN_H */
