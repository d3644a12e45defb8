/* IRC lines over WebSocket messages: what a client's message feeds, how
 * the core's output is cut into messages, the U+FFFD repair a text
 * message gets, and the subprotocol chosen from the client's list. */
#include "base.h"
#include "harness.h"
#include "http_wslines.h"

#include <string.h>

TEST(message_is_one_line)
{
  static const struct {
    const char *in;
    int rc;
    size_t len;
  } rows[] = {
      {"PRIVMSG #a :hi", 0, 14},
      {"PRIVMSG #a :hi\r\n", 0, 14}, /* a legacy client's CRLF */
      {"PRIVMSG #a :hi\n", 0, 14},
      {"PRIVMSG #a :hi\r", 0, 14},
      {"", 0, 0},
      {"\r\n", 0, 0},
      {"PING :a\r\nPRIVMSG #x :smuggled", REED_EINVAL, 0},
      {"PING :a\nQUIT", REED_EINVAL, 0},
      {"PING :a\rQUIT", REED_EINVAL, 0},
      {"PING :a\r\n\r\n", REED_EINVAL, 0},
      {"\n\n", REED_EINVAL, 0},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    size_t len = 999;
    int rc =
        reed_wsl_message((const uint8_t *)rows[i].in, strlen(rows[i].in), &len);
    ASSERT_EQ(rc, rows[i].rc);
    if (rc == 0)
      ASSERT_EQ(len, rows[i].len);
  }
}

/* Cuts `in` as the bridge does: each line "<...>", then the rest. */
static void
cut(const char *in, char *out, size_t size)
{
  const uint8_t *p = (const uint8_t *)in;
  size_t n = strlen(in), used, len;

  out[0] = '\0';
  while ((used = reed_wsl_next(p, n, &len)) > 0) {
    ASSERT(strlen(out) + len + 3 < size);
    strcat(out, "<");
    strncat(out, (const char *)p, len);
    strcat(out, ">");
    p += used;
    n -= used;
  }
  ASSERT(strlen(out) + n + 6 < size);
  strcat(out, "rest:");
  strncat(out, (const char *)p, n);
}

TEST(output_cut_at_each_lf)
{
  static const struct {
    const char *in, *want;
  } rows[] = {
      {":s 001 a :hi\r\n", "<:s 001 a :hi>rest:"},
      {":s 001 a :hi\r\n:s 002 a :x\r\n", "<:s 001 a :hi><:s 002 a :x>rest:"},
      {"a\nb\r\nc", "<a><b>rest:c"},
      {"partial", "rest:partial"},
      {"\r\n\r\n", "<><>rest:"},
      {"x\r", "rest:x\r"},
      {"", "rest:"},
  };
  char out[256];

  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    cut(rows[i].in, out, sizeof(out));
    ASSERT_STR_EQ(out, rows[i].want);
  }
}

TEST(utf8_repair)
{
  static const struct {
    const char *in, *want;
  } rows[] = {
      {"plain", "plain"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},
      {"bad \xff byte", "bad \xef\xbf\xbd byte"},
      {"\xc3", "\xef\xbf\xbd"},                                 /* cut short */
      {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong */
      {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* surrogate */
      {"\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!"},               /* 4 bytes */
      {"\xf5\x80\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
      {"a\xe2\x82", "a\xef\xbf\xbd\xef\xbf\xbd"},
  };
  uint8_t out[64];

  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    const uint8_t *p = (const uint8_t *)rows[i].in;
    size_t n = strlen(rows[i].in);
    size_t size = reed_wsl_utf8_size(p, n);
    ASSERT_EQ(size, strlen(rows[i].want));
    reed_wsl_utf8_fix(p, n, out);
    ASSERT(memcmp(out, rows[i].want, size) == 0);
    ASSERT(reed_utf8_valid(out, size));
  }
}

TEST(subprotocol_pick)
{
  static const char *const irc[] = {"binary.ircv3.net", "text.ircv3.net", NULL};
  static const struct {
    const char *header, *want;
  } rows[] = {
      {"text.ircv3.net", "text.ircv3.net"},
      {"binary.ircv3.net, text.ircv3.net", "binary.ircv3.net"},
      {"text.ircv3.net,binary.ircv3.net", "text.ircv3.net"},
      {"foo, text.ircv3.net", "text.ircv3.net"},
      {" , ,text.ircv3.net ", "text.ircv3.net"},
      {"foo", NULL},
      {"TEXT.IRCV3.NET", NULL},
      {"text.ircv3.netx", NULL},
      {"text.ircv3", NULL},
      {"", NULL},
      {NULL, NULL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    const char *got = reed_wsl_pick(rows[i].header, irc);
    if (rows[i].want == NULL)
      ASSERT(got == NULL);
    else
      ASSERT_STR_EQ(got, rows[i].want);
  }
}
