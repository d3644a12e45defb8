/* The message bound every protocol gets (model.h, reed_msg_lines): a
 * message a line-based relay would show in more lines than the bound is
 * refused before it is sequenced, so no protocol can turn one message into
 * more lines than IRC's own draft/multiline limit allows. */
#include "model_int.h"

#include <string.h>

/* Lines of one piece: blank counts one, long ones one per started width. */
static size_t
piece_lines(size_t n)
{
  return n == 0 ? 1 : (n + REED_MSG_LINE_WIDTH - 1) / REED_MSG_LINE_WIDTH;
}

size_t
reed_msg_lines(const char *text, size_t len)
{
  size_t lines = 0, start = 0;

  /* Most messages have no break: two memchr scans, not a byte loop. */
  if (memchr(text, '\n', len) == NULL && memchr(text, '\r', len) == NULL)
    return piece_lines(len);
  for (size_t i = 0; i < len; i++) {
    if (text[i] != '\r' && text[i] != '\n')
      continue;
    lines += piece_lines(i - start);
    if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
      i++; /* CRLF is one break */
    start = i + 1;
  }
  return lines + piece_lines(len - start);
}

size_t
reed_model_max_msg_lines(const reed_model_t *m)
{
  return m->max_msg_lines;
}

size_t
reed_model_max_msg_bytes(const reed_model_t *m)
{
  return m->max_msg_bytes;
}

void
reed_model_set_msg_limits(reed_model_t *m, size_t lines, size_t bytes)
{
  if (lines > 0)
    m->max_msg_lines = lines;
  if (bytes > 0)
    m->max_msg_bytes = bytes;
}

/* A text of len bytes shows in at most len + 1 lines (a break adds one,
 * and so does at most every byte of a piece), so a text shorter than the
 * line bound needs no count. */
int
reed__msg_bound(const reed_model_t *m, const char *text, size_t len)
{
  if (len > m->max_msg_bytes)
    return REED_ETOOBIG;
  if (len < m->max_msg_lines)
    return 0;
  return reed_msg_lines(text, len) > m->max_msg_lines ? REED_ETOOBIG : 0;
}
