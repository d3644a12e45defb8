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
has_listener(const reed_config_t *cfg, const reed_listener_t *l)
{
  size_t n = 0;
  const reed_listener_t *ls = reed_config_listeners(cfg, &n);

  for (size_t i = 0; i < n; i++)
    if (strcmp(ls[i].module, l->module) == 0 &&
        strcmp(ls[i].spec, l->spec) == 0)
      return true;
  return false;
}

/* Listeners by their endpoint as written: one the new config drops (or
 * changes: address, port, TLS files) is closed, its connections staying;
 * one it adds is bound. Runs with a->cfg already the new config. */
static void
rebind(app_t *a, const reed_config_t *old)
{
  size_t n = 0;
  const reed_listener_t *ls = reed_config_listeners(old, &n);
  char key[LISTENER_KEY_MAX];
  int level = a->log.min_level;

  for (size_t i = 0; i < n; i++) {
    if (has_listener(a->cfg, &ls[i]))
      continue;
    reed__app_listener_key(&ls[i], key, sizeof(key));
    reed_net_unlisten(a->net, key);
  }
  /* The `listening` lines are what tests and operators read. */
  if (a->log.min_level > REED_LOG_INFO)
    a->log.min_level = REED_LOG_INFO;
  ls = reed_config_listeners(a->cfg, &n);
  for (size_t i = 0; i < n; i++) {
    reed__app_listener_key(&ls[i], key, sizeof(key));
    if (!reed_net_has_listener(a->net, key) &&
        reed__app_listen_one(a, &ls[i]) != 0)
      reed_log(&a->log, REED_LOG_ERROR, "reload: cannot listen on %s", key);
  }
  a->log.min_level = level;
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
  reed_portal_regthrottle_t rf = reed__app_reg_throttle_of(&cfg->server);

  reed_net_set_limits(a->net, &lim);
  reed_portal_set_registration(a->portal, cfg->server.registration ==
                                              REED_REGISTRATION_OPEN);
  reed_portal_set_hash_level(a->portal, cfg->server.password_hash);
  reed_portal_set_password_min(a->portal, (size_t)cfg->server.password_min);
  reed_modhost_reload(&a->modules, cfg);
  reed_inner_reload(&a->inner, cfg);
  reed_portal_set_throttle(a->portal, &tf);
  reed_portal_set_reg_throttle(a->portal, &rf);
  for (size_t i = 0; reed_protocol_modules[i] != NULL; i++) {
    const reed_protocol_module_t *m = reed_protocol_modules[i];
    reed_net_update_conf(a->net, &cfg->server, m,
                         reed_config_module(cfg, m->name));
  }
  a->log.min_level = cfg->server.log_level;
  reed_model_set_default_topic_lock(a->model, cfg->server.default_topic_lock);
  reed_store_set_min_free(a->store, cfg->server.store_min_free);
  reed_model_set_msg_limits(a->model, (size_t)cfg->server.max_message_lines,
                            (size_t)cfg->server.max_message_bytes);
}

/* SIGHUP: a new config (same modules enabled, same data_dir) with its
 * listeners, then the certificates and the bot plugins (the old ones
 * unloaded, the configured ones loaded again). */
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
    reed_config_t *old = a->cfg;

    apply_config(a, cfg);
    a->cfg = cfg;
    rebind(a, old);
    reed_config_free(old);
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
