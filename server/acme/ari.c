/* ACME Renewal Information (ARI, RFC 9773): when the CA's directory has
 * `renewalInfo`, the client asks it, for the certificate it holds, when to
 * renew: GET <renewalInfo>/<certID> answers a suggestedWindow, and the
 * renewal moves to a random time inside it when that is earlier than the
 * lifetime fraction (a CA revoking early says so here). Asked after each
 * new certificate and at start, then again after the answer's Retry-After
 * (between 1 hour and a day; 6 hours without one). Unsigned GETs, one at
 * a time, never while an exchange runs. */
#define _GNU_SOURCE /* strptime */
#include "acme_int.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ARI_DEFAULT_S (6 * 3600)
#define ARI_MIN_S 3600
#define ARI_MAX_S (24 * 3600)

char *
reed__acme_cert_id(const char *cert_path)
{
  FILE *f = fopen(cert_path, "r");
  X509 *x = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
  const ASN1_OCTET_STRING *aki = x ? X509_get0_authority_key_id(x) : NULL;
  const ASN1_INTEGER *sn = x ? X509_get0_serialNumber(x) : NULL;
  uint8_t *der = NULL;
  int len = sn != NULL ? i2d_ASN1_INTEGER(sn, &der) : -1;
  char *k = NULL, *s = NULL, *out = NULL;

  if (f != NULL)
    fclose(f);
  /* The serial's DER without its tag and (short) length. */
  if (aki != NULL && len > 2 && len < 128) {
    k = reed__acme_b64url(ASN1_STRING_get0_data(aki),
                          (size_t)ASN1_STRING_length(aki));
    s = reed__acme_b64url(der + 2, (size_t)len - 2);
  }
  if (k != NULL && s != NULL && (out = reed_malloc(strlen(k) + strlen(s) + 2)))
    sprintf(out, "%s.%s", k, s);
  reed_free(k);
  reed_free(s);
  OPENSSL_free(der);
  X509_free(x);
  ERR_clear_error();
  return out;
}

int64_t
reed__acme_rfc3339(const char *s)
{
  struct tm tm;
  const char *rest;

  memset(&tm, 0, sizeof(tm));
  if (s == NULL || (rest = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL)
    return -1;
  if (*rest == '.')
    for (rest++; *rest >= '0' && *rest <= '9'; rest++)
      ;
  if (strcmp(rest, "Z") != 0 && strcmp(rest, "z") != 0 &&
      strcmp(rest, "+00:00") != 0)
    return -1; /* only UTC, as RFC 9773's examples and CAs send */
  return (int64_t)timegm(&tm);
}

int64_t
reed__acme_ari_pick(int64_t start, int64_t end, uint32_t r)
{
  if (end <= start)
    return start;
  return start + (int64_t)(r % (uint64_t)(end - start + 1));
}

static void ari_fired(void *arg);

static void
ari_again(reed_acme_t *a, const char *retry_after)
{
  long s = retry_after != NULL ? strtol(retry_after, NULL, 10) : 0;

  if (s <= 0)
    s = ARI_DEFAULT_S;
  s = s < ARI_MIN_S ? ARI_MIN_S : s > ARI_MAX_S ? ARI_MAX_S : s;
  a->ari_timer =
      a->o.clock->call_later(a->o.clock->c, (uint64_t)s * 1000u, ari_fired, a);
}

static void
on_renewal_info(void *ud, const reed_acme_resp_t *res)
{
  reed_acme_t *a = ud;
  json_t *j =
      res->status == 200 ? json_loadb(res->body, res->len, 0, NULL) : NULL;
  json_t *w = json_object_get(j, "suggestedWindow");
  int64_t start =
      reed__acme_rfc3339(json_string_value(json_object_get(w, "start")));
  int64_t end =
      reed__acme_rfc3339(json_string_value(json_object_get(w, "end")));
  uint32_t r = 0;

  a->ari_busy = false;
  if (start < 0 || end < start) {
    reed_log(a->o.log, REED_LOG_WARN,
             "acme: renewal information unusable (HTTP %ld%s%s)", res->status,
             res->status ? "" : ": ", res->status ? "" : res->err);
  } else {
    RAND_bytes((uint8_t *)&r, sizeof(r));
    reed__acme_ari_window(a, reed__acme_ari_pick(start, end, r));
  }
  json_decref(j);
  ari_again(a, res->retry_after);
}

static void
ask(reed_acme_t *a)
{
  char *id = reed__acme_cert_id(a->cert_path), *url = NULL;
  size_t n;

  if (id != NULL &&
      (url = reed_malloc((n = strlen(a->ari_url) + strlen(id) + 2))) != NULL)
    snprintf(url, n, "%s%s%s", a->ari_url,
             a->ari_url[strlen(a->ari_url) - 1] == '/' ? "" : "/", id);
  if (url != NULL && reed__acme_http_request(a->http, NULL, url, NULL,
                                             on_renewal_info, a) == 0)
    a->ari_busy = true;
  else
    ari_again(a, NULL);
  reed_free(id);
  reed_free(url);
}

static void
on_ari_directory(void *ud, const reed_acme_resp_t *res)
{
  reed_acme_t *a = ud;
  json_t *dir =
      res->status == 200 ? json_loadb(res->body, res->len, 0, NULL) : NULL;
  const char *url = json_string_value(json_object_get(dir, "renewalInfo"));

  a->ari_busy = false;
  a->ari_known = dir != NULL;
  reed_free(a->ari_url);
  a->ari_url = url != NULL ? reed_strdup(url) : NULL;
  json_decref(dir);
  if (a->ari_url != NULL)
    ask(a);
  else if (!a->ari_known)
    ari_again(a, NULL); /* the directory could not be read: later */
}

static void
ari_fired(void *arg)
{
  reed_acme_t *a = arg;

  a->ari_timer = 0;
  reed__acme_ari_check(a);
}

void
reed__acme_ari_check(reed_acme_t *a)
{
  if (a->ari_timer != 0)
    a->o.clock->cancel(a->o.clock->c, a->ari_timer);
  a->ari_timer = 0;
  if (!a->have_cert || a->ari_busy)
    return;
  if (a->busy) { /* an exchange runs: after it */
    ari_again(a, NULL);
    return;
  }
  if (a->ari_known && a->ari_url == NULL)
    return; /* the CA has no renewal information */
  if (a->ari_url != NULL) {
    ask(a);
    return;
  }
  if (reed__acme_http_request(a->http, NULL, a->directory, NULL,
                              on_ari_directory, a) == 0)
    a->ari_busy = true;
  else
    ari_again(a, NULL);
}

void
reed__acme_ari_stop(reed_acme_t *a)
{
  if (a->ari_timer != 0)
    a->o.clock->cancel(a->o.clock->c, a->ari_timer);
  a->ari_timer = 0;
  reed_free(a->ari_url);
  a->ari_url = NULL;
}
