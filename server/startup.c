/* The server's start-up and teardown steps, in the order main.c's start()
 * runs them, and the glue between the module table and config. */
#include "app_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define ACCOUNT_WATCH_MS 1000

/* ---- Modules and config ----------------------------------------------------
 */
void
reed__app_build_sections(app_t *a)
{
  a->n_sections = 0;
  for (size_t i = 0;
       reed_protocol_modules[i] != NULL && a->n_sections < MAX_MODULES; i++) {
    const reed_protocol_module_t *m = reed_protocol_modules[i];
    a->sections[a->n_sections++] = (reed_conf_section_t){
        .name = m->name,
        .directives = m->directives,
        .conf_size = m->conf_size,
        .defaults = m->conf_defaults,
        .check = m->conf_check,
        .cleanup = m->conf_cleanup,
        .default_endpoints = m->default_endpoints,
        .check_listeners = m->conf_check_listeners,
        .listen_roles = m->listen_roles,
    };
  }
  if (a->n_sections < MAX_MODULES)
    a->sections[a->n_sections++] = reed_config_acme_section;
}

const reed_protocol_module_t *
reed__app_module_named(const char *name)
{
  for (size_t i = 0; reed_protocol_modules[i] != NULL; i++)
    if (strcmp(reed_protocol_modules[i]->name, name) == 0)
      return reed_protocol_modules[i];
  return NULL;
}

/* Loads the file or the default; prints the error and returns it. */
int
reed__app_load_config(app_t *a, reed_config_t **out)
{
  reed_conf_err_t err;
  char msg[1024];
  int rc;

  memset(&err, 0, sizeof(err));
  if (a->config_path != NULL)
    rc = reed_config_load_file(a->config_path, a->sections, a->n_sections, out,
                               &err);
  else
    rc = reed_config_load_default(a->sections, a->n_sections, out, &err);
  if (rc != 0) {
    reed_conf_err_format(&err, msg, sizeof(msg));
    fprintf(stderr, "%s\n", msg);
  }
  return rc;
}

int
reed__app_check_config(app_t *a, const char *path)
{
  char msg[1024];
  int rc = reed_config_check_file(path, a->sections, a->n_sections, msg,
                                  sizeof(msg));

  if (rc == 0 && reed__app_check_tls(a, path) != 0)
    return 1;
  fprintf(rc == 0 ? stdout : stderr, "%s\n", msg);
  return rc == 0 ? 0 : 1;
}

/* mkdir -p with mode 0700 for what it creates. */
static int
make_dirs(const char *dir)
{
  char path[PATH_MAX_LEN];
  size_t len = reed_strlcpy(path, dir, sizeof(path));

  if (len == 0 || len >= sizeof(path))
    return REED_EINVAL;
  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
      return REED_EIO;
    *p = '/';
  }
  if (mkdir(path, 0700) != 0 && errno != EEXIST)
    return REED_EIO;
  return 0;
}

/* One server per data dir: an exclusive flock on DIR/reed.lock, which
 * holds the PID of the server that has it. The descriptor stays open (and
 * the lock held) until the process exits; account commands do not take
 * it, so they work while a server runs. */
static int
lock_data_dir(const char *dir)
{
  char path[PATH_MAX_LEN], pid[32];
  int fd, n;

  snprintf(path, sizeof(path), "%s/reed.lock", dir);
  fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    fprintf(stderr, "reed: cannot open %s: %s\n", path, strerror(errno));
    return REED_EIO;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    n = errno == EWOULDBLOCK ? (int)pread(fd, pid, sizeof(pid) - 1, 0) : -1;
    pid[n > 0 ? n : 0] = '\0';
    pid[strcspn(pid, "\n")] = '\0';
    if (errno == EWOULDBLOCK || n >= 0)
      fprintf(stderr,
              "reed: the data dir %s is in use by another reed server "
              "(pid %s); stop it or give this one another data_dir\n",
              dir, pid[0] ? pid : "unknown");
    else
      fprintf(stderr, "reed: cannot lock %s: %s\n", path, strerror(errno));
    close(fd);
    return REED_EUNAVAILABLE;
  }
  n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
    fprintf(stderr, "reed: cannot write the PID to %s: %s\n", path,
            strerror(errno));
  return 0; /* fd left open on purpose: it holds the lock */
}

int
reed__app_open_store(app_t *a)
{
  return reed__app_open_store_at(a, a->cfg->server.data_dir, true);
}

int
reed__app_open_existing_store(app_t *a, const char *dir, bool from_option)
{
  char path[PATH_MAX_LEN];
  struct stat st;
  int rc;

  snprintf(path, sizeof(path), "%s/reed.db", dir);
  if (stat(path, &st) != 0) {
    fprintf(stderr,
            "reed: no store at %s (data_dir of %s); point at the server's "
            "with --config FILE or --data-dir DIR\n",
            path,
            from_option              ? "--data-dir"
            : a->config_path != NULL ? a->config_path
                                     : "the default config, relative to the "
                                       "current directory");
    return REED_ENOTFOUND;
  }
  rc = reed_store_open(path, &a->log, &a->store);
  if (rc != 0)
    fprintf(stderr, "reed: cannot open the store %s: %s\n", path,
            reed_strerror(rc));
  return rc;
}

int
reed__app_open_store_at(app_t *a, const char *dir, bool lock)
{
  char path[PATH_MAX_LEN];
  int rc;

  if (make_dirs(dir) != 0) {
    fprintf(stderr, "reed: cannot create data dir %s: %s\n", dir,
            strerror(errno));
    return REED_EIO;
  }
  if (lock && (rc = lock_data_dir(dir)) != 0)
    return rc;
  snprintf(path, sizeof(path), "%s/reed.db", dir);
  rc = reed_store_open(path, &a->log, &a->store);
  if (rc != 0)
    fprintf(stderr, "reed: cannot open the store %s: %s\n", path,
            reed_strerror(rc));
  return rc;
}

reed_net_limits_t
reed__app_limits_of(const reed_server_conf_t *s)
{
  reed_net_limits_t l = {
      .recvq = s->recvq,
      .sendq = s->sendq,
      .max_per_ip = s->max_connections_per_ip > 0
                        ? (unsigned)s->max_connections_per_ip
                        : 0,
      .max_connections =
          s->max_connections > 0 ? (unsigned)s->max_connections : 0,
      /* A TLS handshake is part of registering. */
      .handshake_timeout_ms = s->registration_timeout < UINT32_MAX
                                  ? (unsigned)s->registration_timeout
                                  : UINT32_MAX,
      .connect_burst = (unsigned)s->connect_burst,
      .connect_rate = (unsigned)s->connect_rate,
  };

  for (size_t i = 0; i < s->connect_exempt.n && i < REED_NET_EXEMPT_MAX; i++)
    reed_strlcpy(l.exempt[i], s->connect_exempt.v[i], sizeof(l.exempt[i]));
  return l;
}

reed_portal_regthrottle_t
reed__app_reg_throttle_of(const reed_server_conf_t *s)
{
  return (reed_portal_regthrottle_t){
      .per_address = (unsigned)s->registration_per_ip,
      .burst = (unsigned)s->registration_burst,
      .global = (unsigned)s->registration_global,
  };
}

reed_portal_throttle_t
reed__app_throttle_of(const reed_server_conf_t *s)
{
  return (reed_portal_throttle_t){
      .window_ms = s->auth_fail_window,
      .delay_after = (unsigned)s->auth_fail_delay_after,
      .delay_ms = s->auth_fail_delay,
      .delay_max_ms = s->auth_fail_delay_max,
      .pair_limit = (unsigned)s->auth_fail_limit,
      .address_limit = (unsigned)s->auth_fail_address_limit,
      .max_entries = (size_t)s->auth_throttle_entries,
  };
}

/* The ACME certificate once there is one, else the configured
 * certificate, else the one generated in the data dir. */
int
reed__app_setup_tls(app_t *a, const reed_server_conf_t *s)
{
  const char *acme_cert, *acme_key;
  int rc;

  if (reed_acme_paths(a->acme, &acme_cert, &acme_key)) {
    reed_strlcpy(a->cert, acme_cert, sizeof(a->cert));
    reed_strlcpy(a->key, acme_key, sizeof(a->key));
  } else if (s->tls_cert != NULL && s->tls_key != NULL) {
    reed_strlcpy(a->cert, s->tls_cert, sizeof(a->cert));
    reed_strlcpy(a->key, s->tls_key, sizeof(a->key));
  } else {
    rc = reed_net_selfsigned(a->cfg->server.data_dir, s->name, a->cert, a->key,
                             sizeof(a->cert));
    if (rc != 0) {
      reed_log(&a->log, REED_LOG_ERROR, "cannot make a certificate in %s: %s",
               a->cfg->server.data_dir, reed_strerror(rc));
      return rc;
    }
  }
  return reed_net_set_tls(a->net, a->cert, a->key);
}

/* ---- Bot plugins ------------------------------------------------------------
 * Shared objects named by `plugin` keys in [server], each with an in-process
 * bot attached to the model; a plugin that fails to load is logged and
 * left out. */
void
reed__app_load_plugins(app_t *a)
{
#ifdef REED_HAVE_BOTS
  const reed_strlist_t *pl = &a->cfg->server.plugins;

  for (size_t i = 0; i < pl->n && a->n_plugins < MAX_PLUGINS; i++) {
    reed_bot_plugin_t *p = NULL;
    int rc = reed_bot_plugin_load(pl->v[i], a->model, reed_net_clock(a->net),
                                  &a->log, &p);
    if (rc != 0)
      continue; /* reed_bot_plugin_load logged why */
    a->plugins[a->n_plugins++] = p;
    reed_log(&a->log, REED_LOG_INFO, "plugin %s loaded", pl->v[i]);
  }
#else
  if (a->cfg->server.plugins.n > 0)
    reed_log(&a->log, REED_LOG_WARN, "plugins ignored: built without bots");
#endif
}

void
reed__app_unload_plugins(app_t *a)
{
#ifdef REED_HAVE_BOTS
  while (a->n_plugins > 0)
    reed_bot_plugin_unload(a->plugins[--a->n_plugins]);
#endif
}

/* Wakes an idle loop once a second: the turn it ends syncs accounts
 * changed by `reed account ...` in another process (main.c's turn end), so
 * a deleted account's sessions end without waiting for other traffic. */
static void
account_watch(void *arg)
{
  app_t *a = arg;
  reed_clock_t *clk = reed_net_clock(a->net);

  clk->call_later(clk->c, ACCOUNT_WATCH_MS, account_watch, a);
}

int
reed__app_start_model(app_t *a)
{
  const reed_server_conf_t *s = &a->cfg->server;
  reed_model_opts_t mo = {
      .clock = reed_net_clock(a->net),
      .log = &a->log,
      .server_name = s->name,
      .room_history = (size_t)s->history_room,
      .private_history = (size_t)s->history_private,
      .max_rooms = (size_t)s->max_rooms_per_session,
      .max_msg_lines = (size_t)s->max_message_lines,
      .max_msg_bytes = (size_t)s->max_message_bytes,
      .default_topic_lock = s->default_topic_lock,
  };
  int rc = reed_model_new(&mo, &a->model);

  if (rc != 0)
    return rc;
  reed_store_set_history_keep(a->store, 2 * (size_t)s->history_room,
                              2 * (size_t)s->history_private);
  reed_store_set_min_free(a->store, s->store_min_free);
  rc = reed_store_attach(a->store, a->model);
  if (rc != 0)
    reed_log(&a->log, REED_LOG_ERROR, "cannot load the store: %s",
             reed_strerror(rc));
  else
    account_watch(a);
  return rc;
}

int
reed__app_start_portal(app_t *a)
{
  const reed_server_conf_t *s = &a->cfg->server;
  reed_portal_opts_t po = {
      .store = a->store,
      .worker = reed_net_worker(a->net),
      .clock = reed_net_clock(a->net),
      .log = &a->log,
      .model = a->model,
      .registration_open = s->registration == REED_REGISTRATION_OPEN,
      .hash_level = s->password_hash,
      .password_min = (size_t)s->password_min,
      .throttle = reed__app_throttle_of(s),
      .registration = reed__app_reg_throttle_of(s),
  };

  int rc = reed_portal_new(&po, &a->portal);

  /* A first run has no operator: say in one line how to make one. */
  if (rc == 0 && reed_store_oper_count(a->store) == 0)
    reed_log(&a->log, REED_LOG_INFO,
             "no operator account: make one with `reed account add NAME` and "
             "`reed account oper add NAME`, then OPER NAME PASSWORD on IRC");
  return rc;
}

int
reed__app_start_modules(app_t *a)
{
  reed_module_env_t base = {
      .model = a->model,
      .portal = a->portal,
      .store = a->store,
      .clock = reed_net_clock(a->net),
      .worker = reed_net_worker(a->net),
      .log = &a->log,
      .server_conf = &a->cfg->server,
  };

  return reed_modhost_start(&a->modules, reed_protocol_modules, a->cfg, &base);
}

void
reed__app_listener_key(const reed_listener_t *l, char *out, size_t size)
{
  snprintf(out, size, "%s%s%s %s", l->module, l->role ? "/" : "",
           l->role ? l->role : "", l->spec);
}

int
reed__app_listen_one(app_t *a, const reed_listener_t *l)
{
  const reed_protocol_module_t *m = reed__app_module_named(l->module);
  reed_net_listen_t spec;
  char key[LISTENER_KEY_MAX];

  if (m == NULL) {
    reed_log(&a->log, REED_LOG_WARN, "%s: module %s is not built; skipped",
             l->spec, l->module);
    return 0;
  }
  spec = (reed_net_listen_t){
      .module = m,
      .module_conf = reed_config_module(a->cfg, l->module),
      .module_state = reed_modhost_state(&a->modules, m),
      .role = l->role,
      .kind = l->ep.kind,
      .address = l->ep.interface,
      .port = l->ep.port,
      .path = l->ep.path,
      .mode = l->ep.mode,
      .backlog = l->ep.backlog,
      .cert_file = l->ep.cert,
      .key_file = l->ep.key,
      .key = key,
  };
  reed__app_listener_key(l, key, sizeof(key));
  return reed_net_listen(a->net, &spec);
}

int
reed__app_start_listeners(app_t *a)
{
  size_t n = 0;
  const reed_listener_t *ls = reed_config_listeners(a->cfg, &n);
  int level = a->log.min_level;
  int rc = 0;

  /* The `listening` lines are what tests and operators read: always shown. */
  if (a->log.min_level > REED_LOG_INFO)
    a->log.min_level = REED_LOG_INFO;
  for (size_t i = 0; i < n && rc == 0; i++)
    rc = reed__app_listen_one(a, &ls[i]);
  a->log.min_level = level;
  return rc;
}

void
reed__app_teardown(app_t *a)
{
  /* Bots and connections (with their cores) go first, then what they
   * used. */
  reed__app_unload_plugins(a);
  reed_acme_free(a->acme); /* its handles close in reed_net_free's run */
  a->acme = NULL;
  reed_net_free(a->net);
  reed_modhost_stop(&a->modules);
  if (a->portal != NULL)
    reed_portal_free(a->portal);
  if (a->model != NULL)
    reed_model_free(a->model);
  reed_store_close(a->store);
  reed_log_flush(&a->log);
  reed_config_free(a->cfg);
}

/* Connections need descriptors: raise the soft limit as far as the hard
 * one allows (max_connections plus some for files and listeners). */
void
reed__app_raise_fd_limit(app_t *a)
{
  struct rlimit rl;
  rlim_t want = (rlim_t)a->cfg->server.max_connections + 64;

  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
    return;
  rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
    reed_log(&a->log, REED_LOG_WARN,
             "open files limited to %llu: fewer than max_connections",
             (unsigned long long)rl.rlim_cur);
}
