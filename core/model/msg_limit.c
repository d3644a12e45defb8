/* The message bound every protocol gets (model.h, reed_msg_lines): a
 * message a line-based relay would show in more lines than the bound is
 * refused before it is sequenced, so no protocol can turn one message into
 * more lines than IRC's own draft/multiline limit allows. */
#include "model_int.h"

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

int
reed__msg_bound(const reed_model_t *m, const char *text, size_t len)
{
  if (len > m->max_msg_bytes || reed_msg_lines(text, len) > m->max_msg_lines)
    return REED_ETOOBIG;
  return 0;
}
