/* Base64 (RFC 4648 section 4, padded, no line breaks or whitespace), the
 * one codec of SASL's payloads over IRC and XMPP, stream-management ids,
 * FAST tokens and caps hashes. Strict: a length that is not a multiple of
 * 4, a character outside the alphabet, or padding anywhere but at the end
 * is refused. */
#include "base.h"

#include <string.h>

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t
reed_base64_encode(const uint8_t *in, size_t len, char *out)
{
  size_t n = 0;

  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < len)
      v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < len)
      v |= in[i + 2];
    out[n++] = b64[(v >> 18) & 63];
    out[n++] = b64[(v >> 12) & 63];
    out[n++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
    out[n++] = i + 2 < len ? b64[v & 63] : '=';
  }
  out[n] = '\0';
  return n;
}

static int
b64_val(char ch)
{
  const char *p = ch ? strchr(b64, ch) : NULL;

  return p ? (int)(p - b64) : -1;
}

ssize_t
reed_base64_decode(const char *in, size_t len, uint8_t *out)
{
  size_t n = 0;

  if (len % 4 != 0)
    return REED_ESYNTAX;
  for (size_t i = 0; i < len; i += 4) {
    int v[4];
    bool last = i + 4 == len;
    for (int k = 0; k < 4; k++)
      v[k] = b64_val(in[i + k]);
    if (v[0] < 0 || v[1] < 0 || (v[2] < 0 && !(last && in[i + 2] == '=')) ||
        (v[3] < 0 && !(last && in[i + 3] == '=')) || (v[2] < 0 && v[3] >= 0))
      return REED_ESYNTAX;
    out[n++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
    if (v[2] >= 0)
      out[n++] = (uint8_t)((v[1] & 15) << 4 | v[2] >> 2);
    if (v[3] >= 0)
      out[n++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
  }
  return (ssize_t)n;
}
