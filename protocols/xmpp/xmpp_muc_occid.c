/* XEP-0421 occupant ids: HMAC-SHA256 under a server secret of the folded
 * room name and the person (its account, or a guest's session), so one
 * account has one id per room however it connects and whatever its nick,
 * and ids do not link rooms. The secret is made once and kept in the XMPP
 * store (xmpp_secret "muc-occupant-id"); without a store it lasts the
 * process. IRC and AMP members get ids too. */
#include "xmpp_muc.h"
#include "xmpp_store.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#define SECRET_NAME "muc-occupant-id"
#define ID_BYTES 18 /* 24 base64 characters, no padding */

static const uint8_t *
secret(reed_xmpp_core_t *c)
{
  reed_xmpp_state_t *st = c->st;
  uint8_t fresh[sizeof(st->muc_secret)];

  if (st->muc_secret_ready)
    return st->muc_secret;
  if (c->env->portal == NULL)
    return NULL;
  reed_portal_random(c->env->portal, fresh, sizeof(fresh));
  if (st->xs != NULL &&
      reed_xstore_secret(st->xs, SECRET_NAME, fresh, sizeof(fresh)) != 0)
    return NULL; /* not now: a later stanza tries again */
  memcpy(st->muc_secret, fresh, sizeof(fresh));
  st->muc_secret_ready = true;
  return st->muc_secret;
}

bool
reed__xmuc_occupant_id(reed_xmpp_core_t *c, const char *room,
                       const reed_actor_t *who, char *out, size_t size)
{
  const uint8_t *key = secret(c);
  reed_xmpp_state_t *st = c->st;
  char msg[REED_ROOM_MAX + REED_ACCOUNT_MAX + 32], fold[REED_ROOM_MAX + 1];
  char acct[REED_ACCOUNT_MAX + 1];
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned mac_len = 0;
  int n;

  if (key == NULL || who == NULL || size < 25)
    return false;
  reed_casefold(fold, room, sizeof(fold));
  if (who->account != NULL) {
    reed_casefold(acct, who->account, sizeof(acct));
    n = snprintf(msg, sizeof(msg), "%s%ca:%s", fold, 0, acct);
  } else if (who->session_id != 0) {
    n = snprintf(msg, sizeof(msg), "%s%cs:%llu", fold, 0,
                 (unsigned long long)who->session_id);
  } else {
    return false;
  }
  if (n < 0 || (size_t)n >= sizeof(msg))
    return false;
  if (st->occid_in_len == (size_t)n && memcmp(st->occid_in, msg, n) == 0) {
    memcpy(out, st->occid, sizeof(st->occid));
    return true;
  }
  if (HMAC(EVP_sha256(), key, (int)sizeof(st->muc_secret), (const uint8_t *)msg,
           (size_t)n, mac, &mac_len) == NULL ||
      mac_len < ID_BYTES)
    return false;
  out[reed_base64_encode(mac, ID_BYTES, out)] = '\0';
  memcpy(st->occid_in, msg, (size_t)n);
  st->occid_in_len = (size_t)n;
  memcpy(st->occid, out, sizeof(st->occid));
  return true;
}

void
reed__xmuc_out_occupant_id(reed_xmpp_core_t *c, xmpp_out_t *o, const char *room,
                           const reed_actor_t *who)
{
  char id[40];

  if (!reed__xmuc_occupant_id(c, room, who, id, sizeof(id)))
    return;
  reed__xmpp_out_raw(o, "<occupant-id xmlns='" REED_NS_OCCUPANT_ID "'");
  reed__xmpp_out_attr(o, "id", id);
  reed__xmpp_out_raw(o, "/>");
}
