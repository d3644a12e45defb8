/* server/net end to end over loopback: the line server as a child process,
 * driven by plain and unix-socket clients. */
#include "harness.h"
#include "line_module.h"
#include "netclient.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static srv_t srv;

#define START(...)                                                             \
  do {                                                                         \
    const char *const args_[] = {__VA_ARGS__, NULL};                           \
    srv_start(&srv, args_);                                                    \
  } while (0)

static void
expect_line(int fd, const char *want)
{
  char line[70000];

  if (cli_line(fd, line, sizeof(line)) < 0)
    reed__test_fail(__FILE__, __LINE__, "no line, wanted \"%s\"", want);
  ASSERT_STR_EQ(line, want);
}

/* Connects and reads the greeting. */
static int
connect_hello(void)
{
  char line[128];
  int fd = cli_tcp(srv.tcp_port);

  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT(strncmp(line, "hello ", 6) == 0);
  return fd;
}

/* Asks for STATS on fd until the server holds `held` unconsumed input
 * bytes in all (bounded). */
static void
wait_held(int fd, size_t held)
{
  char line[256], want[32];

  snprintf(want, sizeof(want), "held=%zu", held);
  for (int i = 0; i < 1000; i++) {
    cli_send(fd, "STATS\r\n");
    ASSERT(cli_line(fd, line, sizeof(line)) > 0);
    const char *p = strstr(line, "held=");
    if (p != NULL && strcmp(p, want) == 0)
      return;
  }
  reed__test_fail(__FILE__, __LINE__, "never %s: %s", want, line);
}

static void
stop_ok(void)
{
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
}

TEST(tcp_echo_partial_lines)
{
  START("--tcp", "127.0.0.1");
  int fd = cli_tcp(srv.tcp_port);
  expect_line(fd, "hello 1");
  cli_send(fd, "first\r\n");
  expect_line(fd, "echo: first");
  /* A line in three pieces is one line; two lines in one piece are two.
   * Another client's STATS shows each piece held before the next is sent. */
  int other = connect_hello();
  cli_send(fd, "sec");
  wait_held(other, 3);
  cli_send(fd, "ond li");
  wait_held(other, 9);
  cli_send(fd, "ne\r\nthird\nfourth\r\n");
  expect_line(fd, "echo: second line");
  expect_line(fd, "echo: third");
  expect_line(fd, "echo: fourth");
  cli_send(fd, "PEER\r\n");
  expect_line(fd, "peer 127.0.0.1 tls=0 fp=-");
  wait_held(other, 0);
  close(fd);
  close(other);
  stop_ok();
}

TEST(broadcast_reaches_all)
{
  int fds[5];

  START("--tcp", "127.0.0.1");
  for (int i = 0; i < 5; i++)
    fds[i] = connect_hello();
  cli_send(fds[2], "BROADCAST one for all\r\n");
  for (int i = 0; i < 5; i++)
    expect_line(fds[i], "one for all");
  for (int i = 0; i < 5; i++)
    close(fds[i]);
  stop_ok();
}

/* A big fan-out (here: more than 2 connections dirtied in a turn) lets
 * the others' copies wait a few milliseconds to share writes: they still
 * all arrive, in order, with the sender's own replies not held back, and
 * a reader that leaves while its copy waits is closed cleanly. */
TEST(lazy_fanout_arrives_in_order)
{
  int fds[5];

  START("--tcp", "127.0.0.1", "--lazy", "2");
  for (int i = 0; i < 5; i++)
    fds[i] = connect_hello();
  for (int r = 0; r < 20; r++) {
    char msg[32];
    snprintf(msg, sizeof(msg), "BROADCAST m%d\r\nhi %d\r\n", r, r);
    cli_send(fds[r % 5], msg);
    snprintf(msg, sizeof(msg), "m%d", r);
    expect_line(fds[r % 5], msg);
    snprintf(msg, sizeof(msg), "echo: hi %d", r);
    expect_line(fds[r % 5], msg);
  }
  close(fds[4]); /* gone with copies maybe waiting */
  for (int i = 0; i < 4; i++) {
    for (int r = 0; r < 20; r++) {
      char want[16];
      if (r % 5 == i)
        continue; /* its own: read above, with its echo */
      snprintf(want, sizeof(want), "m%d", r);
      expect_line(fds[i], want);
    }
  }
  for (int i = 0; i < 4; i++)
    close(fds[i]);
  stop_ok();
}

/* One shared body, a head of each connection's own (transport write2):
 * small bodies are copied into the queues, large ones referenced. */
TEST(headed_fanout)
{
  static char big[3000], want[3100];
  int fds[4];

  START("--tcp", "127.0.0.1");
  for (int i = 0; i < 4; i++)
    fds[i] = connect_hello();
  cli_send(fds[1], "HEADED 0 shared body\r\n");
  for (int i = 0; i < 4; i++) {
    snprintf(want, sizeof(want), "to %d: shared body", i + 1);
    expect_line(fds[i], want);
  }
  memset(big, '.', 2000);
  cli_send(fds[3], "HEADED 2000 x\r\n");
  for (int i = 0; i < 4; i++) {
    snprintf(want, sizeof(want), "to %d: x%.*s", i + 1, 1999, big);
    expect_line(fds[i], want);
  }
  for (int i = 0; i < 4; i++)
    close(fds[i]);
  stop_ok();
}

/* What a listener's spec gives as module_state reaches every connection's
 * env (main passes what the module's init made). */
TEST(module_state_in_env)
{
  START("--tcp", "127.0.0.1");
  int fd = connect_hello();
  cli_send(fd, "STATE\r\n");
  expect_line(fd, "state " LINE_MODULE_STATE);
  close(fd);
  stop_ok();
}

TEST(unix_socket_echo)
{
  char dir[256], path[300];

  make_tmpdir(dir, sizeof(dir));
  snprintf(path, sizeof(path), "%s/line.sock", dir);
  START("--unix", path);
  int fd = cli_unix(path);
  expect_line(fd, "hello 1");
  cli_send(fd, "over unix\nPEER\n");
  expect_line(fd, "echo: over unix");
  expect_line(fd, "peer unix tls=0 fp=-");
  close(fd);
  stop_ok();
  /* The socket file is removed at close. */
  ASSERT(access(path, F_OK) != 0);
  tmp_cleanup();
}

TEST(ipv6_echo)
{
  struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                           .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  char line[128];
  int fd;

  START("--tcp", "::1");
  a.sin6_port = htons((uint16_t)srv.tcp_port);
  fd = socket(AF_INET6, SOCK_STREAM, 0);
  ASSERT(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
  expect_line(fd, "hello 1");
  cli_send(fd, "PEER\r\n");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "peer ::1 tls=0 fp=-");
  close(fd);
  stop_ok();
}

TEST(pause_holds_input)
{
  START("--tcp", "127.0.0.1");
  int fd = connect_hello();
  /* Everything after PAUSE arrives in the same packet and must be held,
   * then fed in order after the resume. */
  cli_send(fd, "PAUSE 100\r\nafter one\r\nafter two\r\n");
  expect_line(fd, "paused");
  expect_line(fd, "resumed");
  expect_line(fd, "echo: after one");
  expect_line(fd, "echo: after two");
  /* Input sent while paused is held too. */
  cli_send(fd, "PAUSE 100\r\n");
  expect_line(fd, "paused");
  cli_send(fd, "during\r\n");
  expect_line(fd, "resumed");
  expect_line(fd, "echo: during");
  close(fd);
  stop_ok();
}

/* A reader that stops reading is cut at its send-queue limit while another
 * client keeps being served. */
TEST(slow_reader_cut)
{
  char big[1100], line[1200];
  int slow, fast, i;
  bool cut = false;

  START("--tcp", "127.0.0.1", "--sendq", "65536");
  slow = cli_tcp_rcvbuf(srv.tcp_port, 4096);
  expect_line(slow, "hello 1");
  fast = connect_hello();
  memset(big, 'x', 1000);
  snprintf(big + 1000, sizeof(big) - 1000, "\r\n");
  char cmd[1200];
  snprintf(cmd, sizeof(cmd), "BROADCAST %s", big);
  /* Batches of 16 lines; the kernel's socket buffers take some megabytes
   * before the server's queue starts to grow. */
  for (i = 0; i < 2500 && !cut; i++) {
    for (int k = 0; k < 16; k++)
      cli_send(fast, cmd);
    for (int k = 0; k < 16; k++)
      ASSERT(cli_line(fast, line, sizeof(line)) == 1000);
    srv_drain(&srv);
    cut = strstr(srv.log, "conn 1 127.0.0.1 closed: SendQ exceeded") != NULL;
  }
  fprintf(stderr, "cut after %d lines\n", i * 16);
  ASSERT(cut);
  /* The fast client is still served, and the slow one is gone. */
  cli_send(fast, "still here\r\nSTATS\r\n");
  expect_line(fast, "echo: still here");
  ASSERT(cli_line(fast, line, sizeof(line)) > 0);
  ASSERT(strstr(line, "conns=1 ") != NULL);
  ASSERT(strstr(line, "cut=1 ") != NULL);
  ASSERT(strstr(line, "eofs=1") != NULL); /* its core was told why */
  ASSERT(strstr(line, "last_eof=SendQ exceeded") != NULL);
  ASSERT(cli_wait_eof(slow, WAIT_MS));
  close(slow);
  close(fast);
  stop_ok();
}

TEST(per_ip_limit)
{
  int a, b, c;
  char line[512];

  START("--tcp", "127.0.0.1", "--max-per-ip", "2");
  a = connect_hello();
  b = connect_hello();
  c = cli_tcp(srv.tcp_port);
  expect_line(c, "REFUSED too many connections from your address");
  ASSERT(cli_wait_eof(c, WAIT_MS));
  close(c);
  ASSERT(srv_wait_log(&srv, "refused 127.0.0.1", WAIT_MS));
  /* The others are unaffected; once one leaves there is room again. */
  cli_send(a, "ping\r\n");
  expect_line(a, "echo: ping");
  close(b);
  ASSERT(srv_wait_log(&srv, "closed: connection closed by peer", WAIT_MS));
  cli_send(a, "STATS\r\n");
  ASSERT(cli_line(a, line, sizeof(line)) > 0);
  ASSERT(strstr(line, "last_eof=Connection closed") != NULL);
  c = connect_hello();
  cli_send(c, "ping\r\n");
  expect_line(c, "echo: ping");
  close(a);
  close(c);
  stop_ok();
}

TEST(global_limit)
{
  int a, c;

  START("--tcp", "127.0.0.1", "--max-conns", "1");
  a = connect_hello();
  c = cli_tcp(srv.tcp_port);
  expect_line(c, "REFUSED too many connections");
  ASSERT(cli_wait_eof(c, WAIT_MS));
  close(c);
  cli_send(a, "ping\r\n");
  expect_line(a, "echo: ping");
  close(a);
  stop_ok();
}

TEST(recvq_limit)
{
  char junk[3000];
  int a, b;

  START("--tcp", "127.0.0.1", "--recvq", "1024");
  a = connect_hello();
  b = connect_hello();
  /* 1000 bytes without a newline are held; 3000 pass the bound. */
  memset(junk, 'j', 1000);
  junk[1000] = '\0';
  cli_send(a, junk);
  cli_send(b, "ping\r\n");
  expect_line(b, "echo: ping");
  memset(junk, 'j', sizeof(junk) - 1);
  junk[sizeof(junk) - 1] = '\0';
  cli_send(a, junk);
  /* The flooder is told in its protocol, and its core why it went. */
  expect_line(a, "REFUSED Excess Flood");
  ASSERT(cli_wait_eof(a, WAIT_MS));
  ASSERT(srv_wait_log(&srv, "cut 127.0.0.1: input buffer exceeded", WAIT_MS));
  ASSERT(srv_wait_log(&srv, "closed: Excess Flood", WAIT_MS));
  cli_send(b, "STATS\r\n");
  char line[256];
  ASSERT(cli_line(b, line, sizeof(line)) > 0);
  ASSERT(strstr(line, "conns=1 ") != NULL);
  ASSERT(strstr(line, "flood=1 ") != NULL);
  ASSERT(strstr(line, "last_eof=Excess Flood") != NULL);
  close(a);
  close(b);
  stop_ok();
}

/* Three connects at once from an address, then one per 10 s: the fourth
 * is refused in the module's words, with a log line. */
TEST(connect_rate_limit)
{
  int fds[3], c;

  START("--tcp", "127.0.0.1", "--connect-burst", "3", "--connect-rate", "1");
  for (int i = 0; i < 3; i++) {
    fds[i] = connect_hello();
    close(fds[i]); /* not the per-address count: the rate */
  }
  c = cli_tcp(srv.tcp_port);
  expect_line(c, "REFUSED connecting too fast from your address");
  ASSERT(cli_wait_eof(c, WAIT_MS));
  close(c);
  ASSERT(srv_wait_log(
      &srv, "refused 127.0.0.1: connecting too fast from your address",
      WAIT_MS));
  stop_ok();
}

/* An exempt address passes the connect rate and the per-address count. */
TEST(connect_exempt)
{
  int fds[4];

  START("--tcp", "127.0.0.1", "--connect-burst", "1", "--connect-rate", "1",
        "--max-per-ip", "1", "--exempt", "127.0.0.1");
  for (int i = 0; i < 4; i++)
    fds[i] = connect_hello();
  for (int i = 0; i < 4; i++) {
    cli_send(fds[i], "ping\r\n");
    expect_line(fds[i], "echo: ping");
    close(fds[i]);
  }
  stop_ok();
}

/* A module without a refusal hook: the refused connection is closed
 * without a byte. */
TEST(refusal_hook_null_says_nothing)
{
  int a, c;
  char buf[16];

  START("--tcp", "127.0.0.1", "--max-per-ip", "1", "--quiet", "1");
  a = connect_hello();
  c = cli_tcp(srv.tcp_port);
  ASSERT(cli_wait_eof(c, WAIT_MS));
  ASSERT_EQ(recv(c, buf, sizeof(buf), MSG_DONTWAIT), 0);
  close(c);
  ASSERT(srv_wait_log(&srv, "refused 127.0.0.1", WAIT_MS));
  close(a);
  stop_ok();
}

/* Near the descriptor limit (32 here: 16 connections), new connections
 * are refused in the module's words and logged (folded per second), and
 * the listener goes on once descriptors are free again. */
TEST(accept_failure_logged_listener_survives)
{
  enum { N = 40 };
  int fds[N], c;
  char line[128];

  START("--tcp", "127.0.0.1", "--nofile", "32");
  for (int i = 0; i < N; i++)
    fds[i] = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(fds[0], line, sizeof(line)) > 0);
  ASSERT(cli_line(fds[N - 1], line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "REFUSED server full");
  ASSERT(srv_wait_log(&srv, "accept: descriptor limit: 16 connections open",
                      WAIT_MS));
  for (int i = 0; i < N; i++)
    close(fds[i]);
  ASSERT(srv_wait_log(&srv, "closed: connection closed by peer", WAIT_MS));
  c = connect_hello();
  cli_send(c, "ping\r\n");
  expect_line(c, "echo: ping");
  close(c);
  stop_ok();
}

TEST(fatal_closes_only_that)
{
  int a, b;

  START("--tcp", "127.0.0.1");
  a = connect_hello();
  b = connect_hello();
  cli_send(a, "FATAL\r\n");
  ASSERT(cli_wait_eof(a, WAIT_MS));
  ASSERT(srv_wait_log(&srv, "closed: protocol error", WAIT_MS));
  cli_send(b, "ping\r\n");
  expect_line(b, "echo: ping");
  close(a);
  close(b);
  stop_ok();
}

/* An idle connection keeps no buffers: its whole footprint is the
 * connection struct, well under 1 KiB. */
TEST(idle_memory_small)
{
  char line[256], big[5000];
  size_t conns = 0, mem = 0;
  int fds[4];

  START("--tcp", "127.0.0.1");
  for (int i = 0; i < 4; i++)
    fds[i] = connect_hello();
  /* Use the buffers first: a partial line held, a big reply queued. */
  memset(big, 'y', sizeof(big) - 3);
  memcpy(big + sizeof(big) - 3, "\r\n", 3);
  cli_send(fds[0], "partial");
  cli_send(fds[0], " end\r\n");
  expect_line(fds[0], "echo: partial end");
  cli_send(fds[1], big);
  ASSERT(cli_line(fds[1], line, sizeof(line)) > 0);
  cli_send(fds[3], "STATS\r\n");
  ASSERT(cli_line(fds[3], line, sizeof(line)) > 0);
  ASSERT(sscanf(line, "stats conns=%zu memory=%zu", &conns, &mem) == 2);
  ASSERT_EQ(conns, 4);
  ASSERT(mem / conns < 1024);
  ASSERT(strstr(line, "queued=0 ") != NULL);
  for (int i = 0; i < 4; i++)
    close(fds[i]);
  stop_ok();
}

TEST(quit_flushes_then_closes)
{
  int a;

  START("--tcp", "127.0.0.1");
  a = connect_hello();
  cli_send(a, "one\r\nQUIT\r\nnever\r\n");
  expect_line(a, "echo: one");
  expect_line(a, "BYE");
  ASSERT(cli_wait_eof(a, WAIT_MS));
  ASSERT(srv_wait_log(&srv, "closed: client quit", WAIT_MS));
  close(a);
  stop_ok();
}

TEST(sigterm_polite_exit0)
{
  int a, b;

  START("--tcp", "127.0.0.1");
  a = connect_hello();
  b = connect_hello();
  kill(srv.pid, SIGTERM);
  expect_line(a, "GOODBYE");
  expect_line(b, "GOODBYE");
  ASSERT(cli_wait_eof(a, WAIT_MS));
  ASSERT(cli_wait_eof(b, WAIT_MS));
  /* Exit 0 also says every allocation was freed (see line_server.c). */
  ASSERT_EQ(srv_stop(&srv, 0, WAIT_MS), 0);
  close(a);
  close(b);
}

/* The turn-end hook (the store's commit) runs before the turn's output is
 * flushed: the hook rewrites the queued reply in place, so a client that
 * reads "pending" got bytes flushed before the commit. */
TEST(turn_end_before_flush)
{
  char committed[14 + LINE_TURN_PAD + 1];
  int a;

  memcpy(committed, "turn:committed", 14);
  memset(committed + 14, '.', LINE_TURN_PAD);
  committed[14 + LINE_TURN_PAD] = '\0';
  START("--tcp", "127.0.0.1");
  a = connect_hello();
  for (int i = 0; i < 20; i++) {
    cli_send(a, "TURN\r\n");
    expect_line(a, committed);
  }
  /* Pipelined with another line in one packet. */
  cli_send(a, "TURN\r\nx\r\n");
  expect_line(a, committed);
  expect_line(a, "echo: x");
  close(a);
  stop_ok();
}

/* While the turn-end hook holds output (the store could not commit), no
 * connection's output leaves: another client's STATS, read in a later
 * turn, still finds the held line queued. Released, it all goes out in
 * order. */
TEST(held_output_waits_for_release)
{
  char line[512];
  int a, b;

  START("--tcp", "127.0.0.1");
  a = connect_hello();
  b = connect_hello();
  cli_send(a, "HOLD\r\nx\r\n");
  ASSERT(srv_wait_log(&srv, "output held", WAIT_MS));
  cli_send(b, "STATS\r\nRELEASE\r\n");
  expect_line(a, "echo: x");
  ASSERT(cli_line(b, line, sizeof(line)) > 0);
  ASSERT(strstr(line, " queued=9 ") != NULL); /* "echo: x\r\n" */
  ASSERT(srv_wait_log(&srv, "output released", WAIT_MS));
  cli_send(a, "y\r\n");
  expect_line(a, "echo: y");
  close(a);
  close(b);
  stop_ok();
}

/* Thousands of small buffers queued in one turn arrive whole and in order
 * (many uv_try_write batches, then a write request for the rest). */
TEST(many_small_writes_in_order)
{
  char want[32];
  int a;

  START("--tcp", "127.0.0.1");
  a = connect_hello();
  cli_send(a, "REPEAT 20000\r\nafter\r\n");
  for (int i = 0; i < 20000; i++) {
    snprintf(want, sizeof(want), "r %d", i);
    expect_line(a, want);
  }
  expect_line(a, "echo: after");
  close(a);
  stop_ok();
}

/* A core that pauses in conn_new is not read until it resumes: a client
 * that writes more than the read buffer holds meanwhile waits in the
 * kernel instead of being cut, and everything arrives in order. */
TEST(paused_from_connect)
{
  char lines[4000], want[64];
  size_t len = 0;
  int a;

  START("--tcp", "127.0.0.1", "--recvq", "1024", "--connect-pause", "200");
  a = cli_tcp(srv.tcp_port);
  expect_line(a, "hello 1");
  for (int i = 0; i < 100; i++)
    len += (size_t)snprintf(lines + len, sizeof(lines) - len,
                            "line %03d of the early burst\r\n", i);
  ASSERT(len > 2048);
  cli_send(a, lines);
  expect_line(a, "resumed");
  for (int i = 0; i < 100; i++) {
    snprintf(want, sizeof(want), "echo: line %03d of the early burst", i);
    expect_line(a, want);
  }
  close(a);
  stop_ok();
}

TEST(sigint_polite_exit0)
{
  int a;

  START("--tcp", "127.0.0.1");
  a = connect_hello();
  kill(srv.pid, SIGINT);
  expect_line(a, "GOODBYE");
  ASSERT(cli_wait_eof(a, WAIT_MS));
  ASSERT_EQ(srv_stop(&srv, 0, WAIT_MS), 0);
  close(a);
}

/* A client that does not read cannot hold the shutdown: its queue gets the
 * close timeout (2 s by default), then it is cut and the server exits 0. */
TEST(sigterm_with_stuck_reader)
{
  struct timespec t0, t1;
  int a, b;

  START("--tcp", "127.0.0.1", "--sendq", "33554432");
  a = cli_tcp_rcvbuf(srv.tcp_port, 4096);
  expect_line(a, "hello 1");
  b = connect_hello();
  /* About 6 MB for a, which reads nothing: more than the kernel holds. */
  cli_send(a, "REPEAT 6000 1000\r\n");
  char line[256];
  bool queued = false;
  for (int i = 0; i < 100 && !queued; i++) {
    cli_send(b, "STATS\r\n");
    ASSERT(cli_line(b, line, sizeof(line)) > 0);
    queued = strstr(line, "queued=0 ") == NULL; /* a's queue is not empty */
  }
  ASSERT(queued);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, 15000), 0);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  /* 2 s of close timeout, plus some on a busy machine under ASan; a hang
   * would be far longer. */
  ASSERT(t1.tv_sec - t0.tv_sec < 12);
  ASSERT(srv_wait_log(&srv, "conn 1 127.0.0.1 closed: server shutting down",
                      WAIT_MS));
  close(a);
  close(b);
}
