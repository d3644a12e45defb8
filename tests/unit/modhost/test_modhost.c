/* The module host: migrations under the module's owner name by the
 * store's runner, then init, for enabled modules only; cleanup in reverse
 * order; the module env repointed on reload. */
#include "harness.h"
#include "modhost.h"
#include "store_test.h"

#include <string.h>

/* What the test modules saw, in order: "init:alpha", "cleanup:beta", ... */
static char calls[512];
static int fail_init; /* the init of "beta" returns this when nonzero */
static const reed_module_env_t *alpha_env;

static void
called(const char *what, const char *name)
{
  strcat(calls, what);
  strcat(calls, ":");
  strcat(calls, name);
  strcat(calls, " ");
}

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

static const reed_store_migration_t alpha_steps[] = {
    {.sql = "CREATE TABLE alpha_a(x INTEGER)"},
    {.sql = "INSERT INTO alpha_a VALUES(42)"},
};

/* init runs after the migrations: its tables are there. */
static int
alpha_init(const reed_module_env_t *env, void **state)
{
  ASSERT_EQ(sf_int(reed_store_sqlite(env->store), "SELECT x FROM alpha_a"), 42);
  ASSERT_EQ(((const tconf_t *)env->conf)->value, 7);
  called("init", "alpha");
  alpha_env = env;
  *state = (void *)"alpha state";
  return 0;
}

static void
alpha_cleanup(void *state)
{
  ASSERT_STR_EQ(state, "alpha state");
  called("cleanup", "alpha");
}

static int
beta_init(const reed_module_env_t *env, void **state)
{
  REED_UNUSED(env);
  called("init", "beta");
  if (fail_init != 0)
    return fail_init;
  *state = reed_malloc(8);
  return *state != NULL ? 0 : REED_ENOMEM;
}

static void
beta_cleanup(void *state)
{
  reed_free(state);
  called("cleanup", "beta");
}

static const char *const no_endpoints[] = {NULL};

static const reed_protocol_module_t alpha = {
    .name = "alpha",
    .default_endpoints = no_endpoints,
    .directives = tdirs,
    .conf_size = sizeof(tconf_t),
    .migrations = alpha_steps,
    .n_migrations = REED_ARRAY_SIZE(alpha_steps),
    .init = alpha_init,
    .cleanup = alpha_cleanup,
};

static const reed_protocol_module_t beta = {
    .name = "beta",
    .default_endpoints = no_endpoints,
    .init = beta_init,
    .cleanup = beta_cleanup,
};

/* A module with migrations only, and one the configs never enable. */
static const reed_store_migration_t gamma_steps[] = {
    {.sql = "CREATE TABLE gamma_a(x)"},
};
static const reed_protocol_module_t gamma = {
    .name = "gamma",
    .default_endpoints = no_endpoints,
    .migrations = gamma_steps,
    .n_migrations = 1,
};
static const reed_protocol_module_t delta = {
    .name = "delta",
    .default_endpoints = no_endpoints,
    .migrations = gamma_steps,
    .n_migrations = 1,
    .init = beta_init,
};

static const reed_protocol_module_t *const table[] = {&alpha, &beta, &gamma,
                                                      &delta, NULL};

typedef struct {
  store_fixture_t sf;
  reed_store_t *st;
  reed_conf_section_t sections[4];
  reed_config_t *cfg;
  reed_module_env_t base;
  reed_modhost_t host;
} fx_t;

static reed_config_t *
load(fx_t *f, const char *text)
{
  reed_config_t *cfg = NULL;
  reed_conf_err_t err;

  memset(&err, 0, sizeof(err));
  ASSERT_EQ(
      reed_config_load_string("test.ini", text, f->sections, 4, &cfg, &err), 0);
  return cfg;
}

static void
fx_init(fx_t *f, const char *text)
{
  memset(f, 0, sizeof(*f));
  calls[0] = '\0';
  fail_init = 0;
  alpha_env = NULL;
  for (size_t i = 0; i < 4; i++)
    f->sections[i] = (reed_conf_section_t){
        .name = table[i]->name,
        .directives = table[i]->directives,
        .conf_size = table[i]->conf_size,
        .default_endpoints = table[i]->default_endpoints,
    };
  sf_init(&f->sf);
  f->st = sf_open(&f->sf);
  f->cfg = load(f, text);
  f->base = (reed_module_env_t){.store = f->st, .log = &f->sf.log};
}

static void
fx_done(fx_t *f)
{
  reed_config_free(f->cfg);
  reed_store_close(f->st);
  sf_cleanup(&f->sf);
}

static const char three[] = "[alpha]\nvalue = 7\n[beta]\n[gamma]\n";

TEST(start_migrates_then_inits_enabled_modules)
{
  long live = reed_alloc_live();
  fx_t f;

  fx_init(&f, three);
  ASSERT_EQ(reed_modhost_start(&f.host, table, f.cfg, &f.base), 0);
  ASSERT_STR_EQ(calls, "init:alpha init:beta ");
  ASSERT_EQ(reed_store_schema_version(f.st, "alpha"), 2);
  ASSERT_EQ(reed_store_schema_version(f.st, "gamma"), 1);
  /* delta has no section: neither migrated nor started. */
  ASSERT_EQ(reed_store_schema_version(f.st, "delta"), 0);
  ASSERT_STR_EQ(reed_modhost_state(&f.host, &alpha), "alpha state");
  ASSERT(reed_modhost_state(&f.host, &beta) != NULL);
  ASSERT(reed_modhost_state(&f.host, &gamma) == NULL);
  ASSERT(reed_modhost_state(&f.host, &delta) == NULL);
  /* The env init kept carries the base services and its own conf. */
  ASSERT(alpha_env->store == f.st);
  ASSERT(alpha_env->conf == reed_config_module(f.cfg, "alpha"));
  calls[0] = '\0';
  reed_modhost_stop(&f.host);
  ASSERT_STR_EQ(calls, "cleanup:beta cleanup:alpha ");
  ASSERT_EQ(f.host.n, 0);
  reed_modhost_stop(&f.host); /* nothing left to clean */
  ASSERT_STR_EQ(calls, "cleanup:beta cleanup:alpha ");
  fx_done(&f);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* A second start (the next run of the server) finds the steps done: a
 * rerun step would fail, as alpha's CREATE TABLE would. */
TEST(restart_runs_each_step_once)
{
  fx_t f;

  fx_init(&f, three);
  ASSERT_EQ(reed_modhost_start(&f.host, table, f.cfg, &f.base), 0);
  reed_modhost_stop(&f.host);
  reed_store_close(f.st);
  f.st = sf_open(&f.sf);
  f.base.store = f.st;
  calls[0] = '\0';
  ASSERT_EQ(reed_modhost_start(&f.host, table, f.cfg, &f.base), 0);
  ASSERT_STR_EQ(calls, "init:alpha init:beta ");
  ASSERT_EQ(reed_store_schema_version(f.st, "alpha"), 2);
  ASSERT_EQ(sf_int(reed_store_sqlite(f.st), "SELECT count(*) FROM alpha_a"), 1);
  reed_modhost_stop(&f.host);
  fx_done(&f);
}

TEST(init_failure_cleans_up_started)
{
  fx_t f;

  fx_init(&f, three);
  fail_init = REED_ECONFIG;
  ASSERT_EQ(reed_modhost_start(&f.host, table, f.cfg, &f.base), REED_ECONFIG);
  /* alpha started and is cleaned up; beta's init failed, so no cleanup. */
  ASSERT_STR_EQ(calls, "init:alpha init:beta cleanup:alpha ");
  ASSERT_EQ(f.host.n, 0);
  ASSERT(sf_logged(&f.sf, "module beta did not start"));
  fx_done(&f);
}

TEST(migration_failure_stops_start)
{
  static const reed_store_migration_t bad[] = {{.sql = "CREATE TABL x(y)"}};
  reed_protocol_module_t broken = alpha;
  const reed_protocol_module_t *const t2[] = {&beta, &broken, NULL};
  fx_t f;

  fx_init(&f, three);
  broken.migrations = bad;
  broken.n_migrations = 1;
  ASSERT_EQ(reed_modhost_start(&f.host, t2, f.cfg, &f.base), REED_EIO);
  ASSERT_STR_EQ(calls, "init:beta cleanup:beta "); /* alpha's init: never */
  ASSERT(sf_logged(&f.sf, "module alpha did not start"));
  ASSERT_EQ(reed_store_schema_version(f.st, "alpha"), 0);
  fx_done(&f);
}

TEST(reload_repoints_module_env)
{
  fx_t f;
  reed_config_t *next;

  fx_init(&f, three);
  ASSERT_EQ(reed_modhost_start(&f.host, table, f.cfg, &f.base), 0);
  const reed_module_env_t *kept = alpha_env;
  next = load(&f, "[alpha]\nvalue = 9\n[beta]\n[gamma]\n");
  calls[0] = '\0';
  reed_modhost_reload(&f.host, next);
  ASSERT_STR_EQ(calls, ""); /* neither init nor cleanup */
  ASSERT(kept == alpha_env);
  ASSERT_EQ(((const tconf_t *)kept->conf)->value, 9);
  ASSERT(kept->server_conf == &next->server);
  reed_config_free(f.cfg);
  f.cfg = next;
  reed_modhost_stop(&f.host);
  fx_done(&f);
}
