/*
 * bench_classify.c - `e911-bench classify`: the cost of snapshot_classify()
 * per call on one core over a carrier-sized configuration (1,000 policies,
 * 10,000 subnets, 100,000 users) and a realistic mix of INVITEs (5%
 * emergency; sip with and without user=phone, tel global and local, urn,
 * names; callers on sites and off them), Hyperscan scan included; then the
 * time to build and publish a snapshot of that size while a second thread
 * keeps classifying, and the longest pause that thread saw meanwhile; beside
 * it, the longest pause over as long a window with no build at all (what the
 * machine itself costs: timer ticks, the hypervisor), so that a stall caused
 * by the publish would show as the difference. The classifying thread runs
 * on the last CPU, the builder on the first, as a worker lcore and the main
 * lcore would.
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_util.h"
#include "e911/eal_min.h"
#include "e911/policy.h"
#include "e911/snapshot.h"

enum { POLICIES = 1000, SITES = 10000, USERS = 100000, ROUTES = 20, QUERIES = 8192 };

struct text {
	char *p;
	size_t len, cap;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = t->cap * 2 + 65536;
		t->p = realloc(t->p, t->cap);
		if (t->p == NULL)
			abort();
	}
}

/*
 * The configuration: US-style policies (911, masks 9911 and a per-policy
 * extension mask, 933), one in ten UK-style (999, 112); sites with an IPv4
 * /28 of 198.18.0.0/15 or an IPv6 /56 of 2001:db8::/32; users by sip: and tel:.
 */
static char *make_config(size_t *len)
{
	struct text x = { 0 };
	put(&x, "<e911-config xmlns='urn:e911proxy:config:1' version='bench'>\n");
	for (int r = 0; r < ROUTES; r++)
		put(&x, "<route name='R%d'><gateway address='198.19.%d.1'/><gateway address='198.19.%d.2' "
			"priority='2'/></route>\n", r, r, r);
	put(&x, "<policy name='Global'><emergency-number dial-string='911' dial-masks='9911' route='R0'/>"
		"</policy>\n");
	for (int p = 1; p < POLICIES; p++) {
		if (p % 10 == 0)
			put(&x, "<policy name='P%d'><emergency-number dial-string='999' dial-masks='112' "
				"route='R%d'/></policy>\n", p, p % ROUTES);
		else
			put(&x, "<policy name='P%d'><notification uri='sip:desk%d@example.com'/>"
				"<emergency-number dial-string='911' dial-masks='9911;8%03d' route='R%d'/>"
				"<emergency-number dial-string='933' route='R%d'/></policy>\n",
			    p, p, p, p % ROUTES, (p + 1) % ROUTES);
	}
	for (int i = 0; i < SITES; i++) {
		if (i % 4 == 3)
			put(&x, "<site name='S%d' policy='P%d'><subnet prefix='2001:db8:%x:%x00::/56'/></site>\n",
			    i, 1 + i % (POLICIES - 1), i >> 8, i & 255);
		else
			put(&x, "<site name='S%d' policy='P%d'><subnet prefix='198.%d.%d.%d/28'/></site>\n", i,
			    1 + i % (POLICIES - 1), 18 + (i * 16 >> 16), (i * 16 >> 8) & 255, (i * 16) & 255);
	}
	for (int u = 0; u < USERS; u++) {
		if (u % 2)
			put(&x, "<user uri='tel:+1425%07d' policy='P%d'/>\n", u, 1 + u % (POLICIES - 1));
		else
			put(&x, "<user uri='sip:user%d@example.com' policy='P%d'/>\n", u, 1 + u % (POLICIES - 1));
	}
	put(&x, "</e911-config>\n");
	*len = x.len;
	return x.p;
}

struct query_set {
	struct classify_query q[QUERIES];
	struct sip_uri uri[QUERIES];
	char text[QUERIES][64];
	char identity[QUERIES][48];
};

static void make_queries(struct query_set *qs)
{
	static const char *const emergency[] = { "sip:911@pbx.example.com;user=phone", "sip:9911@pbx.example.com",
						 "tel:911;phone-context=+1", "urn:service:sos",
						 "sip:933@pbx.example.com", "urn:service:sos.fire" };
	srand(911);
	for (int i = 0; i < QUERIES; i++) {
		struct classify_query *q = &qs->q[i];
		int kind = rand() % 100;
		if (kind < 5)
			snprintf(qs->text[i], sizeof(qs->text[i]), "%s", emergency[rand() % 6]);
		else if (kind < 40)
			snprintf(qs->text[i], sizeof(qs->text[i]), "sip:+1206%07d@gw.example.com;user=phone", rand() % 10000000);
		else if (kind < 60)
			snprintf(qs->text[i], sizeof(qs->text[i]), "tel:+44-20-7946-%04d", rand() % 10000);
		else if (kind < 80)
			snprintf(qs->text[i], sizeof(qs->text[i]), "sip:%d@pbx.example.com", 2000 + rand() % 8000);
		else
			snprintf(qs->text[i], sizeof(qs->text[i]), "sip:colleague%d@example.com", rand() % 1000);
		if (sip_uri_parse((struct e911_slice){ qs->text[i], (uint32_t)strlen(qs->text[i]) }, &qs->uri[i]) < 0)
			abort();
		q->ruri = &qs->uri[i];
		int site = rand() % SITES, user = rand() % USERS;
		if (rand() % 10 < 7) { /* on a site */
			if (site % 4 == 3) {
				q->family = E911_IPV6;
				uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, (uint8_t)(site >> 8), (uint8_t)(site & 255), 0x42 };
				memcpy(q->addr, a6, 16);
				q->addr[15] = 7;
			} else {
				q->family = E911_IPV4;
				uint32_t a = (198u << 24) + (18u << 16) + (uint32_t)site * 16 + 5;
				uint8_t a4[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
				memcpy(q->addr, a4, 4);
			}
		} else { /* off-site: by identity */
			q->family = E911_IPV4;
			uint8_t a4[4] = { 203, 0, 113, (uint8_t)(user & 255) };
			memcpy(q->addr, a4, 4);
		}
		if (user % 2)
			snprintf(qs->identity[i], sizeof(qs->identity[i]), "tel:+1-425-%03d-%04d", user / 10000, user % 10000);
		else
			snprintf(qs->identity[i], sizeof(qs->identity[i]), "sip:user%d@example.com", user);
		q->identity = (struct e911_slice){ qs->identity[i], (uint32_t)strlen(qs->identity[i]) };
	}
}

struct classify_ctx {
	const struct e911_snapshot *snap;
	struct query_set *qs;
	uint64_t emergency;
};

static void run_classify(void *arg, uint64_t iters)
{
	struct classify_ctx *c = arg;
	struct classify_result r;
	for (uint64_t i = 0; i < iters; i++) {
		snapshot_classify(c->snap, 0, &c->qs->q[i % QUERIES], &r);
		c->emergency += r.emergency;
	}
}

/* The classifying thread of the publish measurement: records its longest pause. */
struct loop_ctx {
	struct snapshot_slot *slot;
	struct query_set *qs;
	atomic_bool stop;
	atomic_bool measuring;
	uint64_t max_gap_ns;
	uint64_t calls;
};

static void *classify_loop(void *arg)
{
	struct loop_ctx *c = arg;
	struct classify_result r;
	uint64_t last = bench_now_ns();

	cpu_set_t cpus;
	CPU_ZERO(&cpus);
	CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpus);
	pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	snapshot_slot_worker_start(c->slot, 0);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		const struct e911_snapshot *s = snapshot_slot_get(c->slot);
		for (int i = 0; i < 32; i++, c->calls++)
			snapshot_classify(s, 0, &c->qs->q[c->calls % QUERIES], &r);
		snapshot_slot_quiescent(c->slot, 0);
		uint64_t now = bench_now_ns();
		if (atomic_load_explicit(&c->measuring, memory_order_relaxed) && now - last > c->max_gap_ns)
			c->max_gap_ns = now - last;
		last = now;
	}
	snapshot_slot_worker_stop(c->slot, 0);
	return NULL;
}

static struct e911_config *load_config(const char *xml, size_t len)
{
	struct e911_config *cfg;
	struct policy_errors errs;
	if (policy_config_load_buffer(xml, len, "bench.xml", &cfg, &errs) < 0) {
		fprintf(stderr, "e911-bench: generated configuration refused: %s\n",
			errs.count ? errs.items[0].text : "?");
		exit(2);
	}
	policy_errors_free(&errs);
	return cfg;
}

int bench_classify(int argc, char **argv)
{
	(void)argv;
	if (argc != 0) {
		fprintf(stderr, "usage: e911-bench classify\n");
		return 2;
	}
	if (eal_min_init("e911-bench", 2048) < 0) {
		fprintf(stderr, "e911-bench: cannot start DPDK's EAL\n");
		return 2;
	}
	size_t len;
	char *xml = make_config(&len);
	uint64_t t0 = bench_now_ns();
	struct e911_config *cfg = load_config(xml, len);
	uint64_t t1 = bench_now_ns();
	struct e911_snapshot *snap;
	char err[256];
	if (snapshot_build(cfg, 1, 1, &snap, err, sizeof(err)) < 0) {
		fprintf(stderr, "e911-bench: %s\n", err);
		return 2;
	}
	uint64_t t2 = bench_now_ns();
	printf("classify config: policies=%d subnets=%d users=%d xml_kib=%zu load_ms=%.0f build_ms=%.0f\n",
	       POLICIES, SITES, USERS, len / 1024, (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6);

	struct query_set *qs = calloc(1, sizeof(*qs));
	make_queries(qs);
	struct classify_ctx c = { snap, qs, 0 };
	run_classify(&c, QUERIES); /* one pass: the share of emergency calls in the mix */
	double share = 100.0 * (double)c.emergency / QUERIES;
	double ns = bench_median_ns(run_classify, &c, 200);
	printf("classify mix: queries=%d emergency_share=%.1f%% median_ns=%.0f\n", QUERIES, share, ns);

	/* Build and publish the same size while a thread classifies: time and the longest pause. */
	struct loop_ctx lc = { .slot = snapshot_slot_new(1), .qs = qs };
	struct e911_snapshot *retired;
	snapshot_slot_publish(lc.slot, snap, &retired);
	pthread_t thread;
	pthread_create(&thread, NULL, classify_loop, &lc);
	cpu_set_t cpus;
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	pthread_setaffinity_np(pthread_self(), sizeof(cpus), &cpus);
	for (int round = 0; round < 3; round++) {
		/* A quiet window first, as long as a build: the machine's own pauses. */
		atomic_store(&lc.measuring, true);
		uint64_t q0 = bench_now_ns();
		while (bench_now_ns() - q0 < 600000000u)
			usleep(1000);
		atomic_store(&lc.measuring, false);
		uint64_t quiet_gap = lc.max_gap_ns;
		lc.max_gap_ns = 0;

		struct e911_config *next_cfg = load_config(xml, len);
		atomic_store(&lc.measuring, true);
		uint64_t b0 = bench_now_ns();
		struct e911_snapshot *next;
		if (snapshot_build(next_cfg, 1, (uint64_t)round + 2, &next, err, sizeof(err)) < 0) {
			fprintf(stderr, "e911-bench: %s\n", err);
			return 2;
		}
		uint64_t b1 = bench_now_ns();
		snapshot_slot_publish(lc.slot, next, &retired);
		uint64_t b2 = bench_now_ns();
		atomic_store(&lc.measuring, false);
		snapshot_free(retired);
		uint64_t b3 = bench_now_ns();
		printf("classify publish: build_ms=%.0f publish_ms=%.2f free_old_ms=%.0f "
		       "max_classify_pause_us=%.0f quiet_max_pause_us=%.0f\n",
		       (double)(b1 - b0) / 1e6, (double)(b2 - b1) / 1e6, (double)(b3 - b2) / 1e6,
		       (double)lc.max_gap_ns / 1e3, (double)quiet_gap / 1e3);
		lc.max_gap_ns = 0;
	}
	atomic_store(&lc.stop, true);
	pthread_join(thread, NULL);
	printf("classify: median_ns=%.0f\n", ns);
	snapshot_slot_free(lc.slot);
	free(qs);
	free(xml);
	eal_min_cleanup();
	return 0;
}
