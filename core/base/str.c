/* Small string helpers every part needs. */
#include "base.h"

#include <string.h>

size_t
reed_strlcpy(char *dst, const char *src, size_t size)
{
  size_t len = strlen(src);

  if (size > 0) {
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
  }
  return len;
}

/* Length of the sequence a lead byte starts, 0 if it cannot lead. */
static int
seq_len(uint8_t c)
{
  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    return 2;
  if (c >= 0xe0 && c <= 0xef)
    return 3;
  if (c >= 0xf0 && c <= 0xf4)
    return 4;
  return 0;
}

int
reed_utf8_valid(const uint8_t *p, size_t len)
{
  size_t i = 0;

  while (i < len) {
    int n = seq_len(p[i]);
    uint8_t lo = 0x80, hi = 0xbf;

    if (n == 0 || i + (size_t)n > len)
      return 0;
    if (p[i] == 0xe0)
      lo = 0xa0; /* overlong */
    else if (p[i] == 0xed)
      hi = 0x9f; /* surrogates */
    else if (p[i] == 0xf0)
      lo = 0x90; /* overlong */
    else if (p[i] == 0xf4)
      hi = 0x8f; /* above U+10FFFF */
    for (int k = 1; k < n; k++) {
      uint8_t c = p[i + (size_t)k];
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xbf))
        return 0;
    }
    i += (size_t)n;
  }
  return 1;
}

size_t
reed_utf8_cut(const char *s, size_t len, size_t max)
{
  size_t n;

  if (len <= max)
    return len;
  n = max;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--;
  return n;
}
