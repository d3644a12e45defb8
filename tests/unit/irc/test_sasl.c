/* SASL through the portal: AUTHENTICATE PLAIN with the hash on the worker
 * (input held back meanwhile), failures, aborts, chunking, the nick
 * reserved for an account. */
#include "auth.h"
#include "irc_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
sc_plain(itw_t *w)
{
  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_feed(w, 0, "CAP LS 302\r\nNICK alice\r\nUSER a 0 * :A\r\n");
  {
    /* The list may continue on another line: find the token anywhere. */
    const char *out = itw_take(w, 0);
    ASSERT(strstr(out, " sasl=PLAIN,SCRAM-SHA-256,EXTERNAL ") != NULL ||
           strstr(out, ":sasl=PLAIN,SCRAM-SHA-256,EXTERNAL ") != NULL);
  }
  itw_feed(w, 0,
           "CAP REQ :sasl\r\nAUTHENTICATE PLAIN\r\n"
           "AUTHENTICATE AEFsaWNlAHBlbmNpbA==\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test CAP * ACK :sasl\n"
             "AUTHENTICATE +\n"
             ":irc.test 900 * alice!~a@127.0.0.1 Alice :You are now logged "
             "in as Alice\n"
             ":irc.test 903 * :SASL authentication successful");
  ASSERT_STR_EQ(reed_session_account(((reed_irc_core_t *)w->core[0])->session),
                "Alice");
  ASSERT(((reed_irc_core_t *)w->core[0])->pend != NULL);
  itw_feed(w, 0, "CAP END\r\n");
  ASSERT(strstr(itw_take(w, 0), ":irc.test 001 alice :") != NULL);
  ASSERT(((reed_irc_core_t *)w->core[0])->pend == NULL);
  itw_feed(w, 0, "AUTHENTICATE PLAIN\r\nWHOIS alice\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 907 alice :You have already authenticated using SASL\n"
             ":irc.test 311 alice alice ~a 127.0.0.1 * :A\n"
             ":irc.test 312 alice alice irc.test :reed (irc)\n"
             ":irc.test 330 alice alice Alice :is logged in as\n"
             ":irc.test 317 alice alice 0 1700000001 :seconds idle, signon "
             "time\n"
             ":irc.test 318 alice alice :End of /WHOIS list");
  ASSERT(((reed_irc_core_t *)w->core[0])->pend == NULL);
}

TEST(sasl_plain)
{
  itw_run_chunked(sc_plain);
}

/* With the hash in flight, later lines wait: the PING is answered only
 * after the 903. */
static void
sc_plain_deferred(itw_t *w)
{
  itw_portal(w, 1);
  itw_connect(w, 0);
  itw_feed(w, 0,
           "CAP REQ sasl\r\nAUTHENTICATE plain\r\n"
           "AUTHENTICATE QWxpY2UAQWxpY2UAcGVuY2ls\r\nPING :after\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test CAP * ACK :sasl\n"
             "AUTHENTICATE +\n"
             ":irc.test 900 * *!*@127.0.0.1 Alice :You are now logged in as "
             "Alice\n"
             ":irc.test 903 * :SASL authentication successful\n"
             ":irc.test PONG irc.test :after");
  ASSERT_EQ(w->ft[0].paused, 0);
}

TEST(sasl_plain_holds_input)
{
  itw_run_chunked(sc_plain_deferred);
}

static void
sc_failures(itw_t *w)
{
  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_feed(w, 0,
           "AUTHENTICATE PLAIN\r\nCAP REQ sasl\r\nAUTHENTICATE FOO\r\n"
           "AUTHENTICATE PLAIN\r\nAUTHENTICATE AEFsaWNlAHdyb25n\r\n"
           "AUTHENTICATE PLAIN\r\nAUTHENTICATE *\r\nAUTHENTICATE *\r\n"
           "AUTHENTICATE PLAIN\r\nAUTHENTICATE !!!!\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 904 * :SASL authentication failed\n"
             ":irc.test CAP * ACK :sasl\n"
             ":irc.test 908 * PLAIN,SCRAM-SHA-256,EXTERNAL :are available "
             "SASL mechanisms\n"
             ":irc.test 904 * :SASL authentication failed\n"
             "AUTHENTICATE +\n"
             ":irc.test 904 * :SASL authentication failed\n"
             "AUTHENTICATE +\n"
             ":irc.test 906 * :SASL authentication aborted\n"
             ":irc.test 906 * :SASL authentication aborted\n"
             "AUTHENTICATE +\n"
             ":irc.test 904 * :SASL authentication failed");
  /* No login happened: not even a model session was made. */
  ASSERT(((reed_irc_core_t *)w->core[0])->session == NULL);
}

TEST(sasl_failures)
{
  itw_run_chunked(sc_failures);
}

/* IRC cannot give channel binding data: the mechanisms that need it are
 * refused by name as unknown ones are, and never listed. */
static void
sc_binding_mechs(itw_t *w)
{
  static const char *const mechs[] = {"SCRAM-SHA-256-PLUS", "SCRAM-SHA-1-PLUS",
                                      "HT-SHA-256-NONE", "HT-SHA-256-EXPR"};
  char line[64];

  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_feed(w, 0, "CAP REQ sasl\r\n");
  itw_take(w, 0);
  for (size_t i = 0; i < REED_ARRAY_SIZE(mechs); i++) {
    snprintf(line, sizeof(line), "AUTHENTICATE %s\r\n", mechs[i]);
    itw_feed(w, 0, line);
    ITW_EXPECT(w, 0,
               ":irc.test 908 * PLAIN,SCRAM-SHA-256,EXTERNAL :are available "
               "SASL mechanisms\n"
               ":irc.test 904 * :SASL authentication failed");
  }
}

TEST(sasl_binding_mechs_refused)
{
  itw_run_chunked(sc_binding_mechs);
}

static void
sc_chunks(itw_t *w)
{
  /* 400 base64 bytes of "\0Alice\0pencil" padded by a long authzid would
   * be refused; here the chunking alone is checked: 400 bytes of 'A' then
   * "+" decode to 300 zero bytes, which PLAIN refuses (904), and more than
   * the SASL input limit is 905 without waiting for the end. */
  char line[512] = "AUTHENTICATE ";
  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_feed(w, 0, "CAP REQ sasl\r\nAUTHENTICATE PLAIN\r\n");
  itw_take(w, 0);
  memset(line + 13, 'A', 400);
  strcpy(line + 413, "\r\n");
  itw_feed(w, 0, line);
  ITW_EXPECT(w, 0, "");
  itw_feed(w, 0, "AUTHENTICATE +\r\n");
  ITW_EXPECT(w, 0, ":irc.test 904 * :SASL authentication failed");
  itw_feed(w, 0, "AUTHENTICATE PLAIN\r\n");
  itw_take(w, 0);
  for (int i = 0; i < 7; i++)
    itw_feed(w, 0, line);
  ITW_EXPECT(w, 0, ":irc.test 905 * :SASL message too long");
  itw_feed(w, 0, "AUTHENTICATE PLAIN\r\nAUTHENTICATE AAAAA\r\n");
  ITW_EXPECT(w, 0,
             "AUTHENTICATE +\n"
             ":irc.test 904 * :SASL authentication failed");
}

TEST(sasl_chunks)
{
  itw_run_chunked(sc_chunks);
}

/* A guest cannot keep a nick that is an account's name; the account's
 * owner can, even after asking for it before SASL. */
static void
sc_reserved_nick(itw_t *w)
{
  itw_portal(w, 0);
  ASSERT_EQ(reed_model_account_add(w->model, "Alice"), 0);
  itw_connect(w, 0);
  itw_feed(w, 0, "NICK alice\r\nUSER a 0 * :A\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 433 * alice :Nickname is reserved by a "
             "different account");
  itw_feed(w, 0, "NICK guest\r\n");
  ASSERT(strstr(itw_take(w, 0), " 001 guest ") != NULL);
  itw_connect(w, 1);
  itw_feed(w, 1,
           "CAP LS 302\r\nNICK alice\r\nUSER a 0 * :A\r\n"
           "CAP REQ sasl\r\nAUTHENTICATE PLAIN\r\n"
           "AUTHENTICATE AEFsaWNlAHBlbmNpbA==\r\nCAP END\r\n");
  ASSERT(strstr(itw_take(w, 1), ":irc.test 001 alice :") != NULL);
}

TEST(sasl_reserved_nick)
{
  itw_run_chunked(sc_reserved_nick);
}

/* EXTERNAL takes the fingerprint of this connection's certificate only. */
static void
sc_external(itw_t *w)
{
  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_connect(w, 1);
  memset(w->ft[0].cert_fp, 'a', 64);
  itw_feed(w, 1,
           "CAP REQ sasl\r\nAUTHENTICATE EXTERNAL\r\n"
           "AUTHENTICATE +\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test CAP * ACK :sasl\n"
             "AUTHENTICATE +\n"
             ":irc.test 904 * :SASL authentication failed");
  itw_feed(w, 0,
           "CAP REQ sasl\r\nAUTHENTICATE EXTERNAL\r\n"
           "AUTHENTICATE +\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test CAP * ACK :sasl\n"
             "AUTHENTICATE +\n"
             ":irc.test 900 * *!*@127.0.0.1 Alice :You are now logged in as "
             "Alice\n"
             ":irc.test 903 * :SASL authentication successful");
}

TEST(sasl_external)
{
  itw_run_chunked(sc_external);
}

static void
sc_register(itw_t *w)
{
  itw_portal(w, 1);
  itw_connect(w, 0);
  itw_feed(w, 0, "CAP LS 302\r\nNICK newbie\r\nUSER n 0 * :N\r\n");
  ASSERT(strstr(itw_take(w, 0),
                " draft/account-registration=before-connect ") != NULL);
  itw_feed(w, 0, "REGISTER * * hunter22\r\nPING :next\r\nCAP END\r\n");
  {
    const char *out = itw_take(w, 0);
    ASSERT(strncmp(out,
                   ":irc.test REGISTER SUCCESS newbie :Account created\r\n"
                   ":irc.test 900 * newbie!~n@127.0.0.1 newbie :You are now "
                   "logged in as newbie\r\n"
                   ":irc.test PONG irc.test :next\r\n"
                   ":irc.test 001 newbie ",
                   strlen(":irc.test REGISTER SUCCESS newbie :Account "
                          "created\r\n:irc.test 900 * newbie!~n@127.0.0.1 "
                          "newbie :You are now logged in as newbie\r\n"
                          ":irc.test PONG irc.test :next\r\n:irc.test 001 "
                          "newbie ")) == 0);
  }
  itw_feed(w, 0, "REGISTER other * pw\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL REGISTER ALREADY_AUTHENTICATED other :You are "
             "logged in");
  itw_register(w, 1, "second");
  itw_feed(w, 1, "REGISTER second not-an-address pw2\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test FAIL REGISTER INVALID_EMAIL second :That is not an "
             "email address");
  itw_feed(w, 1, "REGISTER Newbie * pw2\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test FAIL REGISTER ACCOUNT_NAME_MUST_BE_NICK Newbie :The "
             "account name must be your nick");
  /* No land grabs: a nick in use is not registered by someone else. */
  itw_connect(w, 3);
  itw_feed(w, 3, "NICK newbie\r\nREGISTER * * pw3\r\n");
  ITW_EXPECT(w, 3,
             ":irc.test FAIL REGISTER ACCOUNT_EXISTS newbie :That name is in "
             "use");
  itw_drop(w, 3);
  /* NickServ: IDENTIFY to the new account from a third connection. */
  itw_register(w, 2, "third");
  itw_feed(w, 2,
           "PRIVMSG NickServ :IDENTIFY newbie wrong\r\n"
           "PRIVMSG nickserv :IDENTIFY newbie hunter22\r\n"
           "PRIVMSG NickServ :frob\r\n");
  ITW_EXPECT(w, 2,
             ":NickServ!NickServ@services.irc.test NOTICE third :Invalid "
             "account credentials\n"
             ":NickServ!NickServ@services.irc.test NOTICE third :You are now "
             "identified\n"
             ":irc.test 900 third third!~u2@127.0.0.1 newbie :You are now "
             "logged in as newbie\n"
             ":NickServ!NickServ@services.irc.test NOTICE third :Commands: "
             "REGISTER <password> [email], IDENTIFY [account] <password>");
  itw_feed(w, 1, "PRIVMSG NickServ :REGISTER s3cond\r\n");
  ITW_EXPECT(w, 1,
             ":NickServ!NickServ@services.irc.test NOTICE second :Account "
             "created\n"
             ":irc.test 900 second second!~u1@127.0.0.1 second :You are now "
             "logged in as second");
}

TEST(sasl_register_and_nickserv)
{
  itw_run_chunked(sc_register);
}

/* The portal's registration throttle (auth/portal_regthrottle.c) in IRC's
 * form: one account an hour from 127.0.0.1, so the second REGISTER (and
 * NickServ's) from there is refused before any hashing. */
static void
sc_register_throttled(itw_t *w)
{
  itw_portal(w, 0);
  reed_portal_set_reg_throttle(
      w->portal, &(reed_portal_regthrottle_t){.per_address = 1, .burst = 1});
  itw_register(w, 0, "first");
  itw_feed(w, 0, "REGISTER * * pw1\r\n");
  ASSERT(strstr(itw_take(w, 0), "REGISTER SUCCESS first") != NULL);
  itw_register(w, 1, "second");
  itw_feed(w, 1, "REGISTER * * pw2\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test FAIL REGISTER TEMPORARILY_UNAVAILABLE second :too "
             "many registrations recently, try again later");
  itw_feed(w, 1, "PRIVMSG NickServ :REGISTER pw2\r\n");
  ITW_EXPECT(w, 1,
             ":NickServ!NickServ@services.irc.test NOTICE second :too many "
             "registrations recently, try again later");
}

TEST(irc_register_throttled)
{
  itw_run_chunked(sc_register_throttled);
}

/* Two IRC connections of one account share its nick (docs/design.md): the
 * second takes it at registration, and both get what is said to it. */
static void
sc_shared_nick(itw_t *w)
{
  static const char login[] =
      "CAP REQ sasl\r\nNICK alice\r\nUSER a 0 * :A\r\nAUTHENTICATE PLAIN\r\n"
      "AUTHENTICATE AEFsaWNlAHBlbmNpbA==\r\nCAP END\r\n";

  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_feed(w, 0, login);
  ASSERT(strstr(itw_take(w, 0), " 001 alice ") != NULL);
  itw_connect(w, 1);
  itw_feed(w, 1, login);
  ASSERT(strstr(itw_take(w, 1), " 001 alice ") != NULL);
  itw_register(w, 2, "bob");
  itw_feed(w, 2, "PRIVMSG alice :to both\r\nNICK alice\r\n");
  ITW_EXPECT(w, 0, ":bob!~u2@127.0.0.1 PRIVMSG alice :to both");
  ITW_EXPECT(w, 1, ":bob!~u2@127.0.0.1 PRIVMSG alice :to both");
  ITW_EXPECT(w, 2, ":irc.test 433 bob alice :Nickname is already in use");
}

TEST(sasl_shared_nick)
{
  itw_run_chunked(sc_shared_nick);
}
