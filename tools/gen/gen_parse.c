/*
 * gen_parse.c - the option values of e911-gen-pcap: mixes, kinds, targets,
 * MAC and IP addresses, prefixes, numbers. Strict: a value is accepted whole
 * or refused with a reason, never half read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "gen.h"

static const char *const kind_names[GEN_KIND_COUNT] = {
#define GEN_KIND_NAME(id, name) name,
	GEN_KIND_LIST(GEN_KIND_NAME)
#undef GEN_KIND_NAME
};

static const char *const target_names[GEN_TARGET_COUNT] = {
#define GEN_TARGET_NAME(id, name) name,
	GEN_TARGET_LIST(GEN_TARGET_NAME)
#undef GEN_TARGET_NAME
};

const char *gen_kind_name(enum gen_kind k)
{
	return (unsigned)k < GEN_KIND_COUNT ? kind_names[k] : "?";
}

const char *gen_target_name(enum gen_target t)
{
	return (unsigned)t < GEN_TARGET_COUNT ? target_names[t] : "?";
}

int gen_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int name_index(const char *s, size_t n, const char *const *names, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		if (strlen(names[i]) == n && memcmp(s, names[i], n) == 0)
			return (int)i;
	return -1;
}

int gen_parse_kind(const char *s, enum gen_kind *k)
{
	int i = name_index(s, strlen(s), kind_names, GEN_KIND_COUNT);
	if (i < 0)
		return -1;
	*k = (enum gen_kind)i;
	return 0;
}

/* "emergency=20,ordinary=30": kinds not named get weight 0. */
int gen_parse_mix(const char *s, uint32_t mix[GEN_KIND_COUNT], char *err, size_t errlen)
{
	uint32_t w[GEN_KIND_COUNT] = { 0 };
	bool seen[GEN_KIND_COUNT] = { false };
	uint64_t total = 0;

	for (const char *p = s;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		char num[16];
		uint64_t v;
		if (!eq)
			return snprintf(err, errlen, "--mix: '%.*s' is not KIND=WEIGHT", (int)n, p), -1;
		int k = name_index(p, (size_t)(eq - p), kind_names, GEN_KIND_COUNT);
		if (k < 0)
			return snprintf(err, errlen, "--mix: unknown kind '%.*s' (emergency, ordinary, "
					"response, indialog)", (int)(eq - p), p), -1;
		if (seen[k])
			return snprintf(err, errlen, "--mix: %s given twice", kind_names[k]), -1;
		size_t vn = n - (size_t)(eq + 1 - p);
		if (vn == 0 || vn >= sizeof(num))
			return snprintf(err, errlen, "--mix: bad weight for %s", kind_names[k]), -1;
		memcpy(num, eq + 1, vn);
		num[vn] = 0;
		if (gen_parse_u64(num, 0, 1000000, &v))
			return snprintf(err, errlen, "--mix: weight of %s must be 0..1000000",
					kind_names[k]), -1;
		seen[k] = true;
		w[k] = (uint32_t)v;
		total += v;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (total == 0)
		return snprintf(err, errlen, "--mix: every weight is 0"), -1;
	memcpy(mix, w, sizeof(w));
	return 0;
}

/* "911,9911,sos" or "all". */
int gen_parse_targets(const char *s, uint32_t *set, char *err, size_t errlen)
{
	uint32_t bits = 0;

	if (strcmp(s, "all") == 0) {
		*set = (1u << GEN_TARGET_COUNT) - 1;
		return 0;
	}
	for (const char *p = s;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		int t = name_index(p, n, target_names, GEN_TARGET_COUNT);
		if (t < 0)
			return snprintf(err, errlen, "--targets: unknown target '%.*s' (911, 9911, 933, "
					"tel, sos, all)", (int)n, p), -1;
		bits |= 1u << t;
		if (!comma)
			break;
		p = comma + 1;
	}
	*set = bits;
	return 0;
}

int gen_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	char tail;

	if (strlen(s) != 17 || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3],
				      &v[4], &v[5], &tail) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

int gen_parse_ip4(const char *s, uint8_t ip[4])
{
	return inet_pton(AF_INET, s, ip) == 1 ? 0 : -1;
}

int gen_parse_ip6(const char *s, uint8_t ip[16])
{
	return inet_pton(AF_INET6, s, ip) == 1 ? 0 : -1;
}

int gen_parse_prefix(const char *s, struct gen_prefix *p, int *family, char *err, size_t errlen)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	uint64_t len;

	memset(p, 0, sizeof(*p));
	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return snprintf(err, errlen, "--subnet '%s': want ADDRESS/LENGTH", s), -1;
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = 0;
	if (gen_parse_ip4(addr, p->addr) == 0)
		*family = 4;
	else if (gen_parse_ip6(addr, p->addr) == 0)
		*family = 6;
	else
		return snprintf(err, errlen, "--subnet '%s': '%s' is not an IP address", s, addr), -1;
	unsigned bits = *family == 4 ? 32 : 128;
	if (gen_parse_u64(slash + 1, 0, bits, &len))
		return snprintf(err, errlen, "--subnet '%s': length must be 0..%u", s, bits), -1;
	p->len = (uint8_t)len;
	for (unsigned i = (unsigned)len; i < bits; i++)
		if (p->addr[i / 8] & (0x80 >> (i % 8)))
			return snprintf(err, errlen, "--subnet '%s': host bits set", s), -1;
	return 0;
}
