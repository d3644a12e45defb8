/* Room affiliations in the store. An AFFILIATION change rewrites the
 * room's rows from the model (settings, lists, affiliations): a room that
 * becomes registered then carries nothing stale from a time nobody owned
 * it, and a journal replay writes what the model holds. At start the rows
 * of rooms nobody owns go: such a room forgot them when it emptied. */
#include "store_int.h"

#include <string.h>

static const char *const aff_names[] = {
    [REED_AFF_MEMBER] = "member",
    [REED_AFF_ADMIN] = "admin",
    [REED_AFF_OWNER] = "owner",
};

reed_affiliation_t
reed__store_aff_parse(const char *name)
{
  for (int a = REED_AFF_MEMBER; a <= REED_AFF_OWNER; a++)
    if (name != NULL && strcmp(name, aff_names[a]) == 0)
      return (reed_affiliation_t)a;
  return REED_AFF_NONE; /* the model refuses it */
}

typedef struct {
  reed_store_t *st;
  const char *folded, *name, *list;
  int rc;
} resync_t;

static void
put_list(void *ud, const reed_list_entry_t *e)
{
  resync_t *rs = ud;
  char mask[256];
  sqlite3_stmt *s;

  if (rs->rc != 0 || (s = reed__store_stmt(rs->st, STMT_LIST_INSERT)) == NULL) {
    rs->rc = rs->rc ? rs->rc : REED_EIO;
    return;
  }
  reed_casefold(mask, e->mask, sizeof(mask));
  sqlite3_bind_text(s, 1, rs->folded, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, rs->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, rs->list, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, mask, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, e->mask, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, e->by ? e->by : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 7, (sqlite3_int64)e->ms);
  sqlite3_bind_int(s, 8, e->account);
  rs->rc = reed__store_step_done(rs->st, s, "save list entry");
}

static void
put_aff(void *ud, const reed_aff_entry_t *e)
{
  resync_t *rs = ud;
  char account[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s;

  if (e->aff < REED_AFF_MEMBER) /* outcasts are list entries */
    return;
  if (rs->rc != 0 || (s = reed__store_stmt(rs->st, STMT_AFF_INSERT)) == NULL) {
    rs->rc = rs->rc ? rs->rc : REED_EIO;
    return;
  }
  reed_casefold(account, e->account, sizeof(account));
  sqlite3_bind_text(s, 1, rs->folded, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, rs->name, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, account, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 4, e->account, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 5, aff_names[e->aff], -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 6, e->by ? e->by : "", -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 7, (sqlite3_int64)e->ms);
  rs->rc = reed__store_step_done(rs->st, s, "save affiliation");
}

static int
clear(reed_store_t *st, reed__store_stmt_id id, const char *folded)
{
  sqlite3_stmt *s = reed__store_stmt(st, id);

  if (s == NULL)
    return REED_EIO;
  sqlite3_bind_text(s, 1, folded, -1, SQLITE_STATIC);
  return reed__store_step_done(st, s, "clear room rows");
}

int
reed__store_save_affiliation(reed_store_t *st, const reed_event_t *ev)
{
  static const struct {
    reed_room_mode_t mode;
    const char *name;
  } lists[] = {{REED_RMODE_BAN, "ban"},
               {REED_RMODE_EXCEPT, "except"},
               {REED_RMODE_INVEX, "invex"}};
  reed_room_t *r =
      ev->room && st->model ? reed_room_lookup(st->model, ev->room) : NULL;
  char folded[REED_ROOM_MAX + 1];
  resync_t rs = {.st = st, .folded = folded};
  reed_room_view_t v;

  if (r == NULL)
    return 0;
  reed_room_view(r, &v);
  reed_casefold(folded, v.name, sizeof(folded));
  rs.name = v.name;
  if ((rs.rc = reed__store_save_room(st, r)) == 0)
    rs.rc = clear(st, STMT_LISTS_CLEAR, folded);
  for (size_t i = 0; i < REED_ARRAY_SIZE(lists) && rs.rc == 0; i++) {
    rs.list = lists[i].name;
    reed_room_each_list(r, lists[i].mode, put_list, &rs);
  }
  if (rs.rc == 0)
    rs.rc = clear(st, STMT_AFFS_CLEAR, folded);
  if (rs.rc == 0)
    reed_room_each_affiliation(r, REED_AFF_NONE, put_aff, &rs);
  return rs.rc;
}

int
reed__store_drop_affiliation(reed_store_t *st, const char *folded_room,
                             const char *account)
{
  char fa[REED_ACCOUNT_MAX + 1];
  sqlite3_stmt *s = reed__store_stmt(st, STMT_AFF_DELETE);

  if (s == NULL)
    return REED_EIO;
  reed_casefold(fa, account, sizeof(fa));
  sqlite3_bind_text(s, 1, folded_room, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 2, fa, -1, SQLITE_STATIC);
  return reed__store_step_done(st, s, "remove affiliation");
}

const char reed__store_sql_forget_unowned[] =
    "DELETE FROM room_lists WHERE room NOT IN"
    " (SELECT room FROM room_affiliations WHERE aff = 'owner');"
    "DELETE FROM rooms WHERE folded NOT IN"
    " (SELECT room FROM room_affiliations WHERE aff = 'owner');"
    "DELETE FROM room_affiliations WHERE room NOT IN"
    " (SELECT room FROM room_affiliations WHERE aff = 'owner');";
