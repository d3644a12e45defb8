/* Fuzzes the IRC-over-WebSocket line layer (http_wslines.h). The input
 * is a client's message and, as the core's output, a buffer to cut:
 *   - a message is accepted exactly when no CR or LF is left inside it
 *     once one trailing CR, LF or CRLF is dropped, and the line is a
 *     prefix of the message with neither;
 *   - cutting the output gives lines with no LF (a CR only inside),
 *     covering the input up to its last LF;
 *   - the UTF-8 repair is valid UTF-8, the identity on valid input, and
 *     its size is what reed_wsl_utf8_size says;
 *   - a picked subprotocol is one of ours and a token of the value. */
#include "base.h"
#include "http_wslines.h"

#include <stdlib.h>
#include <string.h>

static void
check_message(const uint8_t *p, size_t n)
{
  size_t len = 0, core = n;
  int rc = reed_wsl_message(p, n, &len);
  bool inner;

  if (core > 0 && p[core - 1] == '\n')
    core--;
  if (core > 0 && p[core - 1] == '\r')
    core--;
  inner = memchr(p, '\r', core) != NULL || memchr(p, '\n', core) != NULL;
  if ((rc == 0) == inner)
    abort();
  if (rc == 0 && len != core)
    abort();
}

static void
check_cut(const uint8_t *p, size_t n)
{
  size_t off = 0, used, len;
  const uint8_t *last = NULL;

  for (size_t i = 0; i < n; i++)
    if (p[i] == '\n')
      last = p + i;
  while ((used = reed_wsl_next(p + off, n - off, &len)) > 0) {
    if (len >= used || memchr(p + off, '\n', len) != NULL)
      abort();
    if (p[off + used - 1] != '\n')
      abort();
    off += used;
  }
  if ((last == NULL && off != 0) ||
      (last != NULL && off != (size_t)(last - p) + 1))
    abort();
}

static void
check_utf8(const uint8_t *p, size_t n)
{
  size_t size = reed_wsl_utf8_size(p, n);
  uint8_t *out = malloc(size + 1);

  if (out == NULL)
    return;
  reed_wsl_utf8_fix(p, n, out);
  if (!reed_utf8_valid(out, size))
    abort();
  if (reed_utf8_valid(p, n) && (size != n || memcmp(out, p, n) != 0))
    abort();
  free(out);
}

static void
check_pick(const uint8_t *p, size_t n)
{
  static const char *const ours[] = {"binary.ircv3.net", "text.ircv3.net",
                                     "xmpp", NULL};
  char *v = malloc(n + 1);
  const char *got;

  if (v == NULL)
    return;
  memcpy(v, p, n);
  v[n] = '\0';
  got = reed_wsl_pick(v, ours);
  if (got != NULL && strstr(v, got) == NULL)
    abort();
  free(v);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  check_message(data, size);
  check_cut(data, size);
  check_utf8(data, size);
  check_pick(data, size);
  return 0;
}
