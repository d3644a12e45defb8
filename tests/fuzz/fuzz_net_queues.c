/* Fuzzes server/net's bounded queues with operation sequences: pushes of
 * shared buffers, two-part pushes (a copied head and a body), partial
 * consumes, limits, read-buffer appends and
 * consumes. Invariants: the send queue's byte count equals a shadow count,
 * peek shows exactly the shadow bytes in order, nothing passes a limit, and
 * everything is freed at the end. */
#include "net_int.h"

#include <stdlib.h>
#include <string.h>

#define SHADOW_MAX (1 << 16)

typedef struct {
  uint8_t bytes[SHADOW_MAX];
  size_t len;
} shadow_t;

static void
check_outq(const reed_outq_t *q, const shadow_t *sh)
{
  reed_iov_t iov[64];
  size_t n = reed__outq_peek(q, iov, 64), off = 0;

  if (q->bytes != sh->len)
    abort();
  for (size_t i = 0; i < n; i++) {
    if (off + iov[i].len > sh->len ||
        memcmp(iov[i].base, sh->bytes + off, iov[i].len) != 0)
      abort();
    off += iov[i].len;
  }
  if (n < 64 && off != sh->len)
    abort();
  if (q->count == 0 && q->ents != NULL)
    abort();
}

static void
op_push(reed_outq_t *q, shadow_t *sh, const uint8_t *p, size_t n, size_t limit)
{
  reed_buf_t *b = reed_buf_from(p, n);
  int rc;

  if (b == NULL)
    return;
  rc = reed__outq_push(q, b, limit);
  if (rc == 0 && n > 0) {
    if (sh->len + n > SHADOW_MAX)
      abort();
    memcpy(sh->bytes + sh->len, p, n);
    sh->len += n;
  } else if (rc == REED_EQUEUEFULL && (limit == 0 || sh->len + n <= limit)) {
    abort();
  }
  reed_buf_unref(b);
}

/* The first h bytes are the head, the rest the body; both or neither. */
static void
op_push2(reed_outq_t *q, shadow_t *sh, const uint8_t *p, size_t n, size_t h,
         size_t limit)
{
  reed_buf_t *b = reed_buf_from(p + h, n - h);
  int rc;

  if (b == NULL)
    return;
  rc = reed__outq_push2(q, p, h, b, limit);
  if (rc == 0) {
    if (sh->len + n > SHADOW_MAX)
      abort();
    memcpy(sh->bytes + sh->len, p, n);
    sh->len += n;
  } else if (rc == REED_EQUEUEFULL && (limit == 0 || sh->len + n <= limit)) {
    abort();
  }
  reed_buf_unref(b);
}

static void
op_consume(reed_outq_t *q, shadow_t *sh, size_t n)
{
  if (n > sh->len)
    n = sh->len;
  reed__outq_consume(q, n);
  memmove(sh->bytes, sh->bytes + n, sh->len - n);
  sh->len -= n;
}

static void
op_inbuf(reed_inbuf_t *b, const uint8_t *p, size_t n, size_t limit)
{
  size_t before = b->len;
  int rc = reed__inbuf_append(b, p, n, limit);

  if (rc == 0 && b->len != before + n)
    abort();
  if (rc != 0 && b->len != before)
    abort();
  if (b->len > limit || (b->p != NULL && b->cap > limit))
    abort();
  if (b->len > 0 &&
      memcmp(b->p + b->len - (rc == 0 ? n : 0), p, rc == 0 ? n : 0) != 0)
    abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static shadow_t sh;
  reed_outq_t q = {0};
  reed_inbuf_t in = {0};
  long live = reed_alloc_live();
  size_t i = 0;
  /* One read-buffer limit per input, as a connection has. */
  size_t in_limit = 64 + (size > 0 ? data[0] % 64 : 0);

  sh.len = 0;
  while (i + 2 <= size) {
    uint8_t op = data[i], arg = data[i + 1];
    size_t n = arg % 32;
    i += 2;
    if (n > size - i)
      n = size - i;
    switch (op % 5) {
    case 0:
      op_push(&q, &sh, data + i, n, (op >> 2) ? (size_t)(op >> 2) * 8 : 0);
      i += n;
      break;
    case 1:
      op_consume(&q, &sh, arg);
      break;
    case 2:
      op_inbuf(&in, data + i, n, in_limit);
      i += n;
      break;
    case 3:
      reed__inbuf_consume(&in, arg % 48);
      break;
    default:
      op_push2(&q, &sh, data + i, n, n / 2,
               (op >> 3) ? (size_t)(op >> 3) * 8 : 0);
      i += n;
      break;
    }
    check_outq(&q, &sh);
  }
  reed__outq_clear(&q);
  reed__inbuf_clear(&in);
  if (reed_alloc_live() != live)
    abort();
  return 0;
}
