/* Room affiliations over amp-chat: SetAffiliation and Affiliations, the
 * names of affiliations (one table, shared with Members and the
 * AffiliationChanged event in amp_fmt.c). The room need not be joined:
 * a registered room is there while empty, and the model says who may. */
#include "amp_int.h"

#include <string.h>

void reed__amp_cmd_set_affiliation(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_affiliations(reed_amp_core_t *c, const amp_argv_t *a);

static const char *const aff_names[] = {
    [REED_AFF_NONE] = "none",     [REED_AFF_OUTCAST] = "outcast",
    [REED_AFF_MEMBER] = "member", [REED_AFF_ADMIN] = "admin",
    [REED_AFF_OWNER] = "owner",
};

const char *
reed__amp_aff_name(reed_affiliation_t aff)
{
  return (unsigned)aff < REED_ARRAY_SIZE(aff_names) ? aff_names[aff] : "none";
}

static bool
aff_parse(const char *name, reed_affiliation_t *out)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(aff_names); i++)
    if (strcmp(name, aff_names[i]) == 0) {
      *out = (reed_affiliation_t)i;
      return true;
    }
  return false;
}

/* The room as the caller may see it: a secret room only from inside. */
static reed_room_t *
visible_room(reed_amp_core_t *c, const char *name)
{
  reed_room_t *r = reed_room_lookup(c->env->model, name);
  reed_room_view_t v;

  if (r != NULL) {
    reed_room_view(r, &v);
    if (v.secret && !reed_room_has_session(r, c->session))
      r = NULL;
  }
  if (r == NULL)
    reed__amp_error(c, "NO_SUCH_ROOM", "no such room");
  return r;
}

void
reed__amp_cmd_set_affiliation(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_affiliation_t aff;
  reed_room_view_t v;
  reed_room_t *r;
  int rc;

  if (!aff_parse(a->s[2], &aff)) {
    reed__amp_error(c, "BAD_REQUEST",
                    "affiliation: owner, admin, member, outcast or none");
    return;
  }
  if ((r = visible_room(c, a->s[0])) == NULL)
    return;
  reed_room_view(r, &v);
  rc = reed_room_set_affiliation(c->session, v.name, a->s[1], aff,
                                 a->set[3] ? a->s[3] : NULL);
  if (rc == REED_ENOACCOUNT)
    reed__amp_error(c, "NO_SUCH_ACCOUNT", "no such account");
  else if (rc < 0)
    reed__amp_error_code(c, rc);
  else
    reed__amp_answer_empty(c);
}

typedef struct {
  reed_buf_t *list;
  bool more;
  int err;
} affs_acc_t;

static void
add_aff(void *ud, const reed_aff_entry_t *en)
{
  affs_acc_t *acc = ud;
  reed_amp_enc_t e;
  int rc;

  if (acc->more || acc->err)
    return;
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "account", en->account);
  reed_amp_enc_str(&e, "affiliation", reed__amp_aff_name(en->aff));
  reed_amp_enc_str(&e, "by", en->by ? en->by : "");
  reed_amp_enc_time(&e, "set", (int64_t)en->ms * 1000);
  rc = reed_amp_amplist_add(&acc->list, &e);
  if (rc == REED_ETOOBIG)
    acc->more = true;
  else if (rc < 0)
    acc->err = rc;
}

void
reed__amp_cmd_affiliations(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_affiliation_t which = REED_AFF_NONE;
  affs_acc_t acc = {0};
  reed_amp_enc_t e;
  reed_room_t *r;

  if (a->set[1] && (!aff_parse(a->s[1], &which) || which == REED_AFF_NONE)) {
    reed__amp_error(c, "BAD_REQUEST", "which: owner, admin, member or outcast");
    return;
  }
  if ((r = visible_room(c, a->s[0])) == NULL)
    return;
  reed_room_each_affiliation(r, which, add_aff, &acc);
  if (acc.err) {
    if (acc.list)
      reed_buf_unref(acc.list);
    reed__amp_error_code(c, acc.err);
    return;
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, "affiliations", acc.list ? acc.list->data : NULL,
                   acc.list ? acc.list->len : 0);
  reed_amp_enc_bool(&e, "registered", reed_room_registered(r));
  reed_amp_enc_bool(&e, "more", acc.more);
  if (acc.list)
    reed_buf_unref(acc.list);
  reed__amp_answer(c, &e);
}
