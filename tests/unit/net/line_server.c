/* A test server: server/net with the line module on the listeners named on
 * the command line. Used by test_net over real loopback sockets.
 *   net_line_server [--tcp ADDR] [--ssl ADDR] [--unix PATH]
 *                   [--cert F --key F] [--sendq N] [--recvq N]
 *                   [--max-per-ip N] [--max-conns N]
 *                   [--handshake-timeout MS] [--connect-pause MS]
 *                   [--connect-burst N] [--connect-rate N] [--exempt ADDR]
 *                   [--nofile N] [--quiet 1]
 * Every TCP/SSL listener binds port 0. SIGHUP reloads --cert/--key. */
#include "line_module.h"
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct {
  reed_net_t *net;
  reed_log_t log;
  const char *cert, *key;
} server_t;

static server_t srv;
/* --quiet: the line module without a refusal hook. */
static reed_protocol_module_t quiet_module;
static const reed_protocol_module_t *module = &line_module;

static void
stats_hook(char *buf, size_t size)
{
  reed_net_stats_t st;

  reed_net_stats(srv.net, &st);
  snprintf(buf, size,
           "conns=%zu memory=%zu queued=%zu refused=%llu cut=%llu "
           "flood=%llu eofs=%u last_eof=%s backlogged=%zu held=%zu",
           st.connections, st.conn_memory, st.queued_bytes,
           (unsigned long long)st.refused, (unsigned long long)st.cut_sendq,
           (unsigned long long)st.cut_flood, line_eofs, line_eof_reason,
           st.backlogged, st.buffered_in);
}

/* Stands in for the store's commit: rewrites what TURN queued. */
static void
turn_end(void *ud)
{
  REED_UNUSED(ud);
  reed_net_hold_output(srv.net, line_hold);
  if (line_turn_buf == NULL)
    return;
  memcpy(line_turn_buf->data, "turn:committed", 14);
  reed_buf_unref(line_turn_buf);
  line_turn_buf = NULL;
}

static void
reload(void *ud)
{
  server_t *s = ud;

  if (s->cert != NULL && reed_net_set_tls(s->net, s->cert, s->key) == 0)
    reed_log(&s->log, REED_LOG_INFO, "reloaded certificate");
}

static int
listen_on(int kind, const char *where)
{
  reed_net_listen_t spec = {
      .module = module,
      .module_state = (void *)LINE_MODULE_STATE,
      .kind = kind,
      .address = kind == REED_LISTEN_UNIX ? NULL : where,
      .path = kind == REED_LISTEN_UNIX ? where : NULL,
  };

  return reed_net_listen(srv.net, &spec);
}

/* A low descriptor limit, to run into EMFILE with a few clients. */
static void
set_nofile(unsigned long n)
{
  struct rlimit rl = {.rlim_cur = n, .rlim_max = n};

  if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
    perror("setrlimit");
}

static int
parse_limits(int argc, char **argv, reed_net_limits_t *lim)
{
  for (int i = 1; i + 1 < argc; i += 2) {
    unsigned long v = strtoul(argv[i + 1], NULL, 10);
    if (strcmp(argv[i], "--sendq") == 0)
      lim->sendq = v;
    else if (strcmp(argv[i], "--recvq") == 0)
      lim->recvq = v;
    else if (strcmp(argv[i], "--max-per-ip") == 0)
      lim->max_per_ip = (unsigned)v;
    else if (strcmp(argv[i], "--max-conns") == 0)
      lim->max_connections = (unsigned)v;
    else if (strcmp(argv[i], "--handshake-timeout") == 0)
      lim->handshake_timeout_ms = (unsigned)v;
    else if (strcmp(argv[i], "--connect-burst") == 0)
      lim->connect_burst = (unsigned)v;
    else if (strcmp(argv[i], "--connect-rate") == 0)
      lim->connect_rate = (unsigned)v;
    else if (strcmp(argv[i], "--lazy") == 0)
      lim->lazy_min_conns = (unsigned)v;
    else if (strcmp(argv[i], "--exempt") == 0)
      reed_strlcpy(lim->exempt[0], argv[i + 1], sizeof(lim->exempt[0]));
    else if (strcmp(argv[i], "--quiet") == 0 && atoi(argv[i + 1]) != 0)
      module = &quiet_module;
    else if (strcmp(argv[i], "--nofile") == 0)
      set_nofile(v);
    else if (strcmp(argv[i], "--connect-pause") == 0)
      line_connect_pause_ms = (unsigned)v;
    else if (strcmp(argv[i], "--cert") == 0)
      srv.cert = argv[i + 1];
    else if (strcmp(argv[i], "--key") == 0)
      srv.key = argv[i + 1];
  }
  return 0;
}

static int
start_listeners(int argc, char **argv)
{
  for (int i = 1; i + 1 < argc; i += 2) {
    int rc = 0;
    if (strcmp(argv[i], "--tcp") == 0)
      rc = listen_on(REED_LISTEN_TCP, argv[i + 1]);
    else if (strcmp(argv[i], "--ssl") == 0)
      rc = listen_on(REED_LISTEN_SSL, argv[i + 1]);
    else if (strcmp(argv[i], "--unix") == 0)
      rc = listen_on(REED_LISTEN_UNIX, argv[i + 1]);
    if (rc != 0)
      return rc;
  }
  return 0;
}

int
main(int argc, char **argv)
{
  reed_net_opts_t opts = {
      .log = &srv.log, .turn_end = turn_end, .reload = reload, .ud = &srv};
  int rc;

  reed_log_init_stderr(&srv.log, REED_LOG_DEBUG);
  quiet_module = line_module;
  quiet_module.refusal = NULL;
  parse_limits(argc, argv, &opts.limits);
  if (reed_net_new(&opts, &srv.net) != 0)
    return 2;
  line_stats_hook = stats_hook;
  if (srv.cert != NULL && reed_net_set_tls(srv.net, srv.cert, srv.key) != 0)
    return 3;
  if ((rc = start_listeners(argc, argv)) != 0) {
    fprintf(stderr, "listen failed: %s\n", reed_strerror(rc));
    reed_net_free(srv.net);
    return 4;
  }
  reed_net_run(srv.net);
  reed_net_free(srv.net);
  reed_log_flush(&srv.log);
  fprintf(stderr, "live allocations at exit: %ld\n", reed_alloc_live());
  return reed_alloc_live() == 0 ? 0 : 5;
}
