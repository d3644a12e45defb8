/* Server bans: the target grammar and matcher (table-driven), and the
 * model's list: add removes matching sessions, del, expiry, find. */
#include "rec.h"

#include <string.h>

TEST(sban_parse_table)
{
  static const struct {
    const char *in;
    int kind; /* 0: EINVAL */
    const char *canon;
  } cases[] = {
      {"1.2.3.4", REED_SBAN_IP, "1.2.3.4"},
      {"1.2.3.4/32", REED_SBAN_IP, "1.2.3.4"},
      {"10.1.2.3/8", REED_SBAN_IP, "10.0.0.0/8"},
      {"0.0.0.0/0", REED_SBAN_IP, "0.0.0.0/0"},
      {"192.168.1.255/23", REED_SBAN_IP, "192.168.0.0/23"},
      {"2001:db8::1", REED_SBAN_IP, "2001:db8::1"},
      {"2001:db8:ffff::1/32", REED_SBAN_IP, "2001:db8::/32"},
      {"::/0", REED_SBAN_IP, "::/0"},
      {"::ffff:1.2.3.4", REED_SBAN_IP, "1.2.3.4"},
      {"::1/128", REED_SBAN_IP, "::1"},
      {"1.2.3.4/33", 0, NULL},
      {"1.2.3.4/", 0, NULL},
      {"1.2.3.4/-1", 0, NULL},
      {"1.2.3.4/0008", 0, NULL},
      {"::1/129", 0, NULL},
      {"/8", 0, NULL},
      {"1.2.3", 0, NULL},
      {"1.2.3.256", 0, NULL},
      {"*!*@bad.host", REED_SBAN_MASK, "*!*@bad.host"},
      {"user@host", REED_SBAN_MASK, "*!user@host"},
      {"nick!user", REED_SBAN_MASK, "nick!user@*"},
      {"a b@c", 0, NULL},
      {"alice", REED_SBAN_ACCOUNT, "alice"},
      {"Alice_2", REED_SBAN_ACCOUNT, "Alice_2"},
      {"1alice", 0, NULL},
      {"", 0, NULL},
  };
  char out[REED_SBAN_TARGET_MAX + 1];

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int kind = 0;
    int rc = reed_sban_parse(cases[i].in, &kind, out, sizeof(out));
    if (cases[i].kind == 0) {
      ASSERT_EQ(rc, REED_EINVAL);
      continue;
    }
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(kind, cases[i].kind);
    ASSERT_STR_EQ(out, cases[i].canon);
  }
  ASSERT_EQ(reed_sban_parse(NULL, NULL, out, sizeof(out)), REED_EINVAL);
}

TEST(sban_kind_names)
{
  ASSERT_STR_EQ(reed_sban_kind_name(REED_SBAN_IP), "ip");
  ASSERT_STR_EQ(reed_sban_kind_name(REED_SBAN_MASK), "mask");
  ASSERT_STR_EQ(reed_sban_kind_name(REED_SBAN_ACCOUNT), "account");
  ASSERT_STR_EQ(reed_sban_kind_name(0), "?");
  ASSERT_STR_EQ(reed_sban_kind_name(99), "?");
}

TEST(sban_match_table)
{
  static const struct {
    const char *target;
    reed_sban_who_t who;
    bool match;
  } cases[] = {
      {"10.0.0.0/8", {.ip = "10.9.8.7"}, true},
      {"10.0.0.0/8", {.ip = "11.0.0.1"}, false},
      {"10.0.0.0/8", {.ip = "::ffff:10.1.1.1"}, true},
      {"1.2.3.4", {.ip = "1.2.3.4"}, true},
      {"1.2.3.4", {.ip = "1.2.3.5"}, false},
      {"1.2.3.4", {.ip = "unix"}, false},
      {"1.2.3.4", {.ip = NULL}, false},
      {"2001:db8::/32", {.ip = "2001:db8:1::5"}, true},
      {"2001:db8::/32", {.ip = "2001:db9::5"}, false},
      {"2001:db8::/33", {.ip = "2001:db8:8000::1"}, false},
      {"::/0", {.ip = "2001:db8::1"}, true},
      {"::/0", {.ip = "1.2.3.4"}, true},
      {"0.0.0.0/0", {.ip = "2001:db8::1"}, false},
      {"*!*@bad.example",
       {.nick = "x", .user = "u", .host = "BAD.example", .ip = "1.1.1.1"},
       true},
      {"*!*@1.1.1.*",
       {.nick = "x", .user = "u", .host = "h.example", .ip = "1.1.1.9"},
       true},
      {"bob!*@*", {.nick = "Bob", .user = "u", .host = "h"}, true},
      {"bob!*@*", {.nick = NULL, .user = "u", .host = "h"}, false},
      {"*!~evil@*", {.nick = "n", .user = "~evil", .host = "h"}, true},
      {"*!~evil@*", {.nick = "n", .user = "good", .host = "h"}, false},
      {"alice", {.account = "ALICE"}, true},
      {"alice", {.account = "alicia"}, false},
      {"alice", {.nick = "alice", .account = NULL}, false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int kind = 0;
    char canon[REED_SBAN_TARGET_MAX + 1];
    ASSERT_EQ(reed_sban_parse(cases[i].target, &kind, canon, sizeof(canon)), 0);
    if (reed_sban_matches(kind, canon, &cases[i].who) != cases[i].match) {
      fprintf(stderr, "case %zu (%s)\n", i, cases[i].target);
      ASSERT(false);
    }
  }
}

TEST(sban_add_kills_matching_sessions)
{
  fx_t f;
  reed_session_t *a, *b;
  reed_sban_view_t v;
  reed_sban_view_t ban = {
      .target = "10.0.0.1", .reason = "spam", .setter = "oper", .set_ms = 5};

  fx_init(&f);
  a = sess(&f, "a", "irc", "alice"); /* 10.0.0.1 */
  b = sess(&f, "b", "amp", "bob");   /* 10.0.0.2 */
  ASSERT_EQ(reed_room_join(a, "room", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "room", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_model_sban_add(f.m, &ban), 0);
  ASSERT_LINES(rec_take(), "a KILL * alice :Banned: spam\n"
                           "b QUIT alice :Banned: spam");
  ASSERT_EQ(reed_model_sban_count(f.m), 1);
  ASSERT(reed_model_sban_find(f.m, &(reed_sban_who_t){.ip = "10.0.0.1"}, &v));
  ASSERT_STR_EQ(v.target, "10.0.0.1");
  ASSERT_STR_EQ(v.reason, "spam");
  ASSERT_STR_EQ(v.setter, "oper");
  ASSERT(!reed_session_sban(b, &v));
  /* The same target again replaces the reason; nobody else matches. */
  ban.reason = "again";
  ASSERT_EQ(reed_model_sban_add(f.m, &ban), 0);
  ASSERT_LINES(rec_take(), "");
  ASSERT_EQ(reed_model_sban_count(f.m), 1);
  ASSERT_EQ(reed_model_sban_del(f.m, "10.0.0.2"), REED_ENOTFOUND);
  ASSERT_EQ(reed_model_sban_del(f.m, "not a target!"), REED_EINVAL);
  ASSERT_EQ(reed_model_sban_del(f.m, "10.0.0.1"), 0);
  ASSERT_EQ(reed_model_sban_count(f.m), 0);
  ban.target = "bad target";
  ASSERT_EQ(reed_model_sban_add(f.m, &ban), REED_EINVAL);
  ban.target = "bob";
  ban.setter = NULL;
  ASSERT_EQ(reed_model_sban_add(f.m, &ban), REED_EINVAL);
  fx_done(&f);
}

TEST(sban_account_and_mask_and_expiry)
{
  fx_t f;
  reed_session_t *c, *d;
  reed_sban_view_t v;

  fx_init(&f);
  c = sess_acct(&f, "c", "carol", "carol");
  d = sess(&f, "d", "irc", "dave");
  rec_clear();
  ASSERT_EQ(reed_model_sban_add(
                f.m, &(reed_sban_view_t){.target = "Carol", .setter = "cli"}),
            0);
  ASSERT_LINES(rec_take(), "c KILL * carol :Banned: no reason given");
  ASSERT_EQ(reed_model_sban_add(
                f.m,
                &(reed_sban_view_t){
                    .target = "*!d@*",
                    .reason = "go",
                    .setter = "cli",
                    .expires_ms = f.fc.clock.wall_ms(f.fc.clock.c) + 1000}),
            0);
  ASSERT_LINES(rec_take(), "d KILL * dave :Banned: go");
  ASSERT_EQ(reed_model_sban_count(f.m), 2);
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(reed_model_sban_count(f.m), 1);
  ASSERT(!reed_model_sban_find(
      f.m, &(reed_sban_who_t){.nick = "x", .user = "d", .host = "h"}, &v));
  ASSERT(reed_model_sban_find(f.m, &(reed_sban_who_t){.account = "carol"}, &v));
  ASSERT_EQ(v.kind, REED_SBAN_ACCOUNT);
  (void)c;
  (void)d;
  fx_done(&f);
}

TEST(sban_duration_table)
{
  static const struct {
    const char *in;
    uint64_t ms; /* 0: EINVAL */
    const char *shown;
  } cases[] = {
      {"90s", 90000, "1m30s"},
      {"1h30m", 5400000, "1h30m"},
      {"7d", 604800000, "7d"},
      {"1w", 604800000, "7d"},
      {"2h2h", 14400000, "4h"},
      {"1d1s", 86401000, "1d1s"},
      {"3650d", 3650ull * 86400000, "3650d"},
      {"3651d", 0, NULL},
      {"99999999999999999999s", 0, NULL},
      {"0s", 0, NULL},
      {"10", 0, NULL},
      {"m", 0, NULL},
      {"5x", 0, NULL},
      {"-5m", 0, NULL},
      {"5m ", 0, NULL},
      {"", 0, NULL},
  };
  char shown[32];
  uint64_t ms;

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int rc = reed_sban_duration_parse(cases[i].in, &ms);
    if (cases[i].ms == 0) {
      ASSERT_EQ(rc, REED_EINVAL);
      continue;
    }
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(ms, cases[i].ms);
    reed_sban_duration_format(ms, shown, sizeof(shown));
    ASSERT_STR_EQ(shown, cases[i].shown);
  }
  reed_sban_duration_format(0, shown, sizeof(shown));
  ASSERT_STR_EQ(shown, "0s");
  reed_sban_duration_format(1, shown, sizeof(shown));
  ASSERT_STR_EQ(shown, "1s");
  ASSERT_EQ(reed_sban_duration_parse(NULL, &ms), REED_EINVAL);
}
