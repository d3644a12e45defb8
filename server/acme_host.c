/* The ACME client (server/acme) as the server runs it: made from [acme]
 * at start, kept, made again or dropped on reload; each certificate it
 * obtains is loaded on every TLS listener through reed__app_setup_tls,
 * the path SIGHUP takes: new handshakes get it, connections keep their
 * sessions. */
#include "app_int.h"

#include <string.h>

static void
installed(void *ud)
{
  app_t *a = ud;

  if (reed__app_setup_tls(a, &a->cfg->server) == 0)
    reed_log(&a->log, REED_LOG_INFO, "acme: certificate %s loaded", a->cert);
}

static void
make(app_t *a, const reed_acme_conf_t *conf)
{
  reed_acme_opts_t o = {
      .loop = reed_net_loop(a->net),
      .clock = reed_net_clock(a->net),
      .log = &a->log,
      .data_dir = a->cfg->server.data_dir,
      .server_name = a->cfg->server.name,
      .installed = installed,
      .ud = a,
  };

  /* reed_acme_new logs why it failed; the server runs on without it. */
  if (reed_acme_new(&o, conf, &a->acme) != 0)
    a->acme = NULL;
}

/* http-01 is answered on the [http] listener: without one the CA's
 * validation cannot succeed, which the operator should hear at once. */
static void
warn_without_http(app_t *a)
{
  size_t n = 0;
  const reed_listener_t *ls = reed_config_listeners(a->cfg, &n);

  for (size_t i = 0; i < n; i++)
    if (strcmp(ls[i].module, "http") == 0)
      return;
  reed_log(&a->log, REED_LOG_WARN,
           "acme: no [http] listener: the http-01 challenge cannot be "
           "answered");
}

void
reed__app_start_acme(app_t *a)
{
  const reed_acme_conf_t *conf = reed_config_module(a->cfg, "acme");

  if (conf == NULL)
    return;
  warn_without_http(a);
  make(a, conf);
  if (a->acme != NULL)
    reed_acme_start(a->acme);
}

void
reed__app_reload_acme(app_t *a)
{
  const reed_acme_conf_t *conf = reed_config_module(a->cfg, "acme");

  if (a->acme != NULL && conf != NULL &&
      reed_acme_same_conf(a->acme, conf, a->cfg->server.name))
    return;
  if (a->acme != NULL)
    reed_log(&a->log, REED_LOG_INFO, "acme: [acme] changed; client restarted");
  reed_acme_free(a->acme);
  a->acme = NULL;
  reed__app_start_acme(a);
}
