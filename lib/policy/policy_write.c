/*
 * policy_write.c - writes a configuration back as a document of the same
 * format, for the control process to persist what operators changed over the
 * socket. Every value is written explicitly (defaults too), in the order of
 * the model, so that loading the result gives an equal configuration; text
 * is escaped for XML, and a string XML 1.0 cannot carry is refused rather
 * than written wrong. policy_config_save() persists atomically and only a
 * document that has just loaded back equal.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy_internal.h"

/* A growing output buffer with a sticky error. */
struct wbuf {
	char *p;
	size_t len;
	size_t cap;
	int err;
};

static void put(struct wbuf *w, const char *s, size_t n)
{
	char *grown;
	size_t cap;

	if (w->err)
		return;
	if (w->len + n + 1 > w->cap) {
		cap = w->cap ? w->cap : 4096;
		while (w->len + n + 1 > cap)
			cap *= 2;
		grown = realloc(w->p, cap);
		if (grown == NULL) {
			w->err = -ENOMEM;
			return;
		}
		w->p = grown;
		w->cap = cap;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
	w->p[w->len] = '\0';
}

static void puts_(struct wbuf *w, const char *s)
{
	put(w, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void putf(struct wbuf *w, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(w, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* The model holds something no document can say (a hand-built configuration). */
static void invalid(struct wbuf *w)
{
	if (w->err == 0)
		w->err = -EINVAL;
}

/* Text for an attribute value (in_attr) or element content. */
static void put_escaped(struct wbuf *w, const char *s, bool in_attr)
{
	if (s == NULL) {
		invalid(w);
		return;
	}
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		const char *rep = NULL;

		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			invalid(w); /* not an XML 1.0 character */
		else if (c == '&')
			rep = "&amp;";
		else if (c == '<')
			rep = "&lt;";
		else if (c == '>')
			rep = "&gt;";
		else if (c == '"' && in_attr)
			rep = "&quot;";
		else if (c == '\r') /* a parser turns a raw CR into LF, */
			rep = "&#13;";
		else if (c == '\t' && in_attr) /* and a raw tab or LF in a value into a space */
			rep = "&#9;";
		else if (c == '\n' && in_attr)
			rep = "&#10;";
		if (rep != NULL)
			puts_(w, rep);
		else
			put(w, s, 1);
	}
}

/* ` name="value"`; value must not be NULL. */
static void attr(struct wbuf *w, const char *name, const char *value)
{
	putf(w, " %s=\"", name);
	put_escaped(w, value, true);
	puts_(w, "\"");
}

static const char *address_text(struct wbuf *w, uint8_t family, const uint8_t address[16],
				char *buf, size_t len)
{
	if (family != E911_IPV4 && family != E911_IPV6) {
		invalid(w);
		return "";
	}
	return net_ntop(family, address, buf, len);
}

static const char *flag(bool b)
{
	return b ? "true" : "false";
}

static void write_route(struct wbuf *w, const struct e911_route *r)
{
	char text[64];

	puts_(w, "  <route");
	attr(w, "name", r->name);
	puts_(w, ">\n");
	for (uint32_t i = 0; i < r->gateway_count; i++) {
		const struct e911_gateway *g = &r->gateways[i];
		if (g->transport != E911_TRANSPORT_UDP)
			invalid(w);
		puts_(w, "    <gateway");
		attr(w, "address", address_text(w, g->family, g->address, text, sizeof(text)));
		putf(w, " port=\"%u\" transport=\"udp\" priority=\"%u\" weight=\"%u\"/>\n", g->port,
		     g->priority, g->weight);
	}
	puts_(w, "  </route>\n");
}

static void write_number(struct wbuf *w, const struct e911_config *c,
			 const struct e911_emergency_number *n)
{
	puts_(w, "    <emergency-number");
	attr(w, "dial-string", n->dial_string);
	if (n->dial_mask_count > 0) {
		puts_(w, " dial-masks=\"");
		for (uint32_t m = 0; m < n->dial_mask_count; m++) {
			puts_(w, m ? ";" : "");
			put_escaped(w, n->dial_masks[m], true);
		}
		puts_(w, "\"");
	}
	if (n->route >= c->route_count) {
		invalid(w);
		return;
	}
	attr(w, "route", c->routes[n->route].name);
	puts_(w, "/>\n");
}

static void write_text_element(struct wbuf *w, const char *name, const char *text)
{
	if (text == NULL)
		return;
	putf(w, "    <%s>", name);
	put_escaped(w, text, false);
	putf(w, "</%s>\n", name);
}

static void write_policy(struct wbuf *w, const struct e911_config *c, const struct e911_policy *p)
{
	static const char *const required[] = { "no", "yes", "disclaimer" };
	static const char *const modes[] = { "one-way", "two-way" };

	if ((unsigned)p->location_required > E911_LOCATION_DISCLAIMER ||
	    (unsigned)p->conference_mode > E911_CONFERENCE_TWO_WAY) {
		invalid(w);
		return;
	}
	puts_(w, "  <policy");
	attr(w, "name", p->name);
	if (p->tag != NULL)
		attr(w, "tag", p->tag);
	putf(w, "\n          enhanced-emergency-services=\"%s\"",
	     flag(p->enhanced_emergency_services_enabled));
	putf(w, " location-required=\"%s\"", required[p->location_required]);
	putf(w, "\n          use-location-for-e911-only=\"%s\"",
	     flag(p->use_location_for_e911_only));
	putf(w, " location-refresh-interval=\"%u\"", p->location_refresh_interval);
	if (p->conference_uri != NULL) {
		puts_(w, "\n         ");
		attr(w, "conference-uri", p->conference_uri);
		putf(w, " conference-mode=\"%s\"", modes[p->conference_mode]);
	}
	if (p->resource_priority != NULL) {
		puts_(w, "\n         ");
		attr(w, "resource-priority", p->resource_priority);
	}
	puts_(w, ">\n");
	write_text_element(w, "description", p->description);
	write_text_element(w, "disclaimer", p->disclaimer);
	for (uint32_t i = 0; i < p->notification_uri_count; i++) {
		puts_(w, "    <notification");
		attr(w, "uri", p->notification_uris[i]);
		puts_(w, "/>\n");
	}
	for (uint32_t i = 0; i < p->number_count; i++)
		write_number(w, c, &p->numbers[i]);
	puts_(w, "  </policy>\n");
}

static void write_site(struct wbuf *w, const struct e911_config *c, const struct e911_site *s)
{
	char text[64];

	if (s->policy >= c->policy_count) {
		invalid(w);
		return;
	}
	puts_(w, "  <site");
	attr(w, "name", s->name);
	attr(w, "policy", c->policies[s->policy].name);
	puts_(w, ">\n");
	for (uint32_t i = 0; i < s->subnet_count; i++) {
		const struct e911_subnet *n = &s->subnets[i];
		putf(w, "    <subnet prefix=\"%s/%u\"/>\n",
		     address_text(w, n->family, n->address, text, sizeof(text)), n->prefix_len);
	}
	puts_(w, "  </site>\n");
}

int policy_config_write(const struct e911_config *c, char **out, size_t *len)
{
	struct wbuf w = { 0 };

	*out = NULL;
	*len = 0;
	puts_(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<e911-config xmlns=\"" E911_CONFIG_NS "\"");
	attr(&w, "version", c->version);
	puts_(&w, ">\n");
	for (uint32_t i = 0; i < c->route_count; i++)
		write_route(&w, &c->routes[i]);
	for (uint32_t i = 0; i < c->policy_count; i++)
		write_policy(&w, c, &c->policies[i]);
	for (uint32_t i = 0; i < c->site_count; i++)
		write_site(&w, c, &c->sites[i]);
	for (uint32_t i = 0; i < c->user_count; i++) {
		if (c->users[i].policy >= c->policy_count) {
			invalid(&w);
			break;
		}
		puts_(&w, "  <user");
		attr(&w, "uri", c->users[i].uri);
		attr(&w, "policy", c->policies[c->users[i].policy].name);
		puts_(&w, "/>\n");
	}
	puts_(&w, "</e911-config>\n");
	if (w.err) {
		free(w.p);
		return w.err;
	}
	*out = w.p;
	*len = w.len;
	return 0;
}

/* Write all of buf to a new file and flush it to disk. */
static int write_synced(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int rc = 0;

	if (fd < 0)
		return -errno;
	while (len > 0 && rc == 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno != EINTR)
			rc = -errno;
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* fsync the directory holding path, so that a rename in it is durable. */
static int sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd, rc = 0;

	if (dir == NULL)
		return -ENOMEM;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The written text must load back into an equal configuration. */
static int verify(const struct e911_config *c, const char *text, size_t len, const char *path)
{
	struct e911_config *back;
	struct policy_errors errs;
	int rc = policy_config_load_buffer(text, len, path, &back, &errs);

	policy_errors_free(&errs);
	if (rc == 0 && !policy_config_equal(c, back))
		rc = -EIO;
	policy_config_free(back);
	return rc == -EFBIG ? -EINVAL : rc;
}

int policy_config_save(const struct e911_config *cfg, const char *path)
{
	char *text = NULL, *tmp = NULL;
	size_t len;
	int rc;

	rc = policy_config_write(cfg, &text, &len);
	if (rc == 0)
		rc = verify(cfg, text, len, path);
	if (rc == 0 && asprintf(&tmp, "%s.tmp", path) < 0) {
		tmp = NULL;
		rc = -ENOMEM;
	}
	if (rc == 0)
		rc = write_synced(tmp, text, len);
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc == 0)
		rc = sync_dir(path);
	else if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(text);
	return rc;
}
