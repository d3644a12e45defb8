/* Base64 for SASL payloads: RFC 4648 section 10's vectors both ways, and
 * what the strict decoder refuses. */
#include "xmpp_fixture.h"

#include <string.h>

TEST(b64_vectors)
{
  static const struct {
    const char *raw, *enc;
  } v[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(v); i++) {
    char enc[16];
    uint8_t raw[16];
    ssize_t n;

    ASSERT_EQ(
        reed__xmpp_b64_encode((const uint8_t *)v[i].raw, strlen(v[i].raw), enc),
        strlen(v[i].enc));
    ASSERT_STR_EQ(enc, v[i].enc);
    n = reed__xmpp_b64_decode(v[i].enc, strlen(v[i].enc), raw);
    ASSERT_EQ(n, (ssize_t)strlen(v[i].raw));
    ASSERT(memcmp(raw, v[i].raw, (size_t)n) == 0);
  }
}

TEST(b64_refused)
{
  static const char *const bad[] = {
      "Zg=",      /* not a multiple of 4 */
      "Zg==Zg==", /* padding before the end */
      "Z===",     /* too much padding */
      "Zm=v",     /* data after padding */
      "Zm9v\n",   /* whitespace */
      "Zm 9",     /* space */
      "Zm9*",     /* outside the alphabet */
      "Zm9-",     /* base64url is not base64 */
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++) {
    uint8_t raw[16];
    ASSERT_EQ(reed__xmpp_b64_decode(bad[i], strlen(bad[i]), raw), REED_ESYNTAX);
  }
}
