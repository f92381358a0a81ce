/*
 * bench_pipeline.c - `e911-bench pipeline FILE.pcap [PASSES]`: a worker's
 * per-packet path without a NIC, over every frame of a pcap (e.g. one from
 * e911-gen-pcap). For each frame, the steps of dp_worker.c's handle_frame and
 * handle_sip, with the same library calls: the frame into an mbuf (what the
 * PMD's receive does), net_decap, IP reassembly by rte_ip_frag and
 * linearisation of a reassembled datagram, sip_parse, proxy_prepare,
 * snapshot_classify (and the PIDF-LO policy tag), proxy_route, proxy_emit or
 * proxy_reply into the outgoing frame, net_udp_encap with software UDP
 * checksum (net_pcap, like most vdevs, offers no checksum offload). Not done:
 * the TX burst, the neighbour lookup, events to main (they are counted, not
 * copied). Prints ns per frame (median of BENCH_RUNS passes over the file)
 * and the outcome mix; under `valgrind --tool=callgrind`, give PASSES (e.g.
 * 1) for a fixed amount of work and divide Ir by the frames printed. With
 * OUT.pcap after PASSES, every frame the pipeline would send is written there
 * too: two builds that must behave the same must write the same file (cmp).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>

#include "bench_util.h"
#include "bench.h"
#include "e911/eal_min.h"
#include "e911/net.h"
#include "e911/net_tx.h"
#include "e911/policy.h"
#include "e911/proxy.h"
#include "e911/sip.h"
#include "e911/snapshot.h"

#define PIPE_MAX_FRAMES 200000u
#define PIPE_FRAME_MAX 2048u
#define PIPE_OUT_MAX 9216u

struct pipe_frame {
	const uint8_t *data;
	uint32_t len;
};

struct pipe_ctx {
	struct pipe_frame *frames;
	uint32_t nframes;
	struct rte_mempool *pool;
	struct rte_ip_frag_tbl *frag;
	struct rte_ip_frag_death_row death_row;
	struct e911_snapshot *snap;
	struct proxy_conf conf;
	struct net_iface ifc;
	proxy_gateway_down_mask down[256];
	struct sip_msg msg;
	struct proxy_plan plan;
	uint16_t ip_id;
	uint8_t in_scratch[65536];
	uint8_t out[PIPE_OUT_MAX + 128];
	uint64_t outcome[PROXY_OUTCOME_COUNT];
	uint64_t kinds[NET_KIND_COUNT];
	uint64_t sent_bytes, events, reassembled;
	pcap_dumper_t *dump; /* OUT.pcap, or NULL */
};

static int write_out(struct pipe_ctx *c, const struct proxy_packet *pkt, enum proxy_outcome o,
		     const struct proxy_endpoint *dst, const uint8_t *src_ip, uint16_t src_port)
{
	uint32_t hdr = net_udp_header_len(dst->family, c->ifc.has_vlan);
	int n = o <= PROXY_FWD_RESPONSE
			? proxy_emit(&c->msg, &c->plan, (char *)c->out + hdr, PIPE_OUT_MAX - hdr)
			: proxy_reply(&c->conf, pkt, &c->msg, &c->plan, (char *)c->out + hdr, PIPE_OUT_MAX - hdr);
	if (n < 0)
		return n;
	uint32_t len = net_udp_encap(c->out, &c->ifc, (const uint8_t[6]){ 0 }, dst->family, src_ip,
				     dst->addr, src_port, dst->port, (uint32_t)n, c->ip_id++, false);
	c->sent_bytes += len;
	if (c->dump) {
		struct pcap_pkthdr h = { .caplen = len, .len = len };
		pcap_dump((u_char *)c->dump, &h, c->out);
	}
	return 0;
}

/* dp_worker.c's handle_sip, without the counters that need a worker. */
static void handle_sip(struct pipe_ctx *c, const uint8_t *frame, const struct net_view *v)
{
	const uint8_t *local = NULL;
	for (uint32_t i = 0; i < c->conf.self_count; i++) {
		const struct proxy_endpoint *ep = &c->conf.self[i].ep;
		if (ep->family == v->family && ep->port == v->dst_port &&
		    memcmp(ep->addr, v->dst, v->family == 4 ? 4 : 16) == 0)
			local = ep->addr;
	}
	if (!local)
		return;
	struct proxy_packet pkt = { (const char *)frame + v->payload_off, v->payload_len,
				    { .family = v->family, .port = v->src_port } };
	memcpy(pkt.src.addr, v->src, 16);
	if (v->family == 4)
		memset(pkt.src.addr + 4, 0, 12);
	struct proxy_plan *plan = &c->plan;
	int rc = sip_parse(pkt.buf, pkt.len, &c->msg);
	enum proxy_outcome o = proxy_prepare(&c->conf, &pkt, rc, &c->msg, plan);
	if (plan->needs_classify) {
		struct classify_result cls = { .policy = 0, .site = SNAPSHOT_NONE, .number = SNAPSHOT_NONE,
					       .route = SNAPSHOT_NONE };
		snapshot_classify(c->snap, 0, &plan->query, &cls);
		if (cls.scope == CLASSIFY_SCOPE_GLOBAL && plan->pidf.len && proxy_policy_tag(plan))
			snapshot_classify(c->snap, 0, &plan->query, &cls);
		o = proxy_route(&c->conf, snapshot_config(c->snap), c->down, &c->msg, &cls, plan);
	}
	c->outcome[o]++;
	if (o <= PROXY_FWD_RESPONSE) {
		write_out(c, &pkt, o, &plan->next_hop, plan->via_self->ep.addr, plan->via_self->ep.port);
	} else if (proxy_outcome_is_reply(o)) {
		proxy_reply_destination(&pkt, &c->msg, plan);
		write_out(c, &pkt, o, &plan->next_hop, local, v->dst_port);
	}
	if (o == PROXY_FWD_EMERGENCY && plan->new_invite && plan->cls.e911)
		c->events++;
}

static void handle_frame(struct pipe_ctx *c, struct rte_mbuf *m, bool reassembled)
{
	const uint8_t *frame = m->nb_segs == 1 ? rte_pktmbuf_mtod(m, const uint8_t *)
					       : rte_pktmbuf_read(m, 0, m->pkt_len, c->in_scratch);
	struct net_view v;
	enum net_kind kind = net_decap(frame, m->pkt_len, false, &v);
	c->kinds[kind]++;
	if (kind == NET_KIND_UDP) {
		handle_sip(c, frame, &v);
	} else if (kind == NET_KIND_IPV4_FRAGMENT && !reassembled) {
		/* dp_worker.c's reassemble(), IPv4 (the generator's fragments). */
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, v.l3_off);
		m->l2_len = v.l3_off;
		m->l3_len = rte_ipv4_hdr_len(ip);
		struct rte_mbuf *whole = rte_ipv4_frag_reassemble_packet(c->frag, &c->death_row, m,
									 rte_rdtsc(), ip);
		if (!whole)
			return;
		c->reassembled++;
		ip = rte_pktmbuf_mtod_offset(whole, struct rte_ipv4_hdr *, whole->l2_len);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		handle_frame(c, whole, true);
		return;
	}
	rte_pktmbuf_free(m);
}

static void run_pipeline(void *arg, uint64_t iters)
{
	struct pipe_ctx *c = arg;
	for (uint64_t it = 0; it < iters; it++) {
		const struct pipe_frame *f = &c->frames[it % c->nframes];
		struct rte_mbuf *m = rte_pktmbuf_alloc(c->pool);
		if (!m)
			abort();
		/* The receive: the PMD writes the frame into an mbuf. */
		memcpy(rte_pktmbuf_mtod(m, void *), f->data, f->len);
		m->data_len = (uint16_t)f->len;
		m->pkt_len = f->len;
		handle_frame(c, m, false);
		if (c->death_row.cnt)
			rte_ip_frag_free_death_row(&c->death_row, 3);
	}
}

static int load_pcap(const char *path, struct pipe_ctx *c)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	if (!p) {
		fprintf(stderr, "e911-bench pipeline: %s: %s\n", path, err);
		return -1;
	}
	c->frames = calloc(PIPE_MAX_FRAMES, sizeof(*c->frames));
	struct pcap_pkthdr *h;
	const u_char *data;
	while (c->frames && c->nframes < PIPE_MAX_FRAMES && pcap_next_ex(p, &h, &data) == 1) {
		if (h->caplen > PIPE_FRAME_MAX || h->caplen != h->len)
			continue;
		uint8_t *copy = malloc(h->caplen);
		if (!copy)
			break;
		memcpy(copy, data, h->caplen);
		c->frames[c->nframes++] = (struct pipe_frame){ copy, h->caplen };
	}
	pcap_close(p);
	return c->nframes ? 0 : -1;
}

int bench_pipeline(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: e911-bench pipeline FILE.pcap POLICIES.xml [PASSES [OUT.pcap]]\n"
				"  (the addresses of tools/bench/dataplane-bench.sh: SIP 198.18.0.10:5060, "
				"default hop 198.19.1.1:5080)\n");
		return 2;
	}
	static struct pipe_ctx c;
	if (load_pcap(argv[0], &c) != 0)
		return 2;
	struct e911_config *cfg;
	struct policy_errors errs;
	if (policy_config_load_file(argv[1], &cfg, &errs) != 0) {
		fprintf(stderr, "e911-bench pipeline: %s: not loaded\n", argv[1]);
		return 1;
	}
	policy_errors_free(&errs);
	if (eal_min_init("e911-bench", 512) < 0) {
		fprintf(stderr, "e911-bench pipeline: the EAL did not start\n");
		return 2;
	}
	char err[256];
	if (snapshot_build(cfg, 1, 1, &c.snap, err, sizeof(err)) != 0) {
		fprintf(stderr, "e911-bench pipeline: %s\n", err);
		return 1;
	}
	if (proxy_conf_add_self(&c.conf, "198.18.0.10", 5060) != 0 ||
	    proxy_endpoint_parse("198.19.1.1:5080", &c.conf.default_hop) != 0)
		return 2;
	c.pool = rte_pktmbuf_pool_create("pipe", 8191, 256, 0, 9216 + RTE_PKTMBUF_HEADROOM, 0);
	uint64_t ttl = rte_get_tsc_hz() * 2;
	c.frag = rte_ip_frag_table_create(1024, 4, 4096, ttl, 0);
	if (!c.pool || !c.frag) {
		fprintf(stderr, "e911-bench pipeline: out of DPDK memory\n");
		return 2;
	}
	pcap_t *dead = NULL;
	if (argc == 4) {
		dead = pcap_open_dead(DLT_EN10MB, PIPE_OUT_MAX + 128);
		c.dump = dead ? pcap_dump_open(dead, argv[3]) : NULL;
		if (!c.dump) {
			fprintf(stderr, "e911-bench pipeline: %s: %s\n", argv[3], dead ? pcap_geterr(dead) : "no pcap");
			return 2;
		}
	}
	if (argc >= 3) {
		/* A fixed amount of work, for callgrind: PASSES times the file. */
		uint64_t passes = strtoull(argv[2], NULL, 10);
		run_pipeline(&c, passes * c.nframes);
		printf("pipeline: %u frames x %llu passes = %llu frames\n", c.nframes,
		       (unsigned long long)passes, (unsigned long long)(passes * c.nframes));
	} else {
		run_pipeline(&c, c.nframes); /* warm: the first pass fills caches and the frag table */
		double ns = bench_median_ns(run_pipeline, &c, 300);
		printf("pipeline %s: %u frames, median_ns=%.0f per frame (%.2f Mpps)\n", argv[0], c.nframes, ns,
		       1000.0 / ns);
	}
	printf("net:");
	for (unsigned k = 0; k < NET_KIND_COUNT; k++)
		if (c.kinds[k])
			printf(" %s=%llu", net_kind_name(k), (unsigned long long)c.kinds[k]);
	printf("\noutcomes:");
	for (unsigned o = 0; o < PROXY_OUTCOME_COUNT; o++)
		if (c.outcome[o])
			printf(" %s=%llu", proxy_outcome_name(o), (unsigned long long)c.outcome[o]);
	printf("\nreassembled=%llu events=%llu\n", (unsigned long long)c.reassembled,
	       (unsigned long long)c.events);
	if (c.dump) {
		pcap_dump_close(c.dump);
		pcap_close(dead);
	}
	return 0;
}
