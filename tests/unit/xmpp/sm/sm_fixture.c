/* The stream-management tests' world (sm_fixture.h). */
#include "sm_fixture.h"

#include <stdio.h>
#include <string.h>

#define HDR                                                                    \
  "<?xml version='1.0'?><stream:stream to='reed.test' version='1.0' "          \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

static void
counter_random(void *ud, uint8_t *buf, size_t n)
{
  smw_t *w = ud;

  for (size_t i = 0; i < n; i++)
    buf[i] = (uint8_t)(++w->rnd * 7);
}

void
smw_init(smw_t *w)
{
  reed_portal_opts_t po;

  memset(w, 0, sizeof(*w));
  tw_init(&w->tw, &(tw_opts_t){.module = &reed_xmpp_module, .store = true});
  reed_strlcpy(w->name, "reed.test", sizeof(w->name));
  w->sc.name = w->name;
  w->tw.server_conf = &w->sc;
  w->tw.menv.server_conf = &w->sc;
  po = (reed_portal_opts_t){
      .creds = &w->tw.src,
      .worker = &w->tw.iw->worker,
      .clock = &w->tw.fc->clock,
      .log = &w->tw.log,
      .model = w->tw.model,
      .registration_open = true,
      .hash_level = REED_AUTH_HASH_MIN,
      .random = counter_random,
      .random_ud = w,
  };
  ASSERT_EQ(reed_portal_new(&po, &w->tw.portal), 0);
  w->tw.menv.portal = w->tw.portal;
}

void
smw_free(smw_t *w)
{
  tw_free(&w->tw);
}

reed_xmpp_conf_t *
smw_conf(smw_t *w)
{
  return w->tw.conf;
}

void
smw_account(smw_t *w, const char *name)
{
  reed_account_rec_t rec = {.created_ms = 1};

  tw_account(&w->tw, name, "pw");
  reed_strlcpy(rec.name, name, sizeof(rec.name));
  snprintf(rec.pwhash, sizeof(rec.pwhash), "unused-%s", name);
  ASSERT_EQ(reed_store_account_create(w->tw.store, &rec), 0);
}

static void
expect_has(tw_client_t *c, const char *part)
{
  const char *out = tw_take(c);

  if (strstr(out, part) == NULL)
    reed__test_fail(__FILE__, __LINE__, "want \"%s\" in \"%s\"", part, out);
}

tw_client_t *
smw_auth(smw_t *w, const char *name, const char *user)
{
  char b64[128], buf[512];
  uint8_t raw[96];
  size_t n = 0;
  tw_client_t *c = tw_client(&w->tw, name);

  tw_send(c, HDR);
  expect_has(c, "<starttls");
  tw_send(c, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  expect_has(c, "<proceed");
  c->ft->peer.tls = true;
  reed_xmpp_module.tls_ready(c->core);
  tw_send(c, HDR);
  expect_has(c, "<mechanism>PLAIN</mechanism>");
  raw[n++] = 0;
  memcpy(raw + n, user, strlen(user));
  n += strlen(user);
  raw[n++] = 0;
  memcpy(raw + n, "pw", 2);
  n += 2;
  reed_base64_encode(raw, n, b64);
  snprintf(buf, sizeof(buf),
           "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
           "mechanism='PLAIN'>%s</auth>",
           b64);
  tw_send(c, buf);
  expect_has(c, "<success");
  tw_send(c, HDR);
  expect_has(c, "<sm " SM_NS "/><csi xmlns='urn:xmpp:csi:0'/>");
  return c;
}

void
smw_bind(tw_client_t *c, const char *user, const char *resource)
{
  char buf[512];

  snprintf(buf, sizeof(buf),
           "<iq type='set' id='b1'><bind "
           "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>%s</resource>"
           "</bind></iq>",
           resource);
  tw_send(c, buf);
  snprintf(buf, sizeof(buf), "<jid>%s@reed.test/%s</jid>", user, resource);
  expect_has(c, buf);
}

tw_client_t *
smw_login(smw_t *w, const char *user, const char *resource)
{
  char name[64];
  tw_client_t *c;

  snprintf(name, sizeof(name), "%s/%s", user, resource);
  c = smw_auth(w, name, user);
  smw_bind(c, user, resource);
  return c;
}

void
smw_enable(tw_client_t *c, char *id)
{
  char want[160];
  const char *out, *p;

  tw_send(c, "<enable " SM_NS " resume='true'/>");
  out = tw_take(c);
  p = strstr(out, " id='");
  ASSERT(p != NULL);
  ASSERT(strlen(p + 5) > 24);
  memcpy(id, p + 5, 24);
  id[24] = '\0';
  snprintf(want, sizeof(want),
           "<enabled " SM_NS " id='%s' resume='true' max='300'/>", id);
  ASSERT_STR_EQ(out, want);
}

void
smw_say(tw_client_t *c, const char *in, const char *want)
{
  tw_send(c, in);
  SM_EXPECT(c, want);
}

void
smw_chat(tw_client_t *b1, const char *text)
{
  char buf[256];

  snprintf(buf, sizeof(buf),
           "<message to='alice@reed.test/a1' type='chat'><body>%s</body>"
           "</message>",
           text);
  smw_say(b1, buf, "");
}

const char *
smw_chat_out(char *buf, size_t size, const char *text, int sid)
{
  snprintf(buf, size,
           "<message to='alice@reed.test/a1' from='bob@reed.test/b1' "
           "type='chat'><body>%s</body><stanza-id xmlns='urn:xmpp:sid:0' "
           "by='alice@reed.test' id='%d'/></message>",
           text, sid);
  return buf;
}

xsm_t *
smw_sm(tw_client_t *c)
{
  return reed__xsm(c->core);
}
