/* The IM tests' world (xim_fixture.h). */
#include "xim_fixture.h"

#include <stdio.h>
#include <string.h>

void
xim_init(xim_t *w)
{
  memset(w, 0, sizeof(*w));
  tw_init(
      &w->tw,
      &(tw_opts_t){.module = &reed_xmpp_module, .portal = true, .store = true});
  reed_strlcpy(w->name, "reed.test", sizeof(w->name));
  w->sc.name = w->name;
  w->tw.server_conf = &w->sc;
}

void
xim_free(xim_t *w)
{
  tw_free(&w->tw);
}

reed_xmpp_conf_t *
xim_conf(xim_t *w)
{
  return w->tw.conf;
}

void
xim_account(xim_t *w, const char *name)
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

#define HDR                                                                    \
  "<?xml version='1.0'?><stream:stream to='reed.test' version='1.0' "          \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

tw_client_t *
xim_login(xim_t *w, const char *user, const char *resource)
{
  char name[64], b64[128], buf[512];
  uint8_t raw[96];
  size_t n = 0;
  tw_client_t *c;

  snprintf(name, sizeof(name), "%s/%s", user, resource);
  c = tw_client(&w->tw, name);
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
  expect_has(c, "<bind");
  snprintf(buf, sizeof(buf),
           "<iq type='set' id='b1'><bind "
           "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>%s</resource>"
           "</bind></iq>",
           resource);
  tw_send(c, buf);
  snprintf(buf, sizeof(buf), "<jid>%s@reed.test/%s</jid>", user, resource);
  expect_has(c, buf);
  return c;
}

void
xim_say(tw_client_t *c, const char *stanza, const char *want)
{
  tw_send(c, stanza);
  XIM_EXPECT(c, want);
}

void
xim_online(tw_client_t *c, const char *others)
{
  char want[4096];
  const char *jid = ((reed_xmpp_core_t *)c->core)->full_jid;

  snprintf(want, sizeof(want), "<presence to='%s' from='%s'/>%s", jid, jid,
           others ? others : "");
  xim_say(c, "<presence/>", want);
}

const char *
xim_roster(tw_client_t *c)
{
  tw_send(c, "<iq type='get' id='r0'><query xmlns='jabber:iq:roster'/></iq>");
  return tw_take(c);
}
