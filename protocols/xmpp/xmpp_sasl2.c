/* XEP-0388 SASL2: <authenticate/> with its inline requests (Bind2,
 * XEP-0386; FAST, XEP-0484), <challenge/>/<response/>, and <success/> or
 * <failure/>, on the same portal path as RFC 6120 SASL: xmpp_sasl.c runs
 * the exchange (throttling, the worker, failures counted per stream) and
 * hands its output here while an <authenticate/> is in progress. After
 * success there is no stream restart: Bind2 binds at once, and the
 * features of the authenticated stream follow. <continue/> (tasks) is not
 * used. */
#include "xmpp_int.h"

#include <string.h>

#define SASL2_TAG_MAX 64
#define SASL2_MECH_MAX 32

typedef struct sasl2_s {
  bool active;       /* an <authenticate/> exchange runs */
  bool bind;         /* Bind2 asked for */
  bool fast;         /* <fast/>: logging in with a token */
  bool invalidate;   /* ... and forget the client's tokens after */
  bool plus_refused; /* the stream's: xmpp_cbind.c */
  char ua_id[REED_XFAST_CLIENT_MAX + 1];
  char tag[SASL2_TAG_MAX + 1];
  char token_mech[SASL2_MECH_MAX + 1]; /* <request-token mechanism=.../> */
  xbind2_inline_t inl;                 /* what <bind/> enables inline */
} sasl2_t;

void
reed__xmpp_sasl2_free(reed_xmpp_core_t *c, void *p)
{
  REED_UNUSED(c);
  reed_free(p);
}

static sasl2_t *
state(reed_xmpp_core_t *c)
{
  sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);

  if (s == NULL && (s = reed_calloc(1, sizeof(*s))) != NULL)
    reed__xmpp_ext_set(c, XMPP_EXT_SASL2, s);
  return s;
}

bool
reed__xmpp_sasl2_plus_refused(const reed_xmpp_core_t *c)
{
  const sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);

  return s != NULL && s->plus_refused;
}

void
reed__xmpp_sasl2_set_plus_refused(reed_xmpp_core_t *c)
{
  sasl2_t *s = state(c);

  if (s != NULL)
    s->plus_refused = true;
}

void
reed__xmpp_sasl2_end(reed_xmpp_core_t *c)
{
  sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);

  if (s != NULL)
    s->active = false;
}

const char *
reed__xmpp_sasl2_client(const reed_xmpp_core_t *c)
{
  const sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);

  return s != NULL && s->active && s->ua_id[0] != '\0' ? s->ua_id : NULL;
}

bool
reed__xmpp_sasl2_active(const reed_xmpp_core_t *c)
{
  const sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);

  return s != NULL && s->active;
}

/* ---- The feature -----------------------------------------------------------
 * Mechanisms as RFC 6120's (the HT ones are listed under <fast/>), and
 * what <authenticate/> takes inline. */
void
reed__xmpp_feature_sasl2(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (c->authed || c->env->portal == NULL ||
      (!c->secure && reed__xmpp_conf(c)->require_tls))
    return;
  reed__xmpp_out_raw(o, "<authentication xmlns='" REED_NS_SASL2 "'>");
  reed__xmpp_sasl_list(c, o);
  reed__xmpp_out_raw(o, "<inline>");
  reed__xmpp_bind2_feature(c, o);
  reed__xmpp_fast_feature(c, o);
  reed__xmpp_out_raw(o, "</inline></authentication>");
}

/* ---- Output while an exchange runs ----------------------------------------*/

void
reed__xmpp_sasl2_challenge(reed_xmpp_core_t *c, const char *b64)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<challenge xmlns='" REED_NS_SASL2 "'>");
  reed__xmpp_out_raw(&o, b64);
  reed__xmpp_out_raw(&o, "</challenge>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
send_failure(reed_xmpp_core_t *c, const char *cond, const char *text)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<failure xmlns='" REED_NS_SASL2 "'><");
  reed__xmpp_out_raw(&o, cond);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_SASL "'/>");
  if (text != NULL) {
    reed__xmpp_out_raw(&o, "<text>");
    reed__xmpp_out_text(&o, text, strlen(text));
    reed__xmpp_out_raw(&o, "</text>");
  }
  reed__xmpp_out_raw(&o, "</failure>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmpp_sasl2_failure(reed_xmpp_core_t *c, const char *cond,
                         const char *text)
{
  sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);

  if (s != NULL)
    s->active = false;
  send_failure(c, cond, text);
}

/* The bare JID as bind writes JIDs: the account ASCII-folded. */
static void
out_bare_jid(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  char bare[REED_AUTH_NAME_MAX + 1];

  reed_strlcpy(bare, c->account, sizeof(bare));
  for (char *p = bare; *p != '\0'; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p + 32);
  reed__xmpp_out_text(o, bare, strlen(bare));
  reed__xmpp_out_raw(o, "@");
  reed__xmpp_out_text(o, reed__xmpp_domain(c), strlen(reed__xmpp_domain(c)));
}

static void
out_additional(xmpp_out_t *o, const reed_buf_t *data)
{
  char *enc;

  if (data == NULL || data->len == 0)
    return;
  if ((enc = reed_malloc((data->len + 2) / 3 * 4 + 1)) == NULL) {
    o->err = REED_ENOMEM;
    return;
  }
  reed_base64_encode(data->data, data->len, enc);
  reed__xmpp_out_raw(o, "<additional-data>");
  reed__xmpp_out_raw(o, enc);
  reed__xmpp_out_raw(o, "</additional-data>");
  reed_free(enc);
}

/* Bind2: 0 bound, REED_EBANNED (the stream has ended), or another error
 * (the client binds with an iq afterwards). */
static int
bind_inline(reed_xmpp_core_t *c, sasl2_t *s)
{
  char res[SASL2_TAG_MAX + 48];

  if (!s->bind)
    return REED_ENOTFOUND;
  reed__xmpp_bind2_resource(c, s->tag, s->ua_id, res, sizeof(res));
  return reed__xmpp_bind_resource(c, res);
}

void
reed__xmpp_sasl2_success(reed_xmpp_core_t *c, const reed_buf_t *data)
{
  sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);
  reed_xml_limits_t lim = {.max_stanza = reed__xmpp_conf(c)->max_stanza};
  int index = reed_sasl_fast_token_index(c->sasl.ex), rc;
  xmpp_out_t o;

  reed_sasl_free(c->sasl.ex);
  c->sasl.ex = NULL;
  s->active = false;
  c->authed = true;
  reed_xml_stream_set_limits(c->xml, &lim); /* from the next element */
  if (s->fast)
    reed__xmpp_fast_used(c, s->ua_id, index, s->invalidate);
  if ((rc = bind_inline(c, s)) == REED_EBANNED)
    return;
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<success xmlns='" REED_NS_SASL2 "'>");
  out_additional(&o, data);
  reed__xmpp_out_raw(&o, "<authorization-identifier>");
  if (rc == 0)
    reed__xmpp_out_text(&o, c->full_jid, strlen(c->full_jid));
  else
    out_bare_jid(c, &o);
  reed__xmpp_out_raw(&o, "</authorization-identifier>");
  if (rc == 0)
    reed__xmpp_bind2_bound(c, &s->inl, &o);
  if (s->token_mech[0] != '\0')
    reed__xmpp_fast_issue(c, s->ua_id, s->token_mech, &o);
  reed__xmpp_out_raw(&o, "</success>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
  if (c->closed)
    return;
  if (rc == 0)
    reed__xmpp_bind2_sent(c, &s->inl);
  reed__xmpp_send_features(c); /* no restart: the new stream's features */
  if (rc == 0)
    reed__xmpp_bind_hooks(c);
}

/* ---- Input -----------------------------------------------------------------
 * What <authenticate/> asks for beside the exchange, kept for success. */
static void
read_inline(sasl2_t *s, const reed_xml_el_t *el)
{
  const reed_xml_el_t *ua = reed_xml_child(el, "user-agent", REED_NS_SASL2);
  const reed_xml_el_t *bind = reed_xml_child(el, "bind", REED_NS_BIND2);
  const reed_xml_el_t *rt = reed_xml_child(el, "request-token", REED_NS_FAST);
  const reed_xml_el_t *fast = reed_xml_child(el, "fast", REED_NS_FAST);
  const char *v;

  if (ua != NULL && (v = reed_xml_attr(ua, "id")) != NULL &&
      strlen(v) <= REED_XFAST_CLIENT_MAX)
    reed_strlcpy(s->ua_id, v, sizeof(s->ua_id));
  if (bind != NULL) {
    s->bind = true;
    v = reed_xml_child_text(bind, "tag", REED_NS_BIND2);
    if (v != NULL && strlen(v) <= SASL2_TAG_MAX)
      reed_strlcpy(s->tag, v, sizeof(s->tag));
    reed__xmpp_bind2_read(bind, &s->inl);
  }
  if (rt != NULL && (v = reed_xml_attr(rt, "mechanism")) != NULL &&
      strlen(v) <= SASL2_MECH_MAX)
    reed_strlcpy(s->token_mech, v, sizeof(s->token_mech));
  if (fast != NULL) {
    s->fast = true;
    v = reed_xml_attr(fast, "invalidate");
    s->invalidate =
        v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
  }
}

void
reed__xmpp_nz_authenticate(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  sasl2_t *s = state(c);

  if (s == NULL) {
    reed__xmpp_stream_error(c, "internal-server-error", NULL);
    return;
  }
  *s = (sasl2_t){.active = true, .plus_refused = s->plus_refused};
  read_inline(s, el);
  reed__xmpp_sasl_begin(c, reed_xml_attr(el, "mechanism"),
                        reed_xml_child(el, "initial-response", REED_NS_SASL2));
}

void
reed__xmpp_nz_response2(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  sasl2_t *s = reed__xmpp_ext_get(c, XMPP_EXT_SASL2);

  if (s == NULL || !s->active || c->sasl.ex == NULL) {
    send_failure(c, "malformed-request", NULL);
    return;
  }
  reed__xmpp_nz_response(c, el);
}

void
reed__xmpp_nz_abort2(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  if (!reed__xmpp_sasl2_active(c)) {
    send_failure(c, "aborted", NULL);
    return;
  }
  reed__xmpp_nz_abort(c, el);
}
