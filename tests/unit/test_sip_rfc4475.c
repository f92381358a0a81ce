/*
 * test_sip_rfc4475.c - RFC 4475, the SIP torture test messages, as data:
 * every row of CORPUS_DIR/rfc4475/INDEX.tsv and TEST_DATA_DIR/rfc4475/
 * INDEX.tsv (each read when present; together they hold the RFC's 49
 * section-3 messages). A message the RFC calls valid must parse, one it calls
 * invalid must fail with the reason listed below, except the deliberate
 * deviations of a stateless proxy, listed with their reasons in
 * `deviations`. Every prefix of every message is parsed against a guard page.
 * Per-message field checks of the valid ones are in test_sip_rfc4475_fields.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "test_rfc4475.h"

/*
 * Where this parser departs from the RFC's verdict, on purpose. A stateless
 * proxy splits only what it routes by; it forwards the rest unchanged.
 */
static const struct {
	const char *name;
	const char *rfc;    /* what INDEX.tsv says */
	const char *parser; /* what sip_parse does */
	const char *why;
} deviations[] = {
	{ "badaspec", "invalid", "accepted",
	  "§3.1.2.14 SP inside <> of To: the proxy never splits the To URI, and the RFC lets a "
	  "liberal element ignore the spaces; the value is forwarded byte for byte" },
	{ "baddate", "invalid", "accepted",
	  "§3.1.2.12 Date with EST: the proxy never reads Date; the RFC says an element should not "
	  "reject unless the Date matters to it" },
	{ "regbadct", "invalid", "accepted",
	  "§3.1.2.13 unbracketed Contact with ?headers: Contact is split only on demand (the proxy "
	  "does not register), so the line is forwarded unchanged; a registrar would reject it" },
};

/*
 * The reason each invalid message is rejected with, and where err_off points
 * (for quotbal, escruri and baddn the split of To, the Request-URI or From
 * rejects it, and there is no offset).
 */
static const struct {
	const char *name;
	int status;
	const char *at; /* the bytes at err_off start with this */
} reasons[] = {
	{ "badinv01", SIP_E_VIA, "SIP/2.0/UDP 192.0.2.15;;" },   /* ";;,;,," in Via */
	{ "clerr", SIP_E_BODY_TRUNCATED, "" },                   /* at the end: 9999 bytes due */
	{ "ncl", SIP_E_CONTENT_LENGTH, "-999" },                 /* negative length */
	{ "scalar02", SIP_E_CSEQ, "36893488147419103232" },      /* CSeq > 2^32-1 */
	{ "scalarlg", SIP_E_CSEQ, "9292394834772304023312" },    /* in a response too */
	{ "quotbal", SIP_E_TO, "\"Mr. J. User <" },              /* unterminated quote */
	{ "ltgtruri", SIP_E_REQUEST_URI, "<sip:" },              /* <> around the URI */
	{ "lwsruri", SIP_E_REQUEST_URI, " lr SIP/2.0" },         /* SP inside the URI */
	{ "escruri", SIP_E_REQUEST_URI, "Route=" },              /* ?headers in the URI */
	{ "badvers", SIP_E_VERSION, "SIP/7.0\r\n" },             /* answer 505 */
	{ "mismatch01", SIP_E_CSEQ_METHOD, "INVITE\r\n" },       /* OPTIONS vs CSeq INVITE */
	{ "mismatch02", SIP_E_CSEQ_METHOD, "INVITE\r\n" },       /* NEWMETHOD vs CSeq INVITE */
	{ "insuf", SIP_E_MISSING_HEADER, "v=0" },                /* no Call-ID, From, To */
	{ "lwsstart", SIP_E_START_LINE, " sip:" },               /* two SP after the method */
	{ "trws", SIP_E_START_LINE, "  \r\n" },                  /* two SP after the version */
	{ "baddn", SIP_E_TRUNCATED, "" },                        /* as archived: no empty line (its
	                                                            display name: see below) */
	{ "bigcode", SIP_E_STATUS_CODE, "4294967301" },          /* status beyond 699 and 2^32 */
	{ "multi01", SIP_E_DUP_HEADER, "CSeq: 59 INVITE" },     /* first repeated field */
	{ "mcl01", SIP_E_DUP_HEADER, "Content-Length: 5" },     /* two Content-Length */
};

static struct rfc4475 corpus;

static int load(void **state)
{
	(void)state;
	rfc4475_load(&corpus);
	return 0;
}

static int unload(void **state)
{
	(void)state;
	rfc4475_free(&corpus);
	return 0;
}

static const char *deviation_of(const char *name)
{
	for (size_t i = 0; i < TU_LEN(deviations); i++)
		if (strcmp(deviations[i].name, name) == 0)
			return deviations[i].parser;
	return NULL;
}

static void test_the_index_holds_the_whole_rfc(void **state)
{
	(void)state;
	if (corpus.n == 0)
		skip();
	print_message("  %u messages from %u of 2 index files%s\n", corpus.n, corpus.indexes,
		      corpus.indexes < 2 ? " (the other is absent: read when present)" : "");
	/* No message is listed twice, and each has a verdict. */
	for (unsigned i = 0; i < corpus.n; i++) {
		const struct rfc4475_msg *a = &corpus.msg[i];
		assert_true(strcmp(a->expected, "valid") == 0 || strcmp(a->expected, "invalid") == 0);
		for (unsigned k = i + 1; k < corpus.n; k++)
			assert_string_not_equal(a->name, corpus.msg[k].name);
	}
	/* Section 3 of RFC 4475 has 49 messages (3.1.1.1-13, 3.1.2.1-19, 3.2.1, 3.3.1-15, 3.4.1). */
	if (corpus.indexes == 2)
		assert_int_equal(corpus.n, 49);
	/* Each deviation names a message and says the opposite of its index. */
	for (size_t i = 0; i < TU_LEN(deviations); i++) {
		const struct rfc4475_msg *msg = rfc4475_find(&corpus, deviations[i].name);
		if (msg)
			assert_string_equal(msg->expected, deviations[i].rfc);
	}
}

/*
 * The verdict of a proxy: sip_parse(), then the splits it makes of every
 * request it forwards (Request-URI, From, To; RFC 3261 §16.3 leaves the
 * other components alone). *on_demand says the error came from a split, which
 * has no err_off.
 */
static int proxy_verdict(const struct sip_msg *m, int rc, bool *on_demand)
{
	struct sip_uri uri;
	struct sip_name_addr na;
	int split;

	*on_demand = false;
	if (rc < 0)
		return rc;
	if ((m->kind == SIP_REQUEST && (split = sip_parse_request_uri(m, &uri)) < 0) ||
	    (split = sip_parse_from(m, &na)) < 0 || (split = sip_parse_to(m, &na)) < 0) {
		*on_demand = true;
		return split;
	}
	return rc;
}

static void test_every_message_gets_its_verdict(void **state)
{
	struct sip_msg m;

	(void)state;
	if (corpus.n == 0)
		skip();
	for (unsigned i = 0; i < corpus.n; i++) {
		const struct rfc4475_msg *msg = &corpus.msg[i];
		bool on_demand;
		int rc = proxy_verdict(&m, tu_parse(msg->data, msg->len, &m), &on_demand);
		const char *dev = deviation_of(msg->name);
		bool want_ok = dev ? strcmp(dev, "accepted") == 0 : strcmp(msg->expected, "valid") == 0;
		char got[32];

		if (want_ok != (rc >= 0)) {
			print_error("%s (%s, %s): RFC says %s%s, parser says %s at %u\n", msg->name,
				    msg->section, msg->index, msg->expected, dev ? " (deviation)" : "",
				    tu_status(rc, got), m.err_off);
			fail();
		}
		if (rc >= 0) {
			assert_int_equal((uint32_t)rc, m.msg_len);
			assert_msg_sane(&m);
			continue;
		}
		bool listed = false;
		for (size_t k = 0; k < TU_LEN(reasons); k++) {
			if (strcmp(reasons[k].name, msg->name) != 0)
				continue;
			listed = true;
			tu_check_status(rc, reasons[k].status, msg->name, __FILE__, __LINE__);
			if (on_demand)
				continue; /* a split has no err_off */
			size_t n = strlen(reasons[k].at);
			assert_true(m.err_off + n <= m.len);
			if (memcmp(m.buf + m.err_off, reasons[k].at, n) != 0) {
				print_error("%s: err_off %u is not at \"%s\"\n", msg->name, m.err_off,
					    reasons[k].at);
				fail();
			}
		}
		/* An invalid message added to an index later needs only to be rejected. */
		if (!listed)
			print_message("  %s: rejected with %s (no reason listed)\n", msg->name,
				      tu_status(rc, got));
	}
}

static void test_baddn_is_rejected_for_its_display_name_alone(void **state)
{
	/* The archive's baddn lacks the empty line (see tests/data/rfc4475/README.md). */
	const struct rfc4475_msg *msg = rfc4475_find(&corpus, "baddn");
	static char buf[1024];
	struct sip_msg m;

	(void)state;
	if (msg == NULL)
		skip();
	assert_true(msg->len + 2 <= sizeof(buf));
	memcpy(buf, msg->data, msg->len);
	memcpy(buf + msg->len, "\r\n", 2);
	assert_true(tu_parse(buf, msg->len + 2, &m) > 0);
	struct sip_name_addr from;
	assert_status(sip_parse_from(&m, &from), SIP_E_FROM);
}

static void test_every_prefix_of_every_message_is_safe(void **state)
{
	struct sip_msg m;
	unsigned parses = 0;

	(void)state;
	if (corpus.n == 0)
		skip();
	for (unsigned i = 0; i < corpus.n; i++) {
		const struct rfc4475_msg *msg = &corpus.msg[i];
		for (uint32_t k = 0; k <= msg->len; k++, parses++) {
			int rc = sip_parse(tu_guard_place(msg->data, k), k, &m);
			if (rc >= 0) {
				assert_true((uint32_t)rc <= k);
				assert_msg_sane(&m);
			} else {
				assert_true(m.err_off <= k);
			}
			/* And against a guard page before the first byte. */
			if (sip_parse(tu_guard_place_front(msg->data, k), k, &m) >= 0)
				assert_msg_sane(&m);
		}
	}
	print_message("  %u prefixes parsed twice\n", parses);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_index_holds_the_whole_rfc),
		cmocka_unit_test(test_every_message_gets_its_verdict),
		cmocka_unit_test(test_baddn_is_rejected_for_its_display_name_alone),
		cmocka_unit_test(test_every_prefix_of_every_message_is_safe),
	};

	return cmocka_run_group_tests_name("sip_rfc4475", tests, load, unload);
}
