/* AMP box codec: the resumable decoder, the contiguous parser and the
 * framing checks. Pure: no I/O, no model. */
#include "amp.h"

#include <string.h>

enum {
  ST_KLEN_HI, /* first byte of a key prefix; must be 0 */
  ST_KLEN_LO,
  ST_KEY,
  ST_VLEN_HI,
  ST_VLEN_LO,
  ST_VAL,
};

static const char *const reserved_keys[] = {"_ask", "_command", "_answer",
                                            "_error"};

static bool
key_is(const reed_amp_pair_t *p, const char *key)
{
  size_t n = strlen(key);

  return p->key_len == n && memcmp(p->key, key, n) == 0;
}

static bool
same_key(const reed_amp_pair_t *a, const reed_amp_pair_t *b)
{
  return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

static bool
has_dup_before(const reed_amp_box_t *box, size_t i)
{
  for (size_t j = 0; j < i; j++) {
    if (same_key(&box->pairs[j], &box->pairs[i]))
      return true;
  }
  return false;
}

static unsigned
u16_at(const uint8_t *p)
{
  return ((unsigned)p[0] << 8) | p[1];
}

/* Reads one pair at in[*pos]; 1 for a pair, 0 for the terminator. */
static int
parse_pair(const uint8_t *in, size_t len, size_t *pos, reed_amp_pair_t *out)
{
  size_t at = *pos;
  unsigned klen, vlen;

  if (len - at < 2)
    return REED_ESYNTAX;
  klen = u16_at(in + at);
  at += 2;
  if (klen == 0) {
    *pos = at;
    return 0;
  }
  if (klen > REED_AMP_MAX_KEY || len - at < klen + 2)
    return REED_ESYNTAX;
  out->key = in + at;
  out->key_len = klen;
  at += klen;
  vlen = u16_at(in + at);
  at += 2;
  if (len - at < vlen)
    return REED_ESYNTAX;
  out->val = in + at;
  out->val_len = vlen;
  *pos = at + vlen;
  return 1;
}

int
reed_amp_box_parse(const uint8_t *in, size_t len, size_t *used,
                   reed_amp_box_t *box)
{
  size_t pos = 0;
  reed_amp_pair_t pair;
  int rc;

  box->n = 0;
  box->dup = false;
  while ((rc = parse_pair(in, len, &pos, &pair)) == 1) {
    if (box->n == REED_AMP_MAX_PAIRS)
      return REED_ELIMIT;
    box->pairs[box->n] = pair;
    if (has_dup_before(box, box->n))
      box->dup = true;
    box->n++;
  }
  if (rc < 0)
    return rc;
  *used = pos;
  return 0;
}

static size_t
count_key(const reed_amp_box_t *box, const char *key)
{
  size_t n = 0;

  for (size_t i = 0; i < box->n; i++)
    n += key_is(&box->pairs[i], key);
  return n;
}

int
reed_amp_box_check(const reed_amp_box_t *box)
{
  size_t kinds = 0;

  if (box->n == 0)
    return REED_EPROTO;
  for (size_t i = 0; i < REED_ARRAY_SIZE(reserved_keys); i++) {
    size_t c = count_key(box, reserved_keys[i]);
    if (c > 1)
      return REED_EPROTO;
    if (i > 0)
      kinds += c;
  }
  return kinds > 0 ? 0 : REED_EPROTO;
}

const reed_amp_pair_t *
reed_amp_box_get(const reed_amp_box_t *box, const char *key)
{
  for (size_t i = 0; i < box->n; i++) {
    if (key_is(&box->pairs[i], key))
      return &box->pairs[i];
  }
  return NULL;
}

/* ---- Decoder ----------------------------------------------------------- */

void
reed_amp_decoder_init(reed_amp_decoder_t *d)
{
  memset(d, 0, sizeof(*d));
  d->state = ST_KLEN_HI;
}

void
reed_amp_decoder_cleanup(reed_amp_decoder_t *d)
{
  reed_free(d->buf);
  reed_amp_decoder_init(d);
}

void
reed_amp_decoder_trim(reed_amp_decoder_t *d)
{
  if (d->ready) {
    d->len = 0;
    d->ready = false;
  }
  if (d->len == 0 && d->buf != NULL) {
    reed_free(d->buf);
    d->buf = NULL;
    d->cap = 0;
  }
}

/* Makes room for `more` bytes; the box limit bounds every request. */
static int
reserve(reed_amp_decoder_t *d, size_t more)
{
  size_t cap = d->cap ? d->cap : 64;
  uint8_t *nb;

  if (d->len + more <= d->cap)
    return 0;
  while (cap < d->len + more)
    cap *= 2;
  if (cap > REED_AMP_MAX_BOX)
    cap = REED_AMP_MAX_BOX;
  nb = reed_realloc(d->buf, cap);
  if (nb == NULL)
    return REED_ENOMEM;
  d->buf = nb;
  d->cap = cap;
  return 0;
}

static int
push(reed_amp_decoder_t *d, const uint8_t *p, size_t n)
{
  int rc = reserve(d, n);

  if (rc == 0) {
    memcpy(d->buf + d->len, p, n);
    d->len += n;
  }
  return rc;
}

/* A key prefix is complete: the end of the box, or a key to read. Every
 * pair must still leave room for the terminator within the box limit. */
static int
on_key_len(reed_amp_decoder_t *d, unsigned klen)
{
  if (klen == 0)
    return d->npairs == 0 ? REED_EPROTO : 1;
  if (klen > REED_AMP_MAX_KEY || d->npairs == REED_AMP_MAX_PAIRS)
    return REED_EPROTO;
  if (d->len + klen + 2 + 2 > REED_AMP_MAX_BOX)
    return REED_EPROTO;
  d->need = klen;
  d->state = ST_KEY;
  return 0;
}

static int
on_val_len(reed_amp_decoder_t *d, unsigned vlen)
{
  if (d->len + vlen + 2 > REED_AMP_MAX_BOX)
    return REED_EPROTO;
  d->need = vlen;
  d->state = ST_VAL;
  if (vlen == 0) {
    d->npairs++;
    d->state = ST_KLEN_HI;
  }
  return 0;
}

/* One step of the state machine (a byte-level machine, so longer than the
 * usual function, as docs/design.md allows). Returns bytes consumed, or a
 * negative code, and sets *done when the terminator was read. */
static long
step(reed_amp_decoder_t *d, const uint8_t *in, size_t len, bool *done)
{
  size_t n;
  int rc;

  switch (d->state) {
  case ST_KLEN_HI:
  case ST_VLEN_HI:
    if (d->state == ST_KLEN_HI && in[0] != 0)
      return REED_EPROTO; /* a key prefix over 255 */
    rc = push(d, in, 1);
    d->state++;
    return rc < 0 ? rc : 1;
  case ST_KLEN_LO:
    if ((rc = push(d, in, 1)) < 0)
      return rc;
    rc = on_key_len(d, in[0]);
    if (rc < 0)
      return rc;
    *done = rc == 1;
    return 1;
  case ST_VLEN_LO:
    if ((rc = push(d, in, 1)) < 0)
      return rc;
    rc = on_val_len(d, u16_at(d->buf + d->len - 2));
    return rc < 0 ? rc : 1;
  default: /* ST_KEY, ST_VAL */
    n = len < d->need ? len : d->need;
    if ((rc = push(d, in, n)) < 0)
      return rc;
    d->need -= n;
    if (d->need == 0) {
      d->npairs += d->state == ST_VAL;
      d->state = d->state == ST_KEY ? ST_VLEN_HI : ST_KLEN_HI;
    }
    return (long)n;
  }
}

static int
deliver(reed_amp_decoder_t *d, reed_amp_box_t *box)
{
  size_t used;
  int rc = reed_amp_box_parse(d->buf, d->len, &used, box);

  d->ready = true;
  d->npairs = 0;
  d->state = ST_KLEN_HI;
  if (rc < 0)
    return REED_EPROTO;
  return reed_amp_box_check(box) < 0 ? REED_EPROTO : 1;
}

int
reed_amp_decode(reed_amp_decoder_t *d, const uint8_t *in, size_t len,
                size_t *used, reed_amp_box_t *box)
{
  size_t pos = 0;
  bool done = false;

  if (d->ready) {
    d->len = 0;
    d->ready = false;
  }
  while (pos < len && !done) {
    long n = step(d, in + pos, len - pos, &done);
    if (n < 0) {
      *used = pos;
      return (int)n;
    }
    pos += (size_t)n;
  }
  *used = pos;
  return done ? deliver(d, box) : 0;
}
