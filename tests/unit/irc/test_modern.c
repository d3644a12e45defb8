/* Modern IRC beyond the basics: STATUSMSG (PRIVMSG/NOTICE/TAGMSG to
 * @#chan and +#chan), draft/pre-away and CHATHISTORY TARGETS. */
#include "irc_test.h"

#include <string.h>

/* alice (op), bob (voice) and carol in #s. */
static void
status_setup(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 0, "JOIN #s\r\n");
  itw_feed(w, 1, "JOIN #s\r\n");
  itw_feed(w, 2, "JOIN #s\r\n");
  itw_feed(w, 0, "MODE #s +v bob\r\n");
  for (int i = 0; i < 3; i++)
    itw_take(w, i);
}

static void
sc_statusmsg(itw_t *w)
{
  status_setup(w);
  itw_feed(w, 2, "PRIVMSG @#s :ops only\r\n");
  ITW_EXPECT(w, 0, ":carol!~u2@127.0.0.1 PRIVMSG @#s :ops only");
  ITW_EXPECT(w, 1, "");
  ITW_EXPECT(w, 2, "");
  itw_feed(w, 2, "NOTICE +#s :voiced and ops\r\n");
  ITW_EXPECT(w, 0, ":carol!~u2@127.0.0.1 NOTICE +#s :voiced and ops");
  ITW_EXPECT(w, 1, ":carol!~u2@127.0.0.1 NOTICE +#s :voiced and ops");
  ITW_EXPECT(w, 2, "");
  /* Both prefixes: the wider audience. */
  itw_feed(w, 1, "PRIVMSG @+#s :both\r\n");
  ITW_EXPECT(w, 0, ":bob!~u1@127.0.0.1 PRIVMSG +#s :both");
  ITW_EXPECT(w, 2, "");
  /* The echo keeps the prefix; TAGMSG follows the same rule. */
  itw_feed(w, 2, "CAP REQ :echo-message message-tags\r\n");
  itw_feed(w, 0, "CAP REQ :message-tags\r\n");
  itw_take(w, 0);
  itw_take(w, 2);
  itw_feed(w, 2, "PRIVMSG @#s :again\r\n@+typing=active TAGMSG @#s\r\n");
  ITW_EXPECT(w, 2,
             "@msgid=8 :carol!~u2@127.0.0.1 PRIVMSG @#s :again\n"
             "@msgid=t18bcfe56be8-3-70bda44c1b66b3eb;+typing=active "
             ":carol!~u2@127.0.0.1 TAGMSG @#s");
  ITW_EXPECT(w, 0,
             "@msgid=8 :carol!~u2@127.0.0.1 PRIVMSG @#s :again\n"
             "@msgid=t18bcfe56be8-3-70bda44c1b66b3eb;+typing=active "
             ":carol!~u2@127.0.0.1 TAGMSG @#s");
  ITW_EXPECT(w, 1, "");
  /* Errors: a prefix on a nick or on no channel; the usual room rules. */
  itw_feed(w, 2, "PRIVMSG @bob :x\r\nPRIVMSG @#nope :x\r\nPART #s\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  ITW_EXPECT(w, 2,
             ":irc.test 401 carol @bob :No such nick/channel\n"
             ":irc.test 401 carol @#nope :No such nick/channel\n"
             ":carol!~u2@127.0.0.1 PART #s");
}

TEST(modern_statusmsg)
{
  itw_run_chunked(sc_statusmsg);
}

/* A message for part of a room is not kept in its history. */
static void
sc_statusmsg_history(itw_t *w)
{
  status_setup(w);
  itw_feed(w, 2, "PRIVMSG #s :public\r\nPRIVMSG @#s :secret\r\n");
  itw_feed(w, 0, "CHATHISTORY LATEST #s * 10\r\n");
  ITW_EXPECT(w, 0,
             ":carol!~u2@127.0.0.1 PRIVMSG #s :public\n"
             ":carol!~u2@127.0.0.1 PRIVMSG @#s :secret\n"
             ":carol!~u2@127.0.0.1 PRIVMSG #s :public");
}

TEST(modern_statusmsg_not_in_history)
{
  itw_run_chunked(sc_statusmsg_history);
}

static void
sc_pre_away(itw_t *w)
{
  const char *out;

  itw_connect(w, 0);
  itw_feed(w, 0, "AWAY :early\r\n");
  ITW_EXPECT(w, 0, ":irc.test 451 * :You have not registered");
  itw_feed(w, 0,
           "CAP REQ draft/pre-away\r\nNICK alice\r\n"
           "USER a 0 * :A\r\nAWAY :first\r\nAWAY\r\nAWAY :lunch\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test CAP * ACK :draft/pre-away\n"
             ":irc.test 306 * :You have been marked as being away\n"
             ":irc.test 305 * :You are no longer marked as being away\n"
             ":irc.test 306 * :You have been marked as being away");
  itw_feed(w, 0, "CAP END\r\n");
  itw_take(w, 0);
  itw_register(w, 1, "bob");
  itw_feed(w, 1, "PRIVMSG alice :hi\r\n");
  ITW_EXPECT(w, 1, ":irc.test 301 bob alice :lunch");
  /* "AWAY *" never replaces a message the person has... */
  itw_feed(w, 0, "AWAY *\r\n");
  itw_take(w, 0);
  itw_feed(w, 1, "PRIVMSG alice :hi\r\n");
  ITW_EXPECT(w, 1, ":irc.test 301 bob alice :lunch");
  /* ...but marks someone present as away. */
  itw_feed(w, 0, "AWAY\r\nAWAY *\r\n");
  out = itw_take(w, 0);
  ASSERT(strstr(out, " 306 alice ") != NULL);
  itw_feed(w, 1, "PRIVMSG alice :hi\r\n");
  ITW_EXPECT(w, 1, ":irc.test 301 bob alice :*");
}

TEST(modern_pre_away)
{
  itw_run_chunked(sc_pre_away);
}

/* CHATHISTORY TARGETS: private conversations and joined channels with
 * their latest message strictly inside the window, oldest first. */
static void
sc_targets(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 0, "JOIN #a\r\nJOIN #b\r\nJOIN #quiet\r\n");
  itw_feed(w, 0, "CAP REQ batch\r\n");
  fc_advance(&w->fc, 1000);
  itw_feed(w, 0, "PRIVMSG #a :one\r\n");
  fc_advance(&w->fc, 1000);
  itw_feed(w, 1, "PRIVMSG alice :two\r\n");
  fc_advance(&w->fc, 1000);
  itw_feed(w, 0, "PRIVMSG #b :three\r\n");
  fc_advance(&w->fc, 1000);
  itw_feed(w, 0, "PRIVMSG carol :four\r\n");
  itw_feed(w, 1, "PRIVMSG carol :not alice's\r\n");
  for (int i = 0; i < 3; i++)
    itw_take(w, i);
  itw_feed(w, 0,
           "CHATHISTORY TARGETS timestamp=2020-01-01T00:00:00.000Z "
           "timestamp=2262-01-01T00:00:00Z 10\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test BATCH +b1 draft/chathistory-targets\n"
             "@batch=b1 :irc.test CHATHISTORY TARGETS #a "
             "2023-11-14T22:13:22.000Z\n"
             "@batch=b1 :irc.test CHATHISTORY TARGETS bob "
             "2023-11-14T22:13:23.000Z\n"
             "@batch=b1 :irc.test CHATHISTORY TARGETS #b "
             "2023-11-14T22:13:24.000Z\n"
             "@batch=b1 :irc.test CHATHISTORY TARGETS carol "
             "2023-11-14T22:13:25.000Z\n"
             ":irc.test BATCH -b1");
  /* Exclusive bounds, either order, and the limit keeps the oldest. */
  itw_feed(w, 0,
           "CHATHISTORY TARGETS timestamp=2023-11-14T22:13:25.000Z "
           "timestamp=2023-11-14T22:13:22.000Z 1\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test BATCH +b2 draft/chathistory-targets\n"
             "@batch=b2 :irc.test CHATHISTORY TARGETS bob "
             "2023-11-14T22:13:23.000Z\n"
             ":irc.test BATCH -b2");
  itw_feed(w, 0,
           "CHATHISTORY TARGETS * timestamp=2023-11-14T22:13:21.000Z 1\r\n"
           "CHATHISTORY TARGETS msgid=3 timestamp=2023-11-14T22:13:21Z 1\r\n"
           "CHATHISTORY TARGETS timestamp=2023-11-14T22:13:21Z "
           "timestamp=2023-11-14T22:13:22Z 0\r\n"
           "CHATHISTORY TARGETS timestamp=2023-11-14T22:13:21Z\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS TARGETS :Invalid "
             "parameters\n"
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS TARGETS :Invalid "
             "parameters\n"
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS TARGETS :Invalid "
             "parameters\n"
             ":irc.test 461 alice CHATHISTORY :Not enough parameters");
}

TEST(modern_chathistory_targets)
{
  itw_run_chunked(sc_targets);
}
