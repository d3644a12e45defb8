/* The WebSocket framer, table-driven: client frames fed whole, split at
 * every byte and one byte at a time give the same events. */
#include "harness.h"
#include "http_int.h"

#include <stdio.h>

typedef struct {
  char log[2048];
  size_t n;
} rec_t;

static void
rec(rec_t *r, const char *fmt, const char *s, unsigned long long a,
    unsigned long long b)
{
  if (r->n + 64 > sizeof(r->log))
    return; /* long payloads: the log keeps their start */
  r->n += (size_t)snprintf(r->log + r->n, sizeof(r->log) - r->n, fmt, s, a, b);
}

static int
on_begin(void *ud, const reed_ws_frame_t *f)
{
  rec(ud, "%s%llu:%llu ", f->fin ? "B" : "b", f->opcode, f->len);
  return 0;
}

static int
on_data(void *ud, const uint8_t *p, size_t len)
{
  rec_t *r = ud;

  /* Pieces differ with the split; the bytes do not. */
  for (size_t i = 0; i < len && r->n + 64 < sizeof(r->log); i++)
    r->n += (size_t)snprintf(r->log + r->n, sizeof(r->log) - r->n, "%c",
                             p[i] >= ' ' && p[i] < 0x7f ? p[i] : '.');
  return 0;
}

static int
on_end(void *ud, const reed_ws_frame_t *f)
{
  rec(ud, "%s%llu%.0llu ", " E", f->opcode, 0);
  return 0;
}

static const reed_ws_frame_cbs_t cbs = {on_begin, on_data, on_end};

/* A client frame: header, mask 1 2 3 4, masked payload. */
static size_t
frame(uint8_t *out, uint8_t b0, const char *payload, size_t len, bool masked)
{
  static const uint8_t mask[4] = {1, 2, 3, 4};
  size_t n = 0;

  out[n++] = b0;
  if (len < 126) {
    out[n++] = (uint8_t)((masked ? 0x80 : 0) | len);
  } else {
    out[n++] = (uint8_t)((masked ? 0x80 : 0) | 126);
    out[n++] = (uint8_t)(len >> 8);
    out[n++] = (uint8_t)len;
  }
  if (masked) {
    memcpy(out + n, mask, 4);
    n += 4;
  }
  for (size_t i = 0; i < len; i++)
    out[n + i] = (uint8_t)payload[i] ^ (masked ? mask[i & 3] : 0);
  return n + len;
}

static int
run(const uint8_t *in, size_t len, size_t step, rec_t *r)
{
  reed_ws_frame_t f = {0};
  size_t at = 0;
  int rc = 0;

  memset(r, 0, sizeof(*r));
  while (at < len && rc == 0) {
    size_t n = step == 0 || len - at < step ? len - at : step, used;
    rc = reed__ws_frame_feed(&f, &cbs, r, in + at, n, &used);
    at += used;
  }
  return rc;
}

static void
check(const uint8_t *in, size_t len, int want_rc, const char *want)
{
  rec_t whole, part;
  int rc = run(in, len, 0, &whole);

  ASSERT_EQ(rc, want_rc);
  ASSERT_STR_EQ(whole.log, want);
  for (size_t step = 1; step <= len; step++) {
    ASSERT_EQ(run(in, len, step, &part), want_rc);
    ASSERT_STR_EQ(part.log, whole.log);
  }
}

TEST(wsframe_table)
{
  static const struct {
    uint8_t b0;
    const char *payload;
    bool masked;
    int rc;
    const char *log;
  } cases[] = {
      {0x81, "hello", true, 0, "B1:5 hello E1 "},
      {0x82, "", true, 0, "B2:0  E2 "},
      {0x01, "frag", true, 0, "b1:4 frag E1 "},
      {0x80, "ment", true, 0, "B0:4 ment E0 "},
      {0x89, "ping", true, 0, "B9:4 ping E9 "},
      {0x88, "\x03\xe8", true, 0, "B8:2 .. E8 "},
      {0x81, "hello", false, 1002, ""}, /* unmasked */
      {0xc1, "x", true, 1002, ""},      /* RSV1 */
      {0xa1, "x", true, 1002, ""},      /* RSV2 */
      {0x83, "x", true, 1002, ""},      /* reserved opcode */
      {0x8b, "x", true, 1002, ""},      /* reserved control */
      {0x09, "x", true, 1002, ""},      /* fragmented ping */
  };
  uint8_t buf[256];

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    size_t n = frame(buf, cases[i].b0, cases[i].payload,
                     strlen(cases[i].payload), cases[i].masked);
    check(buf, n, cases[i].rc, cases[i].log);
  }
}

TEST(wsframe_lengths)
{
  static char big[70000];
  uint8_t *buf = malloc(sizeof(big) + 16);
  rec_t r;
  size_t n;

  memset(big, 'x', sizeof(big));
  /* 126 bytes: the 16-bit length form */
  n = frame(buf, 0x82, big, 126, true);
  ASSERT_EQ(n, 2 + 2 + 4 + 126);
  ASSERT_EQ(run(buf, n, 7, &r), 0);
  ASSERT(strncmp(r.log, "B2:126 xxx", 10) == 0);
  /* 64-bit form: 70000 bytes */
  buf[0] = 0x82;
  buf[1] = 0x80 | 127;
  for (int i = 0; i < 8; i++)
    buf[2 + i] = (uint8_t)((uint64_t)sizeof(big) >> (56 - 8 * i));
  memset(buf + 10, 0, 4);
  memcpy(buf + 14, big, sizeof(big));
  ASSERT_EQ(run(buf, 14 + sizeof(big), 1000, &r), 0);
  ASSERT(strncmp(r.log, "B2:70000 xxx", 12) == 0);
  /* a length with its top bit set */
  buf[2] = 0x80;
  ASSERT_EQ(run(buf, 14, 0, &r), 1002);
  /* a control frame longer than 125 */
  n = frame(buf, 0x89, big, 126, true);
  ASSERT_EQ(run(buf, n, 0, &r), 1002);
  free(buf);
}

/* Several frames in one read, and the header helper and close codes. */
TEST(wsframe_sequence_and_helpers)
{
  uint8_t buf[128], hdr[10];
  size_t n = 0;

  n += frame(buf + n, 0x01, "ab", 2, true);
  n += frame(buf + n, 0x89, "", 0, true);
  n += frame(buf + n, 0x80, "cd", 2, true);
  check(buf, n, 0, "b1:2 ab E1 B9:0  E9 B0:2 cd E0 ");
  ASSERT_EQ(reed__ws_frame_header(hdr, WS_OP_TEXT, 5), 2);
  ASSERT_MEM_EQ(hdr, "\x81\x05", 2);
  ASSERT_EQ(reed__ws_frame_header(hdr, WS_OP_BINARY, 300), 4);
  ASSERT_MEM_EQ(hdr, "\x82\x7e\x01\x2c", 4);
  ASSERT_EQ(reed__ws_frame_header(hdr, WS_OP_BINARY, 65536), 10);
  ASSERT_MEM_EQ(hdr, "\x82\x7f\0\0\0\0\0\x01\0\0", 10);
  ASSERT(reed__ws_close_code_ok(1000));
  ASSERT(reed__ws_close_code_ok(1011));
  ASSERT(reed__ws_close_code_ok(3000));
  ASSERT(reed__ws_close_code_ok(4999));
  ASSERT(!reed__ws_close_code_ok(999));
  ASSERT(!reed__ws_close_code_ok(1004));
  ASSERT(!reed__ws_close_code_ok(1005));
  ASSERT(!reed__ws_close_code_ok(1006));
  ASSERT(!reed__ws_close_code_ok(1015));
  ASSERT(!reed__ws_close_code_ok(2000));
  ASSERT(!reed__ws_close_code_ok(5000));
}
