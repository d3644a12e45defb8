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
  w->tw.menv.server_conf = &w->sc; /* the module's env, as the host's */
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
  xw_store_account(&w->tw, name);
}

tw_client_t *
xim_login(xim_t *w, const char *user, const char *resource)
{
  char name[64], buf[512];
  tw_client_t *c;

  snprintf(name, sizeof(name), "%s/%s", user, resource);
  c = tw_client(&w->tw, name);
  xw_tls_plain(c, user);
  xw_expect_has(c, "<bind");
  snprintf(buf, sizeof(buf),
           "<iq type='set' id='b1'><bind "
           "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>%s</resource>"
           "</bind></iq>",
           resource);
  tw_send(c, buf);
  snprintf(buf, sizeof(buf), "<jid>%s@reed.test/%s</jid>", user, resource);
  xw_expect_has(c, buf);
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
