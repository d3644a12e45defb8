/* XEP-0352: while inactive, presence is held (the latest per sender) and
 * goes out at <active/> or before a message with a body; a bodyless
 * message passes alone. */
#include "sm_fixture.h"

#include <string.h>

#define CSI "xmlns='urn:xmpp:csi:0'"
#define P_A2(rest)                                                             \
  "<presence to='alice@reed.test/a1' from='alice@reed.test/a2'" rest
#define P_B1(rest)                                                             \
  "<presence to='alice@reed.test/a1' from='bob@reed.test/b1'" rest

TEST(xcsi_hold_and_flush)
{
  smw_t w;
  tw_client_t *a1, *a2, *b1;
  char want[1024], msg[256];

  smw_init(&w);
  smw_account(&w, "alice");
  smw_account(&w, "bob");
  a1 = smw_login(&w, "alice", "a1");
  b1 = smw_login(&w, "bob", "b1");
  smw_say(a1, "<presence/>",
          "<presence to='alice@reed.test/a1' from='alice@reed.test/a1'/>");
  smw_say(a1, "<inactive " CSI "/>", "");
  a2 = smw_login(&w, "alice", "a2");
  tw_send(a2, "<presence/>");
  tw_take(a2);
  SM_EXPECT(a1, "");
  tw_send(a2, "<presence><show>away</show></presence>");
  tw_take(a2);
  tw_send(b1, "<presence to='alice@reed.test/a1'/>");
  SM_EXPECT(a1, "");
  /* A chat state passes alone. */
  smw_say(b1,
          "<message to='alice@reed.test/a1' type='chat'><active "
          "xmlns='http://jabber.org/protocol/chatstates'/></message>",
          "");
  ASSERT(strstr(tw_take(a1), "chatstates") != NULL);
  /* A message with a body: what is held goes first, a2's latest only. */
  smw_chat(b1, "hi");
  strcpy(want, P_A2("><show>away</show></presence>") P_B1("/>"));
  strcat(want, smw_chat_out(msg, sizeof(msg), "hi", 1));
  SM_EXPECT(a1, want);
  /* Held again, out at <active/>, and not held after it. */
  tw_send(a2, "<presence type='unavailable'/>");
  tw_take(a2);
  SM_EXPECT(a1, "");
  smw_say(a1, "<active " CSI "/>", P_A2(" type='unavailable'/>"));
  tw_send(b1, "<presence to='alice@reed.test/a1' type='unavailable'/>");
  SM_EXPECT(a1, P_B1(" type='unavailable'/>"));
  smw_free(&w);
}
