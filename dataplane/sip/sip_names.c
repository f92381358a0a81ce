/*
 * sip_names.c - the name tables of the parser, each generated from one
 * X-macro list in e911/sip.h: header names (full and compact forms), method
 * names and parse-status texts.
 *
 * Header lookup is on the fast path (every header line of every message): an
 * index by (length, first letter), filled once at load time from the list,
 * leaves one or two candidates, compared 16 bytes at a time (SSE2, inline in
 * the parser's line loop: sip_names.h) or a word at a time.
 */
#include "e911/sip.h"
#include "sip_lex.h"
#include "sip_names.h"

struct hdr_entry {
	const char *name;
	uint8_t len;
	char compact;
};

static const struct hdr_entry hdr_table[SIP_HDR_COUNT] = {
	[SIP_HDR_OTHER] = { "", 0, 0 },
#define SIP_HDR_ENTRY(id, name, compact) [SIP_HDR_##id] = { name, sizeof(name) - 1, compact },
	SIP_HDR_LIST(SIP_HDR_ENTRY)
#undef SIP_HDR_ENTRY
};

/*
 * The index: by (first letter, length) at most two names collide ("Call-ID",
 * "Contact"), so two slots each. Names are kept lower-cased and zero-padded
 * to whole 64-bit words for the word-at-a-time compare below.
 */
uint8_t sip_hdr_by_letter_len[26][SIP_HDR_LEN_SLOTS][2];
_Static_assert(SIP_HDR_NAME_MAX < SIP_HDR_LEN_SLOTS, "every name has its length's slot");
uint8_t sip_hdr_by_compact[26];
static union {
	char c[SIP_HDR_NAME_MAX];
	uint64_t w[SIP_HDR_NAME_MAX / 8];
} hdr_lower[SIP_HDR_COUNT];

static void hdr_fold_build(void);

__attribute__((constructor)) static void sip_hdr_index_build(void)
{
	for (unsigned id = 1; id < SIP_HDR_COUNT; id++) {
		const struct hdr_entry *e = &hdr_table[id];
		for (unsigned i = 0; i < e->len; i++)
			hdr_lower[id].c[i] = (char)ascii_lower((unsigned char)e->name[i]);
		uint8_t *slot = sip_hdr_by_letter_len[(unsigned char)hdr_lower[id].c[0] - 'a'][e->len];
		/* A third name in a slot pair would not be found: the tests look up every name. */
		slot[slot[0] ? 1 : 0] = (uint8_t)id;
		if (e->compact)
			sip_hdr_by_compact[e->compact - 'a'] = (uint8_t)id;
	}
	hdr_fold_build();
}

/*
 * name[0..len) equals the lower-cased candidate, ignoring ASCII case. OR-ing
 * 0x20 folds exactly the letters onto lower case among token characters
 * (the only bytes a header name holds), so it serves as a case fold here.
 * Whole words are compared; the last, partial word is read as the 8 bytes
 * that end the name (overlapping the previous word) when the name is at
 * least 8 long, else byte by byte.
 */
static bool name_is(const char *name, uint32_t len, unsigned id)
{
	const uint64_t fold = 0x2020202020202020ull;
	const char *want = hdr_lower[id].c;
	uint64_t a, b;
	uint32_t i = 0;

	if (len < 8) {
		for (; i < len; i++)
			if (((unsigned char)name[i] | 0x20) != (unsigned char)want[i])
				return false;
		return true;
	}
	for (; i + 8 <= len; i += 8) {
		memcpy(&a, name + i, 8);
		memcpy(&b, want + i, 8);
		if ((a | fold) != b)
			return false;
	}
	if (i == len)
		return true;
	memcpy(&a, name + len - 8, 8);
	memcpy(&b, want + len - 8, 8);
	return (a | fold) == b;
}

enum sip_hdr_id sip_hdr_lookup(const char *name, uint32_t len)
{
	if (len == 0 || len > SIP_HDR_NAME_MAX)
		return SIP_HDR_OTHER;
	unsigned letter = ascii_lower((unsigned char)name[0]) - 'a';
	if (letter >= 26)
		return SIP_HDR_OTHER;
	if (len == 1)
		return (enum sip_hdr_id)sip_hdr_by_compact[letter];
	const uint8_t *slot = sip_hdr_by_letter_len[letter][len];
	for (unsigned k = 0; k < 2 && slot[k]; k++)
		if (name_is(name, len, slot[k]))
			return (enum sip_hdr_id)slot[k];
	return SIP_HDR_OTHER;
}

#if defined(E911_SIMD_SSE2)
union sip_hdr_fold sip_hdr_fold[SIP_HDR_COUNT];

static void hdr_fold_build(void)
{
	for (unsigned id = 1; id < SIP_HDR_COUNT; id++) {
		unsigned len = hdr_table[id].len;
		memcpy(sip_hdr_fold[id].c, hdr_lower[id].c, len < 16 ? len : 16);
		if (len > 16)
			memcpy(sip_hdr_fold[id].c + 16, hdr_lower[id].c + len - 16, 16);
	}
}

enum sip_hdr_id sip_hdr_lookup_in(const char *name, uint32_t len, const char *end)
{
	/* Names of 2..SIP_HDR_NAME_MAX bytes with 16 readable: one or two vector compares a candidate. */
	if (len < 2 || len > SIP_HDR_NAME_MAX || end - name < 16)
		return sip_hdr_lookup(name, len);
	return (enum sip_hdr_id)sip_hdr_name_id(name, len, _mm_loadu_si128((const __m128i *)(const void *)name));
}
#else
static void hdr_fold_build(void)
{
}

enum sip_hdr_id sip_hdr_lookup_in(const char *name, uint32_t len, const char *end)
{
	/* Short names with 8 readable bytes: one masked word compare, no byte loop. */
	if (len < 2 || len > 8 || end - name < 8)
		return sip_hdr_lookup(name, len);
	unsigned letter = ((unsigned char)name[0] | 0x20u) - 'a';
	if (letter >= 26)
		return SIP_HDR_OTHER;
	uint64_t w, keep = ~0ull >> (64 - 8 * len); /* the first len bytes (little-endian) */
	memcpy(&w, name, 8);
	w = (w | 0x2020202020202020ull) & keep;
	const uint8_t *slot = sip_hdr_by_letter_len[letter][len];
	for (unsigned k = 0; k < 2 && slot[k]; k++)
		if (w == hdr_lower[slot[k]].w[0])
			return (enum sip_hdr_id)slot[k];
	return SIP_HDR_OTHER;
}
#endif

const char *sip_hdr_name(enum sip_hdr_id id)
{
	return (unsigned)id < SIP_HDR_COUNT ? hdr_table[id].name : "";
}

enum sip_method sip_method_lookup(struct e911_slice token)
{
	/*
	 * Methods are case-sensitive (RFC 3261 §7.1): "invite" is an extension
	 * method. One length test per method, and a compare of a constant size
	 * that the compiler turns into one or two word compares (no call).
	 */
#define SIP_METHOD_IS(m)                                                           \
	if (token.len == sizeof(#m) - 1 && memcmp(token.p, #m, sizeof(#m) - 1) == 0) \
		return SIP_METHOD_##m;
	SIP_METHOD_LIST(SIP_METHOD_IS)
#undef SIP_METHOD_IS
	return SIP_METHOD_OTHER;
}

static const char *const status_text[SIP_STATUS_COUNT] = {
#define SIP_STATUS_TEXT(name, text) text,
	SIP_STATUS_LIST(SIP_STATUS_TEXT)
#undef SIP_STATUS_TEXT
};

static const char *const status_name[SIP_STATUS_COUNT] = {
#define SIP_STATUS_NAME(name, text) #name,
	SIP_STATUS_LIST(SIP_STATUS_NAME)
#undef SIP_STATUS_NAME
};

const char *sip_status_text(int status)
{
	unsigned pos = (unsigned)-status;
	return status <= 0 && pos < SIP_STATUS_COUNT ? status_text[pos] : "unknown status";
}

const char *sip_status_name(int status)
{
	unsigned pos = (unsigned)-status;
	return status <= 0 && pos < SIP_STATUS_COUNT ? status_name[pos] : "UNKNOWN";
}
