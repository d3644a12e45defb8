/* A redaction in a private conversation whose other party is an account
 * with nobody online (the counterpart of tell_account.c): the message is
 * found in the conversation kept under the account's name, a tombstone
 * takes its place and REDACT is sequenced, so the store and the observers
 * (XMPP's archive and offline storage) learn of it as of any other; only
 * the redactor's person sees it now. */
#include "model_int.h"

#include <stdio.h>
#include <string.h>

int
reed_redact_account(reed_session_t *s, const char *account, uint64_t msg_id,
                    const char *reason)
{
  reed_model_t *m = s->m;
  char fold[REED_ACCOUNT_MAX + 1], me[REED_NICK_MAX + 3],
      peer[REED_ACCOUNT_MAX + 3], key[REED__CONV_KEY_MAX],
      why[REED_REASON_MAX + 1];
  const reed__account_t *a;
  reed_person_view_t pv;
  reed__conv_t *c;
  reed__hmsg_t *h;
  reed_fmt_cache_t cache;
  reed_event_t ev = {.kind = REED_EV_REDACT, .u.redact.ref_id = msg_id};
  int rc;

  if (s->p->nick[0] == '\0')
    return REED_EINVAL;
  if (account == NULL || !reed_account_valid(account))
    return REED_ENOACCOUNT;
  reed_casefold(fold, account, sizeof(fold));
  if ((a = reed__map_get(&m->accounts, fold)) == NULL)
    return REED_ENOACCOUNT;
  if (reed_model_find_account(m, a->name, &pv) == 0)
    return REED_EEXIST; /* online: reed_redact */
  if (reed__reason_check(reason, why, sizeof(why)) != 0)
    return REED_EBADTEXT;
  reed__person_hkey(s->p, me, sizeof(me));
  snprintf(peer, sizeof(peer), "a:%s", fold);
  reed__conv_key(me, peer, key, sizeof(key));
  c = reed__conv_get(m, key, false);
  h = c != NULL ? reed__ring_find(&c->ring, msg_id) : NULL;
  if (h == NULL || h->redacted)
    return REED_ENOSUCHMSG;
  if (h->account != NULL ? reed_casecmp(h->account, s->p->account) != 0
                         : h->session_id != s->id)
    return REED_ENOPRIV; /* only its sender's */
  reed__actor(s, &ev.from);
  ev.text = reason ? why : NULL;
  ev.text_len = strlen(why);
  ev.target = a->name;
  ev.u.msg.target_account = a->name; /* as redact_private sets it */
  if ((rc = reed__sequence(m, &ev)) != 0)
    return rc;
  reed__ring_tombstone(&c->ring, msg_id);
  reed__observe(m, &ev);
  reed__fan_begin(m, &ev, &cache);
  reed__send_person(m, s->p, &ev);
  reed__fan_end(m, &cache);
  return 0;
}
