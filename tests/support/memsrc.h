/* The one in-memory credential source of the tests (auth, IRC, AMP and the
 * protocol world): a reed_credsrc_t over a small table, with every hook
 * (get, create, set, del, certificates), counters and an injectable get
 * failure, so a test sees what the portal asked of its source. */
#ifndef REED_TEST_MEMSRC_H
#define REED_TEST_MEMSRC_H

#include "auth.h"

#include <stdbool.h>

#define MEMSRC_ACCOUNTS 16

typedef struct mem_account_s {
  bool used;
  reed_creds_t creds;
  char email[64];
  char fp[REED_CERT_FP_LEN + 1]; /* one certificate, "" for none */
} mem_account_t;

typedef struct memsrc_s {
  mem_account_t acc[MEMSRC_ACCOUNTS];
  int gets, creates, sets;
  int fail_get; /* a code get returns instead (0: none) */
} memsrc_t;

/* Zeroes `m` and points `src` at it. */
void memsrc_init(memsrc_t *m, reed_credsrc_t *src);
/* Adds an account with the password's real credentials at the minimum
 * hash cost (fixed salts). Not counted in `creates`. */
void memsrc_add(memsrc_t *m, const char *name, const char *password);
/* The account named `name` (any case), or NULL. */
mem_account_t *memsrc_find(memsrc_t *m, const char *name);
/* Registers certificate fingerprint `fp` (lowercase hex) for an account
 * added before. */
void memsrc_cert(memsrc_t *m, const char *name, const char *fp);

#endif
