/* PRIVMSG, NOTICE, TAGMSG and the IRCv3 tags on relayed lines; members from
 * other protocols, driven straight through the model. */
#include "irc_test.h"

#include <stdlib.h>
#include <string.h>

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
sc_privmsg(itw_t *w)
{
  two_in_room(w);
  itw_register(w, 2, "carol");
  itw_feed(w, 0, "PRIVMSG #room :hello all\r\nPRIVMSG bob :psst\r\n");
  ITW_EXPECT(w, 0, "");
  ITW_EXPECT(w, 1,
             ":alice!~u0@127.0.0.1 PRIVMSG #room :hello all\n"
             ":alice!~u0@127.0.0.1 PRIVMSG bob :psst");
  /* Several targets; errors for each bad one. */
  itw_feed(w, 0, "PRIVMSG bob,carol,ghost,#nope :x\r\n");
  ITW_EXPECT(w, 0,
             ":irc.test 401 alice ghost :No such nick/channel\n"
             ":irc.test 401 alice #nope :No such nick/channel");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 PRIVMSG bob :x");
  ITW_EXPECT(w, 2, ":alice!~u0@127.0.0.1 PRIVMSG carol :x");
  itw_feed(w, 0, "PRIVMSG a,b,c,d,e :x\r\nPRIVMSG bob\r\nPRIVMSG bob :\r\n");
  ASSERT(strstr(itw_take(w, 0),
                ":irc.test 407 alice e :Too many recipients\r\n") != NULL);
  /* +n (the default): outsiders cannot speak; NOTICE never answers. */
  itw_feed(w, 2,
           "PRIVMSG #room :hi\r\nNOTICE #room :hi\r\nNOTICE ghost :x\r\n");
  ITW_EXPECT(w, 2, ":irc.test 404 carol #room :Cannot send to channel (+n)");
  itw_feed(w, 1, "NOTICE #room :note\r\n");
  ITW_EXPECT(w, 0, ":bob!~u1@127.0.0.1 NOTICE #room :note");
  /* A message to oneself arrives once without echo-message. */
  itw_feed(w, 0, "PRIVMSG Alice :memo\r\n");
  ITW_EXPECT(w, 0, ":alice!~u0@127.0.0.1 PRIVMSG alice :memo");
}

TEST(msg_privmsg_notice)
{
  itw_run_chunked(sc_privmsg);
}

static void
sc_echo_and_tags(itw_t *w)
{
  two_in_room(w);
  itw_feed(w, 0, "CAP REQ :echo-message message-tags server-time\r\n");
  itw_take(w, 0);
  itw_feed(w, 0,
           "@+draft/reply=12;+typing=active;label=x PRIVMSG #room :hi\r\n");
  ITW_EXPECT(w, 0,
             "@time=2023-11-14T22:13:21.000Z;msgid=3;+draft/reply=12;"
             "+typing=active :alice!~u0@127.0.0.1 PRIVMSG #room :hi");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 PRIVMSG #room :hi");
  itw_feed(w, 1, "CAP REQ :message-tags\r\n");
  itw_take(w, 1);
  itw_feed(w, 0, "@+react=\\s:) TAGMSG #room\r\nTAGMSG #room\r\n");
  ITW_EXPECT(w, 0,
             "@time=2023-11-14T22:13:21.000Z;msgid=t18bcfe56be8-1-"
             "fb60d7bf9a98ae1f;+react=\\s:) :alice!~u0@127.0.0.1 TAGMSG #room");
  /* The TAGMSG's derived msgid is the same for every recipient. */
  ITW_EXPECT(w, 1,
             "@msgid=t18bcfe56be8-1-fb60d7bf9a98ae1f;+react=\\s:) "
             ":alice!~u0@127.0.0.1 TAGMSG #room");
  /* ACTION becomes the model's action kind and comes back as CTCP. */
  itw_feed(w, 1, "PRIVMSG #room :\001ACTION waves\001\r\n");
  ITW_EXPECT(w, 0,
             "@time=2023-11-14T22:13:21.000Z;msgid=4 :bob!~u1@127.0.0.1 "
             "PRIVMSG #room :\001ACTION waves\001");
}

TEST(msg_echo_and_tags)
{
  itw_run_chunked(sc_echo_and_tags);
}

static void
sc_away(itw_t *w)
{
  two_in_room(w);
  itw_feed(w, 1, "CAP REQ away-notify\r\n");
  itw_take(w, 1);
  itw_feed(w, 0, "AWAY :gone fishing\r\n");
  ITW_EXPECT(w, 0, ":irc.test 306 alice :You have been marked as being away");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 AWAY :gone fishing");
  itw_feed(w, 1, "PRIVMSG alice :there?\r\n");
  ITW_EXPECT(w, 1, ":irc.test 301 bob alice :gone fishing");
  itw_feed(w, 0, "AWAY\r\n");
  ITW_EXPECT(w, 0,
             ":bob!~u1@127.0.0.1 PRIVMSG alice :there?\n"
             ":irc.test 305 alice :You are no longer marked as being away");
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 AWAY");
}

TEST(msg_away)
{
  itw_run_chunked(sc_away);
}

/* ---- Members from other protocols ----------------------------------------
 */

typedef struct {
  reed_session_t *s;
  int events;
} other_t;

static void
other_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  REED_UNUSED(s);
  REED_UNUSED(ev);
  ((other_t *)ud)->events++;
}

static const reed_session_listener_t other_listener = {
    .on_event = other_event,
};

static void
other_new(itw_t *w, other_t *o, const char *origin, const char *nick,
          const char *account)
{
  reed_session_info_t info = {
      .origin = origin,
      .user = "phone",
      .host = strcmp(origin, "xmpp") == 0 ? "xmpp.localhost" : NULL,
      .ip = "127.0.0.2",
      .realname = "Someone",
      .listener = &other_listener,
      .ud = o,
  };

  ASSERT_EQ(reed_session_new(w->model, &info, &o->s), 0);
  if (account != NULL) {
    ASSERT_EQ(reed_model_account_add(w->model, account), 0);
    ASSERT_EQ(reed_session_login(o->s, account), 0);
  }
  ASSERT_EQ(reed_session_set_nick(o->s, nick), 0);
}

static void
sc_cross_protocol(itw_t *w)
{
  other_t x = {0}, a = {0};
  static const char multi[] = "line one\r\nline two\n\nQUIT :no";

  itw_register(w, 0, "alice");
  itw_feed(w, 0, "JOIN #room\r\n");
  itw_take(w, 0);
  other_new(w, &x, "xmpp", "xena", "xena");
  other_new(w, &a, "amp", "ampy", NULL);
  ASSERT_EQ(reed_room_join(x.s, "room", NULL), 0);
  ASSERT_EQ(reed_room_join(a.s, "room", NULL), 0);
  ITW_EXPECT(w, 0,
             ":xena!xena@xmpp.localhost JOIN #room\n"
             ":ampy!ampy@unknown JOIN #room");
  /* CR/LF from another protocol never starts an IRC line of its own. */
  ASSERT_EQ(reed_room_say(x.s, "room", REED_MSG_NORMAL, multi,
                          sizeof(multi) - 1, NULL, NULL),
            0);
  ITW_EXPECT(w, 0,
             ":xena!xena@xmpp.localhost PRIVMSG #room :line one\n"
             ":xena!xena@xmpp.localhost PRIVMSG #room :line two\n"
             ":xena!xena@xmpp.localhost PRIVMSG #room :QUIT :no");
  itw_feed(w, 0, "PRIVMSG xena :hi from irc\r\nNAMES #room\r\n");
  ASSERT_EQ(x.events, 4); /* alice's JOIN is before; ampy, 3 own, 1 tell */
  ITW_EXPECT(w, 0,
             ":irc.test 353 alice = #room :@alice xena ampy\n"
             ":irc.test 366 alice #room :End of /NAMES list");
  reed_session_quit(x.s, "gone");
  reed_session_quit(a.s, NULL);
  ITW_EXPECT(w, 0,
             ":xena!xena@xmpp.localhost QUIT :gone\n"
             ":ampy!ampy@unknown QUIT :");
}

TEST(msg_cross_protocol)
{
  itw_run_chunked(sc_cross_protocol);
}

/* ---- Replies and reactions through the model's neutral fields -------- */

typedef struct {
  reed_session_t *s;
  char log[512];
} neutral_t;

static void
neutral_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  neutral_t *o = ud;
  size_t n = strlen(o->log);

  REED_UNUSED(s);
  if (ev->kind == REED_EV_MESSAGE || ev->kind == REED_EV_TAGMSG)
    snprintf(o->log + n, sizeof(o->log) - n, "reply=%llu react=%s tags=%s\n",
             (unsigned long long)ev->u.msg.reply_to,
             ev->u.msg.reaction ? ev->u.msg.reaction : "-",
             ev->u.msg.irc_client_tags ? ev->u.msg.irc_client_tags : "-");
}

static const reed_session_listener_t neutral_listener = {
    .on_event = neutral_event,
};

static const char *
neutral_take(neutral_t *o)
{
  static char out[512];

  memcpy(out, o->log, sizeof(out));
  o->log[0] = '\0';
  return out;
}

/* Asserts that client i got a line ending in `tail` (a TAGMSG's derived
 * msgid differs per scenario, so only the rest is compared). */
static void
expect_tail(itw_t *w, int i, const char *head, const char *tail)
{
  const char *got = itw_take(w, i);

  ASSERT(strncmp(got, head, strlen(head)) == 0);
  ASSERT(strstr(got, tail) != NULL);
}

/* +draft/reply naming a model id and +draft/react on TAGMSG become the
 * neutral reply_to and reaction (what an XMPP or AMP session sees), and
 * come back as the same tags for IRC; anything else stays IRC's own. */
static void
sc_reply_react(itw_t *w)
{
  neutral_t x = {0};
  reed_session_info_t info = {.origin = "xmpp",
                              .user = "phone",
                              .host = "xmpp.localhost",
                              .listener = &neutral_listener,
                              .ud = &x};
  reed_msg_extra_t re = {.reply_to = 5};
  reed_msg_extra_t like = {.reply_to = 5, .reaction = "\xf0\x9f\x91\x8d"};

  two_in_room(w);
  ASSERT_EQ(reed_session_new(w->model, &info, &x.s), 0);
  ASSERT_EQ(reed_session_set_nick(x.s, "xena"), 0);
  ASSERT_EQ(reed_room_join(x.s, "room", NULL), 0);
  itw_feed(w, 0, "CAP REQ :message-tags\r\n");
  itw_feed(w, 1, "CAP REQ :message-tags batch\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 0, "@+draft/reply=3;+typing=active PRIVMSG #room :yes\r\n");
  ITW_EXPECT(w, 1,
             "@msgid=4;+draft/reply=3;+typing=active :alice!~u0@127.0.0.1 "
             "PRIVMSG #room :yes");
  itw_feed(w, 0, "@+draft/react=\\:);+draft/reply=5 TAGMSG #room\r\n");
  expect_tail(w, 1, "@msgid=t",
              ";+draft/reply=5;+draft/react=\\:) :alice!~u0@127.0.0.1 "
              "TAGMSG #room\r\n");
  /* Not a model id; a reaction outside TAGMSG; a reaction without a
   * reply: IRC tags, relayed as they came. */
  itw_feed(w, 0,
           "@+draft/reply=abc PRIVMSG #room :x\r\n"
           "@+draft/react=y;+draft/reply=3 PRIVMSG #room :z\r\n"
           "@+draft/react=y TAGMSG #room\r\n");
  ASSERT_STR_EQ(neutral_take(&x), "reply=3 react=- tags=+typing=active\n"
                                  "reply=5 react=;) tags=-\n"
                                  "reply=0 react=- tags=+draft/reply=abc\n"
                                  "reply=3 react=- tags=+draft/react=y\n"
                                  "reply=0 react=- tags=+draft/react=y\n");
  itw_take(w, 1);
  /* From XMPP's side: the neutral fields as IRC tags. */
  ASSERT_EQ(reed_room_say(x.s, "room", 0, "ok", 2, &re, NULL), 0);
  ASSERT_EQ(reed_tagmsg(x.s, "room", true, &like), 0);
  ITW_EXPECT(w, 0,
             "@msgid=7;+draft/reply=5 :xena!xena@xmpp.localhost PRIVMSG "
             "#room :ok\n"
             "@msgid=t18bcfe56ddc-3-7b313b779a691dd2;+draft/reply=5;"
             "+draft/react=\xf0\x9f\x91\x8d :xena!xena@xmpp.localhost "
             "TAGMSG #room");
  expect_tail(w, 1, "@msgid=7;+draft/reply=5 :xena!", "PRIVMSG #room :ok\r\n");
  /* History keeps the reply with its message. */
  itw_feed(w, 1, "CHATHISTORY LATEST #room * 1\r\n");
  expect_tail(w, 1, ":irc.test BATCH +",
              "@batch=b1;msgid=7;+draft/reply=5 :xena!xena@xmpp.localhost "
              "PRIVMSG #room :ok\r\n");
  reed_session_quit(x.s, NULL);
  itw_take(w, 0);
  itw_take(w, 1);
}

TEST(msg_reply_react)
{
  itw_run_chunked(sc_reply_react);
}

/* The client-tag split, table-driven: what becomes neutral and what stays
 * IRC's own. */
TEST(msg_ctags_table)
{
  static const struct {
    const char *line;
    bool tagmsg;
    const char *irc;
    uint64_t reply;
    const char *react; /* "-a": a withdrawn, the neutral unreact */
  } cases[] = {
      {"@+draft/reply=12 X", false, "", 12, ""},
      {"@label=l;+t=1;+draft/reply=7 X", false, "+t=1", 7, ""},
      {"@+draft/reply=012 X", false, "+draft/reply=012", 0, ""},
      {"@+draft/reply=-1 X", false, "+draft/reply=-1", 0, ""},
      {"@+draft/reply=1x X", false, "+draft/reply=1x", 0, ""},
      {"@+draft/reply X", false, "+draft/reply", 0, ""},
      {"@+draft/reply=18446744073709551615 X", false, "", UINT64_MAX, ""},
      {"@+draft/reply=18446744073709551616 X", false,
       "+draft/reply=18446744073709551616", 0, ""},
      {"@+draft/react=a;+draft/reply=1 X", true, "", 1, "a"},
      {"@+draft/react=a;+draft/reply=1 X", false, "+draft/react=a", 1, ""},
      {"@+draft/react=a X", true, "+draft/react=a", 0, ""},
      {"@+draft/react=\\:);+draft/reply=2 X", true, "", 2, ";)"},
      {"@+draft/react=a\\sb;+draft/reply=2 X", true, "+draft/react=a\\sb", 2,
       ""},
      {"@+draft/react;+draft/reply=2 X", true, "+draft/react", 2, ""},
      {"@+draft/react="
       "12345678901234567890123456789012345678901234567890123456789012345;"
       "+draft/reply=2 X",
       true,
       "+draft/react="
       "12345678901234567890123456789012345678901234567890123456789012345",
       2, ""},
      /* A withdrawal: the neutral unreact (TAGMSG only, as a reaction). */
      {"@+draft/unreact=a;+draft/reply=3 X", true, "", 3, "-a"},
      {"@+draft/unreact=a;+draft/reply=3 X", false, "+draft/unreact=a", 3, ""},
      {"@+draft/unreact=a X", true, "+draft/unreact=a", 0, ""},
  };
  reed_irc_core_t *c = calloc(1, sizeof(*c));
  reed_irc_msg_t m;
  reed_irc_ctags_t t;

  ASSERT(c != NULL);
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    ASSERT_EQ(reed_irc_line_parse(cases[i].line, strlen(cases[i].line), &m), 0);
    c->caps = IRC_CAP_MESSAGE_TAGS;
    reed__irc_ctags_parse(c, &m, cases[i].tagmsg, &t);
    ASSERT_STR_EQ(t.irc, cases[i].irc);
    ASSERT_EQ(t.reply_to, cases[i].reply);
    ASSERT_EQ(t.unreact, cases[i].react[0] == '-');
    ASSERT_STR_EQ(t.react, cases[i].react + (cases[i].react[0] == '-'));
    /* Without message-tags a client has no client tags at all. */
    c->caps = 0;
    reed__irc_ctags_parse(c, &m, cases[i].tagmsg, &t);
    ASSERT_STR_EQ(t.irc, "");
    ASSERT_EQ(t.reply_to, 0);
  }
  free(c);
}

static void
sc_long_text(itw_t *w)
{
  other_t x = {0};
  char text[1200];
  const char *out, *p;
  size_t total = 0, lines = 0;

  itw_register(w, 0, "alice");
  itw_feed(w, 0, "JOIN #room\r\n");
  itw_take(w, 0);
  other_new(w, &x, "xmpp", "xena", NULL);
  ASSERT_EQ(reed_room_join(x.s, "room", NULL), 0);
  itw_take(w, 0);
  /* 1100 bytes of two-byte characters: split on character boundaries,
   * every line within 512 bytes, nothing lost. */
  for (size_t i = 0; i < 1100; i += 2)
    memcpy(text + i, "\xc3\xa9", 2);
  ASSERT_EQ(reed_room_say(x.s, "room", REED_MSG_NORMAL, text, 1100, NULL, NULL),
            0);
  out = itw_take(w, 0);
  for (p = out; *p != '\0'; lines++) {
    const char *eol = strstr(p, "\r\n"), *colon;
    ASSERT(eol != NULL);
    ASSERT((size_t)(eol - p) + 2 <= 512);
    colon = strstr(p, " :");
    ASSERT(colon != NULL && colon < eol);
    ASSERT(
        reed_utf8_valid((const uint8_t *)colon + 2, (size_t)(eol - colon - 2)));
    total += (size_t)(eol - colon - 2);
    p = eol + 2;
  }
  ASSERT_EQ(lines, 3);
  ASSERT_EQ(total, 1100);
  reed_session_quit(x.s, "bye");
}

TEST(msg_long_text_split)
{
  itw_run_chunked(sc_long_text);
}

/* account-notify and extended-join: a member who identifies later (here
 * through NickServ) is announced with ACCOUNT; a join shows the account. */
static void
sc_account_notify(itw_t *w)
{
  itw_portal(w, 0);
  itw_register(w, 0, "carol");
  itw_register(w, 1, "alice");
  itw_feed(w, 0, "CAP REQ :account-notify extended-join\r\nJOIN #a\r\n");
  itw_feed(w, 1, "JOIN #a\r\n");
  itw_take(w, 0);
  itw_take(w, 1);
  itw_feed(w, 1,
           "PRIVMSG NickServ :IDENTIFY Alice pencil\r\nPART #a\r\n"
           "JOIN #a\r\n");
  ITW_EXPECT(w, 0,
             ":alice!~u1@127.0.0.1 ACCOUNT Alice\n"
             ":alice!~u1@127.0.0.1 PART #a\n"
             ":alice!~u1@127.0.0.1 JOIN #a Alice :Real alice");
}

TEST(msg_account_notify)
{
  itw_run_chunked(sc_account_notify);
}

/* Fan-out formats once per output form: recipients with the same caps get
 * the very same buffer; another form gets its own. */
static itw_t *rec_world;
static reed_buf_t *last_buf[ITW_CLIENTS];
static int (*ft_write_orig)(void *t, reed_buf_t *buf);

static int
recording_write(void *t, reed_buf_t *buf)
{
  for (int i = 0; i < ITW_CLIENTS; i++) {
    /* Held, so a freed buffer's address cannot come back for another. */
    if (t == &rec_world->ft[i] && last_buf[i] == NULL)
      last_buf[i] = reed_buf_ref(buf);
  }
  return ft_write_orig(t, buf);
}

static void
sc_format_cache(itw_t *w)
{
  itw_register(w, 0, "alice");
  itw_register(w, 1, "bob");
  itw_register(w, 2, "carol");
  itw_register(w, 3, "dave");
  itw_feed(w, 3, "CAP REQ server-time\r\n");
  for (int i = 0; i < ITW_CLIENTS; i++)
    itw_feed(w, i, "JOIN #fan\r\n");
  for (int i = 0; i < ITW_CLIENTS; i++) {
    itw_take(w, i);
    ft_write_orig = w->ft[i].transport.write;
    w->ft[i].transport.write = recording_write;
  }
  rec_world = w;
  itw_feed(w, 0, "PRIVMSG #fan :one format\r\n");
  ASSERT(last_buf[1] != NULL && last_buf[1] == last_buf[2]);
  ASSERT(last_buf[3] != NULL && last_buf[3] != last_buf[1]);
  ITW_EXPECT(w, 1, ":alice!~u0@127.0.0.1 PRIVMSG #fan :one format");
  ITW_EXPECT(w, 2, ":alice!~u0@127.0.0.1 PRIVMSG #fan :one format");
  ITW_EXPECT(w, 3,
             "@time=2023-11-14T22:13:21.000Z :alice!~u0@127.0.0.1 "
             "PRIVMSG #fan :one format");
  for (int i = 0; i < ITW_CLIENTS; i++) {
    w->ft[i].transport.write = ft_write_orig;
    if (last_buf[i] != NULL)
      reed_buf_unref(last_buf[i]);
    last_buf[i] = NULL;
  }
}

TEST(msg_format_cache_shared)
{
  itw_run_chunked(sc_format_cache);
}

/* The model's line count is an upper bound of what IRC shows: another
 * protocol's message at the bound, from the longest nick, user and host,
 * as an ACTION in the longest room, reaches an IRC client in no more
 * lines than reed_msg_lines counted, and whole. */
static void
sc_bound_shapes(itw_t *w)
{
  static char room[64], join[80], text[4097];
  static char user[33], host[64], nick[33];
  reed_session_info_t info = {
      .origin = "amp",
      .user = user,
      .host = host,
      .ip = "127.0.0.2",
      .realname = "r",
      .listener = &other_listener,
  };
  other_t o = {0};
  size_t len = 0, lines = 0;
  const char *p;

  memset(room, 'r', 63);
  memset(user, 'u', 32);
  memset(host, 'h', 63);
  memset(nick, 'n', 32);
  snprintf(join, sizeof(join), "JOIN #%s\r\n", room);
  itw_register(w, 0, "alice");
  itw_feed(w, 0, join);
  itw_take(w, 0);
  info.ud = &o;
  ASSERT_EQ(reed_session_new(w->model, &info, &o.s), 0);
  ASSERT_EQ(reed_session_set_nick(o.s, nick), 0);
  ASSERT_EQ(reed_room_join(o.s, room, NULL), 0);
  itw_take(w, 0);
  /* 86 one-letter lines, then 14 pieces of the full width: 100 lines. */
  for (int i = 0; i < 86; i++) {
    text[len++] = 'a';
    text[len++] = '\n';
  }
  for (int i = 0; i < 14; i++) {
    memset(text + len, 'b', REED_MSG_LINE_WIDTH);
    len += REED_MSG_LINE_WIDTH;
    text[len++] = '\n';
  }
  len--;
  ASSERT_EQ(reed_msg_lines(text, len), 100);
  ASSERT_EQ(reed_room_say(o.s, room, REED_MSG_ACTION, text, len, NULL, NULL),
            0);
  for (p = itw_take(w, 0); (p = strstr(p, "\r\n")) != NULL; p += 2)
    lines++;
  ASSERT_EQ(lines, 100);
  /* One piece of 4096 bytes counts 16 lines; IRC shows it in fewer. */
  memset(text, 'c', 4096);
  ASSERT_EQ(reed_room_say(o.s, room, REED_MSG_ACTION, text, 4096, NULL, NULL),
            0);
  lines = 0;
  for (p = itw_take(w, 0); (p = strstr(p, "\r\n")) != NULL; p += 2)
    lines++;
  ASSERT(lines <= reed_msg_lines(text, 4096));
  reed_session_quit(o.s, NULL);
}

TEST(msg_bound_shapes_fit_the_count)
{
  itw_run_chunked(sc_bound_shapes);
}
