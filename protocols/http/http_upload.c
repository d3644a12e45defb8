/* Taking uploads: XEP-0363 PUTs to slots, soju.im/FILEHOST POSTs.
 *
 * A PUT carries the slot's token in its query; core/files checks it, the
 * size and type against the slot's row and marks the slot used before
 * the bytes go to the worker (a second PUT finds it used). A POST's
 * Basic credentials go to the portal (argon2id on the worker, the failed
 * login throttle) while the response is held; the account then gets a
 * slot of its own, and the answer is 201 with the file's URL in
 * Location. Either way the body is copied before the hold: the request
 * is borrowed for the handler's call only. */
#include "http_upload.h"

#include "auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const reed_upload_conf_t *
reed__http_upload_conf(const reed_proto_env_t *env)
{
  const reed_server_conf_t *sv = env->server_conf;

  return sv != NULL && sv->upload.enabled ? &sv->upload : NULL;
}

size_t
reed__http_upload_max_body(const reed_proto_env_t *env)
{
  const reed_upload_conf_t *up = reed__http_upload_conf(env);

  return up != NULL ? up->max_size : 0;
}

/* A handle per request: opening one checks the schema version and reads
 * the 32-byte key; uploads are rare next to messages. */
reed_files_t *
reed__http_upload_files(const reed_proto_env_t *env)
{
  const reed_server_conf_t *sv = env->server_conf;
  reed_files_t *f = NULL;

  if (env->store == NULL || sv == NULL || sv->data_dir == NULL ||
      reed_files_open(env->store, sv->data_dir, env->log, &f) != 0)
    return NULL;
  return f;
}

uint64_t
reed__http_upload_now(const reed_proto_env_t *env)
{
  return env->clock->wall_ms(env->clock->c);
}

int
reed__http_upload_path(const char *path, char id[REED_FILES_ID_LEN + 1],
                       char name[REED_FILES_NAME_MAX + 1])
{
  static const char prefix[] = "/upload/";
  const char *p = path, *slash;

  if (strncmp(p, prefix, sizeof(prefix) - 1) != 0)
    return REED_ENOTFOUND;
  p += sizeof(prefix) - 1;
  slash = strchr(p, '/');
  if (slash == NULL || slash - p != REED_FILES_ID_LEN)
    return REED_ENOTFOUND;
  memcpy(id, p, REED_FILES_ID_LEN);
  id[REED_FILES_ID_LEN] = '\0';
  if (reed_files_pct_decode(slash + 1, strlen(slash + 1), name,
                            REED_FILES_NAME_MAX + 1) != 0 ||
      !reed_files_name_valid(name))
    return REED_ENOTFOUND;
  return 0;
}

/* The value of `key` in a query string ("a=1&token=..."), into out. */
static bool
query_get(const char *query, const char *key, char *out, size_t size)
{
  size_t klen = strlen(key);

  for (const char *p = query; p != NULL && *p != '\0';) {
    size_t len = strcspn(p, "&");
    if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
      if (len - klen - 1 >= size)
        return false;
      memcpy(out, p + klen + 1, len - klen - 1);
      out[len - klen - 1] = '\0';
      return true;
    }
    p += len + (p[len] == '&');
  }
  return false;
}

/* The content type as sent, or "" when absent or not one. */
static const char *
req_type(const reed_http_req_t *req)
{
  const char *t = reed_http_header(req, "Content-Type");

  return t != NULL && reed_files_type_valid(t) ? t : "";
}

/* ---- Writing ---------------------------------------------------------- */

typedef struct put_job_s {
  reed_http_res_t *res;
  reed_files_t *f;
  char id[REED_FILES_ID_LEN + 1];
  char location[2048]; /* "" for a PUT */
} put_job_t;

static void
on_written(void *ud, int status, reed_buf_t *data)
{
  put_job_t *j = ud;

  REED_UNUSED(data);
  if (status != 0) {
    reed_files_drop(j->f, j->id);
    reed_http_error(j->res, 500, "could not store the file");
  } else if (reed__http_upload_cors(j->res) != 0 ||
             (j->location[0] != '\0' &&
              reed_http_res_header(j->res, "Location", j->location) != 0)) {
    reed_http_error(j->res, 500, "out of memory");
  } else {
    reed_http_respond(j->res, 201, NULL, NULL);
  }
  reed_http_release(j->res);
  reed_files_close(j->f);
  reed_free(j);
}

/* Marks the row stored (once), then writes the bytes on the worker; the
 * job owns f. Answers and releases whatever happens. */
static void
store_bytes(put_job_t *j, reed_clock_t *clock, reed_worker_t *worker,
            uint64_t expire, const uint8_t *p, size_t len)
{
  int rc = reed_files_commit(j->f, j->id, clock->wall_ms(clock->c), expire);

  if (rc == 0)
    rc = reed_files_write(j->f, worker, j->id, p, len, on_written, j);
  if (rc == 0)
    return;
  if (rc == REED_ENOTFOUND) {
    reed_http_error(j->res, 409, "this slot was used already");
  } else {
    reed_files_drop(j->f, j->id);
    reed_http_error(j->res, 500, "could not store the file");
  }
  reed_http_release(j->res);
  reed_files_close(j->f);
  reed_free(j);
}

static int
put_status(int rc, const char **text)
{
  switch (rc) {
  case REED_EAUTH:
    *text = "bad token";
    return 403;
  case REED_ETOOBIG:
    *text = "larger than the slot";
    return 413;
  case REED_EINVAL:
    *text = "size or content type differs from the slot";
    return 400;
  case REED_ENOTFOUND:
    *text = "no such slot, or used or expired";
    return 404;
  default:
    *text = "internal error";
    return 500;
  }
}

int
reed__http_upload_put(const reed_http_req_t *req, reed_http_res_t *res)
{
  const reed_upload_conf_t *up = reed__http_upload_conf(req->env);
  char id[REED_FILES_ID_LEN + 1], name[REED_FILES_NAME_MAX + 1];
  char token[REED_FILES_TOKEN_LEN + 2];
  const char *type = reed_http_header(req, "Content-Type"), *text;
  reed_files_meta_t m;
  put_job_t *j;
  int rc;

  if (up == NULL || reed__http_upload_path(req->path, id, name) != 0)
    return reed_http_error(res, 404, "not found");
  if (!query_get(req->query, "token", token, sizeof(token)))
    return reed_http_error(res, 403, "bad token");
  if ((j = reed_calloc(1, sizeof(*j))) == NULL)
    return REED_ENOMEM;
  if ((j->f = reed__http_upload_files(req->env)) == NULL) {
    reed_free(j);
    return reed_http_error(res, 503, "uploads are unavailable");
  }
  rc = reed_files_check_put(j->f, id, token, name, req->body_len, type,
                            reed__http_upload_now(req->env), &m);
  if (rc != 0) {
    reed_files_close(j->f);
    reed_free(j);
    rc = put_status(rc, &text);
    return reed_http_error(res, rc, text);
  }
  reed_strlcpy(j->id, id, sizeof(j->id));
  j->res = reed_http_hold(res);
  store_bytes(j, req->env->clock, req->env->worker, up->expire, req->body,
              req->body_len);
  return 0;
}

/* ---- FILEHOST ------------------------------------------------------------ */

typedef struct post_job_s {
  reed_http_res_t *res; /* NULL once handed to the write */
  reed_portal_t *portal;
  reed_clock_t *clock;
  reed_worker_t *worker;
  reed_store_t *store;
  reed_log_t *log;
  reed_upload_conf_t up; /* copied: a reload may free the config */
  char data_dir[4096];
  char base[1024];
  char name[REED_FILES_NAME_MAX + 1];
  char type[REED_FILES_TYPE_MAX + 1];
  reed_buf_t *body;
} post_job_t;

/* The file name of Content-Disposition (filename="..." or a bare token),
 * else "upload"; bytes a name may not hold become '_'. */
static void
post_name(const reed_http_req_t *req, char out[REED_FILES_NAME_MAX + 1])
{
  const char *d = reed_http_header(req, "Content-Disposition");
  const char *p = NULL;
  size_t n = 0;

  for (const char *q = d; q != NULL && *q != '\0' && p == NULL; q++)
    if (strncasecmp(q, "filename=", 9) == 0)
      p = q;
  if (p != NULL) {
    p += 9;
    bool quoted = *p == '"';
    p += quoted;
    for (; *p != '\0' && n < REED_FILES_NAME_MAX; p++) {
      if (quoted ? *p == '"' : (*p == ';' || *p == ' '))
        break;
      out[n++] =
          (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) ? '_' : *p;
    }
  }
  out[n] = '\0';
  if (!reed_files_name_valid(out))
    reed_strlcpy(out, "upload", REED_FILES_NAME_MAX + 1);
}

/* "Basic base64(user:password)" into user and password. */
static bool
basic_auth(const reed_http_req_t *req, char *user, size_t usize, char *pw,
           size_t pwsize)
{
  const char *a = reed_http_header(req, "Authorization");
  uint8_t raw[1024];
  ssize_t n;
  const uint8_t *colon;

  if (a == NULL || strncasecmp(a, "Basic ", 6) != 0 || strlen(a + 6) > 1300)
    return false;
  n = reed_base64_decode(a + 6, strlen(a + 6), raw);
  if (n <= 0 || (colon = memchr(raw, ':', (size_t)n)) == NULL ||
      (size_t)(colon - raw) >= usize || (size_t)(raw + n - colon) > pwsize ||
      memchr(raw, 0, (size_t)n) != NULL)
    return false;
  memcpy(user, raw, (size_t)(colon - raw));
  user[colon - raw] = '\0';
  memcpy(pw, colon + 1, (size_t)(raw + n - colon - 1));
  pw[raw + n - colon - 1] = '\0';
  return true;
}

static void
post_done(post_job_t *j)
{
  if (j->res != NULL)
    reed_http_release(j->res);
  reed_buf_unref(j->body);
  reed_free(j);
}

static int
post_slot_status(int rc, const char **text)
{
  switch (rc) {
  case REED_ETOOBIG:
    *text = "file too large";
    return 413;
  case REED_ELIMIT:
    *text = "upload quota exceeded";
    return 413;
  default:
    *text = "could not store the file";
    return 500;
  }
}

/* Logged in: a slot for the account, used at once. */
static void
post_store(post_job_t *j, const char *account)
{
  char token[REED_FILES_TOKEN_LEN + 1], name[REED_FILES_NAME_MAX * 3 + 1];
  uint8_t rnd[REED_FILES_RND];
  reed_files_meta_t m;
  put_job_t *pj = reed_calloc(1, sizeof(*pj));
  uint64_t now = j->clock->wall_ms(j->clock->c);
  const char *text;
  int rc = REED_ENOMEM;

  if (pj != NULL &&
      reed_files_open(j->store, j->data_dir, j->log, &pj->f) == 0) {
    reed_portal_random(j->portal, rnd, sizeof(rnd));
    rc = reed_files_slot(pj->f, &j->up, rnd, account, j->name, j->body->len,
                         j->type, now, &m, token);
  }
  if (rc != 0) {
    rc = post_slot_status(rc, &text);
    reed_http_error(j->res, rc, text);
    if (pj != NULL)
      reed_files_close(pj->f);
    reed_free(pj);
    return;
  }
  reed_files_pct_encode(m.name, name, sizeof(name));
  snprintf(pj->location, sizeof(pj->location), "%s/upload/%s/%s", j->base, m.id,
           name);
  reed_strlcpy(pj->id, m.id, sizeof(pj->id));
  pj->res = j->res; /* the held response goes with the write */
  j->res = NULL;
  store_bytes(pj, j->clock, j->worker, j->up.expire, j->body->data,
              j->body->len);
}

static void
on_login(void *ud, uint64_t req_id, int status, const char *account)
{
  post_job_t *j = ud;

  REED_UNUSED(req_id);
  if (status != 0) {
    reed_http_res_header(j->res, "WWW-Authenticate",
                         "Basic realm=\"reed\", charset=\"UTF-8\"");
    reed_http_error(j->res, 401, "bad credentials");
  } else {
    post_store(j, account);
  }
  post_done(j);
}

static post_job_t *
post_job(const reed_http_req_t *req, const reed_upload_conf_t *up)
{
  const reed_proto_env_t *env = req->env;
  const reed_host_t *h = env->host;
  const reed_server_conf_t *sv = env->server_conf;
  post_job_t *j = reed_calloc(1, sizeof(*j));

  if (j == NULL)
    return NULL;
  *j = (post_job_t){.portal = env->portal,
                    .clock = env->clock,
                    .worker = env->worker,
                    .store = env->store,
                    .log = env->log,
                    .up = *up};
  j->up.url = NULL; /* borrowed from the config: not kept */
  reed_strlcpy(j->data_dir, sv->data_dir, sizeof(j->data_dir));
  post_name(req, j->name);
  reed_strlcpy(j->type, req_type(req), sizeof(j->type));
  if (reed_files_base_url(sv, h != NULL ? h->each_listener : NULL,
                          h != NULL ? h->ud : NULL, j->base,
                          sizeof(j->base)) != 0 ||
      (j->body = reed_buf_from(req->body, req->body_len)) == NULL) {
    reed_free(j);
    return NULL;
  }
  return j;
}

int
reed__http_upload_post(const reed_http_req_t *req, reed_http_res_t *res)
{
  const reed_upload_conf_t *up = reed__http_upload_conf(req->env);
  char user[REED_AUTH_NAME_MAX * 4 + 1], pw[1024];
  post_job_t *j;
  int rc;

  if (up == NULL || req->env->portal == NULL || req->env->store == NULL)
    return reed_http_error(res, 404, "not found");
  if (!basic_auth(req, user, sizeof(user), pw, sizeof(pw))) {
    reed_http_res_header(res, "WWW-Authenticate",
                         "Basic realm=\"reed\", charset=\"UTF-8\"");
    return reed_http_error(res, 401, "HTTP Basic credentials needed");
  }
  if (req->body_len == 0)
    return reed_http_error(res, 400, "empty file");
  if ((j = post_job(req, up)) == NULL)
    return REED_ENOMEM;
  j->res = reed_http_hold(res);
  rc = reed_portal_login_password(req->env->portal, user, pw, strlen(pw),
                                  req->client_ip, on_login, j,
                                  (uint64_t)(uintptr_t)j);
  explicit_bzero(pw, sizeof(pw));
  if (rc != 0) {
    reed_http_error(j->res, rc == REED_ETHROTTLED ? 429 : 401,
                    rc == REED_ETHROTTLED ? "too many attempts"
                                          : "bad credentials");
    post_done(j);
  }
  return 0;
}

int
reed__http_upload_cors(reed_http_res_t *res)
{
  return reed_http_res_header(res, "Access-Control-Allow-Origin", "*");
}

int
reed__http_upload_preflight(const reed_http_req_t *req, reed_http_res_t *res)
{
  if (reed__http_upload_conf(req->env) == NULL)
    return reed_http_error(res, 404, "not found");
  if (reed__http_upload_cors(res) != 0 ||
      reed_http_res_header(res, "Access-Control-Allow-Methods",
                           "GET, HEAD, PUT, OPTIONS") != 0 ||
      reed_http_res_header(res, "Access-Control-Allow-Headers",
                           "Content-Type") != 0 ||
      reed_http_res_header(res, "Access-Control-Max-Age", "7200") != 0)
    return REED_ENOMEM;
  return reed_http_respond(res, 204, NULL, NULL);
}

int
reed__http_upload_options(const reed_http_req_t *req, reed_http_res_t *res)
{
  if (reed__http_upload_conf(req->env) == NULL)
    return reed_http_error(res, 404, "not found");
  if (reed_http_res_header(res, "Allow", "OPTIONS, POST") != 0 ||
      reed_http_res_header(res, "Accept-Post", "*/*") != 0)
    return REED_ENOMEM;
  return reed_http_respond(res, 204, NULL, NULL);
}
