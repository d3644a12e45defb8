/* Bounded queues, pure: the send queue (a ring that grows by doubling, of
 * references to large buffers and of chunks that small ones are copied
 * into) and the read buffer of unconsumed input. Both allocate on first use
 * and free their storage as soon as they are empty, so an idle connection
 * holds none. */
#include "net_int.h"

#include <string.h>

static void outq_release_if_empty(reed_outq_t *q);

void
reed__outq_pool_free(reed_outq_pool_t *pool)
{
  while (pool->n_chunks > 0)
    reed_free(pool->chunks[--pool->n_chunks]);
  while (pool->n_rings > 0)
    reed_free(pool->rings[--pool->n_rings]);
}

static reed_outq_ent_t *
ring_new(reed_outq_t *q, uint32_t cap)
{
  reed_outq_pool_t *pool = q->pool;

  if (cap == REED_OUTQ_RING_MIN && pool != NULL && pool->n_rings > 0)
    return pool->rings[--pool->n_rings];
  return reed_malloc(sizeof(reed_outq_ent_t) * cap);
}

static void
ring_free(reed_outq_pool_t *pool, reed_outq_ent_t *ents, uint32_t cap)
{
  if (ents != NULL && cap == REED_OUTQ_RING_MIN && pool != NULL &&
      pool->n_rings < REED_OUTQ_POOL_MAX)
    pool->rings[pool->n_rings++] = ents;
  else
    reed_free(ents);
}

static reed_buf_t *
chunk_new(reed_outq_t *q, size_t cap)
{
  reed_outq_pool_t *pool = q->pool;
  reed_buf_t *b;

  if (cap != REED_OUTQ_CHUNK_MIN || pool == NULL || pool->n_chunks == 0)
    return reed_buf_new(cap);
  b = pool->chunks[--pool->n_chunks];
  b->refs = 1;
  b->len = 0;
  return b;
}

/* Every reed_buf_t is one reed_malloc block (reed_buf_new), so any whose
 * last reference goes with room for a small chunk can serve as one. */
static void
buf_release(reed_outq_pool_t *pool, reed_buf_t *b)
{
  if (b->refs == 1 && b->cap == REED_OUTQ_CHUNK_MIN && pool != NULL &&
      pool->n_chunks < REED_OUTQ_POOL_MAX) {
    pool->chunks[pool->n_chunks++] = b;
    return;
  }
  reed_buf_unref(b);
}

static int
outq_grow(reed_outq_t *q)
{
  uint32_t cap = q->cap ? q->cap * 2 : REED_OUTQ_RING_MIN;
  reed_outq_ent_t *ents = ring_new(q, cap);

  if (ents == NULL)
    return REED_ENOMEM;
  for (uint32_t i = 0; i < q->count; i++)
    ents[i] = q->ents[(q->head + i) % q->cap];
  ring_free(q->pool, q->ents, q->cap);
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

/* Appends a copy of n bytes of p to the tail chunk; false when they do not
 * fit. */
static bool
outq_copy_to_tail(reed_outq_t *q, const void *p, size_t n)
{
  if (q->tail == NULL || q->tail_cap - q->tail_len < n)
    return false;
  memcpy(q->tail->data + q->tail_len, p, n);
  q->tail_len += (uint32_t)n;
  q->tail->len = q->tail_len;
  q->bytes += n;
  return true;
}

static int
outq_reserve(reed_outq_t *q)
{
  return q->count < q->cap ? 0 : outq_grow(q);
}

/* Appends b (a reference the queue now owns) as the last entry; `chunk`
 * when it is the queue's own, which small buffers append to. */
static void
outq_append(reed_outq_t *q, reed_buf_t *b, bool chunk)
{
  q->ents[(q->head + q->count) % q->cap] = (reed_outq_ent_t){.buf = b};
  q->count++;
  q->bytes += b->len;
  q->tail = chunk ? b : NULL;
  q->tail_len = chunk ? (uint32_t)b->len : 0;
  q->tail_cap = chunk ? (uint32_t)b->cap : 0;
}

/* A new chunk holding a copy of n bytes of p. */
static int
outq_new_chunk(reed_outq_t *q, const void *p, size_t n)
{
  reed_buf_t *b;

  if (outq_reserve(q) != 0)
    return REED_ENOMEM;
  if ((b = chunk_new(q, outq_chunk_size(q, n))) == NULL) {
    outq_release_if_empty(q);
    return REED_ENOMEM;
  }
  memcpy(b->data, p, n);
  b->len = n;
  outq_append(q, b, true);
  return 0;
}

/* A new entry: buf itself, or (copy) a new chunk holding its bytes. */
static int
outq_new_entry(reed_outq_t *q, reed_buf_t *buf, bool copy)
{
  if (copy)
    return outq_new_chunk(q, buf->data, buf->len);
  if (outq_reserve(q) != 0)
    return REED_ENOMEM;
  outq_append(q, reed_buf_ref(buf), false);
  return 0;
}

int
reed__outq_push(reed_outq_t *q, reed_buf_t *buf, size_t limit)
{
  if (buf->len == 0)
    return 0;
  if (limit > 0 && (buf->len > limit || q->bytes > limit - buf->len))
    return REED_EQUEUEFULL;
  if (buf->len <= REED_OUTQ_COPY_MAX &&
      outq_copy_to_tail(q, buf->data, buf->len))
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
  reed_outq_pool_t *pool = q->pool;

  if (q->count > 0)
    return;
  ring_free(pool, q->ents, q->cap);
  *q = (reed_outq_t){.pool = pool};
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
    buf_release(q->pool, e->buf);
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

/* ---- Two-part writes --------------------------------------------------------
 * A per-recipient head before a shared body: the head is copied as a small
 * buffer is, so a fan-out allocates nothing per recipient beyond the
 * chunks that its small lines already share. */
int
reed__outq_push2(reed_outq_t *q, const void *head, size_t head_len,
                 reed_buf_t *body, size_t limit)
{
  size_t len = head_len + body->len;
  int rc;

  if (limit > 0 && (len > limit || q->bytes > limit - len))
    return REED_EQUEUEFULL;
  if (head_len > 0 && !outq_copy_to_tail(q, head, head_len) &&
      (rc = outq_new_chunk(q, head, head_len)) != 0)
    return rc;
  return reed__outq_push(q, body, 0);
}
