/* reed's ACME client (RFC 8555): obtains a certificate for the [acme]
 * names with the http-01 challenge, stores it in the data directory,
 * renews it at a fraction of its lifetime (two thirds by default) or
 * earlier when the CA's renewal information (RFC 9773) says so, and
 * retries failures with exponential backoff while the old certificate
 * serves. It runs on the server's libuv loop (libcurl's multi-socket
 * interface), with no thread of its own.
 *
 * Files in the data directory: acme-account-key.pem (the account's EC
 * P-256 key, 0600), acme-key.pem (the certificate's key, 0600) and
 * acme-cert.pem (the chain the CA sent, leaf first). */
#ifndef REED_ACME_H
#define REED_ACME_H

#include "base.h"
#include "config.h"

#include <stdbool.h>

struct uv_loop_s;
typedef struct reed_acme_s reed_acme_t;

typedef struct reed_acme_opts_s {
  struct uv_loop_s *loop;
  reed_clock_t *clock; /* the loop's: the schedule and libcurl's timer */
  reed_log_t *log;
  const char *data_dir;    /* copied */
  const char *server_name; /* the name to cover when `names` is empty */
  /* A new certificate is in acme-cert.pem and acme-key.pem: the server
   * loads it on every TLS listener (as SIGHUP does). */
  void (*installed)(void *ud);
  void *ud;
} reed_acme_opts_t;

/* Copies what it needs of `conf`; reads the account key (making it when
 * missing) and the stored certificate. Nothing is sent before
 * reed_acme_start. Returns 0 or one of: REED_ENOMEM, REED_ETLS (a key
 * file that is not usable), REED_EIO (cannot write the key). */
int reed_acme_new(const reed_acme_opts_t *opts, const reed_acme_conf_t *conf,
                  reed_acme_t **out);
/* Obtains a certificate now when none usable is stored, else sleeps until
 * its renewal time. */
void reed_acme_start(reed_acme_t *a);
/* Stops whatever is in flight and frees; the loop must still run for
 * the handles to close. NULL is fine. */
void reed_acme_free(reed_acme_t *a);

/* Whether `conf` is what the client runs with (a reload that keeps it
 * keeps the client). */
bool reed_acme_same_conf(const reed_acme_t *a, const reed_acme_conf_t *conf,
                         const char *server_name);
/* The stored certificate and key when usable (its key's, not expired;
 * for names of an older config too, until a new one comes), else false. */
bool reed_acme_paths(const reed_acme_t *a, const char **cert, const char **key);
/* The key authorization of an http-01 token being answered now, or NULL
 * (reed_host_t.acme_http01). Valid until the next loop turn. */
const char *reed_acme_http01(const reed_acme_t *a, const char *token);

#endif
