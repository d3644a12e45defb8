/* The stream-management tests' world (sm_fixture.h). */
#include "sm_fixture.h"

#include <stdio.h>
#include <string.h>

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
  po = xw_portal_opts(&w->tw, &w->rnd);
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
  xw_store_account(&w->tw, name);
}

tw_client_t *
smw_auth(smw_t *w, const char *name, const char *user)
{
  tw_client_t *c = tw_client(&w->tw, name);

  xw_tls_plain(c, user);
  xw_expect_has(c, "<sm " SM_NS "/><csi xmlns='urn:xmpp:csi:0'/>");
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
  xw_expect_has(c, buf);
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

void
smw_delay_now(smw_t *w, char *buf, size_t size)
{
  char stamp[32];

  reed__xim_stamp(w->tw.fc->wall_base + w->tw.fc->now, stamp, sizeof(stamp));
  snprintf(buf, size,
           "<delay xmlns='urn:xmpp:delay' from='reed.test' stamp='%s'/>",
           stamp);
}

const char *
smw_chat_dated(char *buf, size_t size, const char *res, const char *text,
               int sid, const char *delay)
{
  snprintf(buf, size,
           "<message to='alice@reed.test/%s' from='bob@reed.test/b1' "
           "type='chat'><body>%s</body><stanza-id xmlns='urn:xmpp:sid:0' "
           "by='alice@reed.test' id='%d'/>%s</message>",
           res, text, sid, delay);
  return buf;
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
