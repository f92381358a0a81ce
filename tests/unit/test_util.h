/*
 * test_util.h - helpers the SIP parser's unit tests share: reading a data file
 * (with cmocka's leak-checked allocator), placing input so that its last byte
 * sits right before an unreadable page (picohttpparser's trick: any read past
 * the end crashes the test instead of passing unseen), assertions on slices
 * and statuses that print readable values, and an oracle that runs every
 * on-demand helper over a parsed message and checks that each slice it gets
 * back lies inside the datagram.
 *
 * Include after <stdarg.h>, <stddef.h>, <setjmp.h> and <cmocka.h>.
 */
#ifndef E911_TEST_UTIL_H
#define E911_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "e911/sip.h"

/* Array length of a table of input rows. */
#define TU_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Building blocks of inline test messages: the five required headers of a
 * request, and a whole INVITE with extra header lines (no body).
 */
#define VIA_H "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n"
#define FROM_H "From: \"Alice\" <sip:alice@example.com>;tag=9fxced76sl\r\n"
#define TO_H "To: <sip:911@example.com>\r\n"
#define CALLID_H "Call-ID: 3848276298220188511@192.0.2.1\r\n"
#define CSEQ_H "CSeq: 1 INVITE\r\n"
#define BASE_H VIA_H FROM_H TO_H CALLID_H
#define INVITE_L "INVITE sip:911@example.com SIP/2.0\r\n"
#define INVITE(extra) INVITE_L BASE_H CSEQ_H extra "\r\n"
/* The headers after a response's status line. */
#define RESP_REST BASE_H CSEQ_H "\r\n"

/* One input row of a whole-message table. */
struct tu_row {
	const char *text; /* the message (a C string) */
	int want;         /* SIP_E_*, or 0 for "parses" */
	const char *at;   /* on error: the bytes at err_off start with this (NULL: unchecked) */
	const char *what; /* the row's comment, printed when it fails */
};

/*
 * Parse each row; fail unless the status matches (and err_off points at
 * `at`); a message that parses must pass tu_check_msg.
 */
void tu_check_rows(const struct tu_row *rows, size_t n, const char *file, int line);
#define check_rows(rows) tu_check_rows((rows), TU_LEN(rows), __FILE__, __LINE__)

/*
 * Read a whole file into a test_malloc'd buffer (free it with test_free).
 * Returns NULL when the file does not exist; fails the test on other errors.
 */
char *tu_read_file(const char *path, uint32_t *len);

/* As tu_read_file, for dir "/" name. */
char *tu_read_in(const char *dir, const char *name, uint32_t *len);

/*
 * Copy len bytes so that the copy ends exactly at a PROT_NONE page, and
 * return the copy. There is one such area per process (up to 72 KiB): the copy
 * is valid until the next tu_guard_place / tu_parse call.
 */
const char *tu_guard_place(const void *bytes, uint32_t len);

/*
 * The same with an unreadable page right before the copy's first byte (for
 * reads before the start). A separate area, valid until the next call.
 */
const char *tu_guard_place_front(const void *bytes, uint32_t len);

/* sip_parse() of a copy placed by tu_guard_place (slices point into that copy). */
int tu_parse(const void *bytes, uint32_t len, struct sip_msg *m);
/* tu_parse of a C string (without its NUL). */
int tu_parse_str(const char *text, struct sip_msg *m);

/*
 * Run the on-demand helpers over every header of a successfully parsed
 * message (lists, name-addrs, URIs, dialled digits, parameters, Via,
 * Content-Type, multipart, sip_find_pidf) and fail unless every slice they
 * and sip_parse returned lies inside [m->buf, m->buf + m->len) and the digit
 * buffer is never written past its capacity. Their statuses may be anything.
 */
void tu_check_msg(const struct sip_msg *m, const char *file, int line);
#define assert_msg_sane(m) tu_check_msg((m), __FILE__, __LINE__)

/* Fail unless s is empty (any pointer) or lies inside [buf, buf + len). */
void tu_check_within(struct e911_slice s, const char *buf, uint32_t len, const char *what,
		     const char *file, int line);
#define assert_within(s, buf, len) tu_check_within((s), (buf), (len), #s, __FILE__, __LINE__)

/* Fail unless slice s holds exactly the bytes of the C string want. */
void tu_check_slice(struct e911_slice s, const char *want, const char *expr, const char *file,
		    int line);
#define assert_slice(s, want) tu_check_slice((s), (want), #s, __FILE__, __LINE__)

/* Fail unless got == want, naming both statuses (or lengths) on failure. */
void tu_check_status(int got, int want, const char *expr, const char *file, int line);
#define assert_status(got, want) tu_check_status((got), (want), #got, __FILE__, __LINE__)

/* Human-readable status: "E_VIA" for a negative one, "len 123" for a length. */
const char *tu_status(int rc, char buf[32]);

/* The parts a proxy splits on demand: Request-URI (requests), From, To. */
struct tu_split {
	struct sip_uri ruri;
	struct sip_name_addr from;
	struct sip_name_addr to;
};

/* Split them; fail the test unless every one splits. */
struct tu_split tu_split_msg(const struct sip_msg *m, const char *file, int line);
#define split_msg(m) tu_split_msg((m), __FILE__, __LINE__)

#endif /* E911_TEST_UTIL_H */
