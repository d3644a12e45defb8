/* Server bans on IRC (UBAN and the refusals), REHASH and STATS, in the
 * protocol world with a fake host. */
#include "irc_test.h"

#include <string.h>

/* `oper = root s3cret` through the [irc] directive, as a config file would
 * set it. */
static void
oper_conf(itw_t *w)
{
  reed_conf_err_t err = {0};
  const reed_directive_t *d = reed_irc_module.directives;

  while (strcmp(d->key, "oper") != 0)
    d++;
  ASSERT_EQ(d->set(&w->conf, "root s3cret", d, &err), 0);
  ASSERT_EQ(reed_irc_module.conf_check(&w->conf, &err), 0);
}

static void
become_oper(itw_t *w, int i, const char *nick)
{
  char want[128];

  itw_feed(w, i, "OPER root s3cret\r\n");
  snprintf(want, sizeof(want),
           ":irc.test 381 %s :You are now an IRC operator\n"
           ":%s MODE %s :+o",
           nick, nick, nick);
  ITW_EXPECT(w, i, want);
}

static void
sc_uban(itw_t *w)
{
  oper_conf(w);
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 1, "UBAN LIST\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 481 bob :Permission Denied- You're not an IRC "
             "operator");
  become_oper(w, 0, "alice");
  itw_feed(w, 0,
           "UBAN ADD\r\nUBAN ADD :bad target\r\n"
           "UBAN ADD bob DURATION soon x\r\nUBAN FROB x\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 461 alice UBAN :Not enough parameters\n"
             ":irc.test FAIL UBAN INVALID_TARGET bad target :Not an address, "
             "CIDR block, nick!user@host mask or account\n"
             ":irc.test FAIL UBAN INVALID_DURATION soon :Durations look like "
             "30m, 1h30m or 7d\n"
             ":irc.test FAIL UBAN UNKNOWN_COMMAND FROB :Say UBAN ADD, DEL or "
             "LIST");
  itw_feed(w, 2, "JOIN #r\r\n");
  itw_take(w, 2);
  itw_feed(w, 1, "JOIN #r\r\n");
  itw_take(w, 1);
  itw_take(w, 2);
  /* bob registered with USER u1: the mask matches him alone. */
  itw_feed(w, 0, "UBAN ADD *!~u1@* DURATION 1h :spamming the channel\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test NOTICE alice :Ban added on *!~u1@* (set by alice, "
             "expires 2023-11-14T23:13:22Z): spamming the channel");
  ITW_EXPECT(w, 1,
             "ERROR :Closing Link: 127.0.0.1 (Killed (irc.test "
             "(Banned: spamming the channel)))");
  ASSERT(w->ft[1].closed);
  ITW_EXPECT(w, 2, ":bob!~u1@127.0.0.1 QUIT :Banned: spamming the channel");
  itw_drop(w, 1);
  itw_feed(w, 0, "UBAN LIST\r\nSTATS k\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test NOTICE alice :*!~u1@* (set by alice, expires "
             "2023-11-14T23:13:22Z): spamming the channel\n"
             ":irc.test NOTICE alice :End of ban list (1)\n"
             ":irc.test 216 alice K *!~u1@* mask alice 2023-11-14T23:13:22Z "
             ":spamming the channel\n"
             ":irc.test 219 alice k :End of /STATS report");
  /* Coming back under another nick: refused at registration. */
  itw_connect(w, 1);
  itw_feed(w, 1, "NICK bobby\r\nUSER u1 0 * :Bob\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 465 * :You are banned from this server: spamming "
             "the channel\n"
             "ERROR :Closing Link: 127.0.0.1 (Banned: spamming the channel)");
  ASSERT(w->ft[1].closed);
  itw_drop(w, 1);
  itw_feed(w, 0, "UBAN DEL *!~u1@*\r\nUBAN DEL *!~u1@*\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test NOTICE alice :Ban removed on *!~u1@*\n"
             ":irc.test FAIL UBAN NO_SUCH_BAN *!~u1@* :No such ban");
  itw_register(w, 1, "bob");
  itw_take(w, 1);
}

TEST(ban_uban_add_list_del)
{
  itw_run_chunked(sc_uban);
}

/* A ban on the address refuses new connections at once; an expired one
 * no longer does. */
static void
sc_ip_ban_and_expiry(itw_t *w)
{
  reed_sban_view_t ban = {.target = "127.0.0.0/8",
                          .reason = "closed for repairs",
                          .setter = "cli",
                          .expires_ms =
                              w->fc.clock.wall_ms(w->fc.clock.c) + 60000};

  itw_register(w, 0, "alice");
  ASSERT_EQ(reed_model_sban_add(w->model, &ban), 0);
  ITW_EXPECT(w, 0,
             "ERROR :Closing Link: 127.0.0.1 (Killed (irc.test "
             "(Banned: closed for repairs)))");
  itw_drop(w, 0);
  itw_connect(w, 1);
  ITW_EXPECT(w, 1,
             ":irc.test 465 * :You are banned from this server: closed for "
             "repairs\n"
             "ERROR :Closing Link: 127.0.0.1 (Banned: closed for repairs)");
  ASSERT(w->ft[1].closed);
  itw_drop(w, 1);
  fc_advance(&w->fc, 60000);
  itw_register(w, 2, "carol");
}

TEST(ban_ip_at_connection_and_expiry)
{
  itw_run_chunked(sc_ip_ban_and_expiry);
}

/* ---- REHASH and STATS -------------------------------------------------- */

static int reloads;

static void
fake_reload(void *ud)
{
  (void)ud;
  reloads++;
}

static void
fake_listeners(void *ud,
               void (*cb)(void *cbud, const char *module, const char *kind,
                          const char *addr, unsigned port),
               void *cbud)
{
  (void)ud;
  cb(cbud, "irc", "tcp", "127.0.0.1", 6667);
  cb(cbud, "amp", "ssl", "::1", 6697);
  cb(cbud, "irc", "unix", "/run/reed.sock", 0);
}

static size_t
fake_connections(void *ud, const char *module)
{
  (void)ud;
  return strcmp(module, "irc") == 0 ? 3 : 0;
}

static reed_host_t host;

static void
sc_rehash_stats(itw_t *w)
{
  host = (reed_host_t){
      .reload = fake_reload,
      .each_listener = fake_listeners,
      .connections = fake_connections,
      /* One day, one hour, one minute and one second ago. */
      .started_ms = w->fc.clock.wall_ms(w->fc.clock.c) - 90061000,
  };
  w->tw.host = &host;
  reloads = 0;
  oper_conf(w);
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 1, "REHASH\r\nSTATS p\r\nSTATS u\r\nSTATS\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 481 bob :Permission Denied- You're not an IRC "
             "operator\n"
             ":irc.test 481 bob :Permission Denied- You're not an IRC "
             "operator\n"
             ":irc.test 219 bob p :End of /STATS report\n"
             ":irc.test 242 bob :Server Up 1 days 1:01:01\n"
             ":irc.test 219 bob u :End of /STATS report\n"
             ":irc.test 219 bob * :End of /STATS report");
  ASSERT_EQ(reloads, 0);
  become_oper(w, 0, "alice");
  itw_feed(w, 0, "REHASH\r\nSTATS p\r\nSTATS l\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 382 alice reed.ini :Rehashing\n"
             ":irc.test 249 alice p :irc 3 connections, 2 users\n"
             ":irc.test 249 alice p :amp 0 connections, 0 users\n"
             ":irc.test 219 alice p :End of /STATS report\n"
             ":irc.test 249 alice l :irc tcp 127.0.0.1 6667\n"
             ":irc.test 249 alice l :amp ssl ::1 6697\n"
             ":irc.test 249 alice l :irc unix /run/reed.sock 0\n"
             ":irc.test 219 alice l :End of /STATS report");
  ASSERT_EQ(reloads, 1);
}

TEST(ban_rehash_and_stats)
{
  itw_run_chunked(sc_rehash_stats);
}

/* Without a host (no process behind the core), REHASH says so. */
static void
sc_rehash_no_host(itw_t *w)
{
  oper_conf(w);
  itw_register(w, 0, "alice");
  become_oper(w, 0, "alice");
  itw_feed(w, 0, "REHASH\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test FAIL REHASH UNAVAILABLE :No reload in this server");
}

TEST(ban_rehash_without_host)
{
  itw_run_chunked(sc_rehash_no_host);
}
