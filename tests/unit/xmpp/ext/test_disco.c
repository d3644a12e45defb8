/* XEP-0030 disco of the server and of accounts, the XEP-0115 caps hash
 * and stream feature, XEP-0199 ping and XEP-0092 version. */
#include "xext_fixture.h"

#include <stdio.h>
#include <string.h>

#define DI "http://jabber.org/protocol/disco#info"
#define DITEMS "http://jabber.org/protocol/disco#items"
#define FEAT(v) "<feature var='" v "'/>"
/* What the server serves (sorted): every family's server vars. */
#define SERVER_FEATURES                                                        \
  FEAT("http://jabber.org/protocol/commands")                                  \
  FEAT(DI)                                                                     \
  FEAT(DITEMS)                                                                 \
  FEAT("jabber:iq:private")                                                    \
  FEAT("jabber:iq:version")                                                    \
  FEAT("urn:xmpp:blocking")                                                    \
  FEAT("urn:xmpp:carbons:2") FEAT("urn:xmpp:ping") FEAT("vcard-temp")
#define ACCOUNT_FEATURES                                                       \
  "<feature var='http://jabber.org/protocol/disco#info'/>"                     \
  "<feature var='http://jabber.org/protocol/disco#items'/>"                    \
  "<feature var='http://jabber.org/protocol/pubsub#access-open'/>"             \
  "<feature var='http://jabber.org/protocol/pubsub#access-presence'/>"         \
  "<feature var='http://jabber.org/protocol/pubsub#create-nodes'/>"            \
  "<feature var='http://jabber.org/protocol/pubsub#delete-nodes'/>"            \
  "<feature var='http://jabber.org/protocol/pubsub#item-ids'/>"                \
  "<feature var='http://jabber.org/protocol/pubsub#persistent-items'/>"        \
  "<feature var='http://jabber.org/protocol/pubsub#publish'/>"                 \
  "<feature var='http://jabber.org/protocol/pubsub#publish-options'/>"         \
  "<feature var='http://jabber.org/protocol/pubsub#retract-items'/>"           \
  "<feature var='http://jabber.org/protocol/pubsub#retrieve-items'/>"          \
  "<feature var='urn:xmpp:bookmarks:1#compat'/>"                               \
  "<feature var='urn:xmpp:mam:2'/>"                                            \
  "<feature var='urn:xmpp:mam:2#extended'/>"                                   \
  "<feature var='urn:xmpp:message-retract:1'/>"
#define ACCOUNT_IDS                                                            \
  "<identity category='account' type='registered'/>"                           \
  "<identity category='pubsub' type='pep'/>"

/* XEP-0115 section 5.2, example 1, step by step; then the same
 * computation on our own identity and features (the string hashed is
 * "server/im//reed<" and the four vars, each followed by '<'), given in
 * any order. */
TEST(caps_ver_xep_example)
{
  const xmpp_identity_t exodus = {
      .category = "client", .type = "pc", .name = "Exodus 0.9.1"};
  const char *ex_features[] = {
      "http://jabber.org/protocol/muc",
      "http://jabber.org/protocol/disco#info",
      "http://jabber.org/protocol/caps",
      "http://jabber.org/protocol/disco#items",
  };
  const char *ours[] = {"urn:xmpp:ping", DI, "jabber:iq:version", DITEMS};
  const xmpp_identity_t two[] = {
      {.category = "server", .type = "im", .name = "reed"},
      {.category = "pubsub", .type = "pep"},
  };
  char ver[32];

  ASSERT_EQ(reed__xmpp_caps_ver(&exodus, 1, ex_features, 4, ver), 0);
  ASSERT_STR_EQ(ver, "QgayPKawpkPSDYmwT/WM94uAlu0=");
  ASSERT_EQ(reed__xmpp_caps_ver(&reed__xmpp_server_identity, 1, ours, 4, ver),
            0);
  ASSERT_STR_EQ(ver, "wPrTZtPtAyOWIMbgT91f/bdb+us=");
  /* Identities sort by category: "pubsub/pep//<server/im//reed<". */
  ASSERT_EQ(reed__xmpp_caps_ver(two, 2, NULL, 0, ver), 0);
  ASSERT_STR_EQ(ver, "AeCqPwbXXoM1yrnkcPKhKbyTsLM=");
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* The server's ver hashes exactly what disco#info lists. */
TEST(caps_ver_is_the_servers_disco)
{
  const char *vars[XMPP_DISCO_MAX];
  size_t n = reed__xmpp_disco_features(XMPP_DISCO_SERVER, vars, 64);
  char ver[32];

  ASSERT_EQ(reed__xmpp_caps_ver(&reed__xmpp_server_identity, 1, vars, n, ver),
            0);
  ASSERT_STR_EQ(reed__xmpp_server_ver(), ver);
  for (size_t i = 1; i < n; i++)
    ASSERT(strcmp(vars[i - 1], vars[i]) < 0); /* sorted, no repeats */
}

typedef struct {
  const char *name;
  const char *in;
  const char *want;
} iq_case_t;

#define ME "alice@reed.test/pc"
#define RES(from, id, body)                                                    \
  "<iq to='" ME "'" from " type='result' id='" id "'>" body "</iq>"

static const iq_case_t iq_cases[] = {
    {"disco#info of the server",
     "<iq type='get' id='1' to='reed.test'><query xmlns='" DI "'/></iq>",
     RES(" from='reed.test'", "1",
         "<query xmlns='" DI "'><identity category='server' type='im' "
         "name='reed'/>" SERVER_FEATURES "</query>")},
    {"disco#info of the account (no to)",
     "<iq type='get' id='2'><query xmlns='" DI "'/></iq>",
     RES("", "2",
         "<query xmlns='" DI "'>" ACCOUNT_IDS ACCOUNT_FEATURES "</query>")},
    {"disco#info of the own bare JID",
     "<iq type='get' id='3' to='Alice@reed.test'><query xmlns='" DI "'/></iq>",
     RES(" from='Alice@reed.test'", "3",
         "<query xmlns='" DI "'>" ACCOUNT_IDS ACCOUNT_FEATURES "</query>")},
    {"disco#info of another account",
     "<iq type='get' id='4' to='bob@reed.test'><query xmlns='" DI "'/></iq>",
     RES(" from='bob@reed.test'", "4",
         "<query xmlns='" DI "'>" ACCOUNT_IDS ACCOUNT_FEATURES "</query>")},
    {"disco#info of no account",
     "<iq type='get' id='5' to='nobody@reed.test'><query xmlns='" DI "'/></iq>",
     "<iq to='" ME "' from='nobody@reed.test' type='error' id='5'><error "
     "type='cancel'><service-unavailable " STANZA_NS "/></error></iq>"},
    {"disco#info of an unknown node",
     "<iq type='get' id='6' to='reed.test'><query xmlns='" DI
     "' node='x'/></iq>",
     "<iq to='" ME "' from='reed.test' type='error' id='6'><error "
     "type='cancel'><item-not-found " STANZA_NS "/></error></iq>"},
    {"disco#items of the server",
     "<iq type='get' id='7' to='reed.test'><query xmlns='" DITEMS "'/></iq>",
     RES(" from='reed.test'", "7",
         "<query xmlns='" DITEMS "'><item jid='conference.reed.test' "
         "name='Rooms'/></query>")},
    {"disco#items of the account",
     "<iq type='get' id='8'><query xmlns='" DITEMS "'/></iq>",
     RES("", "8", "<query xmlns='" DITEMS "'></query>")},
    {"ping the server",
     "<iq type='get' id='p1' to='reed.test'><ping xmlns='urn:xmpp:ping'/>"
     "</iq>",
     "<iq to='" ME "' from='reed.test' type='result' id='p1'/>"},
    {"ping without to",
     "<iq type='get' id='p2'><ping xmlns='urn:xmpp:ping'/></iq>",
     "<iq to='" ME "' type='result' id='p2'/>"},
    {"ping the own bare JID",
     "<iq type='get' id='p3' to='alice@reed.test'><ping "
     "xmlns='urn:xmpp:ping'/></iq>",
     "<iq to='" ME "' from='alice@reed.test' type='result' id='p3'/>"},
    {"version of the server",
     "<iq type='get' id='v1' to='reed.test'><query "
     "xmlns='jabber:iq:version'/></iq>",
     RES(" from='reed.test'", "v1",
         "<query "
         "xmlns='jabber:iq:version'><name>reed</name><version>" REED_VERSION
         "</version></query>")},
    {"version of the account is not served",
     "<iq type='get' id='v2'><query xmlns='jabber:iq:version'/></iq>",
     "<iq to='" ME "' type='error' id='v2'><error type='cancel'>"
     "<service-unavailable " STANZA_NS "/></error></iq>"},
};

static void
s_iq(void *arg)
{
  const iq_case_t *k = arg;
  xe_t x;
  tw_client_t *a;

  xe_init(&x);
  xe_account(&x, "alice");
  xe_account(&x, "bob");
  a = xe_login(&x, "alice", "pc");
  XE_IQ(a, k->in, k->want);
  xe_free(&x);
}

TEST(disco_ping_version)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(iq_cases); i++) {
    printf("# %s\n", iq_cases[i].name);
    tw_run_chunked(s_iq, (void *)&iq_cases[i]);
  }
}

/* XEP-0115 6.2: disco#info of node#ver answers with the node. */
TEST(disco_caps_node)
{
  xe_t x;
  tw_client_t *a;
  char in[256], want[2048];

  xe_init(&x);
  xe_account(&x, "alice");
  a = xe_login(&x, "alice", "pc");
  snprintf(in, sizeof(in),
           "<iq type='get' id='c' to='reed.test'><query xmlns='" DI
           "' node='urn:reed:caps#%s'/></iq>",
           reed__xmpp_server_ver());
  snprintf(want, sizeof(want),
           RES(" from='reed.test'", "c",
               "<query xmlns='" DI "' node='urn:reed:caps#%s'><identity "
               "category='server' type='im' name='reed'/>" SERVER_FEATURES
               "</query>"),
           reed__xmpp_server_ver());
  XE_IQ(a, in, want);
  xe_free(&x);
}
