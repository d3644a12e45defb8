/* --check-config's TLS part: every certificate the config names (the
 * [server] pair and each ssl listener's certKey/privateKey) is loaded as a
 * listener would load it; an expiry within CERT_WARN_DAYS is a warning. */
#include "app_int.h"

#include <stdio.h>

#define CERT_WARN_DAYS 14

static int
check_pair(const char *cert, const char *key)
{
  char msg[512];
  int days = 0;

  if (reed_net_check_cert(cert, key, &days, msg, sizeof(msg)) != 0) {
    fprintf(stderr, "reed: %s\n", msg);
    return 1;
  }
  if (days < 0) {
    fprintf(stderr, "reed: certificate %s has expired\n", cert);
    return 1;
  }
  if (days < CERT_WARN_DAYS)
    fprintf(stderr, "reed: warning: certificate %s expires in %d days\n", cert,
            days);
  return 0;
}

int
reed__app_check_tls(app_t *a, const char *path)
{
  reed_config_t *cfg = NULL;
  reed_conf_err_t err = {0};
  const reed_listener_t *ls;
  size_t n = 0;
  int bad = 0;

  if (reed_config_load_file(path, a->sections, a->n_sections, &cfg, &err) != 0)
    return 1; /* the config check has said why */
  if (cfg->server.tls_cert != NULL)
    bad |= check_pair(cfg->server.tls_cert, cfg->server.tls_key);
  ls = reed_config_listeners(cfg, &n);
  for (size_t i = 0; i < n; i++)
    if (ls[i].ep.cert != NULL && ls[i].ep.key != NULL)
      bad |= check_pair(ls[i].ep.cert, ls[i].ep.key);
  reed_config_free(cfg);
  return bad;
}
