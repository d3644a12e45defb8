/* The reed executable: the command line, and the server's start-up order,
 * loop and turn-end hook. The steps are in startup.c, SIGHUP in reload.c,
 * the account subcommands in cli_account.c (app_int.h ties them).
 *
 *   reed [--config FILE]
 *   reed --check-config FILE
 *   reed account add|passwd|del [--config FILE] NAME
 *   reed account list [--config FILE]
 *   reed account cert add|del [--config FILE] NAME FINGERPRINT
 *   reed ban add|del|list ... (cli_ban.c)
 *   reed --version | --help */
#include "app_int.h"
#include "sdnotify.h"

#include <stdio.h>
#include <string.h>

static const char usage_text[] =
    "usage: reed [--config FILE]\n"
    "       reed --check-config FILE\n"
    "       reed account add|passwd|del [--config FILE|--data-dir DIR] NAME\n"
    "       reed account list [--config FILE|--data-dir DIR]\n"
    "       reed account cert add|del [--config FILE] NAME FINGERPRINT\n"
    "       reed account oper add|del [--config FILE] NAME\n"
    "       reed account oper list [--config FILE]\n"
    "       reed ban add [--config FILE] [--duration DUR] TARGET [REASON...]\n"
    "       reed ban del [--config FILE] TARGET\n"
    "       reed ban list [--config FILE]\n"
    "       reed --version | --help\n"
    "\n"
    "Without --config, reed runs the embedded default configuration:\n"
    "IRC, XMPP and AMP on 127.0.0.1, data in ./reed-data. account\n"
    "commands read a password from standard input (or prompt on a terminal)\n"
    "and work whether or not a server is running; so do ban commands (a\n"
    "running server applies a ban within a second).\n";

/* ---- The server ------------------------------------------------------------
 */
static void
store_timer_fired(void *arg)
{
  app_t *a = arg;

  a->store_timer = 0; /* the turn this timer ends retries */
}

/* The store's degraded state (store.h): output waits while a failed batch
 * is held; operators who asked for announcements hear when it starts and
 * ends; a timer wakes an idle loop for the retry. */
static void
watch_store(app_t *a)
{
  bool degraded = reed_store_degraded(a->store);
  reed_clock_t *clk = reed_net_clock(a->net);

  reed_net_hold_output(a->net, reed_store_held(a->store));
  if (degraded != a->store_degraded && a->model != NULL)
    reed_model_announce_server(
        a->model, degraded ? "The store cannot write: messages and room "
                             "changes are refused until it can again"
                           : "The store writes again");
  a->store_degraded = degraded;
  if (degraded && a->store_timer == 0)
    a->store_timer =
        clk->call_later(clk->c, REED_STORE_RETRY_MS, store_timer_fired, a);
}

static void
sync_timer_fired(void *arg)
{
  ((app_t *)arg)->sync_timer = 0; /* the turn this timer ends looks */
}

/* The end of every loop turn: accounts and bans changed by `reed account
 * ...` or `reed ban ...` in another process reach the model (at most one
 * look a second; a timer wakes an idle loop for it, so a ban reaches an
 * idle user), then the turn's rows are committed, before net flushes the
 * turn's output. */
static void
turn_end(void *ud)
{
  app_t *a = ud;
  reed_clock_t *clk;

  if (a->store == NULL)
    return;
  if (a->model != NULL) {
    reed_store_sync_accounts(a->store, false);
    clk = reed_net_clock(a->net);
    if (a->sync_timer == 0)
      a->sync_timer = clk->call_later(clk->c, 1000, sync_timer_fired, a);
  }
  reed_store_turn_end(a->store);
  watch_store(a);
}

/* The service manager hears of each state change (sdnotify.h); a failure
 * to tell it is logged, never fatal. */
static void
notify(app_t *a, const char *state)
{
  int rc = state != NULL ? reed_sd_notify(state) : reed_sd_notify_reloading();

  if (rc != 0)
    reed_log(&a->log, REED_LOG_WARN, "cannot notify the service manager: %s",
             reed_strerror(rc));
}

/* SIGHUP, told to the manager: RELOADING=1, the reload, READY=1. */
static void
reload_notified(void *ud)
{
  notify(ud, NULL);
  reed__app_reload(ud);
  notify(ud, "READY=1");
}

static void
stopping(void *ud)
{
  notify(ud, "STOPPING=1");
}

static int
start_net(app_t *a)
{
  reed_net_opts_t opts = {
      .log = &a->log,
      .limits = reed__app_limits_of(&a->cfg->server),
      .turn_end = turn_end,
      .reload = reload_notified,
      .stopping = stopping,
      .ud = a,
  };
  int rc = reed_net_new(&opts, &a->net);

  if (rc != 0)
    fprintf(stderr, "reed: cannot start the loop: %s\n", reed_strerror(rc));
  return rc;
}

static int
start(app_t *a)
{
  const reed_server_conf_t *s = &a->cfg->server;
  reed_net_services_t svc;

  reed__app_raise_fd_limit(a);
  if (reed__app_open_store(a) != 0 || start_net(a) != 0)
    return 1;
  if (reed__app_start_model(a) != 0 || reed__app_start_portal(a) != 0)
    return 1;
  if (reed__app_setup_tls(a, s) != 0)
    reed_log(&a->log, REED_LOG_WARN, "TLS is unavailable");
  reed__app_host_init(a);
  svc = (reed_net_services_t){
      .host = &a->host,
      .model = a->model,
      .portal = a->portal,
      .store = a->store,
      .server_conf = s,
  };
  reed_net_set_services(a->net, &svc);
  if (reed__app_start_modules(a) != 0)
    return 1;
  reed__app_inner_init(a);
  if (reed__app_start_listeners(a) != 0)
    return 1;
  reed__app_load_plugins(a);
  return 0;
}

static int
server_main(app_t *a)
{
  int rc;

  if (reed__app_load_config(a, &a->cfg) != 0)
    return 1;
  reed_log_init_stderr(&a->log, a->cfg->server.log_level);
  if (reed__app_open_log(a) != 0)
    return 1;
  rc = start(a);
  if (rc == 0) {
    reed_log(&a->log, REED_LOG_INFO, "reed %s running as %s", REED_VERSION,
             a->cfg->server.name);
    notify(a, "READY=1"); /* every listener is bound */
    reed_net_run(a->net);
    reed_log(&a->log, REED_LOG_INFO, "stopped");
  }
  reed__app_teardown(a);
  reed_log_close_file(&a->log);
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

/* Says what was wrong with the command line, then the usage; exit 2. */
static int
usage_error(int argc, char **argv)
{
  static const char *const takes_file[] = {"--config", "--check-config"};
  const char *arg = argv[1];

  for (size_t i = 0; i < REED_ARRAY_SIZE(takes_file); i++)
    if (strcmp(arg, takes_file[i]) == 0) {
      if (argc == 2)
        fprintf(stderr, "reed: %s needs a FILE\n", arg);
      else
        fprintf(stderr, "reed: unexpected argument %s\n", argv[3]);
      fputs(usage_text, stderr);
      return 2;
    }
  if (strcmp(arg, "--version") == 0 || strcmp(arg, "--help") == 0 ||
      strcmp(arg, "-h") == 0)
    fprintf(stderr, "reed: %s takes no argument\n", arg);
  else if (arg[0] == '-')
    fprintf(stderr, "reed: unknown option %s\n", arg);
  else
    fprintf(stderr, "reed: unknown command %s\n", arg);
  fputs(usage_text, stderr);
  return 2;
}

int
main(int argc, char **argv)
{
  static app_t app;

  reed__app_build_sections(&app);
  if (argc == 2 && strcmp(argv[1], "--version") == 0) {
    print_version();
    return 0;
  }
  if (argc == 2 && (strcmp(argv[1], "--help") == 0 || !strcmp(argv[1], "-h"))) {
    fputs(usage_text, stdout);
    return 0;
  }
  if (argc == 3 && strcmp(argv[1], "--check-config") == 0)
    return reed__app_check_config(&app, argv[2]);
  if (argc >= 2 && strcmp(argv[1], "ban") == 0) {
    int rc = reed__app_ban_main(&app, argc - 2, argv + 2);
    if (rc == 2)
      fputs(usage_text, stderr);
    return rc;
  }
  if (argc >= 2 && strcmp(argv[1], "account") == 0) {
    int rc = reed__app_account_main(&app, argc - 2, argv + 2);
    if (rc == 2)
      fputs(usage_text, stderr);
    return rc;
  }
  if (argc == 3 && strcmp(argv[1], "--config") == 0)
    app.config_path = argv[2];
  else if (argc != 1)
    return usage_error(argc, argv);
  return server_main(&app);
}
