/* What operators' commands ask the net about (IRC STATS): the open
 * listeners with their bound addresses, and connections per module. */
#include "net_int.h"

#include <string.h>

static const char *
kind_name(int kind)
{
  return kind == REED_LISTEN_SSL    ? "ssl"
         : kind == REED_LISTEN_UNIX ? "unix"
                                    : "tcp";
}

void
reed_net_each_listener(reed_net_t *net,
                       void (*cb)(void *ud, const char *module,
                                  const char *kind, const char *addr,
                                  unsigned port),
                       void *ud)
{
  for (reed_lsock_t *l = net->listeners; l != NULL; l = l->next) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    char ip[64] = "?";
    unsigned port = 0;

    if (l->kind == REED_LISTEN_UNIX) {
      cb(ud, l->module->name, "unix", l->path ? l->path : "?", 0);
      continue;
    }
    memset(&ss, 0, sizeof(ss));
    if (uv_tcp_getsockname(&l->io.tcp, (struct sockaddr *)&ss, &len) != 0)
      continue; /* closing */
    if (ss.ss_family == AF_INET6) {
      uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof(ip));
      port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    } else {
      uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof(ip));
      port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    cb(ud, l->module->name, kind_name(l->kind), ip, port);
  }
}

size_t
reed_net_connections_of(const reed_net_t *net, const char *module)
{
  size_t n = 0;

  for (const reed_conn_t *c = net->conns; c != NULL; c = c->next)
    if (!(c->flags & (CONN_REFUSED | CONN_UVCLOSED)) &&
        strcmp(c->module->name, module) == 0)
      n++;
  return n;
}
