/* GET /.well-known/acme-challenge/<token>: the ACME http-01 challenge
 * (RFC 8555 section 8.3). The answer is the key authorization the
 * server's ACME client holds for the token (env->host->acme_http01), as
 * application/octet-stream; any other token, or no ACME client, is 404.
 * Served on every HTTP listener, plain or TLS, to any client: the CA's
 * validation comes from anywhere. */
#include "http_int.h"

#include <string.h>

#define PREFIX "/.well-known/acme-challenge/"

/* A token is base64url (section 8.1), without padding; 128 bits of
 * entropy or more, so longer than 21 characters. */
static bool
token_ok(const char *t)
{
  size_t n = strlen(t);

  if (n < 16 || n > 256)
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = t[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  }
  return true;
}

int
reed__http_acme_challenge(const reed_http_req_t *req, reed_http_res_t *res)
{
  const reed_host_t *host = req->env->host;
  const char *token = req->path + strlen(PREFIX);
  const char *answer = NULL;
  reed_buf_t *body;
  size_t len;
  int rc;

  if (strncmp(req->path, PREFIX, strlen(PREFIX)) != 0)
    return reed_http_error(res, 404, "Not Found");
  if (token_ok(token) && host != NULL && host->acme_http01 != NULL)
    answer = host->acme_http01(host->ud, token);
  if (answer == NULL)
    return reed_http_error(res, 404, "Not Found");
  len = strlen(answer);
  if ((body = reed_buf_new(len)) == NULL)
    return REED_ENOMEM;
  memcpy(body->data, answer, len);
  body->len = len;
  rc = reed_http_respond(res, 200, "application/octet-stream", body);
  reed_buf_unref(body);
  return rc;
}
