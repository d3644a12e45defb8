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

static void
expect_has(tw_client_t *c, const char *part)
{
  const char *out = tw_take(c);

  if (strstr(out, part) == NULL)
    reed__test_fail(__FILE__, __LINE__, "want \"%s\" in \"%s\"", part, out);
}

tw_client_t *
xadm_authed(xim_t *w, const char *user, const char *name)
{
  char b64[128], buf[256];
  uint8_t raw[96];
  size_t n = 0;
  tw_client_t *c = tw_client(&w->tw, name);

  tw_send(c, XADM_HDR);
  expect_has(c, "<starttls");
  tw_send(c, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  expect_has(c, "<proceed");
  c->ft->peer.tls = true;
  reed_xmpp_module.tls_ready(c->core);
  tw_send(c, XADM_HDR);
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
  tw_send(c, XADM_HDR);
  expect_has(c, "<bind");
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
