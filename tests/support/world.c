#include "world.h"

#include "model.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The running tw_run_chunked pass: its chunk size and the transcripts of
 * the worlds freed in it, one after the other. */
typedef struct {
  bool active;
  size_t chunk;
  char *out;
  size_t len, cap;
} run_t;

static run_t run;

static void
append(char **buf, size_t *len, size_t *cap, const void *p, size_t n)
{
  if (*len + n + 1 > *cap) {
    *cap = (*len + n + 1) * 2;
    *buf = realloc(*buf, *cap);
    ASSERT(*buf != NULL);
  }
  memcpy(*buf + *len, p, n);
  *len += n;
  (*buf)[*len] = '\0';
}

/* "[name]" then the bytes: binary-safe, so AMP boxes compare too. */
static void
record(tw_client_t *c, const char *p, size_t n)
{
  tw_t *w = c->w;

  append(&w->transcript, &w->tlen, &w->tcap, "[", 1);
  append(&w->transcript, &w->tlen, &w->tcap, c->name, strlen(c->name));
  append(&w->transcript, &w->tlen, &w->tcap, "]", 1);
  append(&w->transcript, &w->tlen, &w->tcap, p, n);
}

static void
quiet(void *ud, int level, const char *line)
{
  REED_UNUSED(ud);
  REED_UNUSED(level);
  REED_UNUSED(line);
}

static void
store_path(const tw_t *w, const char *suffix, char *out, size_t n)
{
  snprintf(out, n, "%s/reed.db%s", w->store_dir, suffix);
}

static void
open_store(tw_t *w)
{
  char path[96];

  reed_strlcpy(w->store_dir, "/tmp/reed-world-XXXXXX", sizeof(w->store_dir));
  ASSERT(mkdtemp(w->store_dir) != NULL);
  store_path(w, "", path, sizeof(path));
  ASSERT_EQ(reed_store_open(path, &w->log, &w->store), 0);
  ASSERT_EQ(reed_store_attach(w->store, w->model), 0);
}

static void
close_store(tw_t *w)
{
  static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
  char path[96];

  reed_store_close(w->store);
  w->store = NULL;
  for (size_t i = 0; i < REED_ARRAY_SIZE(suffixes); i++) {
    store_path(w, suffixes[i], path, sizeof(path));
    unlink(path);
  }
  ASSERT_EQ(rmdir(w->store_dir), 0);
}

void
tw_turn_end(tw_t *w)
{
  if (w->store != NULL)
    ASSERT_EQ(reed_store_turn_end(w->store), 0);
}

void
tw_init(tw_t *w, const tw_opts_t *o)
{
  reed_model_opts_t mo = {.server_name =
                              o->server_name ? o->server_name : "reed.test"};

  memset(w, 0, sizeof(*w));
  w->module = o->module;
  w->fc = o->fc ? o->fc : &w->own_fc;
  w->iw = o->iw ? o->iw : &w->own_iw;
  w->on_pause = o->on_pause;
  w->chunk = tw_chunk();
  fc_init(w->fc);
  iw_init(w->iw, o->deferred_worker);
  w->log = (reed_log_t){.emit = quiet, .min_level = REED_LOG_ERROR};
  mo.clock = &w->fc->clock;
  mo.log = &w->log;
  ASSERT_EQ(reed_model_new(&mo, &w->model), 0);
  memsrc_init(&w->mem, &w->src);
  w->own_conf = o->conf == NULL;
  w->conf = w->own_conf ? calloc(1, w->module->conf_size + 1) : o->conf;
  ASSERT(w->conf != NULL);
  if (w->module->conf_defaults != NULL)
    w->module->conf_defaults(w->conf);
  if (o->store)
    open_store(w);
  if (o->portal)
    tw_portal(w);
  w->menv = (reed_module_env_t){.model = w->model,
                                .portal = w->portal,
                                .store = w->store,
                                .clock = &w->fc->clock,
                                .worker = &w->iw->worker,
                                .log = &w->log,
                                .conf = w->conf};
  /* As the module host does: the module's own tables, then init. */
  if (w->store != NULL && w->module->n_migrations > 0)
    ASSERT_EQ(reed_store_migrate(w->store, w->module->name,
                                 w->module->migrations,
                                 w->module->n_migrations),
              0);
  if (w->module->init != NULL)
    ASSERT_EQ(w->module->init(&w->menv, &w->module_state), 0);
}

tw_t *
tw_new(const tw_opts_t *opts)
{
  tw_t *w = malloc(sizeof(*w));

  ASSERT(w != NULL);
  tw_init(w, opts);
  w->heap = true;
  return w;
}

void
tw_portal(tw_t *w)
{
  reed_portal_opts_t po = {
      .creds = &w->src,
      .worker = &w->iw->worker,
      .clock = &w->fc->clock,
      .log = &w->log,
      .model = w->model,
      .registration_open = true,
      .hash_level = REED_AUTH_HASH_MIN,
  };

  ASSERT(w->portal == NULL);
  ASSERT_EQ(reed_portal_new(&po, &w->portal), 0);
  w->menv.portal = w->portal;
}

void
tw_account(tw_t *w, const char *name, const char *password)
{
  memsrc_add(&w->mem, name, password);
}

/* Where the transcript goes: the running pass, or nowhere. */
static void
hand_over(tw_t *w)
{
  if (run.active) {
    append(&run.out, &run.len, &run.cap, "{world}", 7);
    if (w->tlen > 0)
      append(&run.out, &run.len, &run.cap, w->transcript, w->tlen);
  }
  free(w->transcript);
}

static void
free_clients(tw_t *w)
{
  tw_client_t *c = w->clients, *next;

  for (; c != NULL; c = c->next)
    tw_drop(c);
  for (c = w->clients; c != NULL; c = next) {
    next = c->next;
    if (c->heap)
      free(c);
  }
}

void
tw_free(tw_t *w)
{
  free_clients(w);
  iw_run(w->iw);
  if (w->module->cleanup != NULL)
    w->module->cleanup(w->module_state);
  if (w->portal != NULL)
    reed_portal_free(w->portal);
  ASSERT_EQ(iw_pending(w->iw), 0);
  ASSERT_EQ(reed_model_live_objects(w->model), 0);
  ASSERT_EQ(fc_pending(w->fc), 0);
  if (w->store != NULL)
    close_store(w);
  reed_model_free(w->model);
  if (w->module->conf_cleanup != NULL)
    w->module->conf_cleanup(w->conf);
  if (w->own_conf)
    free(w->conf);
  fc_cleanup(w->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
  hand_over(w);
  if (w->heap)
    free(w);
}

/* ---- Clients ------------------------------------------------------------ */

/* A client's storage opened again (a fixture reconnecting) leaves the list
 * first; it was dropped before. */
static void
unlink_client(tw_t *w, tw_client_t *c)
{
  for (tw_client_t **p = &w->clients; *p != NULL; p = &(*p)->next) {
    if (*p == c) {
      ASSERT(c->core == NULL);
      *p = c->next;
      return;
    }
  }
}

int
tw_open(tw_t *w, tw_client_t *c, const char *name, fake_transport_t *ft)
{
  int rc;

  unlink_client(w, c);
  memset(c, 0, sizeof(*c));
  c->w = w;
  reed_strlcpy(c->name, name, sizeof(c->name));
  c->ft = ft ? ft : &c->own_ft;
  ft_init(c->ft);
  c->env = (reed_proto_env_t){
      .transport = &c->ft->transport,
      .clock = &w->fc->clock,
      .worker = &w->iw->worker,
      .model = w->model,
      .portal = w->portal,
      .store = w->store,
      .conf = w->conf,
      .server_conf = w->server_conf,
      .host = w->host,
      .module_state = w->module_state,
      .log = &w->log,
      .conn_id = ++w->next_conn,
      .role = w->role,
      .framing = w->framing,
  };
  rc = w->module->conn_new(&c->env, &c->core);
  if (rc != 0) {
    c->core = NULL;
    ft_cleanup(c->ft);
    return rc;
  }
  c->next = w->clients;
  w->clients = c;
  return 0;
}

tw_client_t *
tw_client(tw_t *w, const char *name)
{
  tw_client_t *c = malloc(sizeof(*c));

  ASSERT(c != NULL);
  ASSERT_EQ(tw_open(w, c, name, NULL), 0);
  c->heap = true;
  return c;
}

static void
consume(tw_client_t *c, size_t n)
{
  memmove(c->held, c->held + n, c->held_len - n);
  c->held_len -= n;
}

/* Feeds held input chunk by chunk until it is all taken or the core holds
 * some back with no on_pause hook to let it go on. */
static ssize_t
pump(tw_client_t *c)
{
  tw_t *w = c->w;

  while (c->held_len > 0 && c->core != NULL) {
    size_t n = w->chunk && w->chunk < c->held_len ? w->chunk : c->held_len;
    ssize_t r = w->module->feed(c->core, c->held, n);

    if (r < 0) {
      c->held_len = 0;
      return r;
    }
    ASSERT((size_t)r <= n);
    consume(c, (size_t)r);
    if ((size_t)r < n) {
      ASSERT(c->ft->paused); /* the feed contract: short only while paused */
      if (w->on_pause == NULL)
        return 0;
      w->on_pause(w);
    }
  }
  return 0;
}

ssize_t
tw_send_bytes(tw_client_t *c, const void *bytes, size_t len)
{
  bool waiting = c->held_len > 0; /* paused: keep the order */
  ssize_t rc;
  uint8_t *nb = realloc(c->held, c->held_len + len + 1);

  ASSERT(nb != NULL);
  c->held = nb;
  memcpy(c->held + c->held_len, bytes, len);
  c->held_len += len;
  rc = waiting ? 0 : pump(c);
  tw_turn_end(c->w);
  return rc;
}

ssize_t
tw_send(tw_client_t *c, const char *text)
{
  return tw_send_bytes(c, text, strlen(text));
}

void
tw_resume(tw_client_t *c)
{
  iw_run(c->w->iw);
  if (!c->ft->paused)
    pump(c);
  tw_turn_end(c->w);
}

const char *
tw_take(tw_client_t *c)
{
  size_t from = c->ft->read_pos;
  const char *s = ft_take(c->ft);

  record(c, s, c->ft->out_len - from);
  return s;
}

void
tw_eof(tw_client_t *c, const char *reason)
{
  c->w->module->eof(c->core, reason);
}

void
tw_drop(tw_client_t *c)
{
  char closed[300];

  if (c->core == NULL)
    return;
  c->w->module->conn_free(c->core);
  c->core = NULL;
  tw_take(c);
  if (c->ft->closed) {
    snprintf(closed, sizeof(closed), "{closed: %s}", c->ft->close_reason);
    record(c, closed, strlen(closed));
  }
  ft_cleanup(c->ft);
  free(c->held);
  c->held = NULL;
  c->held_len = 0;
}

/* ---- The chunked rerun ----------------------------------------------------
 */

/* Shows where two transcripts part, bytes outside printable ASCII escaped. */
static void
show(FILE *f, const char *label, const char *p, size_t len, size_t at)
{
  size_t from = at > 120 ? at - 120 : 0, to = at + 120 < len ? at + 120 : len;

  fprintf(f, "--- %s, bytes %zu..%zu:\n", label, from, to);
  for (size_t i = from; i < to; i++) {
    unsigned char ch = (unsigned char)p[i];
    if (ch == '\n' || (ch >= 0x20 && ch < 0x7f))
      fputc(ch, f);
    else
      fprintf(f, "\\x%02x", ch);
  }
  fputc('\n', f);
}

static void
compare(const char *first, size_t first_len, size_t chunk)
{
  size_t at = 0;

  if (run.len == first_len && memcmp(run.out, first, first_len) == 0)
    return;
  while (at < run.len && at < first_len && run.out[at] == first[at])
    at++;
  show(stderr, "whole", first, first_len, at);
  show(stderr, "chunked", run.out, run.len, at);
  reed__test_fail(__FILE__, __LINE__,
                  "%zu bytes per feed changed the output at byte %zu", chunk,
                  at);
}

void
tw_run_chunked(void (*scenario)(void *arg), void *arg)
{
  static const size_t chunks[] = {0, 1, 2, 3, 7};
  char *first = NULL;
  size_t first_len = 0;

  for (size_t k = 0; k < REED_ARRAY_SIZE(chunks); k++) {
    run = (run_t){.active = true, .chunk = chunks[k]};
    scenario(arg);
    run.active = false;
    ASSERT(run.out != NULL); /* the scenario built and freed a world */
    if (first == NULL) {
      first = run.out;
      first_len = run.len;
      continue;
    }
    compare(first, first_len, chunks[k]);
    free(run.out);
  }
  free(first);
  run.out = NULL;
}

size_t
tw_chunk(void)
{
  return run.active ? run.chunk : 0;
}
