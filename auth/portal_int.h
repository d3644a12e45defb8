/* The portal's private state and its worker jobs, shared by portal.c,
 * portal_account.c and portal_sasl.c. */
#ifndef REED_PORTAL_INT_H
#define REED_PORTAL_INT_H

#include "auth_int.h"

typedef enum {
  REED__JOB_VERIFY,
  REED__JOB_REGISTER,
  REED__JOB_PASSWD,
  REED__JOB_ANSWER, /* a slowed verdict: rc and creds.account, no work */
} reed__job_kind_t;

/* One request on the worker, or waiting on the clock (`timer`) before it
 * goes there or is answered. `work` touches only the fields it owns
 * (password, pwhash, level, salts -> rc, creds); everything else is the
 * loop's. `portal` is NULL once the portal is gone (orphaned). */
typedef struct reed__job_s {
  reed__job_kind_t kind;
  reed_portal_t *portal;
  struct reed__job_s *prev, *next;
  uint64_t req_id;
  reed_portal_cb cb;
  void *ud;
  bool cancelled;
  uint64_t timer; /* clock id while slowed, else 0 */
  bool known;     /* VERIFY: the account exists */
  int method;     /* VERIFY: what the login counts as (auth.h) */
  char name[REED_AUTH_NAME_MAX * 8 + 1];
  char ip[64];
  char *email;
  char *password;
  size_t password_len;
  char pwhash[REED_PWHASH_STRLEN];
  int level;
  uint8_t salt256[REED_SCRAM_SALT_LEN], salt1[REED_SCRAM_SALT_LEN];
  int rc;
  reed_creds_t creds;
} reed__job_t;

struct reed_portal_s {
  reed_credsrc_t creds;
  reed_worker_t *worker;
  reed_clock_t *clock;
  reed_log_t *log;
  reed_model_t *model;
  bool registration_open;
  int hash_level;
  size_t password_min;
  char dummy_hash[REED_PWHASH_STRLEN];
  uint8_t secret[32];
  void (*random)(void *ud, uint8_t *buf, size_t n);
  void *random_ud;
  reed_sasl_fast_token_fn fast_token; /* HT's token lookup, or NULL */
  void *fast_token_ud;
  reed_portal_throttle_t tf;    /* the figures, defaults filled in */
  reed__throttle_t *pairs;      /* "address\naccount" */
  reed__throttle_t *addrs;      /* address group */
  reed__throttle_t *accts;      /* folded account name */
  reed_portal_regthrottle_t rf; /* registration limits */
  reed__throttle_t *regs;       /* address group -> bucket (tat) */
  uint64_t reg_tat;             /* the server's bucket */
  unsigned reg_logged;          /* its refusal was logged */
  reed__job_t *jobs;
  size_t n_jobs;
  reed_portal_stats_t stats;
};

/* A job with the common fields set; NULL on no memory. */
reed__job_t *reed__portal_job_new(reed_portal_t *p, reed__job_kind_t kind,
                                  const char *name, const char *password,
                                  size_t len, reed_portal_cb cb, void *ud,
                                  uint64_t req_id);
void reed__portal_job_free(reed__job_t *j);
/* Links the job and hands it to the worker; frees it on failure. */
int reed__portal_job_submit(reed_portal_t *p, reed__job_t *j);
/* Links the job and starts it after `ms` on the clock: a VERIFY goes to
 * the worker then, an ANSWER calls back. Frees it on failure. */
int reed__portal_job_later(reed_portal_t *p, reed__job_t *j, uint64_t ms);
void reed__portal_random(void *ud, uint8_t *buf, size_t n);
uint64_t reed__portal_now(const reed_portal_t *p);
/* The realm: makes sure the model knows the account (it may have been
 * added by the CLI while the server runs). */
void reed__portal_realm(reed_portal_t *p, const char *account);
/* True when the model already knows the name (any case). */
bool reed__portal_model_has(reed_portal_t *p, const char *name);
/* ---- Throttle policy (portal_throttle.c) ----------------------------------
 * See reed_portal_throttle_t. */
typedef struct reed__verdict_s {
  bool refused;
  uint64_t delay_ms; /* when not refused: how long to hold the answer */
} reed__verdict_t;

/* Fills unset figures with defaults. */
void reed__portal_throttle_defaults(reed_portal_throttle_t *t);
int reed__portal_throttle_new(reed_portal_t *p);
void reed__portal_throttle_free(reed_portal_t *p);
/* The verdict for an attempt at `name` (NULL: not known yet, only the
 * address counts) from `ip`; logs it once per window. */
reed__verdict_t reed__portal_verdict(reed_portal_t *p, const char *name,
                                     const char *ip);
/* Counts a failure (name may be NULL) and logs it. */
void reed__portal_failed(reed_portal_t *p, const char *name, const char *ip,
                         const char *why);
/* Forgets the failures of (name, ip). */
void reed__portal_succeeded(reed_portal_t *p, const char *name, const char *ip);
/* ---- Registration throttle (portal_regthrottle.c) ---------------------- */
int reed__portal_reg_new(reed_portal_t *p, const reed_portal_regthrottle_t *r);
void reed__portal_reg_free(reed_portal_t *p);
/* 0 (a token taken from the address's bucket and the server's) or
 * REED_EREGTHROTTLED (logged once while it lasts). */
int reed__portal_reg_admit(reed_portal_t *p, const char *ip);
/* Counts one login outcome (REED_LOGIN_*) of `method`. */
void reed__portal_count(reed_portal_t *p, int method, int result);
/* reed_portal_login_password counted as `method` (SASL PLAIN's). */
int reed__portal_login_password(reed_portal_t *p, int method, const char *name,
                                const char *password, size_t len,
                                const char *ip, reed_portal_cb cb, void *ud,
                                uint64_t req_id);
/* Finishes REGISTER and PASSWD jobs on the loop (portal_account.c). */
void reed__portal_account_done(reed__job_t *j);

#endif
