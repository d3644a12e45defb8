/* Listeners: bind, listen, log the `listening ...` line, accept. */
#include "net_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kind_names[] = {"?", "tcp", "ssl", "unix"};

static void
on_connection(uv_stream_t *s, int status)
{
  reed_lsock_t *l = s->data;

  /* At the descriptor limit (EMFILE, ENFILE) libuv keeps a spare
   * descriptor: it closes it, accepts and closes the waiting connections,
   * reopens it and reports the error here, so the listener goes on. */
  if (status < 0) {
    reed__gate_log(l->net, &l->net->accept_gate, REED_LOG_WARN,
                   "accept on %s %s: %s", l->module->name, kind_names[l->kind],
                   uv_strerror(status));
    return;
  }
  reed__conn_accept(l);
}

static int
bind_tcp(reed_lsock_t *l, const reed_net_listen_t *spec)
{
  const char *addr =
      spec->address && *spec->address ? spec->address : "0.0.0.0";
  struct sockaddr_storage ss;
  int rc;

  memset(&ss, 0, sizeof(ss));
  if (strchr(addr, ':') != NULL)
    rc = uv_ip6_addr(addr, spec->port, (struct sockaddr_in6 *)&ss);
  else
    rc = uv_ip4_addr(addr, spec->port, (struct sockaddr_in *)&ss);
  if (rc != 0)
    return rc;
  rc = uv_tcp_init(&l->net->loop, &l->io.tcp);
  if (rc != 0)
    return rc;
  l->io.h.data = l;
  return uv_tcp_bind(&l->io.tcp, (struct sockaddr *)&ss, 0);
}

static int
bind_unix(reed_lsock_t *l, const reed_net_listen_t *spec)
{
  struct stat st;
  int rc = uv_pipe_init(&l->net->loop, &l->io.pipe, 0);

  if (rc != 0)
    return rc;
  l->io.h.data = l;
  /* A socket file left by a previous run would make the bind fail. */
  if (lstat(spec->path, &st) == 0 && S_ISSOCK(st.st_mode))
    unlink(spec->path);
  rc = uv_pipe_bind(&l->io.pipe, spec->path);
  if (rc != 0)
    return rc;
  l->path = reed_strdup(spec->path);
  if (spec->mode != 0 && chmod(spec->path, spec->mode) != 0)
    return UV_EPERM;
  return 0;
}

static void
log_listening(reed_lsock_t *l, const reed_net_listen_t *spec)
{
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  char ip[64] = "?";
  char name[64];
  uint16_t port = 0;

  /* A role shows as "xmpp/component": the first word stays the module. */
  snprintf(name, sizeof(name), "%s%s%s", l->module->name, l->role ? "/" : "",
           l->role ? l->role : "");
  if (l->kind == REED_LISTEN_UNIX) {
    reed_log(l->net->log, REED_LOG_INFO, "listening %s unix %s -", name,
             spec->path);
    return;
  }
  memset(&ss, 0, sizeof(ss));
  uv_tcp_getsockname(&l->io.tcp, (struct sockaddr *)&ss, &len);
  if (ss.ss_family == AF_INET6) {
    uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof(ip));
    port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  } else {
    uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof(ip));
    port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
  }
  l->port = port;
  reed_log(l->net->log, REED_LOG_INFO, "listening %s %s %s %u", name,
           kind_names[l->kind], ip, (unsigned)port);
}

static void
free_unbound(uv_handle_t *h)
{
  reed_lsock_t *l = h->data;

  if (l->ctx != NULL)
    SSL_CTX_free(l->ctx);
  reed_free(l->cert_file);
  reed_free(l->key_file);
  reed_free(l->path);
  reed_free(l->key);
  reed_free(l);
}

/* "cannot listen for irc on tcp 127.0.0.1 6667: address already in use" */
static void
log_bind_error(reed_net_t *net, const reed_net_listen_t *spec, int rc)
{
  char where[300];

  if (spec->kind == REED_LISTEN_UNIX)
    snprintf(where, sizeof(where), "%s", spec->path);
  else
    snprintf(where, sizeof(where), "%s %u",
             spec->address && *spec->address ? spec->address : "0.0.0.0",
             (unsigned)spec->port);
  reed_log(net->log, REED_LOG_ERROR, "cannot listen for %s on %s %s: %s",
           spec->module->name, kind_names[spec->kind], where, uv_strerror(rc));
}

static int
check_spec(reed_net_t *net, const reed_net_listen_t *spec)
{
  if (spec->module == NULL || spec->kind < REED_LISTEN_TCP ||
      spec->kind > REED_LISTEN_UNIX)
    return REED_EINVAL;
  if (spec->kind == REED_LISTEN_UNIX && (spec->path == NULL || !*spec->path))
    return REED_EINVAL;
  if (spec->kind == REED_LISTEN_SSL && net->ctx == NULL &&
      (spec->cert_file == NULL || spec->key_file == NULL)) {
    reed_log(net->log, REED_LOG_ERROR, "ssl listener for %s has no certificate",
             spec->module->name);
    return REED_ETLS;
  }
  return 0;
}

static int
own_cert(reed_net_t *net, reed_lsock_t *l, const reed_net_listen_t *spec)
{
  if (spec->kind != REED_LISTEN_SSL || spec->cert_file == NULL ||
      spec->key_file == NULL)
    return 0;
  l->cert_file = reed_strdup(spec->cert_file);
  l->key_file = reed_strdup(spec->key_file);
  if (l->cert_file == NULL || l->key_file == NULL)
    return REED_ENOMEM;
  l->ctx = reed__tls_ctx_new(net->log, l->cert_file, l->key_file);
  return l->ctx != NULL ? 0 : REED_ETLS;
}

int
reed_net_listen(reed_net_t *net, const reed_net_listen_t *spec)
{
  reed_lsock_t *l;
  int rc = check_spec(net, spec);

  if (rc != 0)
    return rc;
  if ((l = reed_calloc(1, sizeof(*l))) == NULL)
    return REED_ENOMEM;
  *l = (reed_lsock_t){
      .net = net,
      .module = spec->module,
      .module_conf = spec->module_conf,
      .module_state = spec->module_state,
      .role = spec->role,
      .kind = spec->kind,
  };
  if (spec->key != NULL && (l->key = reed_strdup(spec->key)) == NULL)
    rc = REED_ENOMEM;
  if (rc != 0 || (rc = own_cert(net, l, spec)) != 0) {
    free_unbound(&(uv_handle_t){.data = l});
    return rc;
  }
  rc = spec->kind == REED_LISTEN_UNIX ? bind_unix(l, spec) : bind_tcp(l, spec);
  if (rc == 0)
    rc = uv_listen(&l->io.s, spec->backlog > 0 ? spec->backlog : 128,
                   on_connection);
  if (rc != 0) {
    log_bind_error(net, spec, rc);
    if (l->io.h.loop != NULL)
      uv_close(&l->io.h, free_unbound);
    else
      free_unbound(&(uv_handle_t){.data = l});
    return REED_EIO;
  }
  log_listening(l, spec);
  l->next = net->listeners;
  net->listeners = l;
  return 0;
}

bool
reed_net_has_listener(const reed_net_t *net, const char *key)
{
  for (const reed_lsock_t *l = net->listeners; l != NULL; l = l->next)
    if (l->key != NULL && strcmp(l->key, key) == 0)
      return true;
  return false;
}

int
reed_net_unlisten(reed_net_t *net, const char *key)
{
  for (reed_lsock_t **pl = &net->listeners; *pl != NULL; pl = &(*pl)->next) {
    reed_lsock_t *l = *pl;
    if (l->key == NULL || strcmp(l->key, key) != 0)
      continue;
    *pl = l->next;
    reed_log(net->log, REED_LOG_INFO, "stopped listening %s", key);
    /* Accepted connections keep nothing of their listener: they stay. */
    reed__lsock_close(l);
    return 0;
  }
  return REED_ENOTFOUND;
}

static int
reload_listener_certs(reed_net_t *net)
{
  int rc = 0;

  for (reed_lsock_t *l = net->listeners; l != NULL; l = l->next) {
    if (l->cert_file == NULL)
      continue;
    SSL_CTX *ctx = reed__tls_ctx_new(net->log, l->cert_file, l->key_file);
    if (ctx == NULL) {
      rc = REED_ETLS;
      continue;
    }
    SSL_CTX_free(l->ctx); /* connections keep their own reference */
    l->ctx = ctx;
  }
  return rc;
}

int
reed_net_set_tls(reed_net_t *net, const char *cert_file, const char *key_file)
{
  SSL_CTX *ctx = reed__tls_ctx_new(net->log, cert_file, key_file);
  char *cf = reed_strdup(cert_file), *kf = reed_strdup(key_file);

  if (ctx == NULL || cf == NULL || kf == NULL) {
    SSL_CTX_free(ctx);
    reed_free(cf);
    reed_free(kf);
    return ctx == NULL ? REED_ETLS : REED_ENOMEM;
  }
  if (net->ctx != NULL)
    SSL_CTX_free(net->ctx);
  net->ctx = ctx;
  reed_free(net->cert_file);
  reed_free(net->key_file);
  net->cert_file = cf;
  net->key_file = kf;
  return reload_listener_certs(net);
}
