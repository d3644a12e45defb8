/* One-to-one messages between XMPP resources (RFC 6121 5, 8.5): the bare
 * JID reaches the available resources of non-negative priority, a full
 * JID its resource alone (or the bare JID when there is none), a message
 * without a body travels between XMPP resources only; the model's id as
 * <stanza-id/>, the sender's id and origin-id kept; errors for unknown
 * users, group chat to a user and text the model refuses, and never an
 * error for an error. */
#include "xim_fixture.h"

#include <string.h>

#define A1 "alice@reed.test/a1"
#define A2 "alice@reed.test/a2"
#define B1 "bob@reed.test/b1"
#define MSG(to, rest) "<message to='" to "' from='" B1 "'" rest
#define SID(id) "<stanza-id " XIM_SID " by='alice@reed.test' id='" id "'/>"
#define ERR(id, type, cond, text)                                              \
  "<message to='" B1 "' from='alice@reed.test' type='error' id='" id "'>"      \
  "<error type='" type "'><" cond " " XIM_STANZAS "/>" text                    \
  "</error></message>"

static void
three(xim_t *w, tw_client_t **a1, tw_client_t **a2, tw_client_t **b1)
{
  xim_init(w);
  xim_account(w, "alice");
  xim_account(w, "bob");
  *a1 = xim_login(w, "alice", "a1");
  *a2 = xim_login(w, "alice", "a2");
  *b1 = xim_login(w, "bob", "b1");
  xim_online(*a1, NULL);
  xim_say(*a2, "<presence><priority>-1</priority></presence>",
          "<presence to='" A2 "' from='" A2
          "'><priority>-1</priority></presence>"
          "<presence to='" A2 "' from='" A1 "'/>");
  XIM_EXPECT(*a1, "<presence to='" A1 "' from='" A2
                  "'><priority>-1</priority></presence>");
  xim_online(*b1, NULL);
}

TEST(xim_msg_routing)
{
  xim_t w;
  tw_client_t *a1, *a2, *b1;
  three(&w, &a1, &a2, &b1);

  /* To the bare JID: a1 (priority 0), not a2 (-1); text intact, XML
   * escaped, the line break kept; the model's id, the sender's ids. */
  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='m1'><body>hi &amp; "
          "&lt;you&gt; \xc3\xa9\n2nd</body><origin-id " XIM_SID
          " id='o1'/></message>",
          "");
  XIM_EXPECT(a1,
             MSG(A1, " type='chat' id='m1'><body>hi &amp; &lt;you&gt; "
                     "\xc3\xa9\n2nd</body>" SID("1") "<origin-id " XIM_SID
                                                     " id='o1'/></message>"));
  XIM_EXPECT(a2, "");
  /* To a full JID: that resource alone, whatever its priority. */
  xim_say(b1,
          "<message to='alice@reed.test/a2' type='chat' id='m2'><body>to a2"
          "</body></message>",
          "");
  XIM_EXPECT(a2, MSG(A2, " type='chat' id='m2'><body>to a2</body>" SID(
                             "2") "</message>"));
  XIM_EXPECT(a1, "");
  /* To a resource that is not there: as to the bare JID (8.5.3.2.1). */
  xim_say(b1,
          "<message to='alice@reed.test/zz' type='chat' id='m3'><body>zz"
          "</body></message>",
          "");
  XIM_EXPECT(a1, MSG(A1, " type='chat' id='m3'><body>zz</body>" SID(
                             "3") "</message>"));
  /* No body (a chat state): XMPP resources only, as sent. */
  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='m4'><composing "
          "xmlns='http://jabber.org/protocol/chatstates'/></message>",
          "");
  XIM_EXPECT(a1, MSG(A1, " type='chat' id='m4'><composing "
                         "xmlns='http://jabber.org/protocol/chatstates'/>"
                         "</message>"));
  /* XEP-0245's /me is the model's action, shown as /me again; no type
   * is normal. */
  xim_say(b1,
          "<message to='alice@reed.test' id='m5'><body>/me waves</body>"
          "</message>",
          "");
  XIM_EXPECT(a1, MSG(A1, " type='normal' id='m5'><body>/me waves</body>" SID(
                             "4") "</message>"));
  XIM_EXPECT(a2, "");
  xim_free(&w);
}

TEST(xim_msg_errors)
{
  xim_t w;
  tw_client_t *a1, *a2, *b1;
  char big[5200];
  three(&w, &a1, &a2, &b1);

  xim_say(b1, "<message to='nobody@reed.test' id='e1'><body>x</body></message>",
          "<message to='" B1 "' from='nobody@reed.test' type='error' id='e1'>"
          "<error type='cancel'><service-unavailable " XIM_STANZAS
          "/></error></message>");
  /* An error is never answered. */
  xim_say(b1, "<message to='nobody@reed.test' type='error' id='e2'/>", "");
  xim_say(b1,
          "<message to='alice@reed.test' type='groupchat' id='e3'><body>x"
          "</body></message>",
          ERR("e3", "cancel", "service-unavailable", ""));
  /* Past the model's bound: refused with a stanza error, not dropped. */
  memset(big, 'x', sizeof(big));
  memcpy(big, "<message to='alice@reed.test' id='e4'><body>", 44);
  strcpy(big + 5000, "</body></message>");
  xim_say(b1, big,
          ERR("e4", "modify", "policy-violation",
              "<text " XIM_STANZAS ">The message is too long</text>"));
  /* To one's own account: the other resources; to one's own full JID:
   * that resource; never kept for later. */
  xim_say(a1,
          "<message to='alice@reed.test' id='s1'><body>self</body>"
          "</message>",
          "");
  XIM_EXPECT(a2, "");
  xim_say(a1,
          "<message to='alice@reed.test/a1' id='s2'><body>me</body>"
          "</message>",
          "<message to='" A1 "' from='" A1
          "' id='s2'><body>me</body></message>");
  /* A headline to a resource that is not there is dropped. */
  xim_say(b1,
          "<message to='alice@reed.test/zz' type='headline' id='e5'><body>x"
          "</body></message>",
          "");
  XIM_EXPECT(a1, "");
  XIM_EXPECT(a2, "");
  /* None of it was kept for Alice. */
  tw_eof(a1, "gone");
  tw_eof(a2, "gone");
  tw_client_t *a3 = xim_login(&w, "alice", "a3");
  xim_online(a3, "");
  xim_free(&w);
}

TEST(xim_msg_offline)
{
  xim_t w;
  tw_client_t *a1, *a2, *b1;
  three(&w, &a1, &a2, &b1);
  xim_conf(&w)->offline_max = 2;

  /* Alice's only available resources: a1 (0) and a2 (-1). With a1 gone,
   * a2 does not take bare messages: kept for later (with the model's id,
   * the session is there), and so with nobody at all (the model keeps it
   * for the account: reed_tell_account; a2's quit took id 2). */
  tw_eof(a1, "gone");
  XIM_EXPECT(b1, "");
  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='k1'><body>one"
          "</body></message>",
          "");
  tw_eof(a2, "gone");
  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='k2'><body>two"
          "</body></message>",
          "");
  /* Full: refused for the sender. */
  xim_say(b1,
          "<message to='alice@reed.test' type='chat' id='k3'><body>3"
          "</body></message>",
          ERR("k3", "cancel", "service-unavailable",
              "<text " XIM_STANZAS
              ">Offline storage for this user is full</text>"));
  /* Delivered at the next initial presence with <delay/>, once. */
  tw_client_t *a3 = xim_login(&w, "alice", "a3");
  xim_online(a3,
             "<message to='alice@reed.test/a3' from='" B1
             "' type='chat' id='k1'><body>one</body>" SID(
                 "1") "<delay xmlns='urn:xmpp:delay' from='reed.test' "
                      "stamp='2023-11-14T22:13:21.000Z'/></message>"
                      "<message to='alice@reed.test/a3' from='" B1
                      "' type='chat' id='k2'><body>two</body>" SID(
                          "3") "<delay xmlns='urn:xmpp:delay' from='reed.test' "
                               "stamp='2023-11-14T22:13:21.000Z'/></message>");
  tw_eof(a3, "gone");
  tw_client_t *a4 = xim_login(&w, "alice", "a4");
  xim_online(a4, "");
  xim_free(&w);
}
