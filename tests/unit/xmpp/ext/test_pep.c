/* XEP-0163 PEP: what OMEMO needs (an open device list and bundle that a
 * contact fetches), publish-options and their preconditions, access
 * models, retrieval by count and id, retract, delete, notifications. */
#include "xext_fixture.h"

#define A1 "alice@reed.test/pc"
#define A2 "alice@reed.test/phone"
#define B1 "bob@reed.test/pc"
#define PS "http://jabber.org/protocol/pubsub"
#define DL "eu.siacs.conversations.axolotl.devicelist"
#define LIST                                                                   \
  "<list xmlns='eu.siacs.conversations.axolotl'><device id='7'/></list>"
#define OPTS(access)                                                           \
  "<publish-options><x xmlns='jabber:x:data' type='submit'><field "            \
  "var='FORM_TYPE' type='hidden'><value>" PS "#publish-options</value>"        \
  "</field><field var='pubsub#access_model'><value>" access "</value>"         \
  "</field></x></publish-options>"
#define PUB(id, node, item, opts)                                              \
  "<iq type='set' id='" id "'><pubsub xmlns='" PS "'><publish node='" node     \
  "'><item id='1'>" item "</item></publish>" opts "</pubsub></iq>"
#define EVENT(to, id, body)                                                    \
  "<message to='" to "' from='alice@reed.test' type='headline' id='" id        \
  "'><event xmlns='" PS "#event'>" body "</event></message>"
#define ITEMS(node, items) "<items node='" node "'>" items "</items>"
#define ERR2(to, from, id, type, cond, app)                                    \
  "<iq to='" to "'" from " type='error' id='" id "'><error type='" type        \
  "'><" cond " " STANZA_NS "/><" app " xmlns='" PS "#errors'/></error></iq>"

static void
s_omemo(void *arg)
{
  xe_t x;
  tw_client_t *a, *a2, *b;

  REED_UNUSED(arg);
  xe_init(&x);
  xe_account(&x, "alice");
  xe_account(&x, "bob");
  a = xe_login(&x, "alice", "pc");
  a2 = xe_login(&x, "alice", "phone");
  b = xe_login(&x, "bob", "pc");
  XE_IQ(a, PUB("1", DL, LIST, OPTS("open")),
        "<iq to='" A1 "' type='result' id='1'><pubsub xmlns='" PS
        "'><publish node='" DL "'><item id='1'/></publish></pubsub></iq>" EVENT(
            A1, "18bcfe56be8-7", ITEMS(DL, "<item id='1'>" LIST "</item>")));
  XW_EXPECT(a2, EVENT(A2, "18bcfe56be8-7",
                      ITEMS(DL, "<item id='1'>" LIST "</item>")));
  /* A contact with no subscription reads an open node. */
  XE_IQ(b,
        "<iq type='get' id='2' to='alice@reed.test'><pubsub xmlns='" PS
        "'><items node='" DL "'/></pubsub></iq>",
        "<iq to='" B1 "' from='alice@reed.test' type='result' id='2'><pubsub "
        "xmlns='" PS
        "'>" ITEMS(DL, "<item id='1'>" LIST "</item>") "</pubsub></iq>");
  /* Options that differ from the node's: precondition-not-met. */
  XE_IQ(a, PUB("3", DL, LIST, OPTS("presence")),
        ERR2(A1, "", "3", "cancel", "conflict", "precondition-not-met"));
  /* A node with the default access (presence) is closed to bob. */
  XE_IQ(a,
        PUB("4", "urn:xmpp:avatar:metadata",
            "<metadata xmlns='urn:xmpp:avatar:metadata'/>", ""),
        "<iq to='" A1 "' type='result' id='4'><pubsub xmlns='" PS
        "'><publish node='urn:xmpp:avatar:metadata'><item id='1'/></publish>"
        "</pubsub></iq>" EVENT(A1, "18bcfe56be8-8",
                               ITEMS("urn:xmpp:avatar:metadata",
                                     "<item id='1'><metadata "
                                     "xmlns='urn:xmpp:avatar:metadata'/>"
                                     "</item>")));
  tw_take(a2);
  XE_IQ(b,
        "<iq type='get' id='5' to='alice@reed.test'><pubsub xmlns='" PS
        "'><items node='urn:xmpp:avatar:metadata'/></pubsub></iq>",
        ERR2(B1, " from='alice@reed.test'", "5", "auth", "not-authorized",
             "presence-subscription-required"));
  /* Only the owner publishes. */
  XE_IQ(b,
        "<iq type='set' id='6' to='alice@reed.test'><pubsub xmlns='" PS
        "'><publish node='" DL "'><item id='9'>" LIST "</item></publish>"
        "</pubsub></iq>",
        "<iq to='" B1 "' from='alice@reed.test' type='error' id='6'><error "
        "type='auth'><forbidden " STANZA_NS "/></error></iq>");
  /* The account's disco#items show bob the open node only. */
  XE_IQ(b,
        "<iq type='get' id='7' to='alice@reed.test'><query "
        "xmlns='http://jabber.org/protocol/disco#items'/></iq>",
        "<iq to='" B1 "' from='alice@reed.test' type='result' id='7'><query "
        "xmlns='http://jabber.org/protocol/disco#items'><item "
        "jid='alice@reed.test' node='" DL "'/></query></iq>");
  XE_IQ(b,
        "<iq type='get' id='8' to='alice@reed.test'><pubsub xmlns='" PS
        "'><items node='nope'/></pubsub></iq>",
        "<iq to='" B1 "' from='alice@reed.test' type='error' id='8'><error "
        "type='cancel'><item-not-found " STANZA_NS "/></error></iq>");
  xe_free(&x);
}

TEST(pep_omemo_devicelist)
{
  tw_run_chunked(s_omemo, NULL);
}

#define MAX_OPTS                                                               \
  "<publish-options><x xmlns='jabber:x:data' type='submit'><field "            \
  "var='FORM_TYPE'><value>" PS "#publish-options</value></field><field "       \
  "var='pubsub#max_items'><value>max</value></field><field "                   \
  "var='pubsub#persist_items'><value>true</value></field></x>"                 \
  "</publish-options>"
#define N "urn:xmpp:test"
#define PUBN(id, item)                                                         \
  "<iq type='set' id='p" id "'><pubsub xmlns='" PS "'><publish node='" N       \
  "'><item id='" item "'><n xmlns='t'>" item "</n></item></publish>" MAX_OPTS  \
  "</pubsub></iq>"
#define IT(id) "<item id='" id "'><n xmlns='t'>" id "</n></item>"

static void
s_items(void *arg)
{
  xe_t x;
  tw_client_t *a;

  REED_UNUSED(arg);
  xe_init(&x);
  xe_account(&x, "alice");
  a = xe_login(&x, "alice", "pc");
  tw_send(a, PUBN("1", "a"));
  tw_send(a, PUBN("2", "b"));
  tw_send(a, PUBN("3", "c"));
  tw_take(a);
  XE_IQ(a,
        "<iq type='get' id='1'><pubsub xmlns='" PS "'><items node='" N
        "'/></pubsub></iq>",
        "<iq to='" A1 "' type='result' id='1'><pubsub xmlns='" PS
        "'>" ITEMS(N, IT("c") IT("b") IT("a")) "</pubsub></iq>");
  XE_IQ(a,
        "<iq type='get' id='2'><pubsub xmlns='" PS "'><items node='" N
        "' max_items='1'/></pubsub></iq>",
        "<iq to='" A1 "' type='result' id='2'><pubsub xmlns='" PS
        "'>" ITEMS(N, IT("c")) "</pubsub></iq>");
  XE_IQ(a,
        "<iq type='get' id='3'><pubsub xmlns='" PS "'><items node='" N
        "'><item id='a'/><item id='zz'/></items></pubsub></iq>",
        "<iq to='" A1 "' type='result' id='3'><pubsub xmlns='" PS
        "'>" ITEMS(N, IT("a")) "</pubsub></iq>");
  XE_IQ(a,
        "<iq type='set' id='4'><pubsub xmlns='" PS "'><retract node='" N
        "' notify='true'><item id='b'/></retract></pubsub></iq>",
        "<iq to='" A1 "' type='result' id='4'/>" EVENT(
            A1, "18bcfe56be8-6", ITEMS(N, "<retract id='b'/>")));
  XE_IQ(a,
        "<iq type='set' id='5'><pubsub xmlns='" PS "'><retract node='" N
        "'><item id='b'/></retract></pubsub></iq>",
        "<iq to='" A1 "' type='error' id='5'><error type='cancel'>"
        "<item-not-found " STANZA_NS "/></error></iq>");
  XE_IQ(a,
        "<iq type='set' id='6'><pubsub xmlns='" PS "#owner'><delete node='" N
        "'/></pubsub></iq>",
        "<iq to='" A1 "' type='result' id='6'/>" EVENT(
            A1, "18bcfe56be8-7", "<delete node='" N "'/>"));
  XE_IQ(a,
        "<iq type='get' id='7'><pubsub xmlns='" PS "'><items node='" N
        "'/></pubsub></iq>",
        "<iq to='" A1 "' type='error' id='7'><error type='cancel'>"
        "<item-not-found " STANZA_NS "/></error></iq>");
  xe_free(&x);
}

TEST(pep_items_retract_delete)
{
  tw_run_chunked(s_items, NULL);
}
