/* Paged listings: ListRooms and Members (sorted by case-folded name, as
 * many entries as fit in one 65535-byte value, `next` to continue), and
 * History from the model's per-room ring. */
#include "amp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void reed__amp_cmd_list_rooms(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_members(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_history(reed_amp_core_t *c, const amp_argv_t *a);

/* One listed entry: the sort key, up to three fields, a number (a room's
 * size) and a member's affiliation. */
typedef struct {
  char key[REED_ROOM_MAX + 1];
  char *f[3];
  long long size;
  reed_affiliation_t aff;
} entry_t;

typedef struct {
  reed_amp_core_t *c;
  entry_t *v;
  size_t n, cap;
  int err;
} entries_t;

/* Answers with e, or with err (dropping e) when building it failed. */
static void
answer_or_error(reed_amp_core_t *c, reed_amp_enc_t *e, int err)
{
  if (err != 0) {
    reed_amp_enc_cleanup(e);
    reed__amp_error_code(c, err);
  } else {
    reed__amp_answer(c, e);
  }
}

static int
entry_cmp(const void *a, const void *b)
{
  return strcmp(((const entry_t *)a)->key, ((const entry_t *)b)->key);
}

static entry_t *
entries_push(entries_t *es, const char *name)
{
  entry_t *e;

  if (es->err)
    return NULL;
  if (es->n == es->cap) {
    size_t cap = es->cap ? es->cap * 2 : 16;
    entry_t *nv = reed_realloc(es->v, cap * sizeof(*nv));
    if (nv == NULL) {
      es->err = REED_ENOMEM;
      return NULL;
    }
    es->v = nv;
    es->cap = cap;
  }
  e = &es->v[es->n++];
  memset(e, 0, sizeof(*e));
  reed_casefold(e->key, name, sizeof(e->key));
  return e;
}

static void
entry_set(entries_t *es, entry_t *e, int k, const char *s)
{
  if (s != NULL && (e->f[k] = reed_strdup(s)) == NULL)
    es->err = REED_ENOMEM;
}

static void
entries_free(entries_t *es)
{
  for (size_t i = 0; i < es->n; i++) {
    for (int k = 0; k < 3; k++)
      reed_free(es->v[i].f[k]);
  }
  reed_free(es->v);
}

typedef void (*entry_enc_fn)(const entry_t *e, reed_amp_enc_t *enc);

/* Sorts, skips up to `after`, and answers {list_key: AmpList, next?}. */
static void
answer_page(reed_amp_core_t *c, entries_t *es, const char *after,
            const char *list_key, entry_enc_fn enc_entry)
{
  char from[REED_ROOM_MAX + 1] = "";
  reed_buf_t *list = NULL;
  reed_amp_enc_t e;
  size_t i = 0, last = 0;
  bool more = false;

  if (es->n > 1)
    qsort(es->v, es->n, sizeof(es->v[0]), entry_cmp);
  if (after != NULL)
    reed_casefold(from, after, sizeof(from));
  while (i < es->n && after != NULL && strcmp(es->v[i].key, from) <= 0)
    i++;
  for (; i < es->n && !more; i++) {
    reed_amp_enc_init(&e);
    enc_entry(&es->v[i], &e);
    int rc = reed_amp_amplist_add(&list, &e);
    if (rc == REED_ETOOBIG)
      more = true;
    else if (rc < 0)
      es->err = rc;
    else
      last = i;
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, list_key, list ? list->data : NULL,
                   list ? list->len : 0);
  if (more)
    reed_amp_enc_str(&e, "next", es->v[last].f[0]);
  if (list)
    reed_buf_unref(list);
  answer_or_error(c, &e, es->err);
}

/* ---- ListRooms ---------------------------------------------------------- */

static void
collect_room(void *ud, const reed_room_t *r)
{
  entries_t *es = ud;
  reed_room_view_t v;
  entry_t *e;

  reed_room_view(r, &v);
  if (v.secret && !reed_room_has_session(r, es->c->session))
    return;
  if ((e = entries_push(es, v.name)) == NULL)
    return;
  entry_set(es, e, 0, v.name);
  entry_set(es, e, 1, v.topic ? v.topic : "");
  e->size = (long long)v.members;
}

static void
enc_room(const entry_t *e, reed_amp_enc_t *enc)
{
  reed_amp_enc_str(enc, "name", e->f[0]);
  reed_amp_enc_str(enc, "topic", e->f[1]);
  reed_amp_enc_int(enc, "size", e->size);
}

void
reed__amp_cmd_list_rooms(reed_amp_core_t *c, const amp_argv_t *a)
{
  entries_t es = {.c = c};

  reed_model_each_room(c->env->model, collect_room, &es);
  answer_page(c, &es, a->set[0] ? a->s[0] : NULL, "rooms", enc_room);
  entries_free(&es);
}

/* ---- Members ------------------------------------------------------------ */

static void
collect_member(void *ud, const reed_member_view_t *mv)
{
  entries_t *es = ud;
  entry_t *e = entries_push(es, mv->who.nick);

  if (e == NULL)
    return;
  entry_set(es, e, 0, mv->who.nick);
  entry_set(es, e, 1, mv->who.account);
  entry_set(es, e, 2, mv->who.origin ? mv->who.origin : "server");
  e->aff = mv->aff;
}

static void
enc_member(const entry_t *e, reed_amp_enc_t *enc)
{
  reed_amp_enc_str(enc, "nick", e->f[0]);
  if (e->f[1])
    reed_amp_enc_str(enc, "account", e->f[1]);
  reed_amp_enc_str(enc, "origin", e->f[2]);
  if (e->aff != REED_AFF_NONE)
    reed_amp_enc_str(enc, "affiliation", reed__amp_aff_name(e->aff));
}

void
reed__amp_cmd_members(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_room_t *r = reed_room_find(c->env->model, a->s[0]);
  entries_t es = {.c = c};
  reed_room_view_t v;

  if (r != NULL)
    reed_room_view(r, &v);
  if (r == NULL || (v.secret && !reed_room_has_session(r, c->session))) {
    reed__amp_error(c, "NO_SUCH_ROOM", "no such room");
    return;
  }
  reed_room_each_member(r, collect_member, &es);
  answer_page(c, &es, a->set[1] ? a->s[1] : NULL, "members", enc_member);
  entries_free(&es);
}

/* ---- History ------------------------------------------------------------ */

#define HISTORY_DEFAULT 50
#define HISTORY_MAX 100

typedef struct {
  reed_buf_t *items[HISTORY_MAX + 1];
  size_t n;
  int err;
} hist_acc_t;

static void
collect_message(void *ud, const reed_hist_entry_t *h)
{
  hist_acc_t *acc = ud;
  reed_amp_enc_t e;
  reed_buf_t *b = NULL;
  char id[24];

  if (acc->n == REED_ARRAY_SIZE(acc->items) || acc->err)
    return;
  snprintf(id, sizeof(id), "%llu", (unsigned long long)h->id);
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "id", id);
  reed_amp_enc_time(&e, "time", (int64_t)h->ts_ms * 1000);
  reed_amp_enc_str(&e, "sender", h->from.nick ? h->from.nick : "");
  if (h->from.account)
    reed_amp_enc_str(&e, "account", h->from.account);
  reed_amp_enc_str(&e, "origin", h->from.origin ? h->from.origin : "server");
  reed_amp_enc_put(&e, "text", h->text, h->text_len);
  if (h->msg_kind != REED_MSG_NORMAL)
    reed_amp_enc_str(&e, "kind", reed__amp_kind_name(h->msg_kind));
  if ((acc->err = reed_amp_enc_finish(&e, &b)) == 0)
    acc->items[acc->n++] = b;
}

/* The newest messages that fit, oldest first; `more` when older ones were
 * left out. */
static void
answer_history(reed_amp_core_t *c, hist_acc_t *acc, size_t limit)
{
  size_t start = acc->n > limit ? acc->n - limit : 0, total = 0;
  reed_buf_t *list = NULL;
  reed_amp_enc_t e;
  bool more = start > 0;

  for (size_t i = start; i < acc->n; i++)
    total += acc->items[i]->len;
  while (total > REED_AMP_MAX_VALUE) {
    total -= acc->items[start++]->len;
    more = true;
  }
  if (total > 0 && (list = reed_buf_new(total)) == NULL)
    acc->err = REED_ENOMEM;
  for (size_t i = start; i < acc->n && list != NULL; i++) {
    memcpy(list->data + list->len, acc->items[i]->data, acc->items[i]->len);
    list->len += acc->items[i]->len;
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, "messages", list ? list->data : NULL,
                   list ? list->len : 0);
  reed_amp_enc_bool(&e, "more", more);
  if (list)
    reed_buf_unref(list);
  answer_or_error(c, &e, acc->err);
}

void
reed__amp_cmd_history(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_room_t *r = reed__amp_joined_room(c, a->s[0]);
  reed_hist_query_t q = {.dir = REED_HIST_LATEST};
  hist_acc_t acc = {0};
  reed_room_view_t v;
  long long limit = a->set[2] ? a->i[2] : HISTORY_DEFAULT;
  int rc;

  if (r == NULL)
    return;
  if (limit < 1) {
    reed__amp_error(c, "BAD_REQUEST", "limit must be positive");
    return;
  }
  if (limit > HISTORY_MAX)
    limit = HISTORY_MAX;
  if (a->set[1]) {
    long long id;
    if (reed_amp_parse_int((const uint8_t *)a->s[1], a->len[1], &id) < 0 ||
        id < 1) {
      reed__amp_error(c, "BAD_REQUEST", "unknown message id");
      return;
    }
    q.dir = REED_HIST_BEFORE;
    q.id = (uint64_t)id;
  }
  q.limit = (size_t)limit + 1; /* one more tells whether more remain */
  reed_room_view(r, &v);
  rc = reed_history_room(c->session, v.name, &q, collect_message, &acc);
  if (rc < 0)
    acc.err = rc;
  answer_history(c, &acc, (size_t)limit);
  for (size_t i = 0; i < acc.n; i++)
    reed_buf_unref(acc.items[i]);
}
