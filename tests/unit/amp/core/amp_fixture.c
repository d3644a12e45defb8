#include "amp_fixture.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void
init(world_t *w, int deferred_worker, bool store)
{
  memset(w, 0, sizeof(*w));
  tw_init(&w->tw, &(tw_opts_t){.module = &reed_amp_module,
                               .portal = true,
                               .deferred_worker = deferred_worker,
                               .store = store,
                               .conf = &w->conf,
                               .fc = &w->fc,
                               .iw = &w->iw});
  w->model = w->tw.model;
  w->portal = w->tw.portal;
  reed__amp_conf_defaults(&w->conf);
}

void
world_init(world_t *w, int deferred_worker)
{
  init(w, deferred_worker, false);
}

void
world_init_store(world_t *w)
{
  init(w, 0, true);
}

void
world_free(world_t *w)
{
  tw_free(&w->tw);
}

void
world_account(world_t *w, const char *name, const char *password)
{
  tw_account(&w->tw, name, password);
  ASSERT_EQ(reed_model_account_add(w->model, name), 0);
}

/* ---- Clients ------------------------------------------------------------ */

void
cl_open(world_t *w, client_t *cl)
{
  char name[24];

  memset(cl, 0, sizeof(*cl));
  cl->w = w;
  reed_amp_decoder_init(&cl->dec);
  snprintf(name, sizeof(name), "%llu", (unsigned long long)w->tw.next_conn + 1);
  ASSERT_EQ(tw_open(&w->tw, &cl->cl, name, &cl->ft), 0);
  cl->core = cl->cl.core;
}

void
cl_close(client_t *cl)
{
  if (cl->cl.core == NULL)
    return;
  tw_eof(&cl->cl, "Connection closed");
  tw_drop(&cl->cl);
  reed_amp_decoder_cleanup(&cl->dec);
}

ssize_t
cl_feed(client_t *cl, const void *bytes, size_t len)
{
  return tw_send_bytes(&cl->cl, bytes, len);
}

void
cl_resume(client_t *cl)
{
  tw_resume(&cl->cl);
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

static void
call(void *fn)
{
  (*(void (**)(void))fn)();
}

void
run_chunked(void (*fn)(void))
{
  tw_run_chunked(call, &fn);
}

reed_session_t *
session_of(world_t *w, const char *nick)
{
  reed_person_view_t pv;

  ASSERT_EQ(reed_model_find_nick(w->model, nick, &pv), 0);
  return reed_model_session_by_id(w->model, pv.who.session_id);
}

/* Entry `field` of each box of an AmpList value, comma-joined. */
void
amplist_join(const tbox_t *tb, const char *key, const char *field, char *out,
             size_t n)
{
  const uint8_t *p = NULL;
  size_t len = 0, off = 0, used;
  reed_amp_box_t box;

  for (size_t i = 0; i < tb->n; i++) {
    if (strcmp(tb->k[i], key) == 0) {
      p = (const uint8_t *)tb->v[i];
      len = tb->vlen[i];
    }
  }
  ASSERT(p != NULL);
  out[0] = '\0';
  while (len > 0) {
    const reed_amp_pair_t *f;
    ASSERT_EQ(reed_amp_box_parse(p, len, &used, &box), 0);
    f = reed_amp_box_get(&box, field);
    off += (size_t)snprintf(out + off, n - off, "%s%.*s", off ? "," : "",
                            f ? (int)f->val_len : 1,
                            f ? (const char *)f->val : "-");
    p += used;
    len -= used;
  }
}

void
pair_init(pair_t *p)
{
  tbox_t tb;

  world_init(&p->w, 0);
  world_account(&p->w, "alice", "pw");
  world_account(&p->w, "bob", "pw");
  cl_open(&p->w, &p->a);
  cl_open(&p->w, &p->b);
  cl_login(&p->a, "alice", "pw", NULL);
  cl_login(&p->b, "bob", "pw", NULL);
  cl_join(&p->a, "lobby");
  cl_join(&p->b, "lobby");
  expect_event(&p->a, "Joined", &tb);
  tb_free(&tb);
}

void
pair_free(pair_t *p)
{
  cl_close(&p->a);
  cl_close(&p->b);
  world_free(&p->w);
}

/* The nicks of a ListOf(Unicode) value, comma-joined. */
void
list_join(const tbox_t *tb, const char *key, char *out, size_t n)
{
  const char *v = tb_get(tb, key);
  size_t vlen = 0, off = 0;
  const uint8_t *p, *el;
  size_t left, elen;

  for (size_t i = 0; i < tb->n; i++)
    if (strcmp(tb->k[i], key) == 0)
      vlen = tb->vlen[i];
  out[0] = '\0';
  ASSERT(v != NULL);
  p = (const uint8_t *)v;
  left = vlen;
  while (reed_amp_list_next(&p, &left, &el, &elen) == 1)
    off += (size_t)snprintf(out + off, n - off, "%s%.*s", off ? "," : "",
                            (int)elen, (const char *)el);
}
