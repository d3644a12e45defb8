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
  ASSERT_EQ(reed__outq_push(&q, b, 0), 0); /* one buffer, two refs */
  ASSERT_EQ(reed__outq_push(&q, c, 0), 0);
  ASSERT_EQ(b->refs, 3);
  ASSERT_EQ(q.bytes, 6 + 7 + 7 + 1);
  ASSERT_EQ(peek_all(&q, out, sizeof(out)), q.bytes);
  ASSERT_STR_EQ(out, "hello shared shared x");
  reed__outq_consume(&q, 8); /* into the first "shared " */
  ASSERT_EQ(q.bytes, 13);
  ASSERT_EQ(b->refs, 3);
  peek_all(&q, out, sizeof(out));
  ASSERT_STR_EQ(out, "ared shared x");
  reed__outq_consume(&q, 5);
  ASSERT_EQ(b->refs, 2);
  reed__outq_consume(&q, 8);
  ASSERT_EQ(q.bytes, 0);
  ASSERT_EQ(b->refs, 1);
  /* Empty: the ring is released. */
  ASSERT_EQ(reed__outq_footprint(&q), 0);
  ASSERT(q.ents == NULL);
  reed_buf_unref(a);
  reed_buf_unref(b);
  reed_buf_unref(c);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(outq_limit_table)
{
  static const struct {
    size_t queued, len, limit;
    int rc;
  } cases[] = {
      {0, 10, 10, 0},    {0, 11, 10, REED_EQUEUEFULL},
      {5, 5, 10, 0},     {5, 6, 10, REED_EQUEUEFULL},
      {9, 1, 10, 0},     {10, 1, 10, REED_EQUEUEFULL},
      {100, 1000, 0, 0}, /* no limit */
      {0, 0, 1, 0},      /* an empty buffer is skipped */
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_outq_t q = {0};
    reed_buf_t *pre = reed_buf_new(cases[i].queued + 1);
    reed_buf_t *b = reed_buf_new(cases[i].len + 1);
    pre->len = cases[i].queued;
    b->len = cases[i].len;
    memset(pre->data, 'p', pre->len);
    memset(b->data, 'b', b->len);
    ASSERT_EQ(reed__outq_push(&q, pre, 0), 0);
    ASSERT_EQ(reed__outq_push(&q, b, cases[i].limit), cases[i].rc);
    /* A refused buffer leaves the queue as it was. */
    ASSERT_EQ(q.bytes, cases[i].queued + (cases[i].rc ? 0 : cases[i].len));
    ASSERT_EQ(b->refs, cases[i].rc || cases[i].len == 0 ? 1 : 2);
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
  char want[4096], got[4096];
  size_t wlen = 0, glen = 0, next = 0;

  /* Push 3, consume 2 buffers' worth, repeatedly: the ring wraps and grows
   * and the bytes still come out in order. */
  for (int round = 0; round < 200; round++) {
    for (int k = 0; k < 3; k++) {
      char s[8];
      snprintf(s, sizeof(s), "%03zu", next++ % 1000);
      reed_buf_t *b = buf_of(s);
      ASSERT_EQ(reed__outq_push(&q, b, 0), 0);
      reed_buf_unref(b);
      if (wlen + 3 < sizeof(want)) {
        memcpy(want + wlen, s, 3);
        wlen += 3;
      }
    }
    reed_iov_t iov[2];
    size_t n = reed__outq_peek(&q, iov, 2), take = 0;
    for (size_t i = 0; i < n; i++) {
      if (glen + iov[i].len < sizeof(got)) {
        memcpy(got + glen, iov[i].base, iov[i].len);
        glen += iov[i].len;
      }
      take += iov[i].len;
    }
    reed__outq_consume(&q, take);
  }
  ASSERT(q.count == 200);
  ASSERT(q.cap >= q.count);
  ASSERT_MEM_EQ(got, want, glen < wlen ? glen : wlen);
  reed__outq_clear(&q);
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
  reed_buf_unref(b);
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
