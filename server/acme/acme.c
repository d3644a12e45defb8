/* The ACME client's life: its copy of the config, the account key, the
 * stored certificate, and the schedule: an exchange at start when no
 * usable certificate is stored, then one at the renewal time of each new
 * certificate, and after a failure one after an exponential backoff. */
#include "acme_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void
free_list(char **v, size_t n)
{
  for (size_t i = 0; v != NULL && i < n; i++)
    reed_free(v[i]);
  reed_free(v);
}

static char **
copy_list(char *const *v, size_t n, const char *prefix, bool *ok)
{
  char **out = n > 0 ? reed_calloc(n, sizeof(*out)) : NULL;

  *ok = n == 0 || out != NULL;
  for (size_t i = 0; *ok && i < n; i++) {
    size_t len = strlen(prefix) + strlen(v[i]) + 1;
    bool has = strncmp(v[i], prefix, strlen(prefix)) == 0;
    if ((out[i] = reed_malloc(len)) == NULL)
      *ok = false;
    else
      snprintf(out[i], len, "%s%s", has ? "" : prefix, v[i]);
  }
  return out;
}

static int
copy_conf(reed_acme_t *a, const reed_acme_conf_t *c, const char *server_name)
{
  char *const fallback[] = {(char *)server_name};
  bool ok1, ok2;

  a->directory = reed_strdup(c->directory);
  a->ca_file = c->ca_file != NULL ? reed_strdup(c->ca_file) : NULL;
  a->contact = copy_list(c->contact.v, c->contact.n, "mailto:", &ok1);
  a->n_contact = c->contact.n;
  if (c->names.n > 0) {
    a->names = copy_list(c->names.v, c->names.n, "", &ok2);
    a->n_names = c->names.n;
  } else {
    a->names = copy_list(fallback, 1, "", &ok2);
    a->n_names = 1;
  }
  a->fraction = c->renew_fraction;
  a->retry_min = c->retry_min;
  a->retry_max = c->retry_max;
  if (a->directory == NULL || (c->ca_file != NULL && a->ca_file == NULL) ||
      !ok1 || !ok2 || a->n_names > REED_ACME_MAX_NAMES)
    return REED_ENOMEM;
  return 0;
}

static int
paths(reed_acme_t *a, const char *dir)
{
  size_t n = sizeof(a->account_path);

  if ((size_t)snprintf(a->account_path, n, "%s/acme-account-key.pem", dir) >=
          n ||
      (size_t)snprintf(a->key_path, n, "%s/acme-key.pem", dir) >= n ||
      (size_t)snprintf(a->cert_path, n, "%s/acme-cert.pem", dir) >= n)
    return REED_EINVAL;
  return 0;
}

/* Unix seconds on the loop's clock (a test's fake one moves it). */
static int64_t
wall_s(const reed_acme_t *a)
{
  return (int64_t)(a->o.clock->wall_ms(a->o.clock->c) / 1000u);
}

static void
names_text(const reed_acme_t *a, char *out, size_t size)
{
  out[0] = '\0';
  for (size_t i = 0; i < a->n_names; i++) {
    if (i > 0)
      strncat(out, ", ", size - strlen(out) - 1);
    strncat(out, a->names[i], size - strlen(out) - 1);
  }
}

static void
utc_text(int64_t t, char *out, size_t size)
{
  time_t tt = (time_t)t;
  struct tm tm;

  if (gmtime_r(&tt, &tm) == NULL ||
      strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf(out, size, "%lld", (long long)t);
}

/* Reads the stored certificate: usable when it is the key's, lists every
 * name and is not past its end. */
static void
load_stored(reed_acme_t *a)
{
  reed_acme_certinfo_t ci;
  int rc = reed__acme_cert_info(a->cert_path, a->key_path, a->names, a->n_names,
                                &ci);

  a->usable = rc == 0 && ci.not_after > wall_s(a);
  a->have_cert = a->usable && ci.covers;
  if (a->have_cert)
    a->cert = ci;
  else if (rc == 0)
    reed_log(a->o.log, REED_LOG_INFO,
             "acme: the stored certificate %s %s; a new one is needed",
             a->cert_path,
             !a->usable ? "has expired"
                        : "does not cover every name (it serves meanwhile)");
  else if (rc != REED_ENOTFOUND)
    reed_log(a->o.log, REED_LOG_WARN,
             "acme: the stored certificate %s or its key %s is unusable; a new "
             "one is needed",
             a->cert_path, a->key_path);
}

static void timer_fired(void *arg);

static void
arm(reed_acme_t *a, uint64_t ms)
{
  if (a->timer != 0)
    a->o.clock->cancel(a->o.clock->c, a->timer);
  a->timer = a->o.clock->call_later(a->o.clock->c, ms, timer_fired, a);
}

/* The fraction of the lifetime, or the CA's renewal window when earlier. */
static int64_t
renew_time(const reed_acme_t *a)
{
  int64_t at =
      reed__acme_renew_at(a->cert.not_before, a->cert.not_after, a->fraction);

  return a->ari_at > 0 && a->ari_at < at ? a->ari_at : at;
}

/* Sleeps until the renewal time of the certificate held (a day at most,
 * then looks again). */
static void
schedule_renewal(reed_acme_t *a)
{
  int64_t at = renew_time(a);

  arm(a, reed__acme_delay_ms(wall_s(a), at));
}

static void
start_exchange(reed_acme_t *a)
{
  char names[1024];

  names_text(a, names, sizeof(names));
  reed_log(a->o.log, REED_LOG_INFO, "acme: %s a certificate for %s from %s",
           a->have_cert ? "renewing" : "obtaining", names, a->directory);
  reed__acme_flow_start(a);
}

static void
timer_fired(void *arg)
{
  reed_acme_t *a = arg;
  int64_t now = wall_s(a);

  a->timer = 0;
  if (a->busy)
    return;
  if (a->ari_busy) { /* one request at a time: after the answer */
    arm(a, 1000);
    return;
  }
  if (a->failures > 0 || !a->have_cert || now >= renew_time(a))
    start_exchange(a);
  else
    schedule_renewal(a); /* a day's sleep ended early */
}

static void
log_installed(reed_acme_t *a)
{
  char names[1024], until[32], renew[32];

  names_text(a, names, sizeof(names));
  utc_text(a->cert.not_after, until, sizeof(until));
  utc_text(renew_time(a), renew, sizeof(renew));
  reed_log(a->o.log, REED_LOG_INFO,
           "acme: certificate for %s installed: serial %s, valid until %s, "
           "renewal at %s",
           names, a->cert.serial, until, renew);
}

void
reed__acme_done(reed_acme_t *a, bool ok)
{
  uint64_t ms;

  reed__acme_flow_reset(a);
  if (ok) {
    load_stored(a);
    ok = a->have_cert;
  }
  if (ok) {
    a->failures = 0;
    a->ari_at = 0; /* a window was for the certificate replaced */
    if (a->o.installed != NULL)
      a->o.installed(a->o.ud);
    log_installed(a);
    schedule_renewal(a);
    reed__acme_ari_check(a);
    return;
  }
  a->failures++;
  ms = reed__acme_backoff_ms(a->failures, a->retry_min, a->retry_max);
  reed_log(a->o.log, REED_LOG_WARN, "acme: attempt %u failed; next in %llu s%s",
           a->failures, (unsigned long long)(ms / 1000),
           a->usable ? "; the current certificate serves meanwhile" : "");
  arm(a, ms);
}

int
reed_acme_new(const reed_acme_opts_t *opts, const reed_acme_conf_t *conf,
              reed_acme_t **out)
{
  reed_acme_t *a = reed_calloc(1, sizeof(*a));
  bool created = false;
  int rc;

  if (a == NULL)
    return REED_ENOMEM;
  a->o = *opts;
  if ((rc = copy_conf(a, conf, opts->server_name)) != 0 ||
      (rc = paths(a, opts->data_dir)) != 0)
    goto fail;
  rc = reed__acme_account_key(a->account_path, &a->account_key, &created);
  if (rc != 0) {
    reed_log(a->o.log, REED_LOG_ERROR,
             "acme: cannot read or make the account key %s: %s",
             a->account_path, reed_strerror(rc));
    goto fail;
  }
  if (created)
    reed_log(a->o.log, REED_LOG_INFO, "acme: new account key in %s",
             a->account_path);
  a->thumbprint = reed__acme_thumbprint(a->account_key);
  rc = a->thumbprint == NULL
           ? REED_ETLS
           : reed__acme_http_new(opts->loop, opts->clock, a->ca_file, &a->http);
  if (rc != 0)
    goto fail;
  load_stored(a);
  /* Borrowed from a config a reload may free: copied above. */
  a->o.data_dir = a->o.server_name = NULL;
  *out = a;
  return 0;

fail:
  reed_acme_free(a);
  return rc;
}

void
reed_acme_start(reed_acme_t *a)
{
  if (!a->have_cert) {
    arm(a, 0);
    return;
  }
  log_installed(a);
  schedule_renewal(a);
  reed__acme_ari_check(a);
}

void
reed__acme_ari_window(reed_acme_t *a, int64_t at)
{
  char when[32];

  utc_text(at, when, sizeof(when));
  if (at != a->ari_at)
    reed_log(a->o.log, REED_LOG_INFO,
             "acme: the CA's renewal information suggests renewal at %s", when);
  a->ari_at = at;
  if (!a->busy && a->failures == 0)
    schedule_renewal(a);
}

void
reed_acme_free(reed_acme_t *a)
{
  if (a == NULL)
    return;
  reed__acme_flow_reset(a);
  reed__acme_ari_stop(a);
  reed_free(a->kid);
  reed_free(a->nonce);
  if (a->timer != 0)
    a->o.clock->cancel(a->o.clock->c, a->timer);
  reed__acme_http_free(a->http);
  EVP_PKEY_free(a->account_key);
  reed_free(a->thumbprint);
  reed_free(a->directory);
  reed_free(a->ca_file);
  free_list(a->contact, a->n_contact);
  free_list(a->names, a->n_names);
  reed_free(a);
}

static bool
same_list(char **v, size_t n, const reed_strlist_t *l, const char *prefix)
{
  size_t p = strlen(prefix);

  if (l->n != n)
    return false;
  for (size_t i = 0; i < n; i++) {
    const char *mine = strncmp(l->v[i], prefix, p) == 0 ? v[i] : v[i] + p;
    if (strcmp(mine, l->v[i]) != 0)
      return false;
  }
  return true;
}

bool
reed_acme_same_conf(const reed_acme_t *a, const reed_acme_conf_t *c,
                    const char *server_name)
{
  bool names = c->names.n == 0
                   ? a->n_names == 1 && strcmp(a->names[0], server_name) == 0
                   : same_list(a->names, a->n_names, &c->names, "");

  return names && strcmp(a->directory, c->directory) == 0 &&
         (a->ca_file == NULL) == (c->ca_file == NULL) &&
         (a->ca_file == NULL || strcmp(a->ca_file, c->ca_file) == 0) &&
         same_list(a->contact, a->n_contact, &c->contact, "mailto:") &&
         a->fraction == c->renew_fraction && a->retry_min == c->retry_min &&
         a->retry_max == c->retry_max;
}

bool
reed_acme_paths(const reed_acme_t *a, const char **cert, const char **key)
{
  if (a == NULL || !a->usable)
    return false;
  *cert = a->cert_path;
  *key = a->key_path;
  return true;
}

const char *
reed_acme_http01(const reed_acme_t *a, const char *token)
{
  for (size_t i = 0; a != NULL && token != NULL && i < a->n_tokens; i++)
    if (strcmp(a->tokens[i].token, token) == 0)
      return a->tokens[i].authz;
  return NULL;
}
