/* XEP-0077 in-band registration through the portal, as IRC's REGISTER and
 * AMP's Register: the same reed_portal_register (argon2id on the worker,
 * the password policy, [server] registration), the same texts. Before
 * authentication an <iq/> with jabber:iq:register gets the form (get) or
 * creates the account (set); the client then logs in with SASL. After
 * authentication a set with username and password changes the password
 * (reed_portal_passwd; the store's trigger then deletes the account's
 * FAST tokens), and <remove/> is not-allowed: accounts are deleted with
 * `reed account del`. While the portal works, input waits as for SASL. */
#include "xmpp_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define REG_INSTRUCTIONS                                                       \
  "Choose a username and password to register with this server."

typedef struct xreg_s {
  char *id, *to; /* of the iq being answered */
  bool change;   /* a password change (else a registration) */
  bool in_call;  /* inside the portal call: an inline answer waits */
  bool ready;
  int status;
} xreg_t;

static bool
open_here(const reed_xmpp_core_t *c)
{
  const reed_server_conf_t *sv = c->env->server_conf;

  return c->env->portal != NULL && sv != NULL &&
         sv->registration == REED_REGISTRATION_OPEN;
}

void
reed__xmpp_feature_register(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (c->authed || !open_here(c) ||
      (!c->secure && reed__xmpp_conf(c)->require_tls))
    return;
  reed__xmpp_out_raw(o, "<register xmlns='" REED_NS_REGISTER_FEATURE "'/>");
}

/* ---- Answers -------------------------------------------------------------*/

/* The text of a refused password: the policy's minimum, as IRC says it. */
static const char *
reg_text(reed_xmpp_core_t *c, int status, char *buf, size_t n)
{
  if (status != REED_EWEAKPASSWORD || c->env->portal == NULL)
    return reed_strerror(status);
  snprintf(buf, n, "Password too short: at least %zu characters",
           reed_portal_password_min(c->env->portal));
  return buf;
}

static void
answer(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int status)
{
  char buf[80];
  const char *text = reg_text(c, status, buf, sizeof(buf));

  switch (status) {
  case 0:
    reed__xmpp_iq_result(c, st, NULL);
    break;
  case REED_EACCOUNTEXISTS:
    reed__xmpp_stanza_error(c, st, "cancel", "conflict", text);
    break;
  case REED_EWEAKPASSWORD:
  case REED_EINVAL:
  case REED_EBADACCOUNT:
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable", text);
    break;
  case REED_EREGCLOSED:
  case REED_ENOACCOUNT:
    reed__xmpp_stanza_error(c, st, "cancel", "not-allowed", text);
    break;
  case REED_EREGTHROTTLED: /* as Prosody's mod_register_limits */
    reed__xmpp_stanza_error(c, st, "wait", "policy-violation", text);
    break;
  default:
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", text);
  }
}

static void
xreg_clear(xreg_t *r)
{
  reed_free(r->id);
  reed_free(r->to);
  r->id = r->to = NULL;
}

void
reed__xmpp_register_free(reed_xmpp_core_t *c, void *p)
{
  REED_UNUSED(c);
  xreg_clear(p);
  reed_free(p);
}

/* The portal's answer, once its call has returned. */
static void
portal_answer(reed_xmpp_core_t *c, xreg_t *r)
{
  static const reed_xml_el_t iq = {.name = "iq", .ns = REED_NS_CLIENT};
  xmpp_stanza_t st = {.el = (reed_xml_el_t *)&iq, .id = r->id, .to = r->to};

  r->ready = false;
  c->sasl.pending = false;
  if (!c->closed)
    answer(c, &st, r->status);
  xreg_clear(r);
  reed__xmpp_hold_input(c, false);
}

static void
portal_done(void *ud, uint64_t req_id, int status, const char *account)
{
  reed_xmpp_core_t *c = ud;
  xreg_t *r = reed__xmpp_ext_get(c, XMPP_EXT_REGISTER);

  REED_UNUSED(req_id);
  REED_UNUSED(account);
  r->status = status;
  r->ready = true;
  if (!r->in_call)
    portal_answer(c, r);
}

static const char *
peer_ip(reed_xmpp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;

  return peer != NULL ? peer->ip : NULL;
}

/* Registers, or changes the password of c->account. */
static void
start(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const char *user,
      const char *pw)
{
  xreg_t *r = reed__xmpp_ext_get(c, XMPP_EXT_REGISTER);
  reed_portal_t *p = c->env->portal;
  int rc;

  if (r == NULL && (r = reed_calloc(1, sizeof(*r))) != NULL)
    reed__xmpp_ext_set(c, XMPP_EXT_REGISTER, r);
  if (r == NULL || (st->id && (r->id = reed_strdup(st->id)) == NULL) ||
      (st->to && (r->to = reed_strdup(st->to)) == NULL)) {
    if (r != NULL)
      xreg_clear(r);
    answer(c, st, REED_ENOMEM);
    return;
  }
  r->in_call = true;
  r->ready = false;
  rc = c->authed
           ? reed_portal_passwd(p, c->account, pw, strlen(pw), portal_done, c,
                                c->env->conn_id)
           : reed_portal_register(p, user, pw, strlen(pw), NULL, peer_ip(c),
                                  portal_done, c, c->env->conn_id);
  r->in_call = false;
  if (rc < 0) {
    xreg_clear(r);
    answer(c, st, rc);
    return;
  }
  c->sasl.pending = true; /* feed holds input while the portal works */
  if (r->ready) {
    portal_answer(c, r);
  } else {
    reed__xmpp_pause_parser(c);
    reed__xmpp_hold_input(c, true);
  }
}

/* ---- Requests ------------------------------------------------------------*/

static void
send_form(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_REGISTER "'>");
  if (c->authed) {
    reed__xmpp_out_raw(&o, "<registered/><username>");
    reed__xmpp_out_text(&o, c->account, strlen(c->account));
    reed__xmpp_out_raw(&o, "</username><password/>");
  } else {
    reed__xmpp_out_raw(&o, "<instructions>" REG_INSTRUCTIONS
                           "</instructions><username/><password/>");
  }
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* A nick someone is using is not for the taking (IRC's and AMP's rule). */
static bool
nick_taken(reed_xmpp_core_t *c, const char *name)
{
  reed_person_view_t pv;

  return reed_model_find_nick(c->env->model, name, &pv) == 0;
}

static void
handle(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const reed_xml_el_t *q = st->payload;
  const char *user = reed_xml_child_text(q, "username", REED_NS_REGISTER);
  const char *pw = reed_xml_child_text(q, "password", REED_NS_REGISTER);
  bool set = st->type != NULL && strcmp(st->type, "set") == 0;

  if (st->type == NULL || (!set && strcmp(st->type, "get") != 0)) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
  } else if (!c->authed && !open_here(c)) {
    answer(c, st, REED_EREGCLOSED);
  } else if (!set) {
    send_form(c, st);
  } else if (reed_xml_child(q, "remove", REED_NS_REGISTER) != NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "not-allowed",
                            "Accounts are not removed in-band");
  } else if (user == NULL || user[0] == '\0' || pw == NULL || pw[0] == '\0') {
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable",
                            "A username and a password are required");
  } else if (c->authed && strcasecmp(user, c->account) != 0) {
    reed__xmpp_stanza_error(c, st, "cancel", "not-allowed",
                            "That is not your account");
  } else if (!c->authed && nick_taken(c, user)) {
    answer(c, st, REED_EACCOUNTEXISTS);
  } else {
    start(c, st, user, pw);
  }
}

bool
reed__xmpp_register_preauth(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xmpp_stanza_t st = {.el = el, .target = XMPP_TO_NONE};

  if (strcmp(el->name, "iq") != 0 || el->first == NULL ||
      el->first->next != NULL || strcmp(el->first->name, "query") != 0 ||
      strcmp(el->first->ns, REED_NS_REGISTER) != 0)
    return false;
  st.id = reed_xml_attr(el, "id");
  st.type = reed_xml_attr(el, "type");
  st.payload = el->first;
  handle(c, &st);
  return true;
}

void
reed__xmpp_iq_register(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  handle(c, st);
}
