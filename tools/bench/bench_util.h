/*
 * bench_util.h - what every e911-bench subcommand shares: a monotonic clock,
 * the calling thread's CPU clock, timing a piece of work over several runs
 * and taking the median, and reading an input file. Benchmarks print
 * figures; they never assert on time.
 */
#ifndef E911_BENCH_UTIL_H
#define E911_BENCH_UTIL_H

#include <stdint.h>

#define BENCH_RUNS 9 /* runs per figure; the median is reported */

uint64_t bench_now_ns(void);
/* CPU time of the calling thread: what a run cost, without the time the
 * scheduler gave to others (these VMs are shared). */
uint64_t bench_cpu_ns(void);

/*
 * Times `work(ctx, iters)` BENCH_RUNS times, with iters chosen so that one
 * run takes about `run_ms` milliseconds of CPU, and returns the median CPU
 * cost of one iteration in nanoseconds (bench_cpu_ns: a run that was
 * descheduled half-way is not charged for the wait).
 */
double bench_median_ns(void (*work)(void *ctx, uint64_t iters), void *ctx, unsigned run_ms);

/*
 * The median, over BENCH_PAIRS back-to-back pairs of runs of about `run_ms`
 * each, of b's CPU cost per iteration over a's. On a host whose speed swings
 * from one second to the next, a pair sees one speed, so the ratio holds
 * where two medians taken seconds apart do not.
 */
#define BENCH_PAIRS 31
double bench_paired_ratio(void (*a)(void *ctx, uint64_t iters), void (*b)(void *ctx, uint64_t iters),
			  void *ctx, unsigned run_ms);

/* Reads a whole file into a malloc'd buffer; NULL (errno set) on failure. */
char *bench_read_file(const char *path, uint32_t *len);

#endif /* E911_BENCH_UTIL_H */
