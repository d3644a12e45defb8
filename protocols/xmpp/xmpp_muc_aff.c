/* XEP-0045 affiliations on the model's (reed_room_set_affiliation): owner,
 * admin, member and outcast per account and room, kept by the store. An
 * outcast is an account ban (the room's BAN list entry naming the
 * account, which every protocol enforces) and is kicked; owners and
 * admins get op (moderator) on every protocol; members pass a members-only
 * (invite-only) room. A room with an owner is persistent. */
#include "xmpp_ext.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>

static const char *const aff_names[] = {
    [REED_AFF_NONE] = "none",     [REED_AFF_OUTCAST] = "outcast",
    [REED_AFF_MEMBER] = "member", [REED_AFF_ADMIN] = "admin",
    [REED_AFF_OWNER] = "owner",
};

static int
aff_of(const char *name)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(aff_names); i++)
    if (strcmp(aff_names[i], name) == 0)
      return (int)i;
  return -1;
}

const char *
reed__xmuc_aff_name(reed_affiliation_t aff)
{
  return (unsigned)aff < REED_ARRAY_SIZE(aff_names) ? aff_names[aff] : "none";
}

const char *
reed__xmuc_affiliation(const reed_room_t *r, const reed_member_view_t *mv)
{
  (void)r;
  return mv != NULL ? reed__xmuc_aff_name(mv->aff) : "none";
}

bool
reed__xmuc_persistent(const reed_room_t *r)
{
  return reed_room_registered(r);
}

/* 10.2: owners configure; a room nobody owns, its ops (IRC's way). */
bool
reed__xmuc_may_configure(const reed_room_t *r, const reed_member_view_t *mv)
{
  if (mv->aff == REED_AFF_OWNER)
    return true;
  return !reed_room_registered(r) && mv->op;
}

int
reed__xmuc_set_aff(reed_xmpp_core_t *c, const char *room, const char *account,
                   const char *aff, const char *reason)
{
  int a = aff_of(aff);

  if (a < 0)
    return REED_EBADMODE;
  return reed_room_set_affiliation(c->session, room, account,
                                   (reed_affiliation_t)a, reason);
}

typedef struct {
  reed_xmpp_core_t *c;
  xmpp_out_t *o;
} list_t;

static void
list_item(void *ud, const reed_aff_entry_t *e)
{
  list_t *k = ud;
  char jid[REED_JID_MAX + 1], fold[REED_ACCOUNT_MAX + 1];

  reed_casefold(fold, e->account, sizeof(fold));
  snprintf(jid, sizeof(jid), "%s@%s", fold, reed__xmpp_domain(k->c));
  reed__xmpp_out_raw(k->o, "<item");
  reed__xmpp_out_attr(k->o, "affiliation", reed__xmuc_aff_name(e->aff));
  reed__xmpp_out_attr(k->o, "jid", jid);
  reed__xmpp_out_raw(k->o, "/>");
}

int
reed__xmuc_aff_list(reed_xmpp_core_t *c, reed_room_t *r, const char *aff,
                    xmpp_out_t *o)
{
  list_t k = {c, o};
  int a = aff_of(aff);

  if (a <= REED_AFF_NONE)
    return REED_EINVAL;
  reed_room_each_affiliation(r, (reed_affiliation_t)a, list_item, &k);
  return 0;
}
