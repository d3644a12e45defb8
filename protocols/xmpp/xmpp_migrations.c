/* The XMPP module's tables, owner "xmpp" (xmpp_store.h describes them).
 * Append steps; never edit one that has shipped. `account` is always the
 * folded account name, the key of the store's accounts table. */
#include "xmpp_store.h"

/* Rosters: one row per contact (sub: REED_XSUB_*; listed 0 for state kept
 * about a contact not in the roster; deleted 1 for a tombstone), groups
 * joined by U+001F. xmpp_roster_ver: the account's version counter and
 * the floor below which tombstones were pruned. */
static const char step1[] =
    "CREATE TABLE xmpp_roster("
    " account TEXT NOT NULL,"
    " jid TEXT NOT NULL,"
    " name TEXT,"
    " sub INTEGER NOT NULL DEFAULT 0,"
    " ask INTEGER NOT NULL DEFAULT 0,"
    " pending_in INTEGER NOT NULL DEFAULT 0,"
    " pending_status TEXT,"
    " approved INTEGER NOT NULL DEFAULT 0,"
    " listed INTEGER NOT NULL DEFAULT 1,"
    " groups TEXT NOT NULL DEFAULT '',"
    " ver INTEGER NOT NULL DEFAULT 0,"
    " deleted INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(account, jid)"
    ") WITHOUT ROWID;"
    "CREATE INDEX xmpp_roster_ver_idx ON xmpp_roster(account, ver);"
    "CREATE TABLE xmpp_roster_ver("
    " account TEXT PRIMARY KEY,"
    " ver INTEGER NOT NULL,"
    " floor INTEGER NOT NULL DEFAULT 0"
    ") WITHOUT ROWID;"
    /* Offline messages; seq orders them. */
    "CREATE TABLE xmpp_offline("
    " seq INTEGER PRIMARY KEY,"
    " account TEXT NOT NULL,"
    " msg_id TEXT,"
    " sender TEXT NOT NULL,"
    " stamp_ms INTEGER NOT NULL,"
    " xml TEXT NOT NULL"
    ");"
    "CREATE INDEX xmpp_offline_account ON xmpp_offline(account, seq);"
    "CREATE TABLE xmpp_block("
    " account TEXT NOT NULL,"
    " jid TEXT NOT NULL,"
    " PRIMARY KEY(account, jid)"
    ") WITHOUT ROWID;"
    "CREATE TABLE xmpp_private("
    " account TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " ns TEXT NOT NULL,"
    " xml TEXT NOT NULL,"
    " PRIMARY KEY(account, name, ns)"
    ") WITHOUT ROWID;"
    "CREATE TABLE xmpp_vcard("
    " account TEXT PRIMARY KEY,"
    " xml TEXT NOT NULL"
    ") WITHOUT ROWID;"
    /* PEP: access is REED_XPEP_*. Items: seq orders them (a publish takes a
     * new seq, so a replaced id becomes the newest). */
    "CREATE TABLE xmpp_pep_node("
    " account TEXT NOT NULL,"
    " node TEXT NOT NULL,"
    " access INTEGER NOT NULL DEFAULT 0,"
    " max_items INTEGER NOT NULL DEFAULT 1,"
    " persist INTEGER NOT NULL DEFAULT 1,"
    " PRIMARY KEY(account, node)"
    ") WITHOUT ROWID;"
    "CREATE TABLE xmpp_pep_item("
    " seq INTEGER PRIMARY KEY,"
    " account TEXT NOT NULL,"
    " node TEXT NOT NULL,"
    " item_id TEXT NOT NULL,"
    " xml TEXT NOT NULL,"
    " published_ms INTEGER NOT NULL,"
    " UNIQUE(account, node, item_id)"
    ");"
    "CREATE INDEX xmpp_pep_item_order ON xmpp_pep_item(account, node, seq);"
    /* FAST tokens: slot 0 is the current token, 1 the previous one. */
    "CREATE TABLE xmpp_fast("
    " account TEXT NOT NULL,"
    " client TEXT NOT NULL,"
    " slot INTEGER NOT NULL,"
    " mech TEXT NOT NULL,"
    " token BLOB NOT NULL,"
    " created_ms INTEGER NOT NULL,"
    " expiry_ms INTEGER NOT NULL,"
    " PRIMARY KEY(account, client, slot)"
    ") WITHOUT ROWID;"
    /* A new password (from any process: `reed account passwd` too) ends
     * every FAST token of the account: set_creds rewrites all credential
     * columns, so compare them rather than fire on every UPDATE OF. */
    "CREATE TRIGGER xmpp_fast_revoke AFTER UPDATE OF pwhash, s256_stored,"
    " s1_stored ON accounts WHEN OLD.pwhash IS NOT NEW.pwhash"
    " OR OLD.s256_stored IS NOT NEW.s256_stored"
    " OR OLD.s1_stored IS NOT NEW.s1_stored BEGIN"
    " DELETE FROM xmpp_fast WHERE account = OLD.folded; END;"
    /* Rows go with their account. */
    "CREATE TRIGGER xmpp_account_del AFTER DELETE ON accounts BEGIN"
    " DELETE FROM xmpp_roster WHERE account = OLD.folded;"
    " DELETE FROM xmpp_roster_ver WHERE account = OLD.folded;"
    " DELETE FROM xmpp_offline WHERE account = OLD.folded;"
    " DELETE FROM xmpp_block WHERE account = OLD.folded;"
    " DELETE FROM xmpp_private WHERE account = OLD.folded;"
    " DELETE FROM xmpp_vcard WHERE account = OLD.folded;"
    " DELETE FROM xmpp_pep_item WHERE account = OLD.folded;"
    " DELETE FROM xmpp_pep_node WHERE account = OLD.folded;"
    " DELETE FROM xmpp_fast WHERE account = OLD.folded; END;";

/* Server secrets by name (the MUC's occupant-id key, XEP-0421): made
 * once, kept across restarts. */
static const char step2[] = "CREATE TABLE xmpp_secret("
                            " name TEXT PRIMARY KEY,"
                            " value BLOB NOT NULL"
                            ") WITHOUT ROWID;";

/* The module struct holds the count (xmpp_module.c): a constant, so the
 * array's size is checked against it at compile time. */
/* FAST rows stop holding the token itself and hold the seed it is
 * derived from (xmpp_fast.c); tokens issued before cannot be derived, so
 * they go (their clients log in with the password once). */
static const char step3[] = "DELETE FROM xmpp_fast;";

/* XEP-0424 archives the retraction message after the tombstone: each
 * redaction the model sequenced (its own id and time), the message it
 * removed, who removed it and why, in a room ('#' and the folded name) or
 * a private conversation (the two folded accounts or nicks, sorted). */
static const char step4[] = "CREATE TABLE xmpp_retraction("
                            " id INTEGER PRIMARY KEY,"
                            " ts_ms INTEGER NOT NULL,"
                            " scope TEXT NOT NULL,"
                            " ref_id INTEGER NOT NULL,"
                            " nick TEXT NOT NULL,"
                            " account TEXT,"
                            " reason TEXT"
                            ");"
                            "CREATE INDEX xmpp_retraction_ref"
                            " ON xmpp_retraction(ref_id);"
                            "CREATE INDEX xmpp_retraction_scope"
                            " ON xmpp_retraction(scope, id);";

const reed_store_migration_t reed__xmpp_migrations[REED_XMPP_N_MIGRATIONS] = {
    {.sql = step1},
    {.sql = step2},
    {.sql = step3},
    {.sql = step4},
};
