/*
 * test_sip_via.c - Via entries (RFC 3261 §20.42, RFC 3581), which the proxy
 * splits on every message because responses are routed by them: every field
 * of sip_via (protocol, transport, host name/IPv4/IPv6, port, branch,
 * received with and without IPv6 brackets, rport bare and with a value,
 * maddr, ttl), several entries in one value and over several lines in order,
 * LWS and folding around / ; = , and :, malformed entries, and the entry
 * limits of sip_via_parse (cap) and sip_parse (SIP_MAX_VIAS).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

/* The expected fields of one entry (NULL slice = expected empty). */
struct via_want {
	const char *value;
	const char *protocol, *transport, *host;
	uint8_t kind;
	uint16_t port;
	const char *params, *branch, *received, *rport;
	uint8_t has_rport;
	const char *maddr, *ttl;
	const char *what;
};

#define OR_EMPTY(s) ((s) ? (s) : "")

static void check_via(const struct sip_via *v, const struct via_want *w)
{
	print_message("  via row: %s\n", w->what);
	assert_slice(v->protocol, w->protocol);
	assert_slice(v->transport, w->transport);
	assert_slice(v->host, w->host);
	assert_int_equal(v->host_kind, w->kind);
	assert_int_equal(v->port, w->port);
	assert_slice(v->params, OR_EMPTY(w->params));
	assert_slice(v->branch, OR_EMPTY(w->branch));
	assert_slice(v->received, OR_EMPTY(w->received));
	assert_slice(v->rport, OR_EMPTY(w->rport));
	assert_int_equal(v->has_rport, w->has_rport);
	assert_slice(v->maddr, OR_EMPTY(w->maddr));
	assert_slice(v->ttl, OR_EMPTY(w->ttl));
}

static void test_every_via_field_is_split(void **state)
{
	static const struct via_want rows[] = {
		{ "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds", "SIP/2.0", "UDP", "192.0.2.1",
		  SIP_HOST_IPV4, 5060, ";branch=z9hG4bK776asdhds", "z9hG4bK776asdhds", NULL, NULL, 0,
		  NULL, NULL, "IPv4 with port and branch" },
		{ "SIP/2.0/TCP client.example.com", "SIP/2.0", "TCP", "client.example.com", SIP_HOST_NAME,
		  0, NULL, NULL, NULL, NULL, 0, NULL, NULL, "host name, no port, no params" },
		{ "SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKx", "SIP/2.0", "TLS", "[2001:db8::1]",
		  SIP_HOST_IPV6, 5061, ";branch=z9hG4bKx", "z9hG4bKx", NULL, NULL, 0, NULL, NULL,
		  "IPv6 reference keeps its brackets" },
		{ "SIP/2.0/UDP h.example.com;received=192.0.2.7;rport=5062;branch=z9hG4bKa", "SIP/2.0",
		  "UDP", "h.example.com", SIP_HOST_NAME, 0, ";received=192.0.2.7;rport=5062;branch=z9hG4bKa",
		  "z9hG4bKa", "192.0.2.7", "5062", 1, NULL, NULL, "received and rport with a value" },
		{ "SIP/2.0/UDP h.example.com;rport;branch=z9hG4bKb", "SIP/2.0", "UDP", "h.example.com",
		  SIP_HOST_NAME, 0, ";rport;branch=z9hG4bKb", "z9hG4bKb", NULL, NULL, 1, NULL, NULL,
		  "bare rport (RFC 3581 request)" },
		{ "SIP/2.0/UDP [2001:db8::1];received=2001:db8::9;rport=1024", "SIP/2.0", "UDP",
		  "[2001:db8::1]", SIP_HOST_IPV6, 0, ";received=2001:db8::9;rport=1024", NULL,
		  "2001:db8::9", "1024", 1, NULL, NULL, "received IPv6 without brackets (RFC 5118)" },
		{ "SIP/2.0/UDP h;received=[2001:db8::9]", "SIP/2.0", "UDP", "h", SIP_HOST_NAME, 0,
		  ";received=[2001:db8::9]", NULL, "[2001:db8::9]", NULL, 0, NULL, NULL,
		  "received IPv6 with brackets" },
		{ "SIP/2.0/UDP 224.2.0.1:5060;maddr=224.2.0.1;ttl=16;branch=z9hG4bKm", "SIP/2.0", "UDP",
		  "224.2.0.1", SIP_HOST_IPV4, 5060, ";maddr=224.2.0.1;ttl=16;branch=z9hG4bKm", "z9hG4bKm",
		  NULL, NULL, 0, "224.2.0.1", "16", "maddr and ttl (multicast)" },
		{ "SIP/2.0/UDP h;BRANCH=z9hG4bKc;Received=192.0.2.4;RPORT", "SIP/2.0", "UDP", "h",
		  SIP_HOST_NAME, 0, ";BRANCH=z9hG4bKc;Received=192.0.2.4;RPORT", "z9hG4bKc", "192.0.2.4",
		  NULL, 1, NULL, NULL, "parameter names in any case" },
		{ "SIP/2.0/UDP h;x-unknown;branch=z9hG4bKu;foo=bar", "SIP/2.0", "UDP", "h", SIP_HOST_NAME,
		  0, ";x-unknown;branch=z9hG4bKu;foo=bar", "z9hG4bKu", NULL, NULL, 0, NULL, NULL,
		  "unknown parameters stay in params" },
		{ "SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw", "SIP  /   2.0", "UDP",
		  "192.0.2.2", SIP_HOST_IPV4, 0, ";branch=390skdjuw", "390skdjuw", NULL, NULL, 0, NULL,
		  NULL, "folded protocol (RFC 4475 §3.1.1.1)" },
		{ "SIP / 2.0 / UDP   h.example.com : 5060 ; branch = z9hG4bKd ; rport", "SIP / 2.0", "UDP",
		  "h.example.com", SIP_HOST_NAME, 5060, "; branch = z9hG4bKd ; rport", "z9hG4bKd", NULL,
		  NULL, 1, NULL, NULL, "LWS around / : ; =" },
		{ "sip/2.0/udp h", "sip/2.0", "udp", "h", SIP_HOST_NAME, 0, NULL, NULL, NULL, NULL, 0,
		  NULL, NULL, "lower case kept as written" },
		{ "SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en", "SIP/2.0", "UNKNOWN",
		  "t4.example.com", SIP_HOST_NAME, 0, ";branch=z9hG4bKasd0f3en", "z9hG4bKasd0f3en", NULL,
		  NULL, 0, NULL, NULL, "unknown transport (RFC 4475 §3.1.1.10)" },
		{ "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK", "SIP/2.0", "UDP", "192.0.2.1", SIP_HOST_IPV4, 0,
		  ";branch=z9hG4bK", "z9hG4bK", NULL, NULL, 0, NULL, NULL,
		  "branch that is only the cookie (RFC 4475 §3.2.1)" },
		{ "SIP/2.0/UDP h:65535", "SIP/2.0", "UDP", "h", SIP_HOST_NAME, 65535, NULL, NULL, NULL,
		  NULL, 0, NULL, NULL, "largest port" },
		{ "SIP/2.0/UDP 192.0.2", "SIP/2.0", "UDP", "192.0.2", SIP_HOST_NAME, 0, NULL, NULL,
		  NULL, NULL, 0, NULL, NULL, "three numbers: a name, not IPv4" },
		/* IPv4 by shape, with 16 bytes after the host (the vector test) and without. */
		{ "SIP/2.0/UDP 1.2.3.4;branch=z9hG4bK0123456789", "SIP/2.0", "UDP", "1.2.3.4", SIP_HOST_IPV4,
		  0, ";branch=z9hG4bK0123456789", "z9hG4bK0123456789", NULL, NULL, 0, NULL, NULL,
		  "shortest IPv4, bytes after it" },
		{ "SIP/2.0/UDP 255.255.255.255:1;branch=z9hG4bKq", "SIP/2.0", "UDP", "255.255.255.255",
		  SIP_HOST_IPV4, 1, ";branch=z9hG4bKq", "z9hG4bKq", NULL, NULL, 0, NULL, NULL, "longest IPv4" },
		{ "SIP/2.0/UDP 1.2.3.4.5;branch=z9hG4bK0123456789", "SIP/2.0", "UDP", "1.2.3.4.5",
		  SIP_HOST_NAME, 0, ";branch=z9hG4bK0123456789", "z9hG4bK0123456789", NULL, NULL, 0, NULL,
		  NULL, "five numbers: a name" },
		{ "SIP/2.0/UDP 1234.2.3.4;branch=z9hG4bK0123456789", "SIP/2.0", "UDP", "1234.2.3.4",
		  SIP_HOST_NAME, 0, ";branch=z9hG4bK0123456789", "z9hG4bK0123456789", NULL, NULL, 0, NULL,
		  NULL, "a run of four digits: a name" },
		{ "SIP/2.0/UDP 1.2..3.4;branch=z9hG4bK0123456789", "SIP/2.0", "UDP", "1.2..3.4",
		  SIP_HOST_NAME, 0, ";branch=z9hG4bK0123456789", "z9hG4bK0123456789", NULL, NULL, 0, NULL,
		  NULL, "an empty run: a name" },
		{ "SIP/2.0/UDP 1.2.3.4a", "SIP/2.0", "UDP", "1.2.3.4a", SIP_HOST_NAME, 0, NULL, NULL, NULL,
		  NULL, 0, NULL, NULL, "a letter at the end: a name" },
		{ "SIP/2.0/UDP 10.0.0.1", "SIP/2.0", "UDP", "10.0.0.1", SIP_HOST_IPV4, 0, NULL, NULL, NULL,
		  NULL, 0, NULL, NULL, "IPv4 at the end of the value" },
	};
	struct sip_via v[2];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		struct e911_slice value = { rows[i].value, (uint32_t)strlen(rows[i].value) };
		tu_check_status(sip_via_parse(value, v, 2), 1, rows[i].what, __FILE__, __LINE__);
		check_via(&v[0], &rows[i]);
		assert_slice(v[0].value, rows[i].value);
	}
}

static void test_entries_of_one_line_come_in_order(void **state)
{
	const char *text = "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5061"
			   ";branch=z9hG4bK2 ,SIP/2.0/SCTP c.example.com\r\n\t,  SIP/2.0/TLS [::1]";
	struct e911_slice value = { text, (uint32_t)strlen(text) };
	struct sip_via v[8];

	(void)state;
	assert_int_equal(sip_via_parse(value, v, 8), 4);
	assert_slice(v[0].host, "a.example.com");
	assert_slice(v[0].value, "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
	assert_slice(v[1].host, "b.example.com");
	assert_int_equal(v[1].port, 5061);
	assert_slice(v[1].branch, "z9hG4bK2");
	assert_slice(v[1].value, "SIP/2.0/TCP b.example.com:5061;branch=z9hG4bK2");
	assert_slice(v[2].transport, "SCTP");
	assert_slice(v[2].params, "");
	assert_slice(v[3].host, "[::1]");
	assert_int_equal(v[3].host_kind, SIP_HOST_IPV6);
}

static void test_wsinv_compact_via_holds_two_entries(void **state)
{
	/* RFC 4475 §3.1.1.1: LWS and folds around every separator. */
	const char *text = "SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,"
			   "\r\n SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239";
	struct e911_slice value = { text, (uint32_t)strlen(text) };
	struct sip_via v[2];

	(void)state;
	assert_int_equal(sip_via_parse(value, v, 2), 2);
	assert_slice(v[0].transport, "TCP");
	assert_slice(v[0].host, "spindle.example.com");
	assert_slice(v[0].branch, "z9hG4bK9ikj8");
	assert_slice(v[1].protocol, "SIP  /    2.0");
	assert_slice(v[1].transport, "UDP");
	assert_slice(v[1].host, "192.168.255.111");
	assert_slice(v[1].branch, "z9hG4bK30239");
}

static void test_via_lines_of_a_message_come_in_order(void **state)
{
	struct sip_msg m;
	const char *text = "SIP/2.0 200 OK\r\n"
			   "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bK1;received=192.0.2.9, "
			   "SIP/2.0/UDP p2.example.com;branch=z9hG4bK2\r\n"
			   FROM_H TO_H
			   "v: SIP/2.0/UDP uac.example.com:5070;branch=z9hG4bK3;rport=5071\r\n"
			   CALLID_H CSEQ_H "\r\n";

	(void)state;
	assert_status(tu_parse_str(text, &m), (int)strlen(text));
	assert_int_equal(m.nvia, 3);
	assert_slice(m.via[0].host, "p1.example.com");
	assert_slice(m.via[0].received, "192.0.2.9");
	assert_slice(m.via[1].host, "p2.example.com");
	assert_slice(m.via[2].host, "uac.example.com");
	assert_int_equal(m.via[2].port, 5070);
	assert_slice(m.via[2].rport, "5071");
	assert_int_equal(m.first[SIP_HDR_VIA], 1);
}

static void test_malformed_vias_are_rejected(void **state)
{
	static const struct {
		const char *value;
		const char *what;
	} rows[] = {
		{ "", "empty" },
		{ "SIP/2.0/UDP", "no sent-by" },
		{ "SIP/2.0/UDP ", "no sent-by, trailing SP" },
		{ "SIP/2.0/UDPh.example.com", "no LWS before the host" },
		{ "SIP/2.0 h.example.com", "no transport" },
		{ "SIP/UDP h.example.com", "no version" },
		{ "/2.0/UDP h.example.com", "no protocol name" },
		{ "SIP/2.0/ h.example.com", "empty transport" },
		{ "SIP/2.0/UDP h;;branch=z9hG4bK1", "\";;\" (RFC 4475 §3.1.2.1)" },
		{ "SIP/2.0/UDP 192.0.2.15;;,;,,", "badinv01's Via" },
		{ "SIP/2.0/UDP h;", "trailing ';'" },
		{ "SIP/2.0/UDP h;branch=", "empty parameter value" },
		{ "SIP/2.0/UDP h;=z9", "empty parameter name" },
		{ "SIP/2.0/UDP h;rport=", "rport with '=' and no value" },
		{ "SIP/2.0/UDP a,,SIP/2.0/UDP b", "\",,\"" },
		{ "SIP/2.0/UDP a, ,SIP/2.0/UDP b", "\", ,\"" },
		{ "SIP/2.0/UDP a,", "trailing ','" },
		{ ",SIP/2.0/UDP a", "leading ','" },
		{ "SIP/2.0/UDP h:0", "port 0" },
		{ "SIP/2.0/UDP h:65536", "port 65536" },
		{ "SIP/2.0/UDP h:99999999999", "port overflowing" },
		{ "SIP/2.0/UDP h:", "':' without a port" },
		{ "SIP/2.0/UDP h:abc", "port not a number" },
		{ "SIP/2.0/UDP h:5060x", "junk after the port" },
		{ "SIP/2.0/UDP h extra", "junk after the host" },
		{ "SIP/2.0/UDP h;branch=a b", "SP inside a parameter value" },
		{ "SIP/2.0/UDP h;branch=z9\"", "quote after a value" },
		{ "SIP/2.0/UDP h_x", "'_' in a host name" },
		{ "SIP/2.0/UDP [2001:db8::1", "unterminated IPv6 reference" },
		{ "SIP/2.0/UDP []", "empty IPv6 reference" },
		{ "SIP/2.0/UDP [2001:db8::g]", "non-hex in an IPv6 reference" },
		{ "SIP/2.0/UDP \xc3\xa9.example.com", "UTF-8 host" },
	};
	struct sip_via v[4];

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		struct e911_slice value = { rows[i].value, (uint32_t)strlen(rows[i].value) };
		tu_check_status(sip_via_parse(value, v, 4), SIP_E_VIA, rows[i].what, __FILE__, __LINE__);
	}
}

static void test_a_bad_via_fails_the_message_at_its_value(void **state)
{
	static const struct tu_row rows[] = {
		{ INVITE_L "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n" FROM_H TO_H CALLID_H CSEQ_H "\r\n", SIP_E_VIA, "SIP/2.0/UDP 192.0.2.15;;", "\";;\" in the only Via" },
		{ INVITE_L VIA_H FROM_H TO_H CALLID_H CSEQ_H "Via: SIP/2.0/UDP h:0\r\n\r\n", SIP_E_VIA, "SIP/2.0/UDP h:0", "a later Via line" },
		{ INVITE_L "Via:\r\n" FROM_H TO_H CALLID_H CSEQ_H "\r\n", SIP_E_VIA, "\r\n", "empty Via" },
	};

	(void)state;
	check_rows(rows);
}

static void test_sip_via_parse_stops_at_its_cap(void **state)
{
	const char *text = "SIP/2.0/UDP a, SIP/2.0/UDP b, SIP/2.0/UDP c";
	struct e911_slice value = { text, (uint32_t)strlen(text) };
	struct sip_via v[4];

	(void)state;
	memset(v, 0x5a, sizeof(v));
	assert_int_equal(sip_via_parse(value, v, 3), 3);
	assert_status(sip_via_parse(value, v, 2), SIP_E_TOO_MANY_VIAS);
	assert_status(sip_via_parse(value, v, 0), SIP_E_TOO_MANY_VIAS);
	/* Never a write past the cap. */
	memset(&v[2], 0x5a, sizeof(v[2]));
	assert_status(sip_via_parse(value, v, 2), SIP_E_TOO_MANY_VIAS);
	for (size_t i = 0; i < sizeof(v[2]); i++)
		assert_int_equal(((const unsigned char *)&v[2])[i], 0x5a);
}

/* A request with `lines` Via lines holding `per_line` entries each. */
static int build_vias(char *buf, size_t cap, unsigned lines, unsigned per_line)
{
	size_t n = (size_t)snprintf(buf, cap, "OPTIONS sip:a@example.com SIP/2.0\r\n");
	for (unsigned l = 0; l < lines; l++) {
		n += (size_t)snprintf(buf + n, cap - n, "Via: ");
		for (unsigned e = 0; e < per_line; e++)
			n += (size_t)snprintf(buf + n, cap - n, "%sSIP/2.0/UDP h%u-%u.example.com;branch=z9hG4bK%u",
					      e ? ", " : "", l, e, e);
		n += (size_t)snprintf(buf + n, cap - n, "\r\n");
	}
	n += (size_t)snprintf(buf + n, cap - n, FROM_H TO_H CALLID_H "CSeq: 1 OPTIONS\r\n\r\n");
	assert_true(n < cap);
	return (int)n;
}

static void test_too_many_via_entries_are_rejected(void **state)
{
	static const struct {
		unsigned lines, per_line;
		int ok;
		const char *what;
	} rows[] = {
		{ 1, 64, 1, "64 entries in one line: the limit" },
		{ 64, 1, 1, "64 lines of one entry" },
		{ 2, 32, 1, "two lines of 32" },
		{ 1, 65, 0, "65 entries in one line" },
		{ 65, 1, 0, "65 lines of one entry" },
		{ 5, 13, 0, "five lines of 13" },
	};
	static char buf[32768];
	struct sip_msg m;

	(void)state;
	for (size_t i = 0; i < TU_LEN(rows); i++) {
		int n = build_vias(buf, sizeof(buf), rows[i].lines, rows[i].per_line);
		int rc = tu_parse(buf, (uint32_t)n, &m);
		if (rows[i].ok) {
			tu_check_status(rc, n, rows[i].what, __FILE__, __LINE__);
			assert_int_equal(m.nvia, SIP_MAX_VIAS);
			char branch[32];
			snprintf(branch, sizeof(branch), "z9hG4bK%u", rows[i].per_line - 1);
			assert_slice(m.via[63].branch, branch);
			assert_msg_sane(&m);
		} else {
			tu_check_status(rc, SIP_E_TOO_MANY_VIAS, rows[i].what, __FILE__, __LINE__);
			assert_true(m.err_off < m.len);
			assert_memory_equal(m.buf + m.err_off, "SIP/2.0/UDP h", 13);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_via_field_is_split),
		cmocka_unit_test(test_entries_of_one_line_come_in_order),
		cmocka_unit_test(test_wsinv_compact_via_holds_two_entries),
		cmocka_unit_test(test_via_lines_of_a_message_come_in_order),
		cmocka_unit_test(test_malformed_vias_are_rejected),
		cmocka_unit_test(test_a_bad_via_fails_the_message_at_its_value),
		cmocka_unit_test(test_sip_via_parse_stops_at_its_cap),
		cmocka_unit_test(test_too_many_via_entries_are_rejected),
	};

	return cmocka_run_group_tests_name("sip_via", tests, NULL, NULL);
}
