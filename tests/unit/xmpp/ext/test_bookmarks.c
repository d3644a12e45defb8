/* XEP-0402 bookmarks and the #compat mapping to XEP-0049's
 * storage:bookmarks, both ways. */
#include "xext_fixture.h"

#define A1 "alice@reed.test/pc"
#define A2 "alice@reed.test/phone"
#define PS "http://jabber.org/protocol/pubsub"
#define BM "urn:xmpp:bookmarks:1"
#define PNS "xmlns='jabber:iq:private'"
#define LOBBY "lobby@conference.reed.test"
#define DEV "dev@conference.reed.test"
#define OPTS                                                                   \
  "<publish-options><x xmlns='jabber:x:data' type='submit'><field "            \
  "var='FORM_TYPE' type='hidden'><value>" PS "#publish-options</value>"        \
  "</field><field var='pubsub#persist_items'><value>true</value></field>"      \
  "<field var='pubsub#max_items'><value>max</value></field><field "            \
  "var='pubsub#send_last_published_item'><value>never</value></field><field "  \
  "var='pubsub#access_model'><value>whitelist</value></field></x>"             \
  "</publish-options>"
#define NEW_LOBBY                                                              \
  "<conference xmlns='" BM "' name='The Lobby' autojoin='true'><nick>al"       \
  "</nick></conference>"
#define EVENT(to, id, body)                                                    \
  "<message to='" to "' from='alice@reed.test' type='headline' id='" id        \
  "'><event xmlns='" PS "#event'><items node='" BM "'>" body                   \
  "</items></event></message>"

static void
s_bookmarks(void *arg)
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
  /* A modern client publishes a bookmark... */
  XE_IQ(a,
        "<iq type='set' id='1'><pubsub xmlns='" PS "'><publish node='" BM
        "'><item id='" LOBBY "'>" NEW_LOBBY "</item></publish>" OPTS
        "</pubsub></iq>",
        "<iq to='" A1 "' type='result' id='1'><pubsub xmlns='" PS
        "'><publish node='" BM "'><item id='" LOBBY "'/></publish></pubsub>"
        "</iq>" EVENT(A1, "18bcfe56be8-7",
                      "<item id='" LOBBY "'>" NEW_LOBBY "</item>"));
  tw_take(a2);
  /* ...an older one reads it as XEP-0048 private storage... */
  XE_IQ(a2,
        "<iq type='get' id='2'><query " PNS "><storage "
        "xmlns='storage:bookmarks'/></query></iq>",
        "<iq to='" A2 "' type='result' id='2'><query " PNS
        "><storage xmlns='storage:bookmarks'><conference jid='" LOBBY
        "' name='The Lobby' autojoin='true'><nick>al</nick></conference>"
        "</storage></query></iq>");
  /* ...and writes its list: the lobby changes, dev comes... */
  XE_IQ(a2,
        "<iq type='set' id='3'><query " PNS "><storage "
        "xmlns='storage:bookmarks'><conference jid='" LOBBY "' name='Lobby' "
        "autojoin='0'/><conference jid='" DEV "' autojoin='1'><nick>al</nick>"
        "<password>s&amp;cret</password></conference></storage></query></iq>",
        EVENT(A2, "18bcfe56be8-8",
              "<item id='" LOBBY "'><conference xmlns='" BM
              "' name='Lobby'></conference></item>")
            EVENT(A2, "18bcfe56be8-9",
                  "<item id='" DEV "'><conference xmlns='" BM
                  "' autojoin='true'><nick>al</nick><password>s&amp;cret"
                  "</password></conference></item>") "<iq to='" A2
                                                     "' type='result' "
                                                     "id='3'/>");
  tw_take(a);
  /* ...which the modern client sees in the node (newest first). */
  XE_IQ(a,
        "<iq type='get' id='4'><pubsub xmlns='" PS "'><items node='" BM
        "'/></pubsub></iq>",
        "<iq to='" A1 "' type='result' id='4'><pubsub xmlns='" PS
        "'><items node='" BM "'><item id='" DEV "'><conference xmlns='" BM
        "' autojoin='true'><nick>al</nick><password>s&amp;cret</password>"
        "</conference></item><item id='" LOBBY "'><conference xmlns='" BM
        "' name='Lobby'></conference></item></items></pubsub></iq>");
  /* A list without the lobby retracts it. */
  XE_IQ(a2,
        "<iq type='set' id='5'><query " PNS "><storage "
        "xmlns='storage:bookmarks'><conference jid='" DEV "' autojoin='1'>"
        "<nick>al</nick><password>s&amp;cret</password></conference>"
        "</storage></query></iq>",
        EVENT(A2, "18bcfe56be8-a", "<retract id='" LOBBY "'/>")
            EVENT(A2, "18bcfe56be8-b",
                  "<item id='" DEV "'><conference xmlns='" BM
                  "' autojoin='true'><nick>al</nick><password>s&amp;cret"
                  "</password></conference></item>") "<iq to='" A2
                                                     "' type='result' "
                                                     "id='5'/>");
  /* Bookmarks are the owner's alone. */
  XE_IQ(b,
        "<iq type='get' id='6' to='alice@reed.test'><pubsub xmlns='" PS
        "'><items node='" BM "'/></pubsub></iq>",
        "<iq to='bob@reed.test/pc' from='alice@reed.test' type='error' "
        "id='6'><error type='auth'><not-authorized " STANZA_NS
        "/><closed-node xmlns='" PS "#errors'/></error></iq>");
  xe_free(&x);
}

TEST(bookmarks_compat)
{
  tw_run_chunked(s_bookmarks, NULL);
}
