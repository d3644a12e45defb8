/* The ACME client's handling of what a CA answers: each record of the
 * input answers the request the exchange is waiting for (a status, a
 * content type, which headers, a body: the directory, accounts, orders,
 * authorizations, problem documents, certificate chains as a hostile CA
 * may send them); between records the client's timers fire. Invariants:
 * no crash, no leak, one request at a time, and the client frees cleanly
 * in any state. HTTP is scripted here in place of http.c.
 *
 * A record: status selector, content-type selector, header flags (1
 * Location, 2 Replay-Nonce, 4 Retry-After), then the body up to "\xff\xfe"
 * or the end. */
#include "acme_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
  bool pending;
  reed_acme_http_cb cb;
  void *ud;
} req;
static int fake;

int
reed__acme_http_new(struct uv_loop_s *loop, reed_clock_t *clock,
                    const char *ca_file, reed_acme_http_t **out)
{
  (void)loop, (void)clock, (void)ca_file;
  *out = (reed_acme_http_t *)&fake;
  return 0;
}

void
reed__acme_http_free(reed_acme_http_t *h)
{
  (void)h;
  req.pending = false;
}

int
reed__acme_http_request(reed_acme_http_t *h, const char *method,
                        const char *url, const char *body, reed_acme_http_cb cb,
                        void *ud)
{
  (void)h, (void)method, (void)url, (void)body;
  if (req.pending)
    abort(); /* one request at a time */
  req.pending = true;
  req.cb = cb;
  req.ud = ud;
  return 0;
}

/* A clock with one timer at a time per caller is enough: fire every
 * pending timer when asked. */
#define MAX_TIMERS 8
static struct {
  uint64_t id;
  reed_timer_cb cb;
  void *arg;
} timers[MAX_TIMERS];
static uint64_t next_id, wall = 1700000000000ull;

static uint64_t
now_ms(void *c)
{
  (void)c;
  return wall;
}

static uint64_t
call_later(void *c, uint64_t ms, reed_timer_cb cb, void *arg)
{
  (void)c, (void)ms;
  for (int i = 0; i < MAX_TIMERS; i++)
    if (timers[i].id == 0) {
      timers[i].id = ++next_id;
      timers[i].cb = cb;
      timers[i].arg = arg;
      return timers[i].id;
    }
  abort(); /* the client keeps at most a few timers */
}

static void
cancel(void *c, uint64_t id)
{
  (void)c;
  for (int i = 0; i < MAX_TIMERS; i++)
    if (timers[i].id == id)
      timers[i].id = 0;
}

static void
fire_all(void)
{
  for (int i = 0; i < MAX_TIMERS; i++)
    if (timers[i].id != 0) {
      reed_timer_cb cb = timers[i].cb;
      void *arg = timers[i].arg;
      timers[i].id = 0;
      cb(arg);
    }
}

static void
answer(const uint8_t *p, size_t n)
{
  static const long statuses[] = {0, 200, 201, 400, 403, 500};
  static const char *const types[] = {
      "application/json", "application/problem+json",
      "application/pem-certificate-chain", NULL};
  char *body = malloc(n >= 3 ? n - 3 + 1 : 1);
  reed_acme_resp_t res;

  if (body == NULL)
    abort();
  if (n >= 3)
    memcpy(body, p + 3, n - 3);
  res = (reed_acme_resp_t){
      .status = n > 0 ? statuses[p[0] % 6] : 200,
      .content_type = n > 1 ? types[p[1] % 4] : types[0],
      .location = n > 2 && (p[2] & 1) ? "https://ca.test/loc/1" : NULL,
      .nonce = n > 2 && (p[2] & 2) ? "nonce" : NULL,
      .retry_after = n > 2 && (p[2] & 4) ? "3" : NULL,
      .body = body,
      .len = n >= 3 ? n - 3 : 0,
      .err = "fuzz",
  };
  body[res.len] = '\0';
  req.pending = false;
  req.cb(req.ud, &res);
  free(body);
}

static char dir[] = "/tmp/reed-fuzz-acme-XXXXXX";

/* The account key the first run made, and the directory, go at exit. */
static void
remove_dir(void)
{
  static const char *const files[] = {"acme-account-key.pem", "acme-key.pem",
                                      "acme-cert.pem"};
  char path[128];

  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static bool made;
  static reed_log_t log = {.min_level = REED_LOG_ERROR + 1};
  reed_clock_t clock = {.now_ms = now_ms,
                        .wall_ms = now_ms,
                        .call_later = call_later,
                        .cancel = cancel};
  char *names[] = {"a.example"};
  reed_acme_conf_t conf = {.directory = "https://ca.test/dir",
                           .names = {.v = names, .n = 1},
                           .renew_fraction = 0.6667,
                           .retry_min = 1000,
                           .retry_max = 4000};
  reed_acme_opts_t o = {.clock = &clock,
                        .log = &log,
                        .data_dir = dir,
                        .server_name = "a.example"};
  reed_acme_t *a = NULL;
  size_t i = 0;

  if (!made) {
    if (mkdtemp(dir) == NULL)
      return 0;
    made = true;
    atexit(remove_dir);
  }
  if (reed_acme_new(&o, &conf, &a) != 0)
    return 0;
  reed_acme_start(a);
  for (int turns = 0; i <= size && turns < 256; turns++) {
    const uint8_t *end = NULL;
    size_t n;
    if (!req.pending) {
      fire_all();
      if (!req.pending)
        break;
    }
    for (size_t k = i; k + 1 < size; k++)
      if (data[k] == 0xff && data[k + 1] == 0xfe) {
        end = data + k;
        break;
      }
    n = end != NULL ? (size_t)(end - (data + i)) : size - i;
    answer(data + i, n);
    i += n + 2;
  }
  reed_acme_free(a);
  for (int t = 0; t < MAX_TIMERS; t++)
    if (timers[t].id != 0)
      abort(); /* a timer outlived the client */
  return 0;
}
