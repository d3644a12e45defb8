#include "amp_fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t amp_chunk;

/* ---- An in-memory credential source ------------------------------------ */

static reed_creds_t *
mem_find(memcreds_t *m, const char *name)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcasecmp(m->acc[i].account, name) == 0)
      return &m->acc[i];
  return NULL;
}

static int
m_get(void *ud, const char *name, reed_creds_t *out)
{
  reed_creds_t *c = mem_find(ud, name);

  if (c == NULL)
    return REED_ENOACCOUNT;
  *out = *c;
  return 0;
}

static int
m_create(void *ud, const reed_creds_t *c, const char *email)
{
  memcreds_t *m = ud;

  REED_UNUSED(email);
  if (mem_find(m, c->account) != NULL)
    return REED_EACCOUNTEXISTS;
  if (m->n == MEM_ACCOUNTS)
    return REED_EIO;
  m->acc[m->n++] = *c;
  return 0;
}

static int
m_set(void *ud, const reed_creds_t *c)
{
  reed_creds_t *old = mem_find(ud, c->account);

  if (old == NULL)
    return REED_ENOACCOUNT;
  *old = *c;
  return 0;
}

static void
quiet(void *ud, int level, const char *line)
{
  REED_UNUSED(ud);
  REED_UNUSED(level);
  REED_UNUSED(line);
}

void
world_init(world_t *w, int deferred_worker)
{
  reed_model_opts_t mo = {.server_name = "reed.test"};
  reed_portal_opts_t po = {.hash_level = REED_AUTH_HASH_MIN,
                           .registration_open = true};

  memset(w, 0, sizeof(*w));
  fc_init(&w->fc);
  iw_init(&w->iw, deferred_worker);
  w->log = (reed_log_t){.emit = quiet, .min_level = REED_LOG_ERROR};
  mo.clock = &w->fc.clock;
  mo.log = &w->log;
  ASSERT_EQ(reed_model_new(&mo, &w->model), 0);
  w->creds = (reed_credsrc_t){
      .get = m_get, .create = m_create, .set = m_set, .ud = &w->mem};
  po.creds = &w->creds;
  po.worker = &w->iw.worker;
  po.clock = &w->fc.clock;
  po.log = &w->log;
  po.model = w->model;
  ASSERT_EQ(reed_portal_new(&po, &w->portal), 0);
  reed__amp_conf_defaults(&w->conf);
}

void
world_free(world_t *w)
{
  reed_model_stats_t st;

  iw_run(&w->iw);
  reed_portal_free(w->portal);
  reed_model_stats(w->model, &st);
  ASSERT_EQ(st.sessions, 0);
  reed_model_free(w->model);
  fc_cleanup(&w->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

void
world_account(world_t *w, const char *name, const char *password)
{
  uint8_t s1[REED_SCRAM_SALT_LEN] = {1}, s2[REED_SCRAM_SALT_LEN] = {2};
  reed_creds_t c;

  ASSERT_EQ(reed_auth_creds_make(name, password, strlen(password),
                                 REED_AUTH_HASH_MIN, s1, s2, &c),
            0);
  ASSERT_EQ(m_create(&w->mem, &c, NULL), 0);
  ASSERT_EQ(reed_model_account_add(w->model, name), 0);
}

/* ---- Clients ------------------------------------------------------------ */

void
cl_open(world_t *w, client_t *cl)
{
  memset(cl, 0, sizeof(*cl));
  cl->w = w;
  ft_init(&cl->ft);
  reed_amp_decoder_init(&cl->dec);
  cl->env = (reed_proto_env_t){
      .transport = &cl->ft.transport,
      .clock = &w->fc.clock,
      .worker = &w->iw.worker,
      .model = w->model,
      .portal = w->portal,
      .conf = &w->conf,
      .log = &w->log,
      .conn_id = ++w->next_conn,
  };
  ASSERT_EQ(reed_amp_module.conn_new(&cl->env, &cl->core), 0);
}

void
cl_close(client_t *cl)
{
  if (cl->freed)
    return;
  reed_amp_module.eof(cl->core, "Connection closed");
  reed_amp_module.conn_free(cl->core);
  reed_amp_decoder_cleanup(&cl->dec);
  ft_cleanup(&cl->ft);
  free(cl->held);
  cl->held = NULL;
  cl->freed = true;
}

static void
hold(client_t *cl, const uint8_t *p, size_t n)
{
  uint8_t *nb = malloc(cl->held_len + n + 1);

  ASSERT(nb != NULL);
  memcpy(nb, p, n);
  if (cl->held_len)
    memcpy(nb + n, cl->held, cl->held_len);
  free(cl->held);
  cl->held = nb;
  cl->held_len += n;
}

ssize_t
cl_feed(client_t *cl, const void *bytes, size_t len)
{
  const uint8_t *p = bytes;
  size_t off = 0, chunk = amp_chunk ? amp_chunk : (len ? len : 1);

  if (cl->held_len) { /* paused: keep the order */
    uint8_t *nb = malloc(cl->held_len + len + 1);
    ASSERT(nb != NULL);
    memcpy(nb, cl->held, cl->held_len);
    memcpy(nb + cl->held_len, bytes, len);
    free(cl->held);
    cl->held = nb;
    cl->held_len += len;
    return 0;
  }
  while (off < len) {
    size_t n = len - off < chunk ? len - off : chunk;
    ssize_t r = reed_amp_module.feed(cl->core, p + off, n);
    if (r < 0)
      return r;
    off += (size_t)r;
    if ((size_t)r < n) {
      ASSERT(cl->ft.paused);
      hold(cl, p + off, len - off);
      return 0;
    }
  }
  return 0;
}

void
cl_resume(client_t *cl)
{
  uint8_t *held;
  size_t len;

  iw_run(&cl->w->iw);
  if (cl->held_len == 0 || cl->ft.paused)
    return;
  held = cl->held;
  len = cl->held_len;
  cl->held = NULL;
  cl->held_len = 0;
  cl_feed(cl, held, len);
  free(held);
}

static void
build_va(client_t *cl, reed_buf_t **out, bool ask, const char *cmd, va_list ap)
{
  reed_amp_enc_t e;
  const char *k;

  reed_amp_enc_init(&e);
  if (ask) {
    snprintf(cl->last_tag, sizeof(cl->last_tag), "c%u", ++cl->tag);
    reed_amp_enc_str(&e, "_ask", cl->last_tag);
  }
  reed_amp_enc_str(&e, "_command", cmd);
  while ((k = va_arg(ap, const char *)) != NULL)
    reed_amp_enc_str(&e, k, va_arg(ap, const char *));
  ASSERT_EQ(reed_amp_enc_finish(&e, out), 0);
}

void
cl_build(client_t *cl, reed_buf_t **out, bool ask, const char *cmd, ...)
{
  va_list ap;

  va_start(ap, cmd);
  build_va(cl, out, ask, cmd, ap);
  va_end(ap);
}

static void
send_built(client_t *cl, reed_buf_t *b)
{
  cl_feed(cl, b->data, b->len);
  reed_buf_unref(b);
}

void
cl_send(client_t *cl, const char *cmd, ...)
{
  reed_buf_t *b = NULL;
  va_list ap;

  va_start(ap, cmd);
  build_va(cl, &b, true, cmd, ap);
  va_end(ap);
  send_built(cl, b);
}

void
cl_send_noask(client_t *cl, const char *cmd, ...)
{
  reed_buf_t *b = NULL;
  va_list ap;

  va_start(ap, cmd);
  build_va(cl, &b, false, cmd, ap);
  va_end(ap);
  send_built(cl, b);
}

static char *
dup_bytes(const uint8_t *p, size_t n)
{
  char *s = malloc(n + 1);

  ASSERT(s != NULL);
  memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

int
cl_recv(client_t *cl, tbox_t *tb)
{
  reed_amp_box_t box;
  size_t used;
  int rc;

  memset(tb, 0, sizeof(*tb));
  if (cl->seen >= cl->ft.out_len)
    return 0;
  rc = reed_amp_decode(&cl->dec, (const uint8_t *)cl->ft.out + cl->seen,
                       cl->ft.out_len - cl->seen, &used, &box);
  ASSERT(rc >= 0);
  cl->seen += used;
  if (rc == 0)
    return 0;
  for (size_t i = 0; i < box.n; i++) {
    tb->k[i] = dup_bytes(box.pairs[i].key, box.pairs[i].key_len);
    tb->v[i] = dup_bytes(box.pairs[i].val, box.pairs[i].val_len);
    tb->vlen[i] = box.pairs[i].val_len;
  }
  tb->n = box.n;
  return 1;
}

void
tb_free(tbox_t *tb)
{
  for (size_t i = 0; i < tb->n; i++) {
    free(tb->k[i]);
    free(tb->v[i]);
  }
  tb->n = 0;
}

const char *
tb_get(const tbox_t *tb, const char *key)
{
  for (size_t i = 0; i < tb->n; i++)
    if (strcmp(tb->k[i], key) == 0)
      return tb->v[i];
  return NULL;
}

/* ---- Expectations ------------------------------------------------------- */

static void
describe(const tbox_t *tb, char *buf, size_t n)
{
  size_t off = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < tb->n && off < n; i++)
    off +=
        (size_t)snprintf(buf + off, n - off, "%s=%.40s ", tb->k[i], tb->v[i]);
}

void
expect_answer_(client_t *cl, tbox_t *tb, const char *file, int line)
{
  char d[512];

  if (!cl_recv(cl, tb))
    reed__test_fail(file, line, "expected an answer, got nothing");
  describe(tb, d, sizeof(d));
  if (tb_get(tb, "_answer") == NULL ||
      strcmp(tb_get(tb, "_answer"), cl->last_tag) != 0)
    reed__test_fail(file, line, "expected _answer=%s, got %s", cl->last_tag, d);
}

void
expect_error_(client_t *cl, const char *code, const char *file, int line)
{
  tbox_t tb;
  char d[512];

  if (!cl_recv(cl, &tb))
    reed__test_fail(file, line, "expected error %s, got nothing", code);
  describe(&tb, d, sizeof(d));
  if (tb_get(&tb, "_error") == NULL ||
      strcmp(tb_get(&tb, "_error"), cl->last_tag) != 0 ||
      tb_get(&tb, "_error_code") == NULL ||
      strcmp(tb_get(&tb, "_error_code"), code) != 0 ||
      tb_get(&tb, "_error_description") == NULL)
    reed__test_fail(file, line, "expected error %s for %s, got %s", code,
                    cl->last_tag, d);
  tb_free(&tb);
}

void
expect_event_(client_t *cl, const char *cmd, tbox_t *tb, const char *file,
              int line)
{
  char d[512];

  if (!cl_recv(cl, tb))
    reed__test_fail(file, line, "expected event %s, got nothing", cmd);
  describe(tb, d, sizeof(d));
  if (tb_get(tb, "_command") == NULL ||
      strcmp(tb_get(tb, "_command"), cmd) != 0 || tb_get(tb, "_ask") == NULL)
    reed__test_fail(file, line, "expected event %s, got %s", cmd, d);
}

void
expect_none_(client_t *cl, const char *file, int line)
{
  tbox_t tb;
  char d[512];

  if (cl_recv(cl, &tb)) {
    describe(&tb, d, sizeof(d));
    tb_free(&tb);
    reed__test_fail(file, line, "expected nothing, got %s", d);
  }
  if (cl->seen != cl->ft.out_len)
    reed__test_fail(file, line, "expected nothing, got a partial box");
}

void
cl_login(client_t *cl, const char *user, const char *pw, const char *nick)
{
  tbox_t tb;

  if (nick)
    cl_send(cl, "Login", "username", user, "password", pw, "nick", nick, NULL);
  else
    cl_send(cl, "Login", "username", user, "password", pw, NULL);
  cl_resume(cl);
  expect_answer(cl, &tb);
  tb_free(&tb);
}

void
cl_join(client_t *cl, const char *room)
{
  tbox_t tb;

  cl_send(cl, "Join", "room", room, NULL);
  expect_answer(cl, &tb);
  tb_free(&tb);
}

void
run_chunked(void (*fn)(void))
{
  static const size_t sizes[] = {0, 1, 3, 7};

  for (size_t i = 0; i < REED_ARRAY_SIZE(sizes); i++) {
    amp_chunk = sizes[i];
    fn();
  }
  amp_chunk = 0;
}

reed_session_t *
session_of(world_t *w, const char *nick)
{
  reed_person_view_t pv;

  ASSERT_EQ(reed_model_find_nick(w->model, nick, &pv), 0);
  return reed_model_session_by_id(w->model, pv.who.session_id);
}
