/* XEP-0045 affiliations on the model: an outcast is an account ban (the
 * room's BAN list entry naming the account, which every protocol
 * enforces); setting one kicks the account's person from the room. */
#include "xmpp_ext.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>

bool
reed__xmuc_persistent(const reed_room_t *r)
{
  (void)r;
  return false;
}

bool
reed__xmuc_may_configure(const reed_room_t *r, const reed_member_view_t *mv)
{
  (void)r;
  return mv->op;
}

typedef struct {
  const char *account;
  char nick[REED_NICK_MAX + 1];
} find_t;

static void
find_member(void *ud, const reed_member_view_t *mv)
{
  find_t *k = ud;

  if (k->nick[0] == '\0' && mv->who.account != NULL && mv->who.nick != NULL &&
      reed_casecmp(mv->who.account, k->account) == 0)
    reed_strlcpy(k->nick, mv->who.nick, sizeof(k->nick));
}

int
reed__xmuc_set_aff(reed_xmpp_core_t *c, const char *room, const char *account,
                   const char *aff, const char *reason)
{
  reed_room_t *r = reed_room_find(c->env->model, room);
  reed_mode_change_t ban = {REED_RMODE_BAN, true, account, true};
  find_t k = {account, ""};
  int rc;

  if (r == NULL)
    return REED_ENOSUCHROOM;
  if (strcmp(aff, "none") == 0) {
    ban.set = false;
    return reed_room_set_modes(c->session, room, &ban, 1, NULL);
  }
  if (strcmp(aff, "outcast") != 0)
    return REED_ENOPRIV;
  if ((rc = reed_room_set_modes(c->session, room, &ban, 1, NULL)) != 0)
    return rc;
  reed_room_each_member(r, find_member, &k);
  if (k.nick[0] != '\0')
    rc = reed_room_kick(c->session, room, k.nick, reason);
  return rc;
}

typedef struct {
  reed_xmpp_core_t *c;
  xmpp_out_t *o;
} list_t;

static void
outcast(void *ud, const reed_list_entry_t *e)
{
  list_t *k = ud;
  char jid[REED_JID_MAX + 1], fold[REED_ACCOUNT_MAX + 1];

  if (!e->account)
    return;
  reed_casefold(fold, e->mask, sizeof(fold));
  snprintf(jid, sizeof(jid), "%s@%s", fold, reed__xmpp_domain(k->c));
  reed__xmpp_out_raw(k->o, "<item affiliation='outcast'");
  reed__xmpp_out_attr(k->o, "jid", jid);
  reed__xmpp_out_raw(k->o, "/>");
}

int
reed__xmuc_aff_list(reed_xmpp_core_t *c, reed_room_t *r, const char *aff,
                    xmpp_out_t *o)
{
  list_t k = {c, o};

  if (strcmp(aff, "outcast") == 0) {
    reed_room_each_list(r, REED_RMODE_BAN, outcast, &k);
    return 0;
  }
  if (strcmp(aff, "member") == 0 || strcmp(aff, "admin") == 0 ||
      strcmp(aff, "owner") == 0)
    return 0;
  return REED_EINVAL;
}
