/* reed's authentication: the portal (credentials -> checker -> realm ->
 * avatar, after twisted.cred), SASL mechanisms as sans-IO state machines,
 * argon2id password hashing through the worker, SCRAM stored keys, failed
 * login throttling and the synchronous account functions of the CLI.
 *
 * Layers, bottom up:
 *   - the SASL mechanisms (PLAIN, SCRAM-SHA-1, SCRAM-SHA-256 and their
 *     -PLUS variants with channel binding, EXTERNAL, the HT-SHA-256-* of
 *     FAST tokens): no store, no I/O; they look credentials up through
 *     reed_sasl_source_t;
 *   - password hashing and SCRAM key derivation (pure functions);
 *   - the credential source (reed_credsrc_t): accounts and certificate
 *     fingerprints, backed by the store (reed_auth_store_credsrc) or, in
 *     tests, by anything else;
 *   - the portal: turns what a client proved into the canonical account
 *     name (the avatar) that the protocol then binds with
 *     reed_session_login.
 *
 * Every failed login says REED_EAUTH, whatever the reason (wrong password,
 * unknown account, wrong proof), with the same text. */
#ifndef REED_AUTH_H
#define REED_AUTH_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct reed_model_s reed_model_t;
typedef struct reed_store_s reed_store_t;
typedef struct reed_portal_s reed_portal_t;
typedef struct reed_sasl_s reed_sasl_t;

#define REED_AUTH_NAME_MAX 32       /* account names (docs/design.md) */
#define REED_AUTH_PASSWORD_MAX 1024 /* bytes of a password */
#define REED_SASL_INPUT_MAX 2048    /* bytes of one client SASL message */
#define REED_PWHASH_STRLEN 128      /* crypto_pwhash_STRBYTES */
#define REED_SCRAM_SALT_MAX 64
#define REED_SCRAM_SALT_LEN 16 /* salts we generate */
#define REED_SCRAM_ITERATIONS 4096
#define REED_SCRAM_KEY_MAX 32 /* SHA-256; SHA-1 keys use 20 bytes */
#define REED_CERT_FP_LEN 64   /* SHA-256, lowercase hex */

/* Argon2id cost levels: libsodium's min, interactive, moderate and
 * sensitive limits. The values equal config.h's REED_PWHASH_*. */
enum {
  REED_AUTH_HASH_MIN = 0,
  REED_AUTH_HASH_INTERACTIVE = 1,
  REED_AUTH_HASH_MODERATE = 2,
  REED_AUTH_HASH_SENSITIVE = 3,
};

/* ---- Stored credentials ----------------------------------------------------
 * What is kept for an account: the argon2id string and the SCRAM keys. The
 * password itself is never stored. */
typedef enum {
  REED_SCRAM_SHA1 = 0,
  REED_SCRAM_SHA256 = 1,
} reed_scram_hash_t;

typedef struct reed_auth_scram_s {
  uint8_t salt[REED_SCRAM_SALT_MAX];
  size_t salt_len;
  uint32_t iterations;
  uint8_t stored_key[REED_SCRAM_KEY_MAX]; /* first 20 bytes for SHA-1 */
  uint8_t server_key[REED_SCRAM_KEY_MAX];
} reed_auth_scram_t;

typedef struct reed_creds_s {
  char account[REED_AUTH_NAME_MAX + 1]; /* canonical spelling */
  char pwhash[REED_PWHASH_STRLEN];      /* "$argon2id$..." */
  reed_auth_scram_t scram[2];           /* by reed_scram_hash_t */
} reed_creds_t;

/* Parses "min", "interactive", "moderate" or "sensitive" (any case); returns
 * the level or REED_EINVAL. */
int reed_auth_hash_level_parse(const char *name);
const char *reed_auth_hash_level_name(int level);

/* argon2id of a password at a cost level, synchronously (the caller decides
 * where it runs). Returns 0, REED_EINVAL (bad level or password) or
 * REED_ENOMEM. */
int reed_auth_pwhash(int level, const char *password, size_t len,
                     char out[REED_PWHASH_STRLEN]);
/* 0 when `password` matches `hash`, else REED_EAUTH. */
int reed_auth_pwverify(const char *hash, const char *password, size_t len);
/* SaltedPassword = PBKDF2(password, salt, iterations), then StoredKey and
 * ServerKey (RFC 5802 section 3). Returns 0 or REED_EINVAL. */
int reed_auth_scram_derive(reed_scram_hash_t h, const char *password,
                           size_t len, const uint8_t *salt, size_t salt_len,
                           uint32_t iterations, reed_auth_scram_t *out);
/* Fills every credential of `account` from a password: the argon2id string
 * at `level` and both SCRAM key sets with the given 16-byte salts and
 * REED_SCRAM_ITERATIONS. Pure and CPU-heavy: the portal runs it on the
 * worker. Returns 0, REED_EINVAL or REED_ENOMEM. */
int reed_auth_creds_make(const char *account, const char *password, size_t len,
                         int level, const uint8_t salt256[REED_SCRAM_SALT_LEN],
                         const uint8_t salt1[REED_SCRAM_SALT_LEN],
                         reed_creds_t *out);
/* 0 if a new password is acceptable (1..REED_AUTH_PASSWORD_MAX bytes of
 * UTF-8 without ASCII control characters), else REED_EINVAL. SCRAM keys
 * are derived from the UTF-8 bytes as given: full SASLprep (NFKC) is not
 * applied, which matters only for passwords it would change. */
int reed_auth_password_valid(const char *password, size_t len);
/* The password policy for new passwords (registration, password changes,
 * `reed account add|passwd`; logins are never refused by it): at least
 * `min` characters (UTF-8 code points). 0 or REED_EWEAKPASSWORD. */
int reed_auth_password_policy(const char *password, size_t len, size_t min);
/* Normalizes a certificate fingerprint: 64 hex digits, colons allowed and
 * stripped, lowercased into out. Returns 0 or REED_EINVAL. */
int reed_auth_cert_fp_normalize(const char *in, char out[REED_CERT_FP_LEN + 1]);

/* ---- SASL mechanisms (sans-IO) ---------------------------------------------
 * A mechanism object is fed one decoded client message at a time (the
 * protocol undoes its own base64 and chunking) and answers with raw bytes
 * for the protocol to encode. reed_sasl_step returns:
 *   REED_SASL_CONTINUE  *out holds a challenge; feed the next message;
 *   REED_SASL_SUCCESS   authenticated as reed_sasl_account(); *out, when
 *                       not NULL, is additional data with success (SCRAM's
 *                       "v=..."; IRC sends it as a challenge and waits for
 *                       the client's empty reply before 903);
 *   REED_SASL_PASSWORD  PLAIN only: the client claims reed_sasl_authcid()
 *                       with reed_sasl_password(); verify it (the portal
 *                       does this on the worker);
 *   REED_SASL_PENDING   (portal only) the result comes through the
 *                       portal callback;
 *   or a negative code: REED_EAUTH (bad credentials), REED_ESYNTAX
 *   (malformed message), REED_ETOOBIG (oversized), REED_EINVAL
 *   (unsupported: a channel binding type without data, tls-unique, an
 *   extension we must refuse),
 *   REED_EAUTHSTATE (step after the end), REED_ETHROTTLED, REED_ENOMEM.
 * After a negative code the exchange is over; reed_sasl_error() says why
 * in one sentence (for logs: clients get the same text for every
 * REED_EAUTH).
 *
 * Every mechanism here is client-first. When the client sent no initial
 * response (IRC always; XMPP <auth/> without text), send an empty
 * challenge and feed its next message; an empty initial response (XMPP
 * "=", IRC "+") is a message of length 0. */
enum {
  REED_SASL_CONTINUE = 1,
  REED_SASL_SUCCESS = 2,
  REED_SASL_PASSWORD = 3,
  REED_SASL_PENDING = 4,
};

/* The -PLUS mechanisms (RFC 5802 section 6, RFC 7677) and the HT ones
 * (draft-schmaus-kitten-sasl-ht, XEP-0484 FAST) take channel binding data
 * from a reed_sasl_cbind_t. HT-SHA-256-UNIQ is known only to be refused
 * with a reason: tls-unique is undefined for TLS 1.3, and RFC 9266 replaces
 * it with tls-exporter (HT-SHA-256-EXPR). The draft allows HT only over
 * TLS: a protocol offers it (even -NONE) on TLS connections only. */
typedef enum {
  REED_MECH_PLAIN = 0,
  REED_MECH_SCRAM_SHA_1 = 1,
  REED_MECH_SCRAM_SHA_256 = 2,
  REED_MECH_EXTERNAL = 3,
  REED_MECH_SCRAM_SHA_1_PLUS = 4,
  REED_MECH_SCRAM_SHA_256_PLUS = 5,
  REED_MECH_HT_SHA_256_NONE = 6, /* no channel binding */
  REED_MECH_HT_SHA_256_UNIQ = 7, /* tls-unique: always refused */
  REED_MECH_HT_SHA_256_ENDP = 8, /* tls-server-end-point */
  REED_MECH_HT_SHA_256_EXPR = 9, /* tls-exporter */
} reed_sasl_mech_t;

/* Returns the mechanism for an IANA name ("SCRAM-SHA-256", any case) or
 * REED_EINVAL. */
int reed_sasl_mech_parse(const char *name);
const char *reed_sasl_mech_name(reed_sasl_mech_t mech);
/* "PLAIN,SCRAM-SHA-1,SCRAM-SHA-256,EXTERNAL": the mechanisms a connection
 * without channel binding is offered (no -PLUS; the HT ones are offered
 * apart, with FAST). */
const char *reed_sasl_mech_list(void);
/* The same, and with `plus` the -PLUS ones too ("PLAIN,SCRAM-SHA-1,
 * SCRAM-SHA-256,SCRAM-SHA-1-PLUS,SCRAM-SHA-256-PLUS,EXTERNAL"): ask for
 * them only when the connection can give channel binding data, and tell
 * the exchange so (reed_sasl_cbind_t.plus_offered). */
const char *reed_sasl_mech_list_plus(bool plus);

/* Channel binding for one exchange. `data` has the signature of
 * reed_transport_t.channel_binding (a protocol passes its transport's:
 * {tp->channel_binding, tp->t, offered}) and is asked for the type the
 * client names ("tls-exporter", "tls-server-end-point"): 0 with the bytes
 * (at most REED_SASL_CB_MAX), or an error: no data of that type. NULL: no
 * channel binding at all. `plus_offered` says the protocol advertised the
 * -PLUS mechanisms: a SCRAM client that says it supports channel binding
 * but thinks the server does not (gs2 flag 'y') was then downgraded, and
 * fails (RFC 5802 section 6). */
#define REED_SASL_CB_MAX 64 /* = proto.h's REED_CHANNEL_BINDING_MAX */
typedef struct reed_sasl_cbind_s {
  int (*data)(void *ud, const char *type, uint8_t *out, size_t *len);
  void *ud;
  bool plus_offered;
} reed_sasl_cbind_t;

/* A FAST token's secret as the HT mechanisms use it: the HMAC key. That is
 * the token's bytes, or, for a token longer than 64 bytes, their SHA-256:
 * HMAC-SHA-256 hashes a key longer than its block first (RFC 2104), so a
 * store may keep such tokens hashed and still verify them. */
#define REED_SASL_FAST_TOKENS 2 /* the current token and the previous one */
#define REED_SASL_FAST_TOKEN_MAX 128
typedef struct reed_sasl_fast_token_s {
  uint8_t secret[REED_SASL_FAST_TOKEN_MAX];
  size_t len;
} reed_sasl_fast_token_t;

/* The FAST tokens (XEP-0484) of account `name` pinned to HT mechanism
 * `mech` and issued to `client` (the exchange's, reed_sasl_set_fast_client;
 * NULL when it has none): fills tokens[0] (the current one) and tokens[1]
 * (the previous one, if it is still valid) and the canonical `account`;
 * returns how many it filled (0: none, or no such account) or a negative
 * code that ends the exchange with that code (REED_EIO). */
typedef int (*reed_sasl_fast_token_fn)(
    void *ud, const char *name, const char *client, reed_sasl_mech_t mech,
    reed_sasl_fast_token_t tokens[REED_SASL_FAST_TOKENS],
    char account[REED_AUTH_NAME_MAX + 1]);

/* How a mechanism reaches credentials. Any callback may be NULL.
 *   scram_keys: fills `keys` and the canonical `account` of `name` for
 *               hash `h`; 0, REED_ENOACCOUNT, or another code (such as
 *               REED_ETHROTTLED) that ends the exchange with that code;
 *   cert_account: the account a certificate fingerprint is registered
 *               to; 0 or REED_ENOACCOUNT;
 *   random:     fills `n` random bytes (default: libsodium's);
 *   nonce:      writes a NUL-terminated server nonce of printable ASCII
 *               except ',' into buf (size bytes); default: 18 random bytes
 *               in base64. Tests use it to replay the RFC vectors;
 *   fast_token: the HT mechanisms' token lookup (see the type); NULL: no
 *               account has a token.
 * For an unknown SCRAM account the exchange goes on with a salt derived
 * from `secret` (32 bytes, may be NULL) and the name, so it fails only at
 * the proof and looks the same as a wrong password. */
typedef struct reed_sasl_source_s {
  int (*scram_keys)(void *ud, const char *name, reed_scram_hash_t h,
                    reed_auth_scram_t *keys,
                    char account[REED_AUTH_NAME_MAX + 1]);
  int (*cert_account)(void *ud, const char *fp,
                      char account[REED_AUTH_NAME_MAX + 1]);
  void (*random)(void *ud, uint8_t *buf, size_t n);
  void (*nonce)(void *ud, char *buf, size_t size);
  const uint8_t *secret;
  void *ud;
  reed_sasl_fast_token_fn fast_token;
} reed_sasl_source_t;

/* A mechanism exchange. `src` is copied (its ud is borrowed). `cert_fp` is
 * the SHA-256 fingerprint of the client certificate on THIS TLS session
 * (lowercase hex, "" or NULL when none): EXTERNAL never takes one from the
 * client. Returns 0, REED_EINVAL or REED_ENOMEM. */
int reed_sasl_new(reed_sasl_mech_t mech, const reed_sasl_source_t *src,
                  const char *cert_fp, reed_sasl_t **out);
/* The same with channel binding (copied; its ud is borrowed): NULL, as
 * reed_sasl_new, is none. A SCRAM -PLUS exchange needs the client's gs2
 * flag "p=<type>" with a type `cb` has data for (else REED_EINVAL with a
 * reason), and c= must then be base64 of the gs2 header and that data
 * (else REED_EAUTH); "p=" with a mechanism without -PLUS is REED_EINVAL,
 * and 'y' when cb->plus_offered is REED_EAUTH. An HT exchange binds to
 * its mechanism's type (REED_EINVAL without the data). */
int reed_sasl_new_cb(reed_sasl_mech_t mech, const reed_sasl_source_t *src,
                     const char *cert_fp, const reed_sasl_cbind_t *cb,
                     reed_sasl_t **out);
/* Feeds one client message (decoded bytes; len 0 is the empty response).
 * *out is set to NULL or to a new buffer the caller owns. See above for
 * the return values. */
int reed_sasl_step(reed_sasl_t *s, const uint8_t *in, size_t len,
                   reed_buf_t **out);
/* Wipes secrets and frees; NULL is ignored. */
void reed_sasl_free(reed_sasl_t *s);
reed_sasl_mech_t reed_sasl_mech(const reed_sasl_t *s);
/* The canonical account after REED_SASL_SUCCESS, else NULL. */
const char *reed_sasl_account(const reed_sasl_t *s);
/* The name the client claimed (decoded), or NULL before it said one. */
const char *reed_sasl_authcid(const reed_sasl_t *s);
/* PLAIN's password after REED_SASL_PASSWORD (valid until free). */
const char *reed_sasl_password(const reed_sasl_t *s, size_t *len);
/* Why the last step failed (static sentence), or NULL. */
const char *reed_sasl_error(const reed_sasl_t *s);
/* After an HT success: which token matched, 0 (the current one) or 1 (the
 * previous one); -1 otherwise. The protocol rotates tokens with it. */
int reed_sasl_fast_token_index(const reed_sasl_t *s);
/* The client the exchange's FAST tokens were issued to (XMPP: the SASL2
 * user-agent id), passed to the source's fast_token; copied, NULL or ""
 * for none. Set it before the first step. 0 or REED_ENOMEM. */
int reed_sasl_set_fast_client(reed_sasl_t *s, const char *client);

/* ---- Credential source -----------------------------------------------------
 * Where the portal's checker finds accounts. Names are compared
 * case-insensitively (ASCII); the record keeps the canonical spelling.
 *   get:      0 and *out, or REED_ENOACCOUNT;
 *   create:   0, REED_EACCOUNTEXISTS; `email` may be NULL (none), else
 *             the store checker keeps it (REED_EINVAL when it is not
 *             reed_store_email_valid; "" and "*" are none);
 *   set:      replaces the credentials of out->account; 0, ENOACCOUNT;
 *   del:      0, REED_ENOACCOUNT;
 *   cert_add: 0, ENOACCOUNT, REED_EEXIST (registered to someone);
 *   cert_del: 0, REED_ENOTFOUND;
 *   cert_account: the account of a fingerprint; 0 or REED_ENOACCOUNT.
 * Other codes (REED_EIO, REED_ENOMEM) pass through. */
typedef struct reed_credsrc_s {
  int (*get)(void *ud, const char *name, reed_creds_t *out);
  int (*create)(void *ud, const reed_creds_t *c, const char *email);
  int (*set)(void *ud, const reed_creds_t *c);
  int (*del)(void *ud, const char *name);
  int (*cert_add)(void *ud, const char *name, const char *fp);
  int (*cert_del)(void *ud, const char *name, const char *fp);
  int (*cert_account)(void *ud, const char *fp,
                      char account[REED_AUTH_NAME_MAX + 1]);
  void *ud;
} reed_credsrc_t;

/* ---- The portal ------------------------------------------------------------
 */
/* A credential source over the store (checker_store.c): every read goes
 * to the database, so a change made by `reed account ...` in another
 * process is seen at the next login. `st` is borrowed. */
void reed_auth_store_credsrc(reed_store_t *st, reed_credsrc_t *out);

/* Failed-login throttling. Failures are counted in three tables, each in
 * a fixed window that starts at the first failure: per (account, address),
 * per address (any account) and per account (any address); an address is
 * an IPv4 address or an IPv6 /64. A login attempt is
 *   refused (REED_ETHROTTLED at once, no hash) when its address has
 *     `address_limit` failures or its (account, address) `pair_limit`;
 *   otherwise slowed when any of the three has `delay_after` failures or
 *     more: its answer, success or not, comes `delay_ms` later, doubled for
 *     each failure beyond, capped at `delay_max_ms` (the largest of the
 *     three wins).
 * Failures of one account from other addresses only slow it: they never
 * refuse its owner. A success forgets its (account, address) failures
 * (and takes them off the address's and the account's counts). Each table
 * holds at most `max_entries` keys (expired first, then the oldest
 * window). Every decision is logged once per (account, address, window);
 * an address refused for every account, once per (address, window).
 * A field of 0 takes the default in parentheses. */
typedef struct reed_portal_throttle_s {
  uint64_t window_ms;     /* (600000: 10 minutes) */
  unsigned delay_after;   /* (3) */
  uint64_t delay_ms;      /* (250) */
  uint64_t delay_max_ms;  /* (4000) */
  unsigned pair_limit;    /* (10) */
  unsigned address_limit; /* (20) */
  size_t max_entries;     /* per table (10000) */
} reed_portal_throttle_t;

/* Registration throttling: each new account takes a token from its
 * address's bucket (an IPv4 address or an IPv6 /64, as above) and from the
 * server's; an empty bucket refuses the registration (REED_EREGTHROTTLED)
 * before any hashing. A bucket holds `burst` tokens (the server's: a tenth
 * of `global`, at least 1) and refills at its rate per hour. Prosody's
 * registration_throttle_max/_period and ergo's
 * accounts.registration.throttling are the same idea. Refused attempts
 * take nothing. 0: no limit of that kind. */
typedef struct reed_portal_regthrottle_s {
  unsigned per_address; /* registrations per hour from one address */
  unsigned burst;       /* of those, at once (0 is taken as 1) */
  unsigned global;      /* registrations per hour from anywhere */
} reed_portal_regthrottle_t;

typedef struct reed_portal_opts_s {
  reed_store_t *store;         /* the checker's accounts, unless creds */
  const reed_credsrc_t *creds; /* copied; overrides store (tests) */
  reed_worker_t *worker;       /* argon2id runs here */
  reed_clock_t *clock;         /* throttle windows and delays */
  reed_log_t *log;             /* may be NULL */
  reed_model_t *model;         /* accounts are added here; may be NULL */
  bool registration_open;
  int hash_level; /* REED_AUTH_HASH_* */
  /* New passwords have at least this many characters; 0: any length. */
  size_t password_min;
  reed_portal_throttle_t throttle;
  reed_portal_regthrottle_t registration; /* all 0: none */
  /* Random bytes (salts, nonces, the portal secret); NULL: libsodium. */
  void (*random)(void *ud, uint8_t *buf, size_t n);
  void *random_ud;
} reed_portal_opts_t;

/* Creates a portal. Returns 0, REED_EINVAL or REED_ENOMEM. */
int reed_portal_new(const reed_portal_opts_t *opts, reed_portal_t **out);
/* Frees the portal. Requests still on the worker are orphaned: their
 * results are dropped and their callbacks never run (nor do those of
 * answers being slowed). Every reed_sasl_t
 * made by the portal must be freed first. */
void reed_portal_free(reed_portal_t *p);
/* Fills `n` bytes from the portal's randomness (libsodium's unless the
 * options gave another): for unguessable tokens a protocol hands out,
 * such as XMPP's stream-resumption ids. */
void reed_portal_random(reed_portal_t *p, uint8_t *buf, size_t n);
/* Opens or closes registration (SIGHUP reload). */
void reed_portal_set_registration(reed_portal_t *p, bool open);
/* Sets the argon2id cost of new hashes and of the dummy verify; an
 * unknown level is ignored. */
void reed_portal_set_hash_level(reed_portal_t *p, int level);
/* The password policy's minimum (reed_portal_opts_t.password_min). */
void reed_portal_set_password_min(reed_portal_t *p, size_t min);
size_t reed_portal_password_min(const reed_portal_t *p);
/* New throttle figures (a field of 0 keeps the current value); counts
 * already made stay. */
void reed_portal_set_throttle(reed_portal_t *p,
                              const reed_portal_throttle_t *t);
/* New registration limits (all fields taken as given); the buckets keep
 * what they hold. */
void reed_portal_set_reg_throttle(reed_portal_t *p,
                                  const reed_portal_regthrottle_t *r);
/* Requests on the worker (tests, shutdown). */
size_t reed_portal_pending(const reed_portal_t *p);

/* Login outcomes per method and registrations, for metrics (the host
 * pulls them). A method is a SASL mechanism (reed_sasl_mech_t) or
 * REED_PORTAL_METHOD_PASSWORD, a name and password outside SASL (AMP
 * Login, NickServ IDENTIFY). A success is an account proved; a failure a
 * wrong proof (REED_EAUTH: bad password, unknown account, a certificate
 * registered to nobody); throttled an attempt the throttle refused before
 * any check. Malformed or abandoned exchanges count nothing. */
#define REED_PORTAL_METHOD_PASSWORD 10
#define REED_PORTAL_METHODS 11
enum {
  REED_LOGIN_SUCCESS = 0,
  REED_LOGIN_FAILURE = 1,
  REED_LOGIN_THROTTLED = 2,
  REED_LOGIN_RESULTS = 3,
};
typedef struct reed_portal_stats_s {
  uint64_t logins[REED_PORTAL_METHODS][REED_LOGIN_RESULTS];
  uint64_t registrations; /* accounts created through the portal */
} reed_portal_stats_t;
void reed_portal_stats(const reed_portal_t *p, reed_portal_stats_t *out);
/* The mechanism's IANA name, or "password" for the bare password. */
const char *reed_portal_method_name(int method);

/* The result of an asynchronous request: status 0 with the canonical
 * account name (the avatar: bind it with reed_session_login), or a REED_E*
 * code and NULL. `account` is borrowed for the call. The caller passed
 * `req_id` and looks its session up again here: it may have gone (or call
 * reed_portal_cancel when it goes). With an inline worker (tests) the
 * callback runs before the request call returns; with libuv's it always
 * comes on a later loop turn. */
typedef void (*reed_portal_cb)(void *ud, uint64_t req_id, int status,
                               const char *account);

/* Username + password (SASL PLAIN, AMP Login, NickServ IDENTIFY). The
 * argon2id verify runs on the worker, and for an unknown account a dummy
 * verify of the same cost runs too; a slowed attempt waits on the clock
 * first. Returns 0 (cb will be called exactly
 * once, unless cancelled), or at once REED_ETHROTTLED (no hash runs),
 * REED_EINVAL (no name or password) or REED_ENOMEM. The result is 0 or
 * REED_EAUTH. `ip` may be NULL. */
int reed_portal_login_password(reed_portal_t *p, const char *name,
                               const char *password, size_t len, const char *ip,
                               reed_portal_cb cb, void *ud, uint64_t req_id);
/* A client certificate (its SHA-256 fingerprint on this TLS session) ->
 * the account it is registered to; `authzid` (may be NULL or "") must name
 * that account. Synchronous: 0 with account filled, or REED_EAUTH. */
int reed_portal_login_cert(reed_portal_t *p, const char *cert_fp,
                           const char *authzid,
                           char account[REED_AUTH_NAME_MAX + 1]);
/* Registration: validates the name (reed_account_valid) and password,
 * refuses when closed or existing, then when the registration throttle
 * (reed_portal_regthrottle_t; `ip` may be NULL: the server's bucket only)
 * says so, hashes on the worker, stores the record and adds the name to
 * the model. Returns 0 (cb follows with 0 or REED_EACCOUNTEXISTS /
 * REED_EIO / REED_ENOMEM), or at once REED_EREGCLOSED, REED_EBADACCOUNT,
 * REED_EACCOUNTEXISTS, REED_EWEAKPASSWORD (shorter than password_min),
 * REED_EINVAL (bad password, or an email that reed_store_email_valid
 * refuses), REED_EREGTHROTTLED or REED_ENOMEM. `email` NULL, "" or "*"
 * means none; the credential source gets NULL then. */
int reed_portal_register(reed_portal_t *p, const char *name,
                         const char *password, size_t len, const char *email,
                         const char *ip, reed_portal_cb cb, void *ud,
                         uint64_t req_id);
/* Password change of an existing account (on the worker), as register.
 * Returns 0 or at once REED_ENOACCOUNT, REED_EWEAKPASSWORD, REED_EINVAL,
 * REED_ENOMEM. */
int reed_portal_passwd(reed_portal_t *p, const char *name, const char *password,
                       size_t len, reed_portal_cb cb, void *ud,
                       uint64_t req_id);
/* Drops every pending request with this id: its callback will not run. */
void reed_portal_cancel(reed_portal_t *p, uint64_t req_id);

/* A SASL exchange whose credentials come from the portal, with failed
 * logins throttled per claimed account and per `ip`. `mech` is an IANA
 * name: PLAIN, SCRAM-SHA-1, SCRAM-SHA-256 or EXTERNAL (others give
 * REED_EINVAL: a protocol that offers more says how it binds with
 * reed_portal_sasl_new_cb). `cert_fp` as in reed_sasl_new. The object must
 * be freed (reed_sasl_free) before the portal. */
int reed_portal_sasl_new(reed_portal_t *p, const char *mech, const char *ip,
                         const char *cert_fp, reed_sasl_t **out);
/* The same for every mechanism, with channel binding as reed_sasl_new_cb
 * (`cb` may be NULL). An HT exchange finds tokens through the function
 * set with reed_portal_set_fast_tokens (none without one); its verdict is
 * throttled as a SCRAM one. */
int reed_portal_sasl_new_cb(reed_portal_t *p, const char *mech, const char *ip,
                            const char *cert_fp, const reed_sasl_cbind_t *cb,
                            reed_sasl_t **out);
/* Where the HT mechanisms look FAST tokens up (the module that keeps them
 * sets it at init; NULL unsets). `ud` is borrowed. */
void reed_portal_set_fast_tokens(reed_portal_t *p, reed_sasl_fast_token_fn fn,
                                 void *ud);
/* reed_sasl_step for a portal exchange: PLAIN's password goes to
 * reed_portal_login_password, so this returns REED_SASL_PENDING and `cb`
 * gets the result; a slowed SCRAM verdict (success or REED_EAUTH) also
 * comes as REED_SASL_PENDING and then `cb`; the other codes are
 * reed_sasl_step's. */
int reed_portal_sasl_step(reed_sasl_t *s, const uint8_t *in, size_t len,
                          reed_buf_t **out, reed_portal_cb cb, void *ud,
                          uint64_t req_id);
/* After `cb` said 0 for a REED_SASL_PENDING step: the additional data to
 * send with success, as reed_sasl_step's *out with REED_SASL_SUCCESS
 * (SCRAM's "v=..."), or NULL (PLAIN). The caller owns it. */
reed_buf_t *reed_portal_sasl_success_data(reed_sasl_t *s);

/* ---- Accounts for the command line ----------------------------------------
 * Synchronous (the CLI has no loop): hashing runs inline at `level`, and
 * the store commits before these return. add: 0, REED_EBADACCOUNT,
 * REED_EINVAL (bad password), REED_EACCOUNTEXISTS, REED_EIO. passwd: 0,
 * REED_ENOACCOUNT, REED_EINVAL, REED_EIO. del: 0, REED_ENOACCOUNT,
 * REED_EIO. cert add: 0, REED_EINVAL (not a fingerprint), REED_ENOACCOUNT,
 * REED_EEXIST. cert del: 0, REED_EINVAL, REED_ENOTFOUND. */
int reed_auth_account_add(reed_store_t *st, const char *name,
                          const char *password, size_t len, int level);
int reed_auth_account_passwd(reed_store_t *st, const char *name,
                             const char *password, size_t len, int level);
int reed_auth_account_del(reed_store_t *st, const char *name);
int reed_auth_cert_add(reed_store_t *st, const char *name, const char *fp);
int reed_auth_cert_del(reed_store_t *st, const char *name, const char *fp);

/* The same over any credential source. */
int reed_auth_account_add_src(const reed_credsrc_t *src, const char *name,
                              const char *password, size_t len, int level);
int reed_auth_account_passwd_src(const reed_credsrc_t *src, const char *name,
                                 const char *password, size_t len, int level);
int reed_auth_account_del_src(const reed_credsrc_t *src, const char *name);
/* Validates and normalizes the fingerprint (reed_auth_cert_fp_normalize)
 * first: REED_EINVAL when it is not one. */
int reed_auth_cert_add_src(const reed_credsrc_t *src, const char *name,
                           const char *fp);
int reed_auth_cert_del_src(const reed_credsrc_t *src, const char *name,
                           const char *fp);

#endif
