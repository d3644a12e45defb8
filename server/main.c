/* The reed executable: the command line, the account subcommands and the
 * server's start-up and teardown (shared/DESIGN.md, The command line).
 *
 *   reed [--config FILE]
 *   reed --check-config FILE
 *   reed account add|passwd|del [--config FILE] NAME
 *   reed account list [--config FILE]
 *   reed account cert add|del [--config FILE] NAME FINGERPRINT
 *   reed --version | --help */
#include "../auth/auth.h"
#ifdef REED_HAVE_BOTS
#include "../bots/reed_bot.h"
#endif
#include "../config/config.h"
#include "model/model.h"
#include "net/net.h"
#include "store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#ifndef REED_VERSION
#define REED_VERSION "0.0.0"
#endif
#define MAX_MODULES 16
#define MAX_PLUGINS 32
#define PATH_MAX_LEN 4096

extern const reed_protocol_module_t *const reed_protocol_modules[];

static const char usage_text[] =
    "usage: reed [--config FILE]\n"
    "       reed --check-config FILE\n"
    "       reed account add|passwd|del [--config FILE] NAME\n"
    "       reed account list [--config FILE]\n"
    "       reed account cert add|del [--config FILE] NAME FINGERPRINT\n"
    "       reed --version | --help\n"
    "\n"
    "Without --config, reed runs the embedded default configuration:\n"
    "IRC, XMPP and AMP on 127.0.0.1, data in ./reed-data. account commands\n"
    "read a password from standard input (or prompt on a terminal) and work\n"
    "whether or not a server is running.\n";

typedef struct app_s {
  reed_log_t log;
  reed_conf_section_t sections[MAX_MODULES];
  size_t n_sections;
  const char *config_path; /* NULL: the embedded default */
  reed_config_t *cfg;
  reed_net_t *net;
  reed_model_t *model;
  reed_store_t *store;
  reed_portal_t *portal;
  char cert[PATH_MAX_LEN], key[PATH_MAX_LEN];
#ifdef REED_HAVE_BOTS
  reed_bot_plugin_t *plugins[MAX_PLUGINS];
#endif
  size_t n_plugins;
} app_t;

/* ---- Modules and config ----------------------------------------------------
 */
static void
build_sections(app_t *a)
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
    };
  }
}

static const reed_protocol_module_t *
module_named(const char *name)
{
  for (size_t i = 0; reed_protocol_modules[i] != NULL; i++)
    if (strcmp(reed_protocol_modules[i]->name, name) == 0)
      return reed_protocol_modules[i];
  return NULL;
}

/* Loads the file or the default; prints the error and returns it. */
static int
load_config(app_t *a, reed_config_t **out)
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

static int
check_config(app_t *a, const char *path)
{
  char msg[1024];
  int rc = reed_config_check_file(path, a->sections, a->n_sections, msg,
                                  sizeof(msg));

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

static int
open_store(app_t *a)
{
  char path[PATH_MAX_LEN];
  const char *dir = a->cfg->server.data_dir;
  int rc;

  if (make_dirs(dir) != 0) {
    fprintf(stderr, "reed: cannot create data dir %s: %s\n", dir,
            strerror(errno));
    return REED_EIO;
  }
  snprintf(path, sizeof(path), "%s/reed.db", dir);
  rc = reed_store_open(path, &a->log, &a->store);
  if (rc != 0)
    fprintf(stderr, "reed: cannot open the store %s: %s\n", path,
            reed_strerror(rc));
  return rc;
}

/* ---- Account subcommands ---------------------------------------------------
 */
static void
strip_eol(char *s)
{
  size_t n = strlen(s);

  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
}

static int
prompt_password(char *buf, size_t n)
{
  struct termios old, quiet;
  FILE *tty = fopen("/dev/tty", "r+");
  int ok;

  if (tty == NULL)
    return REED_EIO;
  fputs("Password: ", tty);
  fflush(tty);
  tcgetattr(fileno(tty), &old);
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
  ok = fgets(buf, (int)n, tty) != NULL;
  tcsetattr(fileno(tty), TCSAFLUSH, &old);
  fputs("\n", tty);
  fclose(tty);
  return ok ? 0 : REED_EIO;
}

/* The password from stdin when it is not a terminal, else a prompt
 * without echo. */
static int
read_password(char *buf, size_t n)
{
  int rc = 0;

  buf[0] = '\0';
  if (isatty(STDIN_FILENO))
    rc = prompt_password(buf, n);
  else if (fgets(buf, (int)n, stdin) == NULL)
    rc = REED_EINVAL;
  if (rc != 0)
    return rc;
  if (strchr(buf, '\n') == NULL && strlen(buf) + 1 >= n)
    return REED_ETOOBIG;
  strip_eol(buf);
  return 0;
}

static void
print_account(void *ud, const reed_account_rec_t *rec)
{
  REED_UNUSED(ud);
  printf("%s\n", rec->name);
}

typedef struct account_cmd_s {
  const char *action; /* add passwd del list cert-add cert-del */
  const char *name, *fp;
} account_cmd_t;

static int
account_with_password(app_t *a, const account_cmd_t *c)
{
  char pw[REED_AUTH_PASSWORD_MAX + 2];
  int level = a->cfg->server.password_hash, rc;

  if ((rc = read_password(pw, sizeof(pw))) != 0) {
    fprintf(stderr, "reed: %s\n",
            rc == REED_ETOOBIG ? "the password is too long"
                               : "no password given on standard input");
    return rc;
  }
  if (strcmp(c->action, "add") == 0)
    rc = reed_auth_account_add(a->store, c->name, pw, strlen(pw), level);
  else
    rc = reed_auth_account_passwd(a->store, c->name, pw, strlen(pw), level);
  memset(pw, 0, sizeof(pw));
  return rc;
}

static int
account_run(app_t *a, const account_cmd_t *c)
{
  if (strcmp(c->action, "add") == 0 || strcmp(c->action, "passwd") == 0)
    return account_with_password(a, c);
  if (strcmp(c->action, "del") == 0)
    return reed_auth_account_del(a->store, c->name);
  if (strcmp(c->action, "list") == 0)
    return reed_store_account_list(a->store, print_account, NULL);
  if (strcmp(c->action, "cert-add") == 0)
    return reed_auth_cert_add(a->store, c->name, c->fp);
  return reed_auth_cert_del(a->store, c->name, c->fp);
}

static const char *const account_done[][2] = {
    {"add", "added"},
    {"passwd", "password changed"},
    {"del", "deleted"},
    {"cert-add", "certificate added"},
    {"cert-del", "certificate removed"},
};

static void
account_report(const account_cmd_t *c, int rc)
{
  if (rc != 0) {
    fprintf(stderr, "reed: account %s%s%s: %s\n", c->action, c->name ? " " : "",
            c->name ? c->name : "", reed_strerror(rc));
    return;
  }
  for (size_t i = 0; i < REED_ARRAY_SIZE(account_done); i++)
    if (strcmp(c->action, account_done[i][0]) == 0)
      printf("account %s: %s\n", c->name, account_done[i][1]);
}

/* Parses `account ...` (argv after "account"); --config may be anywhere.
 * Returns 0 or REED_EINVAL. */
static int
parse_account(app_t *a, int argc, char **argv, account_cmd_t *c)
{
  const char *pos[4];
  int n = 0;
  static char action[16];

  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
      a->config_path = argv[++i];
    else if (n < 4)
      pos[n++] = argv[i];
    else
      return REED_EINVAL;
  }
  if (n >= 1 && strcmp(pos[0], "cert") == 0) {
    if (n != 4 || (strcmp(pos[1], "add") && strcmp(pos[1], "del")))
      return REED_EINVAL;
    snprintf(action, sizeof(action), "cert-%s", pos[1]);
    *c = (account_cmd_t){.action = action, .name = pos[2], .fp = pos[3]};
    return 0;
  }
  if (n == 1 && strcmp(pos[0], "list") == 0) {
    *c = (account_cmd_t){.action = "list"};
    return 0;
  }
  if (n == 2 && (!strcmp(pos[0], "add") || !strcmp(pos[0], "passwd") ||
                 !strcmp(pos[0], "del"))) {
    *c = (account_cmd_t){.action = pos[0], .name = pos[1]};
    return 0;
  }
  return REED_EINVAL;
}

static int
account_main(app_t *a, int argc, char **argv)
{
  account_cmd_t c;
  int rc;

  if (parse_account(a, argc, argv, &c) != 0) {
    fputs(usage_text, stderr);
    return 2;
  }
  if (load_config(a, &a->cfg) != 0)
    return 1;
  reed_log_init_stderr(&a->log, REED_LOG_WARN);
  if (open_store(a) != 0) {
    reed_config_free(a->cfg);
    return 1;
  }
  rc = account_run(a, &c);
  account_report(&c, rc);
  reed_store_close(a->store);
  reed_config_free(a->cfg);
  return rc == 0 ? 0 : 1;
}

/* ---- The server ------------------------------------------------------------
 */
/* The end of every loop turn: accounts changed by `reed account ...` in
 * another process reach the model (at most one look a second), then the
 * turn's rows are committed, before net flushes the turn's output. */
static void
turn_end(void *ud)
{
  app_t *a = ud;

  if (a->store == NULL)
    return;
  if (a->model != NULL)
    reed_store_sync_accounts(a->store, false);
  reed_store_turn_end(a->store);
}

static reed_net_limits_t
limits_of(const reed_server_conf_t *s)
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

/* The configured certificate, or the one generated in the data dir. */
static int
setup_tls(app_t *a, const reed_server_conf_t *s)
{
  int rc;

  if (s->tls_cert != NULL && s->tls_key != NULL) {
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

static void
apply_config(app_t *a, reed_config_t *cfg)
{
  reed_net_limits_t lim = limits_of(&cfg->server);

  reed_net_set_limits(a->net, &lim);
  if (!same_listeners(a->cfg, cfg))
    reed_log(&a->log, REED_LOG_WARN,
             "reload: listener changes take effect at the next start");
  reed_portal_set_registration(a->portal, cfg->server.registration ==
                                              REED_REGISTRATION_OPEN);
  reed_portal_set_hash_level(a->portal, cfg->server.password_hash);
  reed_model_set_msg_limits(a->model, (size_t)cfg->server.max_message_lines,
                            (size_t)cfg->server.max_message_bytes);
  for (size_t i = 0; reed_protocol_modules[i] != NULL; i++) {
    const reed_protocol_module_t *m = reed_protocol_modules[i];
    reed_net_update_conf(a->net, &cfg->server, m,
                         reed_config_module(cfg, m->name));
  }
  a->log.min_level = cfg->server.log_level;
}

/* ---- Bot plugins ------------------------------------------------------------
 * Shared objects named by `plugin` keys in [server], each with an in-process
 * bot attached to the model; a plugin that fails to load is logged and
 * left out. */
static void
load_plugins(app_t *a)
{
#ifdef REED_HAVE_BOTS
  const reed_strlist_t *pl = &a->cfg->server.plugins;

  for (size_t i = 0; i < pl->n && a->n_plugins < MAX_PLUGINS; i++) {
    reed_bot_plugin_t *p = NULL;
    int rc = reed_bot_plugin_load(pl->v[i], a->model, reed_net_clock(a->net),
                                  &a->log, &p);
    if (rc != 0) {
      reed_log(&a->log, REED_LOG_ERROR, "plugin %s not loaded: %s", pl->v[i],
               reed_bot_strerror(rc));
      continue;
    }
    a->plugins[a->n_plugins++] = p;
    reed_log(&a->log, REED_LOG_INFO, "plugin %s loaded", pl->v[i]);
  }
#else
  if (a->cfg->server.plugins.n > 0)
    reed_log(&a->log, REED_LOG_WARN, "plugins ignored: built without bots");
#endif
}

static void
unload_plugins(app_t *a)
{
#ifdef REED_HAVE_BOTS
  while (a->n_plugins > 0)
    reed_bot_plugin_unload(a->plugins[--a->n_plugins]);
#endif
}

/* SIGHUP: a new config (same modules enabled), then the certificates and
 * the bot plugins (the old ones unloaded, the configured ones loaded
 * again). New listeners and data-dir changes take a restart. */
static void
reload(void *ud)
{
  app_t *a = ud;
  reed_config_t *cfg = NULL;

  if (a->config_path != NULL && load_config(a, &cfg) != 0) {
    reed_log(&a->log, REED_LOG_ERROR, "reload: config has errors; kept");
    cfg = NULL;
  } else if (cfg != NULL && !same_modules(a->cfg, cfg)) {
    reed_log(&a->log, REED_LOG_ERROR,
             "reload: enabling or disabling a protocol needs a restart");
    reed_config_free(cfg);
    cfg = NULL;
  }
  if (cfg != NULL) {
    apply_config(a, cfg);
    reed_config_free(a->cfg);
    a->cfg = cfg;
  }
  if (setup_tls(a, &a->cfg->server) == 0)
    reed_log(&a->log, REED_LOG_INFO, "reload: certificate %s loaded", a->cert);
  unload_plugins(a);
  load_plugins(a);
}

static int
start_net(app_t *a)
{
  reed_net_opts_t opts = {
      .log = &a->log,
      .limits = limits_of(&a->cfg->server),
      .turn_end = turn_end,
      .reload = reload,
      .ud = a,
  };
  int rc = reed_net_new(&opts, &a->net);

  if (rc != 0)
    fprintf(stderr, "reed: cannot start the loop: %s\n", reed_strerror(rc));
  return rc;
}

static int
start_model(app_t *a)
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
  };
  int rc = reed_model_new(&mo, &a->model);

  if (rc != 0)
    return rc;
  reed_store_set_history_keep(a->store, 2 * (size_t)s->history_room,
                              2 * (size_t)s->history_private);
  rc = reed_store_attach(a->store, a->model);
  if (rc != 0)
    reed_log(&a->log, REED_LOG_ERROR, "cannot load the store: %s",
             reed_strerror(rc));
  return rc;
}

static int
start_portal(app_t *a)
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
      .fail_limit = s->auth_fail_limit > 0 ? (unsigned)s->auth_fail_limit : 0,
      .fail_window_ms = s->auth_fail_window,
  };

  return reed_portal_new(&po, &a->portal);
}

static int
listen_one(app_t *a, const reed_listener_t *l)
{
  const reed_protocol_module_t *m = module_named(l->module);
  reed_net_listen_t spec;

  if (m == NULL) {
    reed_log(&a->log, REED_LOG_WARN, "%s: module %s is not built; skipped",
             l->spec, l->module);
    return 0;
  }
  spec = (reed_net_listen_t){
      .module = m,
      .module_conf = reed_config_module(a->cfg, l->module),
      .kind = l->ep.kind,
      .address = l->ep.interface,
      .port = l->ep.port,
      .path = l->ep.path,
      .mode = l->ep.mode,
      .backlog = l->ep.backlog,
      .cert_file = l->ep.cert,
      .key_file = l->ep.key,
  };
  return reed_net_listen(a->net, &spec);
}

static int
start_listeners(app_t *a)
{
  size_t n = 0;
  const reed_listener_t *ls = reed_config_listeners(a->cfg, &n);
  int level = a->log.min_level;
  int rc = 0;

  /* The `listening` lines are what tests and operators read: always shown. */
  if (a->log.min_level > REED_LOG_INFO)
    a->log.min_level = REED_LOG_INFO;
  for (size_t i = 0; i < n && rc == 0; i++)
    rc = listen_one(a, &ls[i]);
  a->log.min_level = level;
  return rc;
}

static void
teardown(app_t *a)
{
  /* Bots and connections (with their cores) go first, then what they
   * used. */
  unload_plugins(a);
  reed_net_free(a->net);
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
static void
raise_fd_limit(app_t *a)
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

static int
start(app_t *a)
{
  const reed_server_conf_t *s = &a->cfg->server;
  reed_net_services_t svc;

  raise_fd_limit(a);
  if (open_store(a) != 0 || start_net(a) != 0)
    return 1;
  if (start_model(a) != 0 || start_portal(a) != 0)
    return 1;
  if (setup_tls(a, s) != 0)
    reed_log(&a->log, REED_LOG_WARN, "TLS is unavailable");
  svc = (reed_net_services_t){
      .model = a->model,
      .portal = a->portal,
      .store = a->store,
      .server_conf = s,
  };
  reed_net_set_services(a->net, &svc);
  if (start_listeners(a) != 0)
    return 1;
  load_plugins(a);
  return 0;
}

static int
server_main(app_t *a)
{
  int rc;

  if (load_config(a, &a->cfg) != 0)
    return 1;
  reed_log_init_stderr(&a->log, a->cfg->server.log_level);
  rc = start(a);
  if (rc == 0) {
    reed_log(&a->log, REED_LOG_INFO, "reed %s running as %s", REED_VERSION,
             a->cfg->server.name);
    reed_net_run(a->net);
    reed_log(&a->log, REED_LOG_INFO, "stopped");
  }
  teardown(a);
  return rc;
}

static void
print_version(void)
{
  printf("reed %s\nmodules:", REED_VERSION);
  for (size_t i = 0; reed_protocol_modules[i] != NULL; i++)
    printf(" %s", reed_protocol_modules[i]->name);
  printf("\n");
}

int
main(int argc, char **argv)
{
  static app_t app;

  build_sections(&app);
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    print_version();
    return 0;
  }
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || !strcmp(argv[1], "-h"))) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "--check-config") == 0)
    return check_config(&app, argv[2]);
  if (argc >= 2 && strcmp(argv[1], "account") == 0)
    return account_main(&app, argc - 2, argv + 2);
  if (argc == 3 && strcmp(argv[1], "--config") == 0)
    app.config_path = argv[2];
  else if (argc != 1) {
    fputs(usage_text, stderr);
    return 2;
  }
  return server_main(&app);
}
