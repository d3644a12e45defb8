/* XEP-0444 reactions are a full set per sender and message; IRC's
 * +draft/react and +draft/unreact (the model's neutral reaction) one
 * change at a time. The module keeps each sender's set per message (the
 * model id, which is also the target id every protocol shows) for the
 * REACT_SETS latest pairs, so a change from IRC or AMP reaches XMPP as
 * the sender's whole set, and a set from an XMPP occupant becomes the
 * changes it makes (xmpp_react_room.c). Applying a change is idempotent:
 * every XMPP listener of one fan-out applies it, the first renders. */
#include "xmpp_payload.h"

#include <stdio.h>
#include <string.h>

#define REACT_SETS 512

typedef struct {
  uint64_t id;                    /* the message; 0: free */
  char who[REED_ACCOUNT_MAX + 2]; /* folded account, or "~" + nick */
  char set[XMPP_REACT_SET_MAX];   /* reactions, each followed by a NUL */
  size_t len;
  uint64_t used; /* LRU stamp */
} react_set_t;

typedef struct xmpp_react_sets_s {
  react_set_t v[REACT_SETS];
  uint64_t clock;
} xmpp_react_sets_t;

void
reed__xmpp_react_sets_free(reed_xmpp_state_t *st)
{
  reed_free(st->react_sets);
  st->react_sets = NULL;
}

void
reed__xmpp_react_who(const reed_actor_t *a, char *out, size_t size)
{
  if (a->account != NULL) {
    reed_casefold(out, a->account, size);
  } else {
    out[0] = '~';
    reed_casefold(out + 1, a->nick ? a->nick : "", size - 1);
  }
}

bool
reed__xmpp_react_in(const char *set, size_t len, const char *v)
{
  for (size_t at = 0; at < len; at += strlen(set + at) + 1)
    if (strcmp(set + at, v) == 0)
      return true;
  return false;
}

/* The pair's entry; with make, a new one (the least recently used goes). */
static react_set_t *
entry(reed_xmpp_state_t *st, uint64_t id, const char *who, bool make)
{
  xmpp_react_sets_t *t = st->react_sets;
  react_set_t *old = NULL;

  if (t == NULL) {
    if (!make || (t = reed_calloc(1, sizeof(*t))) == NULL)
      return NULL;
    st->react_sets = t;
  }
  for (size_t i = 0; i < REACT_SETS; i++) {
    react_set_t *e = &t->v[i];
    if (e->id == id && strcmp(e->who, who) == 0) {
      e->used = ++t->clock;
      return e;
    }
    if (old == NULL || e->used < old->used)
      old = e;
  }
  if (!make)
    return NULL;
  *old = (react_set_t){.id = id, .used = ++t->clock};
  reed_strlcpy(old->who, who, sizeof(old->who));
  return old;
}

size_t
reed__xmpp_react_get(reed_xmpp_state_t *st, uint64_t id, const char *who,
                     char *set, size_t size)
{
  react_set_t *e = entry(st, id, who, false);

  if (e == NULL || e->len > size)
    return 0;
  memcpy(set, e->set, e->len);
  return e->len;
}

void
reed__xmpp_react_apply(reed_xmpp_state_t *st, const reed_event_t *ev)
{
  char who[REED_ACCOUNT_MAX + 2];
  const char *r = ev->u.msg.reaction;
  size_t n = r ? strlen(r) + 1 : 0;
  react_set_t *e;

  if (r == NULL || ev->u.msg.reply_to == 0)
    return;
  reed__xmpp_react_who(&ev->from, who, sizeof(who));
  if ((e = entry(st, ev->u.msg.reply_to, who, true)) == NULL)
    return;
  if (ev->u.msg.unreact) { /* cut it out */
    for (size_t at = 0; at < e->len; at += strlen(e->set + at) + 1)
      if (strcmp(e->set + at, r) == 0) {
        memmove(e->set + at, e->set + at + n, e->len - at - n);
        e->len -= n;
        break;
      }
  } else if (!reed__xmpp_react_in(e->set, e->len, r) &&
             e->len + n <= sizeof(e->set)) {
    memcpy(e->set + e->len, r, n);
    e->len += n;
  }
}

void
reed__xmpp_react_put(reed_xmpp_state_t *st, xmpp_out_t *o, uint64_t id,
                     const reed_actor_t *from)
{
  char who[REED_ACCOUNT_MAX + 2], sid[24], set[XMPP_REACT_SET_MAX];
  size_t len;

  reed__xmpp_react_who(from, who, sizeof(who));
  len = reed__xmpp_react_get(st, id, who, set, sizeof(set));
  snprintf(sid, sizeof(sid), "%llu", (unsigned long long)id);
  reed__xmpp_out_raw(o, "<reactions xmlns='" REED_NS_REACTIONS "'");
  reed__xmpp_out_attr(o, "id", sid);
  if (len == 0) {
    reed__xmpp_out_raw(o, "/>");
    return;
  }
  reed__xmpp_out_raw(o, ">");
  for (size_t at = 0; at < len; at += strlen(set + at) + 1) {
    reed__xmpp_out_raw(o, "<reaction>");
    reed__xmpp_out_text(o, set + at, strlen(set + at));
    reed__xmpp_out_raw(o, "</reaction>");
  }
  reed__xmpp_out_raw(o, "</reactions>");
}
