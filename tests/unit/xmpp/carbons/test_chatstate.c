/* XEP-0085 chat states across protocols: an XMPP chat state to an
 * account reaches its IRC sessions as TAGMSG +typing (composing: active,
 * paused: paused, active/inactive/gone: done), and IRC's +typing reaches
 * the account's XMPP resources as a chat state. */
#include "irc.h"
#include "xim_fixture.h"

#include <stdio.h>

#define A1 "alice@reed.test/a1"
#define B1 "bob@reed.test/b1"
#define CS "xmlns='http://jabber.org/protocol/chatstates'"

static void
setup(xim_t *w, tw_client_t **a1, tw_client_t **b1, xpeer_t *airc)
{
  xim_init(w);
  xim_account(w, "alice");
  xim_account(w, "bob");
  *a1 = xim_login(w, "alice", "a1");
  *b1 = xim_login(w, "bob", "b1");
  xim_online(*a1, NULL);
  xim_online(*b1, NULL);
  xpeer_irc_login(&w->tw, airc, "alice");
  tw_take(*a1);
}

TEST(chatstate_xmpp_to_irc)
{
  static const struct {
    const char *state, *typing;
  } rows[] = {
      {"composing", "active"}, {"paused", "paused"}, {"active", "done"},
      {"inactive", "done"},    {"gone", "done"},
  };
  xim_t w;
  xpeer_t airc;
  tw_client_t *a1, *b1;
  char st[160], want[160];
  setup(&w, &a1, &b1, &airc);

  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    snprintf(st, sizeof(st),
             "<message to='alice@reed.test' type='chat'><%s " CS "/></message>",
             rows[i].state);
    xim_say(b1, st, "");
    /* After IRC's own msgid tag (a TAGMSG's, not the model's). */
    snprintf(want, sizeof(want),
             ";+typing=%s :bob!bob@reed.test TAGMSG alice\r\n", rows[i].typing);
    const char *got = xpeer_take(&airc);
    ASSERT(strncmp(got, "@msgid=", 7) == 0);
    ASSERT_STR_EQ(strchr(got, ';'), want);
    /* The XMPP resource has the stanza itself, once. */
    snprintf(want, sizeof(want),
             "<message to='" A1 "' from='" B1 "' type='chat'><%s " CS
             "/></message>",
             rows[i].state);
    XIM_EXPECT(a1, want);
  }
  /* To a bound full JID: that resource alone; no chat state: nothing. */
  xim_say(b1, "<message to='" A1 "' type='chat'><paused " CS "/></message>",
          "");
  ASSERT_STR_EQ(xpeer_take(&airc), "");
  tw_take(a1);
  xim_say(b1,
          "<message to='alice@reed.test' type='chat'><x xmlns='urn:x'/>"
          "</message>",
          "");
  ASSERT_STR_EQ(xpeer_take(&airc), "");
  xpeer_close(&airc);
  xim_free(&w);
}

TEST(chatstate_irc_to_xmpp)
{
  xim_t w;
  xpeer_t airc, dave;
  tw_client_t *a1, *b1;
  setup(&w, &a1, &b1, &airc);
  xim_account(&w, "dave");
  xpeer_irc_login(&w.tw, &dave, "dave");

  xpeer_send(&dave, "@+typing=active TAGMSG alice\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><composing " CS "/></message>");
  xpeer_send(&dave, "@+typing=paused TAGMSG alice\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><paused " CS "/></message>");
  xpeer_send(&dave, "@+x=1;+typing=done TAGMSG alice\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><active " CS "/></message>");
  /* Other tags, or a value not mapped: nothing. */
  xpeer_send(&dave, "@+typing=soon TAGMSG alice\r\n");
  xpeer_send(&dave, "@+draft/react=x TAGMSG alice\r\n");
  XIM_EXPECT(a1, "");
  xpeer_close(&airc);
  xpeer_close(&dave);
  xim_free(&w);
}
