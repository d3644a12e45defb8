/* XEP-0444 in rooms: an occupant's set becomes +draft/react and
 * +draft/unreact TAGMSGs (with +draft/reply to the room's stanza-id) for
 * IRC members and Reacted events for AMP members; IRC's one change at a
 * time reaches XMPP occupants as the IRC member's whole set. */
#include "amp.h"
#include "irc.h"
#include "xmuc_fixture.h"

#include <stdio.h>
#include <string.h>

#define ROOM "lobby@" MUC
#define RX "xmlns='urn:xmpp:reactions:0'"
#define THUMB "\xf0\x9f\x91\x8d"

static void
set(tw_client_t *a1, const char *reactions)
{
  char in[512];

  snprintf(in, sizeof(in),
           "<message to='" ROOM "' type='groupchat'><reactions " RX
           " id='4'>%s</reactions><store xmlns='urn:xmpp:hints'/></message>",
           reactions);
  tw_send(a1, in);
}

#define SEEN(from, set)                                                        \
  "<message to='" A1 "' from='" ROOM "/" from "' type='groupchat'>"            \
  "<reactions " RX " id='4'" set "<store xmlns='urn:xmpp:hints'/></message>"

TEST(muc_reactions)
{
  xim_t w;
  xpeer_t bob, erin;
  tw_client_t *a1;
  xmuc_init(&w);
  xim_account(&w, "erin");
  xmuc_irc(&w, &bob, "bob", "lobby");
  a1 = xim_login(&w, "alice", "a1");
  xmuc_joined(a1, "lobby", "alice");
  xpeer_open(&w.tw, &erin, &reed_amp_module);
  xpeer_box(&erin,
            (const char *const[]){"_command", "Login", "_ask", "1", "username",
                                  "erin", "password", "pw", NULL});
  xpeer_box(&erin, (const char *const[]){"_command", "Join", "_ask", "2",
                                         "room", "lobby", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  tw_send(a1, "<message to='" ROOM "' type='groupchat'><body>hi</body>"
              "</message>");
  tw_take(a1);
  xpeer_take(&bob);
  xpeer_take(&erin);

  /* XMPP's set: each added reaction a TAGMSG; the echo is the set. */
  set(a1, "<reaction>" THUMB "</reaction><reaction>ok</reaction>");
  XMUC_EXPECT(a1, SEEN("alice", "><reaction>" THUMB "</reaction></reactions>")
                      SEEN("alice", "><reaction>" THUMB "</reaction><reaction>"
                                    "ok</reaction></reactions>"));
  xmuc_irc_expect(&bob, ":alice!alice@reed.test TAGMSG #lobby\r\n"
                        ":alice!alice@reed.test TAGMSG #lobby\r\n");
  ASSERT(xpeer_saw(&erin, "Reacted"));
  /* The set without the thumb: withdrawn. */
  set(a1, "<reaction>ok</reaction>");
  XMUC_EXPECT(a1, SEEN("alice", "><reaction>ok</reaction></reactions>"));
  {
    const char *out = xpeer_take(&bob);
    ASSERT(strstr(out, "+draft/reply=4") != NULL);
    ASSERT(strstr(out, "+draft/unreact=" THUMB) != NULL);
  }
  ASSERT(xpeer_saw(&erin, "removed"));
  /* IRC: one change at a time, shown as bob's whole set. */
  xpeer_send(&bob, "@+draft/reply=4;+draft/react=yes TAGMSG #lobby\r\n"
                   "@+draft/reply=4;+draft/react=no TAGMSG #lobby\r\n"
                   "@+draft/reply=4;+draft/unreact=yes TAGMSG #lobby\r\n");
  XMUC_EXPECT(a1, SEEN("bob", "><reaction>yes</reaction></reactions>")
                      SEEN("bob", "><reaction>yes</reaction><reaction>no"
                                  "</reaction></reactions>")
                          SEEN("bob", "><reaction>no</reaction></reactions>"));
  xpeer_send(&bob, "@+draft/reply=4;+draft/unreact=no TAGMSG #lobby\r\n");
  XMUC_EXPECT(a1, SEEN("bob", "/>"));
  ASSERT(xpeer_saw(&erin, "Reacted"));
  xpeer_close(&bob);
  xpeer_close(&erin);
  xim_free(&w);
}
