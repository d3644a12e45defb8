/* XEP-0198 on a live stream: <enable/>, the counts both ways (<r/> and
 * <a/>, our <r/> after XSM_REQ_EVERY stanzas and after XSM_REQ_MS), the
 * checks of h, and the queue's bound ([xmpp] max_resume_queue). */
#include "sm_fixture.h"

#include <string.h>

#define TO_BOB                                                                 \
  "<message to='bob@reed.test/b1' type='chat'><body>x</body></message>"

static void
two(smw_t *w, tw_client_t **a1, tw_client_t **b1)
{
  smw_init(w);
  smw_account(w, "alice");
  smw_account(w, "bob");
  *a1 = smw_login(w, "alice", "a1");
  *b1 = smw_login(w, "bob", "b1");
  smw_say(*a1, "<presence/>",
          "<presence to='alice@reed.test/a1' from='alice@reed.test/a1'/>");
  smw_say(*b1, "<presence/>",
          "<presence to='bob@reed.test/b1' from='bob@reed.test/b1'/>");
}

static void
chat_to_a1(tw_client_t *b1, tw_client_t *a1, const char *text, int sid,
           const char *after)
{
  char want[512];

  smw_chat(b1, text);
  smw_chat_out(want, sizeof(want) - 64, text, sid);
  strcat(want, after);
  SM_EXPECT(a1, want);
}

TEST(xsm_enable_and_acks)
{
  smw_t w;
  tw_client_t *a1, *b1;
  char id[32];

  two(&w, &a1, &b1);
  /* Before <enable/>: nothing counted, nothing said. */
  smw_say(a1, SM_R, "");
  smw_enable(a1, id);
  smw_say(a1, "<enable " SM_NS "/>",
          "<failed " SM_NS "><unexpected-request " SM_STANZAS "/></failed>");
  smw_say(a1, SM_R, "<a " SM_NS " h='0'/>");
  /* Inbound: two stanzas handled. */
  smw_say(a1, TO_BOB, "");
  smw_say(a1, TO_BOB, "");
  smw_say(a1, SM_R, "<a " SM_NS " h='2'/>");
  tw_take(b1);
  /* Outbound: the fifth unacknowledged stanza brings our <r/>. */
  chat_to_a1(b1, a1, "m3", 3, "");
  chat_to_a1(b1, a1, "m4", 4, "");
  chat_to_a1(b1, a1, "m5", 5, "");
  chat_to_a1(b1, a1, "m6", 6, "");
  chat_to_a1(b1, a1, "m7", 7, SM_R);
  ASSERT_EQ(smw_sm(a1)->q_stanzas, 5);
  smw_say(a1, "<a " SM_NS " h='3'/>", "");
  ASSERT_EQ(smw_sm(a1)->q_stanzas, 2);
  smw_say(a1, "<a " SM_NS " h='5'/>", "");
  ASSERT_EQ(smw_sm(a1)->q_stanzas, 0);
  smw_say(a1, "<a " SM_NS " h='4'/>", ""); /* older: nothing new */
  /* One more, unacknowledged: <r/> once XSM_REQ_MS have passed. */
  chat_to_a1(b1, a1, "m8", 8, "");
  fc_advance(w.tw.fc, XSM_REQ_MS - 1);
  SM_EXPECT(a1, "");
  fc_advance(w.tw.fc, 1);
  SM_EXPECT(a1, SM_R);
  /* h above what was sent ends the stream (XEP-0198 4). */
  smw_say(a1, "<a " SM_NS " h='7'/>",
          "<stream:error><undefined-condition "
          "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><handled-count-too-"
          "high " SM_NS " h='7' send-count='6'/></stream:error>"
          "</stream:stream>");
  ASSERT(a1->ft->closed);
  smw_free(&w);
}

TEST(xsm_enable_checks)
{
  smw_t w;
  tw_client_t *a, *a1;

  smw_init(&w);
  smw_account(&w, "alice");
  /* Before bind: refused (XEP-0198 3). */
  a = smw_auth(&w, "alice/unbound", "alice");
  smw_say(a, "<enable " SM_NS " resume='true'/>",
          "<failed " SM_NS "><unexpected-request " SM_STANZAS "/></failed>");
  /* Without resume: acks only, no id. */
  a1 = smw_login(&w, "alice", "a1");
  smw_say(a1, "<enable " SM_NS "/>", "<enabled " SM_NS "/>");
  ASSERT(!smw_sm(a1)->resume);
  /* A bad h ends the stream. */
  smw_say(a1, "<a " SM_NS " h='x'/>",
          "<stream:error><invalid-xml "
          "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
          "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Missing or invalid "
          "&apos;h&apos;</text></stream:error></stream:stream>");
  smw_free(&w);
}

TEST(xsm_queue_bound)
{
  smw_t w;
  tw_client_t *a1, *b1;
  char id[32];

  two(&w, &a1, &b1);
  smw_conf(&w)->max_resume_queue = 3;
  smw_enable(a1, id);
  chat_to_a1(b1, a1, "m1", 1, "");
  chat_to_a1(b1, a1, "m2", 2, "");
  chat_to_a1(b1, a1, "m3", 3, "");
  smw_say(a1, "<a " SM_NS " h='1'/>", "");
  chat_to_a1(b1, a1, "m4", 4, "");
  /* The fourth unacknowledged one does not fit: not sent, and the stream
   * ends from the clock with <resource-constraint/>. */
  smw_chat(b1, "m5");
  SM_EXPECT(a1, "");
  fc_advance(w.tw.fc, 0);
  SM_EXPECT(a1, "<stream:error><resource-constraint "
                "xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text "
                "xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Too many "
                "unacknowledged stanzas</text></stream:error>"
                "</stream:stream>");
  ASSERT(a1->ft->closed);
  /* Not parked: the session is gone. */
  tw_eof(a1, "Connection closed");
  ASSERT(reed__xmpp_reg_find(&((reed_xmpp_state_t *)w.tw.module_state)->reg,
                             "alice", "a1") == NULL);
  smw_free(&w);
}
