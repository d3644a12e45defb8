/* XEP-0386 Bind2's inline features: carbons, stream management and CSI
 * enabled inside <bind/> of a SASL2 <authenticate/>, as if the client had
 * sent the iq and nonzas right after binding: SM's <enabled/> comes inside
 * <bound/> and counting starts after the success, carbons are on, the
 * stream is inactive. At every chunk size. */
#include "auth_fixture.h"
#include "xmpp_carbons.h"
#include "xmpp_sm.h"

#include <stdio.h>
#include <string.h>

#define UA "d4565fa7-4d72-4749-b3d3-740edbf87770"
#define SM3 "xmlns='urn:xmpp:sm:3'"

static void
login(tw_client_t *c, const char *inline_els)
{
  char b64[256], buf[1024];

  xw_plain("alice", "secret", b64, sizeof(b64));
  snprintf(buf, sizeof(buf),
           "<authenticate " SASL2_NS " mechanism='PLAIN'><initial-response>"
           "%s</initial-response><user-agent id='" UA "'/><bind " BIND2_NS
           "><tag>T</tag>%s</bind></authenticate>",
           b64, inline_els);
  tw_send(c, buf);
}

static void
s_all_inline(void *arg)
{
  xw_t w;
  tw_client_t *c;
  reed_xmpp_core_t *core;
  const char *out, *p;
  char res[64], want[512];
  unsigned n = 0;

  REED_UNUSED(arg);
  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xw_client(&w, "c", true);
  xa_open(c, &n);
  login(c, "<enable xmlns='urn:xmpp:carbons:2'/><enable " SM3
           " resume='true'/><inactive xmlns='urn:xmpp:csi:0'/>");
  xa_bind2_res("T", "alice", UA, res, sizeof(res));
  out = tw_take(c);
  snprintf(want, sizeof(want),
           "<success " SASL2_NS "><authorization-identifier>alice@reed.test/%s"
           "</authorization-identifier><bound " BIND2_NS "><enabled " SM3
           " id='",
           res);
  ASSERT(strncmp(out, want, strlen(want)) == 0);
  p = out + strlen(want) + 24; /* the resumption id */
  ASSERT(strncmp(p, "' resume='true' max='300'/></bound></success>", 45) == 0);
  core = c->core;
  ASSERT(core->bound);
  ASSERT(reed__xcarb_on(core));
  ASSERT(reed__xsm(core) != NULL && reed__xsm(core)->enabled &&
         reed__xsm(core)->resume);
  ASSERT(reed__xmpp_ext_get(core, XMPP_EXT_CSI) != NULL);
  /* Counting started after the success: one stanza in, none out yet. */
  tw_send(c, "<r " SM3 "/>");
  XW_EXPECT(c, "<a " SM3 " h='0'/>");
  tw_send(c, "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq><r " SM3
             "/>");
  snprintf(want, sizeof(want),
           "<iq to='alice@reed.test/%s' type='result' id='p'/><a " SM3
           " h='1'/>",
           res);
  XW_EXPECT(c, want);
  ASSERT_EQ(reed__xsm(core)->h_out, 1);
  xw_free(&w);
}

TEST(bind2_inline_features)
{
  tw_run_chunked(s_all_inline, NULL);
}

/* Carbons alone: an empty <bound/>; SM without resume; and SM enabled
 * inline once cannot be enabled again. */
TEST(bind2_inline_partial)
{
  xw_t w;
  tw_client_t *c;
  unsigned n = 0;
  const char *out;

  xa_init(&w, false);
  xa_account(&w, "alice", "secret");
  c = xw_client(&w, "c", true);
  xa_open(c, &n);
  login(c, "<enable xmlns='urn:xmpp:carbons:2'/>");
  ASSERT(strstr(tw_take(c), "<bound " BIND2_NS "/></success>") != NULL);
  ASSERT(reed__xcarb_on(c->core));
  ASSERT(reed__xsm(c->core) == NULL);
  ASSERT(reed__xmpp_ext_get(c->core, XMPP_EXT_CSI) == NULL);
  c = xw_client(&w, "d", true);
  n = 0;
  xa_open(c, &n);
  login(c, "<enable " SM3 "/>");
  out = tw_take(c);
  ASSERT(strstr(out, "<bound " BIND2_NS "><enabled " SM3
                     "/></bound></success>") != NULL);
  ASSERT(!reed__xcarb_on(c->core));
  tw_send(c, "<enable " SM3 "/>");
  XW_EXPECT(c, "<failed " SM3 "><unexpected-request "
               "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
  xw_free(&w);
}
