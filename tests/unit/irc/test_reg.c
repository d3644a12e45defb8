/* Registration, CAP, the dispatcher's 451/461/421, PING and the timers. */
#include "irc_test.h"

#include "config.h"

#include <stdio.h>
#include <string.h>

static void
sc_welcome(itw_t *w)
{
  itw_connect(w, 0);
  itw_feed(w, 0, "NICK alice\r\nUSER al 0 * :Alice A\r\n");
  ITW_EXPECT(
      w, 0,
      ":irc.test 001 alice :Welcome to the reed IRC Network "
      "alice!~al@127.0.0.1\n"
      ":irc.test 002 alice :Your host is irc.test, running version reed-0.1\n"
      ":irc.test 003 alice :This server was created at its last start\n"
      ":irc.test 004 alice irc.test reed-0.1 Biow beIiklmnostv beIklov\n"
      ":irc.test 005 alice ACCOUNTEXTBAN=a AWAYLEN=390 BOT=B "
      "CASEMAPPING=ascii CHANLIMIT=#:100 CHANMODES=beI,k,l,imnst "
      "CHANNELLEN=64 CHANTYPES=# CHATHISTORY=100 ELIST=CMNTU EXCEPTS "
      "EXTBAN=$,a INVEX :are supported by this server\n"
      ":irc.test 005 alice KICKLEN=390 MAXLIST=beI:100 MAXTARGETS=4 MODES=4 "
      "MONITOR=100 MSGREFTYPES=msgid,timestamp NETWORK=reed NICKLEN=32 "
      "PREFIX=(qaov)~&@+ STATUSMSG=@+ "
      "TARGMAX=NAMES:32,LIST:32,KICK:32,WHOIS:1,USERHOST:10,PRIVMSG:4,"
      "TAGMSG:4,NOTICE:4 TOPICLEN=390 USERLEN=16 :are supported by this "
      "server\n"
      ":irc.test 005 alice UTF8ONLY WHOX :are supported by this server\n"
      ":irc.test 251 alice :There are 1 users and 0 invisible on 1 servers\n"
      ":irc.test 252 alice 0 :IRC Operators online\n"
      ":irc.test 254 alice 0 :channels formed\n"
      ":irc.test 255 alice :I have 1 clients and 0 servers\n"
      ":irc.test 265 alice :Current local users: 1\n"
      ":irc.test 266 alice :Current global users: 1\n"
      ":irc.test 422 alice :MOTD File is missing");
  ASSERT_STR_EQ(reed_session_nick(((reed_irc_core_t *)w->core[0])->session),
                "alice");
  /* Registered and idle: what registering needed is gone. */
  ASSERT(((reed_irc_core_t *)w->core[0])->pend == NULL);
}

TEST(reg_welcome)
{
  itw_run_chunked(sc_welcome);
}

static void
sc_cap(itw_t *w)
{
  itw_connect(w, 0);
  itw_feed(w, 0, "CAP LS 302\r\nNICK bob\r\nUSER b 0 * :Bob\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test CAP * LS :account-notify account-tag away-notify "
             "batch cap-notify chghost draft/chathistory "
             "draft/message-redaction "
             "draft/multiline=max-bytes=4096,max-lines=100 "
             "draft/no-implicit-names draft/pre-away "
             "draft/read-marker echo-message extended-join extended-monitor "
             "invite-notify "
             "labeled-response "
             "message-tags multi-prefix server-time setname "
             "userhost-in-names");
  /* All or nothing: one unknown cap refuses the whole request. */
  itw_feed(w, 0, "CAP REQ :multi-prefix bogus\r\nCAP LIST\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test CAP * NAK :multi-prefix bogus\n"
             ":irc.test CAP * LIST :cap-notify");
  itw_feed(w, 0, "CAP REQ :multi-prefix server-time -cap-notify\r\n");
  ITW_EXPECT(w, 0, ":irc.test CAP * ACK :multi-prefix server-time -cap-notify");
  itw_feed(w, 0, "CAP END\r\n");
  ASSERT(strstr(itw_take(w, 0), ":irc.test 001 bob :Welcome") != NULL);
  itw_feed(w, 0, "CAP LIST\r\ncap frob\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test CAP bob LIST :multi-prefix server-time\n"
             ":irc.test 410 bob frob :Invalid CAP command");
}

TEST(reg_cap_negotiation)
{
  itw_run_chunked(sc_cap);
}

static void
sc_errors(itw_t *w)
{
  itw_connect(w, 0);
  itw_feed(w, 0,
           "JOIN #a\r\nFROB x\r\nUSER onlyone\r\nNICK\r\nNICK 1bad\r\n"
           "CAP\r\nUSER u 0 * :\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 451 * :You have not registered\n"
             ":irc.test 421 * FROB :Unknown command\n"
             ":irc.test 461 * USER :Not enough parameters\n"
             ":irc.test 431 * :No nickname given\n"
             ":irc.test 432 * 1bad :Erroneous nickname\n"
             ":irc.test 461 * CAP :Not enough parameters\n"
             ":irc.test 461 * USER :Not enough parameters");
  itw_register(w, 1, "carol");
  itw_feed(w, 0, "NICK Carol\r\n");
  ITW_EXPECT(w, 0, ":irc.test 433 * Carol :Nickname is already in use");
  itw_feed(w, 0, "NICK dave\r\nUSER d 0 * :Dave\r\n");
  ASSERT(strstr(itw_take(w, 0), " 001 dave ") != NULL);
  itw_feed(w, 0, "USER again 0 * :x\r\nPASS secret\r\nprivmsg\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 462 dave :You may not reregister\n"
             ":irc.test 462 dave :You may not reregister\n"
             ":irc.test 411 dave :No recipient given (PRIVMSG)");
}

TEST(reg_errors)
{
  itw_run_chunked(sc_errors);
}

static void
sc_ping(itw_t *w)
{
  itw_register(w, 0, "pat");
  itw_feed(w, 0, "PING :hello there\r\n");
  ITW_EXPECT(w, 0, ":irc.test PONG irc.test :hello there");
  /* Idle for the ping interval: the server asks; an answer keeps it. */
  fc_advance(&w->fc, 120000);
  ITW_EXPECT(w, 0, "PING :irc.test");
  itw_feed(w, 0, "PONG :irc.test\r\n");
  fc_advance(&w->fc, 119000);
  ITW_EXPECT(w, 0, "");
  fc_advance(&w->fc, 1000);
  ITW_EXPECT(w, 0, "PING :irc.test");
  fc_advance(&w->fc, 59999);
  ASSERT(!w->ft[0].closed);
  fc_advance(&w->fc, 1);
  ITW_EXPECT(w, 0,
             "ERROR :Closing Link: 127.0.0.1 (Ping timeout: 180 seconds)");
  ASSERT(w->ft[0].closed);
  ASSERT_STR_EQ(w->ft[0].close_reason, "Ping timeout: 180 seconds");
}

TEST(reg_ping_timeout)
{
  itw_run_chunked(sc_ping);
}

static void
sc_reg_timeout(itw_t *w)
{
  itw_connect(w, 0);
  itw_feed(w, 0, "NICK slow\r\n");
  fc_advance(&w->fc, 59999);
  ITW_EXPECT(w, 0, "");
  fc_advance(&w->fc, 1);
  ITW_EXPECT(w, 0, "ERROR :Closing Link: 127.0.0.1 (Registration timed out)");
  ASSERT(w->ft[0].closed);
  /* The nick is free again at once. */
  itw_register(w, 1, "slow");
}

TEST(reg_timeout)
{
  itw_run_chunked(sc_reg_timeout);
}

static void
sc_quit(itw_t *w)
{
  itw_register(w, 0, "qa");
  itw_register(w, 1, "qb");
  itw_feed(w, 0, "JOIN #q\r\n");
  itw_feed(w, 1, "JOIN #q\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 0, "QUIT :bye now\r\nPRIVMSG #q :ignored\r\n");
  ITW_EXPECT(w, 0, "ERROR :Closing Link: 127.0.0.1 (Quit: bye now)");
  ITW_EXPECT(w, 1, ":qa!~u0@127.0.0.1 QUIT :Quit: bye now");
  ASSERT(w->ft[0].closed);
  /* The net layer frees the core later; nothing more is written. */
  itw_drop(w, 0);
  ITW_EXPECT(w, 1, "");
}

TEST(reg_quit)
{
  itw_run_chunked(sc_quit);
}

static void
sc_eof(itw_t *w)
{
  itw_register(w, 0, "ea");
  itw_register(w, 1, "eb");
  itw_feed(w, 0, "JOIN #e\r\n");
  itw_feed(w, 1, "JOIN #e\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  reed_irc_module.eof(w->core[0], "SendQ exceeded");
  ITW_EXPECT(w, 1, ":ea!~u0@127.0.0.1 QUIT :SendQ exceeded");
  reed_irc_module.shutdown(w->core[1], REED_SHUTDOWN_SERVER);
  ITW_EXPECT(w, 1, "ERROR :Closing Link: 127.0.0.1 (Server shutting down)");
  ASSERT(w->ft[1].closed);
}

TEST(reg_eof_and_shutdown)
{
  itw_run_chunked(sc_eof);
}

/* Without [irc] overrides, the server name, the timeouts and the MOTD come
 * from the [server] section. */
static void
sc_server_conf(itw_t *w)
{
  static reed_server_conf_t sc = {.name = "srv.example",
                                  .registration_timeout = 5000,
                                  .ping_interval = 10000,
                                  .ping_timeout = 2000,
                                  .motd_text = "Line one\r\n\nLine three"};

  reed_free(w->conf.server_name);
  w->conf.server_name = NULL;
  w->server_conf = &sc;
  itw_connect(w, 0);
  itw_feed(w, 0, "NICK early\r\nPING :x\r\n");
  ITW_EXPECT(w, 0, ":srv.example PONG srv.example :x");
  fc_advance(&w->fc, 5000);
  ITW_EXPECT(w, 0, "ERROR :Closing Link: 127.0.0.1 (Registration timed out)");
  itw_register(w, 1, "later");
  itw_feed(w, 1, "MOTD\r\n");
  ITW_EXPECT(w, 1,
             ":srv.example 375 later :- srv.example Message of the day - \n"
             ":srv.example 372 later :- Line one\n"
             ":srv.example 372 later :- \n"
             ":srv.example 372 later :- Line three\n"
             ":srv.example 376 later :End of /MOTD command.");
  fc_advance(&w->fc, 10000);
  ITW_EXPECT(w, 1, "PING :srv.example");
  fc_advance(&w->fc, 2000);
  ITW_EXPECT(w, 1, "ERROR :Closing Link: 127.0.0.1 (Ping timeout: 12 seconds)");
}

TEST(reg_server_conf)
{
  itw_run_chunked(sc_server_conf);
}

static void
http_listener(void *ud,
              void (*cb)(void *cbud, const char *module, const char *kind,
                         const char *addr, unsigned port),
              void *cbud)
{
  REED_UNUSED(ud);
  cb(cbud, "http", "ssl", "0.0.0.0", 8443);
}

/* soju.im/FILEHOST while [upload] is enabled: the POST URL on the [http]
 * listener (a wildcard address names the server), or under [upload] url
 * (its '=' escaped as ISUPPORT values are); nothing while disabled. */
static void
sc_filehost(itw_t *w)
{
  static const reed_host_t host = {.each_listener = http_listener};
  static reed_server_conf_t sc = {.name = "srv.example",
                                  .upload = {.enabled = true}};
  static const char *const want[] = {
      "soju.im/FILEHOST=https://srv.example:8443/upload ",
      "soju.im/FILEHOST=https://f.example/a\\x3Db/upload ",
  };

  w->tw.host = &host;
  w->server_conf = &sc;
  for (int i = 0; i < 3; i++) {
    char reg[64];
    snprintf(reg, sizeof(reg), "NICK n%d\r\nUSER u 0 * :U\r\n", i);
    sc.upload.url = i == 1 ? "https://f.example/a=b" : NULL;
    sc.upload.enabled = i < 2;
    itw_connect(w, i);
    itw_feed(w, i, reg);
    if (i < 2)
      ASSERT(strstr(itw_take(w, i), want[i]) != NULL);
    else
      ASSERT(strstr(itw_take(w, i), "FILEHOST") == NULL);
  }
}

TEST(reg_isupport_filehost)
{
  itw_run_chunked(sc_filehost);
}

/* CAP LS 302 lines stay short: a long list continues with "*" lines.
 * STS lists the TLS port on a plain connection and the policy's duration
 * on a TLS one; it cannot be requested. */
static void
sc_cap_sts(itw_t *w)
{
  const char *out, *line;
  size_t lines = 0;

  w->conf.sts_port = 6697;
  w->conf.sts_preload = true;
  itw_portal(w, 0);
  itw_connect(w, 0);
  itw_feed(w, 0, "CAP LS 302\r\n");
  out = itw_take(w, 0);
  for (line = out; *line != '\0'; lines++) {
    const char *eol = strchr(line, '\n');
    size_t len = eol ? (size_t)(eol - line) : strlen(line);
    ASSERT(len < 510);
    if (eol != NULL && eol[1] != '\0')
      ASSERT(strncmp(line, ":irc.test CAP * LS * :", 22) == 0);
    else
      ASSERT(strncmp(line, ":irc.test CAP * LS :", 20) == 0);
    line += len + (eol != NULL);
  }
  ASSERT(lines >= 1);
  ASSERT(strstr(out, " sts=port=6697") != NULL);
  ASSERT(strstr(out, " sasl=PLAIN,SCRAM-SHA-256,EXTERNAL") != NULL);
  ASSERT(strstr(out, "userhost-in-names") != NULL); /* maybe a line's first */
  itw_feed(w, 0, "CAP REQ sts\r\n");
  ITW_EXPECT(w, 0, ":irc.test CAP * NAK :sts");

  itw_connect(w, 1);
  w->ft[1].peer.tls = true;
  itw_feed(w, 1, "CAP LS 302\r\n");
  ASSERT(strstr(itw_take(w, 1), "sts=duration=2592000,preload") != NULL);
  /* Without the 302 values, the name alone. */
  itw_connect(w, 2);
  itw_feed(w, 2, "CAP LS\r\n");
  out = itw_take(w, 2);
  ASSERT(strstr(out, " sts ") != NULL && strstr(out, "sts=") == NULL);
}

TEST(reg_cap_sts)
{
  itw_run_chunked(sc_cap_sts);
}

/* A connection password: registration needs the last PASS to match; a
 * missing or wrong one gets 464 and the connection is closed. */
static void
sc_password(itw_t *w)
{
  const char *out;

  w->conf.password = reed_strdup("open sesame");
  itw_connect(w, 0);
  itw_feed(w, 0, "PASS :open sesame\r\nNICK pw\r\nUSER u 0 * :P W\r\n");
  out = itw_take(w, 0);
  ASSERT(strstr(out, ":irc.test 001 pw ") != NULL);
  itw_feed(w, 0, "PASS again\r\n");
  ITW_EXPECT(w, 0, ":irc.test 462 pw :You may not reregister");

  itw_connect(w, 1);
  itw_feed(w, 1, "NICK nopw\r\nUSER u 0 * :x\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 464 * :Password incorrect\n"
             "ERROR :Closing Link: 127.0.0.1 (Bad password)");
  ASSERT(w->ft[1].closed);

  /* The last PASS counts: a right one followed by a wrong one fails. */
  itw_connect(w, 2);
  itw_feed(w, 2,
           "PASS :open sesame\r\nPASS open\r\nNICK bad\r\n"
           "USER u 0 * :x\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test 464 * :Password incorrect\n"
             "ERROR :Closing Link: 127.0.0.1 (Bad password)");
  ASSERT(w->ft[2].closed);
  /* The refused nicks were never taken. */
  itw_connect(w, 3);
  itw_feed(w, 3, "PASS :open sesame\r\nNICK nopw\r\nUSER u 0 * :x\r\n");
  ASSERT(strstr(itw_take(w, 3), ":irc.test 001 nopw ") != NULL);
}

TEST(reg_password)
{
  itw_run_chunked(sc_password);
}

TEST(reg_command_table_sorted)
{
  size_t n = reed__irc_cmd_count();

  ASSERT(n > 20);
  for (size_t i = 1; i < n; i++)
    ASSERT(strcmp(reed__irc_cmd_at(i - 1)->name, reed__irc_cmd_at(i)->name) <
           0);
  for (size_t i = 0; i < n; i++) {
    ASSERT(reed__irc_cmd_find(reed__irc_cmd_at(i)->name) ==
           reed__irc_cmd_at(i));
  }
  ASSERT(reed__irc_cmd_find("privmsg") == reed__irc_cmd_find("PRIVMSG"));
  ASSERT(reed__irc_cmd_find("PRIVMSGX") == NULL);
  ASSERT(reed__irc_cmd_find("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") == NULL);
}
