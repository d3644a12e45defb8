/* XEP-0114 external components through the fake transport: the handshake
 * (whole, at 1, 2, 3 and 7 bytes per feed, and cut at every byte), the
 * stream errors (one table), routing both ways with a logged-in client
 * (full and bare JIDs, iq answers, a component that is not connected,
 * blocking, disco#items), the config checks and the listener role. */
#include "config.h"
#include "xmpp_component.h"
#include "xmpp_fixture.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#define GW "gw.reed.test"
#define SECRET "s3cret"
#define COMP_HDR(to)                                                           \
  "<stream:stream xmlns='jabber:component:accept' xmlns:stream='" NS_STREAMS   \
  "' to='" to "'>"
#define SE(cond) "<stream:error><" cond " " SE_NS "/></stream:error>"

static char *entries[] = {GW ":" SECRET, "off.reed.test:other"};

static void
init(xw_t *w)
{
  xw_init_store(w, false);
  xw_conf(w)->components = (reed_strlist_t){entries, 2};
}

static void
done(xw_t *w)
{
  xw_conf(w)->components = (reed_strlist_t){0};
  xw_free(w);
}

/* Our header of the n-th stream, from `domain`. */
static const char *
comp_hdr(char *buf, size_t size, unsigned n, const char *domain)
{
  snprintf(buf, size,
           "<?xml version='1.0'?><stream:stream "
           "xmlns='jabber:component:accept' xmlns:stream='" NS_STREAMS
           "' id='18bcfe56be8-%x' from='%s'>",
           n, domain);
  return buf;
}

/* <handshake>hex(SHA-1(id of stream n + secret))</handshake> */
static const char *
handshake(char *buf, size_t size, unsigned n, const char *secret)
{
  char in[128];
  uint8_t md[SHA_DIGEST_LENGTH];
  size_t k;

  snprintf(in, sizeof(in), "18bcfe56be8-%x%s", n, secret);
  SHA1((const uint8_t *)in, strlen(in), md);
  k = (size_t)snprintf(buf, size, "<handshake>");
  for (size_t i = 0; i < sizeof(md); i++)
    k += (size_t)snprintf(buf + k, size - k, "%02x", md[i]);
  snprintf(buf + k, size - k, "</handshake>");
  return buf;
}

static tw_client_t *
component(xw_t *w, const char *name)
{
  tw_client_t *c;

  w->tw.role = REED_XCOMP_ROLE;
  c = tw_client(&w->tw, name);
  w->tw.role = NULL;
  return c;
}

/* A connected component on stream n. */
static tw_client_t *
connected(xw_t *w, unsigned n)
{
  tw_client_t *c = component(w, "gw");
  char h[256], hs[128], want[512];

  tw_send(c, COMP_HDR(GW));
  tw_send(c, handshake(hs, sizeof(hs), n, SECRET));
  snprintf(want, sizeof(want), "%s<handshake/>", comp_hdr(h, sizeof(h), n, GW));
  XW_EXPECT(c, want);
  return c;
}

/* ---- The handshake --------------------------------------------------------
 */

static void
s_handshake(void *arg)
{
  xw_t w;
  tw_client_t *c;

  REED_UNUSED(arg);
  init(&w);
  c = connected(&w, 1);
  ASSERT(reed__xcomp_find(w.tw.module_state, "GW.reed.test") == c->core);
  /* The negotiation timeout (60 s) is off once it is in; after
   * ping_interval (120 s) of silence a whitespace keepalive goes out, so a
   * dead component cannot hold its domain. */
  fc_advance(w.tw.fc, 119999);
  XW_EXPECT(c, "");
  fc_advance(w.tw.fc, 1);
  XW_EXPECT(c, " ");
  tw_send(c, "</stream:stream>");
  XW_EXPECT(c, "</stream:stream>");
  ASSERT(c->ft->closed);
  ASSERT(reed__xcomp_find(w.tw.module_state, GW) == NULL);
  done(&w);
}

TEST(component_handshake)
{
  tw_run_chunked(s_handshake, NULL);
}

/* Header and handshake in two writes, cut at every byte. */
TEST(component_handshake_every_cut)
{
  char in[512], hs[128], h[256], want[512];

  snprintf(in, sizeof(in), "%s%s", COMP_HDR(GW),
           handshake(hs, sizeof(hs), 1, SECRET));
  snprintf(want, sizeof(want), "%s<handshake/>", comp_hdr(h, sizeof(h), 1, GW));
  for (size_t cut = 0; cut <= strlen(in); cut++) {
    xw_t w;
    tw_client_t *c;
    init(&w);
    c = component(&w, "gw");
    tw_send_bytes(c, in, cut);
    tw_send_bytes(c, in + cut, strlen(in) - cut);
    XW_EXPECT(c, want);
    done(&w);
  }
}

/* ---- Stream errors --------------------------------------------------------
 */

typedef struct {
  const char *name;
  const char *hdr;    /* what the component sends first */
  const char *secret; /* its handshake's, or NULL: `then` instead */
  const char *then;
  const char *from; /* our header's from, or NULL: no header of ours */
  const char *out;  /* after our header (and <handshake/>) */
} err_case_t;

static const err_case_t err_cases[] = {
    {"wrong secret", COMP_HDR(GW), "wrong", "", GW, SE("not-authorized")},
    {"empty handshake", COMP_HDR(GW), NULL, "<handshake/>", GW,
     SE("not-authorized")},
    {"stanza before the handshake", COMP_HDR(GW), NULL,
     "<message from='a@" GW "' to='alice@reed.test'/>", GW,
     SE("not-authorized")},
    {"unknown domain", COMP_HDR("nowhere.test"), NULL, "", NULL,
     SE("host-unknown")},
    {"the server's own domain", COMP_HDR("reed.test"), NULL, "", NULL,
     SE("host-unknown")},
    {"a JID with a localpart", COMP_HDR("x@" GW), NULL, "", NULL,
     SE("host-unknown")},
    {"client namespace", C_HDR, NULL, "", NULL, SE("invalid-namespace")},
    {"from another domain", COMP_HDR(GW), SECRET,
     "<message from='x@elsewhere.test' to='alice@reed.test'/>", GW,
     "<handshake/>" SE("invalid-from")},
    {"from the server's domain", COMP_HDR(GW), SECRET,
     "<iq type='get' id='1' from='reed.test' to='alice@reed.test'/>", GW,
     "<handshake/>" SE("invalid-from")},
    {"not a stanza", COMP_HDR(GW), SECRET, "<foo xmlns='urn:x'/>", GW,
     "<handshake/>" SE("unsupported-stanza-type")},
    {"comment", COMP_HDR(GW), NULL, "<!-- x -->", GW, SE("restricted-xml")},
};

static void
s_error(void *arg)
{
  const err_case_t *k = arg;
  xw_t w;
  tw_client_t *c;
  char h[256], hs[128], want[1024];

  init(&w);
  c = component(&w, "gw");
  tw_send(c, k->hdr);
  if (k->secret != NULL)
    tw_send(c, handshake(hs, sizeof(hs), 1, k->secret));
  tw_send(c, k->then);
  if (k->from != NULL)
    comp_hdr(h, sizeof(h), 1, k->from);
  else
    snprintf(h, sizeof(h),
             "<?xml version='1.0'?><stream:stream "
             "xmlns='jabber:component:accept' xmlns:stream='" NS_STREAMS
             "' id='18bcfe56be8-1' from='reed.test' version='1.0' "
             "xml:lang='en'>");
  snprintf(want, sizeof(want), "%s%s</stream:stream>", h, k->out);
  XW_EXPECT(c, want);
  ASSERT(c->ft->closed);
  ASSERT(reed__xcomp_find(w.tw.module_state, GW) == NULL);
  done(&w);
}

TEST(component_stream_errors)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(err_cases); i++) {
    printf("# %s\n", err_cases[i].name);
    tw_run_chunked(s_error, (void *)&err_cases[i]);
  }
}

/* A second connection for a connected component gets <conflict/>; the
 * first one stays. */
static void
s_conflict(void *arg)
{
  xw_t w;
  tw_client_t *a, *b;
  char h[256], hs[128], want[512];

  REED_UNUSED(arg);
  init(&w);
  a = connected(&w, 1);
  b = component(&w, "second");
  tw_send(b, COMP_HDR(GW));
  tw_send(b, handshake(hs, sizeof(hs), 2, SECRET));
  snprintf(want, sizeof(want),
           "%s<stream:error><conflict " SE_NS "/><text " SE_NS
           ">Component already connected</text></stream:error>"
           "</stream:stream>",
           comp_hdr(h, sizeof(h), 2, GW));
  XW_EXPECT(b, want);
  ASSERT(b->ft->closed && !a->ft->closed);
  ASSERT(reed__xcomp_find(w.tw.module_state, GW) == a->core);
  /* Once the first is gone, the domain is free again. */
  tw_eof(a, "Connection closed");
  ASSERT(reed__xcomp_find(w.tw.module_state, GW) == NULL);
  done(&w);
}

TEST(component_conflict)
{
  tw_run_chunked(s_conflict, NULL);
}

/* The stanza size limit: max_stanza_pre_auth before the handshake. */
static void
s_oversized(void *arg)
{
  xw_t w;
  tw_client_t *c;
  char h[256], want[1024], big[10100];

  REED_UNUSED(arg);
  init(&w);
  c = component(&w, "gw");
  tw_send(c, COMP_HDR(GW) "<handshake>");
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  tw_send(c, big);
  snprintf(want, sizeof(want), "%s" SE("policy-violation") "</stream:stream>",
           comp_hdr(h, sizeof(h), 1, GW));
  XW_EXPECT(c, want);
  done(&w);
}

TEST(component_oversized)
{
  tw_run_chunked(s_oversized, NULL);
}

/* ---- Routing --------------------------------------------------------------
 */

#define A "alice@reed.test/r1"

static void
s_route(void *arg)
{
  xw_t w;
  tw_client_t *gw, *al;
  unsigned n = 1;

  REED_UNUSED(arg);
  init(&w);
  xw_store_account(&w.tw, "alice");
  gw = connected(&w, 1);
  al = xw_client(&w, "alice", true);
  xw_login(&w, al, "alice", "pw", "r1", &n);
  tw_send(al, "<presence/>");
  tw_take(al);
  /* Client to component: from stamped with the full JID, the body in the
   * component's namespace. */
  tw_send(al, "<message to='echo@" GW "' type='chat' id='m1'><body>hi "
              "&amp;</body><x xmlns='urn:x'/></message>");
  XW_EXPECT(gw, "<message to='echo@" GW "' from='" A "' type='chat' "
                "id='m1'><body>hi &amp;</body><x xmlns='urn:x'/></message>");
  /* Component to the full JID, then to the bare JID. */
  tw_send(gw, "<message from='echo@" GW "' to='" A "' type='chat' "
              "id='r1'><body>echo</body></message>");
  XW_EXPECT(al, "<message to='" A "' from='echo@" GW "' type='chat' "
                "id='r1'><body>echo</body></message>");
  tw_send(gw, "<message to='alice@reed.test'><body>b</body></message>");
  XW_EXPECT(al, "<message to='" A "' from='" GW "'><body>b</body></message>");
  /* iq both ways, answers routed back. */
  tw_send(al, "<iq to='" GW "' type='get' id='q1'><query "
              "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  XW_EXPECT(gw, "<iq to='" GW "' from='" A "' type='get' id='q1'><query "
                "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  tw_send(gw, "<iq from='" GW "' to='" A "' type='result' id='q1'/>");
  XW_EXPECT(al, "<iq to='" A "' from='" GW "' type='result' id='q1'></iq>");
  tw_send(gw, "<iq from='" GW "' to='" A "' type='get' id='p1'><ping "
              "xmlns='urn:xmpp:ping'/></iq>");
  XW_EXPECT(al, "<iq to='" A "' from='" GW "' type='get' id='p1'><ping "
                "xmlns='urn:xmpp:ping'/></iq>");
  tw_send(al, "<iq to='" GW "' type='result' id='p1'/>");
  XW_EXPECT(gw, "<iq to='" GW "' from='" A "' type='result' id='p1'></iq>");
  /* An iq to a resource that is not there, or to the bare JID. */
  tw_send(gw, "<iq from='" GW "' to='alice@reed.test/gone' type='get' "
              "id='p2'><ping xmlns='urn:xmpp:ping'/></iq>");
  XW_EXPECT(gw, "<iq to='" GW "' from='alice@reed.test/gone' type='error' "
                "id='p2'><error type='cancel'><service-unavailable "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
  /* To an account that does not exist, and to another domain. */
  tw_send(gw, "<message from='" GW "' to='nobody@reed.test' id='x'/>");
  XW_EXPECT(gw, "<message to='" GW "' from='nobody@reed.test' type='error' "
                "id='x'><error type='cancel'><service-unavailable "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                "</message>");
  tw_send(gw, "<message from='" GW "' to='a@far.test' id='y'/>");
  XW_EXPECT(gw, "<message to='" GW "' from='a@far.test' type='error' "
                "id='y'><error type='cancel'><remote-server-not-found "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                "</message>");
  /* Presence both ways. */
  tw_send(gw, "<presence from='echo@" GW "' to='alice@reed.test'/>");
  XW_EXPECT(al, "<presence to='" A "' from='echo@" GW "'></presence>");
  tw_send(al, "<presence to='echo@" GW "' type='subscribe'/>");
  XW_EXPECT(gw, "<presence to='echo@" GW "' from='" A
                "' type='subscribe'></presence>");
  done(&w);
}

TEST(component_routing)
{
  tw_run_chunked(s_route, NULL);
}

/* A configured component that is not connected; the server's disco#items
 * lists only connected ones; blocking holds both ways. */
static void
s_absent_blocked(void *arg)
{
  xw_t w;
  tw_client_t *gw, *al;
  unsigned n = 1;

  REED_UNUSED(arg);
  init(&w);
  xw_store_account(&w.tw, "alice");
  gw = connected(&w, 1);
  al = xw_client(&w, "alice", true);
  xw_login(&w, al, "alice", "pw", "r1", &n);
  tw_send(al, "<iq to='off.reed.test' type='get' id='1'><query "
              "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  XW_EXPECT(al, "<iq to='" A "' from='off.reed.test' type='error' id='1'>"
                "<error type='cancel'><service-unavailable "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
  tw_send(al, "<message to='off.reed.test' id='2'><body>x</body></message>");
  XW_EXPECT(al, "<message to='" A "' from='off.reed.test' type='error' "
                "id='2'><error type='cancel'><service-unavailable "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                "</message>");
  tw_send(al, "<iq to='reed.test' type='get' id='3'><query "
              "xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  XW_EXPECT(al, "<iq to='" A "' from='reed.test' type='result' id='3'><query "
                "xmlns='http://jabber.org/protocol/disco#items'><item "
                "jid='" GW "'/><item jid='conference.reed.test' "
                "name='Rooms'/></query></iq>");
  tw_send(al, "<iq type='set' id='4'><block xmlns='urn:xmpp:blocking'><item "
              "jid='" GW "'/></block></iq>");
  tw_take(al);
  tw_send(gw, "<message from='echo@" GW "' to='" A "'><body>x</body>"
              "</message>");
  XW_EXPECT(gw, "<message to='echo@" GW "' from='" A "' type='error'>"
                "<error type='cancel'><service-unavailable "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
                "</message>");
  XW_EXPECT(al, "");
  tw_send(al, "<message to='echo@" GW "' id='5'><body>x</body></message>");
  XW_EXPECT(gw, "");
  done(&w);
}

TEST(component_absent_and_blocked)
{
  tw_run_chunked(s_absent_blocked, NULL);
}

/* ---- Config ---------------------------------------------------------------
 */

typedef struct {
  const char *entry;
  const char *msg;
} conf_case_t;

TEST(component_config)
{
  static const conf_case_t cases[] = {
      {"gw.example", "not 'domain:secret'"},
      {":secret", "'' is not a domain name"},
      {"a@b.example:x", "'a@b.example' is not a domain name"},
      {"gw.example:", "'gw.example' has an empty secret"},
      {"chat.example:x", "'chat.example' is a domain the server serves"},
  };
  reed_xmpp_conf_t conf;
  reed_conf_err_t err;
  char *v[2] = {"gw.example:a:b", "GW.example:c"};
  reed_listener_t l = {.module = "xmpp", .role = REED_XCOMP_ROLE};

  reed__xmpp_conf_defaults(&conf);
  conf.domain = "chat.example";
  conf.components = (reed_strlist_t){v, 1};
  ASSERT_EQ(reed_xmpp_module.conf_check(&conf, &err), 0);
  ASSERT_STR_EQ(reed__xcomp_secret(&conf, "Gw.Example"), "a:b");
  ASSERT(reed__xcomp_secret(&conf, "other.example") == NULL);
  conf.components.n = 2;
  ASSERT_EQ(reed_xmpp_module.conf_check(&conf, &err), REED_ECONFIG);
  ASSERT_STR_EQ(err.msg, "'GW.example' is named twice");
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    char *one[1] = {(char *)cases[i].entry};
    memset(&err, 0, sizeof(err));
    conf.components = (reed_strlist_t){one, 1};
    ASSERT_EQ(reed_xmpp_module.conf_check(&conf, &err), REED_ECONFIG);
    ASSERT_STR_EQ(err.key, "component");
    ASSERT_STR_EQ(err.msg, cases[i].msg);
  }
  /* A tcp component listener on loopback only. */
  l.ep.kind = REED_EP_TCP;
  l.ep.interface = "0.0.0.0";
  ASSERT_EQ(reed_xmpp_module.conf_check_listeners(&conf, &l, 1, &err),
            REED_ECONFIG);
  ASSERT_STR_EQ(err.key, "component_listen");
  l.ep.interface = "127.0.0.1";
  ASSERT_EQ(reed_xmpp_module.conf_check_listeners(&conf, &l, 1, &err), 0);
  l.ep.kind = REED_EP_SSL;
  l.ep.interface = NULL;
  ASSERT_EQ(reed_xmpp_module.conf_check_listeners(&conf, &l, 1, &err), 0);
}

/* The loader: `component_listen` keys are listeners with the role, beside
 * the section's default endpoints. */
TEST(component_listen_key)
{
  const reed_conf_section_t sec = {
      .name = "xmpp",
      .directives = reed_xmpp_module.directives,
      .conf_size = reed_xmpp_module.conf_size,
      .defaults = reed_xmpp_module.conf_defaults,
      .check = reed_xmpp_module.conf_check,
      .default_endpoints = reed_xmpp_module.default_endpoints,
      .check_listeners = reed_xmpp_module.conf_check_listeners,
      .listen_roles = reed_xmpp_module.listen_roles,
  };
  reed_config_t *cfg = NULL;
  reed_conf_err_t err;
  const reed_listener_t *l;
  size_t n = 0;

  memset(&err, 0, sizeof(err));
  ASSERT_EQ(reed_config_load_string(
                "t.ini",
                "[xmpp]\ncomponent = gw.reed.test:pw\n"
                "component_listen = tcp:5347:interface=127.0.0.1\n",
                &sec, 1, &cfg, &err),
            0);
  l = reed_config_listeners(cfg, &n);
  ASSERT_EQ(n, 3);
  ASSERT_STR_EQ(l[0].role, REED_XCOMP_ROLE);
  ASSERT_EQ(l[0].ep.port, 5347);
  ASSERT(l[1].role == NULL && l[2].role == NULL);
  reed_config_free(cfg);
  ASSERT_EQ(reed_config_load_string("t.ini",
                                    "[xmpp]\ncomponent_listen = tcp:5347\n",
                                    &sec, 1, &cfg, &err),
            REED_ECONFIG);
  ASSERT_STR_EQ(err.key, "component_listen");
  ASSERT_EQ(reed_config_load_string("t.ini",
                                    "[xmpp]\ncomponent_listen = bogus:1\n",
                                    &sec, 1, &cfg, &err),
            REED_ECONFIG);
  ASSERT_STR_EQ(err.key, "component_listen");
  ASSERT_EQ(err.line, 2);
}
