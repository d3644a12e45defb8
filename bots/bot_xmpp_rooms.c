/* The XMPP client's rooms (each with its occupants, from which joins and
 * parts are told) and the private correspondents it remembers, so that an
 * answer to a nick reaches the JID that wrote. */
#include "bot_xmpp_int.h"

#include <stdio.h>
#include <string.h>

/* ---- Rooms ------------------------------------------------------------------
 */
reed__bot_xmpp_room_t *
reed__bot_xmpp_room_by_jid(reed__bot_xmpp_t *x, const char *bare)
{
  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX; i++)
    if (x->rooms[i] && reed__bot_xmpp_same(x->rooms[i]->jid, bare))
      return x->rooms[i];
  return NULL;
}

int
reed__bot_xmpp_occ_has(const reed__bot_xmpp_room_t *r, const char *nick)
{
  for (size_t i = 0; i < r->n_occ; i++)
    if (strcmp(r->occ[i], nick) == 0)
      return 1;
  return 0;
}

int
reed__bot_xmpp_occ_add(reed__bot_xmpp_room_t *r, const char *nick)
{
  char *copy;

  if (reed__bot_xmpp_occ_has(r, nick))
    return 0;
  if (r->n_occ == r->cap_occ) {
    size_t cap = r->cap_occ ? r->cap_occ * 2 : 8;
    char **occ = reed_realloc(r->occ, cap * sizeof(*occ));
    if (occ == NULL)
      return REED_ENOMEM;
    r->occ = occ;
    r->cap_occ = cap;
  }
  copy = reed_strdup(nick);
  if (copy == NULL)
    return REED_ENOMEM;
  r->occ[r->n_occ++] = copy;
  return 0;
}

void
reed__bot_xmpp_occ_del(reed__bot_xmpp_room_t *r, const char *nick)
{
  for (size_t i = 0; i < r->n_occ; i++) {
    if (strcmp(r->occ[i], nick) == 0) {
      reed_free(r->occ[i]);
      r->occ[i] = r->occ[--r->n_occ];
      return;
    }
  }
}

void
reed__bot_xmpp_occ_clear(reed__bot_xmpp_room_t *r)
{
  for (size_t i = 0; i < r->n_occ; i++)
    reed_free(r->occ[i]);
  r->n_occ = 0;
  r->joined = 0;
  r->subject_seen = 0;
}

void
reed__bot_xmpp_room_free(reed__bot_xmpp_room_t *r)
{
  reed__bot_xmpp_occ_clear(r);
  reed_free(r->occ);
  reed_free(r->name);
  reed_free(r->jid);
  reed_free(r->key);
  reed_free(r);
}

void
reed__bot_xmpp_room_forget(reed__bot_xmpp_t *x, reed__bot_xmpp_room_t *r)
{
  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX; i++) {
    if (x->rooms[i] == r) {
      x->rooms[i] = NULL;
      reed__bot_xmpp_room_free(r);
      return;
    }
  }
}

int
reed__bot_xmpp_room_remember(reed__bot_xmpp_t *x, const char *name,
                             const char *jid, const char *key,
                             reed__bot_xmpp_room_t **out)
{
  reed__bot_xmpp_room_t *r = reed__bot_xmpp_room_by_jid(x, jid);
  int slot = -1;

  for (int i = 0; i < REED__BOT_XMPP_ROOMS_MAX && r == NULL && slot < 0; i++)
    if (x->rooms[i] == NULL)
      slot = i;
  if (r == NULL && slot < 0)
    return REED_ELIMIT;
  if (r == NULL) {
    r = reed_calloc(1, sizeof(*r));
    if (r == NULL || (r->name = reed_strdup(name)) == NULL ||
        (r->jid = reed_strdup(jid)) == NULL) {
      if (r)
        reed__bot_xmpp_room_free(r);
      return REED_ENOMEM;
    }
    x->rooms[slot] = r;
  }
  reed_free(r->key);
  r->key = key ? reed_strdup(key) : NULL;
  *out = r;
  return key && r->key == NULL ? REED_ENOMEM : 0;
}

/* The JID a private message to `nick` goes to: a JID when the API nick
 * names one ("\40" is '@'), the JID it last wrote from, else the account
 * of that name on the bot's domain. */
int
reed__bot_xmpp_peer_jid(reed__bot_xmpp_t *x, const char *nick, char *out,
                        size_t size)
{
  char name[REED__BOT_XMPP_JID];
  int rc = reed__bot_xmpp_nick_from_api(nick, name, sizeof(name));

  if (rc)
    return rc;
  if (strchr(name, '@')) {
    reed_strlcpy(out, name, size);
    return 0;
  }
  for (int i = 0; i < REED__BOT_XMPP_PEERS; i++) {
    if (x->peers[i].jid && reed__bot_xmpp_same(x->peers[i].nick, nick)) {
      reed_strlcpy(out, x->peers[i].jid, size);
      return 0;
    }
  }
  if ((size_t)snprintf(out, size, "%s@%s", name, x->domain) >= size)
    return REED_ETOOBIG;
  return 0;
}

void
reed__bot_xmpp_peer_remember(reed__bot_xmpp_t *x, const char *nick,
                             const char *jid)
{
  reed__bot_xmpp_peer_t *p = NULL;
  char *copy = reed_strdup(jid);

  if (copy == NULL)
    return;
  for (int i = 0; i < REED__BOT_XMPP_PEERS && p == NULL; i++)
    if (x->peers[i].jid && reed__bot_xmpp_same(x->peers[i].nick, nick))
      p = &x->peers[i];
  if (p == NULL)
    p = &x->peers[x->peer_next++ % REED__BOT_XMPP_PEERS];
  reed_free(p->jid);
  p->jid = copy;
  reed_strlcpy(p->nick, nick, sizeof(p->nick));
}
