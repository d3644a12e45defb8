/* Refcounted byte buffers: one formatting shared by many send queues. */
#include "base.h"

#include <stdio.h>
#include <string.h>

reed_buf_t *
reed_buf_new(size_t cap)
{
  reed_buf_t *b = reed_malloc(sizeof(*b) + cap);

  if (b == NULL)
    return NULL;
  b->refs = 1;
  b->len = 0;
  b->cap = cap;
  return b;
}

reed_buf_t *
reed_buf_from(const void *p, size_t len)
{
  reed_buf_t *b = reed_buf_new(len);

  if (b == NULL)
    return NULL;
  memcpy(b->data, p, len);
  b->len = len;
  return b;
}

static int
reserve(reed_buf_t **b, size_t extra)
{
  reed_buf_t *nb;
  size_t cap = (*b)->cap;

  if ((*b)->len + extra <= cap)
    return 0;
  while (cap < (*b)->len + extra)
    cap = cap ? cap * 2 : 64;
  nb = reed_realloc(*b, sizeof(*nb) + cap);
  if (nb == NULL)
    return REED_ENOMEM;
  nb->cap = cap;
  *b = nb;
  return 0;
}

int
reed_buf_append(reed_buf_t **b, const void *p, size_t len)
{
  if (reserve(b, len) != 0)
    return REED_ENOMEM;
  memcpy((*b)->data + (*b)->len, p, len);
  (*b)->len += len;
  return 0;
}

int
reed_buf_printf(reed_buf_t **b, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return REED_EINVAL;
  if (reserve(b, (size_t)n + 1) != 0)
    return REED_ENOMEM;
  va_start(ap, fmt);
  vsnprintf((char *)(*b)->data + (*b)->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  (*b)->len += (size_t)n;
  return 0;
}

reed_buf_t *
reed_buf_ref(reed_buf_t *b)
{
  b->refs++;
  return b;
}

void
reed_buf_unref(reed_buf_t *b)
{
  if (b != NULL && --b->refs == 0)
    reed_free(b);
}
