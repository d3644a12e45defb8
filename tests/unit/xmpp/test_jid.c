/* JIDs: RFC 7622 parsing and normalisation, formatting, XEP-0106. */
#include "harness.h"
#include "xmpp_jid.h"

#define BAD(s)                                                                 \
  {                                                                            \
    s, REED_EINVAL, NULL, NULL, NULL, NULL, NULL                               \
  }

static const struct {
  const char *in;
  int rc;
  const char *local, *domain, *resource, *full, *bare;
} jids[] = {
    {"example.com", 0, "", "example.com", "", "example.com", "example.com"},
    {"Juliet@Example.COM", 0, "juliet", "example.com", "", "juliet@example.com",
     "juliet@example.com"},
    {"juliet@example.com/Balcony Room", 0, "juliet", "example.com",
     "Balcony Room", "juliet@example.com/Balcony Room", "juliet@example.com"},
    {"example.com/foo@bar/baz", 0, "", "example.com", "foo@bar/baz",
     "example.com/foo@bar/baz", "example.com"},
    {"a@example.com.", 0, "a", "example.com", "", "a@example.com",
     "a@example.com"},
    {"a@example.com./r", 0, "a", "example.com", "r", "a@example.com/r",
     "a@example.com"},
    {"\xC3\x89l\xC3\xA8ve@\xC3\xA9xample.com/\xE2\x99\x9A", 0,
     "\xC3\x89l\xC3\xA8ve", "\xC3\xA9xample.com", "\xE2\x99\x9A",
     "\xC3\x89l\xC3\xA8ve@\xC3\xA9xample.com/\xE2\x99\x9A",
     "\xC3\x89l\xC3\xA8ve@\xC3\xA9xample.com"},
    {"room\\20name@muc.example", 0, "room\\20name", "muc.example", "",
     "room\\20name@muc.example", "room\\20name@muc.example"},
    {"a@[::1]/r", 0, "a", "[::1]", "r", "a@[::1]/r", "a@[::1]"},
    {"a@192.0.2.1", 0, "a", "192.0.2.1", "", "a@192.0.2.1", "a@192.0.2.1"},
    {"a@my_host-1.example", 0, "a", "my_host-1.example", "",
     "a@my_host-1.example", "a@my_host-1.example"},
    {"a@b/r\xC2\xA0x", 0, "a", "b", "r\xC2\xA0x", "a@b/r\xC2\xA0x", "a@b"},
    BAD(""),
    BAD("@example.com"),
    BAD("a@"),
    BAD("a@/r"),
    BAD("a@b/"),
    BAD("/r"),
    BAD("."),
    BAD("a@b.."),
    BAD("a@.b"),
    BAD("a@b..c"),
    BAD("a@b c"),
    BAD("a b@c"),
    BAD("a@b@c"),
    BAD("a\"b@c"),
    BAD("a&b@c"),
    BAD("a'b@c"),
    BAD("a:b@c"),
    BAD("a<b@c"),
    BAD("a>b@c"),
    BAD("a\x01@c"),
    BAD("a@c/r\x01"),
    BAD("a@c/r\x7F"),
    BAD("a@c/r\xC2\x85"),
    BAD("a@c/r\xC3"),
    BAD("a@c/\xED\xA0\x80"),
    BAD("\xFF@c"),
    BAD("a@c<d"),
    BAD("a@[::1"),
    BAD("a@[g::1]"),
    BAD("a@[]"),
};

TEST(jid_parse_table)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(jids); i++) {
    reed_jid_t j;
    char full[REED_JID_MAX + 1], bare[REED_JID_MAX + 1];
    int rc = reed_jid_parse(jids[i].in, &j);

    if (rc != jids[i].rc)
      reed__test_fail(__FILE__, __LINE__, "%s: rc %d, want %d", jids[i].in, rc,
                      jids[i].rc);
    if (rc != 0) {
      ASSERT_STR_EQ(j.domain, "");
      continue;
    }
    ASSERT_STR_EQ(j.local, jids[i].local);
    ASSERT_STR_EQ(j.domain, jids[i].domain);
    ASSERT_STR_EQ(j.resource, jids[i].resource);
    ASSERT_EQ(reed_jid_format(&j, true, full, sizeof(full)),
              strlen(jids[i].full));
    ASSERT_STR_EQ(full, jids[i].full);
    ASSERT_EQ(reed_jid_format(&j, false, bare, sizeof(bare)),
              strlen(jids[i].bare));
    ASSERT_STR_EQ(bare, jids[i].bare);
  }
}

/* Each part is 1..1023 bytes, and the longest JID formats in full. */
TEST(jid_part_lengths)
{
  static char in[4000], out[REED_JID_MAX + 1];
  reed_jid_t j;

  memset(in, 'a', 1023);
  in[1023] = '@';
  memset(in + 1024, 'b', 1023);
  in[2047] = '/';
  memset(in + 2048, 'c', 1023);
  in[3071] = '\0';
  ASSERT_EQ(reed_jid_parse(in, &j), 0);
  ASSERT_EQ(reed_jid_format(&j, true, out, sizeof(out)), REED_JID_MAX);
  ASSERT_STR_EQ(out, in);
  /* one byte too many in each part */
  for (size_t at = 0; at < 3; at++) {
    static char big[4000];

    memcpy(big, in, 3072);
    memmove(big + 1024 * at + 1, big + 1024 * at, 3072 - 1024 * at);
    big[1024 * at] = 'x';
    ASSERT_EQ(reed_jid_parse(big, &j), REED_EINVAL);
  }
  /* a trailing dot does not count */
  memset(in, 'b', 1023);
  strcpy(in + 1023, ".");
  ASSERT_EQ(reed_jid_parse(in, &j), 0);
  ASSERT_EQ(strlen(j.domain), 1023);
}

TEST(jid_format_truncates)
{
  reed_jid_t j;
  char out[8];

  ASSERT_EQ(reed_jid_parse("juliet@example.com/balcony", &j), 0);
  ASSERT_EQ(reed_jid_format(&j, true, out, sizeof(out)), 26);
  ASSERT_STR_EQ(out, "juliet@");
  ASSERT_EQ(reed_jid_format(&j, false, NULL, 0), 18);
}

/* XEP-0106 section 5's examples, and its rules on backslashes. */
static const struct {
  const char *raw, *escaped;
} esc[] = {
    {"space cadet", "space\\20cadet"},
    {"call me \"ishmael\"", "call\\20me\\20\\22ishmael\\22"},
    {"at&t guy", "at\\26t\\20guy"},
    {"d'artagnan", "d\\27artagnan"},
    {"/.fanboy", "\\2f.fanboy"},
    {"::foo::", "\\3a\\3afoo\\3a\\3a"},
    {"<foo>", "\\3cfoo\\3e"},
    {"user@host", "user\\40host"},
    {"c:\\net", "c\\3a\\net"},
    {"c:\\\\net", "c\\3a\\\\net"},
    {"c:\\cool stuff", "c\\3a\\cool\\20stuff"},
    {"c:\\5commas", "c\\3a\\5c5commas"},
    {"\\20", "\\5c20"},
    {"plain", "plain"},
};

TEST(jid_escape_table)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(esc); i++) {
    char out[64], back[64];

    ASSERT_EQ(reed_jid_escape_local(esc[i].raw, out, sizeof(out)), 0);
    ASSERT_STR_EQ(out, esc[i].escaped);
    ASSERT_EQ(reed_jid_unescape_local(out, back, sizeof(back)), 0);
    ASSERT_STR_EQ(back, esc[i].raw);
  }
}

TEST(jid_escape_errors)
{
  char out[8];

  ASSERT_EQ(reed_jid_escape_local("", out, sizeof(out)), REED_EINVAL);
  ASSERT_EQ(reed_jid_escape_local(" a", out, sizeof(out)), REED_EINVAL);
  ASSERT_EQ(reed_jid_escape_local("a ", out, sizeof(out)), REED_EINVAL);
  ASSERT_EQ(reed_jid_escape_local("abcdefg", out, sizeof(out)), 0);
  ASSERT_EQ(reed_jid_escape_local("abcdefgh", out, sizeof(out)), REED_ETOOBIG);
  ASSERT_EQ(reed_jid_escape_local("abcde@", out, sizeof(out)), REED_ETOOBIG);
  ASSERT_EQ(reed_jid_escape_local("a", out, 0), REED_ETOOBIG);
  /* unescaping: other backslashes stay, and it only shrinks */
  ASSERT_EQ(reed_jid_unescape_local("a\\2Fb\\zz\\", out, sizeof(out)),
            REED_ETOOBIG);
  {
    char big[16];

    ASSERT_EQ(reed_jid_unescape_local("a\\2Fb\\zz\\", big, sizeof(big)), 0);
    ASSERT_STR_EQ(big, "a\\2Fb\\zz\\");
    ASSERT_EQ(reed_jid_unescape_local("a\\40b", big, 4), 0);
    ASSERT_STR_EQ(big, "a@b");
    ASSERT_EQ(reed_jid_unescape_local("a\\40b", big, 3), REED_ETOOBIG);
  }
}

/* An escaped room name is a valid localpart, and comes back intact. */
TEST(jid_escaped_local_parses)
{
  char local[64], jid[128], back[64];
  reed_jid_t j;

  ASSERT_EQ(
      reed_jid_escape_local("c:\\cool stuff & <more>", local, sizeof(local)),
      0);
  snprintf(jid, sizeof(jid), "%s@muc.example", local);
  ASSERT_EQ(reed_jid_parse(jid, &j), 0);
  ASSERT_EQ(reed_jid_unescape_local(j.local, back, sizeof(back)), 0);
  ASSERT_STR_EQ(back, "c:\\cool stuff & <more>");
}
