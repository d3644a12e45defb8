/* XEP-0045 10.2: the room configuration form (muc#roomconfig) as the
 * model's room modes, so IRC's MODE and this form show and change the
 * same settings:
 *
 *   muc#roomconfig_membersonly            invite-only (+i)
 *   muc#roomconfig_passwordprotectedroom  a key (+k) ...
 *   muc#roomconfig_roomsecret             ... which is this
 *   muc#roomconfig_maxusers               the limit (+l; 0 or empty: none)
 *   muc#roomconfig_moderatedroom          moderated (+m)
 *   muc#roomconfig_publicroom             not secret (-s)
 *   muc#roomconfig_changesubject          no topic lock (-t)
 *
 * A submitted form is applied as one reed_room_set_modes (the model
 * checks that the submitter is an op), so every protocol sees one MODE
 * and XMPP occupants status 104. */
#include "xmpp_admin.h"
#include "xmpp_ext.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONFIG "muc#roomconfig_"

static void
field(xmpp_out_t *o, const char *var, const char *type, const char *label,
      const char *value)
{
  reed__xmpp_out_raw(o, "<field");
  reed__xmpp_out_attr(o, "var", var);
  reed__xmpp_out_attr(o, "type", type);
  reed__xmpp_out_attr(o, "label", label);
  reed__xmpp_out_raw(o, ">");
  if (value != NULL) {
    reed__xmpp_out_raw(o, "<value>");
    reed__xmpp_out_text(o, value, strlen(value));
    reed__xmpp_out_raw(o, "</value>");
  }
  reed__xmpp_out_raw(o, "</field>");
}

static const char *
yes(bool b)
{
  return b ? "1" : "0";
}

static void
config_form(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r)
{
  reed_room_view_t v;
  xmpp_out_t o;
  char limit[24];

  reed_room_view(r, &v);
  snprintf(limit, sizeof(limit), "%zu", v.limit);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_MUC_OWNER
                         "'><x xmlns='jabber:x:data' type='form'>"
                         "<title>Room configuration</title>");
  field(&o, "FORM_TYPE", "hidden", NULL,
        "http://jabber.org/protocol/muc#roomconfig");
  field(&o, CONFIG "publicroom", "boolean", "List the room publicly",
        yes(!v.secret));
  field(&o, CONFIG "membersonly", "boolean",
        "Members only (invite-only on IRC)", yes(v.invite_only));
  field(&o, CONFIG "moderatedroom", "boolean", "Moderated", yes(v.moderated));
  field(&o, CONFIG "changesubject", "boolean",
        "Occupants may change the subject", yes(!v.topic_lock));
  field(&o, CONFIG "passwordprotectedroom", "boolean", "Password protected",
        yes(v.key != NULL));
  field(&o, CONFIG "roomsecret", "text-private", "Password", v.key);
  field(&o, CONFIG "maxusers", "text-single", "Maximum occupants (0: none)",
        limit);
  field(&o, CONFIG "whois", "list-single", "Who may see real JIDs", "anyone");
  reed__xmpp_out_raw(&o, "</x></query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* A boolean field: 1 or 0, -1 when absent or not a boolean. */
static int
boolean(const reed_xml_el_t *x, const char *var)
{
  const char *v = reed__xmpp_form_value(x, var, 0);

  if (v == NULL)
    return -1;
  if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
    return 1;
  if (strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
    return 0;
  return -1;
}

typedef struct {
  reed_mode_change_t ch[8];
  size_t n;
} changes_t;

static void
flag(changes_t *k, const reed_xml_el_t *x, const char *var,
     reed_room_mode_t mode, bool now, bool inverted)
{
  int b = boolean(x, var);

  if (b < 0 || (bool)(b ^ inverted) == now)
    return;
  k->ch[k->n++] = (reed_mode_change_t){mode, b ^ inverted, NULL, false};
}

/* The changes a submitted form asks for; EBADMODE for a bad value. */
static int
changes_of(const reed_xml_el_t *x, const reed_room_view_t *v, changes_t *k,
           char *limit, size_t size)
{
  const char *secret = reed__xmpp_form_value(x, CONFIG "roomsecret", 0);
  const char *max = reed__xmpp_form_value(x, CONFIG "maxusers", 0);
  int pw = boolean(x, CONFIG "passwordprotectedroom");
  char *end;
  unsigned long n;

  flag(k, x, CONFIG "publicroom", REED_RMODE_SECRET, v->secret, true);
  flag(k, x, CONFIG "membersonly", REED_RMODE_INVITEONLY, v->invite_only,
       false);
  flag(k, x, CONFIG "moderatedroom", REED_RMODE_MODERATED, v->moderated, false);
  flag(k, x, CONFIG "changesubject", REED_RMODE_TOPICLOCK, v->topic_lock, true);
  if (pw == 0 && v->key != NULL)
    k->ch[k->n++] = (reed_mode_change_t){REED_RMODE_KEY, false, NULL, false};
  else if (pw != 0 && secret != NULL && secret[0] != '\0' &&
           (v->key == NULL || strcmp(v->key, secret) != 0))
    k->ch[k->n++] = (reed_mode_change_t){REED_RMODE_KEY, true, secret, false};
  else if (pw == 1 && v->key == NULL)
    return REED_EBADMODE; /* protected, but no password */
  if (max != NULL) {
    n = max[0] == '\0' ? 0 : strtoul(max, &end, 10);
    if (max[0] != '\0' && (*end != '\0' || max[0] < '0' || max[0] > '9'))
      return REED_EBADMODE;
    snprintf(limit, size, "%lu", n);
    if (n == 0 && v->limit != 0)
      k->ch[k->n++] =
          (reed_mode_change_t){REED_RMODE_LIMIT, false, NULL, false};
    else if (n != 0 && n != v->limit)
      k->ch[k->n++] =
          (reed_mode_change_t){REED_RMODE_LIMIT, true, limit, false};
  }
  return 0;
}

static void
submit(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r,
       const reed_xml_el_t *x)
{
  reed_room_view_t v;
  changes_t k = {.n = 0};
  char limit[24];
  int rc;

  if (strcmp(reed_xml_attr(x, "type") ? reed_xml_attr(x, "type") : "",
             "cancel") == 0) {
    reed__xmpp_iq_result(c, st, NULL);
    return;
  }
  if (reed__xmpp_form_check(x) != 0) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return;
  }
  reed_room_view(r, &v);
  if ((rc = changes_of(x, &v, &k, limit, sizeof(limit))) == 0 && k.n > 0)
    rc = reed_room_set_modes(c->session, v.name, k.ch, k.n, NULL);
  if (rc != 0)
    reed__xmuc_admin_error(c, st, rc);
  else
    reed__xmpp_iq_result(c, st, NULL);
}

static bool
may_configure(reed_xmpp_core_t *c, reed_room_t *r)
{
  reed_member_view_t mv;
  const char *me = reed_session_nick(c->session);

  if (reed_session_is_oper(c->session))
    return true;
  return me != NULL && reed_room_has_session(r, c->session) &&
         reed_room_member(r, me, &mv) == 0 && reed__xmuc_may_configure(r, &mv);
}

/* 10.9: the owner destroys the room (reed_room_destroy): each occupant,
 * whatever its protocol, is removed (XMPP: unavailable with <destroy/>,
 * xmpp_muc_event.c), then the room forgets its registration,
 * affiliations and settings. The alternate venue's JID and the reason are
 * passed on; the password of the alternate room is not. */
static void
destroy(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r)
{
  const reed_xml_el_t *d = reed_xml_child(st->payload, "destroy", NULL);
  const char *reason = reed_xml_child_text(d, "reason", NULL);
  const char *venue = reed_xml_attr(d, "jid");
  reed_room_view_t v;
  int rc;

  reed_room_view(r, &v);
  rc = reed_room_destroy(c->session, v.name, reason, venue);
  if (rc == 0)
    reed__xmpp_iq_result(c, st, NULL);
  else if (rc == REED_ENOPRIV)
    reed__xmpp_stanza_error(c, st, "auth", "forbidden",
                            "Only the room's owners may destroy it");
  else if (rc == REED_EBADTEXT || rc == REED_EINVAL)
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
  else
    reed__xmuc_admin_error(c, st, rc);
}

void
reed__xmuc_iq_owner(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_room_t *r = reed__xmuc_room_of(c, st);
  const reed_xml_el_t *x = reed__xmpp_form_find(st->payload);

  if (r == NULL || st->to_jid->resource[0] != '\0') {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  if (strcmp(st->type, "set") == 0 && x == NULL &&
      reed_xml_child(st->payload, "destroy", NULL) != NULL) {
    destroy(c, st, r); /* the model says who may */
    return;
  }
  if (!may_configure(c, r)) {
    reed__xmpp_stanza_error(c, st, "auth", "forbidden",
                            "Only the room's owners may configure it");
    return;
  }
  if (strcmp(st->type, "get") == 0)
    config_form(c, st, r);
  else if (x != NULL)
    submit(c, st, r, x);
  else
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
}
