/* auth's internal header: the SASL object, crypto helpers and the throttle
 * table, shared by the files of auth/ only. */
#ifndef REED_AUTH_INT_H
#define REED_AUTH_INT_H

#include "auth.h"

/* ---- Crypto helpers (crypto.c) ---------------------------------------------
 */
/* Digest length of a SCRAM hash: 20 or 32. */
size_t reed__auth_hlen(reed_scram_hash_t h);
void reed__auth_digest(reed_scram_hash_t h, const void *p, size_t len,
                       uint8_t *out);
void reed__auth_hmac(reed_scram_hash_t h, const void *key, size_t klen,
                     const void *p, size_t len, uint8_t *out);
/* Standard base64 with padding into a new NUL-terminated string, or NULL. */
char *reed__auth_b64(const uint8_t *p, size_t len);
/* Strict base64 decode of exactly `len` chars; 0 or REED_ESYNTAX. */
int reed__auth_unb64(const char *in, size_t len, uint8_t *out, size_t max,
                     size_t *out_len);
/* Random bytes through an optional source callback, else libsodium. */
void reed__auth_random(void (*rnd)(void *, uint8_t *, size_t), void *ud,
                       uint8_t *buf, size_t n);
/* 0 if equal, in time independent of the contents. */
int reed__auth_ct_eq(const void *a, const void *b, size_t n);

/* libsodium's argon2id limits for a REED_AUTH_HASH_* level; 0 or
 * REED_EINVAL. */
int reed__auth_limits(int level, unsigned long long *ops, size_t *mem);

/* ---- Names (ASCII casemapping, as the model's) ----------------------------
 */
int reed__auth_casecmp(const char *a, const char *b);
void reed__auth_fold(char *dst, const char *src, size_t size);

/* Registration's email: NULL, "" and "*" (IRC's account-registration says
 * "*" for none) set *out to NULL; an address the store accepts
 * (reed_store_email_valid) is passed through. 0 or REED_EINVAL. */
int reed__auth_email(const char *email, const char **out);

/* ---- SASL ------------------------------------------------------------------
 */
enum {
  REED__SASL_START = 0,
  REED__SASL_WAIT_FINAL, /* SCRAM: server-first sent */
  REED__SASL_DONE,       /* success or PLAIN credentials handed over */
  REED__SASL_FAILED,
};

typedef struct reed__scram_state_s {
  reed_scram_hash_t hash;
  bool plus;                    /* a -PLUS mechanism */
  char *gs2;                    /* gs2 header as the client sent it, "n,," */
  size_t gs2_len;               /* (for the c= check) */
  uint8_t cb[REED_SASL_CB_MAX]; /* binding data after "p=", with gs2 in c= */
  size_t cb_len;
  char *first_bare;   /* client-first-message-bare */
  char *server_first; /* server-first-message */
  char *nonce;        /* client nonce + server nonce */
  reed_auth_scram_t keys;
  bool known; /* false: simulated exchange for an unknown name */
} reed__scram_state_t;

struct reed_sasl_s {
  reed_sasl_mech_t mech;
  int state;
  reed_sasl_source_t src;
  const char *why;
  char cert_fp[REED_CERT_FP_LEN + 1];
  char account[REED_AUTH_NAME_MAX + 1];
  char *authcid;
  char *password;
  size_t password_len;
  reed__scram_state_t scram;
  reed_sasl_cbind_t cbind; /* zeroed: none */
  int fast_index;          /* HT: the token that matched, or -1 */
  char *fast_client;       /* HT: whose tokens, or NULL */
  /* Set when the portal made this exchange. */
  reed_portal_t *portal;
  char *ip;
  reed_buf_t *success_out; /* a slowed SCRAM success's "v=..." */
};

/* Ends the exchange with `rc` and a reason; returns rc. */
int reed__sasl_fail(reed_sasl_t *s, int rc, const char *why);
int reed__sasl_plain_step(reed_sasl_t *s, const uint8_t *in, size_t len);
int reed__sasl_scram_step(reed_sasl_t *s, const uint8_t *in, size_t len,
                          reed_buf_t **out);
void reed__sasl_scram_cleanup(reed_sasl_t *s);
int reed__sasl_external_step(reed_sasl_t *s, const uint8_t *in, size_t len);
int reed__sasl_ht_step(reed_sasl_t *s, const uint8_t *in, size_t len,
                       reed_buf_t **out);
/* The exchange's channel binding data of `type` into out (REED_SASL_CB_MAX
 * bytes): 0, or it ends the exchange with REED_EINVAL and a reason
 * (tls-unique, an unknown type, no data). */
int reed__sasl_cb_data(reed_sasl_t *s, const char *type, uint8_t *out,
                       size_t *len);
/* True for the mechanisms that need reed_sasl_new_cb's channel binding
 * (the -PLUS and HT ones). */
bool reed__sasl_mech_binds(reed_sasl_mech_t mech);

/* ---- Throttle table (throttle.c) -------------------------------------------
 * Counters by key in a fixed window that starts when the key is first
 * counted. At most `max` keys: expired ones go first, then the oldest. */
typedef struct reed__throttle_s reed__throttle_t;

typedef struct reed__tcount_s {
  uint64_t start;  /* when this window began */
  unsigned count;  /* failures in it */
  unsigned logged; /* REED__TLOG_* decisions already logged in it */
  uint64_t tat;    /* registration throttle: when the bucket is full */
} reed__tcount_t;

enum { REED__TLOG_DELAY = 1, REED__TLOG_REFUSE = 2 };

/* `seed` is crypto_shorthash_KEYBYTES (16) random bytes. 0 or
 * REED_ENOMEM. */
int reed__throttle_new(uint64_t window_ms, size_t max, const uint8_t *seed,
                       reed__throttle_t **out);
void reed__throttle_free(reed__throttle_t *t);
/* New window and cap (0 keeps the current one); evicts down to the cap. */
void reed__throttle_set(reed__throttle_t *t, uint64_t window_ms, size_t max);
/* The key's counter in a window that has not passed, or NULL. Valid until
 * the next call on the table. */
reed__tcount_t *reed__throttle_get(reed__throttle_t *t, const char *key,
                                   uint64_t now);
/* The same, making a zeroed counter when there is none; NULL on no
 * memory. */
reed__tcount_t *reed__throttle_touch(reed__throttle_t *t, const char *key,
                                     uint64_t now);
void reed__throttle_clear(reed__throttle_t *t, const char *key);
/* Restarts the key's window at `now` (it becomes the newest): a table
 * whose keys live for a while after their last use. */
void reed__throttle_renew(reed__throttle_t *t, const char *key, uint64_t now);
size_t reed__throttle_size(const reed__throttle_t *t);

/* ---- Address groups (throttle_addr.c) --------------------------------------
 * The throttle's notion of "one address": an IPv4 address as is (also when
 * written IPv4-mapped), an IPv6 address by its /64 (one subscriber's
 * prefix: "2001:db8:1:2::/64"), anything else ("unix", a name) as given;
 * NULL or "" is "-". Writes at most REED__ADDR_GROUP_MAX bytes. */
#define REED__ADDR_GROUP_MAX 64
void reed__auth_addr_group(const char *ip, char out[REED__ADDR_GROUP_MAX]);

#endif
