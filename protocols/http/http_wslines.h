/* IRC lines over WebSocket messages (IRCv3 websocket): the pure part of
 * the /irc bridge (http_ws_irc.c). A message is one line without its CRLF;
 * the core's output is cut at each LF into messages; a text message
 * carries only UTF-8. */
#ifndef REED_HTTP_WSLINES_H
#define REED_HTTP_WSLINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A client's message as a line: its length without a trailing CR, LF or
 * CRLF (legacy clients send one; the spec says not to), in *len.
 * REED_EINVAL when a CR or LF is left inside: a message is one line. */
int reed_wsl_message(const uint8_t *p, size_t n, size_t *len);

/* The first whole line of p[0..n): returns the bytes it spans with its
 * LF (0 when no LF: a partial line), and its length without the CR LF
 * in *len. */
size_t reed_wsl_next(const uint8_t *p, size_t n, size_t *len);

/* How many bytes p[0..n) takes as UTF-8 with every byte that is not part
 * of a valid sequence replaced by U+FFFD (3 bytes); n when it is valid. */
size_t reed_wsl_utf8_size(const uint8_t *p, size_t n);
/* Writes that form into out (reed_wsl_utf8_size bytes). */
void reed_wsl_utf8_fix(const uint8_t *p, size_t n, uint8_t *out);

/* The first token of a Sec-WebSocket-Protocol value (the client's order
 * of preference: RFC 6455 4.1) that is in `ours` (NULL-terminated), or
 * NULL. Tokens are compared exactly. */
const char *reed_wsl_pick(const char *value, const char *const *ours);

#endif
