/*
 * gen_core.c - the generator's run: defaults, checks, the random stream, the
 * kind of each message (exact shares, random order) and its addresses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"

/* splitmix64's finaliser: a bijection on 64 bits, so distinct inputs give distinct IDs. */
static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t gen_rand(struct gen *g)
{
	g->rng += 0x9e3779b97f4a7c15ull;
	return mix64(g->rng);
}

uint32_t gen_below(struct gen *g, uint32_t n)
{
	return (uint32_t)(((gen_rand(g) >> 32) * n) >> 32);
}

uint64_t gen_id(const struct gen *g, unsigned purpose)
{
	return mix64(g->id_base + g->seq * 16u + (purpose & 15u));
}

uint32_t gen_id32(const struct gen *g, unsigned purpose)
{
	/* a fixed xor, then a bijective 32-bit mix (lowbias32): unique per message */
	uint32_t x = (uint32_t)g->seq ^ (uint32_t)mix64(g->id_base + purpose);
	x ^= x >> 16;
	x *= 0x7feb352du;
	x ^= x >> 15;
	x *= 0x846ca68bu;
	x ^= x >> 16;
	return x;
}

void gen_buf_init(struct gen_buf *b, char *p, uint32_t cap)
{
	*b = (struct gen_buf){ .p = p, .cap = cap };
}

void gen_putn(struct gen_buf *b, const char *s, uint32_t n)
{
	if (b->full || n > b->cap - b->len) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void gen_put(struct gen_buf *b, const char *s)
{
	gen_putn(b, s, (uint32_t)strlen(s));
}

void gen_putf(struct gen_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->full)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	/* vsnprintf wants room for its NUL too: equal to the room left is too long. */
	if (n < 0 || (uint32_t)n >= b->cap - b->len)
		b->full = true;
	else
		b->len += (uint32_t)n;
}

void gen_config_default(struct gen_config *c)
{
	static const uint8_t proxy6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
	/* realistic.xml's IPv6 trunk gateway of route us-e911-provider */
	static const uint8_t gateway6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0xe9, 0x11, [15] = 0x10 };

	*c = (struct gen_config){
		.seed = 1,
		.count = 0,
		.callers = 1000,
		.mix = { [GEN_EMERGENCY] = 20, [GEN_ORDINARY] = 30, [GEN_RESPONSE] = 30,
			 [GEN_INDIALOG] = 20 },
		.targets = (1u << GEN_TARGET_COUNT) - 1,
		.big_percent = 10,
		.manual_percent = 25,
		.mtu = 1500,
		.vlan = -1,
		.proxy_mac = { 0x02, 0, 0, 0, 0, 0x01 },
		.sender_mac = { 0x02, 0, 0, 0, 0, 0x02 },
		.proxy4 = { 198, 18, 0, 1 },
		.gateway4 = { 198, 18, 0, 10 },
		.proxy_port = 5060,
		.caller_port = 5060,
		.gateway_port = 5060,
		.subnet4 = { { .addr = { 198, 18, 1, 0 }, .len = 24 },
			     { .addr = { 198, 18, 2, 0 }, .len = 24 } },
		.nsubnet4 = 2,
		.subnet6 = { { .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 }, .len = 64 },
			     { .addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 2 }, .len = 64 } },
		.nsubnet6 = 2,
		.pps = 100000,
	};
	memcpy(c->proxy6, proxy6, 16);
	memcpy(c->gateway6, gateway6, 16);
}

int gen_init(struct gen *g, const struct gen_config *cfg, char *err, size_t errlen)
{
	uint64_t wsum = 0;

	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	for (unsigned k = 0; k < GEN_KIND_COUNT; k++)
		wsum += cfg->mix[k];
	if (wsum == 0)
		return snprintf(err, errlen, "the mix has no kind with a weight above 0"), -1;
	if (cfg->targets == 0 || cfg->targets >= (1u << GEN_TARGET_COUNT))
		return snprintf(err, errlen, "no emergency target chosen"), -1;
	if (cfg->callers == 0)
		return snprintf(err, errlen, "--callers must be at least 1"), -1;
	if (cfg->big_percent > 100 || cfg->manual_percent > 100)
		return snprintf(err, errlen, "a share is above 100%%"), -1;
	if (cfg->mtu < (cfg->ipv6 ? 1280u : GEN_MTU_MIN) || cfg->mtu > GEN_MTU_MAX)
		return snprintf(err, errlen, "--mtu must be %u..%u for IPv%d",
				cfg->ipv6 ? 1280u : GEN_MTU_MIN, GEN_MTU_MAX, cfg->ipv6 ? 6 : 4), -1;
	if (cfg->vlan > 4094)
		return snprintf(err, errlen, "--vlan must be 0..4094"), -1;
	if ((cfg->ipv6 ? cfg->nsubnet6 : cfg->nsubnet4) == 0)
		return snprintf(err, errlen, "no IPv%d caller subnet", cfg->ipv6 ? 6 : 4), -1;
	if (cfg->pps == 0)
		return snprintf(err, errlen, "--pps must be at least 1"), -1;

	/* Largest remainder: each kind gets floor(count * w / sum), the rest go to
	 * the largest fractions (ties to the earlier kind), so the shares are exact. */
	uint64_t given = 0, rem[GEN_KIND_COUNT];
	for (unsigned k = 0; k < GEN_KIND_COUNT; k++) {
		unsigned __int128 p = (unsigned __int128)cfg->count * cfg->mix[k];
		g->left[k] = (uint64_t)(p / wsum);
		rem[k] = (uint64_t)(p % wsum);
		given += g->left[k];
	}
	while (given < cfg->count) {
		unsigned best = 0;
		for (unsigned k = 1; k < GEN_KIND_COUNT; k++)
			if (rem[k] > rem[best])
				best = k;
		g->left[best]++;
		rem[best] = 0;
		given++;
	}
	g->rng = mix64(cfg->seed ^ 0x6539313170726f78ull);
	g->id_base = mix64(g->rng + 1);
	g->ip_id = (uint32_t)gen_rand(g);
	return 0;
}

/* The kind of the next message: drawn without replacement from what is left. */
static enum gen_kind pick_kind(struct gen *g)
{
	uint64_t total = 0;
	for (unsigned k = 0; k < GEN_KIND_COUNT; k++)
		total += g->left[k];
	uint64_t r = (uint64_t)(((unsigned __int128)gen_rand(g) * total) >> 64);
	unsigned k = 0;
	while (r >= g->left[k]) {
		r -= g->left[k];
		k++;
	}
	g->left[k]--;
	return (enum gen_kind)k;
}

/* Host number h (from 0) of a prefix, wrapping inside it: never the IPv4
 * network or broadcast address, nor IPv6's all-zero subnet-router anycast. */
static void host_in(const struct gen_prefix *p, unsigned addr_len, uint64_t h, uint8_t out[16])
{
	unsigned host_bits = addr_len * 8 - p->len;
	uint64_t size = host_bits >= 64 ? UINT64_MAX : 1ull << host_bits;
	uint64_t first = 1, count;
	if (size <= 2) { /* /31, /32, /127, /128: every address is a host */
		first = 0;
		count = size;
	} else {
		count = size - (addr_len == 4 ? 2 : 1);
	}
	uint64_t n = first + h % count;
	memcpy(out, p->addr, 16);
	for (int i = (int)addr_len - 1; i >= 0 && n; i--) {
		unsigned sum = out[i] + (unsigned)(n & 0xff);
		out[i] = (uint8_t)sum;
		n = (n >> 8) + (sum >> 8);
	}
}

/* The address of caller c: callers go round the subnets, then up their hosts. */
static unsigned caller_addr(const struct gen_config *cfg, uint32_t c, uint8_t out[16])
{
	unsigned n = cfg->ipv6 ? cfg->nsubnet6 : cfg->nsubnet4;
	unsigned site = c % n;
	memset(out, 0, 16);
	host_in(cfg->ipv6 ? &cfg->subnet6[site] : &cfg->subnet4[site], cfg->ipv6 ? 16 : 4, c / n, out);
	return site;
}

int gen_next(struct gen *g, struct gen_msg *m)
{
	const struct gen_config *cfg = &g->cfg;

	if (g->seq >= cfg->count)
		return 0;
	memset(m, 0, offsetof(struct gen_msg, text));
	m->kind = (uint8_t)pick_kind(g);
	m->family = cfg->ipv6 ? 6 : 4;
	/* Requests come from a caller to the proxy; responses from the trunk. */
	m->caller = gen_below(g, cfg->callers);
	m->site = (uint8_t)caller_addr(cfg, m->caller, m->caller_ip);
	if (m->kind == GEN_RESPONSE) {
		memcpy(m->src, cfg->ipv6 ? cfg->gateway6 : cfg->gateway4, cfg->ipv6 ? 16 : 4);
		m->sport = cfg->gateway_port;
	} else {
		memcpy(m->src, m->caller_ip, 16);
		m->sport = cfg->caller_port;
	}
	memcpy(m->dst, cfg->ipv6 ? cfg->proxy6 : cfg->proxy4, cfg->ipv6 ? 16 : 4);
	m->dport = cfg->proxy_port;
	int rc = gen_sip_write(g, m);
	g->made[m->kind]++;
	g->seq++;
	return rc < 0 ? rc : 1;
}
