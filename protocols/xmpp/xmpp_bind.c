/* Resource binding (RFC 6120 7) and the model session behind it, the
 * legacy session element (RFC 3921 3, XEP-0206), the end of the session,
 * and the model listener.
 *
 * A bind of a full JID that is already bound replaces the older session:
 * it gets a <conflict/> stream error and its model session quits (RFC 6120
 * 7.7.2.2, "override"); the newer connection is the one the user has. */
#include "xmpp_component.h"
#include "xmpp_int.h"

#include <stdio.h>
#include <string.h>

#define XMPP_RESOURCE_MAX REED_JID_PART_MAX

void
reed__xmpp_feature_bind(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (!c->authed || c->bound)
    return;
  reed__xmpp_out_raw(o, "<bind xmlns='" REED_NS_BIND
                        "'/><session xmlns='" REED_NS_SESSION
                        "'><optional/></session>");
}

/* RFC 7622 3.4: a resourcepart is UTF-8 without control characters. */
static bool
resource_valid(const char *r)
{
  size_t n = strlen(r);

  if (n == 0 || n > XMPP_RESOURCE_MAX ||
      !reed_utf8_valid((const uint8_t *)r, n))
    return false;
  for (size_t i = 0; i < n; i++)
    if ((uint8_t)r[i] < 0x20 || r[i] == 0x7f)
      return false;
  return true;
}

/* The model's `user` is at most 255 bytes without spaces: the resource,
 * cut and with spaces as '_' (it is only shown, never parsed back). */
static void
model_user(const char *resource, char *out, size_t size)
{
  size_t n = reed_utf8_cut(resource, strlen(resource), size - 1);

  memcpy(out, resource, n);
  out[n] = '\0';
  for (char *p = out; *p != '\0'; p++)
    if (*p == ' ')
      *p = '_';
}

static void
label_conn(reed_xmpp_core_t *c, const reed_session_t *s)
{
  reed_transport_t *t = c->env->transport;
  char label[REED_NICK_MAX + REED_ACCOUNT_MAX + 16];

  if (s == NULL || t->set_label == NULL || reed_session_nick(s) == NULL)
    return;
  snprintf(label, sizeof(label), "%s/acct %s", reed_session_nick(s),
           c->account);
  t->set_label(t->t, label);
}

/* The nick: the one the account's person already has (another session of
 * it is online), else the account name (docs/design.md, Identity). */
static void
pick_nick(reed_xmpp_core_t *c, char *nick, size_t size)
{
  reed_person_view_t pv;

  if (reed_model_find_account(c->env->model, c->account, &pv) == 0 &&
      pv.who.nick != NULL)
    reed_strlcpy(nick, pv.who.nick, size);
  else
    reed_strlcpy(nick, c->account, size);
}

/* The nick picked, or, when someone else holds it (a guest took the
 * account's name before the account existed), the name with '_' and the
 * session's number: an XMPP client has no nick to fall back on. */
static int
take_nick(reed_session_t *s, const char *nick)
{
  char alt[REED_NICK_MAX + 1];
  int rc = reed_session_set_nick(s, nick);

  if (rc != REED_ENICKINUSE && rc != REED_ENICKRESERVED)
    return rc;
  snprintf(alt, sizeof(alt), "%.*s_%llu", REED_NICK_MAX - 12, nick,
           (unsigned long long)reed_session_id(s));
  return reed_session_set_nick(s, alt);
}

/* A server ban on the account or the mask: the stream ends with it. */
static bool
banned(reed_xmpp_core_t *c, reed_session_t *s)
{
  reed_sban_view_t ban;
  char why[REED_REASON_MAX + 16];

  if (!reed_session_sban(s, &ban))
    return false;
  snprintf(why, sizeof(why), "Banned: %s",
           ban.reason[0] != '\0' ? ban.reason : "no reason given");
  reed_log(c->env->log, REED_LOG_INFO, "xmpp: refused %s: banned (%s)",
           c->account, ban.target);
  reed_session_quit(s, why);
  reed__xmpp_stream_error(c, "policy-violation", why);
  return true;
}

/* Creates the model session for the bound resource. 0, EBANNED (the
 * stream has ended), or a model error. */
static int
session_start(reed_xmpp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;
  char user[256], nick[REED_NICK_MAX + 1];
  reed_session_info_t info = {
      .origin = "xmpp",
      .user = user,
      .host = reed__xmpp_domain(c),
      .ip = peer ? peer->ip : NULL,
      .realname = c->account,
      .listener = &reed__xmpp_listener,
      .ud = c,
  };
  reed_session_t *s;
  int rc;

  model_user(c->resource, user, sizeof(user));
  pick_nick(c, nick, sizeof(nick));
  if ((rc = reed_session_new(c->env->model, &info, &s)) < 0)
    return rc;
  if ((rc = reed_session_login(s, c->account)) == 0)
    rc = take_nick(s, nick);
  if (rc < 0) {
    reed_session_quit(s, NULL);
    return rc;
  }
  if (banned(c, s))
    return REED_EBANNED;
  c->session = s;
  return 0;
}

static int
set_resource(reed_xmpp_core_t *c, const char *resource)
{
  char gen[40];
  size_t n;

  if (resource == NULL || resource[0] == '\0') {
    reed__xmpp_new_id(c, gen, sizeof(gen));
    resource = gen;
  }
  n = strlen(c->account) + strlen(reed__xmpp_domain(c)) + strlen(resource) + 3;
  c->resource = reed_strdup(resource);
  c->full_jid = reed_malloc(n);
  if (c->resource == NULL || c->full_jid == NULL)
    return REED_ENOMEM;
  snprintf(c->full_jid, n, "%s@%s/%s", c->account, reed__xmpp_domain(c),
           resource);
  /* The bare part as JIDs compare (xmpp_jid.h): ASCII case folded. */
  for (char *p = c->full_jid; *p != '/'; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p + 32);
  return 0;
}

static void
clear_resource(reed_xmpp_core_t *c)
{
  reed_free(c->resource);
  reed_free(c->full_jid);
  c->resource = c->full_jid = NULL;
}

static void
bind_result(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<bind xmlns='" REED_NS_BIND "'><jid>");
  reed__xmpp_out_text(&o, c->full_jid, strlen(c->full_jid));
  reed__xmpp_out_raw(&o, "</jid></bind>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
replace_older(reed_xmpp_core_t *c)
{
  reed_xmpp_core_t *old =
      reed__xmpp_reg_find(&c->st->reg, c->account, c->resource);

  if (old != NULL && old != c)
    reed__xmpp_stream_error(old, "conflict", "Replaced by new connection");
}

int
reed__xmpp_bind_resource(reed_xmpp_core_t *c, const char *res)
{
  int rc;

  if ((rc = set_resource(c, res)) == 0) {
    replace_older(c);
    rc = session_start(c);
  }
  if (rc == 0 && (rc = reed__xmpp_reg_add(&c->st->reg, c)) < 0) {
    reed_session_quit(c->session, NULL);
    c->session = NULL;
  }
  if (rc < 0) {
    clear_resource(c);
    return rc;
  }
  c->bound = true;
  if (c->timer != 0)
    c->env->clock->cancel(c->env->clock->c, c->timer);
  c->timer = 0;
  reed__xmpp_keepalive_start(c);
  return 0;
}

void
reed__xmpp_bind_hooks(reed_xmpp_core_t *c)
{
  for (size_t i = 0; reed__xmpp_on_bound[i] != NULL && !c->closed; i++)
    reed__xmpp_on_bound[i](c);
}

void
reed__xmpp_iq_bind(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *res = reed_xml_child_text(st->payload, "resource", REED_NS_BIND);
  int rc;

  if (c->bound) {
    reed__xmpp_stanza_error(c, st, "cancel", "not-allowed", NULL);
    return;
  }
  if (res != NULL && res[0] != '\0' && !resource_valid(res)) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return;
  }
  if ((rc = reed__xmpp_bind_resource(c, res)) < 0) {
    if (rc != REED_EBANNED)
      reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
    return;
  }
  bind_result(c, st);
  reed__xmpp_bind_hooks(c);
}

/* RFC 3921 3: nothing to do since RFC 6121; an empty result. */
void
reed__xmpp_iq_session(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed__xmpp_iq_result(c, st, NULL);
}

void
reed__xmpp_unbind(reed_xmpp_core_t *c, const char *reason)
{
  reed_session_t *s;

  if (c->component)
    reed__xcomp_gone(c); /* XEP-0114: leaves the table of components */
  if (!c->bound)
    return;
  for (size_t i = 0; reed__xmpp_on_unbind[i] != NULL; i++)
    reed__xmpp_on_unbind[i](c);
  reed__xmpp_reg_del(&c->st->reg, c);
  c->bound = false;
  s = c->session;
  c->session = NULL;
  if (s != NULL) {
    label_conn(c, s);
    reed_session_quit(s, reason);
  }
}

/* ---- The model listener ---------------------------------------------------*/

void
reed__xmpp_ev_kill(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  char reason[REED_REASON_MAX + 16];

  label_conn(c, s);
  c->session = NULL; /* the model removes it after this fan-out */
  snprintf(reason, sizeof(reason), "Killed: %.*s", (int)ev->text_len,
           ev->text ? ev->text : "");
  reed__xmpp_stream_error(c, "policy-violation", reason);
}

static void
on_event(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  reed_xmpp_core_t *c = ud;
  xmpp_event_fn fn = (unsigned)ev->kind < XMPP_EV_KINDS
                         ? reed__xmpp_event_handlers[ev->kind]
                         : NULL;

  if (fn == NULL || (c->closed && ev->kind != REED_EV_KILL))
    return;
  for (size_t i = 0;
       ev->kind != REED_EV_KILL && reed__xmpp_event_filters[i] != NULL; i++)
    if (reed__xmpp_event_filters[i](c, s, ev))
      return;
  fn(c, s, ev);
}

const reed_session_listener_t reed__xmpp_listener = {
    .on_event = on_event,
};
