/* Commands about people and the server: NICK after registration, WHO,
 * WHOIS, WHOWAS, ISON, USERHOST, MODE on users, SETNAME, OPER, KILL,
 * LUSERS, MOTD, VERSION, TIME, ADMIN, INFO. */
#include "irc_test.h"

#include <string.h>

static void
sc_nick_change(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 0, "JOIN #room\r\n");
  itw_feed(w, 1, "JOIN #room\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 0, "NICK alicia\r\nNICK bob\r\nNICK alicia\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 NICK :alicia\n"
             ":irc.test 433 alicia bob :Nickname is already in use");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 NICK :alicia");
  ITW_EXPECT(w, 2, ""); /* shares no room */
  itw_feed(w, 1, "PRIVMSG alicia :new name?\r\n");
  ITW_EXPECT(w, 0, ":bob!~u1@127.0.0.1 PRIVMSG alicia :new name?");
}

TEST(user_nick_change)
{
  itw_run_chunked(sc_nick_change);
}

static void
sc_who_whois(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "JOIN #room\r\n");
  itw_feed(w, 1, "JOIN #room\r\nAWAY :lunch\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 0, "WHO #ROOM\r\nWHO bob\r\nWHO nobody\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 352 alice #room ~u0 127.0.0.1 irc.test alice H@ :0 "
             "Real alice\n"
             ":irc.test 352 alice #room ~u1 127.0.0.1 irc.test bob G :0 Real "
             "bob\n"
             ":irc.test 315 alice #ROOM :End of WHO list\n"
             ":irc.test 352 alice * ~u1 127.0.0.1 irc.test bob G :0 Real bob\n"
             ":irc.test 315 alice bob :End of WHO list\n"
             ":irc.test 315 alice nobody :End of WHO list");
  /* WHOX: the fields asked for, in the fixed order, with the token. */
  itw_feed(w, 0, "WHO bob %rnatfcu,42\r\nWHO #room %n\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 354 alice 42 * ~u1 bob G 0 :Real bob\n"
             ":irc.test 315 alice bob :End of WHO list\n"
             ":irc.test 354 alice alice\n"
             ":irc.test 354 alice bob\n"
             ":irc.test 315 alice #room :End of WHO list");
  /* Globs walk the people in visible rooms, each once. */
  itw_feed(w, 0, "WHO b*\r\nWHO *Real*\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 352 alice * ~u1 127.0.0.1 irc.test bob G :0 Real bob\n"
             ":irc.test 315 alice b* :End of WHO list\n"
             ":irc.test 352 alice * ~u0 127.0.0.1 irc.test alice H :0 Real "
             "alice\n"
             ":irc.test 352 alice * ~u1 127.0.0.1 irc.test bob G :0 Real bob\n"
             ":irc.test 315 alice *Real* :End of WHO list");
  fc_advance(&w->fc, 5000);
  itw_feed(w, 0, "WHOIS bob\r\nWHOIS ghost\r\nWHOWAS ghost\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 311 alice bob ~u1 127.0.0.1 * :Real bob\n"
             ":irc.test 319 alice bob :#room\n"
             ":irc.test 312 alice bob irc.test :reed (irc)\n"
             ":irc.test 301 alice bob :lunch\n"
             ":irc.test 317 alice bob 6 1700000001 :seconds idle, signon "
             "time\n"
             ":irc.test 318 alice bob :End of /WHOIS list\n"
             ":irc.test 401 alice ghost :No such nick/channel\n"
             ":irc.test 318 alice ghost :End of /WHOIS list\n"
             ":irc.test 406 alice ghost :There was no such nickname\n"
             ":irc.test 369 alice ghost :End of WHOWAS");
  itw_feed(w, 0, "ISON bob ghost ALICE\r\nUSERHOST bob alice ghost\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 303 alice :bob alice\n"
             ":irc.test 302 alice :bob=-~u1@127.0.0.1 alice=+~u0@127.0.0.1");
}

TEST(user_who_whois)
{
  itw_run_chunked(sc_who_whois);
}

/* WHO by mask (RFC 2812 3.6.1): people in no room and the asker are found;
 * an invisible person only by who shares a room with it, and WHO #room
 * from outside the room leaves its invisible members out. */
static void
sc_who_visibility(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 1, "MODE bob +i\r\n");
  itw_feed(w, 2, "MODE carol +i\r\nJOIN #hide\r\n");
  itw_take(w, 1);
  itw_take(w, 2);
  /* Nobody is in a room with alice: she sees herself and bob is +i. */
  itw_feed(w, 0, "WHO *\r\nWHO #hide\r\nWHO bob\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 352 alice * ~u0 127.0.0.1 irc.test alice H :0 Real "
             "alice\n"
             ":irc.test 315 alice * :End of WHO list\n"
             ":irc.test 315 alice #hide :End of WHO list\n"
             ":irc.test 352 alice * ~u1 127.0.0.1 irc.test bob H :0 Real bob\n"
             ":irc.test 315 alice bob :End of WHO list");
  /* Once alice shares #hide with carol, carol is listed; bob not yet. */
  itw_feed(w, 0, "JOIN #hide\r\n");
  itw_take(w, 0);
  itw_feed(w, 0, "WHO *o*\r\nWHO #hide %n\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 352 alice * ~u2 127.0.0.1 irc.test carol H :0 Real "
             "carol\n"
             ":irc.test 315 alice *o* :End of WHO list\n"
             ":irc.test 354 alice carol\n"
             ":irc.test 354 alice alice\n"
             ":irc.test 315 alice #hide :End of WHO list");
  /* bob, invisible no more, is found in no room. */
  itw_feed(w, 1, "MODE bob -i\r\n");
  itw_take(w, 1);
  itw_feed(w, 0, "WHO b*\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 352 alice * ~u1 127.0.0.1 irc.test bob H :0 Real bob\n"
             ":irc.test 315 alice b* :End of WHO list");
}

TEST(user_who_visibility)
{
  itw_run_chunked(sc_who_visibility);
}

static void
sc_umode_setname(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0,
           "MODE alice\r\nMODE alice +i\r\nMODE alice +iZ\r\n"
           "MODE alice\r\nMODE bob +i\r\nMODE ghost\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 221 alice +\n"
             ":alice MODE alice :+i\n"
             ":irc.test 501 alice :Unknown MODE flag\n"
             ":irc.test 221 alice +i\n"
             ":irc.test 502 alice :Can't change mode for other users\n"
             ":irc.test 401 alice ghost :No such nick/channel");
  /* Bot mode: +B, 335 in WHOIS, B in WHO, the bot tag on messages. */
  itw_feed(w, 0, "MODE alice +B\r\nMODE alice\r\n");
  ITW_EXPECT(w, 0,
             ":alice MODE alice :+B\n"
             ":irc.test 221 alice +Bi");
  itw_feed(w, 1, "CAP REQ message-tags\r\nWHOIS alice\r\nWHO alice\r\n");
  {
    const char *out = itw_take(w, 1);
    ASSERT(strstr(out, ":irc.test 335 bob alice :is a bot\r\n") != NULL);
    ASSERT(strstr(out, " irc.test alice HB :0 ") != NULL);
  }
  itw_feed(w, 0, "PRIVMSG bob :beep\r\nMODE alice -B\r\n");
  ITW_EXPECT(w, 1, "@msgid=1;bot :alice!~u0@127.0.0.1 PRIVMSG bob :beep");
  itw_take(w, 0);
  itw_feed(w, 0, "JOIN #r\r\n");
  itw_feed(w, 1, "CAP REQ setname\r\nJOIN #r\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 0, "SETNAME :Alice Liddell\r\n");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 SETNAME :Alice Liddell");
  itw_feed(w, 1, "WHOIS alice\r\n");
  ASSERT(strstr(itw_take(w, 1), " 311 bob alice ~u0 127.0.0.1 * :Alice "
                                "Liddell\r\n") != NULL);
}

TEST(user_modes_setname)
{
  itw_run_chunked(sc_umode_setname);
}

static void
sc_oper_kill(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 1, "JOIN #r\r\n");
  itw_feed(w, 0, "JOIN #r\r\nOPER root wrong\r\nKILL bob :spam\r\n");
  itw_take(w, 1);
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 JOIN #r\n"
             ":irc.test 353 alice = #r :@bob alice\n"
             ":irc.test 366 alice #r :End of /NAMES list\n"
             ":irc.test 464 alice :Password incorrect\n"
             ":irc.test 481 alice :Permission Denied- You're not an IRC "
             "operator");
  itw_feed(w, 0, "OPER root s3cret\r\nKILL ghost :x\r\nKILL bob :spam\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 381 alice :You are now an IRC operator\n"
             ":alice MODE alice :+o\n"
             ":irc.test 401 alice ghost :No such nick/channel\n"
             ":bob!~u1@127.0.0.1 QUIT :spam");
  ITW_EXPECT(w, 1, "ERROR :Closing Link: 127.0.0.1 (Killed (alice (spam)))");
  ASSERT(w->ft[1].closed);
}

/* Sets `oper = root s3cret` through the [irc] directive, as a config file
 * would. */
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
sc_oper_kill_conf(itw_t *w)
{
  oper_conf(w);
  sc_oper_kill(w);
}

TEST(user_oper_kill)
{
  itw_run_chunked(sc_oper_kill_conf);
}

/* Without config opers and without operator accounts (no portal or store
 * here), OPER is 491; an operator account's path is in e2e.irc.oper_account. */
static void
sc_oper_no_opers(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_feed(w, 0, "OPER root s3cret\r\nKILL alice :x\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 491 alice :No O-lines for your host\n"
             ":irc.test 481 alice :Permission Denied- You're not an IRC "
             "operator");
}

TEST(user_oper_without_opers)
{
  itw_run_chunked(sc_oper_no_opers);
}

/* An oper's CHGHOST: members with the chghost cap see the new host as
 * CHGHOST from the old mask; the others see nothing, but WHO shows it. */
static void
sc_chghost(itw_t *w)
{
  oper_conf(w);
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 1, "CAP REQ chghost\r\nJOIN #r\r\n");
  itw_feed(w, 2, "JOIN #r\r\n");
  itw_feed(w, 0, "CHGHOST carol vhost.example\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 481 alice :Permission Denied- You're not an IRC "
             "operator");
  itw_feed(w, 0,
           "OPER root s3cret\r\nCHGHOST carol :bad host\r\n"
           "CHGHOST nobody x\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 381 alice :You are now an IRC operator\n"
             ":alice MODE alice :+o\n"
             ":irc.test FAIL CHGHOST INVALID_HOST bad host :Invalid host\n"
             ":irc.test 401 alice nobody :No such nick/channel");
  itw_take(w, 1);
  itw_take(w, 2);
  itw_feed(w, 0, "CHGHOST carol vhost.example\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test NOTICE alice :carol now shows the host vhost.example");
  ITW_EXPECT(w, 1, ":carol!~u2@127.0.0.1 CHGHOST ~u2 vhost.example");
  ITW_EXPECT(w, 2, "");
  itw_feed(w, 1, "PRIVMSG #r :hi\r\n");
  itw_feed(w, 2, "PRIVMSG #r :hello\r\n");
  ITW_EXPECT(w, 1, ":carol!~u2@vhost.example PRIVMSG #r :hello");
}

TEST(user_chghost)
{
  itw_run_chunked(sc_chghost);
}

/* WALLOPS: an oper's text to users with +w, and back to the sender. */
static void
sc_wallops(itw_t *w)
{
  oper_conf(w);
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_feed(w, 1, "MODE bob +w\r\nMODE bob\r\n");
  ITW_EXPECT(w, 1,
             ":bob MODE bob :+w\n"
             ":irc.test 221 bob +w");
  itw_feed(w, 0, "WALLOPS :hi\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 481 alice :Permission Denied- You're not an IRC "
             "operator");
  itw_feed(w, 0, "OPER root s3cret\r\n");
  itw_take(w, 0);
  itw_feed(w, 0, "WALLOPS :server restart at noon\r\n");
  ITW_EXPECT(w, 0, ":alice!~u0@127.0.0.1 WALLOPS :server restart at noon");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 WALLOPS :server restart at noon");
  ITW_EXPECT(w, 2, "");
}

TEST(user_wallops)
{
  itw_run_chunked(sc_wallops);
}

static void
sc_info(itw_t *w)
{
  reed_conf_err_t err = {0};
  const reed_directive_t *d = reed_irc_module.directives;

  while (strcmp(d->key, "motd") != 0)
    d++;
  ASSERT_EQ(d->set(&w->conf, "Welcome to reed.", d, &err), 0);
  ASSERT_EQ(d->set(&w->conf, "Be nice.", d, &err), 0);
  itw_register(w, 0, "alice");
  itw_feed(w, 0, "MOTD\r\nLUSERS\r\nTIME\r\nADMIN\r\nINFO\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 375 alice :- irc.test Message of the day - \n"
             ":irc.test 372 alice :- Welcome to reed.\n"
             ":irc.test 372 alice :- Be nice.\n"
             ":irc.test 376 alice :End of /MOTD command.\n"
             ":irc.test 251 alice :There are 1 users and 0 invisible on 1 "
             "servers\n"
             ":irc.test 252 alice 0 :IRC Operators online\n"
             ":irc.test 254 alice 0 :channels formed\n"
             ":irc.test 255 alice :I have 1 clients and 0 servers\n"
             ":irc.test 265 alice :Current local users: 1\n"
             ":irc.test 266 alice :Current global users: 1\n"
             ":irc.test 391 alice irc.test 1700000001 0 :Tuesday November 14 "
             "2023 -- 22:13:21 +00:00\n"
             ":irc.test 256 alice irc.test :Administrative info\n"
             ":irc.test 257 alice :reed\n"
             ":irc.test 258 alice :reed server\n"
             ":irc.test 259 alice :admin@irc.test\n"
             ":irc.test 371 alice :reed-0.1: IRC, XMPP and AMP clients in the "
             "same rooms\n"
             ":irc.test 374 alice :End of INFO list");
  itw_feed(w, 0, "VERSION\r\n");
  ASSERT(strstr(itw_take(w, 0), ":irc.test 351 alice reed-0.1 irc.test :reed "
                                "multi-protocol chat server\r\n:irc.test 005 "
                                "alice ACCOUNTEXTBAN=a AWAYLEN=390 ") != NULL);
  itw_feed(w, 0, "LINKS\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 364 alice irc.test irc.test :0 reed multi-protocol "
             "chat server\n"
             ":irc.test 365 alice * :End of /LINKS list");
}

static void
sc_help_list(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_feed(w, 0, "HELP PRIVMSG\r\nHELPOP nosuch\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 704 alice PRIVMSG :** Help for PRIVMSG **\n"
             ":irc.test 705 alice PRIVMSG :Syntax and numerics: "
             "https://modern.ircdocs.horse/#PRIVMSG-message\n"
             ":irc.test 706 alice PRIVMSG :End of /HELP\n"
             ":irc.test 524 alice nosuch :No help available on this topic");
  itw_feed(w, 0, "HELP\r\n");
  ASSERT(strstr(itw_take(w, 0), " 705 alice * :ADMIN AUTHENTICATE AWAY ") !=
         NULL);
  /* LIST filters (ELIST=MNU) and NAMES with several channels. */
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "JOIN #one,#two,#three\r\n");
  itw_feed(w, 1, "JOIN #two\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "LIST >1\r\nLIST #t*\r\nLIST !#t*\r\nNAMES #one,#two\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 321 bob Channel :Users  Name\n"
             ":irc.test 322 bob #two 2 :\n"
             ":irc.test 323 bob :End of /LIST\n"
             ":irc.test 321 bob Channel :Users  Name\n"
             ":irc.test 322 bob #two 2 :\n"
             ":irc.test 322 bob #three 1 :\n"
             ":irc.test 323 bob :End of /LIST\n"
             ":irc.test 321 bob Channel :Users  Name\n"
             ":irc.test 322 bob #one 1 :\n"
             ":irc.test 323 bob :End of /LIST\n"
             ":irc.test 353 bob = #one :@alice\n"
             ":irc.test 353 bob = #two :@alice bob\n"
             ":irc.test 366 bob #one,#two :End of /NAMES list");
}

TEST(user_help_list_names)
{
  itw_run_chunked(sc_help_list);
}

/* ELIST C and T: minutes since a room was created or its topic set. */
static void
sc_list_ages(itw_t *w)
{
  static const char *const end = ":irc.test 323 bob :End of /LIST";
  char want[512];

  itw_register(w, 0, "bob");
  itw_feed(w, 0, "JOIN #old\r\nTOPIC #old :first\r\n");
  for (int i = 0; i < 3; i++) { /* a line a minute keeps pings away */
    fc_advance(&w->fc, 60000);
    itw_feed(w, 0, "PING :x\r\n");
  }
  itw_feed(w, 0, "JOIN #new\r\nTOPIC #new :second\r\nJOIN #bare\r\n");
  fc_advance(&w->fc, 60000);
  itw_take(w, 0);
  itw_feed(w, 0, "LIST C>2\r\nLIST C<2\r\nLIST T<2\r\nLIST C<0,T>0\r\n");
  snprintf(want, sizeof(want),
           ":irc.test 321 bob Channel :Users  Name\n"
           ":irc.test 322 bob #old 1 :first\n%s\n"
           ":irc.test 321 bob Channel :Users  Name\n"
           ":irc.test 322 bob #new 1 :second\n"
           ":irc.test 322 bob #bare 1 :\n%s\n"
           ":irc.test 321 bob Channel :Users  Name\n"
           ":irc.test 322 bob #new 1 :second\n%s\n"
           ":irc.test 321 bob Channel :Users  Name\n%s",
           end, end, end, end);
  ITW_EXPECT(w, 0, want);
}

TEST(user_list_ages)
{
  itw_run_chunked(sc_list_ages);
}

TEST(user_info_commands)
{
  itw_run_chunked(sc_info);
}
