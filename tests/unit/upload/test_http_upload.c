/* The upload routes through the HTTP module's core: XEP-0363 PUTs to a
 * slot (token, size, type, used once, held while the worker writes),
 * files served back (type allow list, disposition, CSP sandbox, HEAD),
 * soju.im/FILEHOST POSTs through the portal, and uploads switched off. */
#include "files.h"
#include "world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern const reed_protocol_module_t reed_http_module;

static void
each_listener(void *ud,
              void (*cb)(void *cbud, const char *module, const char *kind,
                         const char *addr, unsigned port),
              void *cbud)
{
  REED_UNUSED(ud);
  cb(cbud, "http", "tcp", "127.0.0.1", 8080);
}

static const reed_host_t host = {.each_listener = each_listener};

typedef struct ux_s {
  tw_t *w;
  char dir[64];
  reed_server_conf_t sc;
  tw_client_t *c;
  reed_files_meta_t slot;
  char token[REED_FILES_TOKEN_LEN + 1];
} ux_t;

/* A world with uploads on (max_size 1k), a data dir holding a fixed key,
 * and a slot for alice: "a b.txt", 5 bytes of text/plain. */
static void
ux_init(ux_t *u, bool deferred)
{
  static const uint8_t key[32] = {7};
  static const uint8_t rnd[REED_FILES_RND] = {0xab, 0xcd};
  reed_files_t *f;
  char path[128];
  FILE *kf;

  memset(u, 0, sizeof(*u));
  u->w = tw_new(&(tw_opts_t){.module = &reed_http_module,
                             .portal = true,
                             .store = true,
                             .deferred_worker = deferred});
  reed_strlcpy(u->dir, "/tmp/reed-upload-XXXXXX", sizeof(u->dir));
  ASSERT(mkdtemp(u->dir) != NULL);
  snprintf(path, sizeof(path), "%s/upload.key", u->dir);
  ASSERT((kf = fopen(path, "wb")) != NULL);
  ASSERT_EQ(fwrite(key, 1, sizeof(key), kf), sizeof(key));
  fclose(kf);
  u->sc = (reed_server_conf_t){
      .name = "reed.test",
      .data_dir = u->dir,
      .upload = {
          .enabled = true, .max_size = 1024, .quota = 4096, .expire = 3600000}};
  u->w->server_conf = &u->sc;
  u->w->host = &host;
  tw_account(u->w, "alice", "pw");
  ASSERT_EQ(reed_files_open(u->w->store, u->dir, NULL, &f), 0);
  ASSERT_EQ(reed_files_slot(
                f, &u->sc.upload, rnd, "alice", "a b.txt", 5, "text/plain",
                u->w->fc->clock.wall_ms(u->w->fc->clock.c), &u->slot, u->token),
            0);
  reed_files_close(f);
  tw_turn_end(u->w);
  u->c = tw_client(u->w, "web");
}

static void
ux_free(ux_t *u)
{
  char cmd[128];

  tw_free(u->w);
  snprintf(cmd, sizeof(cmd), "rm -rf %s", u->dir);
  ASSERT_EQ(system(cmd), 0);
}

/* Sends a request with `body` (Content-Length added) and returns the
 * response. */
static const char *
req(ux_t *u, const char *method, const char *target, const char *headers,
    const char *body)
{
  char head[2048];

  snprintf(head, sizeof(head),
           "%s %s HTTP/1.1\r\nHost: reed.test\r\n%sContent-Length: %zu\r\n\r\n",
           method, target, headers, body ? strlen(body) : 0);
  ASSERT_EQ(tw_send(u->c, head), 0);
  if (body != NULL && body[0] != '\0')
    ASSERT_EQ(tw_send(u->c, body), 0);
  return tw_take(u->c);
}

static bool
starts(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
has(const char *s, const char *part)
{
  return strstr(s, part) != NULL;
}

static void
put_url(ux_t *u, char *out, size_t size, const char *token)
{
  snprintf(out, size, "/upload/%s/a%%20b.txt?token=%s", u->slot.id,
           token ? token : u->token);
}

static void
s_put_get(void *arg)
{
  ux_t u;
  char url[256], get[128];
  const char *r;

  REED_UNUSED(arg);
  ux_init(&u, false);
  put_url(&u, url, sizeof(url), NULL);
  snprintf(get, sizeof(get), "/upload/%s/a%%20b.txt", u.slot.id);
  r = req(&u, "GET", get, "", NULL);
  ASSERT(starts(r, "HTTP/1.1 404 "));
  /* A web client on another origin: the preflight, then the PUT. */
  r = req(&u, "OPTIONS", url, "Origin: https://web.example\r\n", NULL);
  ASSERT(starts(r, "HTTP/1.1 204 "));
  ASSERT(has(r, "\r\nAccess-Control-Allow-Origin: *\r\n"));
  ASSERT(has(r, "\r\nAccess-Control-Allow-Methods: GET, HEAD, PUT, "
                "OPTIONS\r\n"));
  r = req(&u, "PUT", url, "Content-Type: text/plain\r\n", "hello");
  ASSERT(starts(r, "HTTP/1.1 201 "));
  ASSERT(has(r, "\r\nAccess-Control-Allow-Origin: *\r\n"));
  r = req(&u, "PUT", url, "Content-Type: text/plain\r\n", "hello");
  ASSERT(starts(r, "HTTP/1.1 404 ")); /* used once */
  r = req(&u, "GET", get, "", NULL);
  ASSERT(starts(r, "HTTP/1.1 200 "));
  ASSERT(has(r, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
  ASSERT(has(r, "\r\nContent-Disposition: inline; filename=\"a b.txt\"; "
                "filename*=UTF-8''a%20b.txt\r\n"));
  ASSERT(has(r, "\r\nContent-Security-Policy: sandbox\r\n"));
  ASSERT(has(r, "\r\nX-Content-Type-Options: nosniff\r\n"));
  ASSERT(has(r, "\r\nContent-Length: 5\r\n"));
  ASSERT(has(r, "\r\n\r\nhello") &&
         strcmp(strstr(r, "\r\n\r\n"), "\r\n\r\nhello") == 0);
  r = req(&u, "HEAD", get, "", NULL);
  ASSERT(starts(r, "HTTP/1.1 200 "));
  ASSERT(has(r, "\r\nContent-Length: 5\r\n"));
  ASSERT(strcmp(strstr(r, "\r\n\r\n"), "\r\n\r\n") == 0);
  /* Another name for the same id is not the file. */
  snprintf(get, sizeof(get), "/upload/%s/a%%20b.html", u.slot.id);
  ASSERT(starts(req(&u, "GET", get, "", NULL), "HTTP/1.1 404 "));
  ux_free(&u);
}

TEST(put_slot_and_get)
{
  tw_run_chunked(s_put_get, NULL);
}

static void
s_refusals(void *arg)
{
  ux_t u;
  char url[256], bad[REED_FILES_TOKEN_LEN + 1];
  char big[1100];

  REED_UNUSED(arg);
  ux_init(&u, false);
  memcpy(bad, u.token, sizeof(bad));
  bad[0] = bad[0] == 'a' ? 'b' : 'a';
  put_url(&u, url, sizeof(url), bad);
  ASSERT(starts(req(&u, "PUT", url, "", "hello"), "HTTP/1.1 403 "));
  snprintf(url, sizeof(url), "/upload/%s/a%%20b.txt", u.slot.id);
  ASSERT(starts(req(&u, "PUT", url, "", "hello"), "HTTP/1.1 403 "));
  put_url(&u, url, sizeof(url), NULL);
  /* A 400 ends the connection (the core's rule): a new one each. */
  ASSERT(starts(req(&u, "PUT", url, "", "hell"), "HTTP/1.1 400 "));
  u.c = tw_client(u.w, "web2");
  ASSERT(starts(req(&u, "PUT", url, "", "hello!"), "HTTP/1.1 413 "));
  u.c = tw_client(u.w, "web3");
  ASSERT(starts(req(&u, "PUT", url, "Content-Type: text/html\r\n", "hello"),
                "HTTP/1.1 400 "));
  u.c = tw_client(u.w, "web4");
  ASSERT(starts(req(&u, "PUT", "/upload/abc/x?token=x", "", "x"),
                "HTTP/1.1 404 "));
  ASSERT(starts(req(&u, "GET", "/upload/abc", "", NULL), "HTTP/1.1 404 "));
  /* Dot segments never reach the route: the core answers 400. */
  ASSERT(starts(req(&u, "PUT", "/upload/../../etc/passwd?token=x", "", "x"),
                "HTTP/1.1 400 "));
  u.c = tw_client(u.w, "web5");
  /* Past max_size the core refuses before the route: 413. */
  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  ASSERT(starts(req(&u, "PUT", url, "", big), "HTTP/1.1 413 "));
  ux_free(&u);
}

TEST(put_refusals)
{
  tw_run_chunked(s_refusals, NULL);
}

/* The response waits for the worker's write; nothing else is read
 * meanwhile. */
TEST(put_held_while_writing)
{
  ux_t u;
  char url[256];

  ux_init(&u, true);
  put_url(&u, url, sizeof(url), NULL);
  ASSERT(strcmp(req(&u, "PUT", url, "", "hello"), "") == 0);
  tw_resume(u.c);
  ASSERT(starts(tw_take(u.c), "HTTP/1.1 201 "));
  ux_free(&u);
}

/* FILEHOST: Basic credentials through the portal, 201 with Location. */
TEST(filehost_post)
{
  ux_t u;
  const char *r;
  char loc[256], get[256];
  static const char hdrs[] =
      "Content-Type: text/html\r\n"
      "Content-Disposition: attachment; filename=\"x.html\"\r\n";

  ux_init(&u, false);
  r = req(&u, "POST", "/upload", hdrs, "<b>x</b>");
  ASSERT(starts(r, "HTTP/1.1 401 "));
  ASSERT(has(r, "\r\nWWW-Authenticate: Basic realm=\"reed\""));
  /* alice:nope, alice:pw */
  ASSERT(starts(req(&u, "POST", "/upload",
                    "Authorization: Basic YWxpY2U6bm9wZQ==\r\n"
                    "Content-Type: text/html\r\n",
                    "<b>x</b>"),
                "HTTP/1.1 401 "));
  {
    char h[512];
    snprintf(h, sizeof(h), "%sAuthorization: Basic YWxpY2U6cHc=\r\n", hdrs);
    r = req(&u, "POST", "/upload", h, "<b>x</b>");
  }
  ASSERT(starts(r, "HTTP/1.1 201 "));
  ASSERT(sscanf(strstr(r, "\r\nLocation: ") + 12, "%255[^\r]", loc) == 1);
  ASSERT(starts(loc, "http://127.0.0.1:8080/upload/"));
  ASSERT(strlen(loc) == strlen("http://127.0.0.1:8080/upload/") +
                            REED_FILES_ID_LEN + strlen("/x.html"));
  snprintf(get, sizeof(get), "%s", loc + strlen("http://127.0.0.1:8080"));
  r = req(&u, "GET", get, "", NULL);
  ASSERT(starts(r, "HTTP/1.1 200 "));
  ASSERT(has(r, "\r\nContent-Type: application/octet-stream\r\n"));
  ASSERT(has(r, "\r\nContent-Disposition: attachment; filename=\"x.html\""));
  ASSERT(has(r, "\r\nContent-Security-Policy: sandbox\r\n"));
  r = req(&u, "OPTIONS", "/upload", "", NULL);
  ASSERT(starts(r, "HTTP/1.1 204 "));
  ASSERT(has(r, "\r\nAllow: OPTIONS, POST\r\n"));
  ux_free(&u);
}

TEST(upload_disabled_is_404)
{
  ux_t u;
  char url[256];

  ux_init(&u, false);
  u.sc.upload.enabled = false;
  put_url(&u, url, sizeof(url), NULL);
  ASSERT(starts(req(&u, "PUT", url, "", NULL), "HTTP/1.1 404 "));
  ASSERT(starts(req(&u, "POST", "/upload", "", NULL), "HTTP/1.1 404 "));
  ux_free(&u);
}
