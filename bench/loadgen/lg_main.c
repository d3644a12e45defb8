/* bench: the IRC load generator's entry point and phases.
 *
 *   connect  N clients register, at most K handshakes in flight: rate and
 *            failures.
 *   idle     the same, then a PING round trip from every client and a
 *            settle pause; the server's RSS before and after, per client.
 *   room     N members register and join one channel (the time until every
 *            JOIN has been seen by every member), then S senders send M
 *            PRIVMSGs each, closed loop (a window of unfinished messages per
 *            sender) or paced (--rate): deliveries/s, latency, loss, order.
 *   register XMPP only: as connect, each client registering its account
 *            in-band (XEP-0077) before it logs in (untimed setup; with
 *            --proto mixed, the XMPP third only).
 *
 * --proto irc, amp, xmpp (lg_xmpp.c), or mixed: a third of the clients on
 * each, every one on its protocol's port (--port, --port-amp, --port-xmpp);
 * ircws: IRC over the WebSocket at /irc of the [http] listener at --port
 * (lg_ws.c).
 *
 * The last line on stdout is "RESULT key=value ...", for bench/run.sh. */
#include "lg.h"

#include "base.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum { PH_CONNECT, PH_SYNC, PH_SETTLE, PH_ROOM, PH_DONE };

static const char *const phase_names[] = {"connect", "sync", "settle", "room",
                                          "done"};

uint64_t
lg_now_us(lg_t *lg)
{
  return (uv_hrtime() - lg->t0_ns) / 1000;
}

static long
read_rss_kb(int pid)
{
  char path[64], line[256];
  long kb = -1;
  FILE *f;

  if (pid <= 0)
    return -1;
  snprintf(path, sizeof(path), "/proc/%d/status", pid);
  f = fopen(path, "r");
  if (f == NULL)
    return -1;
  while (fgets(line, sizeof(line), f))
    if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
      break;
  fclose(f);
  return kb;
}

/* utime + stime of a process in seconds, from /proc/<pid>/stat; -1 when
 * there is no such process. */
static double
cpu_of(int pid)
{
  unsigned long ut, st;
  char path[64], buf[1024], *p;
  size_t n;
  FILE *f;

  if (pid <= 0)
    return -1;
  snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  if ((f = fopen(path, "r")) == NULL)
    return -1;
  n = fread(buf, 1, sizeof(buf) - 1, f);
  fclose(f);
  buf[n] = '\0';
  p = strrchr(buf, ')'); /* the command name may hold spaces */
  if (p == NULL || sscanf(p + 2,
                          "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
                          "%*u %lu %lu",
                          &ut, &st) != 2)
    return -1;
  return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static double
cpu_self(void)
{
  struct rusage ru;

  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

void
lg_cpu_mark(lg_t *lg)
{
  lg->cpu_server0 = cpu_of(lg->opt.pid);
  lg->cpu_self0 = cpu_self();
}

double
lg_server_cpu_since_mark(lg_t *lg)
{
  double srv = cpu_of(lg->opt.pid);

  return srv >= 0 && lg->cpu_server0 >= 0 ? srv - lg->cpu_server0 : -1;
}

static void
report_cpu(lg_t *lg)
{
  double srv = cpu_of(lg->opt.pid);

  printf(" loadgen_cpu_s=%.2f", cpu_self() - lg->cpu_self0);
  if (srv >= 0 && lg->cpu_server0 >= 0)
    printf(" server_cpu_s=%.2f", srv - lg->cpu_server0);
}

static int
uses_xmpp(const lg_t *lg)
{
  return strcmp(lg->opt.proto, "xmpp") == 0 ||
         strcmp(lg->opt.proto, "mixed") == 0;
}

static int
is_room(const lg_t *lg)
{
  return strcmp(lg->opt.scenario, "room") == 0;
}

static void
report_common(lg_t *lg)
{
  double secs = (double)(lg->t_registered - lg->t_start) / 1e6;

  printf("RESULT scenario=%s clients=%u registered=%u failed=%u "
         "disconnects=%u server_errors=%llu connect_s=%.3f "
         "connect_per_s=%.1f",
         lg->opt.scenario, lg->nclients, lg->registered, lg->failed,
         lg->disconnects, (unsigned long long)lg->server_errors, secs,
         secs > 0 ? lg->registered / secs : 0.0);
  if (lg->rss_before_kb >= 0 && lg->rss_after_kb >= 0)
    printf(" rss_before_kb=%ld rss_after_kb=%ld bytes_per_client=%.0f",
           lg->rss_before_kb, lg->rss_after_kb,
           (double)(lg->rss_after_kb - lg->rss_before_kb) * 1024.0 /
               (lg->registered ? lg->registered : 1));
}

static void
finish(lg_t *lg, int failed_run)
{
  if (lg->phase == PH_DONE)
    return;
  if (lg->failed || lg->disconnects || (is_room(lg) && lg_room_bad(lg)))
    failed_run = 1;
  if ((failed_run || lg->server_errors) && lg->last_error[0])
    fprintf(stderr, "loadgen: last error: %s\n", lg->last_error);
  report_common(lg);
  if (is_room(lg))
    lg_room_report(lg);
  if (uses_xmpp(lg))
    lg_xmpp_report(lg);
  report_cpu(lg);
  printf(" phase=%s timed_out=%d ok=%d\n", phase_names[lg->phase],
         lg->timed_out, !failed_run);
  fflush(stdout);
  lg->phase = PH_DONE;
  lg->result = failed_run;
  uv_close((uv_handle_t *)&lg->tick, NULL);
  uv_close((uv_handle_t *)&lg->settle, NULL);
  if (is_room(lg))
    lg_room_cleanup(lg);
  lg_conn_close_all(lg);
}

static void on_held(uv_timer_t *t);

/* With --hold the idle clients stay connected a while after the RSS is
 * read, so that a heap profiler can be stopped with them all in place. */
static void
on_settled(uv_timer_t *t)
{
  lg_t *lg = t->data;

  lg->rss_after_kb = read_rss_kb(lg->opt.pid);
  if (lg->opt.hold_s == 0) {
    finish(lg, 0);
    return;
  }
  fprintf(stderr, "loadgen: settled, holding %us\n", lg->opt.hold_s);
  uv_timer_start(&lg->settle, on_held, (uint64_t)lg->opt.hold_s * 1000, 0);
}

static void
start_sync(lg_t *lg)
{
  uint32_t i;

  lg->phase = PH_SYNC;
  for (i = 0; i < lg->nclients; i++)
    if (lg->clients[i].state == LG_READY)
      lg_proto_ping(&lg->clients[i]);
}

static void
after_connect(lg_t *lg)
{
  if (strcmp(lg->opt.scenario, "connect") == 0 ||
      strcmp(lg->opt.scenario, "register") == 0) {
    finish(lg, lg->failed > 0);
  } else if (is_room(lg)) {
    lg->phase = PH_ROOM;
    lg_room_start(lg);
  } else {
    start_sync(lg);
  }
}

static void
on_held(uv_timer_t *t)
{
  finish(t->data, 0);
}

/* With --hold the room's connections stay open for a while after the last
 * delivery, so that a profiler can dump its counters before the server
 * handles the disconnections (bench/callgrind.sh). */
static void
end_room(lg_t *lg)
{
  if (lg->opt.hold_s == 0) {
    finish(lg, 0);
  } else if (!uv_is_active((uv_handle_t *)&lg->settle)) {
    fprintf(stderr, "loadgen: delivered, holding %us\n", lg->opt.hold_s);
    uv_timer_start(&lg->settle, on_held, (uint64_t)lg->opt.hold_s * 1000, 0);
  }
}

void
lg_progress(lg_t *lg)
{
  lg->last_progress = lg_now_us(lg);
  if (lg->phase == PH_CONNECT && lg->registered + lg->failed == lg->nclients) {
    after_connect(lg);
  } else if (lg->phase == PH_SYNC &&
             lg->pongs >= lg->registered - lg->disconnects) {
    lg->phase = PH_SETTLE;
    uv_timer_start(&lg->settle, on_settled, 1000, 0);
  } else if (lg->phase == PH_ROOM && lg_room_check(lg)) {
    end_room(lg);
  }
}

void
lg_on_registered(lg_client_t *c)
{
  lg_t *lg = c->lg;

  lg->registered++;
  lg->inflight--;
  lg->t_registered = lg_now_us(lg);
  lg_conn_start_more(lg);
}

void
lg_on_dead(lg_client_t *c, const char *why)
{
  lg_t *lg = c->lg;

  if (lg->phase == PH_DONE)
    return;
  if (c->state == LG_CONNECTING) {
    lg->failed++;
    lg->inflight--;
    lg_conn_start_more(lg);
  } else {
    lg->disconnects++;
  }
  if (lg->last_error[0] == '\0')
    snprintf(lg->last_error, sizeof(lg->last_error), "client %u: %s", c->idx,
             why);
}

void
lg_on_pong(lg_client_t *c)
{
  c->lg->pongs++;
}

void
lg_on_error(lg_client_t *c, bench_view_t what, bench_view_t text)
{
  c->lg->server_errors++;
  snprintf(c->lg->last_error, sizeof(c->lg->last_error),
           "client %u got %.*s: %.*s", c->idx, (int)what.len, what.p,
           (int)(text.len > 160 ? 160 : text.len), text.p);
  if (c->state == LG_CONNECTING) /* registration will not complete */
    lg_conn_kill(c, c->lg->last_error);
}

void
lg_on_line(lg_client_t *c, const bench_line_t *m)
{
  char k = m->command.len == 3 ? m->command.p[0] : 0;

  if (bench_view_eq(m->command, "PONG")) {
    lg_on_pong(c);
  } else if (bench_view_eq(m->command, "ERROR") || k == '4' || k == '5') {
    if (!bench_view_eq(m->command, "422")) /* no MOTD is fine */
      lg_on_error(c, m->command,
                  m->nparams ? m->params[m->nparams - 1] : m->command);
    return;
  }
  if (is_room(c->lg))
    lg_room_on_line(c, m);
}

static void
on_tick(uv_timer_t *t)
{
  lg_t *lg = t->data;
  uint64_t now = lg_now_us(lg), idle = now - lg->last_progress;

  if (idle > (uint64_t)lg->opt.stall_s * 1000000) {
    fprintf(stderr, "loadgen: no progress for %us in phase %s\n",
            lg->opt.stall_s, phase_names[lg->phase]);
    lg->timed_out = 1;
    finish(lg, 1);
  } else if (lg->opt.deadline_s &&
             now - lg->t_start > (uint64_t)lg->opt.deadline_s * 1000000) {
    fprintf(stderr, "loadgen: deadline of %us passed in phase %s\n",
            lg->opt.deadline_s, phase_names[lg->phase]);
    lg->timed_out = 1;
    finish(lg, 1);
  }
}

static void
usage(void)
{
  fprintf(
      stderr,
      "usage: reed-loadgen --port P --scenario connect|idle|room\n"
      "  [--host 127.0.0.1] [--clients N] [--inflight K] [--senders S]\n"
      "  [--messages M] [--window W] [--rate R] [--size BYTES]\n"
      "  [--spread A] [--stall S] [--deadline S] [--pid PID]\n"
      "  [--prefix P] [--channel #C] [--oper NAME:PASS] [--oper-mode +F]\n"
      "  [--hold S] [--join-inflight K] [--proto irc|ircws|amp|xmpp|mixed]\n"
      "  [--password PW]\n"
      "  [--port-amp P] [--port-xmpp P] [--domain D] [--muc D]\n"
      "  [--sasl auto|plain|scram] [--scram-cache FILE]\n"
      "  (xmpp: --scenario register too)\n");
}

static const struct option longopts[] = {{"host", 1, 0, 'h'},
                                         {"port", 1, 0, 'p'},
                                         {"scenario", 1, 0, 's'},
                                         {"clients", 1, 0, 'n'},
                                         {"inflight", 1, 0, 'k'},
                                         {"senders", 1, 0, 'S'},
                                         {"messages", 1, 0, 'm'},
                                         {"window", 1, 0, 'w'},
                                         {"rate", 1, 0, 'r'},
                                         {"size", 1, 0, 'z'},
                                         {"spread", 1, 0, 'a'},
                                         {"stall", 1, 0, 't'},
                                         {"pid", 1, 0, 'P'},
                                         {"prefix", 1, 0, 'x'},
                                         {"channel", 1, 0, 'c'},
                                         {"oper", 1, 0, 'o'},
                                         {"oper-mode", 1, 0, 'O'},
                                         {"deadline", 1, 0, 'D'},
                                         {"proto", 1, 0, 'I'},
                                         {"password", 1, 0, 'W'},
                                         {"hold", 1, 0, 'H'},
                                         {"port-amp", 1, 0, 'A'},
                                         {"port-xmpp", 1, 0, 'X'},
                                         {"domain", 1, 0, 'd'},
                                         {"muc", 1, 0, 'M'},
                                         {"sasl", 1, 0, 'L'},
                                         {"scram-cache", 1, 0, 'C'},
                                         {"join-inflight", 1, 0, 'J'},
                                         {0, 0, 0, 0}};

static uint32_t
num(const char *s)
{
  return (uint32_t)strtoul(s, NULL, 10);
}

/* The options of --proto xmpp and mixed. */
static void
set_xmpp_opt(lg_opts_t *o, int ch, const char *v)
{
  switch (ch) {
  case 'A':
    o->port_amp = (int)num(v);
    break;
  case 'X':
    o->port_xmpp = (int)num(v);
    break;
  case 'd':
    o->domain = v;
    break;
  case 'M':
    o->muc = v;
    break;
  case 'L':
    o->sasl = v;
    break;
  case 'C':
    o->scram_cache = v;
    break;
  }
}

static void
set_opt(lg_opts_t *o, int ch, const char *v)
{
  switch (ch) {
  case 'h':
    o->host = v;
    break;
  case 'p':
    o->port = (int)num(v);
    break;
  case 's':
    o->scenario = v;
    break;
  case 'n':
    o->clients = num(v);
    break;
  case 'k':
    o->inflight = num(v);
    break;
  case 'S':
    o->senders = num(v);
    break;
  case 'm':
    o->messages = num(v);
    break;
  case 'w':
    o->window = num(v);
    break;
  case 'r':
    o->rate = strtod(v, NULL);
    break;
  case 'D':
    o->deadline_s = num(v);
    break;
  case 'I':
    o->proto = v;
    break;
  case 'W':
    o->password = v;
    break;
  case 'z':
    o->size = num(v);
    break;
  case 'a':
    o->spread = num(v);
    break;
  case 't':
    o->stall_s = num(v);
    break;
  case 'H':
    o->hold_s = num(v);
    break;
  case 'J':
    o->join_inflight = num(v);
    break;
  case 'P':
    o->pid = (int)num(v);
    break;
  case 'x':
    o->prefix = v;
    break;
  case 'c':
    o->channel = v;
    break;
  case 'o':
    o->oper = v;
    break;
  case 'O':
    o->oper_mode = v;
    break;
  default:
    set_xmpp_opt(o, ch, v);
  }
}

static int
parse_opts(int argc, char **argv, lg_opts_t *o)
{
  int ch;

  *o = (lg_opts_t){.proto = "irc",
                   .password = "bench-password",
                   .host = "127.0.0.1",
                   .scenario = "room",
                   .clients = 100,
                   .inflight = 1000,
                   .senders = 1,
                   .messages = 100,
                   .window = 20,
                   .size = 64,
                   .stall_s = 15,
                   .prefix = "b",
                   .channel = "#bench",
                   .domain = "localhost",
                   .muc = "conference.localhost",
                   .sasl = "auto"};
  while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    if (ch == '?')
      return -1;
    set_opt(o, ch, optarg);
  }
  if (o->port <= 0 || o->clients == 0 || o->inflight == 0 ||
      (strcmp(o->scenario, "connect") && strcmp(o->scenario, "idle") &&
       strcmp(o->scenario, "room") && strcmp(o->scenario, "register")))
    return -1;
  if (strcmp(o->proto, "irc") && strcmp(o->proto, "amp") &&
      strcmp(o->proto, "xmpp") && strcmp(o->proto, "mixed") &&
      strcmp(o->proto, "ircws"))
    return -1;
  if (strcmp(o->scenario, "register") == 0 && strcmp(o->proto, "xmpp") &&
      strcmp(o->proto, "mixed"))
    return -1;
  if (strcmp(o->proto, "mixed") == 0 && (o->port_amp <= 0 || o->port_xmpp <= 0))
    return -1;
  if (strcmp(o->sasl, "auto") && strcmp(o->sasl, "plain") &&
      strcmp(o->sasl, "scram"))
    return -1;
  if (o->senders == 0 || o->senders > o->clients || o->window == 0 ||
      o->size < 40 || o->size > 400 || strlen(o->prefix) > 8)
    return -1;
  return 0;
}

/* Raises the soft open-files limit to the hard one: each client is a fd. */
static int
raise_nofile(uint32_t need)
{
  struct rlimit rl;

  if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
    return -1;
  rl.rlim_cur = rl.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
    return -1;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)need + 64) {
    fprintf(stderr, "loadgen: %u clients need more than %lu open files\n", need,
            (unsigned long)rl.rlim_cur);
    return -1;
  }
  return 0;
}

static int
run(lg_t *lg)
{
  lg->clients = reed_calloc(lg->nclients, sizeof(*lg->clients));
  if (lg->clients == NULL || (is_room(lg) && lg_room_init(lg) < 0) ||
      (uses_xmpp(lg) && lg_xmpp_init(lg) < 0))
    return 2;
  uv_timer_init(lg->loop, &lg->tick);
  uv_timer_init(lg->loop, &lg->settle);
  lg->tick.data = lg->settle.data = lg;
  uv_timer_start(&lg->tick, on_tick, 100, 100);
  lg->rss_before_kb = read_rss_kb(lg->opt.pid);
  lg_cpu_mark(lg);
  lg->rss_after_kb = -1;
  lg->t0_ns = uv_hrtime();
  lg->t_start = lg->last_progress = lg_now_us(lg);
  lg_conn_start_more(lg);
  uv_run(lg->loop, UV_RUN_DEFAULT);
  if (uses_xmpp(lg))
    lg_xmpp_cleanup(lg);
  return lg->result;
}

int
main(int argc, char **argv)
{
  lg_t lg = {.loop = uv_default_loop()};
  int rc;

  if (parse_opts(argc, argv, &lg.opt) < 0) {
    usage();
    return 2;
  }
  lg.nclients = lg.opt.clients;
  if (raise_nofile(lg.nclients) < 0)
    return 2;
  rc = run(&lg);
  uv_loop_close(lg.loop);
  reed_free(lg.clients);
  return rc;
}
