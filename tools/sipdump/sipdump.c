/*
 * e911-sipdump - parse SIP messages from files with the dataplane's parser and
 * print what it found, one line per file: the method or status, Request-URI,
 * dialled digits, Call-ID, top Via branch, CSeq, Content-Length and where the
 * PIDF-LO part sits; or why the message is invalid and at which byte.
 *
 * Exit status: 0 every file parsed, 1 some file was invalid, 2 usage or I/O.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e911/sip.h"

struct field_writer {
	bool json;
	bool first;
};

static void put_json_string(const char *p, uint32_t len)
{
	putchar('"');
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void put_text(const char *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c >= 0x7f || c == '\\')
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void field_str(struct field_writer *w, const char *key, const char *p, uint32_t len)
{
	if (w->json) {
		printf("%s\"%s\":", w->first ? "" : ",", key);
		put_json_string(p, len);
	} else {
		printf(" %s=", key);
		put_text(p, len);
	}
	w->first = false;
}

static void field_slice(struct field_writer *w, const char *key, struct e911_slice s)
{
	field_str(w, key, s.p, s.len);
}

static void field_num(struct field_writer *w, const char *key, long long v)
{
	if (w->json)
		printf("%s\"%s\":%lld", w->first ? "" : ",", key, v);
	else
		printf(" %s=%lld", key, v);
	w->first = false;
}

static void print_ok(struct field_writer *w, const struct sip_msg *m)
{
	char digits[SIP_MAX_DIGITS];
	struct e911_slice pidf;

	field_str(w, "status", "ok", 2);
	if (m->kind == SIP_REQUEST) {
		struct sip_uri ruri;
		field_slice(w, "method", m->method_name);
		field_slice(w, "ruri", m->ruri_text);
		int n = sip_parse_request_uri(m, &ruri) == 0
				? sip_uri_dialled_digits(&ruri, digits, sizeof(digits))
				: SIP_E_REQUEST_URI;
		if (n > 0)
			field_str(w, "digits", digits, (uint32_t)n);
		else if (n == SIP_E_REQUEST_URI)
			field_str(w, "ruri_error", "malformed", 9);
		else if (ruri.scheme == SIP_SCHEME_URN)
			field_slice(w, "urn", ruri.urn_nss);
	} else {
		field_num(w, "code", m->status_code);
	}
	field_slice(w, "call_id", m->call_id);
	field_slice(w, "branch", m->via[0].branch);
	field_num(w, "cseq", m->cseq);
	field_slice(w, "cseq_method", m->cseq_method_name);
	field_num(w, "content_length", m->content_length);
	if (sip_find_pidf(m, &pidf) == 0) {
		field_num(w, "pidf_offset", pidf.p - m->buf);
		field_num(w, "pidf_length", pidf.len);
	}
}

/* Reads a whole file; one byte more than the parser takes, so "too large" shows. */
static char *read_file(const char *path, uint32_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = malloc(SIP_MAX_MSG_LEN + 1);
	size_t n = buf ? fread(buf, 1, SIP_MAX_MSG_LEN + 1, f) : 0;
	int err = ferror(f) || buf == NULL;
	fclose(f);
	if (err) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	*len = (uint32_t)n;
	return buf;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: e911-sipdump [--json] FILE...\n"
		     "Parse each FILE as one SIP message and print one line per file.\n"
		     "Exit status: 0 all parsed, 1 some invalid, 2 usage or I/O error.\n");
}

int main(int argc, char **argv)
{
	static struct sip_msg msg;
	struct field_writer w = { 0 };
	int first_file = 1, status = 0;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--json") == 0) {
		w.json = true;
		first_file = 2;
	}
	if (first_file >= argc) {
		usage(stderr);
		return 2;
	}
	for (int i = first_file; i < argc; i++) {
		uint32_t len;
		char *buf = read_file(argv[i], &len);
		if (buf == NULL) {
			fprintf(stderr, "e911-sipdump: %s: %s\n", argv[i], strerror(errno));
			status = 2;
			continue;
		}
		int rc = sip_parse(buf, len, &msg);
		w.first = true;
		if (w.json) {
			printf("{\"file\":");
			put_json_string(argv[i], (uint32_t)strlen(argv[i]));
			w.first = false;
		} else {
			printf("%s:", argv[i]);
		}
		if (rc >= 0) {
			print_ok(&w, &msg);
		} else {
			if (w.json) {
				field_str(&w, "status", "invalid", 7);
				field_str(&w, "reason", sip_status_name(rc), (uint32_t)strlen(sip_status_name(rc)));
				field_str(&w, "text", sip_status_text(rc), (uint32_t)strlen(sip_status_text(rc)));
				field_num(&w, "offset", msg.err_off);
			} else {
				printf(" invalid: %s (%s) at %u", sip_status_name(rc), sip_status_text(rc),
				       msg.err_off);
			}
			if (status == 0)
				status = 1;
		}
		puts(w.json ? "}" : "");
		free(buf);
	}
	return status;
}
