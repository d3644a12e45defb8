/* Internal to server/acme: the pieces of the ACME client.
 *   jws.c    base64url, the account key's JWK and thumbprint, ES256 JWS,
 *            the http-01 key authorization (pure)
 *   keys.c   keys, CSR and certificate files in the data directory
 *   sched.c  renewal time, backoff, delays (pure arithmetic)
 *   ari.c    renewal information (RFC 9773): when the CA wants a renewal
 *   http.c   HTTPS requests through libcurl's multi-socket interface,
 *            driven by the libuv loop (uv_poll and the net's clock)
 *   flow.c   RFC 8555's exchange: directory, nonce, account, order,
 *            authorizations, challenge, finalize, certificate
 *   acme.c   the client's life: stored certificate, schedule, install */
#ifndef REED_ACME_INT_H
#define REED_ACME_INT_H

#include "acme.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Sleeps longer than a day are cut into days, so a suspended machine or a
 * clock change is noticed. */
#define REED_ACME_MAX_SLEEP_S (24 * 3600)
/* Bounds of one exchange: polls of an authorization or order, bad-nonce
 * retries of one request, bytes of a response body. */
#define REED_ACME_MAX_POLLS 60
#define REED_ACME_MAX_NONCE_RETRIES 5
#define REED_ACME_MAX_BODY (1u << 20)
#define REED_ACME_MAX_NAMES 100

/* ---- jws.c ---- */
/* base64url without padding (RFC 4648 section 5); reed_free it. */
char *reed__acme_b64url(const uint8_t *in, size_t len);
/* The public JWK of a P-256 key (RFC 7518 section 6.2.1). */
json_t *reed__acme_jwk(const EVP_PKEY *key);
/* RFC 7638 thumbprint, base64url of SHA-256: 43 characters; reed_free. */
char *reed__acme_thumbprint(const EVP_PKEY *key);
/* token "." thumbprint (RFC 8555 section 8.1); reed_free it. */
char *reed__acme_key_authz(const char *token, const char *thumbprint);
/* The flattened JWS of `payload` (NULL: POST-as-GET's empty payload),
 * with `kid` or, when NULL, the key's JWK; reed_free it. NULL on error. */
char *reed__acme_jws(EVP_PKEY *key, const char *kid, const char *nonce,
                     const char *url, const char *payload);
/* Compact JSON, keys sorted; reed_free it. */
char *reed__acme_dump(const json_t *j);

/* ---- keys.c ---- */
/* Writes through PATH.tmp (created with `mode`), fsync, rename. 0,
 * REED_EINVAL or REED_EIO. */
int reed__acme_write_file(const char *path, const void *data, size_t len,
                          mode_t mode);
int reed__acme_write_key(const char *path, EVP_PKEY *key);
EVP_PKEY *reed__acme_load_key(const char *path);
/* The account key at `path`, made (and written 0600) when missing. A file
 * that is not an EC P-256 key is REED_ETLS and left alone. */
int reed__acme_account_key(const char *path, EVP_PKEY **out, bool *created);
/* base64url DER of a CSR for `names` (the first also the CN). */
char *reed__acme_csr(EVP_PKEY *key, char *const *names, size_t n);
typedef struct reed_acme_certinfo_s {
  int64_t not_before, not_after; /* Unix seconds */
  bool covers;                   /* its names include every configured one */
  char serial[80];               /* hex */
} reed_acme_certinfo_t;
/* Reads the first certificate of `cert` and checks `key` is its key. 0,
 * REED_ENOTFOUND (no file) or REED_ETLS (unusable). */
int reed__acme_cert_info(const char *cert, const char *key, char *const *names,
                         size_t n, reed_acme_certinfo_t *info);

/* ---- sched.c ---- */
/* not_before + fraction of the lifetime. */
int64_t reed__acme_renew_at(int64_t not_before, int64_t not_after,
                            double fraction);
/* min_ms doubled per failure after the first, at most max_ms. */
uint64_t reed__acme_backoff_ms(unsigned failures, uint64_t min_ms,
                               uint64_t max_ms);
/* Milliseconds from now to at (0 when past), at most a day. */
uint64_t reed__acme_delay_ms(int64_t now, int64_t at);

/* ---- http.c ---- */
typedef struct reed_acme_http_s reed_acme_http_t;
typedef struct reed_acme_resp_s {
  long status; /* 0: no response (err says why) */
  const char *body;
  size_t len;
  const char *location, *nonce, *retry_after, *content_type; /* or NULL */
  const char *err;
} reed_acme_resp_t;
/* The response is valid for the call only. */
typedef void (*reed_acme_http_cb)(void *ud, const reed_acme_resp_t *res);
int reed__acme_http_new(struct uv_loop_s *loop, reed_clock_t *clock,
                        const char *ca_file, reed_acme_http_t **out);
/* Cancels what is in flight (no callback) and frees. */
void reed__acme_http_free(reed_acme_http_t *h);
/* GET (body NULL), HEAD ("HEAD") or POST of application/jose+json. */
int reed__acme_http_request(reed_acme_http_t *h, const char *method,
                            const char *url, const char *body,
                            reed_acme_http_cb cb, void *ud);

/* ---- ari.c (RFC 9773) ---- */
/* The ARI certificate identifier of the certificate in `cert_path`:
 * base64url(AKI keyIdentifier) "." base64url(serial's DER value); NULL
 * when it has no AKI. reed_free it. */
char *reed__acme_cert_id(const char *cert_path);
/* Unix seconds of an RFC 3339 UTC time ("2025-01-02T03:04:05Z", fraction
 * allowed), or -1. */
int64_t reed__acme_rfc3339(const char *s);
/* A time in [start, end] from the random r (RFC 9773 section 4.2). */
int64_t reed__acme_ari_pick(int64_t start, int64_t end, uint32_t r);

/* ---- the client (acme.c and flow.c) ---- */
typedef struct reed_acme_token_s {
  char *token, *authz; /* the key authorization served for it */
} reed_acme_token_t;

struct reed_acme_s {
  reed_acme_opts_t o;
  /* A copy of the config: the config may be freed by a reload. */
  char *directory, *ca_file;
  char **contact, **names;
  size_t n_contact, n_names;
  double fraction;
  uint64_t retry_min, retry_max;
  char account_path[4200], key_path[4200], cert_path[4200];

  EVP_PKEY *account_key;
  char *thumbprint;
  reed_acme_http_t *http;
  uint64_t timer;
  unsigned failures;
  bool have_cert; /* cert_path holds a usable certificate for the names */
  /* cert_path holds one its key matches, not expired, maybe for other
   * names (the config changed): it serves until a new one comes. */
  bool usable;
  reed_acme_certinfo_t cert;

  /* Renewal information (ari.c): the directory's renewalInfo URL once
   * read (ari_known: read, NULL when the CA has none), a request in
   * flight, the next check, and the time the CA's window chose (0: none). */
  char *ari_url;
  bool ari_known, ari_busy;
  uint64_t ari_timer;
  int64_t ari_at;

  /* The exchange in progress (flow.c). */
  bool busy;
  char *url_nonce, *url_account, *url_order; /* from the directory */
  char *nonce, *kid;
  char *order_url, *finalize_url, *cert_url;
  char **authz;
  size_t n_authz, next_authz;
  reed_acme_token_t tokens[REED_ACME_MAX_NAMES];
  size_t n_tokens;
  EVP_PKEY *cert_key;
  unsigned polls;
  uint64_t poll_timer;
  void (*poll_next)(reed_acme_t *a);
  bool responded; /* the current authorization's challenge was posted */
  /* The signed request being made, kept for a bad-nonce retry. */
  char *post_url, *post_payload;
  bool post_as_get;
  bool post_by_key; /* newAccount: the JWK in the header, not the kid */
  const char *step; /* what is being done, for the log */
  void (*on_post)(reed_acme_t *a, const reed_acme_resp_t *res, json_t *body);
  unsigned nonce_retries;
};

/* ari.c: asks the CA when to renew the certificate held (when it has
 * renewal information); the answer comes to reed__acme_ari_window. */
void reed__acme_ari_check(reed_acme_t *a);
void reed__acme_ari_stop(reed_acme_t *a);
/* acme.c: the CA's window chose `at` for the renewal. */
void reed__acme_ari_window(reed_acme_t *a, int64_t at);

/* flow.c: starts an exchange that ends in reed__acme_done(a, ok). */
void reed__acme_flow_start(reed_acme_t *a);
void reed__acme_flow_reset(reed_acme_t *a);
/* acme.c: the exchange ended; the certificate is in key_path/cert_path
 * when ok. */
void reed__acme_done(reed_acme_t *a, bool ok);

#endif
