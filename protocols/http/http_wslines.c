/* IRC lines over WebSocket messages (http_wslines.h). */
#include "http_wslines.h"

#include "base.h"

#include <string.h>

int
reed_wsl_message(const uint8_t *p, size_t n, size_t *len)
{
  if (n > 0 && p[n - 1] == '\n')
    n--;
  if (n > 0 && p[n - 1] == '\r')
    n--;
  if (memchr(p, '\r', n) != NULL || memchr(p, '\n', n) != NULL)
    return REED_EINVAL;
  *len = n;
  return 0;
}

size_t
reed_wsl_next(const uint8_t *p, size_t n, size_t *len)
{
  const uint8_t *lf = memchr(p, '\n', n);
  size_t l;

  if (lf == NULL)
    return 0;
  l = (size_t)(lf - p);
  *len = l > 0 && p[l - 1] == '\r' ? l - 1 : l;
  return l + 1;
}

/* The length of the valid UTF-8 sequence at p[0..n), or 0. */
static size_t
seq(const uint8_t *p, size_t n)
{
  size_t want = p[0] < 0x80                    ? 1
                : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
                : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
                : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                               : 0;

  return want > 0 && want <= n && reed_utf8_valid(p, want) ? want : 0;
}

size_t
reed_wsl_utf8_size(const uint8_t *p, size_t n)
{
  size_t size = 0;

  if (reed_utf8_valid(p, n))
    return n;
  for (size_t i = 0; i < n;) {
    size_t k = seq(p + i, n - i);
    size += k > 0 ? k : 3;
    i += k > 0 ? k : 1;
  }
  return size;
}

void
reed_wsl_utf8_fix(const uint8_t *p, size_t n, uint8_t *out)
{
  for (size_t i = 0; i < n;) {
    size_t k = seq(p + i, n - i);
    if (k > 0) {
      memcpy(out, p + i, k);
      out += k;
      i += k;
    } else {
      memcpy(out, "\xEF\xBF\xBD", 3);
      out += 3;
      i++;
    }
  }
}

const char *
reed_wsl_pick(const char *h, const char *const *ours)
{
  while (h != NULL && *h != '\0') {
    size_t n;
    h += strspn(h, " \t,");
    n = strcspn(h, " \t,");
    for (size_t i = 0; n > 0 && ours[i] != NULL; i++)
      if (strlen(ours[i]) == n && strncmp(h, ours[i], n) == 0)
        return ours[i];
    h += n;
  }
  return NULL;
}
