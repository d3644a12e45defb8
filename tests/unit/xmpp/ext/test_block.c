/* XEP-0191 blocking: the list and its pushes, then what it stops. */
#include "xext_fixture.h"

#include <string.h>

#define BNS "xmlns='urn:xmpp:blocking'"
#define A1 "alice@reed.test/pc"
#define A2 "alice@reed.test/phone"
#define ERR(to, from, kind, id, type, cond)                                    \
  "<" kind " to='" to "'" from " type='error' id='" id "'><error type='" type  \
  "'><" cond " " STANZA_NS "/></error></" kind ">"

static void
s_list(void *arg)
{
  xe_t x;
  tw_client_t *a, *b;

  REED_UNUSED(arg);
  xe_init(&x);
  xe_account(&x, "alice");
  a = xe_login(&x, "alice", "pc");
  b = xe_login(&x, "alice", "phone");
  XE_IQ(a, "<iq type='get' id='1'><blocklist " BNS "/></iq>",
        "<iq to='" A1 "' type='result' id='1'><blocklist " BNS
        "></blocklist></iq>");
  /* Malformed and empty requests change nothing. */
  XE_IQ(a, "<iq type='set' id='2'><block " BNS "><item jid='@x'/></block></iq>",
        ERR(A1, "", "iq", "2", "modify", "jid-malformed"));
  XE_IQ(a, "<iq type='set' id='3'><block " BNS "/></iq>",
        ERR(A1, "", "iq", "3", "modify", "bad-request"));
  /* Normalised JIDs; the push goes to the resource that fetched the
   * list (this one too), not to the other. */
  XE_IQ(a,
        "<iq type='set' id='4'><block " BNS "><item jid='Bob@Reed.Test'/>"
        "<item jid='spam.example'/></block></iq>",
        "<iq to='" A1 "' type='result' id='4'/><iq to='" A1
        "' type='set' id='18bcfe56be8-5'><block " BNS
        "><item jid='bob@reed.test'/><item jid='spam.example'/></block></iq>");
  XW_EXPECT(b, "");
  XE_IQ(b, "<iq type='get' id='5'><blocklist " BNS "/></iq>",
        "<iq to='" A2 "' type='result' id='5'><blocklist " BNS
        "><item jid='bob@reed.test'/><item jid='spam.example'/>"
        "</blocklist></iq>");
  /* Blocking again is no error. */
  XE_IQ(b,
        "<iq type='set' id='6'><block " BNS "><item jid='bob@reed.test'/>"
        "</block></iq>",
        "<iq to='" A2 "' type='result' id='6'/><iq to='" A2
        "' type='set' id='18bcfe56be8-6'><block " BNS
        "><item jid='bob@reed.test'/></block></iq>");
  XW_EXPECT(a, "<iq to='" A1 "' type='set' id='18bcfe56be8-7'><block " BNS
               "><item jid='bob@reed.test'/></block></iq>");
  XE_IQ(a,
        "<iq type='set' id='7'><unblock " BNS "><item jid='bob@reed.test'/>"
        "</unblock></iq>",
        "<iq to='" A1 "' type='result' id='7'/><iq to='" A1
        "' type='set' id='18bcfe56be8-9'><unblock " BNS
        "><item jid='bob@reed.test'/></unblock></iq>");
  XW_EXPECT(b, "<iq to='" A2 "' type='set' id='18bcfe56be8-8'><unblock " BNS
               "><item jid='bob@reed.test'/></unblock></iq>");
  XE_IQ(a, "<iq type='set' id='8'><unblock " BNS "/></iq>",
        "<iq to='" A1 "' type='result' id='8'/><iq to='" A1
        "' type='set' id='18bcfe56be8-b'><unblock " BNS "/></iq>");
  XW_EXPECT(b, "<iq to='" A2 "' type='set' id='18bcfe56be8-a'><unblock " BNS
               "/></iq>");
  XE_IQ(a, "<iq type='get' id='9'><blocklist " BNS "/></iq>",
        "<iq to='" A1 "' type='result' id='9'><blocklist " BNS
        "></blocklist></iq>");
  xe_free(&x);
}

TEST(block_list_and_pushes)
{
  tw_run_chunked(s_list, NULL);
}

/* Alice blocks bob: what she sends him is refused with <blocked/>; bob's
 * stanzas to her are refused as if she did not exist; presence both ways
 * vanishes. */
static void
s_enforce(void *arg)
{
  xe_t x;
  tw_client_t *a, *b;

  REED_UNUSED(arg);
  xe_init(&x);
  xe_account(&x, "alice");
  xe_account(&x, "bob");
  a = xe_login(&x, "alice", "pc");
  b = xe_login(&x, "bob", "pc");
  XE_IQ(a,
        "<iq type='set' id='1'><block " BNS "><item jid='bob@reed.test'/>"
        "</block></iq>",
        "<iq to='" A1 "' type='result' id='1'/>");
  XE_IQ(a, "<message to='bob@reed.test/pc' id='m1'><body>hi</body></message>",
        "<message to='" A1 "' from='bob@reed.test/pc' type='error' id='m1'>"
        "<error type='cancel'><not-acceptable " STANZA_NS "/><blocked "
        "xmlns='urn:xmpp:blocking:errors'/></error></message>");
  XE_IQ(a,
        "<iq type='get' id='2' to='bob@reed.test/pc'><ping "
        "xmlns='urn:xmpp:ping'/></iq>",
        "<iq to='" A1 "' from='bob@reed.test/pc' type='error' id='2'>"
        "<error type='cancel'><not-acceptable " STANZA_NS "/><blocked "
        "xmlns='urn:xmpp:blocking:errors'/></error></iq>");
  XE_IQ(a, "<presence to='bob@reed.test'/>", "");
  XE_IQ(b, "<message to='alice@reed.test' id='m2'><body>hi</body></message>",
        ERR("bob@reed.test/pc", " from='alice@reed.test'", "message", "m2",
            "cancel", "service-unavailable"));
  XE_IQ(b,
        "<iq type='get' id='3' to='alice@reed.test'><query "
        "xmlns='http://jabber.org/protocol/disco#info'/></iq>",
        ERR("bob@reed.test/pc", " from='alice@reed.test'", "iq", "3", "cancel",
            "service-unavailable"));
  XE_IQ(b, "<presence to='alice@reed.test' type='subscribe'/>", "");
  /* An error is never answered with an error. */
  XE_IQ(a, "<message to='bob@reed.test' type='error' id='e'/>", "");
  XW_EXPECT(b, "");
  xe_free(&x);
}

TEST(block_stops_stanzas)
{
  tw_run_chunked(s_enforce, NULL);
}

/* Another protocol's private message from a blocked account does not
 * reach the blocker's XMPP resources; room messages, echoes and other
 * senders pass. */
TEST(block_filters_model_events)
{
  xe_t x;
  tw_client_t *a;
  reed_xmpp_core_t *c;
  reed_event_t ev = {
      .kind = REED_EV_MESSAGE,
      .from = {.nick = "Carol", .account = "Carol", .origin = "irc"},
      .target = "alice"};

  xe_init(&x);
  xe_account(&x, "alice");
  a = xe_login(&x, "alice", "pc");
  c = a->core;
  ASSERT(!reed__xmpp_block_event(c, NULL, &ev));
  XE_IQ(a,
        "<iq type='set' id='1'><block " BNS "><item jid='carol@reed.test'/>"
        "</block></iq>",
        "<iq to='" A1 "' type='result' id='1'/>");
  ASSERT(reed__xmpp_block_event(c, NULL, &ev));
  ev.kind = REED_EV_TAGMSG;
  ASSERT(reed__xmpp_block_event(c, NULL, &ev));
  ev.room = "lobby";
  ASSERT(!reed__xmpp_block_event(c, NULL, &ev));
  ev.room = NULL;
  ev.from.account = NULL; /* a guest named Carol */
  ASSERT(!reed__xmpp_block_event(c, NULL, &ev));
  ev.from.account = "dave";
  ASSERT(!reed__xmpp_block_event(c, NULL, &ev));
  xe_free(&x);
}
