/* SIGHUP: a new config (same modules enabled) applied to the running
 * server, then the certificates and the bot plugins. */
#include "app_int.h"

#include <string.h>

static bool
same_modules(const reed_config_t *old, const reed_config_t *cfg)
{
  for (size_t i = 0; reed_protocol_modules[i] != NULL; i++) {
    const char *name = reed_protocol_modules[i]->name;
    if ((reed_config_module(old, name) == NULL) !=
        (reed_config_module(cfg, name) == NULL))
      return false;
  }
  return true;
}

static bool
same_listeners(const reed_config_t *old, const reed_config_t *cfg)
{
  size_t n_old = 0, n_new = 0;
  const reed_listener_t *lo = reed_config_listeners(old, &n_old);
  const reed_listener_t *ln = reed_config_listeners(cfg, &n_new);

  if (n_old != n_new)
    return false;
  for (size_t i = 0; i < n_old; i++)
    if (strcmp(lo[i].module, ln[i].module) != 0 ||
        strcmp(lo[i].spec, ln[i].spec) != 0)
      return false;
  return true;
}

int
reed__app_open_log(app_t *a)
{
  const char *path = a->cfg->server.log_file;
  int rc;

  if (path == NULL) {
    reed_log_close_file(&a->log);
    return 0;
  }
  rc = reed_log_open_file(&a->log, path);
  if (rc != 0)
    reed_log(&a->log, REED_LOG_ERROR, "cannot open log file %s: %s", path,
             reed_strerror(rc));
  return rc;
}

static void
apply_config(app_t *a, reed_config_t *cfg)
{
  reed_net_limits_t lim = reed__app_limits_of(&cfg->server);
  reed_portal_throttle_t tf = reed__app_throttle_of(&cfg->server);

  reed_net_set_limits(a->net, &lim);
  if (!same_listeners(a->cfg, cfg))
    reed_log(&a->log, REED_LOG_WARN,
             "reload: listener changes take effect at the next start");
  reed_portal_set_registration(a->portal, cfg->server.registration ==
                                              REED_REGISTRATION_OPEN);
  reed_portal_set_hash_level(a->portal, cfg->server.password_hash);
  reed_modhost_reload(&a->modules, cfg);
  reed_portal_set_throttle(a->portal, &tf);
  for (size_t i = 0; reed_protocol_modules[i] != NULL; i++) {
    const reed_protocol_module_t *m = reed_protocol_modules[i];
    reed_net_update_conf(a->net, &cfg->server, m,
                         reed_config_module(cfg, m->name));
  }
  a->log.min_level = cfg->server.log_level;
  reed_model_set_default_topic_lock(a->model, cfg->server.default_topic_lock);
  reed_store_set_min_free(a->store, cfg->server.store_min_free);
}

/* SIGHUP: a new config (same modules enabled), then the certificates and
 * the bot plugins (the old ones unloaded, the configured ones loaded
 * again). New listeners and data-dir changes take a restart. */
void
reed__app_reload(void *ud)
{
  app_t *a = ud;
  reed_config_t *cfg = NULL;

  if (a->config_path != NULL && reed__app_load_config(a, &cfg) != 0) {
    reed_log(&a->log, REED_LOG_ERROR, "reload: config has errors; kept");
    cfg = NULL;
  } else if (cfg != NULL && !same_modules(a->cfg, cfg)) {
    reed_log(&a->log, REED_LOG_ERROR,
             "reload: enabling or disabling a protocol needs a restart");
    reed_config_free(cfg);
    cfg = NULL;
  } else if (cfg != NULL &&
             strcmp(a->cfg->server.data_dir, cfg->server.data_dir) != 0) {
    /* The store, its lock and the certificate are open in the old one. */
    reed_log(&a->log, REED_LOG_ERROR,
             "reload: data_dir changed, which needs a restart: the database "
             "and its lock are open in the old one; config kept, data_dir "
             "stays %s (not %s)",
             a->cfg->server.data_dir, cfg->server.data_dir);
    reed_config_free(cfg);
    cfg = NULL;
  }
  if (cfg != NULL) {
    apply_config(a, cfg);
    reed_config_free(a->cfg);
    a->cfg = cfg;
  }
  /* After logrotate moved the file: the same path, opened again. */
  reed__app_open_log(a);
  if (cfg != NULL)
    reed_audit(&a->log, "config reloaded from %s", a->cfg->file);
  if (reed__app_setup_tls(a, &a->cfg->server) == 0)
    reed_log(&a->log, REED_LOG_INFO, "reload: certificate %s loaded", a->cert);
  reed__app_unload_plugins(a);
  reed__app_load_plugins(a);
}
