/* XEP-0054 vcard-temp and XEP-0049 private XML storage. */
#include "xext_fixture.h"

#define A1 "alice@reed.test/pc"
#define B1 "bob@reed.test/pc"
#define PNS "xmlns='jabber:iq:private'"
#define VC "<vCard xmlns='vcard-temp'><FN>Alice &amp; co</FN></vCard>"
#define ERR(to, from, id, type, cond)                                          \
  "<iq to='" to "'" from " type='error' id='" id "'><error type='" type        \
  "'><" cond " " STANZA_NS "/></error></iq>"

static void
s_vcard(void *arg)
{
  xe_t x;
  tw_client_t *a, *b;

  REED_UNUSED(arg);
  xe_init(&x);
  xe_account(&x, "alice");
  xe_account(&x, "bob");
  a = xe_login(&x, "alice", "pc");
  b = xe_login(&x, "bob", "pc");
  XE_IQ(a, "<iq type='get' id='1'><vCard xmlns='vcard-temp'/></iq>",
        "<iq to='" A1
        "' type='result' id='1'><vCard xmlns='vcard-temp'/></iq>");
  XE_IQ(a, "<iq type='set' id='2'>" VC "</iq>",
        "<iq to='" A1 "' type='result' id='2'/>");
  XE_IQ(a, "<iq type='get' id='3'><vCard xmlns='vcard-temp'/></iq>",
        "<iq to='" A1 "' type='result' id='3'>" VC "</iq>");
  /* Others read it; only the owner writes it. */
  XE_IQ(b,
        "<iq type='get' id='4' to='alice@reed.test'><vCard "
        "xmlns='vcard-temp'/></iq>",
        "<iq to='" B1 "' from='alice@reed.test' type='result' id='4'>" VC
        "</iq>");
  XE_IQ(b, "<iq type='set' id='5' to='alice@reed.test'>" VC "</iq>",
        ERR(B1, " from='alice@reed.test'", "5", "auth", "forbidden"));
  XE_IQ(b,
        "<iq type='get' id='6' to='nobody@reed.test'><vCard "
        "xmlns='vcard-temp'/></iq>",
        ERR(B1, " from='nobody@reed.test'", "6", "cancel",
            "service-unavailable"));
  xe_free(&x);
}

TEST(vcard_temp)
{
  tw_run_chunked(s_vcard, NULL);
}

static void
s_private(void *arg)
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
        "<iq type='get' id='1'><query " PNS "><exodus xmlns='exodus:prefs'/>"
        "</query></iq>",
        "<iq to='" A1 "' type='result' id='1'><query " PNS
        "><exodus xmlns='exodus:prefs'/></query></iq>");
  XE_IQ(a,
        "<iq type='set' id='2'><query " PNS "><exodus xmlns='exodus:prefs'>"
        "<defaultnick>Hamlet</defaultnick></exodus></query></iq>",
        "<iq to='" A1 "' type='result' id='2'/>");
  XE_IQ(a,
        "<iq type='get' id='3'><query " PNS "><exodus xmlns='exodus:prefs'/>"
        "</query></iq>",
        "<iq to='" A1 "' type='result' id='3'><query " PNS
        "><exodus xmlns='exodus:prefs'><defaultnick>Hamlet</defaultnick>"
        "</exodus></query></iq>");
  /* Same name, another namespace: another element. */
  XE_IQ(a,
        "<iq type='get' id='4'><query " PNS "><exodus xmlns='other:ns'/>"
        "</query></iq>",
        "<iq to='" A1 "' type='result' id='4'><query " PNS
        "><exodus xmlns='other:ns'/></query></iq>");
  XE_IQ(a,
        "<iq type='set' id='5'><query " PNS "><x xmlns='jabber:iq:roster'/>"
        "</query></iq>",
        ERR(A1, "", "5", "modify", "not-acceptable"));
  XE_IQ(a, "<iq type='get' id='6'><query " PNS "/></iq>",
        ERR(A1, "", "6", "modify", "bad-format"));
  XE_IQ(a,
        "<iq type='get' id='7'><query " PNS "><a xmlns='x:a'/><b "
        "xmlns='x:b'/></query></iq>",
        ERR(A1, "", "7", "modify", "bad-format"));
  XE_IQ(b,
        "<iq type='get' id='8' to='alice@reed.test'><query " PNS
        "><exodus xmlns='exodus:prefs'/></query></iq>",
        ERR(B1, " from='alice@reed.test'", "8", "auth", "forbidden"));
  xe_free(&x);
}

TEST(private_storage)
{
  tw_run_chunked(s_private, NULL);
}
