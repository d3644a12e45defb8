/* The scripted HTTP of fake_http.h: reed__acme_http_* as the flow calls
 * them, recording one request at a time. */
#include "fake_http.h"
#include "harness.h"

#include <openssl/evp.h>

fh_req_t fh_req;
unsigned fh_requests;
static int fake;

int
reed__acme_http_new(struct uv_loop_s *loop, reed_clock_t *clock,
                    const char *ca_file, reed_acme_http_t **out)
{
  REED_UNUSED(loop);
  REED_UNUSED(clock);
  REED_UNUSED(ca_file);
  *out = (reed_acme_http_t *)&fake;
  return 0;
}

void
reed__acme_http_free(reed_acme_http_t *h)
{
  REED_UNUSED(h);
  reed_free(fh_req.body);
  memset(&fh_req, 0, sizeof(fh_req));
}

int
reed__acme_http_request(reed_acme_http_t *h, const char *method,
                        const char *url, const char *body, reed_acme_http_cb cb,
                        void *ud)
{
  REED_UNUSED(h);
  ASSERT(!fh_req.pending); /* the flow makes one request at a time */
  snprintf(fh_req.method, sizeof(fh_req.method), "%s",
           method ? method : (body ? "POST" : "GET"));
  snprintf(fh_req.url, sizeof(fh_req.url), "%s", url);
  fh_req.body = body ? reed_strdup(body) : NULL;
  fh_req.cb = cb;
  fh_req.ud = ud;
  fh_req.pending = true;
  fh_requests++;
  return 0;
}

void
fh_answer(long status, const char *content_type, const char *location,
          const char *nonce, const char *retry_after, const char *body)
{
  fh_req_t r = fh_req;
  reed_acme_resp_t res = {
      .status = status,
      .body = body ? body : "",
      .len = body ? strlen(body) : 0,
      .content_type = content_type,
      .location = location,
      .nonce = nonce,
      .retry_after = retry_after,
      .err = status == 0 ? "Couldn't connect to server" : "",
  };

  ASSERT(fh_req.pending);
  memset(&fh_req, 0, sizeof(fh_req));
  r.cb(r.ud, &res);
  reed_free(r.body);
}

static json_t *
decode(const char *b64)
{
  char std[8192];
  uint8_t out[8192];
  size_t n = strlen(b64), i;
  int len;

  ASSERT(n < sizeof(std) - 4);
  for (i = 0; i < n; i++)
    std[i] = b64[i] == '-' ? '+' : b64[i] == '_' ? '/' : b64[i];
  while (i % 4 != 0)
    std[i++] = '=';
  std[i] = '\0';
  len = EVP_DecodeBlock(out, (const uint8_t *)std, (int)i);
  ASSERT(len >= 0);
  len -= n % 4 == 2 ? 2 : n % 4 == 3 ? 1 : 0;
  if (len == 0)
    return NULL; /* POST-as-GET */
  return json_loadb((const char *)out, (size_t)len, 0, NULL);
}

void
fh_jws(const char *url, json_t **header, json_t **payload)
{
  json_t *j;

  ASSERT(fh_req.pending);
  ASSERT_STR_EQ(fh_req.method, "POST");
  ASSERT_STR_EQ(fh_req.url, url);
  j = json_loads(fh_req.body, 0, NULL);
  ASSERT(j != NULL);
  *header = decode(json_string_value(json_object_get(j, "protected")));
  *payload = decode(json_string_value(json_object_get(j, "payload")));
  ASSERT(*header != NULL);
  json_decref(j);
}
