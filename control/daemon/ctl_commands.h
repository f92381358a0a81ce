/*
 * ctl_commands.h - the daemon's side of the control-socket commands.
 * Internal to control/daemon/.
 */
#ifndef E911_CTL_COMMANDS_H
#define E911_CTL_COMMANDS_H

#include <stddef.h>
#include <stdint.h>

struct ctl;

/** Run one command line of client id (an ops_command_fn); answers through ops_answer(). */
void ctl_run_command(struct ctl *c, uint64_t id, const char *line, size_t len);

#endif /* E911_CTL_COMMANDS_H */
