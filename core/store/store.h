/* reed's store: SQLite in WAL mode in the data dir. Accounts with their
 * credentials and client-certificate fingerprints, rooms' persistent
 * settings and message history, under a versioned schema that protocol
 * modules extend with migrations of their own (docs/design.md,
 * Persistence).
 *
 * Durability. The database runs in WAL mode with synchronous=NORMAL: a
 * COMMIT has written its WAL frames to the operating system before it
 * returns, so a committed transaction survives kill -9 of the process (the
 * promise docs/design.md makes); only an operating-system crash or power
 * loss may roll back the last few commits, and never corrupts the file.
 * busy_timeout is 5 s, so `reed account ...` in another process and a
 * running server share the file; write transactions start with BEGIN
 * IMMEDIATE so a waiting writer uses that timeout instead of failing.
 *
 * Batching. Model changes (messages, room settings) reach the store through
 * a model observer that only appends rows to a transaction opened at the
 * first row of a loop turn; reed_store_turn_end commits it. The net layer
 * calls turn_end once per loop turn before it flushes that turn's output,
 * so nothing is acknowledged to a client before it is committed. Account
 * changes commit at once in their own transaction (committing any pending
 * batch first), before the caller replies. Account reads go to the
 * database every time, so a change made by another process is seen at the
 * next read.
 *
 * The store is single-threaded: call it from the loop thread only. */
#ifndef REED_STORE_H
#define REED_STORE_H

#include "base.h"
#include "model.h"

#include <stdbool.h>

typedef struct reed_store_s reed_store_t;

/* Opens (creating when missing) the database at `path` and migrates the
 * store's own schema. `log` is borrowed for the store's lifetime and gets
 * SQLite's messages for every REED_EIO. Returns 0 or one of:
 * REED_EINVAL (NULL path), REED_ENOMEM, REED_EIO (cannot open, not a
 * database, cannot switch to WAL, a migration failed), REED_ECONFIG (the
 * schema is newer than this build). */
int reed_store_open(const char *path, reed_log_t *log, reed_store_t **out);
/* Commits a pending batch, detaches from the model (when attached and
 * not yet freed) and closes the database. NULL is ignored. The model and
 * the store may be freed in either order: after the close the model goes
 * on without persistence; a model freed first tells the store so. */
void reed_store_close(reed_store_t *st);

/* ---- Migrations ------------------------------------------------------------
 * A module owns tables of its own under the same versioning: the store
 * keeps one version per owner ("store" is its own). reed_store_migrate runs
 * steps[v..n) where v is the owner's recorded version, each step and its
 * version bump in one transaction, so a failed step leaves the owner at the
 * last good version. A step is SQL text, possibly several statements. */
typedef struct reed_store_migration_s {
  const char *sql;
} reed_store_migration_t;

/* Returns 0 or one of: REED_EINVAL (bad owner or NULL step), REED_EIO (a
 * step failed; logged with SQLite's message), REED_ECONFIG (the database
 * records a version above n for this owner). */
int reed_store_migrate(reed_store_t *st, const char *owner,
                       const reed_store_migration_t *steps, size_t n);
/* The owner's recorded version (0 when it never migrated), or REED_EIO. */
int reed_store_schema_version(reed_store_t *st, const char *owner);

/* ---- Accounts --------------------------------------------------------------
 * Plain-data account record. Names are compared case-insensitively (ascii
 * casemapping): the store keeps a folded copy as the unique key and returns
 * the name as it was created. A SCRAM entry with iterations == 0 means the
 * account has no keys for that mechanism. */
#define REED_STORE_PWHASH_MAX 128
#define REED_STORE_SALT_MAX 64
#define REED_SCRAM_SHA256_LEN 32
#define REED_SCRAM_SHA1_LEN 20
#define REED_FPR_HEX_LEN 64

typedef struct reed_scram_keys_s {
  uint8_t salt[REED_STORE_SALT_MAX];
  size_t salt_len;
  uint32_t iterations;
  /* SCRAM-SHA-256 uses all 32 bytes; SCRAM-SHA-1 the first 20. */
  uint8_t stored_key[REED_SCRAM_SHA256_LEN];
  uint8_t server_key[REED_SCRAM_SHA256_LEN];
} reed_scram_keys_t;

#define REED_STORE_EMAIL_MAX 254

typedef struct reed_account_rec_s {
  char name[REED_ACCOUNT_MAX + 1];
  uint64_t created_ms; /* set by the caller; stored as given */
  char pwhash[REED_STORE_PWHASH_MAX + 1]; /* argon2id encoded string */
  reed_scram_keys_t scram_sha256;
  reed_scram_keys_t scram_sha1;
  /* Optional contact address ("" when none), checked with
   * reed_store_email_valid. Written by create and set_email only. */
  char email[REED_STORE_EMAIL_MAX + 1];
} reed_account_rec_t;

/* An email address the store accepts: 3..254 bytes of UTF-8 without
 * spaces or control characters, with an '@' that has 1..64 bytes before
 * it and a domain after it. Only the shape is checked (nothing is sent). */
bool reed_store_email_valid(const char *email);

/* Account name grammar of docs/design.md (1-32 of letters, digits, '_', '-',
 * starting with a letter); the same rule as reed_account_valid. */
bool reed_store_account_name_valid(const char *name);

/* Creates an account (with rec->email unless "") and commits before
 * returning. Returns 0 or one of: REED_EBADACCOUNT, REED_EINVAL (pwhash
 * too long, a salt_len above REED_STORE_SALT_MAX, an email that is not
 * "" and not valid), REED_EACCOUNTEXISTS (same name in any case),
 * REED_EIO. */
int reed_store_account_create(reed_store_t *st, const reed_account_rec_t *rec);
/* Reads an account by name (any case) into *out. Returns 0 or one of:
 * REED_EBADACCOUNT, REED_ENOACCOUNT, REED_EIO. */
int reed_store_account_get(reed_store_t *st, const char *name,
                           reed_account_rec_t *out);
/* Replaces the credentials (pwhash and both SCRAM entries) of the account
 * named rec->name; created_ms, the email and the name's case are kept. Commits
 * before returning. Returns 0 or one of: REED_EBADACCOUNT, REED_EINVAL,
 * REED_ENOACCOUNT, REED_EIO. */
int reed_store_account_set_creds(reed_store_t *st,
                                 const reed_account_rec_t *rec);
/* Sets (or with NULL or "", clears) an account's email; commits before
 * returning. Returns 0 or one of: REED_EBADACCOUNT, REED_EINVAL (not a
 * valid email), REED_ENOACCOUNT, REED_EIO. */
int reed_store_account_set_email(reed_store_t *st, const char *name,
                                 const char *email);
/* Deletes an account and its certificate fingerprints; commits before
 * returning. Returns 0 or one of: REED_EBADACCOUNT, REED_ENOACCOUNT,
 * REED_EIO. */
int reed_store_account_delete(reed_store_t *st, const char *name);
/* Calls cb for every account, ordered by folded name. `rec` is borrowed for
 * the call. cb must not call the store. Returns 0 or REED_EIO. */
typedef void (*reed_store_account_cb)(void *ud, const reed_account_rec_t *rec);
int reed_store_account_list(reed_store_t *st, reed_store_account_cb cb,
                            void *ud);

/* ---- Operator accounts ------------------------------------------------------
 * An account marked operator may become an IRC operator with OPER and its
 * own password. set: 0, REED_EBADACCOUNT, REED_ENOACCOUNT (adding a name
 * with no account), REED_ENOTFOUND (removing one that is not an operator),
 * REED_EIO. is: 1 or 0 (or a negative code). count: the number of
 * operator accounts or a negative code. list: names as created, in folded
 * order; cb must not call the store. */
int reed_store_oper_set(reed_store_t *st, const char *account, bool oper);
int reed_store_oper_is(reed_store_t *st, const char *account);
int reed_store_oper_count(reed_store_t *st);
int reed_store_oper_list(reed_store_t *st,
                         void (*cb)(void *ud, const char *name), void *ud);

/* ---- Client certificates for SASL EXTERNAL --------------------------------
 * A fingerprint is the SHA-256 of the DER certificate: 64 hex digits, in
 * either case, optionally as colon-separated pairs ("AB:CD:..."). It is
 * stored as 64 lowercase hex digits and belongs to one account. */

/* Normalizes a fingerprint into out (64 lowercase hex digits and a NUL).
 * Returns 0 or REED_EINVAL. */
int reed_store_fpr_normalize(const char *in, char out[REED_FPR_HEX_LEN + 1]);
/* Registers a fingerprint to an account; commits before returning.
 * Returns 0 or one of: REED_EINVAL (malformed fingerprint),
 * REED_EBADACCOUNT, REED_ENOACCOUNT, REED_EEXIST (the fingerprint is
 * already registered, to this or another account), REED_EIO. */
int reed_store_cert_add(reed_store_t *st, const char *account,
                        const char *sha256_hex);
/* Removes a fingerprint from an account. Returns 0 or one of: REED_EINVAL,
 * REED_EBADACCOUNT, REED_ENOTFOUND (not registered to that account),
 * REED_EIO. */
int reed_store_cert_del(reed_store_t *st, const char *account,
                        const char *sha256_hex);
/* Finds the account a fingerprint belongs to; name_out receives its name.
 * Returns 0 or one of: REED_EINVAL, REED_ENOTFOUND, REED_EIO. */
int reed_store_cert_lookup(reed_store_t *st, const char *sha256_hex,
                           char name_out[REED_ACCOUNT_MAX + 1]);
/* Calls cb for each fingerprint of an account, in order. Returns 0 or one
 * of: REED_EBADACCOUNT, REED_EIO. */
int reed_store_cert_list(reed_store_t *st, const char *account,
                         void (*cb)(void *ud, const char *fpr), void *ud);

/* ---- Model persistence -----------------------------------------------------
 * reed_store_attach loads into a fresh model the account names, the
 * private conversations' history (oldest first) and the next message id,
 * then registers an observer that turns each sequenced change into rows of
 * the current batch, and sets itself as the model's room source: a room
 * is read from the database (settings, ban/exception/invite-exception
 * lists, recent history) when a join asks for a room the model does not
 * hold (not loaded yet, or its dormant state evicted), so start-up does
 * not hold every room in memory. History rows are bounded per room and per
 * private conversation (reed_store_set_history_keep; by default 2000 per
 * room and 400 per conversation, twice the model's default rings): older
 * rows are pruned in the same batch. Private messages between two guests
 * are not stored (after a restart nobody could read them). The model and
 * the store may be freed in either order (reed_store_close). Attach at
 * most once. Returns 0 or one of: REED_EINVAL (already attached),
 * REED_ENOMEM, REED_EIO. */
int reed_store_attach(reed_store_t *st, reed_model_t *m);
/* Sets how many history rows are kept per room and per private
 * conversation (0 keeps the current value). Call before attach: the loader
 * loads up to half of each into the model's rings. */
void reed_store_set_history_keep(reed_store_t *st, size_t per_room,
                                 size_t per_private);

/* Brings accounts changed by another process (`reed account add|del`
 * while the server runs) into the attached model: names added there are
 * reserved here, and names deleted there are forgotten (their sessions
 * become guests, with ACCOUNT events, as reed_model_account_del does).
 * Triggers log each account created or deleted, and the changes are
 * replayed in order, so a name deleted and created again between two
 * looks still logs the old sessions out. Cheap enough for every loop
 * turn: without `force` it looks at most once a second (on the model's
 * clock), and then only reads SQLite's data version, reading the log only
 * when another connection committed since the last look. `force` compares
 * the whole accounts table with the model at once. Changes made through
 * this store are the caller's to tell the model (auth's realm does). Call
 * it from the loop, outside any model call (it emits events). Returns 0
 * or one of: REED_EINVAL (not attached), REED_ENOMEM (the next call
 * resumes), REED_EIO. */
int reed_store_sync_accounts(reed_store_t *st, bool force);
/* (The same look also brings the server-ban table's changes in; see
 * "Server bans" below.) */

/* ---- Server bans -----------------------------------------------------------
 * The model's server bans (model.h, reed_model_sban_*) kept in the
 * database: attach loads those in force, and reed_store_sync_accounts
 * also brings bans set or lifted by another process (`reed ban add|del`)
 * into the model, which removes the sessions a new ban matches. A ban set
 * through this store is the caller's to tell the model. Each call commits
 * before returning. */
/* Adds, or replaces (same canonical target), a ban. 0 or one of:
 * REED_EINVAL (target not valid for reed_sban_parse, no setter),
 * REED_EIO. */
int reed_store_ban_add(reed_store_t *st, const reed_sban_view_t *ban);
/* 0 or one of: REED_EINVAL, REED_ENOTFOUND, REED_EIO. */
int reed_store_ban_del(reed_store_t *st, const char *target);
/* Every stored ban, expired ones included, oldest first; the view is
 * borrowed for the call, and cb must not call the store. 0 or REED_EIO. */
int reed_store_ban_list(reed_store_t *st,
                        void (*cb)(void *ud, const reed_sban_view_t *b),
                        void *ud);

/* ---- The degraded state ----------------------------------------------------
 * When the store cannot write, nothing that depends on an unwritten row is
 * acknowledged, and the store says so instead of failing silently:
 *
 * - Before it fails. At the first change of a loop turn that needs a row
 *   (a message, a topic, a mode change, a redaction), the store looks at
 *   the free space of the data dir's filesystem (statvfs, once per turn);
 *   below reed_store_set_min_free's figure it enters the degraded state.
 * - When a commit fails (disk full, I/O error, anything SQLite reports),
 *   SQLite has rolled the whole batch back. The store keeps a copy of every
 *   change of the batch (its journal), enters the degraded state and holds
 *   the batch: reed_store_held is true, and the caller (net, through
 *   main.c) sends no output at all until the batch is written, so no echo,
 *   labeled response or delivery of that turn reaches anyone first.
 *
 * While degraded, the store's sequencer gate (set in front of the model's
 * sequencer at attach) refuses changes that need a row with
 * REED_EUNAVAILABLE, before the model applies or sends anything: the
 * sender gets its protocol's "temporarily unavailable" error and nobody
 * sees the change. Changes that need no row go on (joins, parts, quits,
 * nick changes, kicks, invites, away): their only write is the last id,
 * kept for the retry. Read markers (not sequenced) are kept in memory and
 * in the journal and written at the retry; they are lost if reed stops
 * first. Reads (history, member lists, WHO) never write.
 *
 * The store retries once a second (on a loop turn: the caller arms a
 * timer while degraded) when the filesystem has the minimum free again:
 * it writes the journal in one transaction and leaves the state when that
 * commits. Entering and leaving are logged once each ("store degraded:
 * <why>", "store recovered"). */
#define REED_STORE_MIN_FREE_DEFAULT (1024 * 1024)
#define REED_STORE_RETRY_MS 1000

/* Commits the rows this loop turn produced (nothing to do when no batch is
 * open); in the degraded state, retries when a retry is due. Returns 0, or
 * one of: REED_EIO (this turn's commit failed: the batch is held),
 * REED_EUNAVAILABLE (a held batch is still not written). */
int reed_store_turn_end(reed_store_t *st);
/* How long the turns' batch commits took (the last id, the account log's
 * prune and COMMIT, on the monotonic clock), in seconds, for metrics:
 * every commit of a batch of rows, failed ones included. Borrowed until
 * the store is closed. */
const reed_hist_t *reed_store_commit_times(const reed_store_t *st);
/* True while degraded (see above). */
bool reed_store_degraded(const reed_store_t *st);
/* True while a failed batch waits for its retry: send no output. */
bool reed_store_held(const reed_store_t *st);
/* Bytes the data dir's filesystem must have free for the store to write
 * (0: do not look). Default REED_STORE_MIN_FREE_DEFAULT. */
void reed_store_set_min_free(reed_store_t *st, uint64_t bytes);
/* Opens the turn's batch now (when none is open), so a module's own writes
 * through reed_store_sqlite join it. Returns 0 or one of: REED_EIO,
 * REED_EUNAVAILABLE (degraded: write nothing now). A module's own rows are
 * not journaled: a failed commit loses them (the module is told by
 * reed_store_turn_end's result and reed_store_degraded). */
int reed_store_batch_begin(reed_store_t *st);
/* True while a batch is open. */
bool reed_store_in_batch(const reed_store_t *st);

/* The underlying connection, for modules that keep tables of their own
 * (created with reed_store_migrate). Borrowed; never close it. */
struct sqlite3;
struct sqlite3 *reed_store_sqlite(reed_store_t *st);
/* For such tables' statements, as the store keeps its own: the statement
 * in *slot reset with its bindings cleared, or `sql` prepared (persistent)
 * into *slot the first time; NULL when it does not prepare (the caller
 * reports the connection's error). */
struct sqlite3_stmt;
struct sqlite3_stmt *reed_store_stmt_cached(struct sqlite3 *db,
                                            struct sqlite3_stmt **slot,
                                            const char *sql);
/* Steps a write once: 0 when done (or a row), REED_EEXIST on a primary-key
 * or unique constraint, the statement reset either way; 1 when it failed,
 * not reset, so the caller reads and reports the connection's error first,
 * then resets it. */
int reed_store_step_write(struct sqlite3_stmt *s);

#endif
