/*
 * control_channel.h - the control channel between e911-dataplane (server,
 * main lcore) and e911-control (client): a UNIX stream socket (the
 * dataplane's --control PATH, mode 0660), one client at a time (a new
 * connection replaces the old one), text lines ended by "\n".
 *
 * Requests (client -> dataplane), each answered by exactly one line that
 * starts with "ok" or "error":
 *
 *   config BYTES\n<BYTES bytes of policy XML>
 *       Validate, compile and publish the configuration atomically.
 *       -> "ok version=N config=VERSION\n": the snapshot the workers now run
 *       -> "error " + every problem as FILE:LINE: text, joined by " | ", "\n";
 *          nothing changes
 *   health ROUTE GATEWAY up|down\n
 *       Mark gateway number GATEWAY (0-based, in the order of the file) of
 *       route ROUTE (its name) up or down; calls choose among healthy ones.
 *       Every gateway is up after a config; the client sends health again.
 *       -> "ok\n" | "error ...\n"
 *   stats\n
 *       -> "ok {JSON}\n": totals, per worker, per policy, outcomes, drops
 *   version\n
 *       -> "ok version=N config=VERSION\n"
 *
 * Pushed by the dataplane at any time, between answers (never inside one):
 *
 *   event {JSON}\n
 *       An emergency call began ("kind":"call") or ended ("kind":"end"):
 *       time, call_id, policy, scope, caller, display, callback, dialled,
 *       location, gateway, source, and for a call the PIDF-LO ("pidf",
 *       JSON-escaped, at most 1,536 bytes).
 *
 * A line longer than CONTROL_MAX_LINE, an unknown command or a malformed
 * argument gets "error ...\n" and changes nothing; a config larger than
 * CONTROL_MAX_CONFIG closes the connection after the error.
 */
#ifndef E911_CONTROL_CHANNEL_H
#define E911_CONTROL_CHANNEL_H

#define CONTROL_MAX_LINE 4096u
#define CONTROL_MAX_CONFIG (64u << 20) /* = E911_CONFIG_MAX_BYTES */

#endif /* E911_CONTROL_CHANNEL_H */
