/*
 * dp_telemetry.c - the dataplane's counters through DPDK telemetry
 * (usertools/dpdk-telemetry.py, socket /var/run/dpdk/<prefix>/dpdk_telemetry.v2):
 *   /e911/stats            totals over every worker
 *   /e911/stats/worker,N   one worker's counters
 *   /e911/outcomes         what happened to each SIP message, by outcome
 *   /e911/drops            every non-zero drop reason: network, parse, proxy
 *   /e911/policies         emergency calls per policy name
 *   /e911/snapshot         the version of the running policy snapshot
 * Counters are written by their worker only and read here without locks
 * (aligned 64-bit loads do not tear).
 */
#include <stdio.h>
#include <stdlib.h>

#include <rte_telemetry.h>

#include "dp.h"

static struct dp *tele_dp;

void dp_counters_total(const struct dp *d, struct dp_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	uint64_t *out = (uint64_t *)sum;
	for (unsigned w = 0; w < d->worker_count; w++) {
		const uint64_t *in = (const uint64_t *)dp_worker_counters(d->workers[w]);
		for (size_t i = 0; i < sizeof(*sum) / sizeof(uint64_t); i++)
			out[i] += __atomic_load_n(&in[i], __ATOMIC_RELAXED);
	}
}

static void add_counters(struct rte_tel_data *t, const struct dp_counters *c)
{
	rte_tel_data_start_dict(t);
#define DP_COUNTER_TEL(name, help) rte_tel_data_add_dict_u64(t, #name, c->name);
	DP_COUNTER_LIST(DP_COUNTER_TEL)
#undef DP_COUNTER_TEL
}

static int cmd_stats(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	(void)params;
	struct dp_counters sum;
	dp_counters_total(tele_dp, &sum);
	add_counters(t, &sum);
	rte_tel_data_add_dict_u64(t, "workers", tele_dp->worker_count);
	return 0;
}

static int cmd_worker(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	char *end;
	unsigned long w = params ? strtoul(params, &end, 10) : 0;
	if (!params || *end || end == params || w >= tele_dp->worker_count)
		return -1;
	add_counters(t, dp_worker_counters(tele_dp->workers[w]));
	return 0;
}

static int cmd_outcomes(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	(void)params;
	struct dp_counters sum;
	dp_counters_total(tele_dp, &sum);
	rte_tel_data_start_dict(t);
	for (int o = 0; o < PROXY_OUTCOME_COUNT; o++)
		rte_tel_data_add_dict_u64(t, proxy_outcome_name(o), sum.outcome[o]);
	return 0;
}

static int cmd_drops(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	(void)params;
	struct dp_counters sum;
	char name[64];
	dp_counters_total(tele_dp, &sum);
	rte_tel_data_start_dict(t);
	for (int k = NET_KIND_FIRST_DROP; k < NET_KIND_COUNT; k++)
		if (sum.net_kind[k]) {
			snprintf(name, sizeof(name), "net_%s", net_kind_name(k));
			rte_tel_data_add_dict_u64(t, name, sum.net_kind[k]);
		}
	for (int s = 1; s < SIP_STATUS_COUNT; s++)
		if (sum.parse_error[s]) {
			snprintf(name, sizeof(name), "sip_%s", sip_status_name(-s));
			rte_tel_data_add_dict_u64(t, name, sum.parse_error[s]);
		}
	for (int o = PROXY_DROP_MALFORMED; o < PROXY_OUTCOME_COUNT; o++)
		if (sum.outcome[o]) {
			snprintf(name, sizeof(name), "proxy_%s", proxy_outcome_name(o));
			rte_tel_data_add_dict_u64(t, name, sum.outcome[o]);
		}
	return 0;
}

static int cmd_policies(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	(void)params;
	struct dp_counters sum;
	dp_counters_total(tele_dp, &sum);
	rte_tel_data_start_dict(t);
	const struct e911_snapshot *s = snapshot_slot_get(tele_dp->slot);
	const struct e911_config *cfg = s ? snapshot_config(s) : NULL;
	for (uint32_t p = 0; cfg && p < cfg->policy_count && p < DP_MAX_POLICY_COUNTERS; p++)
		rte_tel_data_add_dict_u64(t, cfg->policies[p].name, sum.emergency_by_policy[p]);
	return 0;
}

static int cmd_snapshot(const char *cmd, const char *params, struct rte_tel_data *t)
{
	(void)cmd;
	(void)params;
	const struct e911_snapshot *s = snapshot_slot_get(tele_dp->slot);
	rte_tel_data_start_dict(t);
	rte_tel_data_add_dict_u64(t, "version", s ? snapshot_version(s) : 0);
	if (s)
		rte_tel_data_add_dict_string(t, "config_version", snapshot_config(s)->version);
	return 0;
}

int dp_telemetry_register(struct dp *d)
{
	tele_dp = d;
	int rc = 0;
	rc |= rte_telemetry_register_cmd("/e911/stats", cmd_stats, "Totals of every worker's counters");
	rc |= rte_telemetry_register_cmd("/e911/stats/worker", cmd_worker,
					 "One worker's counters. Parameters: int worker");
	rc |= rte_telemetry_register_cmd("/e911/outcomes", cmd_outcomes, "SIP messages by proxy outcome");
	rc |= rte_telemetry_register_cmd("/e911/drops", cmd_drops, "Non-zero drop reasons");
	rc |= rte_telemetry_register_cmd("/e911/policies", cmd_policies, "Emergency calls per policy");
	rc |= rte_telemetry_register_cmd("/e911/snapshot", cmd_snapshot, "Running policy snapshot");
	return rc ? -1 : 0;
}
