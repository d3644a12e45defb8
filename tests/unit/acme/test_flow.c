/* The ACME exchange against a scripted CA (fake_http.c, fake_ca.c) on the
 * fake clock: every request's method, URL and signed header checked, the
 * http-01 key authorization served while the challenge is pending, a
 * badNonce retried with the nonce it carries, the problem document
 * logged, the backoff, the files written, and a stored certificate kept
 * at the next start. */
#include "acme_int.h"
#include "fake_ca.h"
#include "fake_clock.h"
#include "fake_http.h"
#include "harness.h"

#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR_URL "https://ca.test/dir"
#define TOKEN "tok-0123456789abcdefghijklmnopqrstuvwxyz_ABC"

static const char dir_json[] =
    "{\"newNonce\":\"https://ca.test/nonce\",\"newAccount\":"
    "\"https://ca.test/acct\",\"newOrder\":\"https://ca.test/order\","
    "\"meta\":{\"termsOfService\":\"https://ca.test/tos\"}}";
static const char json[] = "application/json";
static const char problem[] = "application/problem+json";

typedef struct {
  fake_clock_t fc;
  reed_log_t log;
  char lines[64][512];
  size_t n_lines;
  unsigned installed;
  char dir[64];
  reed_acme_t *acme;
} world_t;

static void
capture(void *ud, int level, const char *line)
{
  world_t *w = ud;

  REED_UNUSED(level);
  if (w->n_lines < 64)
    snprintf(w->lines[w->n_lines++], sizeof(w->lines[0]), "%s", line);
}

static bool
logged(world_t *w, const char *text)
{
  for (size_t i = 0; i < w->n_lines; i++)
    if (strstr(w->lines[i], text) != NULL)
      return true;
  return false;
}

static void
on_installed(void *ud)
{
  ((world_t *)ud)->installed++;
}

static void
start(world_t *w)
{
  char *names[] = {"a.example"}, *contact[] = {"ops@a.example"};
  reed_acme_conf_t conf = {
      .directory = DIR_URL,
      .names = {.v = names, .n = 1},
      .contact = {.v = contact, .n = 1},
      .renew_fraction = 2.0 / 3.0,
      .retry_min = 1000,
      .retry_max = 4000,
  };
  reed_acme_opts_t o = {
      .clock = &w->fc.clock,
      .log = &w->log,
      .data_dir = w->dir,
      .server_name = "srv.example",
      .installed = on_installed,
      .ud = w,
  };

  ASSERT_EQ(reed_acme_new(&o, &conf, &w->acme), 0);
  reed_acme_start(w->acme);
}

static void
setup(world_t *w)
{
  memset(w, 0, sizeof(*w));
  fc_init(&w->fc);
  w->log = (reed_log_t){.emit = capture, .ud = w, .min_level = 0};
  snprintf(w->dir, sizeof(w->dir), "/tmp/reed-acme-flow-XXXXXX");
  ASSERT(mkdtemp(w->dir) != NULL);
  start(w);
}

static void
teardown(world_t *w)
{
  static const char *const files[] = {"acme-account-key.pem", "acme-key.pem",
                                      "acme-cert.pem"};
  char path[128];

  reed_acme_free(w->acme);
  ASSERT_EQ(fc_pending(&w->fc), 0);
  fc_cleanup(&w->fc);
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof(path), "%s/%s", w->dir, files[i]);
    unlink(path);
  }
  rmdir(w->dir);
}

static void
expect(const char *method, const char *url)
{
  ASSERT(fh_req.pending);
  ASSERT_STR_EQ(fh_req.method, method);
  ASSERT_STR_EQ(fh_req.url, url);
}

/* The pending POST: its header's nonce and key (jwk or kid), its payload
 * (NULL for POST-as-GET) handed to the caller. */
static json_t *
expect_post(const char *url, const char *nonce, const char *kid)
{
  json_t *h = NULL, *p = NULL;

  fh_jws(url, &h, &p);
  ASSERT_STR_EQ(json_string_value(json_object_get(h, "alg")), "ES256");
  ASSERT_STR_EQ(json_string_value(json_object_get(h, "nonce")), nonce);
  ASSERT_STR_EQ(json_string_value(json_object_get(h, "url")), url);
  if (kid != NULL) {
    ASSERT_STR_EQ(json_string_value(json_object_get(h, "kid")), kid);
    ASSERT(json_object_get(h, "jwk") == NULL);
  } else {
    ASSERT(json_object_get(h, "jwk") != NULL);
    ASSERT(json_object_get(h, "kid") == NULL);
  }
  json_decref(h);
  return p;
}

/* Directory, nonce and account: up to the new order being sent. */
static void
to_new_order(world_t *w)
{
  json_t *p;

  fc_advance(&w->fc, 0);
  expect("GET", DIR_URL);
  fh_answer(200, json, NULL, NULL, NULL, dir_json);
  expect("HEAD", "https://ca.test/nonce");
  fh_answer(200, NULL, NULL, "n1", NULL, "");
  p = expect_post("https://ca.test/acct", "n1", NULL);
  ASSERT(json_is_true(json_object_get(p, "termsOfServiceAgreed")));
  ASSERT_STR_EQ(
      json_string_value(json_array_get(json_object_get(p, "contact"), 0)),
      "mailto:ops@a.example");
  json_decref(p);
  fh_answer(201, json, "https://ca.test/acct/1", "n2", NULL,
            "{\"status\":\"valid\"}");
}

static void
order_created(void)
{
  json_t *p =
      expect_post("https://ca.test/order", "n2", "https://ca.test/acct/1");
  json_t *id = json_array_get(json_object_get(p, "identifiers"), 0);

  ASSERT_STR_EQ(json_string_value(json_object_get(id, "type")), "dns");
  ASSERT_STR_EQ(json_string_value(json_object_get(id, "value")), "a.example");
  json_decref(p);
  fh_answer(201, json, "https://ca.test/order/1", "n3", NULL,
            "{\"status\":\"pending\",\"authorizations\":"
            "[\"https://ca.test/authz/1\"],\"finalize\":"
            "\"https://ca.test/order/1/fin\"}");
}

static const char authz_pending[] =
    "{\"status\":\"pending\",\"identifier\":{\"type\":\"dns\",\"value\":"
    "\"a.example\"},\"challenges\":[{\"type\":\"dns-01\",\"url\":"
    "\"https://ca.test/chal/0\",\"token\":\"other\",\"status\":\"pending\"},"
    "{\"type\":\"http-01\",\"url\":\"https://ca.test/chal/"
    "1\",\"token\":\"" TOKEN "\",\"status\":\"pending\"}]}";

/* From the order to the certificate installed. */
static void
to_installed(world_t *w)
{
  char *thumb = reed__acme_thumbprint(w->acme->account_key), want[256];
  json_t *p;
  char *chain;
  int64_t now = (int64_t)(w->fc.clock.wall_ms(w->fc.clock.c) / 1000u);

  /* POST-as-GET: an empty payload. */
  ASSERT(expect_post("https://ca.test/authz/1", "n3",
                     "https://ca.test/acct/1") == NULL);
  fh_answer(200, json, NULL, "n4", NULL, authz_pending);
  /* The token is answered from now on. */
  snprintf(want, sizeof(want), "%s.%s", TOKEN, thumb);
  ASSERT_STR_EQ(reed_acme_http01(w->acme, TOKEN), want);
  ASSERT(reed_acme_http01(w->acme, "other") == NULL);
  p = expect_post("https://ca.test/chal/1", "n4", "https://ca.test/acct/1");
  ASSERT_EQ(json_object_size(p), 0); /* {} */
  json_decref(p);
  fh_answer(200, json, NULL, "n5", "3", "{\"status\":\"processing\"}");
  /* Polled after Retry-After. */
  fc_advance(&w->fc, 2999);
  ASSERT(!fh_req.pending);
  fc_advance(&w->fc, 1);
  json_decref(
      expect_post("https://ca.test/authz/1", "n5", "https://ca.test/acct/1"));
  fh_answer(200, json, NULL, "n6", NULL, "{\"status\":\"valid\"}");
  p = expect_post("https://ca.test/order/1/fin", "n6",
                  "https://ca.test/acct/1");
  chain = fca_issue(json_string_value(json_object_get(p, "csr")), now - 10,
                    now + 290);
  json_decref(p);
  fh_answer(200, json, NULL, "n7", NULL, "{\"status\":\"processing\"}");
  fc_advance(&w->fc, 1000);
  json_decref(
      expect_post("https://ca.test/order/1", "n7", "https://ca.test/acct/1"));
  fh_answer(
      200, json, NULL, "n8", NULL,
      "{\"status\":\"valid\",\"certificate\":\"https://ca.test/cert/1\"}");
  json_decref(
      expect_post("https://ca.test/cert/1", "n8", "https://ca.test/acct/1"));
  ASSERT_EQ(w->installed, 0);
  fh_answer(200, "application/pem-certificate-chain", NULL, "n9", NULL, chain);
  free(chain);
  reed_free(thumb);
}

TEST(flow_obtains_and_installs)
{
  world_t w;
  const char *cert, *key;
  struct stat st;

  setup(&w);
  ASSERT(!reed_acme_paths(w.acme, &cert, &key));
  to_new_order(&w);
  order_created();
  to_installed(&w);
  ASSERT_EQ(w.installed, 1);
  /* Renewal information: the CA's directory has none. */
  expect("GET", DIR_URL);
  fh_answer(200, json, NULL, NULL, NULL, dir_json);
  ASSERT(!fh_req.pending);
  ASSERT(reed_acme_paths(w.acme, &cert, &key));
  ASSERT_EQ(stat(key, &st), 0);
  ASSERT_EQ(st.st_mode & 0777, 0600);
  ASSERT_EQ(stat(cert, &st), 0);
  /* The token is no longer answered once the exchange is over. */
  ASSERT(reed_acme_http01(w.acme, TOKEN) == NULL);
  ASSERT(logged(&w, "acme: account https://ca.test/acct/1"));
  ASSERT(logged(&w, "acme: certificate for a.example installed: serial "));
  /* Renewal at two thirds of 300 s: 200 s after notBefore, 190 s from
   * now (the clock's one-second ticks aside). */
  ASSERT_EQ(fc_pending(&w.fc), 1);
  fc_advance(&w.fc, 180 * 1000);
  ASSERT(!fh_req.pending);
  fc_advance(&w.fc, 20 * 1000);
  expect("GET", DIR_URL);
  ASSERT(logged(&w, "acme: renewing a certificate for a.example"));
  teardown(&w);
}

TEST(flow_bad_nonce_retried)
{
  world_t w;

  setup(&w);
  to_new_order(&w);
  for (int i = 0; i < 2; i++) {
    char bad[8];
    snprintf(bad, sizeof(bad), "b%d", i);
    json_decref(expect_post("https://ca.test/order", i == 0 ? "n2" : "b0",
                            "https://ca.test/acct/1"));
    fh_answer(400, problem, NULL, bad, NULL,
              "{\"type\":\"urn:ietf:params:acme:error:badNonce\","
              "\"detail\":\"JWS has an invalid anti-replay nonce\"}");
  }
  /* The third try carries the nonce of the second refusal. */
  json_decref(
      expect_post("https://ca.test/order", "b1", "https://ca.test/acct/1"));
  ASSERT(!logged(&w, "failed"));
  teardown(&w);
}

TEST(flow_problem_logged_and_backoff)
{
  world_t w;

  setup(&w);
  to_new_order(&w);
  json_decref(
      expect_post("https://ca.test/order", "n2", "https://ca.test/acct/1"));
  fh_answer(403, problem, NULL, "n3", NULL,
            "{\"type\":\"urn:ietf:params:acme:error:rejectedIdentifier\","
            "\"detail\":\"a.example is forbidden by policy\"}");
  ASSERT(logged(&w, "acme: new order failed: HTTP 403 urn:ietf:params:acme:"
                    "error:rejectedIdentifier: a.example is forbidden by "
                    "policy"));
  ASSERT(logged(&w, "acme: attempt 1 failed; next in 1 s"));
  /* 1 s, then 2 s, then 4 s (retry_max), then 4 s again. */
  fc_advance(&w.fc, 999);
  ASSERT(!fh_req.pending);
  fc_advance(&w.fc, 1);
  expect("GET", DIR_URL);
  fh_answer(0, NULL, NULL, NULL, NULL, NULL);
  ASSERT(logged(&w, "acme: directory failed: https://ca.test/dir: Couldn't "
                    "connect to server"));
  ASSERT(logged(&w, "acme: attempt 2 failed; next in 2 s"));
  fc_advance(&w.fc, 2000);
  expect("GET", DIR_URL);
  fh_answer(503, problem, NULL, NULL, NULL,
            "{\"type\":\"urn:ietf:params:acme:error:serverInternal\","
            "\"detail\":\"down for maintenance\"}");
  ASSERT(logged(&w, "acme: directory failed: HTTP 503 urn:ietf:params:acme:"
                    "error:serverInternal: down for maintenance"));
  ASSERT(logged(&w, "attempt 3 failed; next in 4 s"));
  fc_advance(&w.fc, 4000);
  expect("GET", DIR_URL);
  fh_answer(500, "text/html", NULL, NULL, NULL, "<html>");
  ASSERT(logged(&w, "attempt 4 failed; next in 4 s"));
  /* A detail with a line break cannot forge a log line. */
  fc_advance(&w.fc, 4000);
  expect("GET", DIR_URL);
  fh_answer(503, problem, NULL, NULL, NULL,
            "{\"type\":\"t\",\"detail\":\"a\\nERROR forged\\u001b[0m\"}");
  ASSERT(logged(&w, "acme: directory failed: HTTP 503 t: a?ERROR forged?[0m"));
  ASSERT_EQ(w.installed, 0);
  teardown(&w);
}

TEST(flow_invalid_challenge_logged)
{
  world_t w;

  setup(&w);
  to_new_order(&w);
  order_created();
  json_decref(
      expect_post("https://ca.test/authz/1", "n3", "https://ca.test/acct/1"));
  fh_answer(200, json, NULL, "n4", NULL,
            "{\"status\":\"invalid\",\"identifier\":{\"type\":\"dns\","
            "\"value\":\"a.example\"},\"challenges\":[{\"type\":\"http-01\","
            "\"url\":\"https://ca.test/chal/1\",\"token\":\"" TOKEN "\","
            "\"status\":\"invalid\",\"error\":{\"type\":\"urn:ietf:params:"
            "acme:error:unauthorized\",\"detail\":\"The key authorization "
            "file from the server did not match\"}}]}");
  ASSERT(logged(&w, "acme: http-01 for a.example failed: urn:ietf:params:"
                    "acme:error:unauthorized: The key authorization file "
                    "from the server did not match"));
  ASSERT(logged(&w, "acme: attempt 1 failed; next in 1 s"));
  ASSERT(reed_acme_http01(w.acme, TOKEN) == NULL);
  teardown(&w);
}

TEST(flow_stored_certificate_kept)
{
  world_t w;
  const char *cert, *key;
  unsigned before;

  setup(&w);
  to_new_order(&w);
  order_created();
  to_installed(&w);
  reed_acme_free(w.acme);
  /* The next start finds it: no request, the renewal scheduled. */
  reed_log(&w.log, REED_LOG_INFO, "restart"); /* no folding across */
  w.n_lines = 0;
  before = fh_requests;
  start(&w);
  ASSERT(reed_acme_paths(w.acme, &cert, &key));
  /* Only the renewal information is asked for (the directory has none). */
  expect("GET", DIR_URL);
  fh_answer(200, json, NULL, NULL, NULL, dir_json);
  fc_advance(&w.fc, 1000);
  ASSERT_EQ(fh_requests, before + 1);
  ASSERT(logged(&w, "acme: certificate for a.example installed"));
  ASSERT_EQ(fc_pending(&w.fc), 1);
  teardown(&w);
}

TEST(flow_ari_window_moves_renewal)
{
  world_t w;
  static const char ari_dir[] =
      "{\"newNonce\":\"https://ca.test/nonce\",\"newAccount\":"
      "\"https://ca.test/acct\",\"newOrder\":\"https://ca.test/order\","
      "\"renewalInfo\":\"https://ca.test/ari\"}";
  char *id, url[256], body[256];
  json_t *p;

  setup(&w);
  to_new_order(&w);
  order_created();
  to_installed(&w);
  expect("GET", DIR_URL);
  fh_answer(200, json, NULL, NULL, NULL, ari_dir);
  id = reed__acme_cert_id(w.acme->cert_path);
  ASSERT(id != NULL);
  snprintf(url, sizeof(url), "https://ca.test/ari/%s", id);
  expect("GET", url);
  /* The CA wants it renewed now (a window already open: 2023-11-14,
   * the fake clock's day). */
  snprintf(body, sizeof(body),
           "{\"suggestedWindow\":{\"start\":\"2023-11-14T22:00:00Z\","
           "\"end\":\"2023-11-14T22:10:00Z\"}}");
  fh_answer(200, json, NULL, NULL, "21600", body);
  ASSERT(logged(&w, "acme: the CA's renewal information suggests renewal "
                    "at 2023-11-14T22:"));
  fc_advance(&w.fc, 0);
  expect("GET", DIR_URL);
  ASSERT(logged(&w, "acme: renewing a certificate for a.example"));
  fh_answer(200, json, NULL, NULL, NULL, ari_dir);
  /* The last answer's nonce is used: no HEAD first. */
  json_decref(expect_post("https://ca.test/acct", "n9", NULL));
  fh_answer(200, json, "https://ca.test/acct/1", "m2", NULL,
            "{\"status\":\"valid\"}");
  /* The new order names the certificate it replaces. */
  p = expect_post("https://ca.test/order", "m2", "https://ca.test/acct/1");
  ASSERT_STR_EQ(json_string_value(json_object_get(p, "replaces")), id);
  json_decref(p);
  reed_free(id);
  teardown(&w);
}
