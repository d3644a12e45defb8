/* Rooms and membership: join, part, kick, invite, topics, admission rules
 * and dormant state. */
#include "rec.h"

#include <stdio.h>

static void
collect_member(void *ud, const reed_member_view_t *mv)
{
  char *out = ud;
  size_t n = strlen(out);

  snprintf(out + n, 256 - n, "%s%s%s/%s ", mv->op ? "@" : "",
           mv->voice ? "+" : "", mv->who.nick, mv->who.origin);
}

static void
collect_room(void *ud, const reed_room_t *r)
{
  char *out = ud;
  reed_room_view_t v;
  size_t n = strlen(out);

  reed_room_view(r, &v);
  snprintf(out + n, 256 - n, "%s ", v.name);
}

TEST(join_creates_room_first_is_op)
{
  fx_t f;
  char buf[256] = "";
  reed_room_view_t v;
  reed_member_view_t mv;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "xmpp", "bob");

  fc_advance(&f.fc, 5);
  ASSERT_EQ(reed_room_join(a, "Room", NULL), 0);
  ASSERT_LINES(rec_take(), "s1 JOIN alice Room");
  ASSERT(reed_room_find(f.m, "ROOM") != NULL);
  ASSERT(reed_room_find(f.m, "other") == NULL);
  ASSERT(reed_room_find(f.m, "bad room") == NULL);
  reed_room_view(reed_room_find(f.m, "room"), &v);
  ASSERT_STR_EQ(v.name, "Room");
  ASSERT_EQ(v.created_ms, 1700000000005ull);
  ASSERT(v.no_external);
  ASSERT(!v.moderated && !v.invite_only && !v.topic_lock && !v.secret);
  ASSERT(v.topic == NULL && v.key == NULL && v.limit == 0);
  ASSERT_EQ(v.members, 1);
  ASSERT_EQ(reed_room_join(b, "rOOM", NULL), 0);
  ASSERT_LINES(rec_take(), "s1 JOIN bob Room\n"
                           "s2 JOIN bob Room");
  reed_room_each_member(reed_room_find(f.m, "room"), collect_member, buf);
  ASSERT_STR_EQ(buf, "@alice/irc bob/xmpp ");
  ASSERT_EQ(reed_room_member(reed_room_find(f.m, "room"), "BOB", &mv), 0);
  ASSERT(!mv.op);
  ASSERT_EQ(mv.joined_ms, 1700000000005ull);
  ASSERT_EQ(reed_room_member(reed_room_find(f.m, "room"), "zed", &mv),
            REED_ENOSUCHNICK);
  ASSERT_EQ(reed_room_join(a, "second", NULL), 0);
  buf[0] = '\0';
  reed_model_each_room(f.m, collect_room, buf);
  ASSERT_STR_EQ(buf, "Room second ");
  buf[0] = '\0';
  reed_session_each_room(a, collect_room, buf);
  ASSERT_STR_EQ(buf, "Room second ");
  buf[0] = '\0';
  reed_model_each_room_of(f.m, "ALICE", collect_room, buf);
  ASSERT_STR_EQ(buf, "Room second ");
  buf[0] = '\0';
  reed_model_each_room_of(f.m, "nobody", collect_room, buf);
  ASSERT_STR_EQ(buf, "");
  ASSERT(reed_room_has_session(reed_room_find(f.m, "second"), a));
  ASSERT(!reed_room_has_session(reed_room_find(f.m, "second"), b));
  ASSERT_EQ(reed_room_member(reed_room_find(f.m, "second"), "bob", &mv),
            REED_ETARGETNOTMEMBER);
  fx_done(&f);
}

TEST(join_errors)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *n = sess(&f, "s2", "irc", NULL);

  ASSERT_EQ(reed_room_join(a, "bad room", NULL), REED_EBADROOM);
  ASSERT_EQ(reed_room_join(a, "", NULL), REED_EBADROOM);
  ASSERT_EQ(reed_room_join(a, NULL, NULL), REED_EBADROOM);
  ASSERT_EQ(reed_room_join(n, "r", NULL), REED_EINVAL);
  ASSERT_EQ(reed_room_join(a, "r1", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "R1", NULL), REED_EALREADYMEMBER);
  ASSERT_EQ(reed_room_join(a, "r2", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "r3", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "r4", NULL), REED_ETOOMANYROOMS);
  ASSERT(reed_room_find(f.m, "r4") == NULL);
  fx_done(&f);
}

TEST(part_errors_and_reasons)
{
  fx_t f;
  char longr[500];
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");

  ASSERT_EQ(reed_room_part(a, "r", NULL), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_part(a, "bad room", NULL), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_part(b, "other", NULL), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_part(a, "r", "bad\r\nQUIT"), REED_EBADTEXT);
  memset(longr, 'x', sizeof(longr) - 1);
  longr[sizeof(longr) - 1] = '\0';
  longr[389] = '\xc3'; /* a two-byte character across the limit */
  longr[390] = '\xa9';
  ASSERT_EQ(reed_room_part(b, "r", longr), 0);
  const char *log = rec_take();
  ASSERT_EQ(strlen(log), 2 * (strlen("s1 PART bob r :") + 389 + 1));
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  ASSERT_LINES(rec_take(), "s1 PART alice r");
  ASSERT(reed_room_find(f.m, "r") == NULL);
  ASSERT_EQ(reed_room_part(a, "r", NULL), REED_ENOSUCHROOM);
  fx_done(&f);
}

TEST(topic_rules)
{
  fx_t f;
  char longt[REED_TOPIC_MAX + 2];
  reed_room_view_t v;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *o = sess(&f, "s3", "irc", "oper");

  ASSERT_EQ(reed_room_set_topic(a, "r", "x"), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_set_topic(o, "r", "x"), REED_ENOTMEMBER);
  memset(longt, 't', sizeof(longt) - 1);
  longt[sizeof(longt) - 1] = '\0';
  ASSERT_EQ(reed_room_set_topic(a, "r", longt), REED_EBADTOPIC);
  longt[REED_TOPIC_MAX] = '\0';
  ASSERT_EQ(reed_room_set_topic(a, "r", "a\x01"), REED_EBADTOPIC);
  ASSERT_EQ(reed_room_set_topic(a, "r", "a\nb"), REED_EBADTOPIC);
  ASSERT_EQ(reed_room_set_topic(a, "r", "\xff"), REED_EBADTOPIC);
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(reed_room_set_topic(b, "r", "hello"), 0);
  ASSERT_LINES(rec_take(), "s1 TOPIC bob r :hello\n"
                           "s2 TOPIC bob r :hello");
  reed_room_view(reed_room_find(f.m, "r"), &v);
  ASSERT_STR_EQ(v.topic, "hello");
  ASSERT_STR_EQ(v.topic_by, "bob");
  ASSERT_EQ(v.topic_ms, 1700000001000ull);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_TOPICLOCK, true, NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_set_topic(b, "r", "mine"), REED_ENOPRIV);
  ASSERT_EQ(reed_room_set_topic(a, "r", longt), 0); /* exactly 390 */
  rec_clear();
  reed_session_set_oper(o, true);
  ASSERT_EQ(reed_room_set_topic(o, "r", NULL), 0); /* cleared by an oper */
  ASSERT_LINES(rec_take(), "s1 TOPIC oper r\n"
                           "s2 TOPIC oper r");
  reed_room_view(reed_room_find(f.m, "r"), &v);
  ASSERT(v.topic == NULL);
  fx_done(&f);
}

TEST(kick_rules)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b1 = sess_acct(&f, "b1", "bob", "bob");
  reed_session_t *b2 = sess_acct(&f, "b2", "bob", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");

  ASSERT_EQ(reed_room_kick(a, "r", "bob", NULL), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b1, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b2, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_kick(c, "r", "bob", NULL), REED_ENOTMEMBER);
  ASSERT_EQ(reed_room_kick(b1, "r", "alice", NULL), REED_ENOPRIV);
  ASSERT_EQ(reed_room_kick(a, "r", "nobody", NULL), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_room_kick(a, "r", "carol", NULL), REED_ETARGETNOTMEMBER);
  ASSERT_EQ(reed_room_kick(a, "r", "bob", "\x01"), REED_EBADTEXT);
  ASSERT_EQ(reed_room_kick(a, "r", "BOB", "out"), 0);
  ASSERT_LINES(rec_take(), "s1 KICK alice r bob :out\n"
                           "b1 KICK alice r bob :out\n"
                           "b2 KICK alice r bob :out");
  ASSERT(!reed_room_has_session(reed_room_find(f.m, "r"), b1));
  ASSERT(!reed_room_has_session(reed_room_find(f.m, "r"), b2));
  ASSERT_EQ(say(b2, "r", "x"), REED_ENOEXTERNAL);
  reed_session_set_oper(c, true);
  ASSERT_EQ(reed_room_kick(c, "r", "alice", NULL), 0); /* oper override */
  ASSERT_LINES(rec_take(), "s1 KICK carol r alice");
  ASSERT(reed_room_find(f.m, "r") == NULL);
  fx_done(&f);
}

TEST(invite_rules)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");

  ASSERT_EQ(reed_room_invite(a, "r", "bob"), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_INVITEONLY, true, NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_invite(c, "r", "alice"), REED_ENOTMEMBER);
  ASSERT_EQ(reed_room_invite(b, "r", "carol"), REED_ENOPRIV);
  ASSERT_EQ(reed_room_invite(a, "r", "nobody"), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_room_invite(a, "r", "bob"), REED_EALREADYMEMBER);
  ASSERT_EQ(reed_room_join(c, "r", NULL), REED_EINVITEONLY);
  ASSERT_EQ(reed_room_invite(a, "r", "carol"), 0);
  ASSERT_EQ(reed_room_invite(a, "r", "carol"), 0); /* once is enough */
  ASSERT_LINES(rec_take(), "s3 INVITE alice r carol\n"
                           "s3 INVITE alice r carol");
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  ASSERT_EQ(reed_room_part(c, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), REED_EINVITEONLY); /* used */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_INVITEONLY, false, NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_invite(b, "r", "carol"), 0); /* -i: anyone joined */
  ASSERT_LINES(rec_take(), "s3 INVITE bob r carol");
  fx_done(&f);
}

TEST(admission_rules)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");
  reed_session_t *d = sess(&f, "s4", "irc", "dave");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, true, "*!*@s2.example"), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), REED_EBANNED);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_EXCEPT, true, "bob"), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0); /* exception overrides */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, true, "*!*@10.0.0.3"), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), REED_EBANNED); /* by address */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, false, "*!*@10.0.0.3"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_INVITEONLY, true, NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), REED_EINVITEONLY);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_INVEX, true, "carol!*@*"), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0); /* invex lets in past +i */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_INVITEONLY, false, NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_KEY, true, "k3y"), 0);
  ASSERT_EQ(reed_room_join(d, "r", NULL), REED_EBADKEY);
  ASSERT_EQ(reed_room_join(d, "r", "K3Y"), REED_EBADKEY);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_LIMIT, true, "3"), 0);
  ASSERT_EQ(reed_room_join(d, "r", "k3y"), REED_EROOMFULL);
  reed_session_set_oper(d, true);
  ASSERT_EQ(reed_room_join(d, "r", NULL), 0); /* oper override */
  rec_clear();
  ASSERT_EQ(say(b, "r", "hi"), 0); /* banned but excepted */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_EXCEPT, false, "bob!*@*"), 0);
  ASSERT_EQ(say(b, "r", "hi"), REED_EBANNED);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_VOICE, true, "bob"), 0);
  ASSERT_EQ(say(b, "r", "hi"), 0); /* voice speaks through a ban */
  ASSERT_EQ(mode1(a, "r", REED_RMODE_VOICE, false, "bob"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, false, "*!*@s2.example"), 0);
  rec_clear();
  ASSERT_EQ(say(b, "r", "hi"), 0);
  fx_done(&f);
}

/* A registered room (alice's) keeps its state while empty; see
 * test_affiliation.c for the room nobody owns. */
TEST(empty_room_keeps_dormant_state)
{
  fx_t f;
  reed_room_view_t v;
  fx_init(&f);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_set_topic(a, "r", "kept"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_MODERATED, true, NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_BAN, true, "carol"), 0);
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  ASSERT(reed_room_find(f.m, "r") == NULL);
  ASSERT_EQ(reed_model_live_objects(f.m), 4);
  rec_clear();
  ASSERT_EQ(reed_room_join(b, "R", NULL), 0);
  ASSERT_LINES(rec_take(), "s2 JOIN bob r");
  reed_room_view(reed_room_find(f.m, "r"), &v);
  ASSERT_STR_EQ(v.topic, "kept");
  ASSERT(v.moderated);
  reed_member_view_t mv;
  ASSERT_EQ(reed_room_member(reed_room_find(f.m, "r"), "bob", &mv), 0);
  ASSERT(!mv.op); /* arriving first in a registered room gives nothing */
  fx_done(&f);
}

TEST(room_load_restores_state)
{
  fx_t f;
  reed_room_view_t v;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_room_state_t st = {
      .name = "Lounge",
      .topic = "loaded",
      .topic_by = "root",
      .topic_ms = 42,
      .created_ms = 7,
      .topic_lock = true,
      .no_external = false,
      .key = "pw",
      .limit = 10,
  };

  ASSERT_EQ(reed_room_load(f.m, &st), 0);
  ASSERT(reed_room_find(f.m, "lounge") == NULL); /* dormant */
  ASSERT_EQ(reed_room_join(a, "lounge", NULL), REED_EBADKEY);
  ASSERT_EQ(reed_room_join(a, "lounge", "pw"), 0);
  reed_room_view(reed_room_find(f.m, "LOUNGE"), &v);
  ASSERT_STR_EQ(v.name, "Lounge");
  ASSERT_STR_EQ(v.topic, "loaded");
  ASSERT_STR_EQ(v.topic_by, "root");
  ASSERT_EQ(v.topic_ms, 42);
  ASSERT_EQ(v.created_ms, 7);
  ASSERT(v.topic_lock && !v.no_external);
  ASSERT_STR_EQ(v.key, "pw");
  ASSERT_EQ(v.limit, 10);
  /* Loading over an existing room replaces its settings. */
  st.key = NULL;
  st.topic = NULL;
  ASSERT_EQ(reed_room_load(f.m, &st), 0);
  reed_room_view(reed_room_find(f.m, "lounge"), &v);
  ASSERT(v.key == NULL && v.topic == NULL);
  reed_room_state_t bad = {.name = "a b"};
  ASSERT_EQ(reed_room_load(f.m, &bad), REED_EBADROOM);
  ASSERT_EQ(reed_room_load(f.m, NULL), REED_EINVAL);
  bad.name = "ok";
  bad.key = "a b";
  ASSERT_EQ(reed_room_load(f.m, &bad), REED_EINVAL);
  bad.key = NULL;
  bad.topic = "x\ny";
  ASSERT_EQ(reed_room_load(f.m, &bad), REED_EINVAL);
  fx_done(&f);
}

TEST(dormant_rooms_are_bounded)
{
  fx_t f;
  reed_room_view_t v;
  reed_model_opts_t o = {.max_dormant_rooms = 2};
  fx_init_opts(&f, &o);
  reed_session_t *a = sess_acct(&f, "s1", "alice", "alice"); /* owns them */
  const char *names[] = {"r1", "r2", "r3"};

  for (size_t i = 0; i < 3; i++) {
    ASSERT_EQ(reed_room_join(a, names[i], NULL), 0);
    ASSERT_EQ(reed_room_set_topic(a, names[i], names[i]), 0);
    ASSERT_EQ(reed_room_part(a, names[i], NULL), 0);
  }
  ASSERT_EQ(reed_room_join(a, "r1", NULL), 0); /* evicted: fresh */
  reed_room_view(reed_room_find(f.m, "r1"), &v);
  ASSERT(v.topic == NULL);
  ASSERT_EQ(reed_room_join(a, "r3", NULL), 0);
  reed_room_view(reed_room_find(f.m, "r3"), &v);
  ASSERT_STR_EQ(v.topic, "r3");
  fx_done(&f);
}

/* An invite to a guest is for that guest: a later holder of the nick does
 * not inherit it. An account's invite follows the account. */
TEST(invite_is_for_the_guest_not_the_nick)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *c = sess(&f, "s2", "irc", "carol");
  reed_session_t *d = sess_acct(&f, "s3", "dave", "dave");
  reed_session_t *x;

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_INVITEONLY, true, NULL), 0);
  ASSERT_EQ(reed_room_invite(a, "r", "carol"), 0);
  ASSERT_EQ(reed_room_invite(a, "r", "dave"), 0);
  reed_session_quit(c, NULL);
  reed_session_quit(d, NULL);
  c = sess(&f, "s4", "irc", "CAROL");
  ASSERT_EQ(reed_room_join(c, "r", NULL), REED_EINVITEONLY);
  x = sess(&f, "s5", "irc", "other");
  reed_session_quit(c, NULL);
  ASSERT_EQ(reed_session_set_nick(x, "carol"), 0);
  ASSERT_EQ(reed_room_join(x, "r", NULL), REED_EINVITEONLY);
  d = sess_acct(&f, "s6", "dave", "dave");
  ASSERT_EQ(reed_room_join(d, "r", NULL), 0);
  /* Invited again, the new carol gets in, once. */
  ASSERT_EQ(reed_room_invite(a, "r", "carol"), 0);
  ASSERT_EQ(reed_room_join(x, "r", NULL), 0);
  ASSERT_EQ(reed_room_part(x, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(x, "r", NULL), REED_EINVITEONLY);
  fx_done(&f);
}

typedef struct {
  int calls, rc;
  bool half; /* load "vault2" with a key before failing with rc */
  char last[REED_ROOM_MAX + 1];
} src_t;

/* A source that knows one saved room, "Vault" with a key and a ban. */
static int
src_load(void *ud, reed_model_t *m, const char *room)
{
  src_t *src = ud;
  reed_room_state_t st = {.name = "Vault", .key = "k", .topic = "kept"};

  src->calls++;
  snprintf(src->last, sizeof(src->last), "%s", room);
  if (reed_casecmp(room, "vault2") == 0) {
    st.name = "vault2";
    ASSERT_EQ(reed_room_load(m, &st), 0);
    return src->half ? src->rc : 0;
  }
  if (src->rc != 0)
    return src->rc;
  if (reed_casecmp(room, "vault") != 0)
    return 0;
  ASSERT_EQ(reed_room_load(m, &st), 0);
  ASSERT_EQ(reed_room_load_list(m, "Vault", REED_RMODE_BAN, "*!*@s2.example",
                                false, "op", 1),
            0);
  return 0;
}

TEST(room_source_loads_unknown_rooms)
{
  reed_model_opts_t o = {.max_dormant_rooms = 1};
  src_t src = {0};
  reed_room_view_t v;
  fx_t f;
  fx_init_opts(&f, &o);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");

  reed_model_set_room_source(
      f.m, &(reed_room_source_t){.load = src_load, .ud = &src});
  /* Unknown: asked once; nothing saved, so a fresh room. */
  ASSERT_EQ(reed_room_join(a, "Fresh", NULL), 0);
  ASSERT_EQ(src.calls, 1);
  ASSERT_STR_EQ(src.last, "Fresh");
  ASSERT_EQ(reed_room_join(b, "fresh", NULL), 0); /* in memory: not asked */
  ASSERT_EQ(src.calls, 1);
  /* Saved state comes in before the admission checks. */
  ASSERT_EQ(reed_room_join(a, "VAULT", NULL), REED_EBADKEY);
  ASSERT_EQ(src.calls, 2);
  ASSERT_EQ(reed_room_join(b, "vault", "k"), REED_EBANNED);
  ASSERT_EQ(src.calls, 2); /* dormant now: in memory */
  ASSERT_EQ(reed_room_join(a, "vault", "k"), 0);
  reed_room_view(reed_room_find(f.m, "vault"), &v);
  ASSERT_STR_EQ(v.name, "Vault");
  ASSERT_STR_EQ(v.topic, "kept");
  ASSERT_EQ(reed_room_part(a, "vault", NULL), 0);
  /* Evicted (one dormant room kept), it is asked for again. */
  ASSERT_EQ(reed_room_join(a, "other", NULL), 0);
  ASSERT_EQ(reed_room_part(a, "other", NULL), 0);
  ASSERT_EQ(reed_room_join(a, "vault", NULL), REED_EBADKEY);
  ASSERT_EQ(src.calls, 4);
  /* An error fails the join and makes no room. */
  src.rc = REED_EIO;
  ASSERT_EQ(reed_room_join(a, "broken", NULL), REED_EIO);
  ASSERT(reed_room_find(f.m, "broken") == NULL);
  /* Nor keeps half of one: a source that loaded some state and then
   * failed is asked again at the next join. */
  src.rc = REED_ENOMEM;
  src.half = true;
  ASSERT_EQ(reed_room_join(a, "vault2", NULL), REED_ENOMEM);
  src.rc = 0;
  ASSERT_EQ(reed_room_join(a, "vault2", NULL), REED_EBADKEY);
  /* Without a source, unknown rooms are simply fresh. */
  reed_model_set_room_source(f.m, NULL);
  ASSERT_EQ(reed_room_join(a, "broken", NULL), 0);
  ASSERT_EQ(src.calls, 7);
  fx_done(&f);
}

/* default_topic_lock: rooms made from then on are topic-locked (IRC +nt);
 * a room that exists keeps its modes, and turning it off applies to the
 * next new room only. */
TEST(default_topic_lock_for_new_rooms)
{
  fx_t f;
  reed_room_view_t v;
  reed_model_opts_t o = {.server_name = "test.server",
                         .default_topic_lock = true};

  fx_init_opts(&f, &o);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "amp", "bob");

  ASSERT_EQ(reed_room_join(a, "locked", NULL), 0);
  reed_room_view(reed_room_find(f.m, "locked"), &v);
  ASSERT(v.topic_lock && v.no_external);
  /* Not an op: the lock holds. */
  ASSERT_EQ(reed_room_join(b, "locked", NULL), 0);
  ASSERT(reed_room_set_topic(b, "locked", "mine") < 0);
  reed_model_set_default_topic_lock(f.m, false);
  reed_room_view(reed_room_find(f.m, "locked"), &v);
  ASSERT(v.topic_lock);
  ASSERT_EQ(reed_room_join(b, "open", NULL), 0);
  reed_room_view(reed_room_find(f.m, "open"), &v);
  ASSERT(!v.topic_lock && v.no_external);
  rec_take();
  fx_done(&f);
}
