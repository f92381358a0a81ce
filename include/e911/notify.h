/*
 * notify.h - the text of the security desk's notification (control/notify/):
 * the text/plain body of the SIP MESSAGE e911-control sends to each
 * notification URI of a call's policy. A few short lines a person reads at a
 * glance: what was dialled and by whom, the callback number, the time, the
 * location in one line and whether it was validated, and the policy.
 *
 *   EMERGENCY CALL 911 from Lab Caller
 *   Callback: +14255550100
 *   Time: 2026-11-25T07:30:00.123+00:00
 *   Location (validated): 1 Main St, Redmond WA, US; floor 2 (DHCP)
 *   Policy: Redmond
 */
#ifndef E911_NOTIFY_H
#define E911_NOTIFY_H

#include <stddef.h>

#include "e911/call_record.h"

/**
 * Write the notification text of a call.
 * @param out  receives the text, NUL-terminated when cap > 0; when it does
 *             not fit it is cut at a UTF-8 character boundary
 * @return the length of the whole text (as snprintf: >= cap means it was cut)
 * Control characters in the record's fields become spaces (the fields come
 * from the caller's packets); lines end with "\n".
 */
size_t notify_text(const struct call_record *r, char *out, size_t cap);

#endif /* E911_NOTIFY_H */
