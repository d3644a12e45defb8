/* Base64: RFC 4648 section 10's vectors both ways, binary bytes, and what
 * the strict decoder refuses (the strictness SASL over IRC and XMPP needs). */
#include "base.h"
#include "harness.h"

#include <string.h>

TEST(base64_vectors)
{
  static const struct {
    const char *raw;
    size_t len;
    const char *enc;
  } v[] = {
      {"", 0, ""},
      {"f", 1, "Zg=="},
      {"fo", 2, "Zm8="},
      {"foo", 3, "Zm9v"},
      {"foob", 4, "Zm9vYg=="},
      {"fooba", 5, "Zm9vYmE="},
      {"foobar", 6, "Zm9vYmFy"},
      {"\0Alice\0pencil", 13, "AEFsaWNlAHBlbmNpbA=="},
      {"\xff\xfe\xfd", 3, "//79"},
      {"\xfb\xff", 2, "+/8="},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(v); i++) {
    char enc[32];
    uint8_t raw[32];
    ssize_t n;

    ASSERT_EQ(reed_base64_encode((const uint8_t *)v[i].raw, v[i].len, enc),
              strlen(v[i].enc));
    ASSERT_STR_EQ(enc, v[i].enc);
    n = reed_base64_decode(v[i].enc, strlen(v[i].enc), raw);
    ASSERT_EQ(n, (ssize_t)v[i].len);
    ASSERT_MEM_EQ(raw, v[i].raw, v[i].len);
  }
}

TEST(base64_refused)
{
  static const char *const bad[] = {
      "Zg=",      /* not a multiple of 4 */
      "Zg=a",     /* data after padding */
      "Zm=v",     /* data after padding */
      "Z===",     /* too much padding */
      "=AAA",     /* padding first */
      "Zg==Zg==", /* padding before the end */
      "Zm9v!A==", /* outside the alphabet */
      "Zm9*",     /* outside the alphabet */
      "Zm9-",     /* base64url is not base64 */
      "Zm9v\n",   /* whitespace */
      "Zm 9",     /* space */
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++) {
    uint8_t raw[16];
    if (reed_base64_decode(bad[i], strlen(bad[i]), raw) != REED_ESYNTAX)
      reed__test_fail(__FILE__, __LINE__, "accepted %s", bad[i]);
  }
}
