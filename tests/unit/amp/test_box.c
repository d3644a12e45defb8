/* The AMP box codec: framing limits at every split point, and every
 * argument type against Twisted's own encodings (vectors produced with
 * python3-twisted 22.4). */
#include "amp.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>

/* ---- A small byte builder for generated boxes -------------------------- */
typedef struct {
  uint8_t *p;
  size_t len, cap;
} bb_t;

static void
bb_raw(bb_t *b, const void *p, size_t n)
{
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->p = realloc(b->p, b->cap);
    ASSERT(b->p != NULL);
  }
  if (n)
    memcpy(b->p + b->len, p, n);
  b->len += n;
}

static void
bb_u16(bb_t *b, size_t v)
{
  uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
  bb_raw(b, x, 2);
}

static void
bb_pair(bb_t *b, const char *k, size_t klen, const char *v, size_t vlen)
{
  bb_u16(b, klen);
  bb_raw(b, k, klen);
  bb_u16(b, vlen);
  bb_raw(b, v, vlen);
}

static void
bb_kv(bb_t *b, const char *k, const char *v)
{
  bb_pair(b, k, strlen(k), v, strlen(v));
}

static void
bb_end(bb_t *b)
{
  bb_u16(b, 0);
}

/* Decodes all of `in` split into two chunks at `split` (a split equal to
 * len is one chunk). Returns the number of boxes, or the first error; the
 * pair count and dup flag of the last box go to *npairs and *dup. */
static int
decode_split(const uint8_t *in, size_t len, size_t split, size_t *npairs,
             bool *dup)
{
  reed_amp_decoder_t d;
  reed_amp_box_t box;
  size_t cuts[3] = {0, split, len};
  int boxes = 0, rc = 0;

  reed_amp_decoder_init(&d);
  for (int c = 0; c < 2 && rc >= 0; c++) {
    size_t pos = cuts[c];
    while (pos < cuts[c + 1] && rc >= 0) {
      size_t used = 0;
      rc = reed_amp_decode(&d, in + pos, cuts[c + 1] - pos, &used, &box);
      pos += used;
      if (rc == 1) {
        boxes++;
        *npairs = box.n;
        *dup = box.dup;
      }
    }
    reed_amp_decoder_trim(&d);
  }
  reed_amp_decoder_cleanup(&d);
  return rc < 0 ? rc : boxes;
}

/* Every split point must give the same answer; byte-by-byte too. */
static int
decode_every_split(const uint8_t *in, size_t len, size_t *npairs, bool *dup)
{
  int first = decode_split(in, len, len, npairs, dup);
  size_t step = len > 4096 ? len / 97 : 1;

  for (size_t s = 0; s < len; s += step) {
    size_t n2 = 0;
    bool d2 = false;
    ASSERT_EQ(decode_split(in, len, s, &n2, &d2), first);
    if (first > 0) {
      ASSERT_EQ(n2, *npairs);
      ASSERT_EQ(d2, *dup);
    }
  }
  return first;
}

#define B(s) (const uint8_t *)(s), sizeof(s) - 1

static const struct {
  const char *name;
  const uint8_t *in;
  size_t len;
  int rc; /* boxes, or the error */
  size_t npairs;
  bool dup;
} framing_cases[] = {
    {"sum", B("\0\4_ask\0\0011\0\10_command\0\3Sum\0\1a\0\00213\0\0"), 1, 3, 0},
    {"empty value", B("\0\4_ask\0\0\0\10_command\0\1X\0\0"), 1, 2, 0},
    {"answer", B("\0\7_answer\0\1a\0\0"), 1, 1, 0},
    {"error", B("\0\6_error\0\1a\0\13_error_code\0\1X\0\0"), 1, 2, 0},
    {"two boxes", B("\0\7_answer\0\0011\0\0\0\7_answer\0\0012\0\0"), 2, 1, 0},
    {"keys any order", B("\0\1z\0\0\0\10_command\0\1X\0\0"), 1, 2, 0},
    {"dup plain key", B("\0\10_command\0\1X\0\1a\0\0011\0\1a\0\0012\0\0"), 1, 3,
     1},
    {"incomplete", B("\0\10_command\0\1"), 0, 0, 0},
    {"incomplete prefix", B("\0"), 0, 0, 0},
    {"empty box", B("\0\0"), REED_EPROTO, 0, 0},
    {"key prefix 256", B("\1\0"), REED_EPROTO, 0, 0},
    {"key prefix ffff", B("\377\377"), REED_EPROTO, 0, 0},
    {"no kind", B("\0\4_ask\0\0011\0\1a\0\0\0\0"), REED_EPROTO, 0, 0},
    {"dup _ask", B("\0\4_ask\0\0011\0\10_command\0\1X\0\4_ask\0\0012\0\0"),
     REED_EPROTO, 0, 0},
    {"dup _command", B("\0\10_command\0\1X\0\10_command\0\1Y\0\0"), REED_EPROTO,
     0, 0},
    {"dup _answer", B("\0\7_answer\0\1X\0\7_answer\0\1Y\0\0"), REED_EPROTO, 0,
     0},
    {"dup _error", B("\0\6_error\0\1X\0\6_error\0\1Y\0\0"), REED_EPROTO, 0, 0},
    {"second box bad", B("\0\7_answer\0\0011\0\0\0\0"), REED_EPROTO, 0, 0},
};

TEST(box_framing_table)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(framing_cases); i++) {
    size_t n = 0;
    bool dup = false;
    int rc =
        decode_every_split(framing_cases[i].in, framing_cases[i].len, &n, &dup);
    if (rc != framing_cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "%s: rc %d, want %d",
                      framing_cases[i].name, rc, framing_cases[i].rc);
    if (rc > 0) {
      ASSERT_EQ(n, framing_cases[i].npairs);
      ASSERT_EQ(dup, framing_cases[i].dup);
    }
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(box_key_limits)
{
  char key[256];
  bb_t b = {0};
  size_t n;
  bool dup;

  memset(key, 'k', sizeof(key));
  bb_kv(&b, "_command", "X");
  bb_pair(&b, key, 255, "v", 1);
  bb_end(&b);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), 1);
  ASSERT_EQ(n, 2);
  b.len = 0;
  bb_kv(&b, "_command", "X");
  bb_pair(&b, key, 256, "v", 1);
  bb_end(&b);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), REED_EPROTO);
  free(b.p);
}

static void
box_of_pairs(bb_t *b, size_t pairs)
{
  char k[8];

  b->len = 0;
  bb_kv(b, "_command", "X");
  for (size_t i = 1; i < pairs; i++) {
    int kl = snprintf(k, sizeof(k), "k%zu", i);
    bb_pair(b, k, (size_t)kl, "", 0);
  }
  bb_end(b);
}

TEST(box_pair_limit)
{
  bb_t b = {0};
  size_t n;
  bool dup;

  box_of_pairs(&b, 64);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), 1);
  ASSERT_EQ(n, 64);
  box_of_pairs(&b, 65);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), REED_EPROTO);
  free(b.p);
}

/* A box of exactly `total` encoded bytes: _command, one full value, and a
 * second value sized to fit. */
static void
box_of_size(bb_t *b, size_t total, char *big)
{
  size_t fixed = (2 + 8 + 2 + 1) + (2 + 1 + 2 + 65535) + (2 + 1 + 2) + 2;

  b->len = 0;
  bb_kv(b, "_command", "X");
  bb_pair(b, "a", 1, big, 65535);
  bb_pair(b, "b", 1, big, total - fixed);
  bb_end(b);
  ASSERT_EQ(b->len, total);
}

TEST(box_size_limit)
{
  char *big = calloc(1, 65535);
  bb_t b = {0};
  size_t n;
  bool dup;

  box_of_size(&b, REED_AMP_MAX_BOX - 65535 + 100, big);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), 1);
  b.len = 0;
  bb_kv(&b, "_command", "X");
  bb_pair(&b, "a", 1, big, 65535);
  bb_end(&b);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), 1);
  box_of_size(&b, REED_AMP_MAX_BOX, big);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), 1);
  box_of_size(&b, REED_AMP_MAX_BOX + 1, big);
  ASSERT_EQ(decode_every_split(b.p, b.len, &n, &dup), REED_EPROTO);
  free(big);
  free(b.p);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* The limit is enforced before the bytes arrive: a prefix promising too
 * much fails at once, so nothing is buffered for it. */
TEST(box_size_checked_early)
{
  bb_t b = {0};
  reed_amp_decoder_t d;
  reed_amp_box_t box;
  size_t used;
  char *big = calloc(1, 65535);

  reed_amp_decoder_init(&d);
  bb_kv(&b, "_command", "X");
  bb_pair(&b, "a", 1, big, 65535);
  bb_pair(&b, "b", 1, big, 0);
  b.len -= 2;
  bb_u16(&b, 65535);
  ASSERT_EQ(reed_amp_decode(&d, b.p, b.len, &used, &box), REED_EPROTO);
  ASSERT_EQ(used, b.len - 1);
  ASSERT(d.cap <= REED_AMP_MAX_BOX);
  reed_amp_decoder_cleanup(&d);
  free(big);
  free(b.p);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(box_decoded_values)
{
  static const uint8_t in[] = "\0\4_ask\0\0011\0\10_command\0\3Sum\0\1a\0"
                              "\00213\0\0";
  reed_amp_decoder_t d;
  reed_amp_box_t box;
  const reed_amp_pair_t *p;
  size_t used;

  reed_amp_decoder_init(&d);
  ASSERT_EQ(reed_amp_decode(&d, in, sizeof(in) - 1, &used, &box), 1);
  ASSERT_EQ(used, sizeof(in) - 1);
  p = reed_amp_box_get(&box, "_command");
  ASSERT(p != NULL);
  ASSERT_EQ(p->val_len, 3);
  ASSERT_MEM_EQ(p->val, "Sum", 3);
  p = reed_amp_box_get(&box, "a");
  ASSERT_MEM_EQ(p->val, "13", 2);
  ASSERT(reed_amp_box_get(&box, "b") == NULL);
  ASSERT(reed_amp_box_get(&box, "_as") == NULL);
  reed_amp_decoder_trim(&d);
  ASSERT(d.buf == NULL);
  reed_amp_decoder_cleanup(&d);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(box_parse_contiguous)
{
  static const uint8_t two[] = "\0\1a\0\1x\0\0\0\0";
  reed_amp_box_t box;
  size_t used;

  ASSERT_EQ(reed_amp_box_parse(two, sizeof(two) - 1, &used, &box), 0);
  ASSERT_EQ(used, 8);
  ASSERT_EQ(box.n, 1);
  ASSERT_EQ(reed_amp_box_parse(two + 8, 2, &used, &box), 0);
  ASSERT_EQ(box.n, 0);
  ASSERT_EQ(reed_amp_box_check(&box), REED_EPROTO);
  ASSERT_EQ(reed_amp_box_parse(two, 5, &used, &box), REED_ESYNTAX);
  ASSERT_EQ(reed_amp_box_parse((const uint8_t *)"\1\0", 2, &used, &box),
            REED_ESYNTAX);
}

/* ---- Encoder ----------------------------------------------------------- */

TEST(enc_matches_twisted)
{
  static const uint8_t want[] = "\0\4_ask\0\0011\0\10_command\0\3Sum\0\1a\0"
                                "\00213\0\0";
  reed_amp_enc_t e;
  reed_buf_t *out = NULL;

  reed_amp_enc_init(&e);
  ASSERT_EQ(reed_amp_enc_int(&e, "a", 13), 0);
  ASSERT_EQ(reed_amp_enc_str(&e, "_command", "Sum"), 0);
  ASSERT_EQ(reed_amp_enc_str(&e, "_ask", "1"), 0);
  ASSERT_EQ(reed_amp_enc_finish(&e, &out), 0);
  ASSERT_EQ(out->len, sizeof(want) - 1);
  ASSERT_MEM_EQ(out->data, want, sizeof(want) - 1);
  reed_buf_unref(out);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(enc_sorts_prefixes_first)
{
  reed_amp_enc_t e;
  reed_buf_t *out = NULL;
  reed_amp_box_t box;
  size_t used;

  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "ab", "2");
  reed_amp_enc_str(&e, "b", "3");
  reed_amp_enc_str(&e, "a", "1");
  ASSERT_EQ(reed_amp_enc_finish(&e, &out), 0);
  ASSERT_EQ(reed_amp_box_parse(out->data, out->len, &used, &box), 0);
  ASSERT_EQ(box.n, 3);
  ASSERT_MEM_EQ(box.pairs[0].key, "a", 1);
  ASSERT_EQ(box.pairs[1].key_len, 2);
  ASSERT_MEM_EQ(box.pairs[2].key, "b", 1);
  ASSERT_MEM_EQ(box.pairs[2].val, "3", 1);
  reed_buf_unref(out);
}

TEST(enc_limits_sticky)
{
  static char big[65536];
  char key[257];
  reed_amp_enc_t e;
  reed_buf_t *out = NULL;

  memset(key, 'k', 256);
  key[256] = '\0';
  reed_amp_enc_init(&e);
  ASSERT_EQ(reed_amp_enc_put(&e, key, "v", 1), REED_EINVAL);
  ASSERT_EQ(reed_amp_enc_str(&e, "ok", "v"), REED_EINVAL);
  ASSERT_EQ(reed_amp_enc_finish(&e, &out), REED_EINVAL);
  ASSERT(out == NULL);
  reed_amp_enc_init(&e);
  ASSERT_EQ(reed_amp_enc_put(&e, "", "v", 1), REED_EINVAL);
  reed_amp_enc_cleanup(&e);
  reed_amp_enc_init(&e);
  ASSERT_EQ(reed_amp_enc_put(&e, "v", big, 65535), 0);
  ASSERT_EQ(reed_amp_enc_put(&e, "w", big, 65536), REED_ETOOBIG);
  reed_amp_enc_cleanup(&e);
  reed_amp_enc_init(&e);
  for (int i = 0; i < 64; i++)
    ASSERT_EQ(reed_amp_enc_put(&e, "k", "", 0), 0);
  ASSERT_EQ(reed_amp_enc_put(&e, "k", "", 0), REED_ELIMIT);
  reed_amp_enc_cleanup(&e);
  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, "a", big, 65535);
  reed_amp_enc_put(&e, "b", big, 65535);
  ASSERT_EQ(reed_amp_enc_finish(&e, &out), REED_ETOOBIG);
  ASSERT(out == NULL);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* Whatever the encoder writes, the decoder reads back: both directions. */
TEST(enc_decode_roundtrip)
{
  reed_amp_enc_t e;
  reed_buf_t *out = NULL;
  reed_amp_decoder_t d;
  reed_amp_box_t box;
  size_t used, pos = 0;
  int boxes = 0;

  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_answer", "a1");
  reed_amp_enc_str(&e, "nick", "alice");
  reed_amp_enc_finish(&e, &out);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_error", "a2");
  reed_amp_enc_str(&e, "_error_code", "UNHANDLED");
  reed_amp_enc_str(&e, "_error_description", "");
  ASSERT_EQ(reed_amp_enc_finish(&e, &out), 0);
  reed_amp_decoder_init(&d);
  while (pos < out->len) {
    int rc = reed_amp_decode(&d, out->data + pos, 1, &used, &box);
    ASSERT(rc >= 0);
    pos += used;
    if (rc == 1) {
      boxes++;
      ASSERT_EQ(box.n, boxes == 1 ? 2 : 3);
    }
  }
  ASSERT_EQ(boxes, 2);
  ASSERT_EQ(reed_amp_box_get(&box, "_error_description")->val_len, 0);
  reed_amp_decoder_cleanup(&d);
  reed_buf_unref(out);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* ---- Argument types ---------------------------------------------------- */

static const struct {
  const char *in;
  int rc;
  long long v;
} int_cases[] = {
    {"0", 0, 0},
    {"13", 0, 13},
    {"-1", 0, -1},
    {"+7", 0, 7},
    {"9223372036854775807", 0, INT64_MAX},
    {"-9223372036854775808", 0, INT64_MIN},
    {"9223372036854775808", REED_ESYNTAX, 0},
    {"", REED_ESYNTAX, 0},
    {"-", REED_ESYNTAX, 0},
    {"1x", REED_ESYNTAX, 0},
    {" 1", REED_ESYNTAX, 0},
    {"0x10", REED_ESYNTAX, 0},
};

TEST(type_integer)
{
  reed_amp_enc_t e;
  reed_buf_t *out = NULL;

  for (size_t i = 0; i < REED_ARRAY_SIZE(int_cases); i++) {
    long long v = 12345;
    int rc = reed_amp_parse_int((const uint8_t *)int_cases[i].in,
                                strlen(int_cases[i].in), &v);
    ASSERT_EQ(rc, int_cases[i].rc);
    if (rc == 0)
      ASSERT_EQ(v, int_cases[i].v);
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_int(&e, "n", -42);
  reed_amp_enc_finish(&e, &out);
  ASSERT_MEM_EQ(out->data, "\0\1n\0\3-42\0\0", 10);
  reed_buf_unref(out);
}

TEST(type_boolean)
{
  static const struct {
    const char *in;
    int rc;
    bool v;
  } cases[] = {{"True", 0, true},         {"False", 0, false},
               {"true", REED_ESYNTAX, 0}, {"1", REED_ESYNTAX, 0},
               {"", REED_ESYNTAX, 0},     {"Falsey", REED_ESYNTAX, 0}};
  reed_amp_enc_t e;
  reed_buf_t *out = NULL;

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    bool v = !cases[i].v;
    ASSERT_EQ(reed_amp_parse_bool((const uint8_t *)cases[i].in,
                                  strlen(cases[i].in), &v),
              cases[i].rc);
    if (cases[i].rc == 0)
      ASSERT_EQ(v, cases[i].v);
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_bool(&e, "b", true);
  reed_amp_enc_bool(&e, "c", false);
  reed_amp_enc_finish(&e, &out);
  ASSERT_MEM_EQ(out->data, "\0\1b\0\4True\0\1c\0\5False\0\0", 21);
  reed_buf_unref(out);
}

static const struct {
  const char *in;
  int rc;
  int64_t us;
} time_cases[] = {
    {"1970-01-01T00:00:00.000000+00:00", 0, 0},
    {"2024-01-02T03:04:05.000006-00:00", 0, 1704164645000006LL},
    {"2024-01-02T03:04:05.000006+01:30", 0, 1704159245000006LL},
    {"2024-01-02T03:04:05.000006-01:30", 0, 1704170045000006LL},
    {"2024-02-29T23:59:59.999999+00:00", 0, 1709251199999999LL},
    {"1969-12-31T23:59:59.999999+00:00", 0, -1},
    {"0001-01-01T00:00:00.000000+00:00", 0, -62135596800000000LL},
    {"2023-02-29T00:00:00.000000+00:00", REED_ESYNTAX, 0},
    {"2024-13-01T00:00:00.000000+00:00", REED_ESYNTAX, 0},
    {"2024-01-01T24:00:00.000000+00:00", REED_ESYNTAX, 0},
    {"2024-01-01T00:60:00.000000+00:00", REED_ESYNTAX, 0},
    {"2024-01-01T00:00:00.000000+24:00", REED_ESYNTAX, 0},
    {"2024-01-01 00:00:00.000000+00:00", REED_ESYNTAX, 0},
    {"2024-01-01T00:00:00.000000Z00:00", REED_ESYNTAX, 0},
    {"2024-01-01T00:00:00.00000a+00:00", REED_ESYNTAX, 0},
    {"0000-01-01T00:00:00.000000+00:00", REED_ESYNTAX, 0},
    {"2024-01-01T00:00:00.000000+00:0", REED_ESYNTAX, 0},
    {"2024-01-01T00:00:00.000000+00:000", REED_ESYNTAX, 0},
};

TEST(type_datetime)
{
  char out[REED_AMP_TIME_LEN + 1];

  for (size_t i = 0; i < REED_ARRAY_SIZE(time_cases); i++) {
    int64_t us = 77;
    int rc = reed_amp_parse_time((const uint8_t *)time_cases[i].in,
                                 strlen(time_cases[i].in), &us);
    if (rc != time_cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "%s: rc %d", time_cases[i].in, rc);
    if (rc == 0)
      ASSERT_EQ(us, time_cases[i].us);
  }
  reed_amp_format_time(0, out);
  ASSERT_STR_EQ(out, "1970-01-01T00:00:00.000000+00:00");
  reed_amp_format_time(1704164645000006LL, out);
  ASSERT_STR_EQ(out, "2024-01-02T03:04:05.000006+00:00");
  reed_amp_format_time(-1, out);
  ASSERT_STR_EQ(out, "1969-12-31T23:59:59.999999+00:00");
  reed_amp_format_time(1709251199999999LL, out);
  ASSERT_STR_EQ(out, "2024-02-29T23:59:59.999999+00:00");
}

TEST(type_unicode)
{
  ASSERT(reed_amp_unicode_valid((const uint8_t *)"h\xc3\xa9llo", 6));
  ASSERT(reed_amp_unicode_valid((const uint8_t *)"", 0));
  ASSERT(!reed_amp_unicode_valid((const uint8_t *)"a\0b", 3));
  ASSERT(!reed_amp_unicode_valid((const uint8_t *)"\xc3", 1));
  ASSERT(!reed_amp_unicode_valid((const uint8_t *)"\xff", 1));
  ASSERT(!reed_amp_unicode_valid((const uint8_t *)"\xed\xa0\x80", 3));
}

TEST(type_listof)
{
  static const uint8_t twisted[] = "\0\1a\0\2bc";
  reed_buf_t *list = NULL;
  const uint8_t *p = twisted, *el;
  size_t left = sizeof(twisted) - 1, elen;
  char *big = calloc(1, 65535);

  ASSERT_EQ(reed_amp_list_add(&list, "a", 1), 0);
  ASSERT_EQ(reed_amp_list_add(&list, "bc", 2), 0);
  ASSERT_EQ(list->len, 7);
  ASSERT_MEM_EQ(list->data, twisted, 7);
  ASSERT_EQ(reed_amp_list_next(&p, &left, &el, &elen), 1);
  ASSERT_EQ(elen, 1);
  ASSERT_EQ(reed_amp_list_next(&p, &left, &el, &elen), 1);
  ASSERT_MEM_EQ(el, "bc", 2);
  ASSERT_EQ(reed_amp_list_next(&p, &left, &el, &elen), 0);
  /* A truncated last element is dropped, as Twisted does. */
  p = twisted;
  left = 6;
  ASSERT_EQ(reed_amp_list_next(&p, &left, &el, &elen), 1);
  ASSERT_EQ(reed_amp_list_next(&p, &left, &el, &elen), 0);
  /* The whole list stays within one value. */
  ASSERT_EQ(reed_amp_list_add(&list, big, 65535 - 9), 0);
  ASSERT_EQ(list->len, 65535);
  ASSERT_EQ(reed_amp_list_add(&list, "", 0), REED_ETOOBIG);
  ASSERT_EQ(list->len, 65535);
  reed_buf_unref(list);
  free(big);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(type_amplist)
{
  static const uint8_t twisted[] =
      "\0\4name\0\1x\0\4size\0\0013\0\5topic\0\0\0\0"
      "\0\4name\0\1y\0\4size\0\2-1\0\5topic\0\1t\0\0";
  reed_buf_t *list = NULL;
  reed_amp_enc_t e;
  reed_amp_box_t box;
  size_t used, pos = 0, n = 0;

  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "topic", "");
  reed_amp_enc_int(&e, "size", 3);
  reed_amp_enc_str(&e, "name", "x");
  ASSERT_EQ(reed_amp_amplist_add(&list, &e), 0);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "name", "y");
  reed_amp_enc_int(&e, "size", -1);
  reed_amp_enc_str(&e, "topic", "t");
  ASSERT_EQ(reed_amp_amplist_add(&list, &e), 0);
  ASSERT_EQ(list->len, sizeof(twisted) - 1);
  ASSERT_MEM_EQ(list->data, twisted, list->len);
  while (pos < list->len) {
    ASSERT_EQ(
        reed_amp_box_parse(list->data + pos, list->len - pos, &used, &box), 0);
    pos += used;
    n++;
  }
  ASSERT_EQ(n, 2);
  ASSERT_MEM_EQ(reed_amp_box_get(&box, "size")->val, "-1", 2);
  reed_buf_unref(list);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(type_amplist_limit)
{
  static char big[65535];
  reed_buf_t *list = NULL;
  reed_amp_enc_t e;

  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, "a", big, 65535 - 7);
  ASSERT_EQ(reed_amp_amplist_add(&list, &e), 0);
  ASSERT_EQ(list->len, 65535);
  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, "a", "", 0);
  ASSERT_EQ(reed_amp_amplist_add(&list, &e), REED_ETOOBIG);
  ASSERT_EQ(list->len, 65535);
  reed_buf_unref(list);
  ASSERT_EQ(reed_alloc_live(), 0);
}
