/* The host's inner cores: a module's core opened on a transport the
 * caller gives (a WebSocket's), with the env net would give a TCP
 * connection of that module, counted per module, repointed on reload,
 * admitted per address, and freed with its carrier. */
#include "fake_transport.h"
#include "harness.h"
#include "inner.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  int value;
} tconf_t;

static const reed_directive_t tdirs[] = {
    {.key = "value",
     .set = reed_conf_set_int,
     .offset = offsetof(tconf_t, value),
     .def = "1"},
    {.key = NULL},
};

/* What the test module saw: "new feed:3 eof:Gone shutdown:1 free ". */
static char calls[256];
static const reed_proto_env_t *seen_env;
static int fail_new;

static void
called(const char *what)
{
  strcat(calls, what);
  strcat(calls, " ");
}

static int
t_init(const reed_module_env_t *env, void **state)
{
  REED_UNUSED(env);
  *state = (void *)"alpha state";
  return 0;
}

static int
t_conn_new(const reed_proto_env_t *env, void **core)
{
  static const char hello[] = "hello\r\n";
  reed_buf_t *b;

  called("new");
  if (fail_new != 0)
    return fail_new;
  seen_env = env;
  *core = reed_malloc(16); /* a leak check catches a missing conn_free */
  b = reed_buf_from(hello, sizeof(hello) - 1);
  env->transport->write(env->transport->t, b);
  reed_buf_unref(b);
  return *core != NULL ? 0 : REED_ENOMEM;
}

static ssize_t
t_feed(void *core, const uint8_t *in, size_t len)
{
  char what[32];

  REED_UNUSED(core);
  REED_UNUSED(in);
  snprintf(what, sizeof(what), "feed:%zu", len);
  called(what);
  return (ssize_t)len;
}

static void
t_eof(void *core, const char *reason)
{
  char what[64];

  REED_UNUSED(core);
  snprintf(what, sizeof(what), "eof:%s", reason);
  called(what);
}

static void
t_shutdown(void *core, int why)
{
  char what[32];

  REED_UNUSED(core);
  snprintf(what, sizeof(what), "shutdown:%d", why);
  called(what);
}

static void
t_conn_free(void *core)
{
  called("free");
  reed_free(core);
}

static const char *const no_endpoints[] = {NULL};

static const reed_protocol_module_t alpha = {
    .name = "alpha",
    .default_endpoints = no_endpoints,
    .directives = tdirs,
    .conf_size = sizeof(tconf_t),
    .init = t_init,
    .conn_new = t_conn_new,
    .feed = t_feed,
    .eof = t_eof,
    .shutdown = t_shutdown,
    .conn_free = t_conn_free,
};
/* Built but not enabled by the configs below. */
static const reed_protocol_module_t beta = {
    .name = "beta",
    .default_endpoints = no_endpoints,
    .conn_new = t_conn_new,
    .feed = t_feed,
    .conn_free = t_conn_free,
};

static const reed_protocol_module_t *const table[] = {&alpha, &beta, NULL};

typedef struct {
  reed_conf_section_t sections[2];
  reed_config_t *cfg;
  reed_log_t log;
  reed_modhost_t mods;
  reed_host_t host;
  reed_inner_host_t h;
  fake_transport_t ft;
  uint64_t next_id;
  /* admission: what admit answers, and what it and release saw */
  int admit_rc;
  char admitted[64], released[64];
} fx_t;

static reed_config_t *
load(fx_t *f, const char *text)
{
  reed_config_t *cfg = NULL;
  reed_conf_err_t err;

  memset(&err, 0, sizeof(err));
  ASSERT_EQ(
      reed_config_load_string("test.ini", text, f->sections, 2, &cfg, &err), 0);
  return cfg;
}

static int
fx_admit(void *ud, const char *ip)
{
  fx_t *f = ud;

  reed_strlcpy(f->admitted, ip, sizeof(f->admitted));
  return f->admit_rc;
}

static void
fx_release(void *ud, const char *ip)
{
  fx_t *f = ud;

  reed_strlcpy(f->released, ip, sizeof(f->released));
}

static uint64_t
fx_id(void *ud)
{
  return ++((fx_t *)ud)->next_id;
}

static void
fx_init(fx_t *f)
{
  reed_module_env_t base = {0};

  memset(f, 0, sizeof(*f));
  calls[0] = '\0';
  seen_env = NULL;
  fail_new = 0;
  for (size_t i = 0; i < 2; i++)
    f->sections[i] = (reed_conf_section_t){
        .name = table[i]->name,
        .directives = table[i]->directives,
        .conf_size = table[i]->conf_size,
        .default_endpoints = table[i]->default_endpoints,
    };
  reed_log_init_stderr(&f->log, REED_LOG_ERROR);
  f->cfg = load(f, "[alpha]\nvalue = 7\n");
  base.log = &f->log;
  ASSERT_EQ(reed_modhost_start(&f->mods, table, f->cfg, &base), 0);
  ft_init(&f->ft);
  reed_strlcpy(f->ft.peer.ip, "198.51.100.4", sizeof(f->ft.peer.ip));
  f->next_id = 100;
  f->h = (reed_inner_host_t){
      .log = &f->log,
      .host = &f->host,
      .cfg = f->cfg,
      .modules = &f->mods,
      .table = table,
      .admit = fx_admit,
      .release = fx_release,
      .next_conn_id = fx_id,
      .ud = f,
  };
}

static void
fx_done(fx_t *f)
{
  ASSERT(f->h.open == NULL);
  reed_modhost_stop(&f->mods);
  reed_config_free(f->cfg);
  ft_cleanup(&f->ft);
}

TEST(open_gives_the_module_env)
{
  long live = reed_alloc_live();
  fx_t f;
  reed_inner_t *in;

  fx_init(&f);
  in = reed_inner_open(&f.h, "alpha", &f.ft.transport, REED_FRAMING_WEBSOCKET);
  ASSERT(in != NULL);
  ASSERT(seen_env->conf == reed_config_module(f.cfg, "alpha"));
  ASSERT_EQ(((const tconf_t *)seen_env->conf)->value, 7);
  ASSERT(seen_env->server_conf == &f.cfg->server);
  ASSERT_STR_EQ(seen_env->module_state, "alpha state");
  ASSERT_EQ(seen_env->framing, REED_FRAMING_WEBSOCKET);
  ASSERT(seen_env->role == NULL);
  ASSERT(seen_env->host == &f.host);
  ASSERT_EQ(seen_env->conn_id, 101);
  /* The transport is a copy of the caller's: writes reach the carrier. */
  ASSERT(seen_env->transport != &f.ft.transport);
  ASSERT_STR_EQ(ft_take(&f.ft), "hello\r\n");
  ASSERT_EQ(reed_inner_feed(in, (const uint8_t *)"abc", 3), 3);
  ASSERT_EQ(reed_inner_count(&f.h, "alpha"), 1);
  ASSERT_EQ(reed_inner_count(&f.h, "beta"), 0);
  reed_inner_free(in);
  ASSERT_STR_EQ(calls, "new feed:3 free ");
  ASSERT_EQ(reed_inner_count(&f.h, "alpha"), 0);
  fx_done(&f);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(open_refuses_what_is_not_enabled)
{
  fx_t f;

  fx_init(&f);
  ASSERT(reed_inner_open(&f.h, "beta", &f.ft.transport, 1) == NULL);
  ASSERT(reed_inner_open(&f.h, "gamma", &f.ft.transport, 1) == NULL);
  ASSERT_STR_EQ(calls, "");
  ASSERT_STR_EQ(f.admitted, "");
  fx_done(&f);
}

TEST(conn_new_failure_frees)
{
  long live = reed_alloc_live();
  fx_t f;

  fx_init(&f);
  fail_new = REED_ENOMEM;
  ASSERT(reed_inner_open(&f.h, "alpha", &f.ft.transport, 1) == NULL);
  ASSERT_STR_EQ(calls, "new ");
  ASSERT_EQ(reed_inner_count(&f.h, "alpha"), 0);
  /* The slot it took is given back. */
  ASSERT_STR_EQ(f.released, "198.51.100.4");
  fx_done(&f);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(eof_shutdown_and_free_reach_the_core)
{
  fx_t f;
  reed_inner_t *a, *b;

  fx_init(&f);
  a = reed_inner_open(&f.h, "alpha", &f.ft.transport, 1);
  b = reed_inner_open(&f.h, "alpha", &f.ft.transport, 1);
  ASSERT(a != NULL && b != NULL);
  ASSERT_EQ(reed_inner_count(&f.h, "alpha"), 2);
  calls[0] = '\0';
  reed_inner_shutdown(a, REED_SHUTDOWN_SERVER);
  reed_inner_eof(b, "Gone");
  reed_inner_free(a);
  ASSERT_EQ(reed_inner_count(&f.h, "alpha"), 1);
  reed_inner_free(b);
  ASSERT_STR_EQ(calls, "shutdown:1 eof:Gone free free ");
  reed_inner_free(NULL);
  fx_done(&f);
}

TEST(reload_repoints_the_config)
{
  fx_t f;
  reed_inner_t *in;
  reed_config_t *cfg;

  fx_init(&f);
  in = reed_inner_open(&f.h, "alpha", &f.ft.transport, 1);
  ASSERT(in != NULL);
  cfg = load(&f, "[alpha]\nvalue = 9\n");
  reed_modhost_reload(&f.mods, cfg);
  reed_inner_reload(&f.h, cfg);
  reed_config_free(f.cfg);
  f.cfg = cfg;
  ASSERT_EQ(((const tconf_t *)seen_env->conf)->value, 9);
  ASSERT(seen_env->server_conf == &cfg->server);
  reed_inner_free(in);
  /* A core opened after the reload gets the new config too. */
  in = reed_inner_open(&f.h, "alpha", &f.ft.transport, 1);
  ASSERT_EQ(((const tconf_t *)seen_env->conf)->value, 9);
  reed_inner_free(in);
  fx_done(&f);
}

/* The client's address (the carrier's peer) is admitted: refused, no
 * core; counted, released at free; already counted by the carrier (1),
 * nothing to release. */
TEST(admission_per_address)
{
  fx_t f;
  reed_inner_t *in;

  fx_init(&f);
  f.admit_rc = REED_ELIMIT;
  ASSERT(reed_inner_open(&f.h, "alpha", &f.ft.transport, 1) == NULL);
  ASSERT_STR_EQ(f.admitted, "198.51.100.4");
  ASSERT_STR_EQ(calls, "");
  f.admit_rc = 0;
  in = reed_inner_open(&f.h, "alpha", &f.ft.transport, 1);
  ASSERT(in != NULL);
  ASSERT_STR_EQ(f.released, "");
  reed_inner_free(in);
  ASSERT_STR_EQ(f.released, "198.51.100.4");
  f.released[0] = '\0';
  f.admit_rc = 1;
  in = reed_inner_open(&f.h, "alpha", &f.ft.transport, 1);
  ASSERT(in != NULL);
  reed_inner_free(in);
  ASSERT_STR_EQ(f.released, "");
  fx_done(&f);
}
