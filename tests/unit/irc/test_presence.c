/* WHOWAS, MONITOR and extended-monitor through the fake transport. */
#include "irc_test.h"

#include <string.h>

static void
quit(itw_t *w, int i)
{
  itw_feed(w, i, "QUIT :bye\r\n");
  itw_drop(w, i);
}

static void
sc_whowas(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  quit(w, 1);
  fc_advance(&w->fc, 60000);
  itw_register(w, 2, "Bob");
  itw_feed(w, 2, "SETNAME :Second Bob\r\n");
  quit(w, 2);
  itw_take(w, 0);
  itw_feed(w, 0, "WHOWAS bob\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 314 alice Bob ~u2 127.0.0.1 * :Second Bob\n"
             ":irc.test 312 alice Bob irc.test :Tue Nov 14 22:14:21 2023\n"
             ":irc.test 314 alice bob ~u1 127.0.0.1 * :Real bob\n"
             ":irc.test 312 alice bob irc.test :Tue Nov 14 22:13:21 2023\n"
             ":irc.test 369 alice bob :End of WHOWAS");
  itw_feed(w, 0, "WHOWAS BOB 1\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 314 alice Bob ~u2 127.0.0.1 * :Second Bob\n"
             ":irc.test 312 alice Bob irc.test :Tue Nov 14 22:14:21 2023\n"
             ":irc.test 369 alice BOB :End of WHOWAS");
  /* 0 and negative counts mean everything. */
  itw_feed(w, 0, "WHOWAS bob 0\r\nWHOWAS bob -1\r\n");
  {
    const char *out = itw_take(w, 0);
    size_t n = 0;
    for (const char *p = out; (p = strstr(p, " 314 ")) != NULL; p++)
      n++;
    ASSERT_EQ(n, 4);
  }
  itw_feed(w, 0, "WHOWAS ghost,bob 1\r\nWHOWAS :\r\nWHOWAS ,\r\nWHOWAS\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 406 alice ghost :There was no such nickname\n"
             ":irc.test 314 alice Bob ~u2 127.0.0.1 * :Second Bob\n"
             ":irc.test 312 alice Bob irc.test :Tue Nov 14 22:14:21 2023\n"
             ":irc.test 369 alice ghost,bob :End of WHOWAS\n"
             ":irc.test 431 alice :No nickname given\n"
             ":irc.test 431 alice :No nickname given\n"
             ":irc.test 461 alice WHOWAS :Not enough parameters");
  /* A nick change leaves the old nick in the history; alice holds hers. */
  itw_feed(w, 0, "NICK alicia\r\nWHOWAS alice\r\nWHOWAS alicia\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 NICK :alicia\n"
             ":irc.test 314 alicia alice ~u0 127.0.0.1 * :Real alice\n"
             ":irc.test 312 alicia alice irc.test :Tue Nov 14 22:14:23 2023\n"
             ":irc.test 369 alicia alice :End of WHOWAS\n"
             ":irc.test 406 alicia alicia :There was no such nickname\n"
             ":irc.test 369 alicia alicia :End of WHOWAS");
}

TEST(presence_whowas)
{
  itw_run_chunked(sc_whowas);
}

static void
sc_monitor(itw_t *w)
{
  itw_register(w, 0, "foo");
  itw_register(w, 1, "bar");
  itw_feed(w, 0, "MONITOR + bar,baz,*!u@h\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 432 foo *!u@h :Erroneous nickname\n"
             ":irc.test 730 foo :bar!~u1@127.0.0.1\n"
             ":irc.test 731 foo :baz");
  itw_feed(w, 0, "MONITOR L\r\nMONITOR S\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 732 foo :bar,baz\n"
             ":irc.test 733 foo :End of MONITOR list\n"
             ":irc.test 730 foo :bar!~u1@127.0.0.1\n"
             ":irc.test 731 foo :baz");
  /* bar goes, baz comes (a nick change), then a case change: nothing. */
  itw_feed(w, 1, "NICK baz\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 731 foo :bar\n"
             ":irc.test 730 foo :baz!~u1@127.0.0.1");
  itw_feed(w, 1, "NICK BAZ\r\n");
  ITW_EXPECT(w, 0, "");
  quit(w, 1);
  ITW_EXPECT(w, 0, ":irc.test 731 foo :BAZ");
  itw_register(w, 2, "bar");
  ITW_EXPECT(w, 0, ":irc.test 730 foo :bar!~u2@127.0.0.1");
  itw_feed(w, 0, "MONITOR - bar,nothere\r\nMONITOR L\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 732 foo :baz\n"
             ":irc.test 733 foo :End of MONITOR list");
  itw_feed(w, 2, "NICK other\r\n");
  ITW_EXPECT(w, 0, "");
  itw_feed(w, 0, "MONITOR C\r\nMONITOR L\r\nMONITOR +\r\nMONITOR x\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 733 foo :End of MONITOR list\n"
             ":irc.test 461 foo MONITOR :Not enough parameters\n"
             ":irc.test 400 foo MONITOR x :Unknown subcommand");
  /* Before registration MONITOR is refused like any other command. */
  itw_connect(w, 3);
  itw_feed(w, 3, "MONITOR + foo\r\n");
  ITW_EXPECT(w, 3, ":irc.test 451 * :You have not registered");
}

TEST(presence_monitor)
{
  itw_run_chunked(sc_monitor);
}

/* 100 targets fit; the rest come back in 734; long replies are split. */
static void
sc_monitor_full(itw_t *w)
{
  char line[REED_IRC_LINE_MAX];
  size_t n;

  itw_register(w, 0, "foo");
  for (int batch = 0; batch < 3; batch++) {
    n = (size_t)snprintf(line, sizeof(line), "MONITOR + ");
    for (int i = 0; i < 40; i++)
      n += (size_t)snprintf(line + n, sizeof(line) - n, "%snick%03d",
                            i ? "," : "", batch * 40 + i);
    snprintf(line + n, sizeof(line) - n, "\r\n");
    itw_feed(w, 0, line);
  }
  {
    const char *out = itw_take(w, 0);
    const char *full = strstr(out, " 734 foo 100 ");
    ASSERT(full != NULL);
    ASSERT(strncmp(full, " 734 foo 100 nick100,nick101,", 29) == 0);
    ASSERT(strstr(full, "nick119 :Monitor list is full\r\n") != NULL);
    ASSERT(strstr(out, "nick099") != NULL);
    for (const char *p = out; *p;) { /* every line fits */
      const char *nl = strchr(p, '\n');
      ASSERT(nl != NULL && nl - p + 1 <= REED_IRC_LINE_MAX);
      p = nl + 1;
    }
  }
  itw_feed(w, 0, "MONITOR L\r\n");
  {
    const char *out = itw_take(w, 0);
    size_t lines = 0;
    for (const char *p = out; (p = strstr(p, " 732 foo :")) != NULL; p++)
      lines++;
    ASSERT(lines >= 2); /* 100 nicks do not fit one line */
    ASSERT(strstr(out, "nick099\r\n:irc.test 733 foo :End of MONITOR") != NULL);
    ASSERT(strstr(out, "nick100") == NULL);
  }
  itw_feed(w, 0, "MONITOR + nick100\r\n");
  ITW_EXPECT(w, 0, ":irc.test 734 foo 100 nick100 :Monitor list is full");
  itw_feed(w, 0, "MONITOR - nick000\r\nMONITOR + nick100\r\n");
  ITW_EXPECT(w, 0, ":irc.test 731 foo :nick100");
}

TEST(presence_monitor_full)
{
  itw_run_chunked(sc_monitor_full);
}

/* extended-monitor: AWAY, SETNAME and ACCOUNT of a watched nick that
 * shares no room, for a watcher with the matching cap; once when it
 * shares one. */
static void
sc_extended_monitor(itw_t *w)
{
  itw_connect(w, 0);
  itw_feed(w, 0,
           "CAP LS 302\r\nCAP REQ :extended-monitor away-notify setname\r\n"
           "NICK foo\r\nUSER u0 0 * :Real foo\r\nCAP END\r\n");
  itw_take(w, 0);
  itw_register(w, 2, "plain"); /* watches without extended-monitor */
  itw_feed(w, 0, "MONITOR + bar\r\n");
  itw_feed(w, 2, "CAP REQ :away-notify setname\r\nMONITOR + bar\r\n");
  ITW_EXPECT(w, 0, ":irc.test 731 foo :bar");
  itw_take(w, 2);
  itw_register(w, 1, "bar");
  ITW_EXPECT(w, 0, ":irc.test 730 foo :bar!~u1@127.0.0.1");
  ITW_EXPECT(w, 2, ":irc.test 730 plain :bar!~u1@127.0.0.1");
  itw_feed(w, 1, "AWAY :afk\r\nSETNAME :New Bar\r\nAWAY\r\n");
  ITW_EXPECT(w, 0,
             ":bar!~u1@127.0.0.1 AWAY :afk\n"
             ":bar!~u1@127.0.0.1 SETNAME :New Bar\n"
             ":bar!~u1@127.0.0.1 AWAY");
  ITW_EXPECT(w, 2, "");
  itw_feed(w, 0, "JOIN #r\r\n");
  itw_feed(w, 1, "JOIN #r\r\n");
  itw_take(w, 0);
  itw_feed(w, 1, "AWAY :again\r\n");
  ITW_EXPECT(w, 0, ":bar!~u1@127.0.0.1 AWAY :again");
  /* Without away-notify the watcher sees no AWAY, watched or not. */
  itw_feed(w, 0, "PART #r\r\nCAP REQ -away-notify\r\n");
  itw_take(w, 0);
  itw_feed(w, 1, "AWAY\r\n");
  ITW_EXPECT(w, 0, "");
}

TEST(presence_extended_monitor)
{
  itw_run_chunked(sc_extended_monitor);
}

/* ACCOUNT after registration: the watcher with extended-monitor and
 * account-notify sees it; the session that logged in has its 900 only
 * (irctest's AuthenticatedExtendedMonitorTestCase). */
static void
sc_extended_monitor_account(itw_t *w)
{
  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_feed(w, 0,
           "CAP LS 302\r\nCAP REQ :extended-monitor account-notify\r\n"
           "NICK foo\r\nUSER u0 0 * :Real foo\r\nCAP END\r\nMONITOR + bar\r\n");
  itw_take(w, 0);
  itw_connect(w, 1);
  itw_feed(w, 1,
           "CAP LS 302\r\nCAP REQ :account-notify sasl\r\n"
           "NICK bar\r\nUSER u1 0 * :Real bar\r\nCAP END\r\n");
  itw_take(w, 1);
  ITW_EXPECT(w, 0, ":irc.test 730 foo :bar!~u1@127.0.0.1");
  itw_feed(w, 1, "AUTHENTICATE PLAIN\r\nAUTHENTICATE AEFsaWNlAHBlbmNpbA==\r\n");
  ITW_EXPECT(w, 1,
             "AUTHENTICATE +\n"
             ":irc.test 900 bar bar!~u1@127.0.0.1 Alice :You are now logged "
             "in as Alice\n"
             ":irc.test 903 bar :SASL authentication successful");
  ITW_EXPECT(w, 0, ":bar!~u1@127.0.0.1 ACCOUNT Alice");
}

TEST(presence_extended_monitor_account)
{
  itw_run_chunked(sc_extended_monitor_account);
}

/* CHGHOST of a watched nick that shares no channel: shown with
 * extended-monitor and chghost, not with chghost alone. */
static void
sc_extended_monitor_chghost(itw_t *w)
{
  reed_conf_err_t err = {0};
  const reed_directive_t *d = reed_irc_module.directives;

  while (strcmp(d->key, "oper") != 0)
    d++;
  ASSERT_EQ(d->set(&w->conf, "root s3cret", d, &err), 0);
  itw_register(w, 0, "op");
  itw_register(w, 1, "watcher");
  itw_register(w, 2, "plain");
  itw_register(w, 3, "bob");
  itw_feed(w, 1, "CAP REQ :extended-monitor chghost\r\nMONITOR + bob\r\n");
  itw_feed(w, 2, "CAP REQ :chghost\r\nMONITOR + bob\r\n");
  itw_take(w, 1);
  itw_take(w, 2);
  itw_feed(w, 0, "OPER root s3cret\r\nCHGHOST bob vhost.example\r\n");
  ITW_EXPECT(w, 1, ":bob!~u3@127.0.0.1 CHGHOST ~u3 vhost.example");
  ITW_EXPECT(w, 2, "");
  itw_feed(w, 3, "QUIT\r\n");
  ITW_EXPECT(w, 1, ":irc.test 731 watcher :bob");
  ITW_EXPECT(w, 2, ":irc.test 731 plain :bob");
}

TEST(presence_extended_monitor_chghost)
{
  itw_run_chunked(sc_extended_monitor_chghost);
}
