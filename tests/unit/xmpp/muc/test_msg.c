/* Groupchat details across protocols: actions (/me and CTCP ACTION), a
 * CR/LF inside a body never starts a new IRC line of its own, the subject
 * both ways, history at a join (7.2.14), private messages (7.5), a quit. */
#include "irc.h"
#include "xmuc_fixture.h"

#define ROOM "r@" MUC
#define SAY(body)                                                              \
  "<message to='" ROOM "' type='groupchat'><body>" body "</body></message>"

static void
setup(xim_t *w, xpeer_t *bob, tw_client_t **a1)
{
  xmuc_init(w);
  xmuc_irc(w, bob, "bob", "r");
  *a1 = xim_login(w, "alice", "a1");
  xmuc_joined(*a1, "r", "alice");
  xpeer_take(bob);
}

/* The body of the first <message/> in s, "" when none. */
static const char *
body_of(const char *s)
{
  static char buf[1024];
  const char *b = strstr(s, "<body>"), *e = b ? strstr(b, "</body>") : NULL;

  buf[0] = '\0';
  if (b != NULL && e != NULL)
    snprintf(buf, sizeof(buf), "%.*s", (int)(e - b - 6), b + 6);
  return buf;
}

TEST(muc_actions_and_lines)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;

  setup(&w, &bob, &a1);
  tw_send(a1, SAY("/me waves"));
  ASSERT_STR_EQ(body_of(xmuc_take(a1)), "/me waves");
  xmuc_irc_expect(
      &bob, ":alice!alice@reed.test PRIVMSG #r :\001ACTION waves\001\r\n");
  xpeer_send(&bob, "PRIVMSG #r :\001ACTION nods\001\r\n");
  ASSERT_STR_EQ(body_of(xmuc_take(a1)), "/me nods");
  /* CR and LF (as characters and as references) split into lines, each
   * a PRIVMSG to the room: nothing becomes a command. */
  tw_send(a1, SAY("one&#13;&#10;QUIT :x\r\nPRIVMSG #y :z&#13;JOIN #q"));
  tw_take(a1);
  xmuc_irc_expect(&bob, ":alice!alice@reed.test PRIVMSG #r :one\r\n"
                        ":alice!alice@reed.test PRIVMSG #r :QUIT :x\r\n"
                        ":alice!alice@reed.test PRIVMSG #r :PRIVMSG #y :z\r\n"
                        ":alice!alice@reed.test PRIVMSG #r :JOIN #q\r\n");
  xpeer_close(&bob);
  xim_free(&w);
}

TEST(muc_subject)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;

  setup(&w, &bob, &a1);
  xpeer_send(&bob, "TOPIC #r :news & <views>\r\n");
  XMUC_EXPECT(a1, "<message to='" A1 "' from='" ROOM "/bob' type='groupchat'>"
                  "<subject>news &amp; &lt;views&gt;</subject></message>");
  /* The topic lock (IRC +t, a 104 to XMPP): a participant may not. */
  xpeer_send(&bob, "MODE #r +t\r\n");
  XMUC_EXPECT(a1, "<message to='" A1 "' from='" ROOM
                  "' type='groupchat'><x " MUC_USER
                  "><status code='104'/></x></message>");
  xmuc_say(a1,
           "<message to='" ROOM "' type='groupchat' id='s1'><subject>mine"
           "</subject></message>",
           "<message to='" A1 "' from='" ROOM "' type='error' id='s1'><error "
           "type='auth'><forbidden " STANZAS "/><text " STANZAS
           ">Only moderators may change the subject</text></error></message>");
  xpeer_send(&bob, "MODE #r -t\r\n");
  tw_take(a1);
  xmuc_say(a1,
           "<message to='" ROOM "' type='groupchat'><subject>mine</subject>"
           "</message>",
           "<message to='" A1 "' from='" ROOM "/alice' type='groupchat'>"
           "<subject>mine</subject></message>");
  ASSERT(strstr(xpeer_take(&bob), "TOPIC #r :mine\r\n") != NULL);
  /* A new occupant gets it last. */
  {
    tw_client_t *c1;
    const char *got;
    c1 = xim_login(&w, "carol", "c1");
    got = xmuc_join(c1, "r", "carol");
    ASSERT(strstr(got, "<subject>mine</subject></message>") != NULL);
    ASSERT(strcmp(strstr(got, "<subject>mine</subject></message>"),
                  "<subject>mine</subject></message>") == 0);
  }
  xpeer_close(&bob);
  xim_free(&w);
}

/* 7.2.14: history with <delay/> from the room and the model's ids. */
TEST(muc_history)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *c1;
  const char *got;
  char pres[256];

  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "r");
  xpeer_send(&bob, "PRIVMSG #r :one\r\nPRIVMSG #r :two\r\n"
                   "PRIVMSG #r :three\r\n");
  c1 = xim_login(&w, "carol", "c1");
  /* maxstanzas */
  snprintf(pres, sizeof(pres),
           "<presence to='" ROOM "/carol'><x " MUC_NS
           "><history maxstanzas='2'/></x></presence>");
  tw_send(c1, pres);
  got = xmuc_take(c1);
  ASSERT(strstr(got, "<body>one</body>") == NULL);
  ASSERT(strstr(got, "<message to='carol@reed.test/c1' from='" ROOM
                     "/bob' type='groupchat'><body>two</body><delay "
                     "xmlns='urn:xmpp:delay' from='" ROOM "' stamp='") != NULL);
  ASSERT(strstr(got, "<body>three</body>") != NULL);
  ASSERT(strstr(got, "<stanza-id xmlns='urn:xmpp:sid:0' by='" ROOM "' id='") !=
         NULL);
  ASSERT(strstr(got, "<body>two</body>") < strstr(got, "<body>three</body>"));
  ASSERT(strstr(got, "<body>three</body>") < strstr(got, "<subject"));
  tw_send(c1, "<presence to='" ROOM "/carol' type='unavailable'/>");
  tw_take(c1);
  /* No <history/>: the latest 20; maxchars='0' and maxstanzas='0': none;
   * seconds and since: from then on (the fake clock stands still, so all
   * of it). */
  static const struct {
    const char *hist;
    bool one;
  } rows[] = {
      {"", true},
      {"<history maxchars='0'/>", false},
      {"<history maxstanzas='0'/>", false},
      {"<history seconds='60'/>", true},
      {"<history since='1970-01-01T00:00:00Z'/>", true},
      {"<history since='2999-01-01T00:00:00Z'/>", false},
      {"<history maxchars='200'/>", false},
      {"<history maxchars='100000'/>", true},
  };
  for (size_t i = 0; i < REED_ARRAY_SIZE(rows); i++) {
    snprintf(pres, sizeof(pres),
             "<presence to='" ROOM "/carol'><x " MUC_NS ">%s</x></presence>",
             rows[i].hist);
    tw_send(c1, pres);
    got = xmuc_take(c1);
    if ((strstr(got, "<body>one</body>") != NULL) != rows[i].one)
      reed__test_fail(__FILE__, __LINE__, "row %zu: %s", i, got);
    ASSERT(strstr(got, "<status code='110'/>") != NULL);
    tw_send(c1, "<presence to='" ROOM "/carol' type='unavailable'/>");
    tw_take(c1);
  }
  xpeer_close(&bob);
  xim_free(&w);
}

/* 7.5: between XMPP occupants from the occupant JID; to an IRC member
 * as a PRIVMSG; to a nick not in the room, item-not-found. */
TEST(muc_private_messages)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1, *c1;

  setup(&w, &bob, &a1);
  c1 = xim_login(&w, "carol", "c1");
  xmuc_joined(c1, "r", "carol");
  tw_take(a1);
  xpeer_take(&bob);
  xmuc_say(a1,
           "<message to='" ROOM "/carol' type='chat' id='p1'><body>psst"
           "</body></message>",
           "");
  XMUC_EXPECT(c1, "<message to='carol@reed.test/c1' from='" ROOM
                  "/alice' type='chat' id='p1'><body>psst</body><x " MUC_USER
                  "/></message>");
  xmuc_say(a1,
           "<message to='" ROOM "/bob' type='chat' id='p2'><body>hey bob"
           "</body></message>",
           "");
  xmuc_irc_expect(&bob, ":alice!alice@reed.test PRIVMSG bob :hey bob\r\n");
  xmuc_say(a1,
           "<message to='" ROOM "/nobody' type='chat' id='p3'><body>x</body>"
           "</message>",
           "<message to='" A1 "' from='" ROOM "/nobody' type='error' id='p3'>"
           "<error type='cancel'><item-not-found " STANZAS
           "/></error></message>");
  /* Not in the room: not-acceptable; groupchat to an occupant: bad. */
  tw_send(c1, "<presence to='" ROOM "/carol' type='unavailable'/>");
  tw_take(c1);
  tw_take(a1);
  tw_send(c1, "<message to='" ROOM "/alice' type='chat' id='p4'><body>x"
              "</body></message>");
  ASSERT(strstr(tw_take(c1), "<not-acceptable ") != NULL);
  tw_send(c1, SAY("x"));
  ASSERT(strstr(tw_take(c1), "<not-acceptable ") != NULL);
  tw_send(a1, "<message to='" ROOM "/bob' type='groupchat'><body>x</body>"
              "</message>");
  ASSERT(strstr(tw_take(a1), "<bad-request ") != NULL);
  XMUC_EXPECT(a1, "");
  xpeer_close(&bob);
  xim_free(&w);
}

/* IRC's QUIT: unavailable with the reason in every shared room. */
TEST(muc_quit)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;

  setup(&w, &bob, &a1);
  xpeer_send(&bob, "QUIT :gone fishing\r\n");
  XMUC_EXPECT(a1, "<presence to='" A1 "' from='" ROOM
                  "/bob' type='unavailable'><status>Quit: gone fishing"
                  "</status><x " MUC_USER "><item affiliation='owner' "
                  "role='none' jid='bob@reed.test/irc'/></x></presence>");
  xpeer_close(&bob);
  xim_free(&w);
}

/* RFC 6121's unavailable without a 'to' leaves every room (IRC sees the
 * parts), and the IM part still answers it. */
TEST(muc_unavailable_leaves_rooms)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;

  setup(&w, &bob, &a1);
  xpeer_send(&bob, "JOIN #s\r\n");
  xmuc_joined(a1, "s", "alice");
  xpeer_take(&bob);
  tw_send(a1, "<presence type='unavailable'/>");
  ASSERT(strstr(xmuc_take(a1), "from='s@" MUC "/alice' type='unavailable'") !=
         NULL);
  xmuc_irc_expect(&bob, ":alice!alice@reed.test PART #r\r\n"
                        ":alice!alice@reed.test PART #s\r\n");
  xpeer_close(&bob);
  xim_free(&w);
}

/* A join, a message and a part fed at every chunk size come out the same. */
static void
chunked(void *arg)
{
  xim_t w;
  xpeer_t bob;
  tw_client_t *a1;
  const char *got;

  (void)arg;
  xmuc_init(&w);
  xmuc_irc(&w, &bob, "bob", "r");
  a1 = xim_login(&w, "alice", "a1");
  tw_send(a1, "<presence to='" ROOM "/alice'><x " MUC_NS "><history "
              "maxstanzas='0'/></x></presence>" SAY(
                  "caf\xc3\xa9 &amp; co") "<presence to='" ROOM
                                          "/alice' type='unavailable'/>");
  got = xmuc_take(a1);
  ASSERT(strstr(got, "<status code='110'/>") != NULL);
  ASSERT(strstr(got, "<body>caf\xc3\xa9 &amp; co</body>") != NULL);
  ASSERT(strstr(got, "/alice' type='unavailable'>") != NULL);
  xmuc_irc_expect(&bob,
                  ":alice!alice@reed.test JOIN #r\r\n"
                  ":alice!alice@reed.test PRIVMSG #r :caf\xc3\xa9 & co\r\n"
                  ":alice!alice@reed.test PART #r\r\n");
  xpeer_close(&bob);
  xim_free(&w);
}

TEST(muc_chunked)
{
  tw_run_chunked(chunked, NULL);
}
