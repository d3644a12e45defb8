/* MAM's results: the private conversations of the user's person gathered
 * from the model (one with `with`, every one reed_history_targets lists
 * otherwise), ordered by the model's id (ids grow with time), filtered by
 * time and id, cut to one RSM page, and written as XEP-0313 result
 * messages followed by <fin/>. */
#include "xmpp_mam_int.h"
#include "xmpp_payload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct gather_s {
  reed_xmpp_core_t *c;
  const char *room_jid; /* a room's archive; NULL: the account's */
  mam_msg_t *v;
  size_t n, cap;
  char **peers;
  size_t n_peers;
  int err;
} gather_t;

/* A person's JID as the IM files show it: the account (or a guest's
 * nick), case-folded, on our domain. */
static char *
person_jid(reed_xmpp_core_t *c, const char *account, const char *nick)
{
  char local[REED_NICK_MAX + 1], jid[REED_JID_MAX + 1];

  reed_casefold(local, account ? account : nick ? nick : "", sizeof(local));
  snprintf(jid, sizeof(jid), "%s@%s", local, reed__xmpp_domain(c));
  return reed_strdup(jid);
}

/* An occupant's JID in the room's archive: room@muc/nick. */
static char *
occupant_jid(const char *room_jid, const char *nick)
{
  size_t n = strlen(room_jid) + strlen(nick ? nick : "") + 2;
  char *s = reed_malloc(n);

  if (s != NULL)
    snprintf(s, n, "%s/%s", room_jid, nick ? nick : "");
  return s;
}

/* A new slot at the end of g->v, or NULL (g->err set). */
static mam_msg_t *
slot(gather_t *g)
{
  if (g->err != 0 || g->n >= MAM_GATHER_LIMIT)
    return NULL;
  if (g->n == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 64;
    mam_msg_t *v = reed_realloc(g->v, cap * sizeof(*v));
    if (v == NULL) {
      g->err = REED_ENOMEM;
      return NULL;
    }
    g->v = v, g->cap = cap;
  }
  return memset(&g->v[g->n], 0, sizeof(g->v[0]));
}

static void
msg_free(mam_msg_t *m)
{
  reed_free(m->from), reed_free(m->to), reed_free(m->text);
  reed_free(m->payload), reed_free(m->by);
}

/* The retraction archived for tombstone `e` (xmpp_retract_arch.c), as
 * the message it was: from the occupant (or the person) that retracted
 * its own message, or from the room for a moderator's. */
typedef struct {
  gather_t *g;
  const reed_hist_entry_t *e;
  size_t tomb; /* its index: slot() may move g->v */
} arch_t;

static void
on_retraction(void *ud, const reed_xretract_t *r)
{
  arch_t *a = ud;
  gather_t *g = a->g;
  const reed_hist_entry_t *e = a->e;
  bool self =
      e->from.account != NULL && r->account != NULL
          ? reed_casecmp(e->from.account, r->account) == 0
          : e->from.nick != NULL && reed_casecmp(e->from.nick, r->nick) == 0;
  size_t rlen = r->reason ? strlen(r->reason) : 0;
  mam_msg_t *m;

  g->v[a->tomb].retracted_ms = r->ts_ms;
  if ((m = slot(g)) == NULL)
    return;
  m->id = r->id, m->ts_ms = r->ts_ms, m->retract_of = r->ref_id;
  if (g->room_jid != NULL) {
    m->from =
        self ? occupant_jid(g->room_jid, r->nick) : reed_strdup(g->room_jid);
    m->by = self ? NULL : occupant_jid(g->room_jid, r->nick);
    m->to = reed_strdup(g->room_jid);
  } else { /* only the sender retracts in a conversation */
    m->from = reed_strdup(g->v[a->tomb].from);
    m->to = reed_strdup(g->v[a->tomb].to);
  }
  m->text = reed_malloc(rlen + 1);
  if (m->from == NULL || m->to == NULL || m->text == NULL ||
      (!self && g->room_jid != NULL && m->by == NULL)) {
    msg_free(m);
    g->err = REED_ENOMEM;
    return;
  }
  memcpy(m->text, r->reason ? r->reason : "", rlen + 1);
  m->text_len = rlen;
  g->n++;
}

static void
on_entry(void *ud, const reed_hist_entry_t *e)
{
  gather_t *g = ud;
  bool mine;
  mam_msg_t *m = slot(g);

  if (m == NULL)
    return;
  mine = e->from.account != NULL &&
         strcasecmp(e->from.account, g->c->account) == 0;
  *m = (mam_msg_t){.id = e->id,
                   .ts_ms = e->ts_ms,
                   .msg_kind = e->msg_kind,
                   .reply_to = e->reply_to,
                   .redacted = e->redacted};
  if (g->room_jid != NULL) { /* a room's: from the occupant, to nobody */
    m->from = occupant_jid(g->room_jid, e->from.nick);
    m->to = reed_strdup(g->room_jid);
  } else {
    m->from = person_jid(g->c, e->from.account, e->from.nick);
    m->to = mine ? person_jid(g->c, e->target_account, e->target)
                 : person_jid(g->c, g->c->account, NULL);
  }
  m->text = reed_malloc(e->text_len + 1);
  m->payload = e->xmpp_payload ? reed_strdup(e->xmpp_payload) : NULL;
  if (m->from == NULL || m->to == NULL || m->text == NULL ||
      (e->xmpp_payload != NULL && m->payload == NULL)) {
    msg_free(m);
    g->err = REED_ENOMEM;
    return;
  }
  memcpy(m->text, e->text, e->text_len);
  m->text[e->text_len] = '\0';
  m->text_len = e->text_len;
  g->n++;
  if (e->redacted && reed__xmpp_xstore(g->c) != NULL) {
    arch_t a = {g, e, g->n - 1};
    (void)reed_xstore_retract_of(reed__xmpp_xstore(g->c), e->id, on_retraction,
                                 &a);
  }
}

static void
on_peer(void *ud, const char *peer, uint64_t last_ms)
{
  gather_t *g = ud;
  char **v;

  (void)last_ms;
  if (g->err != 0)
    return;
  v = reed_realloc(g->peers, (g->n_peers + 1) * sizeof(*v));
  if (v == NULL || (v[g->n_peers] = reed_strdup(peer)) == NULL) {
    g->peers = v != NULL ? v : g->peers;
    g->err = REED_ENOMEM;
    return;
  }
  g->peers = v;
  g->n_peers++;
}

static int
cmp_id(const void *a, const void *b)
{
  const mam_msg_t *x = a, *y = b;

  return x->id < y->id ? -1 : x->id > y->id;
}

static int
gather(reed_xmpp_core_t *c, const mam_query_t *q, gather_t *g)
{
  const reed_hist_query_t all = {
      .dir = REED_HIST_LATEST, .limit = 0, .tombstones = true};
  reed_jid_t j;
  int rc = 0;

  if (q->room != NULL) {
    g->room_jid = q->room_jid;
    rc = reed_history_room(c->session, q->room, &all, on_entry, g);
    return rc < 0 ? rc : g->err;
  }
  if (q->with[0] != '\0') {
    /* Another domain, or a JID with no localpart, has no conversation. */
    if (reed_jid_parse(q->with, &j) < 0 || j.local[0] == '\0' ||
        strcasecmp(j.domain, reed__xmpp_domain(c)) != 0)
      return 0;
    rc = reed_history_private(c->session, j.local, &all, on_entry, g);
    return rc == REED_ENOSUCHNICK || rc == REED_EINVAL ? 0 : rc;
  }
  rc = reed_history_targets(c->session, 0, 0, 0, on_peer, g);
  for (size_t i = 0; rc == 0 && g->err == 0 && i < g->n_peers; i++) {
    rc = reed_history_private(c->session, g->peers[i], &all, on_entry, g);
    if (rc == REED_ENOSUCHNICK)
      rc = 0;
  }
  return rc < 0 ? rc : g->err;
}

static bool
listed(const mam_query_t *q, uint64_t id)
{
  for (size_t i = 0; i < q->n_ids; i++)
    if (q->ids[i] == id)
      return true;
  return q->n_ids == 0;
}

/* In a room, `with` names an occupant (room@muc/nick) or the room. */
static bool
with_ok(const mam_query_t *q, const mam_msg_t *m)
{
  return q->room == NULL || q->with[0] == '\0' ||
         strcasecmp(q->with, m->from) == 0 ||
         strcasecmp(q->with, q->room_jid) == 0;
}

static bool
wanted(const mam_query_t *q, const mam_msg_t *m)
{
  return listed(q, m->id) && with_ok(q, m) &&
         (q->start_ms == 0 || m->ts_ms >= q->start_ms) &&
         (q->end_ms == 0 || m->ts_ms <= q->end_ms) &&
         (q->after_id == 0 || m->id > q->after_id) &&
         (q->before_id == 0 || m->id < q->before_id);
}

/* The body, or for a redacted message XEP-0424's tombstone in its place
 * (nothing of what was said is kept). */
static void
put_content(xmpp_out_t *o, const mam_msg_t *m)
{
  char id[24], stamp[40];

  if (m->redacted) {
    reed__xmpp_out_raw(o, "<retracted xmlns='" REED_NS_RETRACT "'");
    if (m->retracted_ms != 0) {
      reed__xmpp_stamp(m->retracted_ms, stamp, sizeof(stamp));
      reed__xmpp_out_attr(o, "stamp", stamp);
    }
    reed__xmpp_out_raw(o, "/>");
    return;
  }
  if (m->retract_of != 0) {
    snprintf(id, sizeof(id), "%llu", (unsigned long long)m->retract_of);
    reed__xmpp_retract_put(o, id, m->by, m->text, m->text_len);
    return;
  }
  reed__xmpp_out_raw(o, "<body>");
  if (m->msg_kind == REED_MSG_ACTION)
    reed__xmpp_out_raw(o, "/me "); /* XEP-0245, as live messages */
  reed__xmpp_out_text(o, m->text, m->text_len);
  reed__xmpp_out_raw(o, "</body>");
}

static void
put_result(reed_xmpp_core_t *c, const mam_query_t *q, const mam_msg_t *m)
{
  char id[24], stamp[40], by[REED_JID_MAX + 1];
  xmpp_out_t o;

  snprintf(id, sizeof(id), "%llu", (unsigned long long)m->id);
  if (q->room != NULL)
    snprintf(by, sizeof(by), "%s", q->room_jid);
  else
    reed__xmpp_account_jid(c, c->account, by, sizeof(by));
  reed__xmpp_stamp(m->ts_ms, stamp, sizeof(stamp));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, "message", c->full_jid, q->room ? by : NULL, NULL,
                        NULL);
  reed__xmpp_out_raw(&o, "><result xmlns='" REED_NS_MAM "'");
  reed__xmpp_out_attr(&o, "queryid", q->queryid);
  reed__xmpp_out_attr(&o, "id", id);
  reed__xmpp_out_raw(&o, "><forwarded xmlns='" REED_NS_FORWARD
                         "'><delay xmlns='" REED_NS_DELAY "'");
  reed__xmpp_out_attr(&o, "stamp", stamp);
  reed__xmpp_out_raw(&o, "/><message xmlns='" REED_NS_CLIENT "'");
  reed__xmpp_out_attr(&o, "from", m->from);
  if (q->room == NULL)
    reed__xmpp_out_attr(&o, "to", m->to);
  reed__xmpp_out_raw(&o, q->room ? " type='groupchat'>" : " type='chat'>");
  put_content(&o, m);
  reed__xmpp_out_raw(&o, "<stanza-id xmlns='urn:xmpp:sid:0'");
  reed__xmpp_out_attr(&o, "by", by);
  reed__xmpp_out_attr(&o, "id", id);
  reed__xmpp_out_raw(&o, "/>");
  if (!m->redacted)
    reed__xmpp_payload_put(&o, m->reply_to, m->payload);
  reed__xmpp_out_raw(&o, "</message></forwarded></result></message>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
put_fin(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const mam_msg_t *first,
        const mam_msg_t *last, size_t count, bool complete)
{
  char buf[64];
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<fin xmlns='" REED_NS_MAM "'");
  reed__xmpp_out_raw(&o, complete ? " complete='true'>" : ">");
  reed__xmpp_out_raw(&o, "<set xmlns='" REED_NS_RSM "'>");
  if (first != NULL) {
    snprintf(buf, sizeof(buf), "<first>%llu</first><last>%llu</last>",
             (unsigned long long)first->id, (unsigned long long)last->id);
    reed__xmpp_out_raw(&o, buf);
  }
  snprintf(buf, sizeof(buf), "<count>%zu</count></set></fin>", count);
  reed__xmpp_out_raw(&o, buf);
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* Keeps the wanted messages in id order, without repeats. */
static size_t
select_wanted(const mam_query_t *q, gather_t *g)
{
  size_t n = 0;

  if (g->n == 0)
    return 0;
  qsort(g->v, g->n, sizeof(*g->v), cmp_id);
  for (size_t i = 0; i < g->n; i++) {
    bool keep = wanted(q, &g->v[i]) && (n == 0 || g->v[n - 1].id != g->v[i].id);
    mam_msg_t tmp = g->v[n];

    if (!keep)
      continue;
    g->v[n] = g->v[i]; /* swap so every entry is still freed once */
    g->v[i] = tmp;
    n++;
  }
  return n;
}

static void
gather_free(gather_t *g)
{
  for (size_t i = 0; i < g->n; i++)
    msg_free(&g->v[i]);
  reed_free(g->v);
  for (size_t i = 0; i < g->n_peers; i++)
    reed_free(g->peers[i]);
  reed_free(g->peers);
}

/* The model's refusal of a room's archive: only its occupants read it. */
static void
gather_error(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int rc)
{
  if (rc == REED_ENOTMEMBER)
    reed__xmpp_stanza_error(c, st, "auth", "forbidden",
                            "Only occupants may read this archive");
  else if (rc == REED_ENOSUCHROOM)
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
  else
    reed__xmpp_stanza_error(c, st, "wait", "internal-server-error", NULL);
}

static void
put_meta_end(xmpp_out_t *o, const char *name, const mam_msg_t *m)
{
  char id[24], stamp[40];

  snprintf(id, sizeof(id), "%llu", (unsigned long long)m->id);
  reed__xmpp_stamp(m->ts_ms, stamp, sizeof(stamp));
  reed__xmpp_out_raw(o, "<");
  reed__xmpp_out_raw(o, name);
  reed__xmpp_out_attr(o, "id", id);
  reed__xmpp_out_attr(o, "timestamp", stamp);
  reed__xmpp_out_raw(o, "/>");
}

void
reed__xmpp_mam_metadata(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                        const mam_query_t *q)
{
  gather_t g = {.c = c};
  xmpp_out_t o;
  size_t n;
  int rc = gather(c, q, &g);

  if (rc < 0) {
    gather_error(c, st, rc);
    gather_free(&g);
    return;
  }
  n = select_wanted(q, &g);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<metadata xmlns='" REED_NS_MAM "'>");
  if (n > 0) {
    put_meta_end(&o, "start", &g.v[0]);
    put_meta_end(&o, "end", &g.v[n - 1]);
  }
  reed__xmpp_out_raw(&o, "</metadata>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
  gather_free(&g);
}

void
reed__xmpp_mam_run(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
                   const mam_query_t *q)
{
  gather_t g = {.c = c};
  size_t n, from, len;
  int rc = gather(c, q, &g);

  if (rc < 0) {
    gather_error(c, st, rc);
  } else {
    n = select_wanted(q, &g);
    len = n < q->max ? n : q->max;
    from = q->last_page ? n - len : 0; /* <before/>: the page nearest it */
    for (size_t i = 0; i < len; i++)
      put_result(c, q, &g.v[q->flip ? from + len - 1 - i : from + i]);
    put_fin(c, st, len ? &g.v[q->flip ? from + len - 1 : from] : NULL,
            len ? &g.v[q->flip ? from : from + len - 1] : NULL, n, len == n);
  }
  gather_free(&g);
}
