/* Room affiliations on IRC: PREFIX=(qaov)~&@+ in NAMES, WHO and WHOIS (with
 * and without multi-prefix), affiliation changes as MODE +q/+a (and +o),
 * outcasts as $a: bans, and ChanServ (PRIVMSG ChanServ and CS): a table of
 * commands and replies. */
#include "irc_test.h"

#include <string.h>

/* Logs client i's session in to `account` (made in the model if needed),
 * as a finished SASL exchange would. */
static void
login(itw_t *w, int i, const char *account)
{
  reed_irc_core_t *c = w->core[i];

  if (!reed_model_account_exists(w->model, account))
    ASSERT_EQ(reed_model_account_add(w->model, account), 0);
  ASSERT_EQ(reed_session_login(c->session, account), 0);
}

/* alice (0, account alice) made #room, so she owns it; bob (1, account
 * bob) and carol (2, a guest) joined it. */
static void
owned_room(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  login(w, 0, "alice");
  login(w, 1, "bob");
  itw_feed(w, 0, "JOIN #room\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 JOIN #room\n"
             ":irc.test 353 alice = #room :~alice\n"
             ":irc.test 366 alice #room :End of /NAMES list");
  itw_feed(w, 1, "JOIN #room\r\n");
  itw_feed(w, 2, "JOIN #room\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_take(w, 2);
}

static void
sc_prefixes(itw_t *w)
{
  owned_room(w);
  itw_feed(w, 0, "CS AMODE #room +a bob\r\n");
  ITW_EXPECT(w, 2,
             ":alice!~u0@127.0.0.1 MODE #room +a bob\n"
             ":alice!~u0@127.0.0.1 MODE #room +o bob");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 MODE #room +a bob\n"
             ":alice!~u0@127.0.0.1 MODE #room +o bob\n"
             ":ChanServ!ChanServ@services.irc.test NOTICE alice :bob is now "
             "admin on #room");
  itw_feed(w, 2, "NAMES #room\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test 353 carol = #room :~alice &bob carol\n"
             ":irc.test 366 carol #room :End of /NAMES list");
  itw_feed(w, 2,
           "CAP REQ :multi-prefix\r\nNAMES #room\r\nWHO #room\r\n"
           "WHOIS bob\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test CAP carol ACK :multi-prefix\n"
             ":irc.test 353 carol = #room :~@alice &@bob carol\n"
             ":irc.test 366 carol #room :End of /NAMES list\n"
             ":irc.test 352 carol #room ~u0 127.0.0.1 irc.test alice H~@ :0 "
             "Real alice\n"
             ":irc.test 352 carol #room ~u1 127.0.0.1 irc.test bob H&@ :0 "
             "Real bob\n"
             ":irc.test 352 carol #room ~u2 127.0.0.1 irc.test carol H :0 "
             "Real carol\n"
             ":irc.test 315 carol #room :End of WHO list\n"
             ":irc.test 311 carol bob ~u1 127.0.0.1 * :Real bob\n"
             ":irc.test 319 carol bob :&@#room\n"
             ":irc.test 312 carol bob irc.test :reed (irc)\n"
             ":irc.test 330 carol bob bob :is logged in as\n"
             ":irc.test 317 carol bob 0 1700000001 :seconds idle, signon time\n"
             ":irc.test 318 carol bob :End of /WHOIS list");
  /* Down to member: -a and the op the affiliation gave. */
  itw_feed(w, 0, "CS AMODE #room +v bob\r\n");
  ITW_EXPECT(w, 2,
             ":alice!~u0@127.0.0.1 MODE #room -a bob\n"
             ":alice!~u0@127.0.0.1 MODE #room -o bob");
  itw_take(w, 0);
  /* An outcast is an account ban and is kicked. */
  itw_feed(w, 0, "CS AMODE #room +b bob\r\n");
  ITW_EXPECT(w, 2,
             ":alice!~u0@127.0.0.1 MODE #room +b $a:bob\n"
             ":alice!~u0@127.0.0.1 KICK #room bob :");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "JOIN #room\r\n");
  ITW_EXPECT(w, 1, ":irc.test 474 bob #room :Cannot join channel (+b)");
  itw_feed(w, 0, "MODE #room -b $a:bob\r\n");
  ITW_EXPECT(w, 2, ":alice!~u0@127.0.0.1 MODE #room -b $a:bob");
  itw_take(w, 0);
  /* Banning the only owner's account would leave the room without one. */
  itw_feed(w, 0, "MODE #room +b $a:alice\r\n");
  ITW_EXPECT(w, 0, ":irc.test 482 alice #room :The channel must keep an owner");
}

TEST(chanserv_prefixes_and_amode)
{
  itw_run_chunked(sc_prefixes);
}

/* One ChanServ exchange: what client i sends, what it gets back. */
typedef struct {
  int client;
  const char *send;
  const char *expect;
} cs_row_t;

#define CS ":ChanServ!ChanServ@services.irc.test NOTICE "

static const cs_row_t cs_rows[] = {
    {2, "PRIVMSG ChanServ :REGISTER #room",
     CS "carol :You must be logged in to an account for REGISTER"},
    {1, "PRIVMSG ChanServ :REGISTER #room",
     CS "bob :#room is already "
        "registered"},
    {1, "CS FROB", CS "bob :Unknown command: FROB; try HELP"},
    {1, "CS REGISTER",
     CS "bob :Usage: REGISTER #channel: claim a channel "
        "you are op in"},
    {1, "CS INFO room", CS "bob :room is not a channel"},
    {1, "CS INFO #nowhere", CS "bob :#nowhere is not registered"},
    {2, "CS INFO #room",
     CS "carol :Channel #room, registered "
        "2023-11-14T22:13:21.000Z\n" CS "carol :Owners: alice\n" CS
        "carol :Admins: (none)\n" CS "carol :Members: 0, outcasts: 0"},
    {1, "CS AMODE #room +q bob", CS "bob :Insufficient privileges on #room"},
    {1, "CS AMODE #room +x bob",
     CS "bob :Usage: AMODE #channel [+|-q|a|o|v|b account]"},
    {0, "CS AMODE #room -a bob", CS "alice :bob is none on #room, not admin"},
    {0, "CS AMODE #room +v nobody", CS "alice :No such account: nobody"},
    {0, "CS AMODE #room -q alice",
     CS "alice :#room must keep an owner (TRANSFER it, or UNREGISTER it)"},
    {0, "CHANSERV AMODE #room",
     CS "alice :Account modes of #room:\n" CS "alice :alice: +q (owner)\n" CS
        "alice :End of the account modes of #room"},
    {2, "CS OP #room", CS "carol :Insufficient privileges on #room"},
    {1, "CS UNREGISTER #room", CS "bob :Insufficient privileges on #room"},
};

static void
sc_table(itw_t *w)
{
  char line[200];

  owned_room(w);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cs_rows); i++) {
    snprintf(line, sizeof(line), "%s\r\n", cs_rows[i].send);
    itw_feed(w, cs_rows[i].client, line);
    ITW_EXPECT(w, cs_rows[i].client, cs_rows[i].expect);
  }
}

TEST(chanserv_commands_table)
{
  itw_run_chunked(sc_table);
}

static void
sc_register_transfer(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  login(w, 0, "alice");
  login(w, 1, "bob");
  /* A guest's room: the first in is op, nobody owns it. */
  itw_feed(w, 2, "JOIN #g\r\n");
  ITW_EXPECT(w, 2,
             ":carol!~u2@127.0.0.1 JOIN #g\n"
             ":irc.test 353 carol = #g :@carol\n"
             ":irc.test 366 carol #g :End of /NAMES list");
  itw_feed(w, 0, "JOIN #g\r\nPRIVMSG ChanServ :REGISTER #g\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 JOIN #g\n"
             ":irc.test 353 alice = #g :@carol alice\n"
             ":irc.test 366 alice #g :End of /NAMES list\n" CS
             "alice :You must be a channel operator in #g to register it");
  itw_feed(w, 2, "MODE #g +o alice\r\n");
  itw_take(w, 0);
  itw_take(w, 2);
  itw_feed(w, 0, "CS REGISTER #g\r\n");
  ITW_EXPECT(w, 2, ":alice!~u0@127.0.0.1 MODE #g +q alice");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 MODE #g +q alice\n" CS
             "alice :Channel #g registered to alice");
  /* TRANSFER: bob (not in the room) owns it, alice steps down to admin. */
  itw_feed(w, 0, "CS TRANSFER #g bob\r\n");
  ITW_EXPECT(w, 2, ":alice!~u0@127.0.0.1 MODE #g -q+a alice alice");
  ITW_EXPECT(w, 0,
             ":alice!~u0@127.0.0.1 MODE #g -q+a alice alice\n" CS
             "alice :Channel #g now belongs to bob");
  itw_feed(w, 1, "JOIN #g\r\n");
  ITW_EXPECT(w, 1,
             ":bob!~u1@127.0.0.1 JOIN #g\n"
             ":irc.test 353 bob = #g :@carol &alice ~bob\n"
             ":irc.test 366 bob #g :End of /NAMES list");
  itw_take(w, 0);
  itw_take(w, 2);
  /* OP: an admin who lost op takes it back. */
  itw_feed(w, 0, "MODE #g -o alice\r\nCS OP #g\r\n");
  ITW_EXPECT(w, 2,
             ":alice!~u0@127.0.0.1 MODE #g -o alice\n"
             ":alice!~u0@127.0.0.1 MODE #g +o alice");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1, "CS UNREGISTER #g\r\n");
  ITW_EXPECT(w, 2,
             ":bob!~u1@127.0.0.1 MODE #g -a alice\n"
             ":bob!~u1@127.0.0.1 MODE #g -o alice\n"
             ":bob!~u1@127.0.0.1 MODE #g -q bob\n"
             ":bob!~u1@127.0.0.1 MODE #g -o bob");
  ITW_EXPECT(w, 1,
             ":bob!~u1@127.0.0.1 MODE #g -a alice\n"
             ":bob!~u1@127.0.0.1 MODE #g -o alice\n"
             ":bob!~u1@127.0.0.1 MODE #g -q bob\n"
             ":bob!~u1@127.0.0.1 MODE #g -o bob\n" CS
             "bob :Channel #g is no longer registered");
  /* The service's nick is nobody's. */
  itw_feed(w, 2, "NICK ChanServ\r\n");
  ITW_EXPECT(w, 2,
             ":irc.test 433 carol ChanServ :Nickname is reserved by a "
             "different account");
}

TEST(chanserv_register_transfer_unregister)
{
  itw_run_chunked(sc_register_transfer);
}
