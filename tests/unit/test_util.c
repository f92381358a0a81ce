/*
 * test_util.c - the helpers of test_util.h: data files, the guard page, slice
 * and status assertions, and tu_check_msg(), the oracle that runs every
 * on-demand parser helper over a message and checks that nothing it returns
 * points outside the datagram (used by the prefix, mutation and RFC 4475
 * tests).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "test_util.h"

#define GUARD_AREA (72u * 1024u)

char *tu_read_file(const char *path, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		if (errno == ENOENT)
			return NULL;
		print_error("cannot open %s: %s\n", path, strerror(errno));
		fail();
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	assert_true(size >= 0 && size < (long)UINT32_MAX);
	rewind(f);
	char *data = test_malloc((size_t)size + 1);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	data[size] = '\0'; /* for strstr in tests; never part of the datagram */
	*len = (uint32_t)size;
	return data;
}

char *tu_read_in(const char *dir, const char *name, uint32_t *len)
{
	char path[4096];
	assert_true(snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path));
	return tu_read_file(path, len);
}

const char *tu_guard_place(const void *bytes, uint32_t len)
{
	static char *area;

	if (area == NULL) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		size_t size = (GUARD_AREA + page - 1) / page * page;
		char *base = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(base != MAP_FAILED);
		assert_int_equal(mprotect(base + size, page, PROT_NONE), 0);
		area = base + size; /* the first unreadable byte */
	}
	assert_true(len <= GUARD_AREA);
	char *dst = area - len;
	if (len > 0)
		memcpy(dst, bytes, len);
	return dst;
}

const char *tu_guard_place_front(const void *bytes, uint32_t len)
{
	static char *area;

	if (area == NULL) {
		size_t page = (size_t)sysconf(_SC_PAGESIZE);
		size_t size = (GUARD_AREA + page - 1) / page * page;
		char *base = mmap(NULL, size + page, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		assert_true(base != MAP_FAILED);
		assert_int_equal(mprotect(base, page, PROT_NONE), 0);
		area = base + page; /* right after the unreadable page */
	}
	assert_true(len <= GUARD_AREA);
	if (len > 0)
		memcpy(area, bytes, len);
	return area;
}

int tu_parse(const void *bytes, uint32_t len, struct sip_msg *m)
{
	return sip_parse(tu_guard_place(bytes, len), len, m);
}

int tu_parse_str(const char *text, struct sip_msg *m)
{
	return tu_parse(text, (uint32_t)strlen(text), m);
}

const char *tu_status(int rc, char buf[32])
{
	if (rc < 0)
		snprintf(buf, 32, "%s", sip_status_name(rc));
	else
		snprintf(buf, 32, "%s %d", rc == 0 ? "OK" : "len", rc);
	return buf;
}

void tu_check_status(int got, int want, const char *expr, const char *file, int line)
{
	char a[32], b[32];

	if (got == want)
		return;
	print_error("%s: got %s, want %s\n", expr, tu_status(got, a), tu_status(want, b));
	_fail(file, line);
}

/* Print up to 120 bytes of s, escaping what is not printable. */
static void print_escaped(const char *label, const char *p, uint32_t len)
{
	char out[512];
	size_t n = 0;

	for (uint32_t i = 0; i < len && i < 120; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, sizeof(out) - n, "\\x%02x", c);
	}
	out[n] = '\0';
	print_error("  %s (%u bytes): \"%s\"%s\n", label, len, out, len > 120 ? "..." : "");
}

void tu_check_slice(struct e911_slice s, const char *want, const char *expr, const char *file,
		    int line)
{
	uint32_t n = (uint32_t)strlen(want);

	if (s.len == n && (n == 0 || memcmp(s.p, want, n) == 0))
		return;
	print_error("%s differs\n", expr);
	print_escaped("got ", s.p, s.p ? s.len : 0);
	print_escaped("want", want, n);
	_fail(file, line);
}

void tu_check_within(struct e911_slice s, const char *buf, uint32_t len, const char *what,
		     const char *file, int line)
{
	if (s.len == 0)
		return;
	if (s.p >= buf && s.p <= buf + len && s.len <= (uint32_t)(buf + len - s.p))
		return;
	print_error("%s = {%p, %u} is outside the datagram {%p, %u}\n", what, (const void *)s.p,
		    s.len, (const void *)buf, len);
	_fail(file, line);
}

/* The oracle's state: where the datagram is and where to report. */
struct oracle {
	const char *buf;
	uint32_t len;
	const char *file;
	int line;
};

#define WITHIN(o, s) tu_check_within((s), (o)->buf, (o)->len, #s, (o)->file, (o)->line)

static void check_uri(const struct oracle *o, const struct sip_uri *u)
{
	WITHIN(o, u->whole);
	WITHIN(o, u->scheme_name);
	WITHIN(o, u->user);
	WITHIN(o, u->password);
	WITHIN(o, u->host);
	WITHIN(o, u->params);
	WITHIN(o, u->headers);
	WITHIN(o, u->user_param);
	WITHIN(o, u->transport);
	WITHIN(o, u->maddr);
	WITHIN(o, u->phone_context);
	WITHIN(o, u->urn_nss);

	/* The one write the parser does: never past cap, never a NUL after. */
	char digits[SIP_MAX_DIGITS + 8];
	memset(digits, 0xa5, sizeof(digits));
	int rc = sip_uri_dialled_digits(u, digits, SIP_MAX_DIGITS);
	bool overrun = false;
	for (size_t i = SIP_MAX_DIGITS; i < sizeof(digits); i++)
		overrun |= (unsigned char)digits[i] != 0xa5;
	if (rc > (int)SIP_MAX_DIGITS || rc == 0 || overrun) {
		print_error("dialled digits of \"%.*s\": %d%s\n", SLICE_ARG(u->whole), rc,
			    overrun ? ", written past cap" : "");
		_fail(o->file, o->line);
	}
}

static void check_via(const struct oracle *o, const struct sip_via *v)
{
	WITHIN(o, v->value);
	WITHIN(o, v->protocol);
	WITHIN(o, v->transport);
	WITHIN(o, v->host);
	WITHIN(o, v->params);
	WITHIN(o, v->branch);
	WITHIN(o, v->received);
	WITHIN(o, v->rport);
	WITHIN(o, v->maddr);
	WITHIN(o, v->ttl);
}

static void check_name_addr(const struct oracle *o, const struct sip_name_addr *na, bool split_uri)
{
	WITHIN(o, na->display);
	WITHIN(o, na->uri);
	WITHIN(o, na->params);
	WITHIN(o, na->tag);
	if (!split_uri || na->star)
		return;
	struct sip_uri u;
	if (sip_uri_parse(na->uri, &u) == 0)
		check_uri(o, &u);
	struct e911_slice v = { NULL, 0 };
	if (sip_param_find(na->params, SLICE_LIT("purpose"), &v) == 1)
		WITHIN(o, v);
}

/* Walk a value as a list; each element as a name-addr. */
static void check_list(const struct oracle *o, struct e911_slice value)
{
	uint32_t cursor = 0;
	struct e911_slice elem;
	int rc;

	for (unsigned n = 0; (rc = sip_list_next(value, &cursor, &elem)) == 1; n++) {
		if (n > value.len)
			_fail(o->file, o->line); /* no progress: an endless list */
		WITHIN(o, elem);
		struct sip_name_addr na;
		if (sip_name_addr_parse(elem, &na) == 0)
			check_name_addr(o, &na, true);
	}
	if (rc != 0 && rc != SIP_E_LIST)
		_fail(o->file, o->line);
}

static void check_body(const struct oracle *o, const struct sip_msg *m)
{
	const struct sip_header *h = sip_hdr_first(m, SIP_HDR_CONTENT_TYPE);
	struct sip_content_type ct;

	if (h && sip_content_type_parse(h->value, &ct) == 0) {
		WITHIN(o, ct.type);
		WITHIN(o, ct.subtype);
		WITHIN(o, ct.params);
		WITHIN(o, ct.boundary);
		struct sip_body_part part;
		uint32_t cursor = 0;
		for (unsigned n = 0; sip_multipart_next(m->body, ct.boundary, &cursor, &part) == 1; n++) {
			if (n > m->body.len)
				_fail(o->file, o->line);
			WITHIN(o, part.headers);
			WITHIN(o, part.content_type);
			WITHIN(o, part.content_id);
			WITHIN(o, part.body);
		}
	}
	struct e911_slice pidf = { NULL, 0 };
	if (sip_find_pidf(m, &pidf) == 0)
		WITHIN(o, pidf);
}

void tu_check_msg(const struct sip_msg *m, const char *file, int line)
{
	const struct oracle ob = { m->buf, m->len, file, line }, *o = &ob;

	if (m->msg_len > m->len || m->hdr_len > m->msg_len || m->body.p != m->buf + m->hdr_len ||
	    m->body.len != m->msg_len - m->hdr_len) {
		print_error("framing: len %u msg_len %u hdr_len %u body %u\n", m->len, m->msg_len,
			    m->hdr_len, m->body.len);
		_fail(file, line);
	}
	WITHIN(o, m->method_name);
	WITHIN(o, m->ruri_text);
	WITHIN(o, m->reason);
	WITHIN(o, m->call_id);
	WITHIN(o, m->cseq_method_name);
	/* The on-demand splits: when they succeed, every slice lies inside the datagram. */
	struct sip_uri ruri;
	struct sip_name_addr na;
	if (m->kind == SIP_REQUEST && sip_parse_request_uri(m, &ruri) == 0)
		check_uri(o, &ruri);
	if (sip_parse_from(m, &na) == 0)
		check_name_addr(o, &na, true);
	if (sip_parse_to(m, &na) == 0)
		check_name_addr(o, &na, true);
	if (m->nhdr > SIP_MAX_HEADERS || m->nvia > SIP_MAX_VIAS || m->nvia == 0)
		_fail(file, line);
	for (unsigned i = 0; i < m->nvia; i++)
		check_via(o, &m->via[i]);
	for (unsigned i = 0; i < m->nhdr; i++) {
		const struct sip_header *h = &m->hdr[i];
		WITHIN(o, h->name);
		WITHIN(o, h->value);
		if (h->id == SIP_HDR_VIA) {
			struct sip_via vias[SIP_MAX_VIAS];
			int n = sip_via_parse(h->value, vias, SIP_MAX_VIAS);
			for (int k = 0; k < n; k++)
				check_via(o, &vias[k]);
		} else {
			check_list(o, h->value);
		}
	}
	check_body(o, m);
}

void tu_check_rows(const struct tu_row *rows, size_t n, const char *file, int line)
{
	struct sip_msg m;

	for (size_t i = 0; i < n; i++) {
		int rc = tu_parse_str(rows[i].text, &m);
		tu_check_status(rc < 0 ? rc : 0, rows[i].want, rows[i].what, file, line);
		if (rc >= 0) {
			tu_check_msg(&m, file, line);
			continue;
		}
		if (m.err_off > m.len)
			_fail(file, line);
		size_t want = rows[i].at ? strlen(rows[i].at) : 0, left = m.len - m.err_off;
		if (rows[i].at && (want > left || memcmp(m.buf + m.err_off, rows[i].at, want) != 0)) {
			print_error("%s: err_off %u points at \"%.*s\", want \"%s\"\n", rows[i].what,
				    m.err_off, (int)(left < 20 ? left : 20), m.buf + m.err_off, rows[i].at);
			_fail(file, line);
		}
	}
}

struct tu_split tu_split_msg(const struct sip_msg *m, const char *file, int line)
{
	struct tu_split v;

	memset(&v, 0, sizeof(v));
	if ((m->kind == SIP_REQUEST && sip_parse_request_uri(m, &v.ruri) != 0) ||
	    sip_parse_from(m, &v.from) != 0 || sip_parse_to(m, &v.to) != 0) {
		print_error("Request-URI, From or To does not split\n");
		_fail(file, line);
	}
	return v;
}
