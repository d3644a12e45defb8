/* Nick history (WHOWAS): a bounded ring of the nicks that went out of
 * use, newest at the head, the oldest overwritten when it is full. A query
 * walks the ring once (at most opts.nick_history entries): WHOWAS is rare,
 * so there is no index to keep in step with evictions. */
#include "model_int.h"

struct reed__was_s {
  char nick[REED_NICK_MAX + 1];
  char fold[REED_NICK_MAX + 1];
  char account[REED_ACCOUNT_MAX + 1]; /* "" for a guest */
  bool bot;
  uint64_t ts_ms;
  const char *origin, *user, *host, *realname; /* in `strs` */
  char strs[];
};

/* One block: the entry and copies of its four strings. */
static reed__was_t *
was_new(const reed_actor_t *a, const char *nick)
{
  const char *src[4] = {a->origin, a->user, a->host, a->realname};
  size_t len[4], total = 0;
  reed__was_t *e;
  char *p;

  for (int i = 0; i < 4; i++) {
    if (src[i] == NULL)
      src[i] = "";
    len[i] = strlen(src[i]) + 1;
    total += len[i];
  }
  e = reed_malloc(sizeof(*e) + total);
  if (e == NULL)
    return NULL;
  reed_strlcpy(e->nick, nick, sizeof(e->nick));
  reed_casefold(e->fold, nick, sizeof(e->fold));
  reed_strlcpy(e->account, a->account ? a->account : "", sizeof(e->account));
  e->bot = a->bot;
  p = e->strs;
  for (int i = 0; i < 4; i++) {
    memcpy(p, src[i], len[i]);
    src[i] = p;
    p += len[i];
  }
  e->origin = src[0];
  e->user = src[1];
  e->host = src[2];
  e->realname = src[3];
  return e;
}

/* Adds an entry at the head; the oldest goes when the ring is full. */
static void
ring_push(reed__was_ring_t *r, reed__was_t *e)
{
  if (r->e == NULL) {
    r->e = reed_calloc(r->max, sizeof(*r->e));
    if (r->e == NULL) {
      reed_free(e);
      return;
    }
  }
  r->head = (r->head + 1) % r->max;
  reed_free(r->e[r->head]); /* NULL until the ring has wrapped */
  r->e[r->head] = e;
  if (r->n < r->max)
    r->n++;
}

void
reed__nick_history_record(reed_session_t *s, const char *nick)
{
  reed_model_t *m = s->m;
  reed_actor_t a;
  reed__was_t *e;

  if (m->was.max == 0)
    return;
  reed__actor(s, &a);
  e = was_new(&a, nick);
  if (e == NULL)
    return; /* history is best effort: the nick still goes */
  e->ts_ms = m->clock->wall_ms(m->clock->c);
  ring_push(&m->was, e);
}

int
reed_model_nick_history(const reed_model_t *m, const char *nick, size_t limit,
                        void (*cb)(void *ud, const reed_nick_was_t *e),
                        void *ud)
{
  const reed__was_ring_t *r = &m->was;
  char fold[REED_NICK_MAX + 1];
  size_t found = 0;

  if (nick == NULL || !reed_nick_valid(nick) || cb == NULL)
    return REED_ENOSUCHNICK;
  reed_casefold(fold, nick, sizeof(fold));
  for (size_t i = 0; i < r->n && (limit == 0 || found < limit); i++) {
    const reed__was_t *e = r->e[(r->head + r->max - i) % r->max];
    reed_nick_was_t out;
    if (strcmp(e->fold, fold) != 0)
      continue;
    out = (reed_nick_was_t){
        .who = {.nick = e->nick,
                .account = e->account[0] ? e->account : NULL,
                .origin = e->origin,
                .user = e->user,
                .host = e->host,
                .realname = e->realname,
                .bot = e->bot},
        .ts_ms = e->ts_ms,
    };
    cb(ud, &out);
    found++;
  }
  return found > 0 ? 0 : REED_ENOSUCHNICK;
}

void
reed__nick_history_free(reed_model_t *m)
{
  reed__was_ring_t *r = &m->was;

  if (r->e != NULL)
    for (size_t i = 0; i < r->max; i++)
      reed_free(r->e[i]);
  reed_free(r->e);
  r->e = NULL;
  r->n = r->head = 0;
}
