/* One-to-one messages across protocols on one model: XMPP to IRC (one
 * PRIVMSG per line, the model's id as IRC's msgid and XMPP's stanza-id),
 * IRC to XMPP, AMP to XMPP and back, an IRC guest and its nick@domain,
 * and an IRC user telling an XMPP account that is offline (no such nick:
 * nothing is kept for it). */
#include "amp.h"
#include "irc.h"
#include "xim_fixture.h"

#include <stdio.h>

#define A1 "alice@reed.test/a1"
#define SID(id) "<stanza-id " XIM_SID " by='alice@reed.test' id='" id "'/>"

TEST(xim_msg_irc)
{
  xim_t w;
  xpeer_t dave, carol;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "dave");
  xim_account(&w, "frank");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  xim_online(a1, NULL);
  xpeer_irc_login(&w.tw, &dave, "dave");

  /* XMPP to IRC: one PRIVMSG per line, the model's id as msgid. */
  xim_say(a1,
          "<message to='dave@reed.test' type='chat' id='x1'><body>hi "
          "dave\nline two</body></message>",
          "");
  ASSERT_STR_EQ(xpeer_take(&dave),
                "@msgid=1 :alice!alice@reed.test PRIVMSG dave :hi dave\r\n"
                ":alice!alice@reed.test PRIVMSG dave :line two\r\n");
  /* IRC to XMPP: from the account's JID with the origin as resource. */
  xpeer_send(&dave, "PRIVMSG alice :back at you\r\n");
  XIM_EXPECT(a1, "<message to='" A1 "' from='dave@reed.test/irc' "
                 "type='chat'><body>back at you</body>" SID("2") "</message>");
  /* A guest shows as nick@domain and is reached there. */
  xpeer_open(&w.tw, &carol, &reed_irc_module);
  xpeer_send(&carol, "NICK Carol\r\nUSER carol 0 * :Carol\r\n");
  xpeer_take(&carol);
  xpeer_send(&carol, "PRIVMSG alice :hello from irc\r\n");
  XIM_EXPECT(a1,
             "<message to='" A1 "' from='carol@reed.test/irc' "
             "type='chat'><body>hello from irc</body>" SID("3") "</message>");
  xim_say(a1,
          "<message to='carol@reed.test' type='chat'><body>hi carol"
          "</body></message>",
          "");
  ASSERT_STR_EQ(xpeer_take(&carol),
                ":alice!alice@reed.test PRIVMSG Carol :hi carol\r\n");
  /* An account with no session: IRC says so, nothing is kept for it. */
  xpeer_send(&dave, "PRIVMSG frank :anyone?\r\n");
  ASSERT_STR_EQ(xpeer_take(&dave),
                ":localhost 401 dave frank :No such nick/channel\r\n");
  tw_client_t *f1 = xim_login(&w, "frank", "f1");
  xim_online(f1, "");
  xpeer_close(&dave);
  xpeer_close(&carol);
  xim_free(&w);
}

TEST(xim_msg_amp)
{
  xim_t w;
  xpeer_t erin;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "erin");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  xim_online(a1, NULL);
  xpeer_open(&w.tw, &erin, &reed_amp_module);
  xpeer_box(&erin,
            (const char *const[]){"_command", "Login", "_ask", "1", "username",
                                  "erin", "password", "pw", NULL});
  ASSERT(xpeer_saw(&erin, "_answer"));
  /* AMP to XMPP, and back: the XMPP text reaches the AMP Tell event. */
  xpeer_box(&erin,
            (const char *const[]){"_command", "Tell", "_ask", "2", "user",
                                  "alice", "text", "from amp", NULL});
  XIM_EXPECT(a1, "<message to='" A1 "' from='erin@reed.test/amp' "
                 "type='chat'><body>from amp</body>" SID("1") "</message>");
  xim_say(a1,
          "<message to='erin@reed.test' type='chat'><body>to amp &lt;3"
          "</body></message>",
          "");
  ASSERT(xpeer_saw(&erin, "to amp <3"));
  xpeer_close(&erin);
  xim_free(&w);
}
