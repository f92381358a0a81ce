/*
 * bench.h - the subcommands of e911-bench; each takes the arguments after
 * its own name and returns the exit status (0 ok, 1 bad input, 2 usage/I/O).
 */
#ifndef E911_BENCH_H
#define E911_BENCH_H

int bench_parse(int argc, char **argv);
int bench_classify(int argc, char **argv);
int bench_pipeline(int argc, char **argv);

#endif /* E911_BENCH_H */
