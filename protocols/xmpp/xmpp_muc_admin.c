/* XEP-0045 moderator and admin use cases (8, 9) on the model's room
 * permissions: roles are the model's op and voice (moderator = op,
 * participant = voice or an unmoderated room, visitor = no voice in a
 * moderated room), a kick is reed_room_kick, an outcast is an account ban
 * (the room's BAN list entry naming the account, enforced on every
 * protocol). The model checks who may: a moderator is an op. */
#include "xmpp_ext.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct {
  int rc;
  const char *type, *cond;
} err_map_t;

static const err_map_t admin_errs[] = {
    {REED_ENOPRIV, "auth", "forbidden"},
    {REED_ENOTMEMBER, "auth", "forbidden"},
    {REED_ENOSUCHNICK, "cancel", "item-not-found"},
    {REED_ETARGETNOTMEMBER, "cancel", "item-not-found"},
    {REED_ENOACCOUNT, "cancel", "item-not-found"},
    {REED_ENOSUCHROOM, "cancel", "item-not-found"},
    {REED_EBADMODE, "modify", "bad-request"},
    {REED_EBADTEXT, "modify", "bad-request"},
    {REED_EINVAL, "modify", "bad-request"},
    {REED_ELISTFULL, "wait", "resource-constraint"},
    {REED_ELASTOWNER, "cancel", "conflict"},
    {REED_ENOMEM, "wait", "resource-constraint"},
    {0, NULL, NULL},
};

void
reed__xmuc_admin_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int rc)
{
  for (const err_map_t *e = admin_errs; e->cond != NULL; e++)
    if (e->rc == rc) {
      reed__xmpp_stanza_error(c, st, e->type, e->cond, NULL);
      return;
    }
  reed__xmpp_stanza_error(c, st, "cancel", "not-allowed", NULL);
}

/* The account a jid attribute names: a bare JID of our domain. */
bool
reed__xmuc_jid_account(reed_xmpp_core_t *c, const char *jid, char *out,
                       size_t size)
{
  reed_jid_t j;

  if (jid == NULL || reed_jid_parse(jid, &j) < 0 || j.local[0] == '\0' ||
      strcasecmp(j.domain, reed__xmpp_domain(c)) != 0 ||
      !reed_account_valid(j.local))
    return false;
  reed_strlcpy(out, j.local, size);
  return true;
}

/* ---- Roles (8.2 kick, 8.3/8.4 voice, 9.6/9.7 moderator) --------------------
 */
static int
set_role(reed_xmpp_core_t *c, const char *room, const char *nick,
         const char *role, const char *reason)
{
  reed_room_t *r = reed_room_find(c->env->model, room);
  reed_member_view_t mv;
  reed_room_view_t v;
  reed_mode_change_t ch[2];
  size_t n = 0;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (reed_room_member(r, nick, &mv) != 0)
    return REED_ETARGETNOTMEMBER;
  reed_room_view(r, &v);
  if (strcmp(role, "none") == 0)
    return reed_room_kick(c->session, room, nick, reason);
  if (strcmp(role, "moderator") == 0) {
    ch[n++] = (reed_mode_change_t){REED_RMODE_OP, true, nick, false};
  } else if (strcmp(role, "participant") == 0) {
    if (mv.op)
      ch[n++] = (reed_mode_change_t){REED_RMODE_OP, false, nick, false};
    if (!mv.voice)
      ch[n++] = (reed_mode_change_t){REED_RMODE_VOICE, true, nick, false};
  } else if (strcmp(role, "visitor") == 0) {
    if (mv.op)
      ch[n++] = (reed_mode_change_t){REED_RMODE_OP, false, nick, false};
    if (mv.voice)
      ch[n++] = (reed_mode_change_t){REED_RMODE_VOICE, false, nick, false};
  } else {
    return REED_EBADMODE;
  }
  return n ? reed_room_set_modes(c->session, room, ch, n, NULL) : 0;
}

typedef struct {
  reed_xmpp_core_t *c;
  reed_room_t *r;
  xmpp_out_t *o;
  const char *role;
} list_t;

static void
role_item(void *ud, const reed_member_view_t *mv)
{
  list_t *k = ud;
  char jid[REED_JID_MAX + 1];
  const char *role = reed__xmuc_role(k->r, mv);

  if (mv->who.nick == NULL || strcmp(role, k->role) != 0)
    return;
  reed__xmuc_real_jid(k->c, &mv->who, jid, sizeof(jid));
  reed__xmpp_out_raw(k->o, "<item");
  reed__xmpp_out_attr(k->o, "affiliation", reed__xmuc_affiliation(k->r, mv));
  reed__xmpp_out_attr(k->o, "jid", jid);
  reed__xmpp_out_attr(k->o, "nick", mv->who.nick);
  reed__xmpp_out_attr(k->o, "role", role);
  reed__xmpp_out_raw(k->o, "/>");
}

static void
get_list(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r,
         const reed_xml_el_t *item)
{
  const char *role = reed_xml_attr(item, "role");
  const char *aff = reed_xml_attr(item, "affiliation");
  reed_member_view_t me;
  xmpp_out_t o;
  list_t k = {c, r, &o, role};

  if (reed_room_member(r, reed_session_nick(c->session), &me) != 0 ||
      !reed_room_has_session(r, c->session) ||
      (!me.op && !reed_session_is_oper(c->session))) {
    reed__xmpp_stanza_error(c, st, "auth", "forbidden", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_MUC_ADMIN "'>");
  if (role != NULL)
    reed_room_each_member(r, role_item, &k);
  else if (aff == NULL || reed__xmuc_aff_list(c, r, aff, &o) != 0) {
    reed__xmpp_out_cleanup(&o);
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return;
  }
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* One <item/> of a set: a role by nick, or an affiliation by jid (or by
 * the nick of an occupant logged in to an account). */
static int
set_item(reed_xmpp_core_t *c, reed_room_t *r, const reed_xml_el_t *item)
{
  const char *nick = reed_xml_attr(item, "nick");
  const char *role = reed_xml_attr(item, "role");
  const char *aff = reed_xml_attr(item, "affiliation");
  const char *reason = reed_xml_child_text(item, "reason", NULL);
  char acct[REED_ACCOUNT_MAX + 1];
  reed_member_view_t mv;
  reed_room_view_t v;

  reed_room_view(r, &v);
  if (reason != NULL && reason[0] == '\0')
    reason = NULL;
  if (role != NULL && nick != NULL && aff == NULL)
    return set_role(c, v.name, nick, role, reason);
  if (aff == NULL)
    return REED_EINVAL;
  if (reed__xmuc_jid_account(c, reed_xml_attr(item, "jid"), acct, sizeof(acct)))
    ;
  else if (nick != NULL && reed_room_member(r, nick, &mv) == 0 &&
           mv.who.account != NULL)
    reed_strlcpy(acct, mv.who.account, sizeof(acct));
  else
    return REED_EINVAL;
  return reed__xmuc_set_aff(c, v.name, acct, aff, reason);
}

void
reed__xmuc_iq_admin(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_room_t *r = reed__xmuc_room_of(c, st);
  const reed_xml_el_t *item = reed_xml_child(st->payload, "item", NULL);
  int rc = 0;

  if (r == NULL || st->to_jid->resource[0] != '\0') {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  if (item == NULL) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return;
  }
  if (strcmp(st->type, "get") == 0) {
    get_list(c, st, r, item);
    return;
  }
  for (; item != NULL && rc == 0; item = reed_xml_next(item, "item", NULL))
    rc = set_item(c, r, item);
  if (rc != 0)
    reed__xmuc_admin_error(c, st, rc);
  else
    reed__xmpp_iq_result(c, st, NULL);
}
