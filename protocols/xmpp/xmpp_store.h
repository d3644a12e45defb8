/* The XMPP module's persistent data: its own tables in reed's store
 * (migrations under the owner "xmpp", xmpp_migrations.c) and the calls
 * the stanza handlers make over them. Rosters with versions (RFC 6121,
 * XEP-0237), offline messages, the blocklist (XEP-0191), private XML
 * storage (XEP-0049), vcard-temp (XEP-0054), PEP nodes and items
 * (XEP-0163/0060; bookmarks and OMEMO are PEP nodes) and FAST tokens
 * (XEP-0484).
 *
 * Accounts. Every call takes the account name as the client gave it; it is
 * compared as the store compares accounts (ASCII case-insensitive, the
 * folded name is the key), so "Alice" and "alice" are one account. A name
 * that is not an account name (reed_store_account_name_valid) is
 * REED_EBADACCOUNT. Rows exist only for existing accounts: a write for a
 * name with no account is REED_ENOACCOUNT, deleting an account deletes
 * all its rows here (a trigger), and changing its password (its
 * credentials, by any process, `reed account passwd` included) deletes
 * its FAST tokens (a trigger).
 *
 * JIDs, node names, item ids and XML are bytes to the store: pass them
 * prepared (the handler normalises JIDs) and compared byte for byte. XML is
 * stored as the text given (a stanza, or an element and its children).
 *
 * Writes join the loop turn's batch (reed_store_batch_begin), so they
 * commit with the model's rows at the end of the turn, before that turn's
 * output leaves; each call is atomic (a savepoint inside the batch). While
 * the store is degraded a write is REED_EUNAVAILABLE and writes nothing
 * (answer with a temporary error). A module's rows are not journaled: a
 * failed commit loses them (reed_store_turn_end says so). Reads go to the
 * database and see the turn's own writes.
 *
 * Statements are prepared on first use and cached in the handle. Read calls
 * report rows through a callback; the views it gets are borrowed for that
 * call only, and the callback must not call the store.
 *
 * Errors: every call returns 0 (or what it documents) or a negative code:
 * REED_EINVAL (NULL or malformed argument), REED_EBADACCOUNT,
 * REED_ENOACCOUNT (writes), REED_EUNAVAILABLE (writes while degraded),
 * REED_ENOMEM, REED_EIO (logged with SQLite's message), and the ones named
 * below. The store is single-threaded: call it from the loop thread. */
#ifndef REED_XMPP_STORE_H
#define REED_XMPP_STORE_H

#include "base.h"
#include "store.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct reed_xstore_s reed_xstore_t;

/* The module's migrations: run them with reed_store_migrate(st, "xmpp",
 * reed__xmpp_migrations, REED_XMPP_N_MIGRATIONS) before opening a handle
 * (the module host does, from the module's `migrations`). */
#define REED_XMPP_N_MIGRATIONS 4 /* one more with each step appended */
extern const reed_store_migration_t
    reed__xmpp_migrations[REED_XMPP_N_MIGRATIONS];

/* A handle over an open store whose "xmpp" schema is migrated: the module's
 * init opens it, its cleanup closes it (before the store closes). `log` is
 * borrowed and gets SQLite's messages. Returns 0 or REED_EINVAL (NULL
 * argument, or the xmpp schema is not at this build's version), REED_ENOMEM,
 * REED_EIO. */
int reed_xstore_open(reed_store_t *st, reed_log_t *log, reed_xstore_t **out);
/* Finalizes the cached statements and frees the handle. NULL is ignored. */
void reed_xstore_close(reed_xstore_t *xs);

/* ---- Rosters (RFC 6121 section 2, XEP-0237) ---------------------------------
 * One row per (account, contact bare JID) holding the item and its
 * subscription state: the handler applies RFC 6121 Appendix A and the
 * store keeps the state it is given. A row that is not `listed` is state
 * about a contact who is not in the roster (an inbound subscription
 * request waiting for an answer, a pre-approval): roster gets and
 * versions skip it.
 *
 * Groups are kept in one text column, names joined by
 * REED_XROSTER_GROUP_SEP (U+001F, a character XML 1.0 cannot carry, so no
 * group name holds it): an item is always read and written whole (a
 * roster set replaces the item with its groups; nothing asks for the items
 * of one group), so a child table would only add a join and rows to keep
 * in step.
 *
 * Versions: each account has a counter, bumped by every write that
 * changes what the roster shows (a put of a row that is listed, was
 * listed or was deleted; the deletion of a listed row); the row keeps the
 * version of its last such change (other writes keep it). A deleted row
 * leaves a tombstone (deleted, with its version), and a row put unlisted
 * keeps its version, so a client at an older version learns of the
 * removal. Tombstones are bounded
 * (REED_XROSTER_TOMBSTONES per account, the newest kept): pruning raises
 * the account's floor, and a client whose version is below the floor
 * gets the whole roster instead of the changes. */
#define REED_XROSTER_GROUP_SEP '\x1f'
#define REED_XROSTER_TOMBSTONES 128

typedef enum {
  REED_XSUB_NONE = 0,
  REED_XSUB_TO = 1,   /* the user receives the contact's presence */
  REED_XSUB_FROM = 2, /* the contact receives the user's presence */
  REED_XSUB_BOTH = 3,
} reed_xsub_t;

typedef struct reed_xroster_item_s {
  const char *jid;  /* contact's bare JID */
  const char *name; /* handle the user gave, NULL or "" for none */
  reed_xsub_t sub;
  bool ask;        /* "Pending Out": the user asked, no answer yet */
  bool pending_in; /* "Pending In": the contact asked, no answer yet */
  const char *pending_status; /* the request's <status/> text, or NULL */
  bool approved;              /* pre-approved (RFC 6121 3.4) */
  bool listed;                /* part of the roster the client sees */
  /* Writes: n_groups names (none containing REED_XROSTER_GROUP_SEP).
   * Reads: groups_packed holds them joined by the separator ("" for none;
   * walk it with reed_xroster_group_next) and groups is NULL. */
  const char *const *groups;
  size_t n_groups;
  const char *groups_packed;
  /* Reads only: the version of the row's last change, and true for a
   * removal (only reed_xstore_roster_since reports those). */
  uint64_t ver;
  bool deleted;
} reed_xroster_item_t;

typedef void (*reed_xroster_cb)(void *ud, const reed_xroster_item_t *item);

/* Walks packed groups: sets *name and *len to the next group and returns
 * true, or returns false at the end. Start with *cursor = groups_packed. */
bool reed_xroster_group_next(const char **cursor, const char **name,
                             size_t *len);

/* Inserts or replaces the row of item->jid (name, state, groups, listed).
 * Bumps the version when the row is listed, was listed or was a
 * tombstone. *ver_out (may be NULL)
 * gets the account's roster version after the write. */
int reed_xstore_roster_put(reed_xstore_t *xs, const char *account,
                           const reed_xroster_item_t *item, uint64_t *ver_out);
/* Deletes the row of jid: a listed row leaves a tombstone at a new version
 * (*ver_out, may be NULL), an unlisted one goes without one. Returns 0 or
 * REED_ENOTFOUND (no such row). */
int reed_xstore_roster_del(reed_xstore_t *xs, const char *account,
                           const char *jid, uint64_t *ver_out);
/* The row of jid (listed or not; never a tombstone). 0 or REED_ENOTFOUND. */
int reed_xstore_roster_get(reed_xstore_t *xs, const char *account,
                           const char *jid, reed_xroster_cb cb, void *ud);
/* Every listed item, by JID; with `unlisted`, the unlisted rows too (at
 * login: the inbound requests to deliver again). */
int reed_xstore_roster_list(reed_xstore_t *xs, const char *account,
                            bool unlisted, reed_xroster_cb cb, void *ud);
/* The account's roster version (0 before any change). */
int reed_xstore_roster_version(reed_xstore_t *xs, const char *account,
                               uint64_t *ver_out);
/* The rows changed after version `since`, oldest change first (XEP-0237
 * pushes): listed rows as items, the others (tombstones, rows that left
 * the roster) with deleted true, to send as subscription='remove'.
 * Returns 0 (nothing when since is the current version) or REED_ENOTFOUND
 * when since is above the current version or below the floor: then send
 * the whole roster. */
int reed_xstore_roster_since(reed_xstore_t *xs, const char *account,
                             uint64_t since, reed_xroster_cb cb, void *ud);
/* Rows of the account (listed or not, no tombstones), or a negative code:
 * for the handler's bound on roster size. */
int reed_xstore_roster_count(reed_xstore_t *xs, const char *account);

/* ---- Offline messages (RFC 6121 8.5.2.2.1) -------------------------------
 * Messages to an account with no available resource, delivered at its
 * next login with <delay stamp=.../>. seq is the store's order. */
typedef struct reed_xoffline_s {
  uint64_t seq;     /* reads: the row's sequence number */
  const char *id;   /* message id (the model's / stanza-id), NULL or "" */
  const char *from; /* sender's full JID */
  uint64_t stamp_ms;
  const char *xml; /* the stanza as it is to be delivered */
} reed_xoffline_t;

/* Appends a message unless the account already holds `max` of them:
 * returns 0 or REED_ELIMIT (full: answer <service-unavailable/> or
 * <resource-constraint/>; nothing written). *seq_out may be NULL. */
int reed_xstore_offline_add(reed_xstore_t *xs, const char *account,
                            const reed_xoffline_t *msg, size_t max,
                            uint64_t *seq_out);
/* The account's messages, oldest first. */
int reed_xstore_offline_list(reed_xstore_t *xs, const char *account,
                             void (*cb)(void *ud, const reed_xoffline_t *m),
                             void *ud);
/* Deletes the messages with seq <= upto (those delivered). Returns the
 * number deleted or a negative code. */
int reed_xstore_offline_del_upto(reed_xstore_t *xs, const char *account,
                                 uint64_t upto);
/* The number of messages held, or a negative code. */
int reed_xstore_offline_count(reed_xstore_t *xs, const char *account);

/* Deletes the kept message whose model id is msg_id (it was redacted
 * before its recipient came back). Returns the number deleted or a
 * negative code. */
int reed_xstore_offline_del_id(reed_xstore_t *xs, const char *account,
                               const char *msg_id);

/* ---- Archived retractions (XEP-0424 with MAM) ------------------------------
 * Each redaction the model sequenced: its own id and time, the message it
 * removed (ref_id), the redactor and the reason, under a scope (a room's
 * or a conversation's, for pruning and forgetting). At most
 * REED_XSTORE_RETRACT_KEEP per scope are kept, the newest. */
#define REED_XSTORE_RETRACT_KEEP 1000
typedef struct reed_xretract_s {
  uint64_t id, ts_ms, ref_id;
  const char *scope;
  const char *nick;    /* the redactor's nick */
  const char *account; /* its account, or NULL (a guest) */
  const char *reason;  /* or NULL */
} reed_xretract_t;
/* 0, REED_EINVAL or a store code. */
int reed_xstore_retract_add(reed_xstore_t *xs, const reed_xretract_t *r);
/* The retraction of message ref_id: 0 and cb called once, REED_ENOTFOUND,
 * or a store code. */
int reed_xstore_retract_of(reed_xstore_t *xs, uint64_t ref_id,
                           void (*cb)(void *ud, const reed_xretract_t *r),
                           void *ud);
/* Forgets a scope's retractions (a destroyed room). */
int reed_xstore_retract_drop(reed_xstore_t *xs, const char *scope);

/* ---- Blocking (XEP-0191) ---------------------------------------------------
 * A blocked JID is stored as given: a full JID, a bare JID, a domain, or a
 * domain/resource. */
/* 0, or REED_EEXIST when already blocked (nothing changes). */
int reed_xstore_block_add(reed_xstore_t *xs, const char *account,
                          const char *jid);
/* 0, or REED_ENOTFOUND when it was not blocked. */
int reed_xstore_block_del(reed_xstore_t *xs, const char *account,
                          const char *jid);
/* Unblocks everything; returns the number removed or a negative code. */
int reed_xstore_block_clear(reed_xstore_t *xs, const char *account);
/* Every blocked JID, in byte order. */
int reed_xstore_block_list(reed_xstore_t *xs, const char *account,
                           void (*cb)(void *ud, const char *jid), void *ud);
/* 1 when stanzas from `jid` (full, bare or a domain) are blocked: an entry
 * equal to the JID, its bare JID, its domain/resource or its domain
 * (XEP-0191 section 3.2, after XEP-0016's matching); else 0. */
int reed_xstore_block_match(reed_xstore_t *xs, const char *account,
                            const char *jid);
/* The number of entries, or a negative code. */
int reed_xstore_block_count(reed_xstore_t *xs, const char *account);

/* ---- Private XML storage (XEP-0049) and vcard-temp (XEP-0054) -------------
 * A private element is keyed by its name and namespace; xml is the element
 * with its children. The getters call cb once with the stored text. */
typedef void (*reed_xml_cb)(void *ud, const char *xml, size_t len);

/* Stores (replaces) the element. */
int reed_xstore_private_set(reed_xstore_t *xs, const char *account,
                            const char *name, const char *ns, const char *xml);
/* 0 or REED_ENOTFOUND (answer with the empty element). */
int reed_xstore_private_get(reed_xstore_t *xs, const char *account,
                            const char *name, const char *ns, reed_xml_cb cb,
                            void *ud);
/* Stores (replaces) the account's <vCard/>. */
int reed_xstore_vcard_set(reed_xstore_t *xs, const char *account,
                          const char *xml);
/* 0 or REED_ENOTFOUND. */
int reed_xstore_vcard_get(reed_xstore_t *xs, const char *account,
                          reed_xml_cb cb, void *ud);
/* 0 or REED_ENOTFOUND. */
int reed_xstore_vcard_del(reed_xstore_t *xs, const char *account);

/* ---- PEP (XEP-0163 on XEP-0060) --------------------------------------------
 * Nodes per account with the configuration PEP needs, and their items.
 * Publishing an id that exists replaces it and makes it the newest; a
 * node keeps its max_items newest items (older ones go at the publish or
 * reconfiguration that passes the bound). Whether to publish at all when
 * persist is false, and what "max" means, are the handler's (give a
 * positive number). */
typedef enum {
  REED_XPEP_OPEN = 0,
  REED_XPEP_PRESENCE = 1,
  REED_XPEP_ROSTER = 2,
  REED_XPEP_WHITELIST = 3,
} reed_xpep_access_t;

typedef struct reed_xpep_conf_s {
  reed_xpep_access_t access;
  uint32_t max_items; /* >= 1 */
  bool persist;       /* pubsub#persist_items */
} reed_xpep_conf_t;

typedef struct reed_xpep_item_s {
  const char *id;
  const char *xml; /* the item's payload element */
  uint64_t published_ms;
} reed_xpep_item_t;

/* Creates the node or changes its configuration (trimming its items to a
 * lower max_items). */
int reed_xstore_pep_node_put(reed_xstore_t *xs, const char *account,
                             const char *node, const reed_xpep_conf_t *conf);
/* 0 or REED_ENOTFOUND. */
int reed_xstore_pep_node_get(reed_xstore_t *xs, const char *account,
                             const char *node, reed_xpep_conf_t *out);
/* Every node of the account, by name. */
int reed_xstore_pep_node_list(reed_xstore_t *xs, const char *account,
                              void (*cb)(void *ud, const char *node,
                                         const reed_xpep_conf_t *conf),
                              void *ud);
/* Deletes the node and its items. 0 or REED_ENOTFOUND. */
int reed_xstore_pep_node_del(reed_xstore_t *xs, const char *account,
                             const char *node);
/* Publishes (or replaces) an item. 0 or REED_ENOTFOUND (no such node:
 * create it first, with the publish-options or the defaults). */
int reed_xstore_pep_publish(reed_xstore_t *xs, const char *account,
                            const char *node, const reed_xpep_item_t *item);
/* 0 or REED_ENOTFOUND (no such node or item). */
int reed_xstore_pep_retract(reed_xstore_t *xs, const char *account,
                            const char *node, const char *id);
/* Up to max items (0: all the node keeps), newest first. 0 or
 * REED_ENOTFOUND (no such node). */
int reed_xstore_pep_items(reed_xstore_t *xs, const char *account,
                          const char *node, size_t max,
                          void (*cb)(void *ud, const reed_xpep_item_t *item),
                          void *ud);
/* One item by id. 0 or REED_ENOTFOUND (no such node or item). */
int reed_xstore_pep_item_get(reed_xstore_t *xs, const char *account,
                             const char *node, const char *id,
                             void (*cb)(void *ud, const reed_xpep_item_t *item),
                             void *ud);

/* ---- FAST tokens (XEP-0484) ------------------------------------------------
 * Per account and client (the SASL2 <user-agent id=.../>), the current
 * token and the one before it, so a client that missed the rotation can
 * still log in once with the previous one. `token` is what the caller
 * stores: the XMPP module stores a seed from which it derives the token
 * under a key outside the database (xmpp_fast.c), since the HT-* SASL
 * mechanisms check HMAC(token, "Initiator" || cb-data) and so need the
 * token itself, which a hash could not give back. They also expire, they
 * rotate, an account keeps at most REED_XFAST_CLIENTS_MAX clients, and a
 * password change or account deletion removes them in SQL (triggers). */
#define REED_XFAST_TOKEN_MAX 64
#define REED_XFAST_CLIENT_MAX 256
#define REED_XFAST_CLIENTS_MAX 32

typedef struct reed_xfast_token_s {
  const char *mech; /* e.g. "HT-SHA-256-NONE" */
  const uint8_t *token;
  size_t token_len; /* 1..REED_XFAST_TOKEN_MAX */
  uint64_t created_ms, expiry_ms;
  bool current; /* reads: false for the previous token */
} reed_xfast_token_t;

/* Stores a new current token for (account, client); the current one, if
 * any, becomes the previous one (the previous one before it goes). Expired
 * tokens of the account go, and past REED_XFAST_CLIENTS_MAX clients the
 * ones whose newest token is oldest. */
int reed_xstore_fast_issue(reed_xstore_t *xs, const char *account,
                           const char *client, const reed_xfast_token_t *tok);
/* The unexpired tokens (expiry_ms > now_ms) of (account, client), current
 * first. Returns how many were reported (0..2) or a negative code. */
int reed_xstore_fast_get(reed_xstore_t *xs, const char *account,
                         const char *client, uint64_t now_ms,
                         void (*cb)(void *ud, const reed_xfast_token_t *t),
                         void *ud);
/* Forgets the previous token (the client logged in with the current one). */
int reed_xstore_fast_drop_previous(reed_xstore_t *xs, const char *account,
                                   const char *client);
/* Removes the client's tokens (<fast invalidate='true'/>). */
int reed_xstore_fast_del_client(reed_xstore_t *xs, const char *account,
                                const char *client);
/* Removes every token of the account. */
int reed_xstore_fast_del_account(reed_xstore_t *xs, const char *account);

/* ---- Server secrets (xstore_secret.c) ------------------------------------
 * A named secret of n bytes (1..64), made once: when the store has none
 * under `name`, `buf`'s bytes (the caller's fresh random candidate) are
 * stored; otherwise the stored ones replace them. 0, REED_EINVAL (no
 * store, bad size, a stored value of another size), REED_EUNAVAILABLE,
 * REED_EIO. */
int reed_xstore_secret(reed_xstore_t *xs, const char *name, uint8_t *buf,
                       size_t n);

#endif
