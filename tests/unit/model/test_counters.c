/* Counters by origin (reed_model_origins): sessions, messages accepted and
 * deliveries, through a room's whole fan-out (counted once from the
 * room), part of a room, private messages and copies; refused messages
 * count nothing; origins past the slots share "other". */
#include "rec.h"

/* The counters of `origin`, all zero when it was never seen. */
static reed_model_origin_t
counts(fx_t *f, const char *origin)
{
  reed_model_origin_t o[REED_MODEL_ORIGINS];
  size_t n = reed_model_origins(f->m, o);

  for (size_t i = 0; i < n; i++)
    if (strcmp(o[i].origin, origin) == 0)
      return o[i];
  return (reed_model_origin_t){.origin = origin};
}

/* sessions, messages and deliveries of one origin, in one assert line. */
#define ASSERT_COUNTS(f, origin, s, msgs, dl)                                  \
  do {                                                                         \
    reed_model_origin_t c_ = counts(f, origin);                                \
    ASSERT_EQ(c_.sessions, s);                                                 \
    ASSERT_EQ(c_.messages, msgs);                                              \
    ASSERT_EQ(c_.deliveries, dl);                                              \
  } while (0)

TEST(counters_room_and_private)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a = sess(&f, "s1", "irc", "alice");
  reed_session_t *b = sess(&f, "s2", "amp", "bob");
  reed_session_t *c = sess(&f, "s3", "xmpp", "carol");
  reed_session_t *d = sess(&f, "s4", "irc", "dave");
  reed_msg_extra_t ops = {.audience = REED_AUDIENCE_OP};
  reed_model_origin_t o[REED_MODEL_ORIGINS];

  ASSERT_EQ(reed_model_origins(f.m, o), 3);
  ASSERT_STR_EQ(o[0].origin, "irc");
  ASSERT_STR_EQ(o[1].origin, "amp");
  ASSERT_STR_EQ(o[2].origin, "xmpp");
  ASSERT_COUNTS(&f, "irc", 2, 0, 0);
  ASSERT_EQ(reed_room_join(a, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(c, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(d, "r", NULL), 0);
  /* Four members: the sender's echo is no delivery. */
  ASSERT_EQ(say(a, "r", "hello"), 0);
  ASSERT_COUNTS(&f, "irc", 2, 1, 1);
  ASSERT_COUNTS(&f, "amp", 1, 0, 1);
  ASSERT_COUNTS(&f, "xmpp", 1, 0, 1);
  /* Refused: nothing counted. */
  ASSERT_EQ(say(a, "r", ""), REED_EBADTEXT);
  ASSERT_EQ(say(a, "nowhere", "x"), REED_ENOSUCHROOM);
  ASSERT_COUNTS(&f, "irc", 2, 1, 1);
  /* Private: one delivery to the target's one session. */
  ASSERT_EQ(tell(b, "alice", "psst"), 0);
  ASSERT_COUNTS(&f, "amp", 1, 1, 1);
  ASSERT_COUNTS(&f, "irc", 2, 1, 2);
  /* Part of a room: counted one by one (alice alone is op). */
  ASSERT_EQ(reed_room_say(c, "r", 0, "to ops", 6, &ops, NULL), 0);
  ASSERT_COUNTS(&f, "xmpp", 1, 1, 1);
  ASSERT_COUNTS(&f, "irc", 2, 1, 3);
  /* A part and a quit change the room's counts and the sessions. */
  ASSERT_EQ(reed_room_part(d, "r", NULL), 0);
  ASSERT_EQ(say(b, "r", "after"), 0);
  ASSERT_COUNTS(&f, "irc", 2, 1, 4);
  ASSERT_COUNTS(&f, "xmpp", 1, 1, 2);
  reed_session_quit(c, NULL);
  ASSERT_EQ(say(b, "r", "again"), 0);
  ASSERT_COUNTS(&f, "xmpp", 0, 1, 2);
  ASSERT_COUNTS(&f, "amp", 1, 3, 1);
  ASSERT_COUNTS(&f, "irc", 2, 1, 5);
  fx_done(&f);
}

TEST(counters_shared_nick_and_copies)
{
  fx_t f;
  fx_init(&f);
  reed_session_t *a1 = sess_acct(&f, "a1", "alice", "alice");
  reed_session_t *a2 = sess_acct(&f, "a2", "alice", "alice");
  reed_session_t *b = sess(&f, "s2", "amp", "bob");

  ASSERT_EQ(reed_room_join(a1, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(a2, "r", NULL), 0);
  ASSERT_EQ(reed_room_join(b, "r", NULL), 0);
  /* The sender's other joined session is a delivery. */
  ASSERT_EQ(say(a1, "r", "hi"), 0);
  ASSERT_COUNTS(&f, "irc", 2, 1, 1);
  ASSERT_COUNTS(&f, "amp", 1, 0, 1);
  /* A private message to a nick two sessions hold: two deliveries; a
   * copy to the sender's other session (carbons) one more. */
  ASSERT_EQ(tell(b, "alice", "both"), 0);
  ASSERT_COUNTS(&f, "irc", 2, 1, 3);
  reed_session_set_copies(a2, true);
  ASSERT_EQ(tell(a1, "bob", "copied"), 0);
  ASSERT_COUNTS(&f, "irc", 2, 2, 4);
  ASSERT_COUNTS(&f, "amp", 1, 1, 2);
  fx_done(&f);
}

TEST(counters_origins_past_the_slots)
{
  static const char *const names[] = {"o1", "o2", "o3", "o4", "o5",
                                      "o6", "o7", "o8", "o9"};
  reed_session_t *s[REED_ARRAY_SIZE(names)];
  reed_model_origin_t o[REED_MODEL_ORIGINS];
  fx_t f;
  char label[8];
  fx_init(&f);

  for (size_t i = 0; i < REED_ARRAY_SIZE(names); i++) {
    snprintf(label, sizeof(label), "s%zu", i);
    s[i] = sess(&f, label, names[i], NULL);
  }
  ASSERT_EQ(reed_model_origins(f.m, o), REED_MODEL_ORIGINS);
  ASSERT_STR_EQ(o[REED_MODEL_ORIGINS - 2].origin, "o7");
  ASSERT_STR_EQ(o[REED_MODEL_ORIGINS - 1].origin, "other");
  ASSERT_EQ(o[REED_MODEL_ORIGINS - 1].sessions, 2);
  reed_session_quit(s[8], NULL);
  ASSERT_COUNTS(&f, "other", 1, 0, 0);
  ASSERT_COUNTS(&f, "o1", 1, 0, 0);
  fx_done(&f);
}
