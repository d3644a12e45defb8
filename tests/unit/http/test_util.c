/* The HTTP core's pure helpers: header tokens, the Date header, CIDR
 * blocks and the client address behind proxies, file types. */
#include "harness.h"
#include "http_int.h"

TEST(util_tokens)
{
  static const struct {
    const char *list, *token;
    bool has;
  } cases[] = {
      {"close", "close", true},
      {"Keep-Alive, Upgrade", "upgrade", true},
      {"keep-alive ,  upgrade  ", "upgrade", true},
      {"upgraded", "upgrade", false},
      {"x-upgrade", "upgrade", false},
      {"", "close", false},
      {",,close,,", "close", true},
      {NULL, "close", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++)
    if (reed__http_has_token(cases[i].list, cases[i].token) != cases[i].has)
      reed__test_fail(__FILE__, __LINE__, "case %zu", i);
}

TEST(util_date)
{
  char d[30];

  reed__http_date(1700000000000ull, d);
  ASSERT_STR_EQ(d, "Tue, 14 Nov 2023 22:13:20 GMT");
  reed__http_date(0, d);
  ASSERT_STR_EQ(d, "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(util_cidr)
{
  static const struct {
    const char *net, *ip;
    int match; /* -1: the net does not parse */
  } cases[] = {
      {"10.0.0.0/8", "10.1.2.3", 1},
      {"10.0.0.0/8", "11.1.2.3", 0},
      {"192.168.1.1", "192.168.1.1", 1},
      {"192.168.1.1", "192.168.1.2", 0},
      {"192.168.1.128/25", "192.168.1.200", 1},
      {"192.168.1.128/25", "192.168.1.100", 0},
      {"0.0.0.0/0", "8.8.8.8", 1},
      {"0.0.0.0/0", "::1", 0},
      {"::1", "::1", 1},
      {"fd00::/8", "fd12::3", 1},
      {"fd00::/8", "fe80::1", 0},
      {"127.0.0.1", "::ffff:127.0.0.1", 1},
      {"10.0.0.0/33", "10.0.0.1", -1},
      {"10.0.0.0/", "10.0.0.1", -1},
      {"10.0.0.0/8x", "10.0.0.1", -1},
      {"example.org", "10.0.0.1", -1},
      {"::/129", "::1", -1},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_http_cidr_t net, ip;
    int rc = reed__http_cidr_parse(cases[i].net, &net);

    if (cases[i].match < 0) {
      if (rc == 0)
        reed__test_fail(__FILE__, __LINE__, "case %zu parses", i);
      continue;
    }
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(reed__http_cidr_parse(cases[i].ip, &ip), 0);
    if (reed__http_cidr_match(&net, &ip) != (cases[i].match == 1))
      reed__test_fail(__FILE__, __LINE__, "case %zu", i);
  }
}

TEST(util_client_ip)
{
  char *v[] = {"10.0.0.1", "127.0.0.1, 10.0.0.0/8"};
  reed_strlist_t none = {0}, one = {v, 1}, two = {v + 1, 1};
  static const struct {
    int trusted; /* 0 none, 1 "10.0.0.1", 2 loopback and 10/8 */
    const char *peer;
    const char *xff[2];
    const char *want;
  } cases[] = {
      /* an untrusted peer's header is ignored */
      {0, "10.0.0.1", {"203.0.113.7"}, "10.0.0.1"},
      {1, "10.0.0.2", {"203.0.113.7"}, "10.0.0.2"},
      /* a trusted proxy's last hop is the client */
      {1, "10.0.0.1", {"203.0.113.7"}, "203.0.113.7"},
      {1, "10.0.0.1", {"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
      /* hops added by trusted proxies are skipped, right to left */
      {2, "127.0.0.1", {"198.51.100.1, 203.0.113.7, 10.9.9.9"}, "203.0.113.7"},
      {2,
       "127.0.0.1",
       {"198.51.100.1", "203.0.113.7 , 10.9.9.9"},
       "203.0.113.7"},
      {2, "127.0.0.1", {"10.1.1.1, 10.2.2.2"}, "10.1.1.1"},
      {2, "127.0.0.1", {"2001:db8::1"}, "2001:db8::1"},
      /* a hop that is not an address stops at the one before it */
      {2, "127.0.0.1", {"203.0.113.7, unknown, 10.9.9.9"}, "10.9.9.9"},
      {2, "127.0.0.1", {"garbage"}, "127.0.0.1"},
      {2, "127.0.0.1", {""}, "127.0.0.1"},
      {2, "127.0.0.1", {NULL}, "127.0.0.1"},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    const reed_strlist_t *t = cases[i].trusted == 0   ? &none
                              : cases[i].trusted == 1 ? &one
                                                      : &two;
    size_t n = cases[i].xff[1] ? 2 : cases[i].xff[0] ? 1 : 0;
    char out[46];

    reed__http_client_ip(t, cases[i].peer, cases[i].xff, n, out);
    if (strcmp(out, cases[i].want) != 0)
      reed__test_fail(__FILE__, __LINE__, "case %zu: %s, want %s", i, out,
                      cases[i].want);
  }
}

TEST(util_loopback_and_mime)
{
  ASSERT(reed__http_ip_loopback("127.0.0.1"));
  ASSERT(reed__http_ip_loopback("127.8.0.1"));
  ASSERT(reed__http_ip_loopback("::1"));
  ASSERT(reed__http_ip_loopback("::ffff:127.0.0.1"));
  ASSERT(!reed__http_ip_loopback("10.0.0.1"));
  ASSERT(!reed__http_ip_loopback("unix"));
  ASSERT_STR_EQ(reed__http_mime("index.html"), "text/html; charset=utf-8");
  ASSERT_STR_EQ(reed__http_mime("js/app.JS"), "text/javascript; charset=utf-8");
  ASSERT_STR_EQ(reed__http_mime("a.css"), "text/css; charset=utf-8");
  ASSERT_STR_EQ(reed__http_mime("icon.svg"), "image/svg+xml");
  ASSERT_STR_EQ(reed__http_mime("dir.x/README"), "application/octet-stream");
  ASSERT_STR_EQ(reed__http_mime("a.exe"), "application/octet-stream");
}
