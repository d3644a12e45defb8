/* Back-pressure in server/net over loopback: a client that pipelines
 * requests without reading its answers is no longer read once its send
 * queue passes the high-water mark, and is read again when it drains; it
 * is never cut for its own answers. */
#include "harness.h"
#include "netclient.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static srv_t srv;

#define SENDQ 65536
#define LINE_W 1000         /* a request's text; the line is LINE_W + 2 */
#define MAX_BYTES (1 << 28) /* a bound: the kernel takes some megabytes */

/* The request stream: line i is "%06zu" padded with dots to LINE_W. */
static char
stream_byte(size_t off)
{
  size_t i = off / (LINE_W + 2), at = off % (LINE_W + 2);
  char num[8];

  if (at == LINE_W)
    return '\r';
  if (at == LINE_W + 1)
    return '\n';
  if (at >= 6)
    return '.';
  snprintf(num, sizeof(num), "%06zu", i % 1000000);
  return num[at];
}

/* Writes the stream from *sent up to `end` while the kernel takes it;
 * returns false once it would block. A reset fails the test: the server
 * cut the connection. */
static bool
push(int fd, size_t *sent, size_t end)
{
  char buf[16384];

  while (*sent < end) {
    size_t n = end - *sent < sizeof(buf) ? end - *sent : sizeof(buf);
    for (size_t k = 0; k < n; k++)
      buf[k] = stream_byte(*sent + k);
    ssize_t w = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return false;
    if (w <= 0) {
      srv_drain(&srv);
      fprintf(stderr, "%s", srv.log); /* why it was cut */
    }
    if (w <= 0)
      reed__test_fail(__FILE__, __LINE__, "send: %s: cut after %zu bytes",
                      strerror(errno), *sent);
    *sent += (size_t)w;
  }
  return true;
}

/* The line server's STATS as another client sees them. */
static void
stats(int fd, char *line, size_t n)
{
  cli_send(fd, "STATS\r\n");
  ASSERT(cli_line(fd, line, n) > 0);
}

static size_t
stat_value(const char *line, const char *key)
{
  const char *p = strstr(line, key);

  ASSERT(p != NULL);
  return (size_t)strtoull(p + strlen(key), NULL, 10);
}

static void
expect_echo(int fd, size_t i)
{
  char line[LINE_W + 64], want[LINE_W + 64];
  int len = snprintf(want, sizeof(want), "echo: %06zu", i % 1000000);

  while (len < 6 + LINE_W)
    want[len++] = '.';
  want[len] = '\0';
  if (cli_line(fd, line, sizeof(line)) < 0)
    reed__test_fail(__FILE__, __LINE__, "no echo %zu", i);
  ASSERT_STR_EQ(line, want);
}

/* Writes requests until the server has stopped reading and nothing moves:
 * the client's writes block, and two STATS by another client in a row
 * show it backlogged with the same bytes queued and held (the kernel may
 * take a little more of the queue for a while after the mark; the
 * connection may even resume and stop again meanwhile). Returns the bytes
 * written. */
static size_t
flood_until_still(int slow, int other)
{
  char line[512];
  size_t sent = 0, queued = 0, held = 0;

  for (int round = 0; round < 100000; round++) {
    struct pollfd p = {.fd = slow, .events = POLLOUT};
    size_t before = sent;
    push(slow, &sent, MAX_BYTES);
    stats(other, line, sizeof(line));
    ASSERT(strstr(line, "cut=0 ") != NULL);
    if (stat_value(line, "backlogged=") == 1 && sent == before &&
        stat_value(line, "queued=") == queued &&
        stat_value(line, "held=") == held)
      return sent;
    queued = stat_value(line, "queued=");
    held = stat_value(line, "held=");
    ASSERT(sent < MAX_BYTES);
    poll(&p, 1, 10); /* room again, or the server has stopped reading */
  }
  reed__test_fail(__FILE__, __LINE__, "never still after %zu", sent);
  return 0;
}

TEST(backlog_pauses_reading)
{
  const char *const args[] = {"--tcp", "127.0.0.1", "--sendq", "65536", NULL};
  char line[512];
  int slow, other;
  size_t sent, end, lines;

  signal(SIGPIPE, SIG_IGN);
  srv_start(&srv, args);
  slow = cli_tcp_rcvbuf(srv.tcp_port, 4096);
  ASSERT(cli_line(slow, line, sizeof(line)) > 0);
  other = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(other, line, sizeof(line)) > 0);

  sent = flood_until_still(slow, other);
  /* Stopped past half the limit (the kernel may have taken a little of
   * the queue since, never down to the quarter that resumes), short of the
   * limit, and not cut; more requests wait in the kernel, and what the
   * server holds is bounded. */
  stats(other, line, sizeof(line));
  ASSERT(stat_value(line, "backlogged=") == 1);
  ASSERT(stat_value(line, "queued=") > SENDQ / 4);
  ASSERT(stat_value(line, "queued=") <= SENDQ);
  ASSERT(stat_value(line, "held=") <= 16384 + 65536);
  ASSERT(strstr(line, "conns=2 ") != NULL);
  ASSERT(strstr(line, "cut=0 ") != NULL);
  ASSERT(!push(slow, &sent, MAX_BYTES));

  /* The client reads: the server reads it again, and every request is
   * answered in order (the last line is completed as room comes). */
  end = (sent + LINE_W + 1) / (LINE_W + 2) * (LINE_W + 2);
  lines = end / (LINE_W + 2);
  for (size_t i = 0; i < lines; i++) {
    push(slow, &sent, end);
    /* A request not yet all written: every answer before it has been
     * read, so the server reads again and there is room soon. */
    while (sent < (i + 1) * (LINE_W + 2)) {
      struct pollfd p = {.fd = slow, .events = POLLOUT};
      ASSERT(poll(&p, 1, WAIT_MS) == 1);
      push(slow, &sent, end);
    }
    expect_echo(slow, i);
  }
  ASSERT_EQ(sent, end);
  fprintf(stderr, "%zu requests answered\n", lines);
  stats(other, line, sizeof(line));
  ASSERT(stat_value(line, "backlogged=") == 0);
  ASSERT(strstr(line, "cut=0 ") != NULL);
  cli_send(slow, "PEER\r\n");
  ASSERT(cli_line(slow, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "peer 127.0.0.1 tls=0 fp=-");
  close(slow);
  close(other);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
}
