/* Messages: room and private, echo and labels, copies, client tags,
 * redaction, the sequencer seam, observers and the format cache. */
#include "rec.h"

#include <stdio.h>

TEST(say_errors)
{
  fx_t f;
  char big[16386];
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_msg_extra_t badtags = {.irc_client_tags = "a b"};
  reed_msg_extra_t badlabel = {.label = "x\n"};

  ASSERT_EQ(say(a, "r", "x"), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(say(a, "r", ""), REED_EBADTEXT);
  ASSERT_EQ(reed_room_say(a, "r", 0, "a\0b", 3, NULL, NULL), REED_EBADTEXT);
  ASSERT_EQ(say(a, "r", "\xc3\x28"), REED_EBADTEXT);
  ASSERT_EQ(reed_room_say(a, "r", 0, NULL, 0, NULL, NULL), REED_EBADTEXT);
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  ASSERT_EQ(say(a, "r", big), REED_EBADTEXT);
  ASSERT_EQ(reed_room_say(a, "r", 7, "x", 1, NULL, NULL), REED_EINVAL);
  ASSERT_EQ(reed_room_say(a, "r", 0, "x", 1, &badtags, NULL), REED_EINVAL);
  ASSERT_EQ(reed_room_say(a, "r", 0, "x", 1, &badlabel, NULL), REED_EINVAL);
  ASSERT_EQ(say(b, "r", "x"), REED_ENOEXTERNAL);
  ASSERT_LINES(rec_take(), "");
  ASSERT_EQ(mode1(a, "r", REED_RMODE_NOEXTERNAL, false, NULL), 0);
  rec_clear();
  ASSERT_EQ(say(b, "r", "from outside"), 0);
  ASSERT_LINES(rec_take(), "s2 MSG bob r from outside echo\n"
                           "s1 MSG bob r from outside");
  /* Multi-line text passes: protocols split lines themselves. */
  ASSERT_EQ(say(a, "r", "two\nlines"), 0);
  ASSERT_LINES(rec_take(), "s1 MSG alice r two\n"
                           "lines echo");
  fx_done(&f);
}

TEST(say_checks_the_calling_session)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");

  ASSERT_EQ(reed_room_join(a1, "r", NULL), 0);
  ASSERT_EQ(mode1(a1, "r", REED_RMODE_NOEXTERNAL, false, NULL), 0);
  ASSERT_EQ(say(a2, "r", "x"), REED_ENOTMEMBER);
  ASSERT_EQ(reed_room_set_topic(a2, "r", "x"), REED_ENOTMEMBER);
  ASSERT_EQ(reed_room_part(a2, "r", NULL), REED_ENOTMEMBER);
  fx_done(&f);
}

TEST(say_echo_label_tags_ids)
{
  fx_t f;
  uint64_t id1 = 0, id2 = 0;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "amp", "bob");
  reed_msg_extra_t x = {.irc_client_tags = "+draft/reply=7", .label = "L1"};

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_room_say(a, "r", REED_MSG_ACTION, "waves", 5, &x, &id1), 0);
  ASSERT_EQ(reed_room_say(b, "r", REED_MSG_NOTICE, "note", 4, NULL, &id2), 0);
  ASSERT_EQ(id2, id1 + 1);
  ASSERT_LINES(rec_take(), "s1 MSG alice r waves kind=1 echo label=L1\n"
                           "s2 MSG alice r waves kind=1\n"
                           "s2 MSG bob r note kind=2 echo\n"
                           "s1 MSG bob r note kind=2");
  fx_done(&f);
}

TEST(tell_reaches_every_session_but_the_senders)
{
  fx_t f;
  uint64_t id = 0;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *a3 = sess_acct(&f, "a3", "alice", "alice");
  reed_session_t *b1 = sess_acct(&f, "b1", "bob", "bob");
  reed_session_t *b2 = sess_acct(&f, "b2", "bob", "bob");
  reed_session_t *n = sess(&f, "n", "irc", NULL);
  reed_msg_extra_t x = {.label = "q"};

  ASSERT_EQ(tell(a1, "nobody", "x"), REED_ENOSUCHNICK);
  ASSERT_EQ(tell(a1, "bob", ""), REED_EBADTEXT);
  ASSERT_EQ(reed_tell(a1, "bob", 9, "x", 1, NULL, NULL), REED_EINVAL);
  ASSERT_EQ(tell(n, "bob", "x"), REED_EINVAL);
  reed_session_set_copies(a3, true);
  ASSERT_EQ(reed_tell(a1, "BOB", REED_MSG_NORMAL, "hi", 2, &x, &id), 0);
  ASSERT(id > 0);
  ASSERT_LINES(rec_take(), "a1 MSG alice >bob hi echo label=q\n"
                           "b1 MSG alice >bob hi\n"
                           "b2 MSG alice >bob hi\n"
                           "a3 MSG alice >bob hi copy");
  /* To one's own nick: the other sessions, not the sender. */
  ASSERT_EQ(tell(b1, "bob", "note to self"), 0);
  ASSERT_LINES(rec_take(), "b1 MSG bob >bob note to self echo\n"
                           "b2 MSG bob >bob note to self");
  (void)a2;
  (void)b2;
  fx_done(&f);
}

/* XMPP's message to a full JID: one session of the person, nobody else
 * of it; the sender's echo and copies as for any private message. */
TEST(tell_to_one_session)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *b1 = sess_acct(&f, "b1", "bob", "bob");
  reed_session_t *b2 = sess_acct(&f, "b2", "bob", "bob");
  reed_session_t *b3 = sess_acct(&f, "b3", "bob", "bob");
  reed_msg_extra_t x = {.to_session = reed_session_id(b2)};
  reed_msg_extra_t bad = {.to_session = reed_session_id(a2)};
  reed_msg_extra_t gone = {.to_session = 999999};

  reed_session_set_copies(a2, true);
  ASSERT_EQ(reed_tell(a1, "bob", REED_MSG_NORMAL, "hi", 2, &x, NULL), 0);
  ASSERT_LINES(rec_take(), "a1 MSG alice >bob hi echo\n"
                           "b2 MSG alice >bob hi\n"
                           "a2 MSG alice >bob hi copy");
  /* A session that is not bob's, or none at all: no such nick. */
  ASSERT_EQ(reed_tell(a1, "bob", REED_MSG_NORMAL, "x", 1, &bad, NULL),
            REED_ENOSUCHNICK);
  ASSERT_EQ(reed_tell(a1, "bob", REED_MSG_NORMAL, "x", 1, &gone, NULL),
            REED_ENOSUCHNICK);
  ASSERT_LINES(rec_take(), "");
  (void)b1;
  (void)b3;
  fx_done(&f);
}

TEST(tagmsg_room_and_private)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");
  reed_msg_extra_t x = {.irc_client_tags = "+typing=active"};
  reed_msg_extra_t none = {.label = "l"};

  ASSERT_EQ(reed_tagmsg(a, "r", true, NULL), REED_EINVAL);
  ASSERT_EQ(reed_tagmsg(a, "r", true, &none), REED_EINVAL);
  ASSERT_EQ(reed_tagmsg(a, "r", true, &x), REED_ENOSUCHROOM);
  ASSERT_EQ(reed_tagmsg(a, "nobody", false, &x), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  rec_clear();
  ASSERT_EQ(reed_tagmsg(c, "r", true, &x), REED_ENOEXTERNAL);
  ASSERT_EQ(reed_tagmsg(a, "r", true, &x), 0);
  ASSERT_EQ(reed_tagmsg(a, "carol", false, &x), 0);
  ASSERT_LINES(rec_take(), "s1 TAGMSG alice r +typing=active echo\n"
                           "s2 TAGMSG alice r +typing=active\n"
                           "s1 TAGMSG alice carol +typing=active echo\n"
                           "s3 TAGMSG alice carol +typing=active");
  fx_done(&f);
}

TEST(redact_rules)
{
  fx_t f;
  uint64_t ida, idb, idp;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_session_t *c = sess(&f, "s3", "irc", "carol");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_say(a, "r", 0, "mine", 4, NULL, &ida), 0);
  ASSERT_EQ(reed_room_say(b, "r", 0, "his", 3, NULL, &idb), 0);
  ASSERT_EQ(reed_tell(b, "carol", 0, "psst", 4, NULL, &idp), 0);
  rec_clear();
  ASSERT_EQ(reed_redact(b, "r", 999, NULL), REED_ENOSUCHMSG);
  ASSERT_EQ(reed_redact(b, "r", ida, NULL), REED_ENOPRIV);
  ASSERT_EQ(reed_redact(b, "r", idb, "\x01"), REED_EBADTEXT);
  ASSERT_EQ(reed_redact(c, "r", ida, NULL), REED_ENOTMEMBER);
  ASSERT_EQ(reed_redact(c, "nobody", ida, NULL), REED_ENOSUCHNICK);
  ASSERT_EQ(reed_redact(b, "r", idb, "oops"), 0);
  ASSERT_EQ(reed_redact(b, "r", idb, NULL), REED_ENOSUCHMSG); /* gone */
  ASSERT_EQ(reed_redact(a, "r", ida, NULL), 0);               /* op's own */
  ASSERT_LINES(rec_take(), "s1 REDACT bob r 4 :oops\n"
                           "s2 REDACT bob r 4 :oops\n"
                           "s1 REDACT alice r 3\n"
                           "s2 REDACT alice r 3");
  ASSERT_EQ(reed_redact(c, "bob", idp, NULL), REED_ENOPRIV);
  ASSERT_EQ(reed_redact(b, "carol", idp + 5, NULL), REED_ENOSUCHMSG);
  ASSERT_EQ(reed_redact(a, "carol", idp, NULL), REED_ENOSUCHMSG);
  ASSERT_EQ(reed_redact(b, "carol", idp, NULL), 0);
  ASSERT_LINES(rec_take(), "s2 REDACT bob carol 5\n"
                           "s3 REDACT bob carol 5");
  fx_done(&f);
}

TEST(room_op_redacts_others)
{
  fx_t f;
  uint64_t id;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_say(b, "r", 0, "spam", 4, NULL, &id), 0);
  rec_clear();
  ASSERT_EQ(reed_redact(a, "r", id, "spam"), 0);
  ASSERT_LINES(rec_take(), "s1 REDACT alice r 3 :spam\n"
                           "s2 REDACT alice r 3 :spam");
  fx_done(&f);
}

/* ---- The sequencer seam and observers -------------------------------- */

static char seen[2048];

static void
observe(void *ud, const reed_event_t *ev)
{
  size_t n = strlen(seen);

  (void)ud;
  snprintf(seen + n, sizeof(seen) - n, "%d#%llu@%llu %s %s\n", (int)ev->kind,
           (unsigned long long)ev->id, (unsigned long long)ev->ts_ms,
           ev->room ? ev->room : "-", ev->target ? ev->target : "-");
}

static int
by_hundreds(void *s, reed_change_t *c)
{
  uint64_t *next = s;

  c->id = *next;
  c->ts_ms = 5;
  *next += 100;
  return 0;
}

static int
refuse(void *s, reed_change_t *c)
{
  (void)s;
  (void)c;
  return REED_EIO;
}

TEST(sequencer_and_observers)
{
  fx_t f;
  uint64_t next = 100, id;
  reed_model_observer_t o = {.on_change = observe};
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");

  seen[0] = '\0';
  ASSERT_EQ(reed_model_add_observer(f.m, NULL), REED_EINVAL);
  ASSERT_EQ(reed_model_add_observer(f.m, &(reed_model_observer_t){0}),
            REED_EINVAL);
  for (int i = 0; i < 8; i++)
    ASSERT_EQ(reed_model_add_observer(f.m, &o), 0);
  ASSERT_EQ(reed_model_add_observer(f.m, &o), REED_ELIMIT);
  reed_model_free(f.m);
  reed_model_opts_t opts = {0};
  opts.clock = &f.fc.clock;
  ASSERT_EQ(reed_model_new(&opts, &f.m), 0);
  ASSERT_EQ(reed_model_add_observer(f.m, &o), 0);
  a = sess(&f, "s1", "irc", "alice");
  b = sess(&f, "s2", "irc", "bob");
  reed_model_set_next_id(f.m, 40);
  fc_advance(&f.fc, 10);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_say(a, "r", 0, "x", 1, NULL, &id), 0);
  ASSERT_EQ(id, 41);
  reed_model_set_sequencer(
      f.m, &(reed_sequencer_t){.order = by_hundreds, .s = &next});
  ASSERT_EQ(tell(a, "bob", "hi"), 0);
  ASSERT_EQ(reed_room_set_topic(a, "r", "t"), 0);
  ASSERT_EQ(mode1(a, "r", REED_RMODE_SECRET, true, NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_kick(a, "r", "bob", NULL), 0);
  ASSERT_EQ(reed_session_set_nick(a, "al"), 0);
  ASSERT_EQ(reed_redact(a, "r", 41, NULL), 0);
  ASSERT_EQ(reed_room_part(a, "r", NULL), 0);
  reed_session_quit(a, "bye");
  ASSERT_LINES(seen, "1#40@1700000000010 r -\n"
                     "0#41@1700000000010 r -\n"
                     "0#100@5 - bob\n"
                     "5#200@5 r -\n"
                     "6#300@5 r -\n"
                     "1#400@5 r -\n"
                     "7#500@5 r bob\n"
                     "4#600@5 - al\n"
                     "13#700@5 r -\n"
                     "2#800@5 r -\n"
                     "3#900@5 - -");
  /* A refused change is not applied and not reported. */
  reed_model_set_sequencer(f.m, &(reed_sequencer_t){.order = refuse});
  seen[0] = '\0';
  rec_clear();
  ASSERT_EQ(reed_room_join(b, "r", NULL), REED_EIO);
  ASSERT(reed_room_find(f.m, "r") == NULL);
  ASSERT_EQ(reed_session_set_nick(b, "bobby"), REED_EIO);
  ASSERT_STR_EQ(reed_session_nick(b), "bob");
  reed_model_set_sequencer(f.m, NULL);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  /* Nobody owned it: it forgot its settings when it emptied. */
  reed_room_view_t v;
  reed_room_view(reed_room_find(f.m, "r"), &v);
  ASSERT(!v.secret && v.topic == NULL);
  ASSERT_EQ(reed_room_set_topic(b, "r", "t"), 0);
  ASSERT_EQ(mode1(b, "r", REED_RMODE_SECRET, true, NULL), 0);
  seen[0] = '\0';
  rec_clear();
  reed_model_set_sequencer(f.m, &(reed_sequencer_t){.order = refuse});
  ASSERT_EQ(say(b, "r", "x"), REED_EIO);
  ASSERT_EQ(reed_room_set_topic(b, "r", "x"), REED_EIO);
  ASSERT_EQ(mode1(b, "r", REED_RMODE_SECRET, false, NULL), REED_EIO);
  ASSERT_EQ(reed_room_part(b, "r", NULL), REED_EIO);
  ASSERT_EQ(tell(b, "bob", "x"), REED_EIO);
  ASSERT_EQ(reed_room_kick(b, "r", "bob", NULL), REED_EIO);
  ASSERT_LINES(seen, "");
  ASSERT_LINES(rec_take(), "");
  reed_room_view(reed_room_find(f.m, "r"), &v);
  ASSERT(v.secret);
  ASSERT_STR_EQ(v.topic, "t"); /* the refused change is not applied */
  fx_done(&f);
}

TEST(format_cache_formats_once_per_form)
{
  fx_t f;
  reed_msg_extra_t x = {.label = "L"};
  reed_session_t *s[6];
  char label[6][4];
  fx_init(&f);

  for (int i = 0; i < 6; i++) {
    char nick[8];
    snprintf(label[i], sizeof(label[i]), "s%d", i);
    snprintf(nick, sizeof(nick), "n%d", i);
    s[i] = sess(&f, label[i], "irc", nick);
    ASSERT_EQ(reed_room_join(s[i], "r", NULL), 0);
  }
  rec_formats = 0;
  ASSERT_EQ(say(s[0], "r", "to six"), 0);
  ASSERT_EQ(rec_formats, 1); /* six deliveries, one formatting */
  rec_formats = 0;
  ASSERT_EQ(reed_room_say(s[0], "r", 0, "x", 1, &x, NULL), 0);
  ASSERT_EQ(rec_formats, 2); /* the labelled echo is formatted alone */
  rec_formats = 0;
  ASSERT_EQ(reed_session_set_nick(s[1], "m1"), 0);
  ASSERT_EQ(rec_formats, 1);
  fx_done(&f);
}

static void
cache_probe(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  reed_buf_t *b;
  int *step = ud;

  (void)s;
  if (ev->kind != REED_EV_MESSAGE || ev->echo)
    return;
  ASSERT(reed_event_cache_get(ev, 7) == NULL);
  for (uint32_t form = 0; form < 20; form++)
    reed_event_cache_put(ev, form, reed_buf_from("x", 1)); /* 16 kept */
  reed_event_cache_put(ev, 3, reed_buf_from("dup", 3));    /* dropped */
  reed_event_cache_put(ev, 3, NULL);
  b = reed_event_cache_get(ev, 3);
  ASSERT(b != NULL && b->len == 1);
  reed_buf_unref(b);
  ASSERT(reed_event_cache_get(ev, 17) == NULL);
  (*step)++;
}

TEST(format_cache_bounds_and_refs)
{
  static const reed_session_listener_t l = {.on_event = cache_probe};
  fx_t f;
  int step = 0;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_info_t info = {.origin = "irc", .listener = &l, .ud = &step};
  reed_session_t *b;

  ASSERT_EQ(reed_session_new(f.m, &info, &b), 0);
  ASSERT_EQ(reed_session_set_nick(b, "bob"), 0);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(say(a, "r", "x"), 0);
  ASSERT_EQ(step, 1);
  ASSERT(reed_event_cache_get(NULL, 1) == NULL);
  reed_event_t ev = {.kind = REED_EV_MESSAGE};
  reed_event_cache_put(&ev, 1, reed_buf_from("y", 1)); /* no cache: freed */
  fx_done(&f);
}

static void
hist_reply(void *ud, const reed_hist_entry_t *e)
{
  char *out = ud;

  snprintf(out + strlen(out), 64 - strlen(out), "%llu>%llu ",
           (unsigned long long)e->id, (unsigned long long)e->reply_to);
}

/* The neutral reply and reaction fields: a reply is kept in history with
 * its message; a reaction rides a TAGMSG and needs the message it reacts
 * to. */
TEST(reply_and_reaction)
{
  fx_t f;
  char got[64] = "";
  uint64_t id = 0;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "xmpp", "alice");
  reed_session_t *b = sess(&f, "s2", "irc", "bob");
  reed_hist_query_t q = {.dir = REED_HIST_LATEST};
  reed_msg_extra_t re = {0};
  reed_msg_extra_t like = {.reaction = "\xf0\x9f\x91\x8d"};
  static const reed_msg_extra_t bad[] = {
      {.reaction = "x"},
      {.reply_to = 1, .reaction = ""},
      {.reply_to = 1, .reaction = "a b"},
      {.reply_to = 1, .reaction = "\x01"},
      {.reply_to = 1, .reaction = "\xc3\x28"},
      {.reply_to = 1,
       .reaction = "01234567890123456789012345678901234567890123456789"
                   "012345678901234"},
  };

  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_say(a, "r", 0, "question", 8, NULL, &id), 0);
  ASSERT_EQ(id, 3); /* after the two joins */
  re.reply_to = like.reply_to = id;
  rec_clear();
  ASSERT_EQ(reed_room_say(b, "r", 0, "answer", 6, &re, &id), 0);
  ASSERT_EQ(reed_tagmsg(a, "r", true, &like), 0);
  ASSERT_EQ(reed_tagmsg(a, "r", true, &re), 0);
  ASSERT_LINES(rec_take(), "s2 MSG bob r answer reply=3 echo\n"
                           "s1 MSG bob r answer reply=3\n"
                           "s1 TAGMSG alice r reply=3 react=\xf0\x9f\x91\x8d "
                           "echo\n"
                           "s2 TAGMSG alice r reply=3 react=\xf0\x9f\x91\x8d\n"
                           "s1 TAGMSG alice r reply=3 echo\n"
                           "s2 TAGMSG alice r reply=3");
  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++) {
    ASSERT_EQ(reed_tagmsg(a, "r", true, &bad[i]), REED_EINVAL);
    ASSERT_EQ(reed_room_say(a, "r", 0, "x", 1, &bad[i], NULL), REED_EINVAL);
  }
  ASSERT_EQ(reed_history_room(a, "r", &q, hist_reply, got), 0);
  ASSERT_STR_EQ(got, "3>0 4>3 ");
  ASSERT_EQ(id, 4);
  fx_done(&f);
}

/* reed_event_render: one formatting per (owner, variant) and fan-out; two
 * owners with the same variant bits never share bytes; a NULL result is
 * not cached; a labelled echo (no cache) formats alone. */
static const char owner_a[] = "a", owner_b[] = "b";
static int renders_a, renders_b, renders_null;

static reed_buf_t *
fmt_a(void *ctx, const reed_event_t *ev)
{
  (void)ev;
  renders_a++;
  return reed_buf_from(ctx, strlen(ctx));
}

static reed_buf_t *
fmt_b(void *ctx, const reed_event_t *ev)
{
  (void)ctx;
  (void)ev;
  renders_b++;
  return reed_buf_from("B", 1);
}

static reed_buf_t *
fmt_null(void *ctx, const reed_event_t *ev)
{
  (void)ctx;
  (void)ev;
  renders_null++;
  return NULL;
}

static void
render_probe(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  const reed_form_t fa = {.owner = owner_a, .variant = 1};
  const reed_form_t fb = {.owner = owner_b, .variant = 1};
  reed_buf_t *a, *b;

  (void)s;
  if (ev->kind != REED_EV_MESSAGE)
    return;
  a = reed_event_render(ev, fa, fmt_a, ud);
  b = reed_event_render(ev, fb, fmt_b, NULL);
  ASSERT(a != NULL && b != NULL);
  if (!ev->echo) /* the first listener's bytes (the echo formats alone) */
    ASSERT_MEM_EQ(a->data, "A", 1);
  ASSERT_MEM_EQ(b->data, "B", 1);
  /* A reference is the caller's; the cache keeps its own. */
  ASSERT(a->refs >= 2 || ev->cache == NULL);
  reed_buf_unref(a);
  reed_buf_unref(b);
  /* Cached: fmt is not called (except on the echo, which has no cache). */
  b = reed_event_render(ev, fa, fmt_null, NULL);
  ASSERT(ev->echo ? b == NULL : b != NULL);
  reed_buf_unref(b);
  ASSERT(reed_event_render(ev, (reed_form_t){owner_a, 2}, fmt_null, NULL) ==
         NULL);
  /* The numeric keys are another owner's: variant 1 is not a's. */
  ASSERT(reed_event_cache_get(ev, 1) == NULL);
}

TEST(event_render_once_per_form)
{
  static const reed_session_listener_t l = {.on_event = render_probe};
  static char text_a[] = "A", text_other[] = "other";
  reed_session_t *s[4];
  reed_msg_extra_t x = {.label = "L"};
  fx_t f;

  fx_init(&f);
  for (int i = 0; i < 4; i++) {
    char nick[8];
    reed_session_info_t info = {
        .origin = "irc", .listener = &l, .ud = i == 0 ? text_other : text_a};
    snprintf(nick, sizeof(nick), "n%d", i);
    ASSERT_EQ(reed_session_new(f.m, &info, &s[i]), 0);
    ASSERT_EQ(reed_session_set_nick(s[i], nick), 0);
    ASSERT_EQ(reed_room_join(s[i], "r", NULL), 0);
  }
  /* The sender's echo comes first and is formatted alone (it has a
   * label); then one formatting per form for the three others. */
  ASSERT_EQ(reed_room_say(s[0], "r", 0, "x", 1, &x, NULL), 0);
  ASSERT_EQ(renders_a, 2);
  ASSERT_EQ(renders_b, 2);
  ASSERT_EQ(renders_null, 5);
  for (int i = 0; i < 4; i++)
    reed_session_quit(s[i], NULL);
  fx_done(&f);
}
