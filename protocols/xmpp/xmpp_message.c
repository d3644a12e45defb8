/* One-to-one messages from an XMPP resource (RFC 6121 section 5 and
 * 8.5). A message with a body to `name@domain` goes through the model
 * (reed_tell to the nick of that account's person), so its IRC and AMP
 * sessions get it as PRIVMSG/Tell and the private history keeps it with
 * the model's id; xmpp_msg_event.c shows it to the XMPP resources. To a
 * full JID it reaches that resource alone (reed_msg_extra_t.to_session),
 * or, with no such resource, the bare JID (chat, normal).
 *
 * Offline rule: a message nobody would see now (the account has no
 * session at all, or only XMPP resources that are unavailable or of
 * negative priority) is stored and delivered at the next initial
 * presence; while any IRC or AMP session of the person is on, the model's
 * delivery to it is the delivery. A message without a body (chat states,
 * receipts, markers) only travels between XMPP resources and is never
 * stored. Errors are never answered with errors. */
#include "xmpp_carbons.h"
#include "xmpp_payload.h"

#include <string.h>

typedef struct {
  bool guest;                   /* a guest's nick: no account, never kept */
  const char *acct;             /* the account addressed */
  reed_xmpp_core_t *full;       /* the bound resource of a full JID, or NULL */
  char nick[REED_NICK_MAX + 1]; /* the person to tell; "" when offline */
} target_t;

static void
error_for(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int rc)
{
  switch (rc) {
  case REED_EBADTEXT:
    reed__xmpp_stanza_error(c, st, "modify", "not-acceptable",
                            "The text is not valid UTF-8 text");
    break;
  case REED_ETOOBIG:
    reed__xmpp_stanza_error(c, st, "modify", "policy-violation",
                            "The message is too long");
    break;
  case REED_EINVAL:
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    break;
  case REED_ENOMEM:
  case REED_EUNAVAILABLE:
  case REED_ELIMIT:
    reed__xmpp_stanza_error(c, st, "wait", "resource-constraint", NULL);
    break;
  default:
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
  }
}

/* ---- Without a body: between XMPP resources only ---------------------------
 */
static void
to_bare(void *ud, reed_xmpp_core_t *o)
{
  if (reed__xim_receives_bare(o))
    reed__xim_write_to(o, "message", ud);
}

/* XEP-0280: a bodyless chat message (a chat state, a receipt) is copied
 * like one with a body. */
static void
relay_carbons(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const target_t *t,
              reed_buf_t *body)
{
  xmpp_out_t in;

  reed__xmpp_out_init(&in);
  reed__xmpp_out_raw(&in, "<message xmlns='jabber:client'");
  reed__xmpp_out_attr(&in, "to", st->to);
  if (in.err == 0)
    in.err = reed_buf_append(&in.b, body->data, body->len);
  if (in.err == 0)
    reed__xcarb_relayed(c, t->acct, t->full, in.b);
  reed__xmpp_out_cleanup(&in);
}

static void
relay_direct(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const target_t *t)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", c->full_jid);
  reed__xmpp_out_attr(&o, "type", st->type);
  reed__xmpp_out_attr(&o, "id", st->id);
  reed__xmpp_out_raw(&o, ">");
  for (const reed_xml_el_t *ch = st->el->first; ch != NULL; ch = ch->next)
    reed__xmpp_out_el(&o, ch, REED_NS_CLIENT);
  reed__xmpp_out_raw(&o, "</message>");
  if (o.err == 0 && t->full != NULL)
    reed__xim_write_to(t->full, "message", o.b);
  else if (o.err == 0)
    reed__xim_each(c, t->acct, to_bare, o.b);
  if (o.err == 0 && st->to != NULL && reed__xcarb_eligible(st->type, false) &&
      !reed__xcarb_private(st->el))
    relay_carbons(c, st, t, o.b);
  reed__xmpp_out_cleanup(&o);
}

/* ---- With a body: through the model
 * ------------------------------------------
 */
typedef struct {
  size_t xmpp;
  const char *nick;
} count_t;

static void
count_xmpp(void *ud, reed_xmpp_core_t *o)
{
  count_t *k = ud;
  const char *n = o->session ? reed_session_nick(o->session) : NULL;

  if (n != NULL && reed_casecmp(n, k->nick) == 0)
    k->xmpp++;
}

/* Does the person behind t->nick have a session that is not XMPP (IRC,
 * AMP, a bot), which the model's delivery reached? */
static bool
others_saw(reed_xmpp_core_t *c, const target_t *t)
{
  reed_person_view_t pv;
  count_t k = {0, t->nick};

  if (reed_model_find_nick(c->env->model, t->nick, &pv) != 0)
    return false;
  reed__xim_each(c, t->acct, count_xmpp, &k);
  return pv.sessions > k.xmpp;
}

static void
store_offline(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const target_t *t,
              xim_msg_t *m, bool answer)
{
  char by[REED_JID_MAX + 1];
  int rc;

  if (reed__xim_store(c) == NULL)
    return; /* no store, nowhere to keep it (the core's store-less tests) */
  reed__xim_account_jid(c, t->acct, by, sizeof(by));
  m->by = by;
  rc = reed__xim_offline_put(c, t->acct, m);
  if (rc == REED_ELIMIT && answer)
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable",
                            "Offline storage for this user is full");
  else if (rc != 0 && answer)
    error_for(c, st, rc);
}

/* Nobody of the account is on: the model keeps it in the private history
 * (its id is the stored copy's stanza-id; the sender's other resources
 * get their <sent/> carbon), then the store keeps it for the next login.
 * A full store refuses it before it is sequenced. */
static void
tell_offline(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const target_t *t,
             xim_msg_t *m, const reed_msg_extra_t *extra)
{
  reed_xstore_t *xs = reed__xim_store(c);
  int max = reed__xmpp_conf(c)->offline_max, rc;
  uint64_t id = 0;

  if (xs == NULL)
    return; /* no store, nowhere to keep it (the core's store-less tests) */
  if (max <= 0 || reed_xstore_offline_count(xs, t->acct) >= max) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable",
                            "Offline storage for this user is full");
    return;
  }
  rc = reed_tell_account(c->session, t->acct, m->msg_kind, m->text, m->len,
                         extra, &id);
  if (rc == 0)
    m->sid = id;
  else if (rc != REED_ENOACCOUNT && rc != REED_EEXIST) {
    error_for(c, st, rc); /* the text the model refuses */
    return;
  }
  store_offline(c, st, t, m, true);
}

static void
full_carbons(reed_xmpp_core_t *c, const target_t *t, const xim_msg_t *m0,
             const char *to)
{
  char by[REED_JID_MAX + 1];
  xim_msg_t m = *m0;

  reed__xim_account_jid(c, t->acct, by, sizeof(by));
  m.by = by;
  reed__xcarb_received_to(c, t->acct, t->full, &m, to);
}

/* The message to the model: its text, kind and what it carries. */
static void
tell(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const target_t *t,
     xim_msg_t *m, reed_msg_extra_t *extra)
{
  xim_sending_t *x = reed__xim_sending(c);
  bool headline = strcmp(m->type, "headline") == 0;
  uint64_t id = 0;
  int rc;

  if (t->nick[0] == '\0') {
    if (!headline) /* 8.5.2.1.1: headline is dropped, the rest kept */
      tell_offline(c, st, t, m, extra);
    return;
  }
  extra->to_session = t->full ? reed_session_id(t->full->session) : 0;
  rc = reed_tell(c->session, t->nick, m->msg_kind, m->text, m->len, extra, &id);
  m->sid = id;
  /* XEP-0280 7: the account's other carbons-enabled resources get what
   * went to one full JID. */
  if (rc == 0 && t->full != NULL && !x->no_carbons &&
      reed__xcarb_eligible(m->type, true))
    full_carbons(c, t, m, st->to);
  /* Kept for later only when nobody saw it, and not for the sender's own
   * account: its sender is one of its sessions. */
  if (rc == 0 && x->shown == 0 && !headline && !t->guest &&
      reed_casecmp(t->acct, c->account) != 0 && !others_saw(c, t))
    store_offline(c, st, t, m, true);
  if (rc != 0)
    error_for(c, st, rc);
}

static void
send_body(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const target_t *t,
          const char *body, const char *type)
{
  xim_sending_t *x = reed__xim_sending(c), saved = *x;
  reed_msg_extra_t extra = {0};
  xmpp_payload_t pl;
  xim_msg_t m = {.from = c->full_jid, .type = type, .id = st->id};
  const reed_xml_el_t *oid = reed_xml_child(st->el, "origin-id", REED_NS_SID);
  int rc;

  m.origin_id = oid != NULL ? reed_xml_attr(oid, "id") : NULL;
  m.msg_kind =
      strcmp(type, "headline") == 0 ? REED_MSG_NOTICE : REED_MSG_NORMAL;
  if (strncmp(body, "/me ", 4) == 0 && body[4] != '\0') {
    m.msg_kind = REED_MSG_ACTION; /* XEP-0245: IRC's ACTION */
    body += 4;
  }
  m.text = body;
  m.len = strlen(body);
  if ((rc = reed__xmpp_payload_build(st->el, &pl)) != 0) {
    error_for(c, st, rc);
    reed__xmpp_payload_cleanup(&pl);
    return;
  }
  extra.xmpp_payload = m.payload = pl.xml;
  extra.reply_to = m.reply_to = pl.reply_to;
  *x = (xim_sending_t){.session_id = reed_session_id(c->session),
                       .from = c->full_jid,
                       .id = st->id,
                       .origin_id = m.origin_id,
                       .type = type,
                       .to_full = t->full != NULL,
                       .to = st->to,
                       .no_carbons = reed__xcarb_private(st->el)};
  tell(c, st, t, &m, &extra);
  *x = saved;
  reed__xmpp_payload_cleanup(&pl);
}

/* ---- The chain's row ------------------------------------------------------
 */
/* A guest (no account) on IRC or AMP shows as nick@domain/origin; the
 * bare JID reaches it back by its nick while it is online. */
static bool
guest(reed_xmpp_core_t *c, const reed_jid_t *to, target_t *t)
{
  reed_person_view_t pv;

  if (reed_model_find_nick(c->env->model, to->local, &pv) != 0 ||
      pv.who.account != NULL)
    return false;
  t->guest = true;
  reed_strlcpy(t->nick, pv.who.nick, sizeof(t->nick));
  return true;
}

static bool
find_target(reed_xmpp_core_t *c, const reed_jid_t *to, const char *type,
            target_t *t)
{
  reed_person_view_t pv;
  reed_model_t *m = c->env->model;

  t->acct = to->local;
  t->full = to->resource[0] != '\0'
                ? reed__xmpp_reg_find(&c->st->reg, to->local, to->resource)
                : NULL;
  t->nick[0] = '\0';
  if (t->full != NULL && t->full->session != NULL &&
      reed_session_nick(t->full->session) != NULL) {
    reed_strlcpy(t->nick, reed_session_nick(t->full->session), sizeof(t->nick));
    return true;
  }
  t->full = NULL;
  /* 8.5.3.2.1: no such resource; chat and normal go to the bare JID. */
  if (to->resource[0] != '\0' && strcmp(type, "headline") == 0)
    return false;
  if (reed_model_find_account(m, to->local, &pv) == 0 && pv.who.nick)
    reed_strlcpy(t->nick, pv.who.nick, sizeof(t->nick));
  return true;
}

/* RFC 6121 5.2.2: a type the server does not know is normal. */
static const char *
type_of(const char *type)
{
  static const char *const known[] = {"chat", "error", "groupchat", "headline",
                                      "normal"};

  for (size_t i = 0; type != NULL && i < sizeof(known) / sizeof(known[0]); i++)
    if (strcmp(type, known[i]) == 0)
      return known[i];
  return "normal";
}

bool
reed__xmpp_message_im(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *type = type_of(st->type);
  const char *body = reed_xml_child_text(st->el, "body", NULL);
  bool error = strcmp(type, "error") == 0;
  reed_jid_t self;
  const reed_jid_t *to = st->to_jid;
  target_t t = {0};
  int kind;

  if (to == NULL) { /* 8.5.1: no 'to' is the sender's own bare JID */
    memset(&self, 0, sizeof(self));
    reed_strlcpy(self.local, c->account, sizeof(self.local));
    reed_strlcpy(self.domain, reed__xmpp_domain(c), sizeof(self.domain));
    to = &self;
  }
  kind = reed__xim_jid_kind(c, to);
  if (kind != XIM_JID_LOCAL)
    return false; /* the server's, the MUC's; other domains: the core's */
  if (strcmp(type, "groupchat") == 0 ||
      (!reed__xim_account_exists(c, to->local) && !guest(c, to, &t))) {
    if (!error) /* 8.5.2.2: no such user */
      reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return true;
  }
  if (t.guest) {
    if (body != NULL && body[0] != '\0' && !error && c->session != NULL)
      send_body(c, st, &t, body, type);
    else if (!error) /* a guest is on IRC or AMP: text and typing */
      reed__xcs_to_model(c, st->el, t.nick);
    return true;
  }
  if (!find_target(c, to, type, &t))
    return true;
  /* Without a body, or to this very resource (the model does not deliver
   * to the sender), it goes from resource to resource; a chat state to
   * the account (not one bound resource) also reaches its IRC sessions
   * as +typing. */
  if (body == NULL || body[0] == '\0' || error || t.full == c) {
    relay_direct(c, st, &t);
    if (!error && t.full == NULL && reed_casecmp(t.acct, c->account) != 0) {
      reed__xcs_to_model(c, st->el, t.nick);
      reed__xmpp_react_to_model(c, st->el, t.nick); /* XEP-0444 */
    }
  } else if (c->session != NULL)
    send_body(c, st, &t, body, type);
  return true;
}
