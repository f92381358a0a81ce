/*
 * test_gen.c - the pcap generator's library (tools/gen/, gen_lib), checked
 * with the project's own readers: every unfragmented frame passes net_decap()
 * (so both checksums are right) and its payload passes sip_parse(); the
 * fragments of a datagram reassemble here into one that passes both; the
 * same seed gives the same bytes; the mix and the emergency targets are
 * what was asked; IDs never repeat; the option parsers refuse bad values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include <rte_byteorder.h>
#include <rte_ip.h>

#include "e911/net.h"
#include "e911/sip.h"
#include "gen.h"
#include "test_util.h"

/* Large: one of each, reused (the test is single-threaded). */
static struct gen g;
static struct gen_msg m;
static struct gen_frames fr;
static uint8_t dgram[70000];
static uint8_t wrapped[70000];
static struct sip_msg sm;

static void config(struct gen_config *c, uint64_t count, uint64_t seed)
{
	gen_config_default(c);
	c->count = count;
	c->seed = seed;
}

static void start(const struct gen_config *c)
{
	char err[160];
	if (gen_init(&g, c, err, sizeof(err)) != 0)
		fail_msg("gen_init: %s", err);
}

/*
 * The UDP datagram of the frames in fr (one frame, or fragments in order),
 * reassembled from the IP headers and checked on the way: every fragment
 * is seen as one by net_decap, has the same ID, offsets that follow on, MF
 * on all but the last. The datagram is then wrapped in one unfragmented
 * frame and run through net_decap, which checks the UDP checksum.
 * Returns the SIP payload's length (in dgram + 8).
 */
static uint32_t datagram_of(const struct gen_config *c, struct net_view *v)
{
	uint32_t dlen = 0, id = 0;

	for (uint32_t i = 0; i < fr.n; i++) {
		const uint8_t *f = fr.buf + fr.off[i];
		enum net_kind k = net_decap(f, fr.len[i], false, v);
		assert_true(fr.len[i] >= 60);
		assert_int_equal(v->has_vlan, c->vlan >= 0);
		if (c->vlan >= 0)
			assert_int_equal(v->vlan_tci & 0x0fff, c->vlan);
		assert_int_equal(v->family, c->ipv6 ? 6 : 4);
		assert_true(v->l3_len <= c->mtu);
		if (fr.n == 1) {
			if (k != NET_KIND_UDP)
				fail_msg("frame: %s", net_kind_text(k));
			memcpy(dgram, f + v->l4_off, 8u + v->payload_len);
			return v->payload_len;
		}
		uint32_t off, more, fid, len;
		const uint8_t *data;
		if (c->ipv6) {
			assert_int_equal(k, NET_KIND_IPV6_FRAGMENT);
			const uint8_t *fh = f + v->l4_off;
			assert_int_equal(fh[0], 17);
			off = (uint32_t)(fh[2] << 8 | fh[3]) & 0xfff8u;
			more = fh[3] & 1u;
			fid = (uint32_t)fh[4] << 24 | (uint32_t)fh[5] << 16 | (uint32_t)fh[6] << 8 | fh[7];
			data = fh + 8;
			len = v->l3_len - 40u - 8u;
		} else {
			assert_int_equal(k, NET_KIND_IPV4_FRAGMENT);
			const uint8_t *ip = f + v->l3_off;
			uint32_t fo = (uint32_t)(ip[6] << 8 | ip[7]);
			off = (fo & 0x1fffu) * 8;
			more = fo & 0x2000u;
			fid = (uint32_t)(ip[4] << 8 | ip[5]);
			assert_int_equal(ip[9], 17);
			data = f + v->l4_off;
			len = v->l3_len - 20u;
		}
		if (i == 0)
			id = fid;
		assert_int_equal(fid, id);
		assert_int_equal(off, dlen);
		assert_int_equal(more != 0, i + 1 < fr.n);
		if (more)
			assert_int_equal(len % 8, 0);
		memcpy(dgram + dlen, data, len);
		dlen += len;
	}
	/* One frame holding the whole datagram: net_decap checks its UDP checksum. */
	struct net_view one;
	uint32_t l3 = 14, hl = c->ipv6 ? 40 : 20;
	memset(wrapped, 0, l3 + hl);
	wrapped[12] = c->ipv6 ? 0x86 : 0x08;
	wrapped[13] = c->ipv6 ? 0xdd : 0x00;
	if (c->ipv6) {
		struct rte_ipv6_hdr *ip = (void *)(wrapped + l3);
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)dlen);
		ip->proto = 17;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, v->src, 16);
		memcpy(ip->dst_addr, v->dst, 16);
	} else {
		struct rte_ipv4_hdr *ip = (void *)(wrapped + l3);
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + dlen));
		ip->time_to_live = 64;
		ip->next_proto_id = 17;
		memcpy(&ip->src_addr, v->src, 4);
		memcpy(&ip->dst_addr, v->dst, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	memcpy(wrapped + l3 + hl, dgram, dlen);
	enum net_kind k = net_decap(wrapped, l3 + hl + dlen, false, &one);
	if (k != NET_KIND_UDP)
		fail_msg("reassembled datagram: %s", net_kind_text(k));
	*v = one;
	return one.payload_len;
}

/* The proxy's address as a SIP host: IPv6 in brackets. */
static void proxy_host(const struct gen_config *c, char out[48])
{
	char a[INET6_ADDRSTRLEN];
	inet_ntop(c->ipv6 ? AF_INET6 : AF_INET, c->ipv6 ? (const void *)c->proxy6 : c->proxy4, a,
		  sizeof(a));
	snprintf(out, 48, c->ipv6 ? "[%s]" : "%s", a);
}

static bool has_prefix(struct e911_slice s, const char *p)
{
	return s.len >= strlen(p) && memcmp(s.p, p, strlen(p)) == 0;
}

static bool contains(struct e911_slice s, const char *needle)
{
	return memmem(s.p, s.len, needle, strlen(needle)) != NULL;
}

/* The SIP rules every generated message keeps (RFC 3261 §8.1.1, §20). */
static void check_sip(const struct gen_config *c, const struct sip_msg *s)
{
	char route[64], host[48];

	assert_true(s->nvia >= 1);
	assert_true(has_prefix(s->via[0].branch, "z9hG4bK"));
	assert_true(s->call_id.len > 0);
	assert_true(s->cseq >= 1 && s->cseq < (1u << 31));
	assert_int_equal(s->content_length, (int32_t)s->body.len);
	assert_int_equal(s->msg_len, s->len); /* nothing after the body */
	struct tu_split sp = split_msg(s);
	assert_true(sp.from.tag.len > 0);
	proxy_host(c, host);
	snprintf(route, sizeof(route), "<sip:%s;lr>", host);

	if (s->kind == SIP_RESPONSE) {
		assert_int_equal(m.kind, GEN_RESPONSE);
		assert_int_equal(s->nvia, 2);
		assert_slice(s->via[0].host, host);
		assert_int_equal(s->via[0].port, c->proxy_port);
		assert_true(has_prefix(s->via[0].branch, "z9hG4bK-e911p-"));
		assert_true(s->via[1].has_rport);
		assert_true(s->via[1].received.len > 0);
		assert_int_equal(s->cseq_method, SIP_METHOD_INVITE);
		assert_int_equal(s->status_code == 100, sp.to.tag.len == 0);
		if (s->status_code != 100)
			assert_true(contains(sip_hdr_first(s, SIP_HDR_RECORD_ROUTE)->value, route));
		return;
	}
	assert_int_equal(s->max_forwards, 70);
	assert_int_equal(s->nvia, 1);
	assert_true(s->via[0].has_rport);
	switch (s->method) {
	case SIP_METHOD_INVITE:
		assert_true(m.kind == GEN_EMERGENCY || m.kind == GEN_ORDINARY);
		assert_int_equal(sp.to.tag.len, 0);
		assert_non_null(sip_hdr_first(s, SIP_HDR_CONTACT));
		assert_non_null(sip_hdr_first(s, SIP_HDR_P_ASSERTED_IDENTITY));
		break;
	case SIP_METHOD_ACK:
	case SIP_METHOD_BYE:
		assert_int_equal(m.kind, GEN_INDIALOG);
		assert_true(sp.to.tag.len > 0);
		assert_slice(sip_hdr_first(s, SIP_HDR_ROUTE)->value, route);
		break;
	case SIP_METHOD_CANCEL:
		assert_int_equal(m.kind, GEN_INDIALOG);
		assert_int_equal(sp.to.tag.len, 0);
		assert_null(sip_hdr_first(s, SIP_HDR_ROUTE));
		break;
	default:
		fail_msg("unexpected method %.*s", SLICE_ARG(s->method_name));
	}
	if (m.kind != GEN_EMERGENCY) {
		assert_null(sip_hdr_first(s, SIP_HDR_GEOLOCATION));
		return;
	}
	/* Emergency: Priority, Geolocation naming the PIDF-LO part by its Content-ID. */
	struct e911_slice pidf;
	struct sip_name_addr geo;
	assert_slice(sip_hdr_first(s, SIP_HDR_PRIORITY)->value, "emergency");
	assert_int_equal(sip_name_addr_parse(sip_hdr_first(s, SIP_HDR_GEOLOCATION)->value, &geo), 0);
	assert_true(has_prefix(geo.uri, "cid:"));
	assert_int_equal(sip_find_pidf(s, &pidf), 0);
	assert_true(has_prefix(pidf, m.compact ? "<presence" : "<?xml"));
	assert_true(contains(pidf, "</presence>"));
	assert_true(pidf.p + pidf.len <= s->buf + s->len);
}

/* Every message of a run: frames decapsulate, payload parses, SIP rules hold. */
static void run_and_check(const struct gen_config *c, uint64_t *fragmented)
{
	struct net_view v;

	start(c);
	*fragmented = 0;
	while (gen_next(&g, &m) == 1) {
		int n = gen_frames_build(c, &m, g.ip_id++, &fr);
		assert_true(n >= 1);
		uint32_t len = datagram_of(c, &v);
		*fragmented += n > 1;
		assert_int_equal(len, m.len);
		assert_memory_equal(dgram + 8, m.text, m.len);
		assert_int_equal(v.dst_port, c->proxy_port);
		if (m.kind == GEN_RESPONSE) {
			assert_memory_equal(v.src, c->ipv6 ? c->gateway6 : c->gateway4, c->ipv6 ? 16 : 4);
			assert_int_equal(v.src_port, c->gateway_port);
		} else {
			assert_int_equal(v.src_port, c->caller_port);
		}
		int rc = tu_parse(dgram + 8, len, &sm);
		if (rc != (int)len) {
			char b[32];
			fail_msg("message %llu: %s at %u:\n%.*s", (unsigned long long)g.seq,
				 tu_status(rc, b), sm.err_off, (int)m.len, m.text);
		}
		assert_msg_sane(&sm);
		check_sip(c, &sm);
	}
	assert_int_equal(g.seq, c->count);
}

static void test_ipv4_frames_decapsulate_and_parse(void **state)
{
	struct gen_config c;
	uint64_t frag;
	(void)state;

	config(&c, 3000, 11);
	run_and_check(&c, &frag);
	assert_true(frag > 0); /* the bigger emergency INVITEs */
}

static void test_vlan_ipv6_and_small_mtu_frames_decapsulate_and_parse(void **state)
{
	struct gen_config c;
	uint64_t frag;
	(void)state;

	config(&c, 1500, 12);
	c.vlan = 100;
	run_and_check(&c, &frag);
	config(&c, 1500, 13);
	c.ipv6 = true;
	run_and_check(&c, &frag);
	assert_true(frag > 0);
	config(&c, 1000, 14);
	c.ipv6 = true;
	c.vlan = 4094;
	c.mtu = 1280;
	run_and_check(&c, &frag);
	config(&c, 1000, 15);
	c.mtu = 576; /* IPv4's minimum: most INVITEs in 2 to 7 pieces */
	run_and_check(&c, &frag);
	assert_true(frag > 300);
}

/* --big-share 100: every emergency INVITE above 2 KB, split at 1500, whole again here. */
static void test_big_invites_fragment_and_reassemble(void **state)
{
	struct gen_config c;
	struct net_view v;
	(void)state;

	for (int v6 = 0; v6 < 2; v6++) {
		config(&c, 300, 21 + (uint64_t)v6);
		memset(c.mix, 0, sizeof(c.mix));
		c.mix[GEN_EMERGENCY] = 1;
		c.big_percent = 100;
		c.ipv6 = v6;
		start(&c);
		while (gen_next(&g, &m) == 1) {
			assert_int_equal(m.pidf, GEN_PIDF_BIG);
			assert_true(m.len >= 2048);
			int n = gen_frames_build(&c, &m, g.ip_id++, &fr);
			assert_true(n >= 2);
			for (int i = 0; i + 1 < n; i++) /* all but the last fill the MTU */
				assert_int_equal(fr.len[i], 14u + (v6 ? 1496u : 1500u));
			uint32_t len = datagram_of(&c, &v);
			assert_int_equal(len, m.len);
			assert_int_equal(tu_parse(dgram + 8, len, &sm), (int)len);
			assert_int_equal(sm.content_length, (int32_t)sm.body.len);
			assert_true(sm.content_length > 1800);
			check_sip(&c, &sm);
		}
	}
}

/* Everything a run produces, as one byte string's hash and length. */
static uint64_t run_hash(const struct gen_config *c, uint64_t *bytes)
{
	uint64_t h = 1469598103934665603ull;
	start(c);
	*bytes = 0;
	while (gen_next(&g, &m) == 1) {
		int n = gen_frames_build(c, &m, g.ip_id++, &fr);
		assert_true(n >= 1);
		for (int i = 0; i < n; i++)
			for (uint32_t j = 0; j < fr.len[i]; j++)
				h = (h ^ fr.buf[fr.off[i] + j]) * 1099511628211ull;
		*bytes += fr.off[n - 1] + fr.len[n - 1];
	}
	return h;
}

static char *write_pcap(const struct gen_config *c, long *size)
{
	char path[] = "/tmp/test_gen_XXXXXX", err[160];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct gen_pcap *w = gen_pcap_open(path, c->pps, err, sizeof(err));
	assert_non_null(w);
	start(c);
	uint64_t frames = 0;
	while (gen_next(&g, &m) == 1) {
		int n = gen_frames_build(c, &m, g.ip_id++, &fr);
		for (int i = 0; i < n; i++)
			gen_pcap_write(w, fr.buf + fr.off[i], fr.len[i]);
		frames += (uint64_t)n;
	}
	assert_int_equal(gen_pcap_close(w, err, sizeof(err)), 0);

	/* libpcap reads it back: Ethernet, every frame there. */
	char perr[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, perr);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), DLT_EN10MB);
	struct pcap_pkthdr *ph;
	const u_char *data;
	uint64_t read = 0;
	while (pcap_next_ex(p, &ph, &data) == 1) {
		assert_int_equal(ph->caplen, ph->len);
		read++;
	}
	pcap_close(p);
	assert_int_equal(read, frames);

	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*size = ftell(f);
	rewind(f);
	char *bytes = malloc((size_t)*size);
	assert_non_null(bytes);
	assert_int_equal(fread(bytes, 1, (size_t)*size, f), (size_t)*size);
	fclose(f);
	unlink(path);
	return bytes;
}

static void test_same_seed_same_bytes(void **state)
{
	struct gen_config c;
	uint64_t b1, b2, b3;
	long s1, s2;
	(void)state;

	config(&c, 2000, 42);
	uint64_t h1 = run_hash(&c, &b1);
	uint64_t h2 = run_hash(&c, &b2);
	assert_int_equal(h1, h2);
	assert_int_equal(b1, b2);
	c.seed = 43;
	assert_true(run_hash(&c, &b3) != h1);

	config(&c, 500, 7);
	char *f1 = write_pcap(&c, &s1);
	char *f2 = write_pcap(&c, &s2);
	assert_int_equal(s1, s2);
	assert_memory_equal(f1, f2, (size_t)s1);
	free(f1);
	free(f2);
}

static void count_kinds(const struct gen_config *c, uint64_t got[GEN_KIND_COUNT])
{
	memset(got, 0, sizeof(uint64_t) * GEN_KIND_COUNT);
	start(c);
	while (gen_next(&g, &m) == 1)
		got[m.kind]++;
}

static void test_mix_proportions_hold(void **state)
{
	struct gen_config c;
	uint64_t got[GEN_KIND_COUNT];
	(void)state;

	config(&c, 10000, 5); /* the default 20/30/30/20 */
	count_kinds(&c, got);
	assert_int_equal(got[GEN_EMERGENCY], 2000);
	assert_int_equal(got[GEN_ORDINARY], 3000);
	assert_int_equal(got[GEN_RESPONSE], 3000);
	assert_int_equal(got[GEN_INDIALOG], 2000);

	/* Weights that do not divide: each kind within one message of its share. */
	uint32_t w[GEN_KIND_COUNT] = { 1, 2, 3, 7 };
	config(&c, 997, 6);
	memcpy(c.mix, w, sizeof(w));
	count_kinds(&c, got);
	for (unsigned k = 0; k < GEN_KIND_COUNT; k++) {
		double want = 997.0 * w[k] / 13.0;
		assert_true(got[k] + 1 > want && got[k] < want + 1);
	}

	/* The order is random, not in blocks: the first tenth holds every kind. */
	config(&c, 10000, 8);
	start(&c);
	uint64_t early[GEN_KIND_COUNT] = { 0 };
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(gen_next(&g, &m), 1);
		early[m.kind]++;
	}
	for (unsigned k = 0; k < GEN_KIND_COUNT; k++)
		assert_true(early[k] > 120 && early[k] < 380);

	/* --kind response */
	config(&c, 300, 9);
	memset(c.mix, 0, sizeof(c.mix));
	c.mix[GEN_RESPONSE] = 1;
	count_kinds(&c, got);
	assert_int_equal(got[GEN_RESPONSE], 300);
}

/* What each target puts in the Request-URI and To. */
static void check_target(enum gen_target t, const struct sip_msg *s)
{
	struct sip_uri u;
	char digits[SIP_MAX_DIGITS];

	assert_int_equal(sip_parse_request_uri(s, &u), 0);
	int n = sip_uri_dialled_digits(&u, digits, sizeof(digits));
	switch (t) {
	case GEN_T_911:
	case GEN_T_9911:
	case GEN_T_933:
		assert_int_equal(u.scheme, SIP_SCHEME_SIP);
		assert_slice(u.user_param, "phone");
		assert_int_equal(n, (int)strlen(gen_target_name(t)));
		assert_memory_equal(digits, gen_target_name(t), (size_t)n);
		break;
	case GEN_T_TEL:
		assert_int_equal(u.scheme, SIP_SCHEME_TEL);
		assert_int_equal(n, 3);
		assert_memory_equal(digits, "911", 3);
		assert_slice(u.phone_context, "+1");
		break;
	case GEN_T_SOS:
	default:
		assert_int_equal(u.scheme, SIP_SCHEME_URN);
		assert_slice(u.urn_nss, "sos");
		assert_int_equal(n, SIP_E_NOT_A_NUMBER);
		break;
	}
	struct tu_split sp = split_msg(s);
	assert_true(slice_eq(sp.to.uri, s->ruri_text));
}

static void test_emergency_request_uris_are_what_was_asked(void **state)
{
	struct gen_config c;
	(void)state;

	for (unsigned t = 0; t < GEN_TARGET_COUNT; t++) {
		config(&c, 100, 30 + t);
		memset(c.mix, 0, sizeof(c.mix));
		c.mix[GEN_EMERGENCY] = 1;
		c.targets = 1u << t;
		start(&c);
		while (gen_next(&g, &m) == 1) {
			assert_int_equal(m.target, t);
			assert_int_equal(tu_parse(m.text, m.len, &sm), (int)m.len);
			check_target((enum gen_target)t, &sm);
		}
	}
	/* Two of them: both appear, nothing else. */
	uint32_t seen = 0, set;
	char err[160];
	assert_int_equal(gen_parse_targets("9911,sos", &set, err, sizeof(err)), 0);
	config(&c, 200, 40);
	memset(c.mix, 0, sizeof(c.mix));
	c.mix[GEN_EMERGENCY] = 1;
	c.targets = set;
	start(&c);
	while (gen_next(&g, &m) == 1) {
		seen |= 1u << m.target;
		assert_int_equal(tu_parse(m.text, m.len, &sm), (int)m.len);
		check_target((enum gen_target)m.target, &sm);
	}
	assert_int_equal(seen, (1u << GEN_T_9911) | (1u << GEN_T_SOS));
}

static int memcmp4(const void *a, const void *b)
{
	return memcmp(a, b, 4);
}

static int slice_cmp(const void *a, const void *b)
{
	const struct e911_slice *x = a, *y = b;
	uint32_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->p, y->p, n);
	return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* Call-IDs and top branches never repeat; callers stay inside their subnets
 * and there are as many distinct ones as asked (up to the subnets' hosts). */
static void test_ids_are_unique_and_callers_spread(void **state)
{
	enum { N = 5000 };
	static char text[N][2][96];
	static struct e911_slice ids[2][N];
	static uint8_t addrs[N][4];
	struct gen_config c;
	(void)state;

	config(&c, N, 50);
	c.callers = 300;
	start(&c);
	for (int i = 0; gen_next(&g, &m) == 1; i++) {
		assert_int_equal(tu_parse(m.text, m.len, &sm), (int)m.len);
		struct e911_slice b = sm.via[m.kind == GEN_RESPONSE ? 1 : 0].branch;
		assert_true(sm.call_id.len < 96 && b.len < 96);
		memcpy(text[i][0], sm.call_id.p, sm.call_id.len);
		memcpy(text[i][1], b.p, b.len);
		ids[0][i] = (struct e911_slice){ text[i][0], sm.call_id.len };
		ids[1][i] = (struct e911_slice){ text[i][1], b.len };
		memcpy(addrs[i], m.caller_ip, 4);
		assert_true(m.caller < 300);
		assert_int_equal(m.caller_ip[0], 198);
		assert_int_equal(m.caller_ip[1], 18);
		assert_true(m.caller_ip[2] == 1 || m.caller_ip[2] == 2);
		assert_true(m.caller_ip[3] >= 1 && m.caller_ip[3] <= 254);
	}
	for (int k = 0; k < 2; k++) {
		qsort(ids[k], N, sizeof(ids[k][0]), slice_cmp);
		for (int i = 1; i < N; i++)
			if (slice_eq(ids[k][i - 1], ids[k][i]))
				fail_msg("repeated %s %.*s", k ? "branch" : "Call-ID", SLICE_ARG(ids[k][i]));
	}
	/* 300 callers over two /24s: 300 addresses, nearly all seen in 5000 messages. */
	qsort(addrs, N, 4, memcmp4);
	int distinct = 1;
	for (int i = 1; i < N; i++)
		distinct += memcmp(addrs[i - 1], addrs[i], 4) != 0;
	assert_true(distinct > 290 && distinct <= 300);
}

static void test_option_parsers_refuse_bad_values(void **state)
{
	uint32_t mix[GEN_KIND_COUNT], set;
	struct gen_prefix p;
	uint8_t mac[6], ip[16];
	char err[160];
	int family;
	(void)state;

	assert_int_equal(gen_parse_mix("emergency=20,ordinary=30,response=30,indialog=20", mix, err,
				       sizeof(err)), 0);
	assert_int_equal(mix[GEN_ORDINARY], 30);
	assert_int_equal(gen_parse_mix("response=1", mix, err, sizeof(err)), 0);
	assert_int_equal(mix[GEN_EMERGENCY], 0);
	static const char *const bad_mix[] = { "", "emergency", "emergency=", "emergency=x",
		"fire=3", "emergency=1,emergency=2", "emergency=0", "emergency=-1", "emergency=1,",
		"emergency=99999999999" };
	for (size_t i = 0; i < TU_LEN(bad_mix); i++)
		if (gen_parse_mix(bad_mix[i], mix, err, sizeof(err)) == 0)
			fail_msg("--mix '%s' accepted", bad_mix[i]);
	assert_int_equal(gen_parse_targets("all", &set, err, sizeof(err)), 0);
	assert_int_equal(set, (1u << GEN_TARGET_COUNT) - 1);
	assert_int_equal(gen_parse_targets("911,tel", &set, err, sizeof(err)), 0);
	assert_int_equal(set, (1u << GEN_T_911) | (1u << GEN_T_TEL));
	assert_int_equal(gen_parse_targets("112", &set, err, sizeof(err)), -1);
	assert_int_equal(gen_parse_targets("911,", &set, err, sizeof(err)), -1);
	assert_int_equal(gen_parse_prefix("198.18.1.0/24", &p, &family, err, sizeof(err)), 0);
	assert_int_equal(family, 4);
	assert_int_equal(p.len, 24);
	assert_int_equal(gen_parse_prefix("2001:db8:1::/64", &p, &family, err, sizeof(err)), 0);
	assert_int_equal(family, 6);
	assert_int_equal(gen_parse_prefix("198.18.1.1/24", &p, &family, err, sizeof(err)), -1);
	assert_int_equal(gen_parse_prefix("198.18.1.0/33", &p, &family, err, sizeof(err)), -1);
	assert_int_equal(gen_parse_prefix("198.18.1.0", &p, &family, err, sizeof(err)), -1);
	assert_int_equal(gen_parse_mac("02:00:00:00:00:0a", mac), 0);
	assert_int_equal(mac[5], 10);
	assert_int_equal(gen_parse_mac("02:00:00:00:00", mac), -1);
	assert_int_equal(gen_parse_mac("02:00:00:00:00:0g", mac), -1);
	assert_int_equal(gen_parse_ip4("198.18.0.256", ip), -1);
	assert_int_equal(gen_parse_ip6("2001:db8::1", ip), 0);

	/* gen_init refuses what the options cannot say either. */
	struct gen_config c;
	config(&c, 10, 1);
	c.ipv6 = true;
	c.mtu = 1279;
	assert_int_equal(gen_init(&g, &c, err, sizeof(err)), -1);
	config(&c, 10, 1);
	c.targets = 0;
	assert_int_equal(gen_init(&g, &c, err, sizeof(err)), -1);
	config(&c, 10, 1);
	memset(c.mix, 0, sizeof(c.mix));
	assert_int_equal(gen_init(&g, &c, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_frames_decapsulate_and_parse),
		cmocka_unit_test(test_vlan_ipv6_and_small_mtu_frames_decapsulate_and_parse),
		cmocka_unit_test(test_big_invites_fragment_and_reassemble),
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_mix_proportions_hold),
		cmocka_unit_test(test_emergency_request_uris_are_what_was_asked),
		cmocka_unit_test(test_ids_are_unique_and_callers_spread),
		cmocka_unit_test(test_option_parsers_refuse_bad_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
