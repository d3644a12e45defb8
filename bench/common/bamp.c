/* bench: AMP box framing (see bamp.h). */
#include "bamp.h"

#include "base.h"

#include <string.h>

static size_t
u16(const uint8_t *p)
{
  return (size_t)p[0] << 8 | p[1];
}

ssize_t
bench_amp_parse(const uint8_t *p, size_t len, bench_amp_box_t *box)
{
  size_t off = 0, klen, vlen;

  box->n = 0;
  for (;;) {
    if (len - off < 2)
      return 0;
    klen = u16(p + off);
    if (klen == 0)
      return box->n == 0 ? REED_EPROTO : (ssize_t)(off + 2);
    if (klen > 255 || box->n == BENCH_AMP_MAXPAIRS)
      return REED_EPROTO;
    if (len - off < 2 + klen + 2)
      return 0;
    vlen = u16(p + off + 2 + klen);
    if (len - off < 2 + klen + 2 + vlen)
      return 0;
    box->key[box->n] = (bench_view_t){(const char *)p + off + 2, klen};
    box->val[box->n] = (bench_view_t){(const char *)p + off + 4 + klen, vlen};
    box->n++;
    off += 4 + klen + vlen;
  }
}

int
bench_amp_get(const bench_amp_box_t *box, const char *key, bench_view_t *out)
{
  int i;

  for (i = 0; i < box->n; i++) {
    if (bench_view_eq(box->key[i], key)) {
      *out = box->val[i];
      return 1;
    }
  }
  return 0;
}

static void
put16(uint8_t *p, size_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

int
bench_amp_put(uint8_t *buf, size_t cap, size_t *len, const char *key,
              const void *val, size_t vlen)
{
  size_t klen = strlen(key);

  if (klen == 0 || klen > 255 || vlen > 65535 || *len > cap ||
      cap - *len < 4 + klen + vlen)
    return REED_ETOOBIG;
  put16(buf + *len, klen);
  memcpy(buf + *len + 2, key, klen);
  put16(buf + *len + 2 + klen, vlen);
  if (vlen)
    memcpy(buf + *len + 4 + klen, val, vlen);
  *len += 4 + klen + vlen;
  return 0;
}

int
bench_amp_end(uint8_t *buf, size_t cap, size_t *len)
{
  if (*len > cap || cap - *len < 2)
    return REED_ETOOBIG;
  put16(buf + *len, 0);
  *len += 2;
  return 0;
}

int
bench_amp_list_next(bench_view_t *list, bench_view_t *elem)
{
  size_t n;

  if (list->len == 0)
    return 0;
  if (list->len < 2)
    return REED_EPROTO;
  n = u16((const uint8_t *)list->p);
  if (list->len - 2 < n)
    return REED_EPROTO;
  *elem = (bench_view_t){list->p + 2, n};
  list->p += 2 + n;
  list->len -= 2 + n;
  return 1;
}
