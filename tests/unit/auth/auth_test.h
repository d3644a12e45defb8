/* Shared fixtures of the auth tests: an in-memory credential source, a
 * SCRAM client written from RFC 5802 over OpenSSL (independent of auth's
 * own helpers), and small byte helpers. */
#ifndef REED_AUTH_TEST_H
#define REED_AUTH_TEST_H

#include "auth.h"

#define MEM_ACCOUNTS 8

typedef struct mem_account_s {
  bool used;
  reed_creds_t creds;
  char email[64];
  char fp[REED_CERT_FP_LEN + 1];
} mem_account_t;

typedef struct memsrc_s {
  mem_account_t acc[MEM_ACCOUNTS];
  int gets, creates, sets;
  int fail_get; /* a code get returns instead (0: none) */
} memsrc_t;

/* A credential source over `m` (zeroed first). */
void memsrc_init(memsrc_t *m, reed_credsrc_t *src);
/* Adds an account with the password's real credentials (min cost). */
void memsrc_add(memsrc_t *m, const char *name, const char *password);
mem_account_t *memsrc_find(memsrc_t *m, const char *name);

/* A SCRAM client: builds client-final for `password` from the messages so
 * far, and the server signature it expects. Returns a malloc'd string. */
char *scram_client_final(reed_scram_hash_t h, const char *password,
                         const char *client_first_bare,
                         const char *server_first, const char *cbind_b64,
                         char *expect_v, size_t expect_size);

/* A buffer's bytes as a NUL-terminated string (static storage). */
const char *buf_str(const reed_buf_t *b);

/* Base64 decode of a known-good string, for the RFC salts. */
size_t unb64(const char *in, uint8_t *out, size_t max);

#endif
