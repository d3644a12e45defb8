/* The pure pieces of server/net: send-queue accounting and read-buffer
 * bounds. */
#include "harness.h"
#include "net_int.h"

static reed_buf_t *
buf_of(const char *s)
{
  reed_buf_t *b = reed_buf_from(s, strlen(s));

  ASSERT(b != NULL);
  return b;
}

/* Concatenates what peek shows. */
static size_t
peek_all(const reed_outq_t *q, char *out, size_t n)
{
  reed_iov_t iov[64];
  size_t k = reed__outq_peek(q, iov, 64), len = 0;

  for (size_t i = 0; i < k; i++) {
    ASSERT(len + iov[i].len < n);
    memcpy(out + len, iov[i].base, iov[i].len);
    len += iov[i].len;
  }
  out[len] = '\0';
  return len;
}

TEST(outq_push_consume)
{
  long live = reed_alloc_live();
  reed_outq_t q = {0};
  reed_buf_t *a = buf_of("hello "), *b = buf_of("shared "), *c = buf_of("x");
  char out[64];

  ASSERT_EQ(reed__outq_footprint(&q), 0);
  ASSERT_EQ(reed__outq_push(&q, a, 0), 0);
  ASSERT_EQ(reed__outq_push(&q, b, 0), 0);
  ASSERT_EQ(reed__outq_push(&q, b, 0), 0);
  ASSERT_EQ(reed__outq_push(&q, c, 0), 0);
  /* Small buffers are copied into one chunk: no references kept, one
   * entry, so one iovec for the whole batch. */
  ASSERT_EQ(b->refs, 1);
  ASSERT_EQ(q.count, 1);
  ASSERT_EQ(q.bytes, 6 + 7 + 7 + 1);
  ASSERT_EQ(peek_all(&q, out, sizeof(out)), q.bytes);
  ASSERT_STR_EQ(out, "hello shared shared x");
  reed__outq_consume(&q, 8); /* into the first "shared " */
  ASSERT_EQ(q.bytes, 13);
  peek_all(&q, out, sizeof(out));
  ASSERT_STR_EQ(out, "ared shared x");
  reed__outq_consume(&q, 13);
  ASSERT_EQ(q.bytes, 0);
  /* Empty: the ring and the chunk are released. */
  ASSERT_EQ(reed__outq_footprint(&q), 0);
  ASSERT(q.ents == NULL);
  reed_buf_unref(a);
  reed_buf_unref(b);
  reed_buf_unref(c);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* A buffer past REED_OUTQ_COPY_MAX is queued by reference (one formatting
 * shared by many queues); small ones around it keep their order. */
TEST(outq_large_by_reference)
{
  long live = reed_alloc_live();
  reed_outq_t q = {0};
  reed_buf_t *big = reed_buf_new(REED_OUTQ_COPY_MAX + 1);
  reed_buf_t *s1 = buf_of("one "), *s2 = buf_of("two");
  reed_iov_t iov[8];

  big->len = REED_OUTQ_COPY_MAX + 1;
  memset(big->data, 'B', big->len);
  ASSERT_EQ(reed__outq_push(&q, s1, 0), 0);
  ASSERT_EQ(reed__outq_push(&q, big, 0), 0);
  ASSERT_EQ(reed__outq_push(&q, big, 0), 0);
  ASSERT_EQ(reed__outq_push(&q, s2, 0), 0);
  ASSERT_EQ(big->refs, 3);
  ASSERT_EQ(q.count, 4);
  ASSERT_EQ(reed__outq_peek(&q, iov, 8), 4);
  ASSERT_MEM_EQ(iov[0].base, "one ", 4);
  ASSERT(iov[1].base == big->data && iov[2].base == big->data);
  ASSERT_MEM_EQ(iov[3].base, "two", 3);
  reed__outq_consume(&q, 4 + big->len);
  ASSERT_EQ(big->refs, 2);
  reed__outq_clear(&q);
  ASSERT_EQ(big->refs, 1);
  reed_buf_unref(big);
  reed_buf_unref(s1);
  reed_buf_unref(s2);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* A write in flight holds pointers into the last chunk: appending to it
 * must not move the bytes already shown, and finishing that write leaves
 * exactly the appended bytes. */
TEST(outq_chunk_stable_while_in_flight)
{
  reed_outq_t q = {0};
  reed_buf_t *a = buf_of("first line\r\n"), *b = buf_of("second\r\n");
  reed_iov_t iov[4];
  size_t n, inflight = 0;
  char out[64];

  ASSERT_EQ(reed__outq_push(&q, a, 0), 0);
  n = reed__outq_peek(&q, iov, 4);
  ASSERT_EQ(n, 1);
  inflight = iov[0].len;
  ASSERT_EQ(reed__outq_push(&q, b, 0), 0);
  ASSERT_EQ(q.count, 1);
  /* The view taken before the append still shows the same bytes. */
  ASSERT_MEM_EQ(iov[0].base, "first line\r\n", inflight);
  reed__outq_consume(&q, inflight);
  peek_all(&q, out, sizeof(out));
  ASSERT_STR_EQ(out, "second\r\n");
  reed__outq_clear(&q);
  ASSERT(q.ents == NULL);
  reed_buf_unref(a);
  reed_buf_unref(b);
}

/* Chunks stay bounded in size, whatever is queued. */
TEST(outq_chunks_bounded)
{
  long live = reed_alloc_live();
  reed_outq_t q = {0};
  reed_buf_t *line = reed_buf_new(500);
  size_t total = 0;

  line->len = 500;
  memset(line->data, 'l', line->len);
  for (int i = 0; i < 400; i++) {
    ASSERT_EQ(reed__outq_push(&q, line, 0), 0);
    total += line->len;
  }
  ASSERT_EQ(q.bytes, total);
  for (uint32_t i = 0; i < q.count; i++) {
    const reed_outq_ent_t *e = &q.ents[(q.head + i) % q.cap];
    ASSERT(e->buf->cap <= REED_OUTQ_CHUNK_MAX);
  }
  /* Far fewer entries than lines. */
  ASSERT(q.count <= total / REED_OUTQ_CHUNK_MIN);
  reed__outq_clear(&q);
  reed_buf_unref(line);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(outq_limit_table)
{
  static const struct {
    size_t queued, len, limit;
    int rc;
  } cases[] = {
      {0, 10, 10, 0},
      {0, 11, 10, REED_EQUEUEFULL},
      {5, 5, 10, 0},
      {5, 6, 10, REED_EQUEUEFULL},
      {9, 1, 10, 0},
      {10, 1, 10, REED_EQUEUEFULL},
      {100, 1000, 0, 0}, /* no limit */
      {0, 0, 1, 0},      /* an empty buffer is skipped */
      {100, 3000, 0, 0}, /* large: by reference */
      {100, 3000, 3099, REED_EQUEUEFULL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_outq_t q = {0};
    reed_buf_t *pre = reed_buf_new(cases[i].queued + 1);
    reed_buf_t *b = reed_buf_new(cases[i].len + 1);
    bool by_ref = cases[i].rc == 0 && cases[i].len > REED_OUTQ_COPY_MAX;
    pre->len = cases[i].queued;
    b->len = cases[i].len;
    memset(pre->data, 'p', pre->len);
    memset(b->data, 'b', b->len);
    ASSERT_EQ(reed__outq_push(&q, pre, 0), 0);
    ASSERT_EQ(reed__outq_push(&q, b, cases[i].limit), cases[i].rc);
    /* A refused buffer leaves the queue as it was. */
    ASSERT_EQ(q.bytes, cases[i].queued + (cases[i].rc ? 0 : cases[i].len));
    ASSERT_EQ(b->refs, by_ref ? 2 : 1);
    reed__outq_clear(&q);
    ASSERT_EQ(b->refs, 1);
    reed_buf_unref(pre);
    reed_buf_unref(b);
  }
}

TEST(outq_ring_order)
{
  long live = reed_alloc_live();
  reed_outq_t q = {0};
  static char want[1 << 20], got[1 << 20];
  size_t wlen = 0, glen = 0, next = 0;
  reed_buf_t *big = reed_buf_new(REED_OUTQ_COPY_MAX + 3);

  big->len = REED_OUTQ_COPY_MAX + 3;
  /* Push a small, a large and a small buffer, consume one entry's worth,
   * repeatedly: the ring wraps and grows, chunks and references alternate,
   * and the bytes still come out in order. */
  for (int round = 0; round < 200; round++) {
    for (int k = 0; k < 3; k++) {
      char s[8];
      reed_buf_t *b;
      snprintf(s, sizeof(s), "%03zu", next++ % 1000);
      if (k == 1) {
        memset(big->data, s[2], big->len);
        b = reed_buf_from(big->data, big->len);
      } else {
        b = buf_of(s);
      }
      ASSERT(b != NULL);
      ASSERT(wlen + b->len <= sizeof(want));
      memcpy(want + wlen, b->data, b->len);
      wlen += b->len;
      ASSERT_EQ(reed__outq_push(&q, b, 0), 0);
      reed_buf_unref(b);
    }
    reed_iov_t iov[1];
    size_t n = reed__outq_peek(&q, iov, 1), take = 0;
    for (size_t i = 0; i < n; i++) {
      ASSERT(glen + iov[i].len <= sizeof(got));
      memcpy(got + glen, iov[i].base, iov[i].len);
      glen += iov[i].len;
      take += iov[i].len;
    }
    reed__outq_consume(&q, take);
  }
  ASSERT(q.count > 100);
  ASSERT(q.cap >= q.count);
  ASSERT_EQ(glen + q.bytes, wlen);
  ASSERT_MEM_EQ(got, want, glen);
  reed__outq_clear(&q);
  reed_buf_unref(big);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(outq_enomem)
{
  long live;
  reed_outq_t q = {0};
  reed_buf_t *b = buf_of("abc");

  live = reed_alloc_live();
  reed_alloc_fail_after(0);
  ASSERT_EQ(reed__outq_push(&q, b, 0), REED_ENOMEM);
  reed_alloc_fail_after(-1);
  ASSERT_EQ(q.bytes, 0);
  ASSERT_EQ(b->refs, 1);
  ASSERT_EQ(reed_alloc_live(), live);
  /* The ring is allocated, the chunk is not: nothing is left behind. */
  reed_alloc_fail_after(1);
  ASSERT_EQ(reed__outq_push(&q, b, 0), REED_ENOMEM);
  reed_alloc_fail_after(-1);
  ASSERT_EQ(q.bytes, 0);
  ASSERT(q.ents == NULL);
  ASSERT_EQ(reed_alloc_live(), live);
  reed_buf_unref(b);
}

/* The two-part write: a per-recipient head copied beside the small
 * writes, then the shared body (copied when small, by reference when
 * large), both or neither against the limit. */
TEST(outq_push2_head_and_body)
{
  static const struct {
    size_t queued, head, body, limit;
    int rc;
  } cases[] = {
      {0, 5, 10, 0, 0},
      {0, 5, 10, 15, 0},
      {0, 5, 10, 14, REED_EQUEUEFULL}, /* the body alone would fit */
      {4, 5, 10, 18, REED_EQUEUEFULL},
      {4, 5, 10, 19, 0},
      {0, 0, 10, 10, 0},   /* no head: a plain write */
      {0, 5, 0, 5, 0},     /* an empty body: the head alone */
      {3, 40, 3000, 0, 0}, /* a large body by reference */
      {3, 40, 3000, 3042, REED_EQUEUEFULL},
      {0, 2000, 3000, 0, 0}, /* a head past the copy limit: its own chunk */
  };
  static uint8_t head[2000];

  memset(head, 'h', sizeof(head));
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    long live = reed_alloc_live();
    reed_outq_t q = {0};
    reed_buf_t *pre = reed_buf_new(cases[i].queued + 1);
    reed_buf_t *b = reed_buf_new(cases[i].body + 1);
    static char out[8192], want[8192];
    bool by_ref = cases[i].rc == 0 && cases[i].body > REED_OUTQ_COPY_MAX;
    size_t wlen = 0;
    pre->len = cases[i].queued;
    b->len = cases[i].body;
    memset(pre->data, 'p', pre->len);
    memset(b->data, 'b', b->len);
    ASSERT_EQ(reed__outq_push(&q, pre, 0), 0);
    ASSERT_EQ(reed__outq_push2(&q, head, cases[i].head, b, cases[i].limit),
              cases[i].rc);
    memset(want, 'p', cases[i].queued);
    wlen = cases[i].queued;
    if (cases[i].rc == 0) {
      memset(want + wlen, 'h', cases[i].head);
      memset(want + wlen + cases[i].head, 'b', cases[i].body);
      wlen += cases[i].head + cases[i].body;
    }
    want[wlen] = '\0';
    ASSERT_EQ(q.bytes, wlen);
    ASSERT_EQ(peek_all(&q, out, sizeof(out)), wlen);
    ASSERT_STR_EQ(out, want);
    ASSERT_EQ(b->refs, by_ref ? 2 : 1);
    reed__outq_clear(&q);
    reed_buf_unref(pre);
    reed_buf_unref(b);
    ASSERT_EQ(reed_alloc_live(), live);
  }
}

/* A fan-out of head + small shared body to one queue, many times: heads
 * and bodies share chunks (no allocation per write), in order. */
TEST(outq_push2_shares_chunks)
{
  long live = reed_alloc_live();
  reed_outq_t q = {0};
  reed_buf_t *body = buf_of(" body\r\n");
  char out[4096], want[4096] = "";

  for (int i = 0; i < 20; i++) {
    char head[16];
    int n = snprintf(head, sizeof(head), "to %d:", i);
    ASSERT_EQ(reed__outq_push2(&q, head, (size_t)n, body, 0), 0);
    strcat(want, head);
    strcat(want, " body\r\n");
  }
  ASSERT_EQ(body->refs, 1);
  ASSERT(q.count <= 2);
  peek_all(&q, out, sizeof(out));
  ASSERT_STR_EQ(out, want);
  reed__outq_clear(&q);
  reed_buf_unref(body);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(outq_push2_enomem)
{
  reed_outq_t q = {0};
  reed_buf_t *b = buf_of("abc");
  long live = reed_alloc_live();

  for (int n = 0; n < 2; n++) {
    reed_alloc_fail_after(n);
    ASSERT_EQ(reed__outq_push2(&q, "head", 4, b, 0), REED_ENOMEM);
    reed_alloc_fail_after(-1);
    ASSERT_EQ(q.bytes, 0);
    ASSERT(q.ents == NULL);
    ASSERT_EQ(reed_alloc_live(), live);
  }
  ASSERT_EQ(b->refs, 1);
  reed_buf_unref(b);
}

/* With a pool, an emptied queue gives its ring and small chunk back, and
 * the next queue takes them instead of allocating: a fan-out's per
 * delivery malloc/free pairs. Only unshared buffers of the chunk size go
 * in, at most REED_OUTQ_POOL_MAX of each, and the pool frees them all. */
TEST(outq_pool_reuse)
{
  long live = reed_alloc_live();
  reed_outq_pool_t *pool = reed_calloc(1, sizeof(*pool));
  reed_outq_t q = {.pool = pool}, r = {.pool = pool};
  reed_buf_t *line = buf_of("JOIN #big\r\n"), *big, *chunk;
  reed_outq_ent_t *ring;

  ASSERT(pool != NULL);
  ASSERT_EQ(reed__outq_push(&q, line, 0), 0);
  chunk = q.tail;
  ring = q.ents;
  ASSERT_EQ(chunk->cap, REED_OUTQ_CHUNK_MIN);
  reed__outq_consume(&q, q.bytes);
  ASSERT(q.ents == NULL && q.pool == pool);
  ASSERT_EQ(pool->n_chunks, 1);
  ASSERT_EQ(pool->n_rings, 1);
  /* The next queue's first line lands in the same blocks. */
  ASSERT_EQ(reed__outq_push(&r, line, 0), 0);
  ASSERT(r.tail == chunk && r.ents == ring);
  ASSERT_EQ(pool->n_chunks, 0);
  ASSERT_EQ(pool->n_rings, 0);
  reed__outq_clear(&r);
  /* A large buffer, queued by reference, goes back to its owner. */
  big = reed_buf_new(REED_OUTQ_COPY_MAX + 1);
  ASSERT(big != NULL);
  big->len = REED_OUTQ_COPY_MAX + 1;
  memset(big->data, 'y', big->len);
  ASSERT_EQ(reed__outq_push(&q, big, 0), 0);
  reed__outq_clear(&q);
  ASSERT_EQ(big->refs, 1);
  ASSERT_EQ(pool->n_chunks, 1); /* the chunk from before, no more */
  reed_buf_unref(big);
  /* Bounded: a full pool frees what comes back. */
  ASSERT_EQ(reed__outq_push(&q, line, 0), 0);
  pool->n_rings = REED_OUTQ_POOL_MAX; /* (slots never read: none is taken) */
  reed__outq_clear(&q);
  ASSERT_EQ(pool->n_rings, REED_OUTQ_POOL_MAX);
  pool->n_rings = 0;
  reed__outq_pool_free(pool);
  ASSERT_EQ(pool->n_chunks, 0);
  ASSERT_EQ(pool->n_rings, 0);
  reed_free(pool);
  reed_buf_unref(line);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(inbuf_bounds_table)
{
  static const struct {
    const char *chunks[4];
    size_t limit;
    int rc_last;
    size_t len;
  } cases[] = {
      {{"abc", "def"}, 6, 0, 6},          {{"abc", "defg"}, 6, REED_ETOOBIG, 3},
      {{"abcdefgh"}, 7, REED_ETOOBIG, 0}, {{"", "a"}, 1, 0, 1},
      {{"x", "y", "z"}, 0, 0, 3},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_inbuf_t b = {0};
    int rc = 0;
    for (size_t k = 0; k < 4 && cases[i].chunks[k] != NULL; k++) {
      const char *s = cases[i].chunks[k];
      rc =
          reed__inbuf_append(&b, (const uint8_t *)s, strlen(s), cases[i].limit);
    }
    ASSERT_EQ(rc, cases[i].rc_last);
    ASSERT_EQ(b.len, cases[i].len);
    /* Storage never passes the bound. */
    if (cases[i].limit > 0)
      ASSERT(b.cap <= cases[i].limit);
    reed__inbuf_clear(&b);
    ASSERT(b.p == NULL && b.cap == 0);
  }
}

TEST(inbuf_consume)
{
  long live = reed_alloc_live();
  reed_inbuf_t b = {0};

  ASSERT_EQ(reed__inbuf_append(&b, (const uint8_t *)"line one\nrest", 13, 64),
            0);
  reed__inbuf_consume(&b, 9);
  ASSERT_EQ(b.len, 4);
  ASSERT_MEM_EQ(b.p, "rest", 4);
  ASSERT_EQ(reed__inbuf_append(&b, (const uint8_t *)" more", 5, 64), 0);
  ASSERT_MEM_EQ(b.p, "rest more", 9);
  reed__inbuf_consume(&b, 9);
  /* Empty: released. */
  ASSERT(b.p == NULL && b.cap == 0);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(ip_key_table)
{
  static const struct {
    const char *ip, *key;
  } cases[] = {
      {"127.0.0.1", "127.0.0.1"},
      {"10.1.2.3", "10.1.2.3"},
      {"::ffff:10.1.2.3", "10.1.2.3"},
      {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
      {"2001:db8:1:2::ffff", "2001:db8:1:2::/64"},
      {"2001:db8:1:3::1", "2001:db8:1:3::/64"},
      {"::1", "::/64"},
      {"fe80::1", "fe80::/64"},
      {"unix", NULL},
      {"", NULL},
      {"1.2.3", NULL},
      {"1.2.3.4.5", NULL},
      {"010.1.2.3", NULL}, /* not canonical: inet_pton refuses it */
      {"2001:db8::1::2", NULL},
  };
  char key[64];

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int rc = reed__ip_key(cases[i].ip, key, sizeof(key));
    if (cases[i].key == NULL) {
      ASSERT_EQ(rc, REED_EINVAL);
      continue;
    }
    ASSERT_EQ(rc, 0);
    ASSERT_STR_EQ(key, cases[i].key);
  }
  /* A key that does not fit is refused, not truncated. */
  ASSERT_EQ(reed__ip_key("2001:db8:1:2::1", key, 12), REED_EINVAL);
  ASSERT_EQ(reed__ip_key("127.0.0.1", key, 9), REED_EINVAL);
}

/* Two addresses of one IPv6 /64 share a counter; another /64 does not. */
TEST(ip_limit_per_prefix)
{
  reed_net_t net;
  long live = reed_alloc_live();

  memset(&net, 0, sizeof(net));
  ASSERT_EQ(reed__ip_acquire(&net, "2001:db8:1:2::1", 2), 0);
  ASSERT_EQ(reed__ip_acquire(&net, "2001:db8:1:2::99", 2), 0);
  ASSERT_EQ(reed__ip_acquire(&net, "2001:db8:1:2:ffff::1", 2), REED_ELIMIT);
  ASSERT_EQ(reed__ip_acquire(&net, "2001:db8:1:3::1", 2), 0);
  ASSERT_EQ(reed__ip_acquire(&net, "10.0.0.1", 1), 0);
  ASSERT_EQ(reed__ip_acquire(&net, "::ffff:10.0.0.1", 1), REED_ELIMIT);
  reed__ip_release(&net, "2001:db8:1:2::99");
  ASSERT_EQ(reed__ip_acquire(&net, "2001:db8:1:2:ffff::1", 2), 0);
  reed__ip_release(&net, "2001:db8:1:2::1");
  reed__ip_release(&net, "2001:db8:1:2:ffff::1");
  reed__ip_release(&net, "2001:db8:1:3::1");
  reed__ip_release(&net, "10.0.0.1");
  reed__ip_release(&net, "10.0.0.1"); /* unknown now: ignored */
  /* Entries go with their last connection; only the table remains. */
  reed__ip_free_all(&net);
  ASSERT_EQ(reed_alloc_live(), live);
}
