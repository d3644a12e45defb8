/* Room modes: permissions, batches applied in order with one MODE event,
 * no-ops, lists and their limits, and every error code. */
#include "rec.h"

#include <stdio.h>

static void
collect_list(void *ud, const reed_list_entry_t *e)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 256 - n, "%s%s/%s/%llu ", e->account ? "account:" : "",
           e->mask, e->by, (unsigned long long)e->ms);
}

TEST(mode_permissions)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");
  reed_mode_change_t m = {.mode = REED_RMODE_MODERATED, .set = true};
  reed_mode_change_t many[33];
  size_t applied = 99;

  ASSERT_EQ(reed_room_set_modes(a, "r", &m, 1, &applied), REED_ENOSUCHROOM);
  ASSERT_EQ(applied, 0);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_set_modes(b, "r", &m, 1, NULL), REED_ENOPRIV);
  ASSERT_EQ(reed_room_set_modes(c, "r", &m, 1, NULL), REED_ENOTMEMBER);
  ASSERT_EQ(reed_room_set_modes(b, "r", NULL, 0, NULL), 0);
  for (size_t i = 0; i < REED_ARRAY_SIZE(many); i++)
    many[i] = m;
  ASSERT_EQ(reed_room_set_modes(a, "r", many, 33, NULL), REED_EINVAL);
  ASSERT_EQ(reed_room_set_modes(a, "r", NULL, 1, NULL), REED_EINVAL);
  ASSERT_LINES(rec_take(), "");
  reed_session_set_oper(c, true);
  ASSERT_EQ(reed_room_set_modes(c, "r", &m, 1, NULL), 0);
  ASSERT_LINES(rec_take(), "s1 MODE carol r +m\n"
                           "s2 MODE carol r +m");
  fx_done(&f);
}

TEST(mode_batch_one_event)
{
  fx_t f;
  reed_room_view_t v;
  reed_member_view_t mv;
  size_t applied;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_mode_change_t ch[] = {
      {.mode = REED_RMODE_MODERATED, .set = true},
      {.mode = REED_RMODE_TOPICLOCK, .set = true},
      {.mode = REED_RMODE_OP, .set = true, .arg = "BOB"},
      {.mode = REED_RMODE_VOICE, .set = true, .arg = "bob"},
      {.mode = REED_RMODE_KEY, .set = true, .arg = "s3cret"},
      {.mode = REED_RMODE_LIMIT, .set = true, .arg = "05"},
      {.mode = REED_RMODE_SECRET, .set = true},
      {.mode = REED_RMODE_NOEXTERNAL, .set = false},
      {.mode = REED_RMODE_MODERATED, .set = true}, /* repeat: no-op */
      {.mode = REED_RMODE_OP, .set = true, .arg = "bob"},
  };

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_set_modes(a, "r", ch, REED_ARRAY_SIZE(ch), &applied), 0);
  ASSERT_EQ(applied, REED_ARRAY_SIZE(ch));
  ASSERT_LINES(rec_take(),
               "s1 MODE alice r +m +t +o bob +v bob +k s3cret +l 5 +s -n\n"
               "s2 MODE alice r +m +t +o bob +v bob +k s3cret +l 5 +s -n");
  reed_room_view(reed_room_find(f.m, "r"), &v);
  ASSERT(v.moderated && v.topic_lock && v.secret && !v.no_external);
  ASSERT_STR_EQ(v.key, "s3cret");
  ASSERT_EQ(v.limit, 5);
  ASSERT_EQ(reed_room_member(reed_room_find(f.m, "r"), "bob", &mv), 0);
  ASSERT(mv.op && mv.voice);
  /* Everything again: all no-ops, no event. */
  ASSERT_EQ(reed_room_set_modes(a, "r", ch, REED_ARRAY_SIZE(ch), &applied), 0);
  ASSERT_LINES(rec_take(), "");
  reed_mode_change_t off[] = {
      {.mode = REED_RMODE_KEY, .set = false},
      {.mode = REED_RMODE_LIMIT, .set = false},
      {.mode = REED_RMODE_KEY, .set = false},
      {.mode = REED_RMODE_OP, .set = false, .arg = "alice"},
  };
  ASSERT_EQ(reed_room_set_modes(a, "r", off, 4, NULL), 0);
  ASSERT_LINES(rec_take(), "s1 MODE alice r -k -l -o alice\n"
                           "s2 MODE alice r -k -l -o alice");
  ASSERT_EQ(mode1(a, "r", REED_RMODE_MODERATED, false, NULL), REED_ENOPRIV);
  fx_done(&f);
}

TEST(mode_stops_at_first_failure)
{
  fx_t f;
  size_t applied;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  sess(&f, "s2", "irc", "bob");
  reed_mode_change_t ch[] = {
      {.mode = REED_RMODE_INVITEONLY, .set = true},
      {.mode = REED_RMODE_OP, .set = true, .arg = "nobody"},
      {.mode = REED_RMODE_MODERATED, .set = true},
  };
  static const struct {
    reed_mode_change_t c;
    int rc;
  } bad[] = {
      {{.mode = REED_RMODE_OP, .set = true, .arg = "bob"},
       REED_ETARGETNOTMEMBER},
      {{.mode = REED_RMODE_OP, .set = true, .arg = NULL}, REED_EBADMODE},
      {{.mode = REED_RMODE_VOICE, .set = true, .arg = "1x"}, REED_EBADMODE},
      {{.mode = REED_RMODE_KEY, .set = true, .arg = "a b"}, REED_EBADMODE},
      {{.mode = REED_RMODE_KEY, .set = true, .arg = NULL}, REED_EBADMODE},
      {{.mode = REED_RMODE_LIMIT, .set = true, .arg = "0"}, REED_EBADMODE},
      {{.mode = REED_RMODE_LIMIT, .set = true, .arg = "x"}, REED_EBADMODE},
      {{.mode = REED_RMODE_LIMIT, .set = true, .arg = "5x"}, REED_EBADMODE},
      {{.mode = REED_RMODE_LIMIT, .set = true, .arg = "9999999"},
       REED_EBADMODE},
      {{.mode = REED_RMODE_LIMIT, .set = true, .arg = NULL}, REED_EBADMODE},
      {{.mode = REED_RMODE_BAN, .set = true, .arg = NULL}, REED_EBADMODE},
      {{.mode = REED_RMODE_BAN, .set = true, .arg = "a b"}, REED_EBADMODE},
      {{.mode = REED_RMODE_EXCEPT, .set = true, .arg = ""}, REED_EBADMODE},
      {{.mode = (reed_room_mode_t)99, .set = true}, REED_EBADMODE},
  };

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_set_modes(a, "r", ch, 3, &applied), REED_ENOSUCHNICK);
  ASSERT_EQ(applied, 1);
  ASSERT_LINES(rec_take(), "s1 MODE alice r +i");
  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++) {
    applied = 9;
    if (reed_room_set_modes(a, "r", &bad[i].c, 1, &applied) != bad[i].rc)
      reed__test_fail(__FILE__, __LINE__, "bad mode case %zu", i);
    ASSERT_EQ(applied, 0);
  }
  ASSERT_LINES(rec_take(), "");
  fx_done(&f);
}

TEST(mode_lists)
{
  fx_t f;
  char buf[256] = "";
  size_t applied;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_mode_change_t ch[] = {
      {.mode = REED_RMODE_BAN, .set = true, .arg = "bob"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "BOB!*@*"}, /* dup */
      {.mode = REED_RMODE_BAN, .set = true, .arg = "u@h"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "x!y"},
  };

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  rec_clear();
  fc_advance(&f.fc, 3);
  ASSERT_EQ(reed_room_set_modes(a, "r", ch, 4, &applied), REED_ELISTFULL);
  ASSERT_EQ(applied, 3);
  ASSERT_LINES(rec_take(), "s1 MODE alice r +b bob!*@* +b *!u@h");
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_BAN, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "bob!*@*/alice/1700000000003 *!u@h/alice/1700000000003 ");
  buf[0] = '\0';
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_KEY, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "");
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, false, "nothere!*@*"), 0);
  ASSERT_LINES(rec_take(), "");
  reed_mode_change_t swap[] = {
      {.mode = REED_RMODE_BAN, .set = false, .arg = "Bob!*@*"},
      {.mode = REED_RMODE_BAN, .set = true, .arg = "x!y"},
      {.mode = REED_RMODE_INVEX, .set = true, .arg = "friend"},
      {.mode = REED_RMODE_EXCEPT, .set = true, .arg = "pal"},
  };
  ASSERT_EQ(reed_room_set_modes(a, "r", swap, 4, NULL), 0);
  ASSERT_LINES(rec_take(),
               "s1 MODE alice r -b Bob!*@* +b x!y@* +I friend!*@* +e pal!*@*");
  buf[0] = '\0';
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_BAN, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "*!u@h/alice/1700000000003 x!y@*/alice/1700000000003 ");
  buf[0] = '\0';
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_INVEX, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "friend!*@*/alice/1700000000003 ");
  buf[0] = '\0';
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_EXCEPT, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "pal!*@*/alice/1700000000003 ");
  fx_done(&f);
}

TEST(moderated_room)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_MODERATED, true, NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_VOICE, true, "bob"), 0);
  rec_clear();
  ASSERT_EQ(say(c, "r", "hi"), REED_EMODERATED);
  ASSERT_EQ(say(b, "r", "hi"), 0);
  ASSERT_EQ(say(a, "r", "hi"), 0);
  reed_session_set_oper(c, true);
  ASSERT_EQ(say(c, "r", "oper"), 0);
  ASSERT_LINES(rec_take(), "s2 MSG bob r hi echo\n"
                           "s1 MSG bob r hi\n"
                           "s3 MSG bob r hi\n"
                           "s1 MSG alice r hi echo\n"
                           "s2 MSG alice r hi\n"
                           "s3 MSG alice r hi\n"
                           "s3 MSG carol r oper echo\n"
                           "s1 MSG carol r oper\n"
                           "s2 MSG carol r oper");
  fx_done(&f);
}

TEST(room_load_list_errors)
{
  static const struct {
    const char *room;
    reed_room_mode_t which;
    const char *mask, *by;
    int rc;
  } cases[] = {
      {"r", REED_RMODE_BAN, "bob", "alice", 0},
      {"R", REED_RMODE_BAN, "BOB!*@*", "x", REED_EEXIST},
      {"r", REED_RMODE_BAN, "u@h", NULL, 0},
      {"r", REED_RMODE_BAN, "third", "x", REED_ELISTFULL},
      {"r", REED_RMODE_EXCEPT, "third", "", 0},
      {"bad room", REED_RMODE_BAN, "m", "x", REED_EBADROOM},
      {NULL, REED_RMODE_BAN, "m", "x", REED_EBADROOM},
      {"r", REED_RMODE_KEY, "m", "x", REED_EINVAL},
      {"r", REED_RMODE_OP, "m", "x", REED_EINVAL},
      {"r", REED_RMODE_INVEX, NULL, "x", REED_EINVAL},
      {"r", REED_RMODE_INVEX, "", "x", REED_EINVAL},
      {"r", REED_RMODE_INVEX, "a b", "x", REED_EINVAL},
      {"r", REED_RMODE_INVEX, "a\x01", "x", REED_EINVAL},
      {"r", REED_RMODE_INVEX, "ok", "bad by", REED_EINVAL},
      {"r", REED_RMODE_INVEX, "ok", "bad\n", REED_EINVAL},
  };
  char buf[256] = "";
  fx_t f;
  fx_init(&f);

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    int rc = reed_room_load_list(f.m, cases[i].room, cases[i].which,
                                 cases[i].mask, false, cases[i].by, 10 + i);
    if (rc != cases[i].rc)
      reed__test_fail(__FILE__, __LINE__, "case %zu: %d, want %d", i, rc,
                      cases[i].rc);
  }
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_BAN, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "bob!*@*/alice/10 *!u@h//12 ");
  buf[0] = '\0';
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_EXCEPT, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "third!*@*//14 ");
  fx_done(&f);
}

TEST(room_load_list_enforced)
{
  reed_room_state_t st = {.name = "Club", .invite_only = true};
  fx_t f;
  fx_init(&f);
  reed_session_t *bob = sess(&f, "s1", "irc", "bob");
  reed_session_t *pal = sess(&f, "s2", "irc", "pal");
  reed_session_t *fr = sess(&f, "s3", "irc", "friend");
  reed_session_t *x = sess(&f, "s4", "irc", "xavier");

  ASSERT_EQ(reed_room_load(f.m, &st), 0);
  /* Loaded before the room exists: it is made dormant. */
  ASSERT_EQ(reed_room_load_list(f.m, "open", REED_RMODE_BAN, "*!*@s1.example",
                                false, "op", 1),
            0);
  ASSERT(reed_room_find(f.m, "open") == NULL);
  ASSERT_EQ(
      reed_room_load_list(f.m, "open", REED_RMODE_BAN, "pal", false, "op", 2),
      0);
  ASSERT_EQ(reed_room_load_list(f.m, "open", REED_RMODE_EXCEPT, "pal", false,
                                "op", 3),
            0);
  ASSERT_EQ(reed_room_load_list(f.m, "club", REED_RMODE_INVEX, "friend", false,
                                "op", 4),
            0);
  ASSERT_EQ(reed_room_join(bob, "open", NULL), REED_EBANNED);
  ASSERT_EQ(reed_room_join(pal, "open", NULL), 0);
  ASSERT_EQ(reed_room_join(x, "open", NULL), 0);
  ASSERT_EQ(reed_room_join(x, "club", NULL), REED_EINVITEONLY);
  ASSERT_EQ(reed_room_join(fr, "club", NULL), 0);
  /* Loaded entries are ordinary entries: the op (pal, first in) removes
   * one in another case, and bob gets in. */
  ASSERT_EQ(mode1(x, "open", REED_RMODE_BAN, false, "*!*@S1.example"),
            REED_ENOPRIV);
  rec_clear();
  ASSERT_EQ(mode1(pal, "open", REED_RMODE_BAN, false, "*!*@S1.example"), 0);
  ASSERT_LINES(rec_take(), "s2 MODE pal open -b *!*@S1.example\n"
                           "s4 MODE pal open -b *!*@S1.example");
  ASSERT_EQ(reed_room_join(bob, "open", NULL), 0);
  fx_done(&f);
}

static int
account_entry(reed_session_t *s, const char *room, reed_room_mode_t md,
              bool set, const char *account)
{
  reed_mode_change_t c = {
      .mode = md, .set = set, .arg = account, .account = true};

  return reed_room_set_modes(s, room, &c, 1, NULL);
}

/* An account entry matches every session logged in to the account,
 * whatever its nick, host or protocol, and nothing else. */
TEST(account_ban)
{
  char buf[256] = "";
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "s2", "bob", "robert");
  reed_session_t *b2 = sess_acct(&f, "s3", "bob", NULL);
  reed_session_t *guest = sess(&f, "s4", "amp", "bobby");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(account_entry(a, "r", REED_RMODE_BAN, true, "Bob"), 0);
  ASSERT_LINES(rec_take(), "s1 MODE alice r +b account:Bob");
  /* Already there, in another case: a no-op. A mask that reads like the
   * account is a different entry. */
  ASSERT_EQ(account_entry(a, "r", REED_RMODE_BAN, true, "BOB"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, true, "bob"), 0);
  ASSERT_LINES(rec_take(), "s1 MODE alice r +b bob!*@*");
  reed_room_each_list(reed_room_find(f.m, "r"), REED_RMODE_BAN, collect_list,
                      buf);
  ASSERT_STR_EQ(buf, "account:Bob/alice/1700000000000 "
                     "bob!*@*/alice/1700000000000 ");
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, false, "bob"), 0);
  /* Any nick, any host, any session of the account is kept out. */
  ASSERT_EQ(reed_room_join(b, "r", NULL), REED_EBANNED);
  ASSERT_EQ(reed_session_set_nick(b2, "zed"), 0);
  ASSERT_EQ(reed_room_join(b2, "r", NULL), REED_EBANNED);
  /* A guest is not the account, whatever it calls itself. */
  ASSERT_EQ(reed_room_join(guest, "r", NULL), 0);
  /* An account exception lets the account in past a mask ban. */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, true, "*!*@*"), 0);
  ASSERT_EQ(account_entry(a, "r", REED_RMODE_BAN, false, "bob"), 0);
  ASSERT_EQ(account_entry(a, "r", REED_RMODE_EXCEPT, true, "BOB"), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  fx_done(&f);
}

TEST(account_invex_and_errors)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess_acct(&f, "s2", "bob", "robert");
  reed_session_t *c = sess(&f, "s3", "irc", "bobby");
  reed_mode_change_t inv = {.mode = REED_RMODE_INVITEONLY, .set = true};
  static const char *const bad[] = {"", "1bob", "bob!*@*", "b o",
                                    "a234567890123456789012345678901234"};

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_modes(a, "r", &inv, 1, NULL), 0);
  ASSERT_EQ(account_entry(a, "r", REED_RMODE_INVEX, true, "bob"), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), REED_EINVITEONLY);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++)
    ASSERT_EQ(account_entry(a, "r", REED_RMODE_BAN, true, bad[i]),
              REED_EBADMODE);
  ASSERT_EQ(account_entry(a, "r", REED_RMODE_BAN, true, NULL), REED_EBADMODE);
  /* Loaded account entries: kept as given, a duplicate in any case. */
  ASSERT_EQ(
      reed_room_load_list(f.m, "r", REED_RMODE_BAN, "Carol", true, "op", 5), 0);
  ASSERT_EQ(
      reed_room_load_list(f.m, "r", REED_RMODE_BAN, "CAROL", true, "op", 6),
      REED_EEXIST);
  ASSERT_EQ(
      reed_room_load_list(f.m, "r", REED_RMODE_BAN, "carol", false, "op", 6),
      0);
  ASSERT_EQ(
      reed_room_load_list(f.m, "r", REED_RMODE_BAN, "c!*@*", true, "op", 7),
      REED_EINVAL);
  fx_done(&f);
}
