/*
 * ctl_ops.h - the operators' control socket: a UNIX stream socket (mode
 * 0660), one command per line, each answer ended by an empty line (the wire
 * protocol of docs/control-socket.md). This file only moves lines: what a
 * command means is ctl_commands.c's. A client's next command is read only
 * after its answer went out, and no command is read while a configuration
 * is on its way to the dataplane, so changes apply one after another.
 * Internal to control/daemon/.
 */
#ifndef E911_CTL_OPS_H
#define E911_CTL_OPS_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#define OPS_MAX_CLIENTS 64u
#define OPS_MAX_LINE 65536u /* a command line; a longer one is refused */

struct ctl;
struct ops;

/* Run one command of client `id`; answer now or later with ops_answer(). */
typedef void (*ops_command_fn)(struct ctl *c, uint64_t id, const char *line, size_t len);

/** Listen on path (a stale socket file is replaced). @return NULL after printing why. */
struct ops *ops_new(struct ctl *c, const char *path, ops_command_fn run);
void ops_free(struct ops *o);

/**
 * Answer client id's command: text (the lines; a last "\n" is added if
 * missing) then the empty line that ends every answer. A client that has
 * gone is skipped.
 */
void ops_answer(struct ops *o, uint64_t id, const char *text);

/** Fill pollfds (at most 1 + OPS_MAX_CLIENTS); @return how many. */
unsigned ops_pollfds(struct ops *o, struct pollfd *fds);
/** Handle their revents (the same array, as filled); run waiting commands. */
void ops_io(struct ops *o, const struct pollfd *fds, unsigned n);

#endif /* E911_CTL_OPS_H */
