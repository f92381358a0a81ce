/*
 * gen.h - the pcap traffic generator's library (gen_lib): SIP messages of
 * the kinds a stateless E9-1-1 proxy sees, put into Ethernet/IP/UDP frames
 * (IP fragments when a datagram exceeds the MTU) and written to a pcap file.
 * e911-gen-pcap (gen_main.c) and tests/unit/test_gen.c both link it.
 *
 * Everything is a function of the configuration and its seed: the same
 * configuration gives the same bytes. IDs (Call-ID, branches, tags) are a
 * bijective mix of (message number, purpose), so they never repeat in a file.
 */
#ifndef E911_GEN_H
#define E911_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GEN_MSG_MAX 8192u     /* bytes of one SIP message; ours stay under 4 KiB */
#define GEN_MAX_SUBNETS 16u   /* caller subnets per family */
#define GEN_MAX_FRAMES 32u    /* frames of one datagram (GEN_MSG_MAX at the smallest MTU) */
#define GEN_FRAME_MAX 9300u   /* bytes of one frame: jumbo MTU + Ethernet + VLAN */
#define GEN_MTU_MIN 576u      /* IPv4's minimum reassembly size; IPv6 needs 1280 */
#define GEN_MTU_MAX 9216u

/* Message kinds: X(ID, "name" used by --mix and --kind). */
#define GEN_KIND_LIST(X)                                                      \
	X(EMERGENCY, "emergency")                                             \
	X(ORDINARY, "ordinary")                                               \
	X(RESPONSE, "response")                                               \
	X(INDIALOG, "indialog")

enum gen_kind {
#define GEN_KIND_ENUM(id, name) GEN_##id,
	GEN_KIND_LIST(GEN_KIND_ENUM)
#undef GEN_KIND_ENUM
	GEN_KIND_COUNT
};

/* What an emergency INVITE dials: X(ID, "name" used by --targets). */
#define GEN_TARGET_LIST(X)                                                    \
	X(911, "911")                                                         \
	X(9911, "9911")                                                       \
	X(933, "933")                                                         \
	X(TEL, "tel")                                                         \
	X(SOS, "sos")

enum gen_target {
#define GEN_TARGET_ENUM(id, name) GEN_T_##id,
	GEN_TARGET_LIST(GEN_TARGET_ENUM)
#undef GEN_TARGET_ENUM
	GEN_TARGET_COUNT
};

/* Which PIDF-LO shape a message carries. */
enum gen_pidf { GEN_PIDF_NONE, GEN_PIDF_CIVIC, GEN_PIDF_POINT, GEN_PIDF_CIRCLE, GEN_PIDF_BIG };

/* In-dialog requests and responses, by what they are. */
enum gen_sub { GEN_SUB_NONE, GEN_SUB_100, GEN_SUB_180, GEN_SUB_200, GEN_SUB_ACK, GEN_SUB_BYE,
	       GEN_SUB_CANCEL };

struct gen_prefix {
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
	uint8_t len;      /* prefix length */
};

struct gen_config {
	uint64_t seed;
	uint64_t count;                 /* SIP messages (datagrams), not frames */
	uint32_t callers;
	uint32_t mix[GEN_KIND_COUNT];   /* weights */
	uint32_t targets;               /* bit set of enum gen_target */
	uint32_t big_percent;           /* emergency INVITEs made >= 2 KiB */
	uint32_t manual_percent;        /* PIDF-LOs with method Manual */
	uint32_t mtu;                   /* largest IP packet */
	int32_t vlan;                   /* 802.1Q VLAN ID, -1 for none */
	bool ipv6;
	uint8_t proxy_mac[6], sender_mac[6];
	uint8_t proxy4[4], gateway4[4];
	uint8_t proxy6[16], gateway6[16];
	uint16_t proxy_port, caller_port, gateway_port;
	struct gen_prefix subnet4[GEN_MAX_SUBNETS], subnet6[GEN_MAX_SUBNETS];
	uint32_t nsubnet4, nsubnet6;
	uint64_t pps;                   /* pcap timestamps: frames per second */
};

/* One SIP message and the UDP flow it travels on. */
struct gen_msg {
	uint8_t kind;   /* enum gen_kind */
	uint8_t target; /* enum gen_target of an emergency INVITE */
	uint8_t pidf;   /* enum gen_pidf */
	uint8_t sub;    /* enum gen_sub */
	uint8_t compact; /* emergency INVITE of a terse phone: short IDs, one-line XML */
	uint8_t family; /* 4 or 6 */
	uint8_t site;   /* index of the caller's subnet */
	uint32_t caller;         /* caller number, 0 .. callers - 1 */
	uint8_t caller_ip[16];   /* the caller's address (also in a response's Via) */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t len;
	char text[GEN_MSG_MAX];
};

/* A message's frames: frame i is buf[off[i] .. off[i] + len[i]). */
struct gen_frames {
	uint32_t n;
	uint32_t off[GEN_MAX_FRAMES];
	uint32_t len[GEN_MAX_FRAMES];
	uint8_t buf[GEN_MSG_MAX + 8u + GEN_MAX_FRAMES * 128u]; /* payload + headers, padding */
};

/* The generator's running state. */
struct gen {
	struct gen_config cfg;
	uint64_t rng;                    /* splitmix64 state */
	uint64_t id_base;
	uint64_t seq;                    /* messages made so far */
	uint64_t left[GEN_KIND_COUNT];   /* still to make, per kind */
	uint32_t ip_id;                  /* next IP identification */
	uint64_t made[GEN_KIND_COUNT];
};

/* Defaults of every option (see gen_main.c). */
void gen_config_default(struct gen_config *c);

/*
 * Check a configuration and start a run of cfg->count messages. The count of
 * each kind is its exact share of the weights (largest remainder); the order
 * is random. @return 0, or -1 with the reason in err.
 */
int gen_init(struct gen *g, const struct gen_config *cfg, char *err, size_t errlen);

/* The next message. @return 1, or 0 when the run is complete. */
int gen_next(struct gen *g, struct gen_msg *m);

/*
 * The frames of one message: Ethernet II (802.1Q when cfg->vlan >= 0), IPv4
 * or IPv6, UDP with both checksums; fragments (in order) when the IP packet
 * would exceed cfg->mtu. ip_id: the datagram's IP identification.
 * @return the number of frames (>= 1), or -1 when the message cannot fit.
 */
int gen_frames_build(const struct gen_config *cfg, const struct gen_msg *m, uint32_t ip_id,
		     struct gen_frames *out);

/* Internal pieces shared between the library's files. */
uint64_t gen_rand(struct gen *g);
uint32_t gen_below(struct gen *g, uint32_t n); /* uniform in [0, n) */
uint64_t gen_id(const struct gen *g, unsigned purpose); /* unique per (message, purpose < 16) */
uint32_t gen_id32(const struct gen *g, unsigned purpose); /* unique per message (< 2^32 of them) */
int gen_sip_write(struct gen *g, struct gen_msg *m); /* fills m->text/len from m->kind etc. */

/* An append-only text buffer; a write past cap sets full and is dropped. */
struct gen_buf {
	char *p;
	uint32_t len, cap;
	bool full;
};
void gen_buf_init(struct gen_buf *b, char *p, uint32_t cap);
void gen_put(struct gen_buf *b, const char *s);
void gen_putn(struct gen_buf *b, const char *s, uint32_t n);
void gen_putf(struct gen_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The PIDF-LO document of one caller (XML lines end CRLF, the last one not). */
struct gen_pidf_args {
	enum gen_pidf shape;
	bool manual;
	bool compact;          /* RFC 4119 tuple form on one line, no XML declaration */
	unsigned site;         /* index of the caller's subnet: picks the building */
	uint32_t caller;       /* caller number: floor, room */
	const char *user;      /* entity pres:user@example.com */
	uint64_t id;           /* device and tuple ids */
	uint32_t jitter;       /* a random number: spreads the coordinates */
};
void gen_pidf_write(struct gen_buf *b, const struct gen_pidf_args *a);

/* Option parsers (gen_parse.c): 0, or -1 with the reason in err. */
int gen_parse_mix(const char *s, uint32_t mix[GEN_KIND_COUNT], char *err, size_t errlen);
int gen_parse_kind(const char *s, enum gen_kind *k);
int gen_parse_targets(const char *s, uint32_t *set, char *err, size_t errlen);
int gen_parse_mac(const char *s, uint8_t mac[6]);
int gen_parse_ip4(const char *s, uint8_t ip[4]);
int gen_parse_ip6(const char *s, uint8_t ip[16]);
/* "A.B.C.D/L" or "X::/L" (host bits must be zero); *family 4 or 6. */
int gen_parse_prefix(const char *s, struct gen_prefix *p, int *family, char *err, size_t errlen);
int gen_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
const char *gen_kind_name(enum gen_kind k);
const char *gen_target_name(enum gen_target t);

/* pcap output (gen_pcap.c), DLT_EN10MB, microsecond timestamps. */
struct gen_pcap;
struct gen_pcap *gen_pcap_open(const char *path, uint64_t pps, char *err, size_t errlen);
/* Write one frame; its timestamp follows the last one by 1/pps seconds. */
void gen_pcap_write(struct gen_pcap *w, const uint8_t *frame, uint32_t len);
/* Flush and close. @return 0, or -1 with the reason in err (a write failed). */
int gen_pcap_close(struct gen_pcap *w, char *err, size_t errlen);

#endif /* E911_GEN_H */
