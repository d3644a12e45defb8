/* IRC lines: the pure parser and serializer (RFC 1459 section 2.3.1 and
 * IRCv3 message-tags). Base only, so that the IRC module, its tests and
 * fuzz target, and libreed-bot (the networked bots, which ship without the
 * model) share one codec. */
#ifndef REED_IRC_LINE_H
#define REED_IRC_LINE_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>

/* ---- Limits (RFC 1459/2812, IRCv3 message-tags) ---------------------------
 * A line is at most 512 bytes without its tags, CRLF included; the tag
 * section, '@' and the space after it included, at most 8191 bytes; what a
 * client sends as tag data (between '@' and the space) at most 4094. */
#define REED_IRC_LINE_MAX 512
#define REED_IRC_TAGS_MAX 8191
#define REED_IRC_CLIENT_TAGS_MAX 4094
#define REED_IRC_PARAMS_MAX 15
#define REED_IRC_TAGS_COUNT_MAX 64

typedef struct reed_irc_tag_s {
  const char *key;
  const char *value; /* unescaped; "" when the tag has no value */
} reed_irc_tag_t;

/* One parsed line. Every string is NUL-terminated and points into `buf`
 * (after reed_irc_line_parse) or into the caller's storage (before
 * reed_irc_msg_write). `source` is NULL when the line has none. */
typedef struct reed_irc_msg_s {
  reed_irc_tag_t tags[REED_IRC_TAGS_COUNT_MAX];
  size_t n_tags;
  size_t tags_len; /* bytes of tag data between '@' and the space */
  const char *source;
  const char *command;
  const char *params[REED_IRC_PARAMS_MAX];
  size_t n_params;
  size_t line_len; /* bytes of the non-tag part (without CRLF) */
  char buf[REED_IRC_TAGS_MAX + REED_IRC_LINE_MAX + 2];
} reed_irc_msg_t;

/* Parses one line (without its CR/LF) into `m`: tags (the last of
 * duplicate keys wins, values unescaped), source, command and parameters
 * (one or more spaces separate them; a parameter after 14 others, or one
 * starting with ':', takes the rest of the line). The strings are copied
 * into m->buf and live as long as `m`.
 *
 * Returns 0 or one of:
 *   REED_ETOOBIG  the tag section passes 8191 bytes or the rest passes 510;
 *   REED_ELIMIT   more than REED_IRC_TAGS_COUNT_MAX distinct tags;
 *   REED_ESYNTAX  no command, a NUL, CR or LF inside, or an empty tag key. */
int reed_irc_line_parse(const char *line, size_t len, reed_irc_msg_t *m);

/* As reed_irc_line_parse, for a client reading what a server sends (the
 * networked bots): neither the tag section nor the rest has a limit of its
 * own, since a server relays a client's 510 bytes behind a source; only the
 * whole line must fit m->buf, else REED_ETOOBIG. */
int reed_irc_line_parse_server(const char *line, size_t len, reed_irc_msg_t *m);

/* Looks a tag up by key; returns its value or NULL when absent. */
const char *reed_irc_msg_tag(const reed_irc_msg_t *m, const char *key);

/* Escapes a tag value (';' '\\' ' ' CR LF) into dst, which holds `cap`
 * bytes; NUL-terminates. Returns the length the escaped value needs
 * (without the NUL); when that is >= cap the output was truncated. */
size_t reed_irc_tag_escape(char *dst, size_t cap, const char *value);

/* Appends `m` as one line with CRLF to *out (tags, ":source", command,
 * params; the last parameter gets a ':' when it is empty, holds a space or
 * starts with ':'). Returns 0 or one of:
 *   REED_EINVAL  a middle parameter is empty, holds a space or starts with
 *                ':', or a string holds CR, LF or NUL where it may not;
 *   REED_ENOMEM  (*out is unchanged). */
int reed_irc_msg_write(const reed_irc_msg_t *m, reed_buf_t **out);

#endif
