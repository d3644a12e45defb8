/* The XMPP transport without sockets: its names (tables), and the client
 * fed stanzas built from strings, its output recorded through a fake io,
 * time from the fake clock. libstrophe only builds and prints stanzas
 * here; its connection is never used. */
#include "bot_xmpp_int.h"
#include "fake_clock.h"
#include "harness.h"

#include <stdio.h>

/* ---- Names -----------------------------------------------------------------
 */
TEST(xmpp_names_table)
{
  static const struct {
    const char *room, *jid;
    int rc;
  } rooms[] = {
      {"#e2e", "e2e@conference.localhost", 0},
      {"#caf\xc3\xa9", "caf\xc3\xa9@conference.localhost", 0},
      {"#a&b'c", "a\\26b\\27c@conference.localhost", 0},
      {"#x:y/z<>\"", "x\\3ay\\2fz\\3c\\3e\\22@conference.localhost", 0},
      {"#back\\5cslash", "back\\5c5cslash@conference.localhost", 0},
      {"#plain\\x", "plain\\x@conference.localhost", 0},
      {"#r@muc.example.org", "r@muc.example.org", 0},
      {"#", NULL, REED_EBADROOM},
      {"#@x", NULL, REED_EBADROOM},
      {"#a@", NULL, REED_EBADROOM},
      {"#a@b@c", NULL, REED_EBADROOM},
      {"#a@b/c", NULL, REED_EBADROOM},
      {"e2e", NULL, REED_EBADROOM},
  };
  static const struct {
    const char *xmpp, *api;
  } nicks[] = {
      {"alice", "alice"},
      {"Jos\xc3\xa9", "Jos\\c3\\a9"},
      {"two words", "two\\20words"},
      {"a@b,c!d", "a\\40b\\2cc\\21d"},
      {"#lead", "\\23lead"},
      {":lead", "\\3alead"},
      {"in#side", "in#side"},
      {"back\\slash", "back\\5cslash"},
      {"[]{}|^_`-", "[]{}|^_`-"},
  };
  char out[256];

  for (size_t i = 0; i < REED_ARRAY_SIZE(rooms); i++) {
    int rc = reed__bot_xmpp_room_jid("conference.localhost", rooms[i].room, out,
                                     sizeof(out));
    if (rc != rooms[i].rc)
      reed__test_fail(__FILE__, __LINE__, "room %zu \"%s\": rc %d", i,
                      rooms[i].room, rc);
    if (rc)
      continue;
    ASSERT_STR_EQ(out, rooms[i].jid);
    /* And back, but for the one unescaped '\': XEP-0106 leaves it. */
    ASSERT_EQ(reed__bot_xmpp_room_name("conference.localhost", rooms[i].jid,
                                       out, sizeof(out)),
              0);
    ASSERT_STR_EQ(out, rooms[i].room);
  }
  ASSERT_EQ(reed__bot_xmpp_room_name("conference.localhost", "nodomain", out,
                                     sizeof(out)),
            REED_EBADROOM);
  ASSERT_EQ(reed__bot_xmpp_room_name("conference.localhost", "a b@c", out,
                                     sizeof(out)),
            REED_EBADROOM);
  ASSERT_EQ(reed__bot_xmpp_room_name("conference.localhost", "a@b@c", out,
                                     sizeof(out)),
            REED_EBADROOM);
  ASSERT_EQ(
      reed__bot_xmpp_room_name("conference.localhost", "a@", out, sizeof(out)),
      REED_EBADROOM);
  ASSERT_EQ(reed__bot_xmpp_room_jid("m", "#abcdef", out, 6), REED_ETOOBIG);
  for (size_t i = 0; i < REED_ARRAY_SIZE(nicks); i++) {
    ASSERT_EQ(reed__bot_xmpp_nick_to_api(nicks[i].xmpp, out, sizeof(out)), 0);
    ASSERT_STR_EQ(out, nicks[i].api);
    ASSERT_EQ(reed__bot_xmpp_nick_from_api(nicks[i].api, out, sizeof(out)), 0);
    ASSERT_STR_EQ(out, nicks[i].xmpp);
  }
  ASSERT_EQ(reed__bot_xmpp_nick_to_api("", out, sizeof(out)), REED_EINVAL);
  ASSERT_EQ(reed__bot_xmpp_nick_to_api("\xc3\xa9\xc3\xa9", out, 7),
            REED_ETOOBIG);
}

/* ---- The client ------------------------------------------------------------
 */
typedef struct {
  fake_clock_t fc;
  xmpp_ctx_t *ctx;
  reed__bot_xmpp_t x;
  char out[65536];
  size_t out_len, taken;
  int connects, closes, sent;
  char events[8192];
} fx_t;

static void
io_send(void *io, xmpp_stanza_t *st)
{
  fx_t *f = io;
  char *text;
  size_t len;

  ASSERT_EQ(xmpp_stanza_to_text(st, &text, &len), XMPP_EOK);
  ASSERT(f->out_len + len + 1 < sizeof(f->out));
  memcpy(f->out + f->out_len, text, len);
  f->out_len += len;
  f->out[f->out_len++] = '\n';
  f->out[f->out_len] = '\0';
  f->sent++;
  xmpp_free(f->ctx, text);
}

static int
io_connect(void *io)
{
  ((fx_t *)io)->connects++;
  return 0;
}

static void
io_close(void *io)
{
  ((fx_t *)io)->closes++;
}

/* Output since the last call. */
static const char *
take(fx_t *f)
{
  const char *s = f->out + f->taken;

  f->taken = f->out_len;
  return s;
}

static int
record(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  fx_t *f = ud;
  size_t n = strlen(f->events);

  (void)bot;
  snprintf(f->events + n, sizeof(f->events) - n,
           "%d nick=%s acct=%s room=%s target=%s text=%s self=%d%s%s\n",
           (int)ev->kind, ev->nick ? ev->nick : "-",
           ev->account ? ev->account : "-", ev->room ? ev->room : "-",
           ev->target ? ev->target : "-", ev->text ? ev->text : "-", ev->self,
           ev->retry_ms ? " retry" : "", ev->command ? " cmd" : "");
  return REED_BOT_KEEP;
}

static const reed_bot_xmpp_opts_t plain_opts = {
    .jid = "bot@localhost", .password = "pw", .no_jitter = 1};

static void
fx_init(fx_t *f, const reed_bot_xmpp_opts_t *o)
{
  reed__bot_xmpp_io_t io = {
      .send = io_send, .connect = io_connect, .close = io_close, .io = f};

  memset(f, 0, sizeof(*f));
  fc_init(&f->fc);
  f->ctx = xmpp_ctx_new(NULL, NULL);
  ASSERT(f->ctx != NULL);
  ASSERT_EQ(reed__bot_xmpp_init(&f->x, o ? o : &plain_opts, &io, f->ctx,
                                &f->fc.clock, NULL),
            0);
  ASSERT_EQ(reed_bot_on(&f->x.bot, NULL, record, f), 0);
}

/* Connected and bound; output and events cleared. */
static void
fx_ready(fx_t *f, const reed_bot_xmpp_opts_t *o)
{
  fx_init(f, o);
  ASSERT_EQ(reed__bot_xmpp_start(&f->x), 0);
  ASSERT_EQ(f->connects, 1);
  reed__bot_xmpp_online(&f->x);
  ASSERT_EQ(f->x.state, REED__BOT_XMPP_READY);
  take(f);
  f->events[0] = '\0';
}

static void
fx_free(fx_t *f)
{
  reed__bot_xmpp_cleanup(&f->x);
  xmpp_ctx_free(f->ctx);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  fc_cleanup(&f->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static void
feed(fx_t *f, const char *xml)
{
  xmpp_stanza_t *st = xmpp_stanza_new_from_string(f->ctx, xml);

  ASSERT(st != NULL);
  reed__bot_xmpp_stanza(&f->x, st);
  xmpp_stanza_release(st);
}

static void
expect_has(const char *hay, const char *needle)
{
  if (strstr(hay, needle) == NULL)
    reed__test_fail(__FILE__, __LINE__, "no \"%s\" in:\n%s", needle, hay);
}

#define ROOM "e2e@conference.localhost"
#define MUC_USER "xmlns='http://jabber.org/protocol/muc#user'"

/* The bot in ROOM with alice already there; events cleared. */
static void
fx_in_room(fx_t *f)
{
  const char *out;

  fx_ready(f, NULL);
  ASSERT_EQ(reed_bot_join(&f->x.bot, "#e2e", "sesame"), 0);
  out = take(f);
  expect_has(out, "to=\"" ROOM "/bot\"");
  expect_has(out, "<history maxstanzas=\"0\"/>");
  expect_has(out, "<password>sesame</password>");
  expect_has(out, "node=\"urn:reed:bot\"");
  feed(f, "<presence from='" ROOM "/alice'><x " MUC_USER "><item "
          "affiliation='owner' role='moderator'/></x></presence>");
  feed(f, "<presence from='" ROOM "/bot'><x " MUC_USER "><item "
          "jid='bot@localhost/r' role='participant'/><status code='110'/>"
          "<status code='201'/></x></presence>");
  ASSERT_STR_EQ(f->events, "7 nick=bot acct=bot room=#e2e target=- text=- "
                           "self=1\n");
  f->events[0] = '\0';
}

TEST(xmpp_room_events)
{
  static fx_t f;

  fx_in_room(&f);
  /* History and the current subject at join: not events. */
  feed(&f, "<message type='groupchat' from='" ROOM "/alice'><body>!ping"
           "</body><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'"
           "/></message>");
  feed(&f, "<message type='groupchat' from='" ROOM "/alice'><subject>old"
           "</subject></message>");
  ASSERT_STR_EQ(f.events, "");
  /* A command, the bot's own reflection, an action. */
  feed(&f, "<message type='groupchat' from='" ROOM "/alice'><body>!ping"
           "</body></message>");
  feed(&f, "<message type='groupchat' from='" ROOM "/bot'><body>!ping"
           "</body></message>");
  feed(&f, "<message type='groupchat' from='" ROOM "/alice'><body>/me waves"
           "</body></message>");
  ASSERT_STR_EQ(f.events,
                "3 nick=alice acct=- room=#e2e target=- text=!ping self=0\n"
                "6 nick=alice acct=- room=#e2e target=- text=!ping self=0 "
                "cmd\n"
                "4 nick=alice acct=- room=#e2e target=- text=waves self=0\n");
  f.events[0] = '\0';
  /* Occupants: a join, a nick change (its new presence is no join), a
   * kick, a part with its status, a subject change. */
  feed(&f, "<presence from='" ROOM "/Jos\xc3\xa9'><x " MUC_USER "><item "
           "jid='jose@localhost/x' role='participant'/></x></presence>");
  feed(&f,
       "<presence from='" ROOM "/Jos\xc3\xa9' type='unavailable'><x " MUC_USER
       "><item nick='jose' role='participant'/><status "
       "code='303'/></x></presence>");
  feed(&f, "<presence from='" ROOM "/jose'><x " MUC_USER "><item "
           "role='participant'/></x></presence>");
  feed(&f, "<presence from='" ROOM "/jose' type='unavailable'><x " MUC_USER
           "><item role='none'><actor nick='alice'/><reason>spam</reason>"
           "</item><status code='307'/></x></presence>");
  feed(&f, "<presence from='" ROOM "/alice' type='unavailable'><status>"
           "bye all</status><x " MUC_USER "><item role='none'/></x>"
           "</presence>");
  feed(&f, "<message type='groupchat' from='" ROOM "/bob'><subject>new "
           "&amp; shiny</subject></message>");
  ASSERT_STR_EQ(
      f.events,
      "7 nick=Jos\\c3\\a9 acct=jose room=#e2e target=- text=- self=0\n"
      "10 nick=Jos\\c3\\a9 acct=- room=#e2e target=jose text=- self=0\n"
      "12 nick=alice acct=- room=#e2e target=jose text=spam self=0\n"
      "8 nick=alice acct=- room=#e2e target=- text=bye all self=0\n"
      "11 nick=bob acct=- room=#e2e target=- text=new & shiny self=0\n");
  fx_free(&f);
}

TEST(xmpp_actions)
{
  static fx_t f;
  const char *out;

  fx_in_room(&f);
  ASSERT_EQ(reed_bot_say(&f.x.bot, "#e2e", "caf\xc3\xa9 & <b>"), 0);
  out = take(&f);
  expect_has(out, "type=\"groupchat\"");
  expect_has(out, "to=\"" ROOM "\"");
  expect_has(out, "<body>caf\xc3\xa9 &amp; &lt;b&gt;</body>");
  ASSERT_EQ(reed_bot_act(&f.x.bot, "#e2e", "waves"), 0);
  expect_has(take(&f), "<body>/me waves</body>");
  ASSERT_EQ(reed_bot_set_topic(&f.x.bot, "#e2e", "t"), 0);
  expect_has(take(&f), "<subject>t</subject>");
  ASSERT_EQ(reed_bot_kick(&f.x.bot, "#e2e", "Jos\\c3\\a9", "out"), 0);
  out = take(&f);
  expect_has(out, "xmlns=\"http://jabber.org/protocol/muc#admin\"");
  expect_has(out, "nick=\"Jos\xc3\xa9\"");
  expect_has(out, "role=\"none\"");
  expect_has(out, "<reason>out</reason>");
  /* The bucket: 5 so far (join, say, act, topic, kick), so the sixth
   * waits a second. */
  ASSERT_EQ(reed_bot_tell(&f.x.bot, "alice", "hi"), 0);
  ASSERT_STR_EQ(take(&f), "");
  fc_advance(&f.fc, 1000);
  out = take(&f);
  expect_has(out, "to=\"alice@localhost\"");
  expect_has(out, "type=\"chat\"");
  ASSERT_EQ(reed_bot_say(&f.x.bot, "#other", "x"), REED_ENOTMEMBER);
  /* A new nick goes to each room the bot is in. */
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(reed_bot_set_nick(&f.x.bot, "bot2"), 0);
  expect_has(take(&f), "to=\"" ROOM "/bot2\"");
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(reed_bot_part(&f.x.bot, "#e2e", "later"), 0);
  out = take(&f);
  expect_has(out, "type=\"unavailable\"");
  expect_has(out, "<status>later</status>");
  ASSERT_EQ(reed_bot_part(&f.x.bot, "#e2e", NULL), REED_ENOTMEMBER);
  /* The server's answer to the part is the bot's own PART. */
  f.events[0] = '\0';
  feed(&f, "<presence from='" ROOM "/bot2' type='unavailable'><x " MUC_USER
           "><item role='none'/><status code='110'/></x></presence>");
  ASSERT_STR_EQ(f.events, "8 nick=bot2 acct=- room=#e2e target=- text=- "
                          "self=1\n");
  fx_free(&f);
}

TEST(xmpp_private_messages)
{
  static fx_t f;

  fx_in_room(&f);
  feed(&f, "<message type='chat' from='alice@localhost/phone'><body>!ping"
           "</body></message>");
  feed(&f, "<message type='chat' from='bob@example.org/x'><body>hi</body>"
           "</message>");
  feed(&f, "<message type='chat' from='" ROOM "/carol'><body>psst</body>"
           "</message>");
  feed(&f, "<message type='headline' from='news@localhost'><body>extra"
           "</body></message>");
  feed(&f, "<message type='chat' from='alice@localhost/phone'><composing "
           "xmlns='http://jabber.org/protocol/chatstates'/></message>");
  feed(&f, "<message type='chat' from='alice@localhost/phone'><body>old"
           "</body><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'"
           "/></message>");
  ASSERT_STR_EQ(f.events,
                "3 nick=alice acct=alice room=- target=- text=!ping self=0\n"
                "6 nick=alice acct=alice room=- target=- text=!ping self=0 "
                "cmd\n"
                "3 nick=bob\\40example.org acct=- room=- target=- text=hi "
                "self=0\n"
                "3 nick=carol acct=- room=- target=- text=psst self=0\n"
                "5 nick=news acct=news room=- target=- text=extra self=0\n");
  /* Answers go back where each came from. */
  ASSERT_EQ(reed_bot_tell(&f.x.bot, "bob\\40example.org", "a"), 0);
  expect_has(take(&f), "to=\"bob@example.org\"");
  ASSERT_EQ(reed_bot_tell(&f.x.bot, "carol", "b"), 0);
  expect_has(take(&f), "to=\"" ROOM "/carol\"");
  ASSERT_EQ(reed_bot_tell(&f.x.bot, "alice", "c"), 0);
  expect_has(take(&f), "to=\"alice@localhost\"");
  fx_free(&f);
}

TEST(xmpp_invites_and_iq)
{
  static fx_t f;
  const char *out;

  fx_ready(&f, NULL);
  feed(&f, "<message from='lobby@conference.localhost'><x " MUC_USER
           "><invite from='alice@localhost/x'/></x></message>");
  feed(&f, "<message from='bob@example.org/y'><x xmlns='jabber:x:conference' "
           "jid='r@muc.example.org'/></message>");
  ASSERT_STR_EQ(f.events,
                "13 nick=alice acct=- room=#lobby target=- text=- self=1\n"
                "13 nick=bob\\40example.org acct=- room=#r@muc.example.org "
                "target=- text=- self=1\n");
  feed(&f, "<iq type='get' id='d1' from='alice@localhost/x'><query "
           "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  out = take(&f);
  expect_has(out, "<identity");
  expect_has(out, "category=\"client\"");
  expect_has(out, "type=\"bot\"");
  expect_has(out, "id=\"d1\"");
  expect_has(out, "to=\"alice@localhost/x\"");
  feed(&f, "<iq type='get' id='p1' from='localhost'><ping "
           "xmlns='urn:xmpp:ping'/></iq>");
  expect_has(take(&f), "type=\"result\"");
  feed(&f, "<iq type='set' id='q1' from='alice@localhost/x'><query "
           "xmlns='jabber:iq:roster'/></iq>");
  expect_has(take(&f), "service-unavailable");
  feed(&f, "<iq type='result' id='r1' from='localhost'/>");
  ASSERT_STR_EQ(take(&f), "");
  fx_free(&f);
}

TEST(xmpp_flood_control)
{
  static fx_t f;

  fx_in_room(&f);
  f.sent = 0;
  fc_advance(&f.fc, 5000);
  for (int i = 0; i < 8; i++)
    ASSERT_EQ(reed_bot_say(&f.x.bot, "#e2e", "x"), 0);
  ASSERT_EQ(f.sent, 5);
  fc_advance(&f.fc, 999);
  ASSERT_EQ(f.sent, 5);
  fc_advance(&f.fc, 1);
  ASSERT_EQ(f.sent, 6);
  fc_advance(&f.fc, 2000);
  ASSERT_EQ(f.sent, 8);
  for (int i = 0; i < REED__BOT_XMPP_QUEUE_MAX; i++)
    ASSERT_EQ(reed_bot_say(&f.x.bot, "#e2e", "y"), 0);
  ASSERT_EQ(reed_bot_say(&f.x.bot, "#e2e", "z"), REED_EQUEUEFULL);
  fx_free(&f);
}

TEST(xmpp_reconnect_and_rejoin)
{
  static fx_t f;
  const char *out;

  fx_in_room(&f);
  reed__bot_xmpp_closed(&f.x, "connection lost", 0);
  ASSERT_STR_EQ(f.events, "2 nick=- acct=- room=- target=- text=connection "
                          "lost self=0 retry\n");
  ASSERT_EQ(reed_bot_say(&f.x.bot, "#e2e", "x"), REED_ECLOSED);
  fc_advance(&f.fc, 1000);
  ASSERT_EQ(f.connects, 2);
  reed__bot_xmpp_closed(&f.x, "refused", 0);
  fc_advance(&f.fc, 1999);
  ASSERT_EQ(f.connects, 2);
  fc_advance(&f.fc, 1);
  ASSERT_EQ(f.connects, 3);
  /* Back: presence, and the room again at once (with its password). */
  f.events[0] = '\0';
  reed__bot_xmpp_online(&f.x);
  out = take(&f);
  expect_has(out, "to=\"" ROOM "/bot\"");
  expect_has(out, "<password>sesame</password>");
  /* Occupants are learnt afresh: alice is no join, bob is. */
  feed(&f, "<presence from='" ROOM "/alice'/>");
  feed(&f, "<presence from='" ROOM "/bot'><x " MUC_USER "><status "
           "code='110'/></x></presence>");
  feed(&f, "<presence from='" ROOM "/bob'/>");
  ASSERT_STR_EQ(f.events,
                "1 nick=- acct=- room=- target=- text=- self=0\n"
                "7 nick=bot acct=- room=#e2e target=- text=- self=1\n"
                "7 nick=bob acct=- room=#e2e target=- text=- self=0\n");
  /* A refused login is final. */
  f.events[0] = '\0';
  reed__bot_xmpp_closed(&f.x, "login refused", 1);
  ASSERT_STR_EQ(f.events, "2 nick=- acct=- room=- target=- text=login "
                          "refused self=0\n");
  ASSERT_EQ(fc_pending(&f.fc), 0);
  ASSERT_EQ(reed__bot_xmpp_start(&f.x), REED_ECLOSED);
  fx_free(&f);
}

TEST(xmpp_keepalive_and_quit)
{
  static fx_t f;
  const char *out;

  fx_ready(&f, NULL);
  fc_advance(&f.fc, 120000);
  expect_has(take(&f), "<ping xmlns=\"urn:xmpp:ping\"/>");
  fc_advance(&f.fc, 60000);
  ASSERT_STR_EQ(take(&f), "");
  ASSERT_EQ(f.closes, 0);
  fc_advance(&f.fc, 60000);
  ASSERT_EQ(f.closes, 1);
  reed__bot_xmpp_closed(&f.x, "dead", 0);
  fc_advance(&f.fc, 1000);
  reed__bot_xmpp_online(&f.x);
  take(&f);
  ASSERT_EQ(reed_bot_quit(&f.x.bot, "done"), 0);
  out = take(&f);
  expect_has(out, "type=\"unavailable\"");
  expect_has(out, "<status>done</status>");
  ASSERT_EQ(f.closes, 2);
  ASSERT_EQ(fc_pending(&f.fc), 0);
  fx_free(&f);
}

TEST(xmpp_bad_options)
{
  static const reed_bot_xmpp_opts_t bad[] = {
      {.password = "pw"},
      {.jid = "bot@localhost"},
      {.jid = "bot@localhost", .password = ""},
      {.jid = "nodomain", .password = "pw"},
      {.jid = "@localhost", .password = "pw"},
      {.jid = "bot@", .password = "pw"},
      {.jid = "bot@localhost", .password = "pw", .muc = "a@b"},
      {.jid = "bot@localhost", .password = "pw", .nick = ""},
  };
  static fx_t f;
  reed__bot_xmpp_io_t io = {
      .send = io_send, .connect = io_connect, .close = io_close, .io = &f};
  reed_bot_xmpp_opts_t named = plain_opts;

  fc_init(&f.fc);
  f.ctx = xmpp_ctx_new(NULL, NULL);
  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++)
    ASSERT_EQ(reed__bot_xmpp_init(&f.x, &bad[i], &io, f.ctx, &f.fc.clock, NULL),
              REED_EINVAL);
  named.jid = "Bot@LocalHost/res";
  named.nick = "Jos\xc3\xa9";
  ASSERT_EQ(reed__bot_xmpp_init(&f.x, &named, &io, f.ctx, &f.fc.clock, NULL),
            0);
  ASSERT_STR_EQ(f.x.muc, "conference.LocalHost");
  ASSERT_STR_EQ(f.x.want_nick, "Jos\\c3\\a9");
  reed__bot_xmpp_cleanup(&f.x);
  xmpp_ctx_free(f.ctx);
  fc_cleanup(&f.fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(xmpp_quit_leaves_rooms)
{
  static fx_t f;
  const char *out, *room, *all;

  fx_in_room(&f);
  ASSERT_EQ(reed_bot_quit(&f.x.bot, "bye now"), 0);
  out = take(&f);
  /* The room first (some servers pass no status on), then everyone. */
  room = strstr(out, "to=\"" ROOM "/bot\"");
  all = strstr(out, "<presence type=\"unavailable\"><status>");
  ASSERT(room != NULL && all != NULL && room < all);
  expect_has(room, "<status>bye now</status>");
  ASSERT_EQ(f.closes, 1);
  ASSERT_EQ(reed_bot_say(&f.x.bot, "#e2e", "x"), REED_ECLOSED);
  fx_free(&f);
}

TEST(xmpp_join_refused)
{
  static fx_t f;
  const char *out;

  fx_ready(&f, NULL);
  ASSERT_EQ(reed_bot_join(&f.x.bot, "#e2e", NULL), 0);
  take(&f);
  /* A nick in use: the join again as "bot_", as IRC's 433. */
  feed(&f, "<presence type='error' from='" ROOM "/bot'><error type='cancel'>"
           "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
           "</presence>");
  out = take(&f);
  expect_has(out, "to=\"" ROOM "/bot_\"");
  /* Any other refusal: the room is forgotten (no rejoin, no say). */
  feed(&f, "<presence type='error' from='" ROOM "/bot_'><error type='auth'>"
           "<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
           "</presence>");
  ASSERT_EQ(reed_bot_say(&f.x.bot, "#e2e", "x"), REED_ENOTMEMBER);
  ASSERT_STR_EQ(f.events, "");
  fx_free(&f);
}
