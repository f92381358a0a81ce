/*
 * cmd_internal.h - shared by the files of control/command/.
 */
#ifndef E911_CMD_INTERNAL_H
#define E911_CMD_INTERNAL_H

#include <libxml/tree.h>
#include <stdarg.h>

#include "e911/command.h"

struct cmd {
	const struct e911_config *cfg;
	char *w[CTL_MAX_WORDS]; /* the words, NUL-terminated */
	unsigned n;
	struct ctl_result *res;
};

/* cmd_words.c: split a line. @return 0, or -1 with res set to the error. */
int cmd_split(struct cmd *c, const char *line, size_t len, char *store);

/* Results. */
enum ctl_kind cmd_error(struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum ctl_kind cmd_text(struct cmd *c, char *text); /* takes text (NULL: out of memory) */

/* cmd_edit.c: the configuration as a document to edit. */
struct edit {
	xmlDocPtr doc;
	xmlNodePtr root;
};
int edit_open(struct cmd *c, struct edit *e);  /* -1: error set */
void edit_close(struct edit *e);
/* Check the edited document with the loader; CTL_CHANGE with what (printf) or CTL_ERROR. Closes e. */
enum ctl_kind edit_commit(struct cmd *c, struct edit *e, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The element `name` under parent whose attribute attr equals value, or NULL. */
xmlNodePtr edit_find(xmlNodePtr parent, const char *name, const char *attr, const char *value);
/* A new child `name` of parent: before the first child named one of `before` (NULL-ended), else last. */
xmlNodePtr edit_add(xmlNodePtr parent, const char *name, const char *const *before);
/* How many children `name` parent has. */
unsigned edit_count(xmlNodePtr parent, const char *name);
/* An IP literal into 16 bytes (IPv4 in the first 4, the rest 0). @return 4, 6, or 0: not one. */
int ip_parse(const char *text, unsigned char bin[16]);
/* Gateways: parse "ip", "ip:port", "[v6]:port", "v6". @return 0 or -1. */
int gateway_parse(const char *text, char *addr, size_t cap, unsigned *port);
/* The gateway element of route that is text's address and port, or NULL. */
xmlNodePtr gateway_find(xmlNodePtr route, const char *text);

/* cmd_change.c and cmd_show.c: the handlers, each for words[0..] after the verb's object. */
enum ctl_kind cmd_add(struct cmd *c);
enum ctl_kind cmd_set(struct cmd *c);
enum ctl_kind cmd_del(struct cmd *c);
enum ctl_kind cmd_show(struct cmd *c);
enum ctl_kind cmd_help(struct cmd *c);

/* Helpers on the model. */
int cmd_policy(struct cmd *c, const char *name); /* index, or -1 with the error set */
int cmd_route(struct cmd *c, const char *name);

#endif /* E911_CMD_INTERNAL_H */
