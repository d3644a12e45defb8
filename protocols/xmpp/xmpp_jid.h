/* JIDs (RFC 7622) for the XMPP module: parse into local, domain and
 * resource, format full and bare JIDs, and XEP-0106 escaping of a
 * localpart (a room name with a space or an '@' in a MUC JID). Pure: base
 * only, no allocation.
 *
 * Normalisation is deliberately small, and the same everywhere so that two
 * spellings of one JID compare equal with strcmp on the parts:
 * - domainpart: ASCII letters lowercased, one trailing dot dropped; any
 *   other byte must be a letter, digit, '-', '_' or '.' (no empty label),
 *   valid non-ASCII UTF-8 (kept as is: no IDNA mapping), or the whole
 *   part is an IP literal in brackets ("[::1]");
 * - localpart: ASCII letters lowercased; valid UTF-8 without controls,
 *   spaces or the characters RFC 7622 forbids (" & ' / : < > @). Full
 *   PRECIS (Unicode case folding, NFC, width mapping) is NOT applied
 *   beyond that ASCII case folding;
 * - resourcepart: kept as given; valid UTF-8 without control characters.
 * Each part that is present is 1..REED_JID_PART_MAX bytes; the local and
 * resource parts are optional ("" when absent). */
#ifndef REED_XMPP_JID_H
#define REED_XMPP_JID_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>

#define REED_JID_PART_MAX 1023

typedef struct reed_jid_s {
  char local[REED_JID_PART_MAX + 1];    /* "" when none */
  char domain[REED_JID_PART_MAX + 1];   /* never "" after a parse */
  char resource[REED_JID_PART_MAX + 1]; /* "" when none */
} reed_jid_t;

/* Parses the NUL-terminated `s` into *out, normalised as above. On
 * failure *out is left zeroed. Returns 0 or REED_EINVAL. */
int reed_jid_parse(const char *s, reed_jid_t *out);

/* Writes "local@domain/resource" (full) or "local@domain" (bare; also the
 * full form when the resource is ""), leaving out "local@" when the
 * localpart is "". Like snprintf: returns the JID's length, writes at most
 * size - 1 bytes and a NUL when size > 0, so a return >= size means the
 * output was truncated. The longest JID fits in REED_JID_MAX + 1 bytes. */
#define REED_JID_MAX (3 * REED_JID_PART_MAX + 2)
size_t reed_jid_format(const reed_jid_t *j, bool full, char *out, size_t size);

/* XEP-0106: escapes a localpart's space " & ' / : < > @ as \20 \22 \26 \27
 * \2f \3a \3c \3e \40, and a backslash as \5c only where it would
 * otherwise start one of those ten sequences ("c:\net" -> "c\3a\net").
 * Returns 0, REED_EINVAL when `in` is "" or begins or ends with a space
 * (XEP-0106 forbids those), or REED_ETOOBIG when the result (with its
 * NUL) does not fit in size bytes. */
int reed_jid_escape_local(const char *in, char *out, size_t size);

/* XEP-0106: replaces each of the ten escape sequences (lowercase hex, as
 * parsed localparts are) by its character; any other backslash stays.
 * Returns 0 or REED_ETOOBIG. */
int reed_jid_unescape_local(const char *in, char *out, size_t size);

#endif
