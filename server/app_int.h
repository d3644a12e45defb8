/* Internal to the reed executable (server/): the process's state and
 * the steps its files share. main.c reads the command line and runs the
 * server (start-up order, the loop, the turn-end hook); startup.c holds
 * each start-up and teardown step and the config and module glue;
 * reload.c applies SIGHUP; cli_account.c runs `reed account ...`. */
#ifndef REED_APP_INT_H
#define REED_APP_INT_H

#include "auth.h"
#ifdef REED_HAVE_BOTS
#include "reed_bot.h"
#endif
#include "config.h"
#include "inner.h"
#include "modhost.h"
#include "model.h"
#include "net.h"
#include "store.h"

#ifndef REED_VERSION
#define REED_VERSION "0.0.0"
#endif
#define MAX_MODULES 16
#define MAX_PLUGINS 32
#define PATH_MAX_LEN 4096

extern const reed_protocol_module_t *const reed_protocol_modules[];

/* The process: config, the parts it started, the loaded plugins. */
typedef struct app_s {
  reed_log_t log;
  reed_conf_section_t sections[MAX_MODULES];
  size_t n_sections;
  const char *config_path; /* NULL: the embedded default */
  reed_config_t *cfg;
  reed_net_t *net;
  reed_model_t *model;
  reed_store_t *store;
  bool store_degraded;   /* as last announced */
  uint64_t store_timer;  /* wakes the loop for the store's retry */
  uint64_t sync_timer;   /* wakes it for other processes' changes (bans) */
  reed_host_t host;      /* what REHASH and STATS reach (host.c) */
  uint64_t reload_timer; /* a REHASH's reload, due at the loop's top */
  reed_portal_t *portal;
  reed_modhost_t modules;
  reed_inner_host_t inner; /* IRC and XMPP over WebSocket (inner.h) */
  char cert[PATH_MAX_LEN], key[PATH_MAX_LEN];
#ifdef REED_HAVE_BOTS
  reed_bot_plugin_t *plugins[MAX_PLUGINS];
#endif
  size_t n_plugins;
} app_t;

/* startup.c: config and modules. */
/* The module table as config sections, into a->sections. */
void reed__app_build_sections(app_t *a);
const reed_protocol_module_t *reed__app_module_named(const char *name);
/* Loads the file or the default; prints the error and returns it. */
int reed__app_load_config(app_t *a, reed_config_t **out);
/* --check-config: prints the verdict; returns the exit status. */
int reed__app_check_config(app_t *a, const char *path);

/* startup.c: start-up and teardown steps. */
/* Creates the data dir and opens the store (errors printed). */
int reed__app_open_store(app_t *a);
/* The store in `dir`, made with the dir when missing; `lock` takes the
 * data dir's server lock first (reed.lock; fails naming the holder). */
int reed__app_open_store_at(app_t *a, const char *dir, bool lock);
/* The command line's way in: DIR/reed.db when it exists (no lock, nothing
 * created), else an error naming the path and how to point elsewhere
 * (`from_option`: DIR came from --data-dir). */
int reed__app_open_existing_store(app_t *a, const char *dir, bool from_option);
reed_net_limits_t reed__app_limits_of(const reed_server_conf_t *s);
/* The failed-login throttle's figures ([server] auth_*). */
reed_portal_throttle_t reed__app_throttle_of(const reed_server_conf_t *s);
reed_portal_regthrottle_t
reed__app_reg_throttle_of(const reed_server_conf_t *s);
/* The configured certificate, or the one generated in the data dir. */
int reed__app_setup_tls(app_t *a, const reed_server_conf_t *s);
int reed__app_start_model(app_t *a);
int reed__app_start_portal(app_t *a);
/* The modules' own migrations and module-wide state, before any listener
 * opens. */
int reed__app_start_modules(app_t *a);
int reed__app_start_listeners(app_t *a);
void reed__app_raise_fd_limit(app_t *a);
void reed__app_load_plugins(app_t *a);
void reed__app_unload_plugins(app_t *a);
void reed__app_teardown(app_t *a);

/* reload.c: the SIGHUP hook (net's reload callback; ud is the app_t). */
void reed__app_reload(void *ud);
/* Sends the log to [server] log_file when set (opened again on SIGHUP);
 * an error is logged and returned. */
int reed__app_open_log(app_t *a);
/* One configured listener bound through net, keyed "module spec". */
#define LISTENER_KEY_MAX 4200
void reed__app_listener_key(const reed_listener_t *l, char *out, size_t size);
int reed__app_listen_one(app_t *a, const reed_listener_t *l);
/* --check-config: loads the certificates and keys the file names; 1 (and
 * why, on stderr) when one is unusable; warns of an expiry within 14 days. */
int reed__app_check_tls(app_t *a, const char *path);

/* cli_account.c: `reed account ...` (argv after "account"). Returns the
 * exit status; 2 is a usage error, for which main prints the usage. */
int reed__app_account_main(app_t *a, int argc, char **argv);
/* host.c: fills a->host (after the net exists), and a->inner once the
 * modules have started. */
void reed__app_host_init(app_t *a);
void reed__app_inner_init(app_t *a);

/* cli_ban.c: `reed ban add|del|list` (argv after "ban"); as above. */
int reed__app_ban_main(app_t *a, int argc, char **argv);

/* cli_audit.c: the audit line of a change from the command line, "WHAT by
 * USER (uid N) on the command line[: DETAIL]", appended to [server]
 * log_file when that file exists, else written to stderr. */
void reed__app_cli_audit(app_t *a, const char *what, const char *detail);

#endif
