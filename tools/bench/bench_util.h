/*
 * bench_util.h - what every e911-bench subcommand shares: a monotonic clock,
 * timing a piece of work over several runs and taking the median, and
 * reading an input file. Benchmarks print figures; they never assert on time.
 */
#ifndef E911_BENCH_UTIL_H
#define E911_BENCH_UTIL_H

#include <stdint.h>

#define BENCH_RUNS 9 /* runs per figure; the median is reported */

uint64_t bench_now_ns(void);

/*
 * Times `work(ctx, iters)` BENCH_RUNS times, with iters chosen so that one
 * run takes about `run_ms` milliseconds, and returns the median cost of one
 * iteration in nanoseconds.
 */
double bench_median_ns(void (*work)(void *ctx, uint64_t iters), void *ctx, unsigned run_ms);

/* Reads a whole file into a malloc'd buffer; NULL (errno set) on failure. */
char *bench_read_file(const char *path, uint32_t *len);

#endif /* E911_BENCH_UTIL_H */
