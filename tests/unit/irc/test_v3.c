/* IRCv3 beyond the basics: labeled-response with batch, and
 * draft/chathistory served from the model's history. */
#include "irc_test.h"

#include <string.h>

static void
sc_labeled(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "CAP REQ :labeled-response batch\r\n");
  itw_take(w, 0);
  itw_feed(w, 0,
           "@label=a1 PING :x\r\n@label=a2 PRIVMSG bob :hi\r\n"
           "@label=a\\s3 JOIN #r\r\nPING :plain\r\n");
  ITW_EXPECT(w, 0,
             "@label=a1 :irc.test PONG irc.test :x\n"
             "@label=a2 :irc.test ACK\n"
             "@label=a\\s3 :irc.test BATCH +b1 labeled-response\n"
             "@batch=b1 :alice!~u0@127.0.0.1 JOIN #r\n"
             "@batch=b1 :irc.test 353 alice = #r :@alice\n"
             "@batch=b1 :irc.test 366 alice #r :End of /NAMES list\n"
             ":irc.test BATCH -b1\n"
             ":irc.test PONG irc.test :plain");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 PRIVMSG bob :hi");
  /* With echo-message the echo is the labeled response. */
  itw_feed(w, 0, "CAP REQ :echo-message -batch\r\n");
  itw_take(w, 0);
  itw_feed(w, 0, "@label=e PRIVMSG bob :again\r\n@label=n NAMES #r\r\n");
  ITW_EXPECT(w, 0,
             "@label=e :alice!~u0@127.0.0.1 PRIVMSG bob :again\n"
             ":irc.test 353 alice = #r :@alice\n"
             ":irc.test 366 alice #r :End of /NAMES list");
  /* To oneself: the delivery, then the labeled echo; no batch. */
  itw_feed(w, 0, "@label=s PRIVMSG alice :me\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 PRIVMSG alice :me\n"
             "@label=s :alice!~u0@127.0.0.1 PRIVMSG alice :me");
  /* The label is ignored without the cap. */
  itw_feed(w, 1, "@label=z PING :q\r\n");
  ITW_EXPECT(w, 1,
             ":alice!~u0@127.0.0.1 PRIVMSG bob :again\n"
             ":irc.test PONG irc.test :q");
}

TEST(v3_labeled_response)
{
  itw_run_chunked(sc_labeled);
}

/* alice says m1..m5 in #h, one second apart (ids 3..7: the two joins
 * took 1 and 2). */
static void
history_setup(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "JOIN #h\r\n");
  itw_feed(w, 1, "JOIN #h\r\nCAP REQ :batch server-time message-tags\r\n");
  for (int i = 1; i <= 5; i++) {
    char line[64];
    snprintf(line, sizeof(line), "PRIVMSG #h :m%d\r\n", i);
    fc_advance(&w->fc, 1000);
    itw_feed(w, 0, line);
  }
  itw_take(w, 0);
  itw_take(w, 1);
}

static void
sc_history(itw_t *w)
{
  history_setup(w);
  itw_feed(w, 1, "CHATHISTORY LATEST #h * 2\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test BATCH +b1 chathistory #h\n"
             "@batch=b1;time=2023-11-14T22:13:25.000Z;msgid=6 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m4\n"
             "@batch=b1;time=2023-11-14T22:13:26.000Z;msgid=7 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m5\n"
             ":irc.test BATCH -b1");
  itw_feed(w, 1,
           "CHATHISTORY BEFORE #h msgid=5 10\r\n"
           "CHATHISTORY AFTER #H timestamp=2023-11-14T22:13:24.000Z 1\r\n"
           "CHATHISTORY BETWEEN #h msgid=3 msgid=6 5\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test BATCH +b2 chathistory #h\n"
             "@batch=b2;time=2023-11-14T22:13:22.000Z;msgid=3 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m1\n"
             "@batch=b2;time=2023-11-14T22:13:23.000Z;msgid=4 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m2\n"
             ":irc.test BATCH -b2\n"
             ":irc.test BATCH +b3 chathistory #H\n"
             "@batch=b3;time=2023-11-14T22:13:25.000Z;msgid=6 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m4\n"
             ":irc.test BATCH -b3\n"
             ":irc.test BATCH +b4 chathistory #h\n"
             "@batch=b4;time=2023-11-14T22:13:23.000Z;msgid=4 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m2\n"
             "@batch=b4;time=2023-11-14T22:13:24.000Z;msgid=5 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m3\n"
             ":irc.test BATCH -b4");
  itw_feed(w, 1,
           "CHATHISTORY LATEST #h msgid=x 2\r\n"
           "CHATHISTORY BEFORE #h * 2\r\n"
           "CHATHISTORY FROB #h * 2\r\n"
           "CHATHISTORY LATEST #h * 0\r\n"
           "CHATHISTORY AFTER #h timestamp=2023-13 1\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS LATEST #h :Invalid "
             "parameters\n"
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS BEFORE #h :Invalid "
             "parameters\n"
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS FROB * :Unknown "
             "subcommand\n"
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS LATEST #h :Invalid "
             "parameters\n"
             ":irc.test FAIL CHATHISTORY INVALID_PARAMS AFTER #h :Invalid "
             "parameters");
  /* Not a member: refused. Without batch: plain lines. */
  itw_register(w, 2, "carol");
  itw_feed(w, 2, "CHATHISTORY LATEST #h * 5\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test FAIL CHATHISTORY INVALID_TARGET LATEST #h :Messages "
             "could not be retrieved");
  itw_feed(w, 2, "JOIN #h\r\n");
  itw_take(w, 2);
  itw_feed(w, 2, "CHATHISTORY LATEST #h * 1\r\n");
  ITW_EXPECT(w, 2, ":alice!~u0@127.0.0.1 PRIVMSG #h :m5");
}

TEST(v3_chathistory_room)
{
  itw_run_chunked(sc_history);
}

static void
sc_history_private(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "PRIVMSG bob :to bob\r\n");
  itw_feed(w, 1, "PRIVMSG alice :to alice\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "CHATHISTORY LATEST alice * 10\r\n");
  ITW_EXPECT(w, 1,
             ":alice!~u0@127.0.0.1 PRIVMSG bob :to bob\n"
             ":bob!~u1@127.0.0.1 PRIVMSG alice :to alice");
  itw_feed(w, 1, "CHATHISTORY LATEST nobody * 10\r\n");
  ITW_EXPECT(w, 1, "");
}

TEST(v3_chathistory_private)
{
  itw_run_chunked(sc_history_private);
}

/* draft/message-redaction: REDACT by the author or a room operator, shown
 * to members with the cap, gone from history afterwards. */
static void
sc_redact(itw_t *w)
{
  history_setup(w); /* alice (op) and bob in #h; m1..m5 are ids 3..7 */
  itw_register(w, 2, "carol");
  itw_feed(w, 2, "JOIN #h\r\n");
  itw_feed(w, 1, "CAP REQ draft/message-redaction\r\n");
  itw_take(w, 1);
  itw_take(w, 2);
  itw_take(w, 0);
  itw_feed(w, 2,
           "REDACT #h 3 :not mine\r\nREDACT #h 99\r\nREDACT #h x\r\n"
           "REDACT #nope 3\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test FAIL REDACT REDACT_FORBIDDEN #h 3 :You are not allowed "
             "to delete this message\n"
             ":irc.test FAIL REDACT UNKNOWN_MSGID #h 99 :This message does not "
             "exist or is too old\n"
             ":irc.test FAIL REDACT UNKNOWN_MSGID #h x :This message does not "
             "exist or is too old\n"
             ":irc.test FAIL REDACT INVALID_TARGET #nope :You cannot delete "
             "messages from #nope");
  itw_feed(w, 0, "REDACT #h 3 :oops\r\n");
  ITW_EXPECT(w, 1,
             "@time=2023-11-14T22:13:26.000Z :alice!~u0@127.0.0.1 "
             "REDACT #h 3 :oops");
  ITW_EXPECT(w, 2, ""); /* no cap, nothing shown */
  itw_feed(w, 1, "CHATHISTORY BEFORE #h msgid=5 10\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test BATCH +b1 chathistory #h\n"
             "@batch=b1;time=2023-11-14T22:13:23.000Z;msgid=4 "
             ":alice!~u0@127.0.0.1 PRIVMSG #h :m2\n"
             ":irc.test BATCH -b1");
}

TEST(v3_redact)
{
  itw_run_chunked(sc_redact);
}
