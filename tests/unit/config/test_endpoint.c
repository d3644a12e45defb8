/* Twisted endpoint strings: every kind, escapes, IPv6, bad ports, unknown
 * keys. Valid cases are compared through the canonical format. */
#include "config.h"
#include "harness.h"

static const struct {
  const char *in;
  const char *canon; /* reed_endpoint_format of the result */
} good[] = {
    {"tcp:6667", "tcp:6667:backlog=128"},
    {"tcp:0", "tcp:0:backlog=128"},
    {"tcp:65535", "tcp:65535:backlog=128"},
    {"tcp:6667:interface=127.0.0.1",
     "tcp:6667:interface=127.0.0.1:backlog=128"},
    {"tcp:port=6667:interface=127.0.0.1:backlog=5",
     "tcp:6667:interface=127.0.0.1:backlog=5"},
    {"tcp:interface=0.0.0.0:port=1", "tcp:1:interface=0.0.0.0:backlog=128"},
    {"tcp:80:127.0.0.1:7", "tcp:80:interface=127.0.0.1:backlog=7"},
    {"tcp:80:interface=", "tcp:80:backlog=128"},
    {"tcp:6667:interface=\\:\\:1", "tcp:6667:interface=\\:\\:1:backlog=128"},
    {"ssl:6697:interface=\\:\\:1:certKey=cert.pem:privateKey=key.pem",
     "ssl:6697:interface=\\:\\:1:certKey=cert.pem:privateKey=key.pem:"
     "backlog=128"},
    {"ssl:6697", "ssl:6697:backlog=128"},
    {"ssl:6697:privateKey=both.pem",
     "ssl:6697:certKey=both.pem:privateKey=both.pem:backlog=128"},
    {"ssl:6697:certKey=c.pem", "ssl:6697:certKey=c.pem:privateKey=c.pem:"
                               "backlog=128"},
    {"ssl:6697:k.pem:c.pem", "ssl:6697:certKey=c.pem:privateKey=k.pem:"
                             "backlog=128"},
    {"ssl:6697:certKey=C\\:\\\\dir\\\\c.pem:privateKey=a=b",
     "ssl:6697:certKey=C\\:\\\\dir\\\\c.pem:privateKey=a\\=b:backlog=128"},
    {"unix:/run/reed/irc.sock",
     "unix:/run/reed/irc.sock:mode=0666:backlog=128"},
    {"unix:/tmp/s:mode=0660", "unix:/tmp/s:mode=0660:backlog=128"},
    {"unix:/tmp/s:mode=660:backlog=9", "unix:/tmp/s:mode=0660:backlog=9"},
    {"unix:address=/tmp/a=b", "unix:/tmp/a\\=b:mode=0666:backlog=128"},
    {"unix:foo\\:bar\\=baz\\:qux\\\\",
     "unix:foo\\:bar\\=baz\\:qux\\\\:mode=0666:backlog=128"},
    {"unix:/tmp/s:600", "unix:/tmp/s:mode=0600:backlog=128"},
};

static const struct {
  const char *in;
  const char *msg;
} bad[] = {
    {"", "missing endpoint kind (tcp, ssl or unix)"},
    {"6667", "unknown endpoint kind '6667' (tcp, ssl or unix)"},
    {"port=6667", "missing endpoint kind (tcp, ssl or unix)"},
    {"udp:53", "unknown endpoint kind 'udp' (tcp, ssl or unix)"},
    {"TCP:6667", "unknown endpoint kind 'TCP' (tcp, ssl or unix)"},
    {"tcp", "tcp endpoint needs a port"},
    {"unix", "unix endpoint needs a path"},
    {"tcp:", "empty argument 1 (write a ':' inside a value as '\\:')"},
    {"tcp:6667:interface=::1",
     "empty argument 3 (write a ':' inside a value as '\\:')"},
    {"tcp:80:", "empty argument 2 (write a ':' inside a value as '\\:')"},
    {"tcp::80", "empty argument 1 (write a ':' inside a value as '\\:')"},
    {"tcp:interface=127.0.0.1", "missing port"},
    {"tcp:65536", "port '65536' out of range 0..65535"},
    {"tcp:99999999999999999999", "port '99999999999999999999' out of range "
                                 "0..65535"},
    {"tcp:-1", "bad port '-1'"},
    {"tcp:+1", "bad port '+1'"},
    {"tcp:12ab", "bad port '12ab'"},
    {"tcp: 80", "bad port ' 80'"},
    {"tcp:port=", "empty value for 'port'"},
    {"tcp:80:port=81", "'port' given twice"},
    {"tcp:80:interface=a:interface=b", "'interface' given twice"},
    {"tcp:80:interface=localhost",
     "interface 'localhost' is not a numeric IPv4 or IPv6 address"},
    {"tcp:80:interface=1.2.3.256",
     "interface '1.2.3.256' is not a numeric IPv4 or IPv6 address"},
    {"tcp:80:backlog=0", "backlog '0' out of range 1..65535"},
    {"tcp:80:backlog=x", "bad backlog 'x'"},
    {"tcp:80:certKey=c.pem", "unknown argument 'certKey' for tcp"},
    {"tcp:80:Interface=::1", "unknown argument 'Interface' for tcp"},
    {"tcp:80:1.2.3.4:5:6", "too many positional arguments for tcp"},
    {"ssl:6697:sslmethod=TLSv1", "unknown argument 'sslmethod' for ssl"},
    {"ssl:6697:a:b:c", "too many positional arguments for ssl"},
    {"unix:/tmp/s:mode=0888", "bad mode '0888'"},
    {"unix:/tmp/s:mode=1777", "mode '1777' out of range 0..0777"},
    {"unix:/tmp/s:interface=::1", "unknown argument 'interface' for unix"},
    {"unix:/tmp/s:lockfile=1", "unknown argument 'lockfile' for unix"},
    {"unix:mode=0600", "missing socket path"},
    {"tcp:80\\", "trailing backslash"},
    {"tcp:1:2:3:4:5:6:7:8:9:10:11:12:13:14:15:16:17",
     "too many arguments (at most 16)"},
};

TEST(endpoint_good)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(good); i++) {
    reed_endpoint_t ep;
    char err[256], canon[512];
    int rc = reed_endpoint_parse(good[i].in, &ep, err, sizeof(err));
    if (rc != 0)
      fprintf(stderr, "case %zu (%s): %s\n", i, good[i].in, err);
    ASSERT_EQ(rc, 0);
    ASSERT(reed_endpoint_format(&ep, canon, sizeof(canon)) > 0);
    ASSERT_STR_EQ(canon, good[i].canon);
    reed_endpoint_cleanup(&ep);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(endpoint_bad)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++) {
    reed_endpoint_t ep;
    char err[256];
    int rc = reed_endpoint_parse(bad[i].in, &ep, err, sizeof(err));
    if (rc != REED_ESYNTAX)
      fprintf(stderr, "case %zu (%s) parsed\n", i, bad[i].in);
    ASSERT_EQ(rc, REED_ESYNTAX);
    ASSERT_STR_EQ(err, bad[i].msg);
    reed_endpoint_cleanup(&ep);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(endpoint_fields)
{
  reed_endpoint_t ep;

  ASSERT_EQ(reed_endpoint_parse("ssl:6697:interface=\\:\\:1:certKey=cert.pem:"
                                "privateKey=key.pem",
                                &ep, NULL, 0),
            0);
  ASSERT_EQ(ep.kind, REED_EP_SSL);
  ASSERT_EQ(ep.port, 6697);
  ASSERT_STR_EQ(ep.interface, "::1");
  ASSERT_STR_EQ(ep.cert, "cert.pem");
  ASSERT_STR_EQ(ep.key, "key.pem");
  ASSERT_EQ(ep.backlog, REED_EP_DEFAULT_BACKLOG);
  ASSERT(ep.path == NULL);
  ASSERT_STR_EQ(reed_endpoint_kind_name(ep.kind), "ssl");
  reed_endpoint_cleanup(&ep);

  ASSERT_EQ(reed_endpoint_parse("tcp:6667", &ep, NULL, 0), 0);
  ASSERT_EQ(ep.kind, REED_EP_TCP);
  ASSERT(ep.interface == NULL && ep.cert == NULL && ep.key == NULL);
  reed_endpoint_cleanup(&ep);

  ASSERT_EQ(
      reed_endpoint_parse("unix:/run/reed/irc.sock:mode=0660", &ep, NULL, 0),
      0);
  ASSERT_EQ(ep.kind, REED_EP_UNIX);
  ASSERT_STR_EQ(ep.path, "/run/reed/irc.sock");
  ASSERT_EQ(ep.mode, 0660);
  ASSERT_STR_EQ(reed_endpoint_kind_name(ep.kind), "unix");
  reed_endpoint_cleanup(&ep);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(endpoint_limits)
{
  char path[200], spec[5000];
  reed_endpoint_t ep;
  char err[256];

  memset(path, 'p', sizeof(path) - 1);
  path[sizeof(path) - 1] = '\0';
  snprintf(spec, sizeof(spec), "unix:/%s", path);
  ASSERT_EQ(reed_endpoint_parse(spec, &ep, err, sizeof(err)), REED_ESYNTAX);
  ASSERT_STR_EQ(err, "socket path longer than 107 bytes");
  memset(spec, 'x', sizeof(spec) - 1);
  memcpy(spec, "tcp:", 4);
  spec[sizeof(spec) - 1] = '\0';
  ASSERT_EQ(reed_endpoint_parse(spec, &ep, err, sizeof(err)), REED_ESYNTAX);
  ASSERT_STR_EQ(err, "endpoint longer than 4096 bytes");
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(endpoint_format_small_buffer)
{
  reed_endpoint_t ep;
  char buf[8];

  ASSERT_EQ(reed_endpoint_parse("tcp:6667:interface=127.0.0.1", &ep, NULL, 0),
            0);
  ASSERT_EQ(reed_endpoint_format(&ep, buf, sizeof(buf)), REED_ETOOBIG);
  ASSERT_STR_EQ(buf, "tcp:666");
  reed_endpoint_cleanup(&ep);
}

TEST(endpoint_alloc_failure)
{
  const char *s = "ssl:6697:interface=127.0.0.1:certKey=c.pem:privateKey=k.pem";
  int ok = 0;

  for (long n = 0; n < 8; n++) {
    reed_endpoint_t ep;
    char err[64];
    int rc;
    reed_alloc_fail_after(n);
    rc = reed_endpoint_parse(s, &ep, err, sizeof(err));
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    if (rc == REED_ENOMEM)
      ASSERT_STR_EQ(err, "out of memory");
    ok += rc == 0;
    reed_endpoint_cleanup(&ep);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
  ASSERT(ok > 0);
}
