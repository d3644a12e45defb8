/* Helpers of the XMPP administration tests (xadm.h). */
#include "xadm.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

static void
capture(void *ud, int level, const char *line)
{
  xadm_audit_t *a = ud;

  REED_UNUSED(level);
  if (strncmp(line, "audit: ", 7) == 0 && a->n < 8)
    reed_strlcpy(a->lines[a->n++], line, sizeof(a->lines[0]));
}

void
xadm_listen_audit(xim_t *w, xadm_audit_t *a)
{
  memset(a, 0, sizeof(*a));
  w->tw.log.emit = capture;
  w->tw.log.ud = a;
}

void
xadm_oper(xim_t *w, const char *name)
{
  ASSERT_EQ(reed_store_oper_set(w->tw.store, name, true), 0);
}

tw_client_t *
xadm_authed(xim_t *w, const char *user, const char *name)
{
  tw_client_t *c = tw_client(&w->tw, name);

  xw_tls_plain(c, user);
  xw_expect_has(c, "<bind");
  return c;
}

const char *
xadm_bind(tw_client_t *c, const char *resource)
{
  char buf[256];

  snprintf(buf, sizeof(buf),
           "<iq type='set' id='b1'><bind "
           "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>%s</resource>"
           "</bind></iq>",
           resource);
  tw_send(c, buf);
  return tw_take(c);
}

void
xadm_ends_with(const char *out, const char *tail)
{
  size_t lo = strlen(out), lt = strlen(tail);

  if (lo < lt || strcmp(out + lo - lt, tail) != 0)
    reed__test_fail(__FILE__, __LINE__, "want \"%s\" at the end of \"%s\"",
                    tail, out);
}

const char *
xadm_last_sid(tw_client_t *c, char *buf, size_t size)
{
  const reed_xmpp_core_t *x = c->core;

  snprintf(buf, size, "%llx-%llx", (unsigned long long)x->st->boot_ms,
           (unsigned long long)x->st->next_id);
  return buf;
}
