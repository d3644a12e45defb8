/* The store's own schema, owner "store". Append steps; never edit one that
 * has shipped. */
#include "store_int.h"

static const char step1[] =
    "CREATE TABLE accounts("
    " folded TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " pwhash TEXT NOT NULL,"
    " s256_salt BLOB, s256_iter INTEGER NOT NULL DEFAULT 0,"
    " s256_stored BLOB, s256_server BLOB,"
    " s1_salt BLOB, s1_iter INTEGER NOT NULL DEFAULT 0,"
    " s1_stored BLOB, s1_server BLOB"
    ") WITHOUT ROWID;"
    "CREATE TABLE certs("
    " fpr TEXT PRIMARY KEY,"
    " account TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX certs_account ON certs(account, fpr);"
    "CREATE TABLE rooms("
    " folded TEXT PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " created_ms INTEGER NOT NULL DEFAULT 0,"
    " topic TEXT, topic_by TEXT, topic_ms INTEGER NOT NULL DEFAULT 0,"
    " moderated INTEGER NOT NULL DEFAULT 0,"
    " invite_only INTEGER NOT NULL DEFAULT 0,"
    " topic_lock INTEGER NOT NULL DEFAULT 0,"
    " secret INTEGER NOT NULL DEFAULT 0,"
    " no_external INTEGER NOT NULL DEFAULT 0,"
    " room_key TEXT,"
    " member_limit INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;"
    /* conv groups a room's or a private conversation's rows for pruning:
     * "r:<folded room>", or "p:" and the two parties (each its folded
     * account, or "~" and its folded nick for a guest), sorted. */
    "CREATE TABLE messages("
    " id INTEGER PRIMARY KEY,"
    " ts_ms INTEGER NOT NULL,"
    " conv TEXT NOT NULL,"
    " room TEXT, target TEXT, target_account TEXT,"
    " nick TEXT NOT NULL, account TEXT, origin TEXT, user TEXT, host TEXT,"
    " kind INTEGER NOT NULL,"
    " text BLOB NOT NULL,"
    " tags TEXT"
    ");"
    "CREATE INDEX messages_conv ON messages(conv, id);"
    /* Rows per conv, so pruning runs once every few inserts rather than
     * scanning a conversation at every message. */
    "CREATE TABLE convs(conv TEXT PRIMARY KEY, n INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    /* The highest sequenced id handed out, so ids never repeat after a
     * restart even when the last changes stored no message row. */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)"
    " WITHOUT ROWID;"
    "INSERT INTO meta(key, value) VALUES('last_id', 0);";

/* Ban, exception and invite-exception lists of rooms. seq keeps the order
 * entries were set in; a list holds a mask once, compared folded. */
static const char step2[] =
    "CREATE TABLE room_lists("
    " seq INTEGER PRIMARY KEY,"
    " room TEXT NOT NULL," /* folded room name */
    " room_name TEXT NOT NULL,"
    " list TEXT NOT NULL," /* 'ban', 'except' or 'invex' */
    " folded TEXT NOT NULL,"
    " mask TEXT NOT NULL,"
    " set_by TEXT NOT NULL,"
    " set_ms INTEGER NOT NULL,"
    " UNIQUE(room, list, folded)"
    ");";

/* An optional contact address per account (NULL when none). */
static const char step3[] = "ALTER TABLE accounts ADD COLUMN email TEXT;";

/* Every account created or deleted, by any connection (the command line
 * in another process included), in order: a running server replays what
 * it has not seen (reed_store_sync_accounts), so a name deleted and
 * created again logs the old sessions out. */
static const char step4[] =
    "CREATE TABLE account_log("
    " seq INTEGER PRIMARY KEY,"
    " op TEXT NOT NULL," /* 'add' or 'del' */
    " name TEXT NOT NULL"
    ");"
    "CREATE TRIGGER account_log_add AFTER INSERT ON accounts BEGIN"
    " INSERT INTO account_log(op, name) VALUES('add', NEW.name); END;"
    "CREATE TRIGGER account_log_del AFTER DELETE ON accounts BEGIN"
    " INSERT INTO account_log(op, name) VALUES('del', OLD.name); END;";

/* draft/read-marker: per account (folded) and target ("#" and the folded
 * room, or the folded nick), the time of the last message read; `name` is
 * the target as last set. Rows go with their account. */
static const char step5[] =
    "CREATE TABLE read_markers("
    " account TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " is_room INTEGER NOT NULL,"
    " ts_ms INTEGER NOT NULL,"
    " PRIMARY KEY(account, target)"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER read_markers_del AFTER DELETE ON accounts BEGIN"
    " DELETE FROM read_markers WHERE account = OLD.folded; END;";

/* Account entries in room lists (an XMPP outcast, an IRC `$a:` extban):
 * `mask` then holds the account name as given, `folded` it folded. A
 * normalised mask always has a '!' and an account name never does, so the
 * two kinds never share a folded key. */
static const char step6[] = "ALTER TABLE room_lists"
                            " ADD COLUMN account INTEGER NOT NULL DEFAULT 0;";

/* The message a stored message answers (reed_msg_extra_t.reply_to): IRC
 * +draft/reply, XMPP XEP-0461. NULL for none. `tags` keeps IRC's other
 * client tags. */
static const char step7[] = "ALTER TABLE messages ADD COLUMN reply_to INTEGER;";

/* Operator accounts (`reed account oper add`): IRC OPER with the
 * account's password. Rows go with their account. */
static const char step8[] =
    "CREATE TABLE opers(account TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TRIGGER opers_del AFTER DELETE ON accounts BEGIN"
    " DELETE FROM opers WHERE account = OLD.folded; END;";

/* Server bans (reed_store_ban_add): `target` is the canonical form of
 * reed_sban_parse (an address or CIDR block, a nick!user@host mask, an
 * account), unique without regard to ASCII case as the model compares
 * them; `kind` is REED_SBAN_*; expires_ms 0 means never. */
static const char step9[] = "CREATE TABLE server_bans("
                            " target TEXT PRIMARY KEY COLLATE NOCASE,"
                            " kind INTEGER NOT NULL,"
                            " reason TEXT NOT NULL,"
                            " setter TEXT NOT NULL,"
                            " set_ms INTEGER NOT NULL,"
                            " expires_ms INTEGER NOT NULL DEFAULT 0"
                            ") WITHOUT ROWID;";

/* Room affiliations (reed_room_set_affiliation): an account's OWNER,
 * ADMIN or MEMBER standing in a room, in the order set; outcasts are the
 * account entries of room_lists. A room with an 'owner' row is
 * registered: its rows are kept and loaded; the rows of a room without
 * one are dropped at start (it forgot them when it emptied). Rows go with
 * their account. */
static const char step10[] =
    "CREATE TABLE room_affiliations("
    " seq INTEGER PRIMARY KEY,"
    " room TEXT NOT NULL," /* folded room name */
    " room_name TEXT NOT NULL,"
    " account TEXT NOT NULL," /* folded */
    " name TEXT NOT NULL,"
    " aff TEXT NOT NULL," /* 'owner', 'admin' or 'member' */
    " set_by TEXT NOT NULL,"
    " set_ms INTEGER NOT NULL,"
    " UNIQUE(room, account)"
    ");"
    "CREATE TRIGGER room_affiliations_del AFTER DELETE ON accounts BEGIN"
    " DELETE FROM room_affiliations WHERE account = OLD.folded; END;";

const reed_store_migration_t reed__store_schema[] = {
    {.sql = step1}, {.sql = step2},  {.sql = step3}, {.sql = step4},
    {.sql = step5}, {.sql = step6},  {.sql = step7}, {.sql = step8},
    {.sql = step9}, {.sql = step10},
};
const size_t reed__store_schema_len = REED_ARRAY_SIZE(reed__store_schema);
