/*
 * bench_util.c - timing and input helpers for e911-bench (see bench_util.h).
 */
#include "bench_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t bench_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Iterations of work that take about run_ms of CPU: grow until a run takes a tenth of it, then scale. */
static uint64_t calibrate(void (*work)(void *ctx, uint64_t iters), void *ctx, unsigned run_ms)
{
	uint64_t iters = 1;

	for (;;) {
		uint64_t t0 = bench_cpu_ns();
		work(ctx, iters);
		uint64_t dt = bench_cpu_ns() - t0;
		if (dt >= (uint64_t)run_ms * 100000u)
			return iters * ((uint64_t)run_ms * 1000000u) / (dt ? dt : 1) + 1;
		iters *= 2;
	}
}

static double per_iter_ns(void (*work)(void *ctx, uint64_t iters), void *ctx, uint64_t iters)
{
	uint64_t t0 = bench_cpu_ns();
	work(ctx, iters);
	return (double)(bench_cpu_ns() - t0) / (double)iters;
}

double bench_median_ns(void (*work)(void *ctx, uint64_t iters), void *ctx, unsigned run_ms)
{
	double per_iter[BENCH_RUNS];
	uint64_t iters = calibrate(work, ctx, run_ms);

	for (int r = 0; r < BENCH_RUNS; r++)
		per_iter[r] = per_iter_ns(work, ctx, iters);
	qsort(per_iter, BENCH_RUNS, sizeof(per_iter[0]), cmp_double);
	return per_iter[BENCH_RUNS / 2];
}

double bench_paired_ratio(void (*a)(void *ctx, uint64_t iters), void (*b)(void *ctx, uint64_t iters),
			  void *ctx, unsigned run_ms)
{
	double ratio[BENCH_PAIRS];
	uint64_t a_iters = calibrate(a, ctx, run_ms), b_iters = calibrate(b, ctx, run_ms);

	for (int r = 0; r < BENCH_PAIRS; r++) {
		double a_ns = per_iter_ns(a, ctx, a_iters);
		ratio[r] = per_iter_ns(b, ctx, b_iters) / a_ns;
	}
	qsort(ratio, BENCH_PAIRS, sizeof(ratio[0]), cmp_double);
	return ratio[BENCH_PAIRS / 2];
}

char *bench_read_file(const char *path, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	long size = -1;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)size + 1)) != NULL && fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
		errno = EIO;
	}
	fclose(f);
	if (buf) {
		buf[size] = '\0'; /* libosip2 wants a terminated string; our parser does not look */
		*len = (uint32_t)size;
	}
	return buf;
}
