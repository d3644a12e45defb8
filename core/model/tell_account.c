/* A private message to an account none of whose sessions is online
 * (XMPP's offline message): it has an id and a place in the private
 * history like any other, so IRC CHATHISTORY and an archive show it with
 * the id the offline copy carries; nobody receives it now. */
#include "model_int.h"

#include <stdio.h>

int
reed_tell_account(reed_session_t *s, const char *account, int msg_kind,
                  const char *text, size_t len, const reed_msg_extra_t *x,
                  uint64_t *id_out)
{
  reed_model_t *m = s->m;
  char fold[REED_ACCOUNT_MAX + 1], me[REED_NICK_MAX + 3],
      peer[REED_ACCOUNT_MAX + 3], key[REED__CONV_KEY_MAX];
  const reed__account_t *a;
  reed_person_view_t pv;

  if (s->p->nick[0] == '\0' || (x != NULL && x->to_session != 0))
    return REED_EINVAL;
  if (account == NULL || !reed_account_valid(account))
    return REED_ENOACCOUNT;
  reed_casefold(fold, account, sizeof(fold));
  if ((a = reed__map_get(&m->accounts, fold)) == NULL)
    return REED_ENOACCOUNT;
  if (reed_model_find_account(m, a->name, &pv) == 0)
    return REED_EEXIST; /* online: reed_tell delivers it */
  reed__person_hkey(s->p, me, sizeof(me));
  snprintf(peer, sizeof(peer), "a:%s", fold);
  reed__conv_key(me, peer, key, sizeof(key));
  return reed__tell_kept(s, key, a->name, a->name, msg_kind, text, len, x,
                         id_out);
}
