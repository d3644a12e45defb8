/* reed's file store: what XMPP's HTTP upload (XEP-0363), IRC's
 * soju.im/FILEHOST and the web client share. It sits below the
 * protocols, so the XMPP module (which hands out slots) and the HTTP
 * module (which takes and serves the bytes) both link it.
 *
 * A file is a row of the `files` table (owner "files": id, owner account,
 * name, size, content type, created, expires, stored) and, once its bytes
 * came, <data_dir>/uploads/<id>. A slot is a row not stored yet whose
 * `expires` is the slot's deadline; its token is HMAC-SHA-256, under a
 * key kept in <data_dir>/upload.key (0600, made on first use), of the
 * slot's id, account, name, size, content type and deadline, so the
 * database holds nothing that would let a reader of it upload. A slot is
 * used once: storing it sets its new expiry ([upload] expire).
 *
 * Quota: the sizes of an account's rows that have not expired (slots
 * given out count until they expire or are stored). Expired rows and
 * their files go in reed_files_sweep, which the callers run at each slot
 * and upload (an unlink is a metadata write: done on the loop).
 *
 * Bytes are written and read on the worker (reed_files_write,
 * reed_files_read): a file may be max_size (10 MiB by default). */
#ifndef REED_FILES_H
#define REED_FILES_H

#include "base.h"
#include "config.h"
#include "store.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct reed_files_s reed_files_t;

#define REED_FILES_ID_LEN 32               /* hex digits of a file id */
#define REED_FILES_TOKEN_LEN 64            /* hex digits of a slot token */
#define REED_FILES_NAME_MAX 255            /* bytes of a file name */
#define REED_FILES_TYPE_MAX 127            /* bytes of a content type */
#define REED_FILES_SLOT_MS (5 * 60 * 1000) /* a slot's life before PUT */

/* The store's migrations under the owner "files". */
extern const reed_store_migration_t reed_files_migrations[];
extern const size_t reed_files_n_migrations;

/* Runs the migrations, reads or makes the key file and makes the uploads
 * folder (0700) in `data_dir`. `log` is borrowed. 0 or one of:
 * REED_EINVAL, REED_ENOMEM, REED_EIO (logged). */
int reed_files_open(reed_store_t *st, const char *data_dir, reed_log_t *log,
                    reed_files_t **out);
void reed_files_close(reed_files_t *f);

/* What a row says. */
typedef struct reed_files_meta_s {
  char id[REED_FILES_ID_LEN + 1];
  char account[REED_ACCOUNT_MAX + 1]; /* folded */
  char name[REED_FILES_NAME_MAX + 1];
  char type[REED_FILES_TYPE_MAX + 1]; /* "" when the client gave none */
  uint64_t size;
  uint64_t created_ms, expires_ms; /* wall clock */
  bool stored;
} reed_files_meta_t;

/* A name a client may give: 1..255 bytes of UTF-8 without '/', '\\' or
 * control characters, not "." or "..". */
bool reed_files_name_valid(const char *name);
/* A content type: "" or type/subtype with parameters, printable ASCII. */
bool reed_files_type_valid(const char *type);

/* Makes a slot for `account` (valid account name) at wall time now_ms,
 * its id the hex of `rnd` (the caller's randomness: the portal's):
 * checks name and type (REED_EINVAL), `size` against conf->max_size
 * (REED_ETOOBIG) and the account's quota (REED_ELIMIT), sweeps what
 * expired, and stores the row. out gets the row; token the hex token and
 * a NUL. 0, or those, or REED_EIO / REED_ENOMEM. */
#define REED_FILES_RND 16 /* random bytes of an id */
int reed_files_slot(reed_files_t *f, const reed_upload_conf_t *conf,
                    const uint8_t rnd[REED_FILES_RND], const char *account,
                    const char *name, uint64_t size, const char *type,
                    uint64_t now_ms, reed_files_meta_t *out,
                    char token[REED_FILES_TOKEN_LEN + 1]);
/* The token of a row (its fields as stored). */
void reed_files_token(const reed_files_t *f, const reed_files_meta_t *m,
                      char token[REED_FILES_TOKEN_LEN + 1]);
/* Checks an upload to slot `id`: the row exists and is not stored
 * (REED_ENOTFOUND), its deadline has not passed (REED_ENOTFOUND), `token`
 * is its token (REED_EAUTH, compared in constant time), `name` is its
 * name (REED_ENOTFOUND), `size` its size (REED_ETOOBIG when larger,
 * REED_EINVAL when smaller) and `type` (NULL: none given) its type when
 * it has one, parameters aside (REED_EINVAL). 0 with *out filled. */
int reed_files_check_put(reed_files_t *f, const char *id, const char *token,
                         const char *name, uint64_t size, const char *type,
                         uint64_t now_ms, reed_files_meta_t *out);
/* Marks slot `id` stored, to expire `expire_ms` after now. 0,
 * REED_ENOTFOUND (gone or already stored: a slot is used once), REED_EIO. */
int reed_files_commit(reed_files_t *f, const char *id, uint64_t now_ms,
                      uint64_t expire_ms);
/* A stored file that has not expired, by id. 0, REED_ENOTFOUND,
 * REED_EIO. */
int reed_files_get(reed_files_t *f, const char *id, uint64_t now_ms,
                   reed_files_meta_t *out);
/* Drops a row and its file (a failed write). */
void reed_files_drop(reed_files_t *f, const char *id);
/* Bytes `account` holds (rows not expired at now_ms), or a negative
 * code. */
int64_t reed_files_used(reed_files_t *f, const char *account, uint64_t now_ms);
/* Removes up to `max` expired rows and their files; returns how many, or
 * a negative code. */
int reed_files_sweep(reed_files_t *f, uint64_t now_ms, int max);
/* "<data_dir>/uploads/<id>" into buf; REED_ETOOBIG when it does not fit. */
int reed_files_path(const reed_files_t *f, const char *id, char *buf,
                    size_t size);

/* ---- Bytes, on the worker --------------------------------------------------
 * The callback runs on the loop: status 0 or REED_EIO (REED_ENOMEM before
 * the work). For a read, `data` is the file (one reference, the
 * callback's to keep or unref); NULL for a write. */
typedef void (*reed_files_io_cb)(void *ud, int status, reed_buf_t *data);
/* Writes a copy of p[0..len) as the file of `id` (a temporary name, then
 * rename). 0 or REED_ENOMEM (no callback then). */
int reed_files_write(const reed_files_t *f, reed_worker_t *w, const char *id,
                     const void *p, size_t len, reed_files_io_cb cb, void *ud);
/* Reads the file of `id`, which must hold `size` bytes. 0 or
 * REED_ENOMEM. */
int reed_files_read(const reed_files_t *f, reed_worker_t *w, const char *id,
                    uint64_t size, reed_files_io_cb cb, void *ud);

/* ---- Serving (pure) --------------------------------------------------------
 */
/* The Content-Type a file is served with: its own type when on the allow
 * list (image/png, image/jpeg, image/gif, image/webp, audio and video
 * of a fixed list, text/plain), then *inline is true; else
 * "application/octet-stream" and false. Never text/html, SVG or
 * anything a browser runs. Parameters other than text/plain's charset
 * are dropped. Writes into out[size]. */
void reed_files_served_type(const char *type, bool *inline_, char *out,
                            size_t size);
/* Content-Disposition: `inline` or `attachment`, with filename="..." (the
 * name with every byte outside printable ASCII, '"', '\\' and ';' as '_')
 * and filename*=UTF-8''<percent-encoded name> (RFC 6266). */
void reed_files_disposition(const char *name, bool inline_, char *out,
                            size_t size);
/* Percent-encodes a path segment (RFC 3986 unreserved bytes stay). */
void reed_files_pct_encode(const char *s, char *out, size_t size);
/* Decodes %XX (a bad escape or %00: REED_EINVAL). */
int reed_files_pct_decode(const char *s, size_t len, char *out, size_t size);
/* The public base URL, no trailing '/': conf->url, or from the first
 * [http] listener that `each_listener` reports (reed_host_t's: kind "ssl"
 * is https, else http; a wildcard address becomes the server name, an
 * IPv6 address goes in brackets; port 80/443 left out). REED_ENOTFOUND
 * when neither; REED_ETOOBIG. */
typedef void (*reed_files_listener_cb)(void *cbud, const char *module,
                                       const char *kind, const char *addr,
                                       unsigned port);
int reed_files_base_url(const reed_server_conf_t *sv,
                        void (*each_listener)(void *ud,
                                              reed_files_listener_cb cb,
                                              void *cbud),
                        void *ud, char *out, size_t size);

#endif
