/*
 * ctl_config.c - configuration changes: pushed to the dataplane first, made
 * the running configuration and written to the file only when the dataplane
 * runs them (or kept for it while it is away), so the file, this process and
 * the dataplane never disagree for longer than one answer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "ctl_desk.h"

struct apply_job {
	struct ctl *c;
	struct e911_config *cfg;
	bool save;
	ctl_applied_fn fn;
	uint64_t arg;
};

/* Keep the file we replace as PATH.bak (a hard link to its inode: the
 * rename in policy_config_save() leaves that inode as it was). */
static int save_with_backup(const char *path, const struct e911_config *cfg)
{
	char bak[4096];
	if (snprintf(bak, sizeof(bak), "%s.bak", path) < (int)sizeof(bak)) {
		unlink(bak);
		if (link(path, bak) != 0 && errno != ENOENT)
			fprintf(stderr, "e911-control: cannot keep %s: %s\n", bak, strerror(errno));
	}
	return policy_config_save(cfg, path);
}

/* Make cfg the running configuration; the file follows when asked. */
static void adopt(struct ctl *c, struct e911_config *cfg, bool save, char *why, size_t whylen)
{
	why[0] = '\0';
	if (save) {
		int rc = save_with_backup(c->opt.config_path, cfg);
		if (rc != 0)
			snprintf(why, whylen, "; but it could not be written to %s: %s", c->opt.config_path,
				 strerror(-rc));
	}
	policy_config_free(c->config);
	c->config = cfg;
	if (gateways_rebuild(&c->gateways, cfg) != 0)
		ctl_log(c, "event=gateways result=stale reason=\"out of memory\"");
	/* Whoever asked (a command, SIGHUP): the desk pings the new gateways, the dataplane
	 * hears which are down. */
	desk_config_running(c);
}

static void parse_version(struct ctl *c, const char *line)
{
	unsigned long long v;
	char cv[E911_NAME_MAX + 1];
	if (sscanf(line, "ok version=%llu config=%64s", &v, cv) >= 1) {
		c->dp_snapshot = v;
		snprintf(c->dp_config_version, sizeof(c->dp_config_version), "%s",
			 strstr(line, "config=") ? cv : "");
	}
}

static void applied(void *arg, const char *line)
{
	struct apply_job *j = arg;
	struct ctl *c = j->c;
	char text[CONTROL_TEXT_MAX], why[512];
	c->applying = false;
	if (!line) { /* the channel dropped: the dataplane gets it when it is back */
		adopt(c, j->cfg, j->save, why, sizeof(why));
		snprintf(text, sizeof(text), "the dataplane went away; it gets this configuration when it is back%s", why);
		ctl_log(c, "event=config result=kept reason=\"dataplane away\"");
		if (j->fn)
			j->fn(c, j->arg, 1, text);
	} else if (strncmp(line, "ok ", 3) == 0) {
		parse_version(c, line);
		adopt(c, j->cfg, j->save, why, sizeof(why));
		snprintf(text, sizeof(text), "%s%s", line + 3, why);
		ctl_log(c, "event=config result=running snapshot=%llu config=%s",
			(unsigned long long)c->dp_snapshot, c->dp_config_version);
		if (j->fn)
			j->fn(c, j->arg, 0, text);
	} else {
		policy_config_free(j->cfg);
		snprintf(text, sizeof(text), "the dataplane refused it: %s",
			 strncmp(line, "error ", 6) == 0 ? line + 6 : line);
		ctl_log(c, "event=config result=refused");
		if (j->fn)
			j->fn(c, j->arg, -1, text);
	}
	free(j);
}

/* Send cfg as a "config" request. @return 0, or a negative errno (nothing sent). */
static int push(struct ctl *c, const struct e911_config *cfg, dplink_answer_fn fn, void *arg)
{
	char *xml;
	size_t len;
	int rc = policy_config_write(cfg, &xml, &len);
	if (rc != 0)
		return rc;
	char line[64];
	snprintf(line, sizeof(line), "config %zu", len);
	rc = dplink_request(c->link, line, xml, len, fn, arg);
	free(xml);
	return rc;
}

void ctl_apply(struct ctl *c, struct e911_config *cfg, bool save, ctl_applied_fn fn, uint64_t arg)
{
	char text[CONTROL_TEXT_MAX], why[512];
	struct apply_job *j = malloc(sizeof(*j));
	if (!j) {
		policy_config_free(cfg);
		if (fn)
			fn(c, arg, -1, "out of memory");
		return;
	}
	*j = (struct apply_job){ c, cfg, save, fn, arg };
	int rc = dplink_connected(c->link) ? push(c, cfg, applied, j) : -ENOTCONN;
	if (rc == 0) {
		c->applying = true;
		return;
	}
	free(j);
	if (rc == -ENOTCONN) {
		adopt(c, cfg, save, why, sizeof(why));
		snprintf(text, sizeof(text), "the dataplane is not connected; it gets this configuration when it is back%s", why);
		ctl_log(c, "event=config result=kept reason=\"dataplane not connected\"");
		if (fn)
			fn(c, arg, 1, text);
		return;
	}
	policy_config_free(cfg);
	snprintf(text, sizeof(text), "cannot send the configuration: %s", strerror(-rc));
	if (fn)
		fn(c, arg, -1, text);
}

static void resynced(void *arg, const char *line)
{
	struct ctl *c = arg;
	c->applying = false;
	if (line && strncmp(line, "ok ", 3) == 0) {
		parse_version(c, line);
		ctl_log(c, "event=resync result=running snapshot=%llu config=%s",
			(unsigned long long)c->dp_snapshot, c->dp_config_version);
		desk_config_running(c);
	} else if (line) {
		ctl_log(c, "event=resync result=refused reason=\"%.200s\"", line);
	}
}

void ctl_resync(struct ctl *c)
{
	int rc = push(c, c->config, resynced, c);
	if (rc == 0)
		c->applying = true;
	else
		ctl_log(c, "event=resync result=failed reason=\"%s\"", strerror(-rc));
}

int ctl_reload(struct ctl *c, char **errs, ctl_applied_fn fn, uint64_t arg)
{
	struct e911_config *cfg;
	struct policy_errors pe;
	*errs = NULL;
	if (policy_config_load_file(c->opt.config_path, &cfg, &pe) != 0) {
		size_t len = 0;
		FILE *f = open_memstream(errs, &len);
		for (uint32_t i = 0; f && i < pe.count; i++)
			fprintf(f, "%s\n", pe.items[i].text);
		if (f && pe.dropped)
			fprintf(f, "... and %u more\n", pe.dropped);
		if (f)
			fclose(f);
		policy_errors_free(&pe);
		ctl_log(c, "event=reload result=refused file=%s", c->opt.config_path);
		return -1;
	}
	policy_errors_free(&pe);
	ctl_apply(c, cfg, false, fn, arg);
	return 0;
}
