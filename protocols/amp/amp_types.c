/* AMP argument types and the box encoder, in Twisted's wire forms
 * (twisted/protocols/amp.py: Integer, String, Unicode, Boolean, DateTime,
 * ListOf, AmpList; AmpBox.serialize sorts keys). Pure. */
#include "amp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Encoder ----------------------------------------------------------- */

void
reed_amp_enc_init(reed_amp_enc_t *e)
{
  e->n = 0;
  e->scratch = NULL;
  e->err = 0;
}

void
reed_amp_enc_cleanup(reed_amp_enc_t *e)
{
  if (e->scratch != NULL)
    reed_buf_unref(e->scratch);
  e->scratch = NULL;
  e->n = 0;
}

static int
enc_fail(reed_amp_enc_t *e, int err)
{
  if (e->err == 0)
    e->err = err;
  return e->err;
}

static int
scratch_add(reed_amp_enc_t *e, const void *p, size_t len, uint32_t *off)
{
  if (e->scratch == NULL && (e->scratch = reed_buf_new(256)) == NULL)
    return REED_ENOMEM;
  *off = (uint32_t)e->scratch->len;
  return len == 0 ? 0 : reed_buf_append(&e->scratch, p, len);
}

int
reed_amp_enc_put(reed_amp_enc_t *e, const char *key, const void *val,
                 size_t len)
{
  size_t klen = strlen(key);
  size_t i = e->n;

  if (e->err)
    return e->err;
  if (klen == 0 || klen > REED_AMP_MAX_KEY)
    return enc_fail(e, REED_EINVAL);
  if (len > REED_AMP_MAX_VALUE)
    return enc_fail(e, REED_ETOOBIG);
  if (i == REED_AMP_MAX_PAIRS)
    return enc_fail(e, REED_ELIMIT);
  if (scratch_add(e, key, klen, &e->ent[i].koff) < 0 ||
      scratch_add(e, val, len, &e->ent[i].voff) < 0)
    return enc_fail(e, REED_ENOMEM);
  e->ent[i].klen = (uint32_t)klen;
  e->ent[i].vlen = (uint32_t)len;
  e->n++;
  return 0;
}

int
reed_amp_enc_str(reed_amp_enc_t *e, const char *key, const char *s)
{
  return reed_amp_enc_put(e, key, s, strlen(s));
}

int
reed_amp_enc_int(reed_amp_enc_t *e, const char *key, long long v)
{
  char tmp[32];
  int n = snprintf(tmp, sizeof(tmp), "%lld", v);

  return reed_amp_enc_put(e, key, tmp, (size_t)n);
}

int
reed_amp_enc_bool(reed_amp_enc_t *e, const char *key, bool v)
{
  return reed_amp_enc_str(e, key, v ? "True" : "False");
}

int
reed_amp_enc_time(reed_amp_enc_t *e, const char *key, int64_t us)
{
  char tmp[REED_AMP_TIME_LEN + 1];

  reed_amp_format_time(us, tmp);
  return reed_amp_enc_put(e, key, tmp, REED_AMP_TIME_LEN);
}

/* Python's bytes order: memcmp over the common prefix, then length. */
static int
key_cmp(const reed_amp_enc_t *e, size_t a, size_t b)
{
  uint32_t la = e->ent[a].klen, lb = e->ent[b].klen;
  int c = memcmp(e->scratch->data + e->ent[a].koff,
                 e->scratch->data + e->ent[b].koff, la < lb ? la : lb);

  if (c != 0)
    return c;
  return la < lb ? -1 : la > lb;
}

static void
sort_order(const reed_amp_enc_t *e, uint8_t *order)
{
  for (size_t i = 0; i < e->n; i++) {
    size_t j = i;
    order[i] = (uint8_t)i;
    while (j > 0 && key_cmp(e, order[j - 1], order[j]) > 0) {
      uint8_t t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
      j--;
    }
  }
}

static size_t
enc_size(const reed_amp_enc_t *e)
{
  size_t total = 2;

  for (size_t i = 0; i < e->n; i++)
    total += 4 + e->ent[i].klen + e->ent[i].vlen;
  return total;
}

static void
write_u16(uint8_t *p, size_t v)
{
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

static void
enc_write(const reed_amp_enc_t *e, uint8_t *p)
{
  uint8_t order[REED_AMP_MAX_PAIRS];

  sort_order(e, order);
  for (size_t i = 0; i < e->n; i++) {
    size_t k = order[i];
    write_u16(p, e->ent[k].klen);
    memcpy(p + 2, e->scratch->data + e->ent[k].koff, e->ent[k].klen);
    p += 2 + e->ent[k].klen;
    write_u16(p, e->ent[k].vlen);
    if (e->ent[k].vlen)
      memcpy(p + 2, e->scratch->data + e->ent[k].voff, e->ent[k].vlen);
    p += 2 + e->ent[k].vlen;
  }
  p[0] = p[1] = 0;
}

static int
grow_for(reed_buf_t **out, size_t more)
{
  reed_buf_t *b = *out;
  reed_buf_t *nb;

  if (b == NULL) {
    *out = reed_buf_new(more);
    return *out ? 0 : REED_ENOMEM;
  }
  if (b->len + more <= b->cap)
    return 0;
  nb = reed_buf_new(b->len + more);
  if (nb == NULL)
    return REED_ENOMEM;
  memcpy(nb->data, b->data, b->len);
  nb->len = b->len;
  reed_buf_unref(b);
  *out = nb;
  return 0;
}

int
reed_amp_enc_finish(reed_amp_enc_t *e, reed_buf_t **out)
{
  size_t size = enc_size(e);
  int rc = e->err;

  if (rc == 0 && size > REED_AMP_MAX_BOX)
    rc = REED_ETOOBIG;
  if (rc == 0)
    rc = grow_for(out, size);
  if (rc == 0) {
    enc_write(e, (*out)->data + (*out)->len);
    (*out)->len += size;
  }
  reed_amp_enc_cleanup(e);
  return rc;
}

/* ---- Lists ------------------------------------------------------------- */

int
reed_amp_list_next(const uint8_t **p, size_t *left, const uint8_t **elem,
                   size_t *elen)
{
  size_t n;

  if (*left < 2)
    return 0;
  n = ((size_t)(*p)[0] << 8) | (*p)[1];
  if (*left - 2 < n)
    return 0;
  *elem = *p + 2;
  *elen = n;
  *p += 2 + n;
  *left -= 2 + n;
  return 1;
}

int
reed_amp_list_add(reed_buf_t **list, const void *p, size_t len)
{
  size_t cur = *list ? (*list)->len : 0;
  uint8_t pre[2];
  int rc;

  if (len > REED_AMP_MAX_VALUE || cur + 2 + len > REED_AMP_MAX_VALUE)
    return REED_ETOOBIG;
  if ((rc = grow_for(list, 2 + len)) < 0)
    return rc;
  write_u16(pre, len);
  memcpy((*list)->data + cur, pre, 2);
  if (len)
    memcpy((*list)->data + cur + 2, p, len);
  (*list)->len = cur + 2 + len;
  return 0;
}

int
reed_amp_amplist_add(reed_buf_t **list, reed_amp_enc_t *e)
{
  size_t cur = *list ? (*list)->len : 0;
  size_t size = enc_size(e);
  int rc = e->err;

  if (rc == 0 && cur + size > REED_AMP_MAX_VALUE)
    rc = REED_ETOOBIG;
  if (rc == 0)
    rc = grow_for(list, size);
  if (rc == 0) {
    enc_write(e, (*list)->data + cur);
    (*list)->len = cur + size;
  }
  reed_amp_enc_cleanup(e);
  return rc;
}

/* ---- Scalars ----------------------------------------------------------- */

int
reed_amp_parse_int(const uint8_t *p, size_t len, long long *out)
{
  size_t i = 0;
  bool neg = false;
  unsigned long long v = 0, lim;

  if (len > 0 && (p[0] == '-' || p[0] == '+')) {
    neg = p[0] == '-';
    i = 1;
  }
  if (i == len)
    return REED_ESYNTAX;
  lim = neg ? (unsigned long long)INT64_MAX + 1 : (unsigned long long)INT64_MAX;
  for (; i < len; i++) {
    unsigned d = (unsigned)p[i] - '0';
    if (d > 9 || v > (lim - d) / 10)
      return REED_ESYNTAX;
    v = v * 10 + d;
  }
  *out = neg ? (long long)(0 - v) : (long long)v;
  return 0;
}

int
reed_amp_parse_bool(const uint8_t *p, size_t len, bool *out)
{
  if (len == 4 && memcmp(p, "True", 4) == 0)
    *out = true;
  else if (len == 5 && memcmp(p, "False", 5) == 0)
    *out = false;
  else
    return REED_ESYNTAX;
  return 0;
}

bool
reed_amp_unicode_valid(const uint8_t *p, size_t len)
{
  return memchr(p, 0, len) == NULL && reed_utf8_valid(p, len);
}
