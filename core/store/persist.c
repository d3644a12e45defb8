/* Model persistence: the observer that turns each sequenced change into
 * rows of the turn's batch, and the loader that restores a fresh model from
 * the database at start-up. */
#include "store_int.h"

#include <stdio.h>
#include <string.h>

/* "p:" + two parties of up to 1 + 32 bytes and a space, or "r:" + a room. */
#define CONV_MAX 80

static void
fold(char *dst, const char *src, size_t size)
{
  size_t i = 0;

  for (; src[i] != '\0' && i + 1 < size; i++)
    dst[i] = (src[i] >= 'A' && src[i] <= 'Z') ? (char)(src[i] + 32) : src[i];
  dst[i] = '\0';
}

/* One party of a private conversation: its folded account, or "~" and its
 * folded nick for a guest. */
static void
party(char *out, size_t size, const char *account, const char *nick)
{
  if (account != NULL && account[0] != '\0') {
    fold(out, account, size);
    return;
  }
  out[0] = '~';
  fold(out + 1, nick ? nick : "", size - 1);
}

static void
conv_key(const reed_event_t *ev, char *out, size_t size)
{
  char a[REED_NICK_MAX + 2], b[REED_NICK_MAX + 2], room[REED_ROOM_MAX + 1];

  if (ev->room != NULL) {
    fold(room, ev->room, sizeof(room));
    snprintf(out, size, "r:%s", room);
    return;
  }
  party(a, sizeof(a), ev->from.account, ev->from.nick);
  party(b, sizeof(b), ev->u.msg.target_account, ev->target);
  if (strcmp(a, b) <= 0)
    snprintf(out, size, "p:%s %s", a, b);
  else
    snprintf(out, size, "p:%s %s", b, a);
}

/* ---- The observer ----------------------------------------------------------
 */
static int
insert_message(reed_store_t *st, const reed_event_t *ev, const char *conv)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_MSG_INSERT);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)ev->id);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)ev->ts_ms);
  sqlite3_bind_text(s, 3, conv, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, ev->room, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, ev->target, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, ev->from.nick ? ev->from.nick : "", -1,
                    SQLITE_STATIC);
  sqlite3_bind_text(s, 7, ev->from.account, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 8, ev->from.origin, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 9, ev->from.user, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 10, ev->from.host, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 11, ev->u.msg.msg_kind);
  sqlite3_bind_blob(s, 12, ev->text ? ev->text : "", (int)ev->text_len,
                    SQLITE_STATIC);
  sqlite3_bind_text(s, 13, ev->u.msg.irc_client_tags, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 14, ev->u.msg.target_account, -1, SQLITE_STATIC);
  if (ev->u.msg.reply_to != 0)
    sqlite3_bind_int64(s, 15, (sqlite3_int64)ev->u.msg.reply_to);
  else
    sqlite3_bind_null(s, 15);
  return reed__store_step_done(st, s, "save message");
}

/* Counts a row of conv; returns the count, or a negative code. */
static long long
count_row(reed_store_t *st, const char *conv)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_CONV_COUNT);
  long long n;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, conv, -1, SQLITE_STATIC);
  if (sqlite3_step(s) == SQLITE_ROW)
    n = sqlite3_column_int64(s, 0);
  else
    n = reed__store_fail(st, "count history");
  sqlite3_reset(s);
  return n;
}

/* Keeps the newest `keep` rows of conv once it has grown a quarter past
 * that, so the scan runs once every keep/4 messages. */
static int
prune(reed_store_t *st, const char *conv, size_t keep)
{
  long long n = count_row(st, conv);
  sqlite3_stmt *s;
  int rc;

  if (n < 0)
    return (int)n;
  if ((size_t)n <= keep + keep / 4)
    return 0;
  s = reed__store_stmt(st, STMT_MSG_PRUNE);
  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, conv, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)keep);
  rc = reed__store_step_done(st, s, "prune history");
  if (rc != 0)
    return rc;
  s = reed__store_stmt(st, STMT_CONV_SET);
  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, conv, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)keep);
  return reed__store_step_done(st, s, "prune history");
}

/* A private message between two guests is not stored: once the server
 * restarts, nobody can read it (a guest sees only what was said while it
 * held its nick, and no account was a party), so a row would only grow
 * the file and keep their words on disk. */
static bool
between_guests(const reed_event_t *ev)
{
  return ev->room == NULL && ev->from.account == NULL &&
         ev->u.msg.target_account == NULL;
}

static int
save_message(reed_store_t *st, const reed_event_t *ev)
{
  char conv[CONV_MAX];
  int rc;

  if (between_guests(ev))
    return 0;
  conv_key(ev, conv, sizeof(conv));
  rc = insert_message(st, ev, conv);
  if (rc != 0)
    return rc;
  return prune(st, conv, ev->room ? st->keep_room : st->keep_private);
}

static void
bind_room_view(sqlite3_stmt *s, const reed_room_view_t *v, const char *folded)
{
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, v->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 3, (sqlite3_int64)v->created_ms);
  sqlite3_bind_text(s, 4, v->topic, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, v->topic_by, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 6, (sqlite3_int64)v->topic_ms);
  sqlite3_bind_int(s, 7, v->moderated);
  sqlite3_bind_int(s, 8, v->invite_only);
  sqlite3_bind_int(s, 9, v->topic_lock);
  sqlite3_bind_int(s, 10, v->secret);
  sqlite3_bind_int(s, 11, v->no_external);
  sqlite3_bind_text(s, 12, v->key, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 13, (sqlite3_int64)v->limit);
}

int
reed__store_save_room(reed_store_t *st, const reed_room_t *r)
{
  char folded[REED_ROOM_MAX + 1];
  reed_room_view_t v;
  sqlite3_stmt *s;

  reed_room_view(r, &v);
  s = reed__store_stmt(st, STMT_ROOM_UPSERT);
  if (s == NULL)
    return REED_EIO;
  fold(folded, v.name, sizeof(folded));
  bind_room_view(s, &v, folded);
  return reed__store_step_done(st, s, "save room");
}

/* Upserts the room's settings as the model has them after the change. */
static int
save_room(reed_store_t *st, const char *name)
{
  reed_room_t *r = name && st->model ? reed_room_lookup(st->model, name) : NULL;

  return r != NULL ? reed__store_save_room(st, r) : 0;
}

/* ---- Ban, exception and invite-exception lists ---------------------------
 */
static const char *
list_name(reed_room_mode_t mode)
{
  switch (mode) {
  case REED_RMODE_BAN:
    return "ban";
  case REED_RMODE_EXCEPT:
    return "except";
  case REED_RMODE_INVEX:
    return "invex";
  default:
    return NULL;
  }
}

static reed_room_mode_t
list_mode(const char *name)
{
  if (name != NULL && strcmp(name, "ban") == 0)
    return REED_RMODE_BAN;
  if (name != NULL && strcmp(name, "except") == 0)
    return REED_RMODE_EXCEPT;
  if (name != NULL && strcmp(name, "invex") == 0)
    return REED_RMODE_INVEX;
  return REED_RMODE_KEY; /* not a list: the model refuses it */
}

/* Adds (set) or removes one list entry. The model has already applied the
 * change, so its event carries the normalised mask, the setter and the
 * time the model keeps. */
static int
save_list_entry(reed_store_t *st, const reed_event_t *ev,
                const reed_mode_change_t *c, const char *room)
{
  char mask[256];
  sqlite3_stmt *s;

  if (c->arg == NULL)
    return 0;
  fold(mask, c->arg, sizeof(mask));
  s = reed__store_stmt(st, c->set ? STMT_LIST_INSERT : STMT_LIST_DELETE);
  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, room, -1, SQLITE_STATIC);
  if (!c->set) {
    sqlite3_bind_text(s, 2, list_name(c->mode), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, mask, -1, SQLITE_STATIC);
    return reed__store_step_done(st, s, "remove list entry");
  }
  sqlite3_bind_text(s, 2, ev->room, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, list_name(c->mode), -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, mask, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, c->arg, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, ev->from.nick ? ev->from.nick : "", -1,
                    SQLITE_STATIC);
  sqlite3_bind_int64(s, 7, (sqlite3_int64)ev->ts_ms);
  sqlite3_bind_int(s, 8, c->account);
  if (reed__store_step_done(st, s, "save list entry") != 0)
    return REED_EIO;
  /* An account ban is the account's affiliation now (OUTCAST). */
  if (c->mode == REED_RMODE_BAN && c->account)
    return reed__store_drop_affiliation(st, room, c->arg);
  return 0;
}

/* Every list change of a MODE event; the first failure is returned, the
 * other entries are still saved. */
static int
save_lists(reed_store_t *st, const reed_event_t *ev)
{
  char room[REED_ROOM_MAX + 1];
  int rc = 0;

  if (ev->room == NULL)
    return 0;
  fold(room, ev->room, sizeof(room));
  for (size_t i = 0; i < ev->u.mode.n_modes; i++) {
    int one = 0;
    if (list_name(ev->u.mode.modes[i].mode) != NULL)
      one = save_list_entry(st, ev, &ev->u.mode.modes[i], room);
    if (rc == 0)
      rc = one;
  }
  return rc;
}

/* Member and list modes (op, voice, bans) are not room settings; the rest
 * are. */
static bool
touches_settings(const reed_event_t *ev)
{
  for (size_t i = 0; i < ev->u.mode.n_modes; i++)
    if (ev->u.mode.modes[i].mode >= REED_RMODE_KEY)
      return true;
  return false;
}

static int
redact(reed_store_t *st, uint64_t id)
{
  sqlite3_stmt *s = reed__store_stmt(st, STMT_MSG_REDACT);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)id);
  return reed__store_step_done(st, s, "redact message");
}

static int
save_mode(reed_store_t *st, const reed_event_t *ev)
{
  int rc = save_lists(st, ev);
  int rc2 = touches_settings(ev) ? save_room(st, ev->room) : 0;

  return rc != 0 ? rc : rc2;
}

bool
reed__store_writes_rows(int kind)
{
  return kind == REED_EV_MESSAGE || kind == REED_EV_TOPIC ||
         kind == REED_EV_MODE || kind == REED_EV_REDACT ||
         kind == REED_EV_READ_MARKER || kind == REED_EV_AFFILIATION;
}

int
reed__store_persist(reed_store_t *st, const reed_event_t *ev)
{
  switch (ev->kind) {
  case REED_EV_MESSAGE:
    return save_message(st, ev);
  case REED_EV_TOPIC:
    return save_room(st, ev->room);
  case REED_EV_MODE:
    return save_mode(st, ev);
  case REED_EV_REDACT:
    return redact(st, ev->u.redact.ref_id);
  case REED_EV_READ_MARKER:
    return reed__store_save_read_marker(st, ev);
  case REED_EV_AFFILIATION:
    return reed__store_save_affiliation(st, ev);
  default:
    return 0;
  }
}

/* Copies a change that writes rows into the journal (for a retry after a
 * failed commit); returns what to write from. */
static const reed_event_t *
journal(reed_store_t *st, const reed_event_t *ev)
{
  const reed_event_t *copy;

  if (!reed__store_writes_rows((int)ev->kind))
    return ev;
  if ((copy = reed__journal_add(&st->journal, ev)) != NULL)
    return copy;
  st->journal_lost = true;
  reed_log(st->log, REED_LOG_ERROR,
           "store: change %llu not journaled (out of memory)",
           (unsigned long long)ev->id);
  return ev;
}

/* Every sequenced change opens the turn's batch, if only to record its id
 * (meta.last_id) so ids never repeat after a restart. While degraded the
 * change only waits in the journal. A row that cannot be written fails
 * the whole batch: SQLite may have rolled it back already. */
static void
on_change(void *ud, const reed_event_t *ev)
{
  reed_store_t *st = ud;
  const reed_event_t *e = journal(st, ev);
  int rc;

  if (ev->id > st->batch_last_id)
    st->batch_last_id = ev->id;
  if (st->degraded || st->batch_failed)
    return;
  rc = reed_store_batch_begin(st);
  if (rc == 0)
    rc = reed__store_persist(st, e);
  if (rc != 0 && !reed__store_row_refused(st, ev))
    st->batch_failed = true;
}

/* A row the database refuses by rule (a constraint or trigger) is undone
 * alone and logged: it would be refused again, so the rest of the batch
 * goes on. Anything else (a full disk, an I/O error) may have rolled the
 * batch back, and fails it. */
bool
reed__store_row_refused(reed_store_t *st, const reed_event_t *ev)
{
  bool refused = (sqlite3_errcode(st->db) & 0xff) == SQLITE_CONSTRAINT &&
                 !sqlite3_get_autocommit(st->db);

  if (refused)
    reed_log(st->log, REED_LOG_ERROR, "store: change %llu (kind %d) not saved",
             (unsigned long long)ev->id, (int)ev->kind);
  return refused;
}

/* ---- The loader ------------------------------------------------------------
 */
typedef struct {
  reed_store_t *st;
  size_t accounts, rooms, list_entries, messages, affs;
  size_t owners; /* owner rows of the room being loaded */
} load_t;

typedef int (*row_fn)(load_t *ld, sqlite3_stmt *s);

static const char *
col_text(sqlite3_stmt *s, int col)
{
  return (const char *)sqlite3_column_text(s, col);
}

/* Calls fn for each row of a bound statement; stops at the first error fn
 * returns. */
static int
step_rows(load_t *ld, sqlite3_stmt *s, row_fn fn)
{
  int rc = 0, step = SQLITE_DONE;

  while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW)
    rc = fn(ld, s);
  if (rc == 0 && step != SQLITE_DONE)
    rc = reed__store_fail(ld->st, "load");
  return rc;
}

/* step_rows, then finalizes a statement prepared for this load. */
static int
run_rows(load_t *ld, sqlite3_stmt *s, row_fn fn)
{
  int rc = step_rows(ld, s, fn);

  sqlite3_finalize(s);
  return rc;
}

/* Runs a query with up to two integer parameters. */
static int
each_row(load_t *ld, const char *sql, sqlite3_int64 p1, sqlite3_int64 p2,
         row_fn fn)
{
  sqlite3_stmt *s = NULL;

  if (sqlite3_prepare_v2(ld->st->db, sql, -1, &s, NULL) != SQLITE_OK)
    return reed__store_fail(ld->st, "load");
  if (sqlite3_bind_parameter_count(s) >= 1)
    sqlite3_bind_int64(s, 1, p1);
  if (sqlite3_bind_parameter_count(s) >= 2)
    sqlite3_bind_int64(s, 2, p2);
  return run_rows(ld, s, fn);
}

/* Runs a cached query about one room: ?1 its folded name, ?2 (if any) a
 * limit. Joins of rooms not in memory run these, so they are prepared
 * once. */
static int
each_room_row(load_t *ld, reed__store_stmt_id id, const char *folded,
              sqlite3_int64 limit, row_fn fn)
{
  sqlite3_stmt *s = reed__store_stmt(ld->st, id);
  int rc;

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  if (sqlite3_bind_parameter_count(s) >= 2)
    sqlite3_bind_int64(s, 2, limit);
  rc = step_rows(ld, s, fn);
  sqlite3_reset(s);
  return rc;
}

/* A row the model refuses is logged and skipped; only ENOMEM stops the
 * load. */
static int
loaded(load_t *ld, int rc, const char *what, const char *name, size_t *count)
{
  if (rc == 0) {
    (*count)++;
    return 0;
  }
  if (rc == REED_ENOMEM)
    return rc;
  reed_log(ld->st->log, REED_LOG_WARN, "store: %s %s not loaded: %s", what,
           name ? name : "?", reed_strerror(rc));
  return 0;
}

static int
account_row(load_t *ld, sqlite3_stmt *s)
{
  const char *name = col_text(s, 0);
  int rc = reed_model_account_add(ld->st->model, name);

  if (rc == REED_EACCOUNTEXISTS)
    return 0;
  return loaded(ld, rc, "account", name, &ld->accounts);
}

static int
room_row(load_t *ld, sqlite3_stmt *s)
{
  reed_room_state_t rs = {
      .name = col_text(s, 0),
      .created_ms = (uint64_t)sqlite3_column_int64(s, 1),
      .topic = col_text(s, 2),
      .topic_by = col_text(s, 3),
      .topic_ms = (uint64_t)sqlite3_column_int64(s, 4),
      .moderated = sqlite3_column_int(s, 5) != 0,
      .invite_only = sqlite3_column_int(s, 6) != 0,
      .topic_lock = sqlite3_column_int(s, 7) != 0,
      .secret = sqlite3_column_int(s, 8) != 0,
      .no_external = sqlite3_column_int(s, 9) != 0,
      .key = col_text(s, 10),
      .limit = (size_t)sqlite3_column_int64(s, 11),
  };

  return loaded(ld, reed_room_load(ld->st->model, &rs), "room", rs.name,
                &ld->rooms);
}

static int
history_row(load_t *ld, sqlite3_stmt *s)
{
  reed_hist_entry_t e = {
      .id = (uint64_t)sqlite3_column_int64(s, 0),
      .ts_ms = (uint64_t)sqlite3_column_int64(s, 1),
      .room = col_text(s, 2),
      .target = col_text(s, 3),
      .target_account = col_text(s, 4),
      .from.nick = col_text(s, 5),
      .from.account = col_text(s, 6),
      .from.origin = col_text(s, 7),
      .from.user = col_text(s, 8),
      .from.host = col_text(s, 9),
      .msg_kind = sqlite3_column_int(s, 10),
      .text = (const char *)sqlite3_column_blob(s, 11),
      .text_len = (size_t)sqlite3_column_bytes(s, 11),
      .irc_client_tags = col_text(s, 12),
      .reply_to = (uint64_t)sqlite3_column_int64(s, 13),
  };
  char id[24];

  if (e.text == NULL)
    e.text = "";
  snprintf(id, sizeof(id), "%llu", (unsigned long long)e.id);
  return loaded(ld, reed_history_load(ld->st->model, &e), "message", id,
                &ld->messages);
}

static int
next_id_row(load_t *ld, sqlite3_stmt *s)
{
  uint64_t last = (uint64_t)sqlite3_column_int64(s, 0);

  reed_model_set_next_id(ld->st->model, last + 1);
  return 0;
}

static const char sql_accounts[] = "SELECT name FROM accounts ORDER BY folded";
/* The newest ?1 rows of each private conversation, oldest first. Rooms
 * are loaded one by one when someone joins them (load_room). */
static const char sql_private_history[] =
    "SELECT id, ts_ms, room, target, target_account, nick, account, origin,"
    " user, host, kind, text, tags, reply_to FROM (SELECT *, row_number() OVER"
    " (PARTITION BY conv ORDER BY id DESC) AS rn FROM messages"
    " WHERE room IS NULL) WHERE rn <= ?1 ORDER BY id";
static const char sql_last_id[] =
    "SELECT max(coalesce((SELECT value FROM meta WHERE key = 'last_id'), 0),"
    " coalesce((SELECT max(id) FROM messages), 0))";

static int
list_row(load_t *ld, sqlite3_stmt *s)
{
  const char *room = col_text(s, 0), *list = col_text(s, 1);
  const char *mask = col_text(s, 2);
  char name[400];
  int rc = reed_room_load_list(ld->st->model, room, list_mode(list), mask,
                               sqlite3_column_int(s, 5) != 0, col_text(s, 3),
                               (uint64_t)sqlite3_column_int64(s, 4));

  if (rc != 0)
    snprintf(name, sizeof(name), "%s %s of %s", list ? list : "?",
             mask ? mask : "?", room ? room : "?");
  return loaded(ld, rc, "list entry", name, &ld->list_entries);
}

static int
aff_row(load_t *ld, sqlite3_stmt *s)
{
  const char *room = col_text(s, 0), *name = col_text(s, 1);
  reed_affiliation_t aff = reed__store_aff_parse(col_text(s, 2));
  int rc =
      reed_room_load_affiliation(ld->st->model, room, name, aff, col_text(s, 3),
                                 (uint64_t)sqlite3_column_int64(s, 4));

  ld->owners += rc == 0 && aff == REED_AFF_OWNER;
  return loaded(ld, rc, "affiliation of", name, &ld->affs);
}

/* ---- One room, when a join asks for a room the model does not hold ------
 * (not loaded yet since the start, or its dormant state was evicted). Only
 * a room someone owns has settings and lists to bring back: one nobody
 * owns forgot them when it emptied (its rows go at the next start). */
static int
load_room_rows(load_t *ld, const char *folded)
{
  int rc = each_room_row(ld, STMT_AFFS_ONE, folded, 0, aff_row);

  if (rc == 0 && ld->owners > 0)
    rc = each_room_row(ld, STMT_ROOM_ONE, folded, 0, room_row);
  if (rc == 0 && ld->owners > 0)
    rc = each_room_row(ld, STMT_LISTS_ONE, folded, 0, list_row);
  if (rc == 0)
    rc = each_room_row(ld, STMT_HISTORY_ONE, folded,
                       (sqlite3_int64)(ld->st->keep_room / 2), history_row);
  return rc;
}

/* The model's room source: brings in what the store has of `room`. */
static int
load_room(void *ud, reed_model_t *m, const char *room)
{
  reed_store_t *st = ud;
  load_t ld = {.st = st};
  char folded[REED_ROOM_MAX + 1];
  int rc;

  if (m != st->model)
    return 0;
  fold(folded, room, sizeof(folded));
  rc = load_room_rows(&ld, folded);
  if (rc == 0 && ld.rooms + ld.list_entries + ld.messages > 0)
    reed_log(st->log, REED_LOG_INFO,
             "store: room %s loaded (%zu list entries, %zu messages)", room,
             ld.list_entries, ld.messages);
  return rc;
}

static int
load_all(load_t *ld)
{
  reed_store_t *st = ld->st;
  int rc = each_row(ld, sql_accounts, 0, 0, account_row);
  size_t markers = 0;

  if (rc == 0)
    rc = reed__store_load_read_markers(st, &markers);
  if (rc == 0)
    rc = each_row(ld, sql_private_history,
                  (sqlite3_int64)(st->keep_private / 2), 0, history_row);
  if (rc == 0)
    rc = each_row(ld, sql_last_id, 0, 0, next_id_row);
  /* Every room is empty at start: the ones nobody owns forget. */
  if (rc == 0)
    rc = reed__store_exec(st, reed__store_sql_forget_unowned);
  return rc;
}

void
reed_store_set_history_keep(reed_store_t *st, size_t per_room,
                            size_t per_private)
{
  if (per_room != 0)
    st->keep_room = per_room;
  if (per_private != 0)
    st->keep_private = per_private;
}

/* Loads inside one read transaction, so the picture is consistent even
 * while another process writes. */
static int
load(reed_store_t *st)
{
  load_t ld = {.st = st};
  int rc = reed__store_exec(st, "BEGIN");

  if (rc != 0)
    return rc;
  rc = load_all(&ld);
  reed__store_exec(st, rc == 0 ? "COMMIT" : "ROLLBACK");
  if (rc == 0)
    reed_log(st->log, REED_LOG_INFO,
             "store: loaded %zu accounts, %zu private messages", ld.accounts,
             ld.messages);
  return rc;
}

/* The model is being freed: nothing to detach from any more. */
static void
on_model_free(void *ud)
{
  reed_store_t *st = ud;

  st->model = NULL;
}

void
reed__store_detach(reed_store_t *st)
{
  if (st->model == NULL)
    return;
  reed__store_gate_detach(st);
  reed_model_set_room_source(st->model, NULL);
  reed_model_remove_observer(st->model, &st->observer);
  st->model = NULL;
}

int
reed_store_attach(reed_store_t *st, reed_model_t *m)
{
  int rc;

  if (st->model != NULL || m == NULL)
    return REED_EINVAL;
  rc = reed_store_turn_end(st);
  if (rc != 0)
    return rc;
  st->model = m;
  rc = load(st);
  if (rc == 0)
    rc = reed__store_sync_bans(st); /* no session yet: none is removed */
  if (rc == 0)
    rc = reed__store_sync_mark(st);
  if (rc == 0) {
    st->observer = (reed_model_observer_t){
        .on_change = on_change,
        .ud = st,
        .on_model_free = on_model_free,
    };
    rc = reed_model_add_observer(m, &st->observer);
  }
  if (rc == 0)
    reed_model_set_room_source(
        m, &(reed_room_source_t){.load = load_room, .ud = st});
  if (rc == 0)
    rc = reed__store_gate_attach(st);
  if (rc != 0)
    st->model = NULL;
  return rc;
}
