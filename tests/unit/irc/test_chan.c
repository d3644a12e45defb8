/* Channel commands through the real model: JOIN, PART, NAMES, TOPIC, LIST,
 * MODE, KICK, INVITE. */
#include "irc_test.h"

#include <string.h>

/* alice (0) and bob (1) registered, alice made #room first (so she is its
 * operator), bob joined; outputs dropped. */
static void
two_in_room(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "JOIN #room\r\n");
  itw_feed(w, 1, "JOIN #room\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
}

static void
sc_join_part(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_feed(w, 0, "JOIN #room\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 JOIN #room\n"
             ":irc.test 353 alice = #room :@alice\n"
             ":irc.test 366 alice #room :End of /NAMES list");
  itw_feed(w, 1, "JOIN #Room,#other\r\n");
  ITW_EXPECT(w, 0, ":bob!~u1@127.0.0.1 JOIN #room");
  ITW_EXPECT(w, 1,
             ":bob!~u1@127.0.0.1 JOIN #room\n"
             ":irc.test 353 bob = #room :@alice bob\n"
             ":irc.test 366 bob #room :End of /NAMES list\n"
             ":bob!~u1@127.0.0.1 JOIN #other\n"
             ":irc.test 353 bob = #other :@bob\n"
             ":irc.test 366 bob #other :End of /NAMES list");
  /* Joining again is silent; bad names get 403. */
  itw_feed(w, 1, "JOIN #room\r\nJOIN nohash,#bad:name\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 403 bob nohash :No such channel\n"
             ":irc.test 403 bob #bad:name :No such channel");
  itw_feed(w, 1, "PART #room :see you\r\nPART #room\r\nPART #nope\r\n");
  ITW_EXPECT(w, 0, ":bob!~u1@127.0.0.1 PART #room :see you");
  ITW_EXPECT(w, 1,
             ":bob!~u1@127.0.0.1 PART #room :see you\n"
             ":irc.test 442 bob #room :You're not on that channel\n"
             ":irc.test 403 bob #nope :No such channel");
  itw_feed(w, 1, "JOIN 0\r\n");
  ITW_EXPECT(w, 1, ":bob!~u1@127.0.0.1 PART #other");
  ITW_EXPECT(w, 0, "");
}

TEST(chan_join_part)
{
  itw_run_chunked(sc_join_part);
}

static void
sc_names(itw_t *w)
{
  two_in_room(w);
  itw_feed(w, 0, "MODE #room +v bob\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "NAMES #room\r\nNAMES\r\nNAMES #nope\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 353 bob = #room :@alice +bob\n"
             ":irc.test 366 bob #room :End of /NAMES list\n"
             ":irc.test 366 bob * :End of /NAMES list\n"
             ":irc.test 366 bob #nope :End of /NAMES list");
  itw_feed(w, 0, "MODE #room +o bob\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "CAP REQ :multi-prefix userhost-in-names\r\nNAMES #room\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test CAP bob ACK :multi-prefix userhost-in-names\n"
             ":irc.test 353 bob = #room :@alice!~u0@127.0.0.1 "
             "@+bob!~u1@127.0.0.1\n"
             ":irc.test 366 bob #room :End of /NAMES list");
  /* draft/no-implicit-names: a JOIN without its NAMES; NAMES still works. */
  itw_feed(w, 1,
           "CAP REQ draft/no-implicit-names\r\nJOIN #other\r\n"
           "NAMES #other\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test CAP bob ACK :draft/no-implicit-names\n"
             ":bob!~u1@127.0.0.1 JOIN #other\n"
             ":irc.test 353 bob = #other :@bob!~u1@127.0.0.1\n"
             ":irc.test 366 bob #other :End of /NAMES list");
}

TEST(chan_names)
{
  itw_run_chunked(sc_names);
}

static void
sc_topic(itw_t *w)
{
  two_in_room(w);
  itw_feed(w, 1, "TOPIC #room\r\n");
  ITW_EXPECT(w, 1, ":irc.test 331 bob #room :No topic is set");
  itw_feed(w, 0, "TOPIC #room :hello world\r\n");
  ITW_EXPECT(w, 0, ":alice!~u0@127.0.0.1 TOPIC #room :hello world");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 TOPIC #room :hello world");
  itw_feed(w, 1, "TOPIC #room\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 332 bob #room :hello world\n"
             ":irc.test 333 bob #room alice 1700000001");
  /* +t: only operators set the topic. */
  itw_feed(w, 0, "MODE #room +t\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "TOPIC #room :mine\r\nTOPIC #nope :x\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 482 bob #room :You're not channel operator\n"
             ":irc.test 403 bob #nope :No such channel");
  /* A new joiner gets the topic before the names. */
  itw_register(w, 2, "carol");
  itw_feed(w, 2, "JOIN #room\r\n");
  ITW_EXPECT(w, 2,
             ":carol!~u2@127.0.0.1 JOIN #room\n"
             ":irc.test 332 carol #room :hello world\n"
             ":irc.test 333 carol #room alice 1700000001\n"
             ":irc.test 353 carol = #room :@alice bob carol\n"
             ":irc.test 366 carol #room :End of /NAMES list");
}

TEST(chan_topic)
{
  itw_run_chunked(sc_topic);
}

static void
sc_modes(itw_t *w)
{
  two_in_room(w);
  itw_feed(w, 1, "MODE #room\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 324 bob #room +n\n"
             ":irc.test 329 bob #room 1700000001");
  itw_feed(w, 0, "MODE #room +kl-n secret 10\r\n");
  ITW_EXPECT(w, 0, ":alice!~u0@127.0.0.1 MODE #room +kl-n secret 10");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 MODE #room +kl-n secret 10");
  itw_feed(w, 1, "MODE #room\r\nMODE #room +m\r\nMODE #room +X\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 324 bob #room +kl secret 10\n"
             ":irc.test 329 bob #room 1700000001\n"
             ":irc.test 482 bob #room :You're not channel operator\n"
             ":irc.test 472 bob X :is unknown mode char to me");
  itw_feed(w, 0, "MODE #room +b bad!*@*\r\nMODE #room b\r\nMODE #room +e\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 MODE #room +b bad!*@*\n"
             ":irc.test 367 alice #room bad!*@* alice 1700000001\n"
             ":irc.test 368 alice #room :End of channel ban list\n"
             ":irc.test 349 alice #room :End of channel exception list");
  itw_take(w, 1);
  itw_feed(w, 0, "MODE #room +o nobody\r\nMODE #nope +o x\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 401 alice nobody :No such nick/channel\n"
             ":irc.test 403 alice #nope :No such channel");
}

TEST(chan_modes)
{
  itw_run_chunked(sc_modes);
}

/* An account ban ($a:NAME, EXTBAN=$,a) keeps every session of the account
 * out whatever its nick; other `$` forms are refused, not taken as masks. */
static void
sc_account_ban(itw_t *w)
{
  itw_portal(w, 0);
  itw_register(w, 0, "opper");
  itw_feed(w, 0, "JOIN #room\r\n");
  itw_take(w, 0);
  itw_feed(w, 0, "MODE #room +b $a:ALICE\r\nMODE #room +b\r\n");
  ITW_EXPECT(w, 0,
             ":opper!~u0@127.0.0.1 MODE #room +b $a:ALICE\n"
             ":irc.test 367 opper #room $a:ALICE opper 1700000001\n"
             ":irc.test 368 opper #room :End of channel ban list");
  itw_feed(w, 0,
           "MODE #room +b $x:foo\r\nMODE #room +e $a:\r\n"
           "MODE #room +b $a:no!pe\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 696 opper #room :Invalid mode parameter\n"
             ":irc.test 696 opper #room :Invalid mode parameter\n"
             ":irc.test 696 opper #room :Invalid mode parameter");
  itw_connect(w, 1);
  itw_feed(w, 1,
           "CAP REQ :sasl\r\nNICK someone\r\nUSER a 0 * :A\r\n"
           "AUTHENTICATE PLAIN\r\nAUTHENTICATE AEFsaWNlAHBlbmNpbA==\r\n"
           "CAP END\r\n");
  itw_take(w, 1);
  itw_feed(w, 1, "JOIN #room\r\n");
  ITW_EXPECT(w, 1, ":irc.test 474 someone #room :Cannot join channel (+b)");
  /* A guest is not the account; lifting the ban lets the account in. */
  itw_register(w, 2, "ally");
  itw_feed(w, 2, "JOIN #room\r\n");
  ASSERT(strstr(itw_take(w, 2), "JOIN #room") != NULL);
  itw_take(w, 0);
  itw_feed(w, 0, "MODE #room -b $a:alice\r\n");
  ITW_EXPECT(w, 0, ":opper!~u0@127.0.0.1 MODE #room -b $a:alice");
  itw_feed(w, 1, "JOIN #room\r\n");
  ASSERT(strstr(itw_take(w, 1), ":someone!~a@127.0.0.1 JOIN #room") != NULL);
}

TEST(chan_account_ban)
{
  itw_run_chunked(sc_account_ban);
}

static void
sc_join_limits(itw_t *w)
{
  two_in_room(w);
  itw_register(w, 2, "carol");
  itw_feed(w, 0, "MODE #room +k key\r\n");
  itw_feed(w, 2, "JOIN #room\r\nJOIN #room wrong\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test 475 carol #room :Cannot join channel (+k)\n"
             ":irc.test 475 carol #room :Cannot join channel (+k)");
  itw_feed(w, 0, "MODE #room -k key\r\nMODE #room +i\r\n");
  itw_feed(w, 2, "JOIN #room\r\n");
  ITW_EXPECT(w, 2, ":irc.test 473 carol #room :Cannot join channel (+i)");
  itw_feed(w, 0, "MODE #room -i\r\nMODE #room +b carol!*@*\r\n");
  itw_feed(w, 2, "JOIN #room\r\n");
  ITW_EXPECT(w, 2, ":irc.test 474 carol #room :Cannot join channel (+b)");
  itw_feed(w, 0, "MODE #room -b carol!*@*\r\nMODE #room +l 2\r\n");
  itw_feed(w, 2, "JOIN #room\r\n");
  ITW_EXPECT(w, 2, ":irc.test 471 carol #room :Cannot join channel (+l)");
}

TEST(chan_join_refused)
{
  itw_run_chunked(sc_join_limits);
}

static void
sc_kick_invite(itw_t *w)
{
  two_in_room(w);
  itw_register(w, 2, "carol");
  itw_feed(w, 1, "KICK #room alice\r\n");
  ITW_EXPECT(w, 1, ":irc.test 482 bob #room :You're not channel operator");
  itw_feed(w, 0, "KICK #room bob :behave\r\nKICK #room carol\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 KICK #room bob :behave\n"
             ":irc.test 441 alice carol #room :They aren't on that channel");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 KICK #room bob :behave");
  /* Pairs of channels and nicks; unequal lists are refused. */
  itw_feed(w, 0, "KICK #room,#room carol\r\n");
  ITW_EXPECT(w, 0, ":irc.test 461 alice KICK :Not enough parameters");
  itw_feed(w, 0, "MODE #room +i\r\nINVITE carol #room\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 MODE #room +i\n"
             ":irc.test 341 alice carol #room");
  ITW_EXPECT(w, 2, ":alice!~u0@127.0.0.1 INVITE carol #room");
  itw_feed(w, 2, "JOIN #room\r\n");
  ASSERT(strstr(itw_take(w, 2), ":carol!~u2@127.0.0.1 JOIN #room") != NULL);
  itw_feed(w, 0, "INVITE carol #room\r\nINVITE ghost #room\r\n");
  ITW_EXPECT(w, 0,
             ":carol!~u2@127.0.0.1 JOIN #room\n"
             ":irc.test 443 alice carol #room :is already on channel\n"
             ":irc.test 401 alice ghost :No such nick/channel");
}

TEST(chan_kick_invite)
{
  itw_run_chunked(sc_kick_invite);
}

/* NAMES of a big room: many 353 lines, each within 512 bytes, every
 * member listed once. Members come straight through the model. */
static const reed_session_listener_t quiet = {0};

static void
sc_names_big(itw_t *w)
{
  reed_session_t *s[60];
  const char *out, *p;
  size_t names = 0, lines = 0;

  itw_register(w, 0, "alice");
  itw_feed(w, 0, "JOIN #big\r\n");
  itw_take(w, 0);
  for (int i = 0; i < 60; i++) {
    char nick[40];
    reed_session_info_t info = {.origin = "amp", .listener = &quiet};
    snprintf(nick, sizeof(nick), "member%02d_with_a_long_nick_xx", i);
    ASSERT_EQ(reed_session_new(w->model, &info, &s[i]), 0);
    ASSERT_EQ(reed_session_set_nick(s[i], nick), 0);
    ASSERT_EQ(reed_room_join(s[i], "big", NULL), 0);
  }
  itw_take(w, 0);
  itw_feed(w, 0, "NAMES #big\r\n");
  out = itw_take(w, 0);
  for (p = out; *p != '\0'; lines++) {
    const char *eol = strstr(p, "\r\n");
    ASSERT(eol != NULL);
    ASSERT((size_t)(eol - p) + 2 <= 512);
    if (strncmp(p, ":irc.test 353 ", 14) == 0) {
      for (const char *q = strstr(p, " :") + 2; q < eol; q++)
        names += *q == ' ';
      names++;
    }
    p = eol + 2;
  }
  ASSERT(lines > 4);
  ASSERT_EQ(names, 61);
  ASSERT(strstr(out, " member59_with_a_long_nick_xx") != NULL);
  for (int i = 0; i < 60; i++)
    reed_session_quit(s[i], NULL);
}

TEST(chan_names_big_room)
{
  itw_run_chunked(sc_names_big);
}

static void
sc_list(itw_t *w)
{
  two_in_room(w);
  itw_feed(w, 0, "TOPIC #room :about\r\nJOIN #hidden\r\nMODE #hidden +s\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "LIST\r\nLIST #hidden,#room\r\n");
  ITW_EXPECT(w, 1,
             ":irc.test 321 bob Channel :Users  Name\n"
             ":irc.test 322 bob #room 2 :about\n"
             ":irc.test 323 bob :End of /LIST\n"
             ":irc.test 321 bob Channel :Users  Name\n"
             ":irc.test 322 bob #room 2 :about\n"
             ":irc.test 323 bob :End of /LIST");
  itw_feed(w, 0, "LIST\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 321 alice Channel :Users  Name\n"
             ":irc.test 322 alice #room 2 :about\n"
             ":irc.test 322 alice #hidden 1 :\n"
             ":irc.test 323 alice :End of /LIST");
}

TEST(chan_list)
{
  itw_run_chunked(sc_list);
}
