/*
 * dp_main.c - e911-dataplane: start the EAL, read the options and the policy
 * configuration (refusing one it cannot route emergency calls with), build
 * and publish the first policy snapshot, set up the ports, launch one worker
 * per worker lcore, then run the main lcore's housekeeping until SIGINT or
 * SIGTERM: neighbour resolution, emergency-call events, telemetry.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "dp.h"
#include "dp_control.h"
#include "dp_events.h"

struct dp dp;

static void on_signal(int sig)
{
	(void)sig;
	__atomic_store_n(&dp.stop, true, __ATOMIC_RELAXED);
}

static int load_policies(struct dp *d)
{
	struct e911_config *cfg;
	struct policy_errors errs;
	if (policy_config_load_file(d->opt.config_path, &cfg, &errs) != 0) {
		for (uint32_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.items[i].text);
		fprintf(stderr, "e911-dataplane: %s: not loaded; nothing started\n", d->opt.config_path);
		policy_errors_free(&errs);
		return -1;
	}
	policy_errors_free(&errs);
	char err[512];
	printf("e911-dataplane: policies %s (version %s): %u policies, %u routes, %u sites, %u users\n",
	       d->opt.config_path, cfg->version, cfg->policy_count, cfg->route_count, cfg->site_count,
	       cfg->user_count);
	if (dp_apply_config(d, cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "e911-dataplane: %s: %s; nothing started\n", d->opt.config_path, err);
		return -1;
	}
	return 0;
}

static int start(struct dp *d)
{
	d->worker_count = rte_lcore_count() - 1;
	if (d->worker_count == 0 || d->worker_count > DP_MAX_WORKERS) {
		fprintf(stderr, "e911-dataplane: needs 1 main and 1-%u worker lcores (e.g. -l 0-1); got %u lcores\n",
			DP_MAX_WORKERS, rte_lcore_count());
		return -1;
	}
	d->slot = snapshot_slot_new(d->worker_count);
	d->neigh = dp_neigh_new(65536);
	if (!d->slot || !d->neigh) {
		fprintf(stderr, "e911-dataplane: out of memory (give the EAL more with -m)\n");
		return -1;
	}
	if (load_policies(d) != 0)
		return -1;
	for (uint32_t i = 0; i < d->opt.neighbour_count; i++) {
		const struct dp_static_neighbour *n = &d->opt.neighbours[i];
		dp_neigh_set(d->neigh, n->family, n->ip, n->mac);
	}
	for (unsigned w = 0; w < d->worker_count; w++) {
		d->workers[w] = dp_worker_new(w, d);
		if (!d->workers[w]) {
			fprintf(stderr, "e911-dataplane: worker %u: out of memory (give the EAL more with -m, "
					"or fewer --mbufs)\n", w);
			return -1;
		}
	}
	if (dp_ports_init(d) != 0)
		return -1;
	if (dp_telemetry_register(d) != 0)
		fprintf(stderr, "e911-dataplane: telemetry commands not registered\n");
	return 0;
}

static void print_summary(const struct dp *d, const struct dp_resolver *r)
{
	struct dp_counters c;
	dp_counters_total(d, &c);
	printf("e911-dataplane: stopped. rx %" PRIu64 " tx %" PRIu64 " requests %" PRIu64
	       " responses %" PRIu64 " emergency calls %" PRIu64 " emergency unsent %" PRIu64
	       " shed %" PRIu64 " unresolved %" PRIu64 "\n",
	       c.rx_packets, c.tx_packets, c.sip_requests, c.sip_responses, c.emergency_calls,
	       c.emergency_unsent, c.shed, dp_resolver_expired(r));
	double hz = (double)rte_get_tsc_hz();
	for (unsigned w = 0; w < d->worker_count; w++) {
		const struct dp_counters *wc = dp_worker_counters(d->workers[w]);
		double secs = (double)(dp_worker_last_rx_tsc(d->workers[w]) - dp_worker_started_tsc(d->workers[w])) / hz;
		if (!wc->rx_packets || secs <= 0)
			continue;
		printf("e911-dataplane: worker %u: %" PRIu64 " packets in %.2f s: %.3f Mpps, %.0f ns/packet busy\n",
		       w, wc->rx_packets, secs, (double)wc->rx_packets / secs / 1e6,
		       (double)wc->busy_tsc / hz * 1e9 / (double)wc->rx_packets);
	}
	for (int o = 0; o < PROXY_OUTCOME_COUNT; o++)
		if (c.outcome[o])
			printf("e911-dataplane:   %-24s %" PRIu64 "\n", proxy_outcome_name(o), c.outcome[o]);
	for (int k = 0; k < NET_KIND_COUNT; k++)
		if (c.net_kind[k])
			printf("e911-dataplane:   net %-20s %" PRIu64 "\n", net_kind_name(k), c.net_kind[k]);
#define DP_COUNTER_PRINT(name, help)                                                          \
	if (c.name && strcmp(#name, "busy_tsc") != 0)                                        \
		printf("e911-dataplane:   %-24s %" PRIu64 "  (%s)\n", #name, c.name, help);
	DP_COUNTER_LIST(DP_COUNTER_PRINT)
#undef DP_COUNTER_PRINT
}

static bool idle_too_long(const struct dp *d, uint64_t started)
{
	if (d->opt.stop_after_idle <= 0)
		return false;
	uint64_t last = started;
	for (unsigned w = 0; w < d->worker_count; w++) {
		uint64_t t = dp_worker_last_rx_tsc(d->workers[w]);
		if (t > last)
			last = t;
	}
	return (double)(rte_rdtsc() - last) / (double)rte_get_tsc_hz() > d->opt.stop_after_idle;
}

int main(int argc, char **argv)
{
	/* --help: the EAL prints its options, then ours (the man page is made from this). */
	rte_set_application_usage_hook(dp_args_usage);
	int eal = rte_eal_init(argc, argv);
	if (eal < 0) {
		fprintf(stderr, "e911-dataplane: EAL start failed (see above); --help lists our options\n");
		return 2;
	}
	argv[eal] = argv[0];
	if (dp_args_parse(argc - eal, argv + eal, &dp.opt) != 0 || start(&dp) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	struct dp_resolver *resolver = dp_resolver_new(&dp);
	struct dp_control *control = NULL;
	if (dp.opt.control_path && !(control = dp_control_new(&dp, dp.opt.control_path))) {
		rte_eal_cleanup();
		return 2;
	}
	struct dp_events *events = dp_events_new(&dp, control);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	unsigned w = 0, lcore;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		rte_eal_remote_launch(dp_worker_main, dp.workers[w++], lcore);
	}
	printf("e911-dataplane: running: %u worker(s), %u port(s)\n", dp.worker_count, dp.port_count);
	fflush(stdout);
	uint64_t started = rte_rdtsc();
	while (!__atomic_load_n(&dp.stop, __ATOMIC_RELAXED)) {
		dp_resolver_poll(resolver);
		unsigned drained = dp_events_poll(events);
		dp_control_poll(control);
		if (idle_too_long(&dp, started))
			break;
		/* Main is not the fast path: it leaves the core to others, but not while workers
		 * keep queueing emergency calls (a ring that fills up loses them). */
		if (!drained)
			usleep(200);
	}
	__atomic_store_n(&dp.stop, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	dp_events_poll(events);
	print_summary(&dp, resolver);
	dp_control_poll(control); /* the last events */
	dp_events_free(events);
	dp_control_free(control);
	dp_resolver_free(resolver);
	dp_ports_close(&dp);
	for (w = 0; w < dp.worker_count; w++)
		dp_worker_free(dp.workers[w]);
	snapshot_slot_free(dp.slot);
	dp_config_cleanup(&dp);
	dp_neigh_free(dp.neigh);
	rte_eal_cleanup();
	return 0;
}
