/* Bounded queues, pure: the send queue (a ring that grows by doubling, of
 * references to large buffers and of chunks that small ones are copied
 * into) and the read buffer of unconsumed input. Both allocate on first use
 * and free their storage as soon as they are empty, so an idle connection
 * holds none. */
#include "net_int.h"

#include <string.h>

static void outq_release_if_empty(reed_outq_t *q);

static int
outq_grow(reed_outq_t *q)
{
  uint32_t cap = q->cap ? q->cap * 2 : 4;
  reed_outq_ent_t *ents = reed_malloc(sizeof(*ents) * cap);

  if (ents == NULL)
    return REED_ENOMEM;
  for (uint32_t i = 0; i < q->count; i++)
    ents[i] = q->ents[(q->head + i) % q->cap];
  reed_free(q->ents);
  q->ents = ents;
  q->head = 0;
  q->cap = cap;
  return 0;
}

/* Chunks grow with what is queued: a quiet connection gets a small one, a
 * busy one fewer and larger writes. */
static size_t
outq_chunk_size(const reed_outq_t *q, size_t len)
{
  size_t want = q->bytes;

  if (want < REED_OUTQ_CHUNK_MIN)
    want = REED_OUTQ_CHUNK_MIN;
  if (want > REED_OUTQ_CHUNK_MAX)
    want = REED_OUTQ_CHUNK_MAX;
  return want < len ? len : want;
}

/* Appends a copy of buf to the tail chunk; false when it does not fit. */
static bool
outq_copy_to_tail(reed_outq_t *q, const reed_buf_t *buf)
{
  if (q->tail == NULL || q->tail_cap - q->tail_len < buf->len)
    return false;
  memcpy(q->tail->data + q->tail_len, buf->data, buf->len);
  q->tail_len += (uint32_t)buf->len;
  q->tail->len = q->tail_len;
  q->bytes += buf->len;
  return true;
}

/* A new entry: buf itself, or (copy) a new chunk holding its bytes. */
static int
outq_new_entry(reed_outq_t *q, reed_buf_t *buf, bool copy)
{
  reed_buf_t *b;

  if (q->count == q->cap && outq_grow(q) != 0)
    return REED_ENOMEM;
  b = copy ? reed_buf_new(outq_chunk_size(q, buf->len)) : reed_buf_ref(buf);
  if (b == NULL) {
    outq_release_if_empty(q);
    return REED_ENOMEM;
  }
  if (copy) {
    memcpy(b->data, buf->data, buf->len);
    b->len = buf->len;
  }
  q->ents[(q->head + q->count) % q->cap] = (reed_outq_ent_t){.buf = b};
  q->count++;
  q->bytes += buf->len;
  q->tail = copy ? b : NULL;
  q->tail_len = copy ? (uint32_t)b->len : 0;
  q->tail_cap = copy ? (uint32_t)b->cap : 0;
  return 0;
}

int
reed__outq_push(reed_outq_t *q, reed_buf_t *buf, size_t limit)
{
  if (buf->len == 0)
    return 0;
  if (limit > 0 && (buf->len > limit || q->bytes > limit - buf->len))
    return REED_EQUEUEFULL;
  if (buf->len <= REED_OUTQ_COPY_MAX && outq_copy_to_tail(q, buf))
    return 0;
  return outq_new_entry(q, buf, buf->len <= REED_OUTQ_COPY_MAX);
}

size_t
reed__outq_peek(const reed_outq_t *q, reed_iov_t *iov, size_t max)
{
  size_t n = 0;

  for (; n < q->count && n < max; n++) {
    const reed_outq_ent_t *e = &q->ents[(q->head + n) % q->cap];
    iov[n] = (reed_iov_t){
        .base = e->buf->data + e->off,
        .len = e->buf->len - e->off,
    };
  }
  return n;
}

static void
outq_release_if_empty(reed_outq_t *q)
{
  if (q->count > 0)
    return;
  reed_free(q->ents);
  *q = (reed_outq_t){0};
}

void
reed__outq_consume(reed_outq_t *q, size_t n)
{
  while (n > 0 && q->count > 0) {
    reed_outq_ent_t *e = &q->ents[q->head];
    size_t left = e->buf->len - e->off;
    if (n < left) {
      e->off += n;
      q->bytes -= n;
      return;
    }
    n -= left;
    q->bytes -= left;
    if (e->buf == q->tail)
      q->tail = NULL;
    reed_buf_unref(e->buf);
    q->head = (q->head + 1) % q->cap;
    q->count--;
  }
  outq_release_if_empty(q);
}

void
reed__outq_clear(reed_outq_t *q)
{
  reed__outq_consume(q, q->bytes);
}

size_t
reed__outq_footprint(const reed_outq_t *q)
{
  return q->ents ? sizeof(*q->ents) * q->cap : 0;
}

int
reed__inbuf_append(reed_inbuf_t *b, const uint8_t *p, size_t n, size_t limit)
{
  if (n == 0)
    return 0;
  if (limit > 0 && (n > limit || b->len > limit - n))
    return REED_ETOOBIG;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n)
      cap *= 2;
    if (limit > 0 && cap > limit)
      cap = limit;
    uint8_t *np = reed_realloc(b->p, cap);
    if (np == NULL)
      return REED_ENOMEM;
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, p, n);
  b->len += n;
  return 0;
}

void
reed__inbuf_consume(reed_inbuf_t *b, size_t n)
{
  if (n >= b->len) {
    reed__inbuf_clear(b);
    return;
  }
  memmove(b->p, b->p + n, b->len - n);
  b->len -= n;
}

void
reed__inbuf_clear(reed_inbuf_t *b)
{
  reed_free(b->p);
  *b = (reed_inbuf_t){0};
}
