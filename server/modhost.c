/* The module host (modhost.h): migrations and init at start-up, cleanup
 * at exit, the module env repointed on reload. */
#include "modhost.h"

#include "store.h"

static int
start_one(reed_modhost_t *h, const reed_protocol_module_t *m,
          const reed_module_env_t *env)
{
  reed_log_t *log = env->log;
  size_t i = h->n;
  int rc = 0;

  h->mods[i].module = m;
  h->mods[i].env = *env;
  h->mods[i].state = NULL;
  if (m->n_migrations > 0 && env->store != NULL)
    rc =
        reed_store_migrate(env->store, m->name, m->migrations, m->n_migrations);
  if (rc == 0 && m->init != NULL)
    rc = m->init(&h->mods[i].env, &h->mods[i].state);
  if (rc != 0) {
    reed_log(log, REED_LOG_ERROR, "module %s did not start: %s", m->name,
             reed_strerror(rc));
    return rc;
  }
  h->n++;
  return 0;
}

int
reed_modhost_start(reed_modhost_t *h,
                   const reed_protocol_module_t *const *table,
                   const reed_config_t *cfg, const reed_module_env_t *base)
{
  *h = (reed_modhost_t){0};
  for (size_t i = 0; table[i] != NULL; i++) {
    reed_module_env_t env = *base;
    int rc;
    if ((env.conf = reed_config_module(cfg, table[i]->name)) == NULL)
      continue;
    rc = h->n == REED_MODULES_MAX ? REED_ELIMIT : start_one(h, table[i], &env);
    if (rc != 0) {
      reed_modhost_stop(h);
      return rc;
    }
  }
  return 0;
}

void *
reed_modhost_state(const reed_modhost_t *h, const reed_protocol_module_t *m)
{
  for (size_t i = 0; i < h->n; i++)
    if (h->mods[i].module == m)
      return h->mods[i].state;
  return NULL;
}

void
reed_modhost_reload(reed_modhost_t *h, const reed_config_t *cfg)
{
  for (size_t i = 0; i < h->n; i++) {
    h->mods[i].env.conf = reed_config_module(cfg, h->mods[i].module->name);
    h->mods[i].env.server_conf = &cfg->server;
  }
}

void
reed_modhost_stop(reed_modhost_t *h)
{
  while (h->n > 0) {
    size_t i = --h->n;
    if (h->mods[i].module->cleanup != NULL)
      h->mods[i].module->cleanup(h->mods[i].state);
    h->mods[i].state = NULL;
  }
}
