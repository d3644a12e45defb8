/* Test helpers for server/net over real loopback sockets. */
#define _GNU_SOURCE /* nftw */
#include "netclient.h"
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long
now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads whatever is available within wait_ms into the log. */
static void
srv_read(srv_t *s, int wait_ms)
{
  struct pollfd p = {.fd = s->errfd, .events = POLLIN};
  ssize_t n;

  if (s->errfd < 0 || poll(&p, 1, wait_ms) <= 0)
    return;
  if (s->loglen + 1 >= sizeof(s->log)) {
    /* Keep the tail: drop what was already searched. */
    size_t keep = s->loglen - s->logpos;
    memmove(s->log, s->log + s->logpos, keep);
    s->loglen = keep;
    s->logpos = 0;
  }
  n = read(s->errfd, s->log + s->loglen, sizeof(s->log) - 1 - s->loglen);
  if (n <= 0) {
    close(s->errfd);
    s->errfd = -1;
    return;
  }
  s->loglen += (size_t)n;
  s->log[s->loglen] = '\0';
}

void
srv_drain(srv_t *s)
{
  srv_read(s, 0);
}

bool
srv_wait_log(srv_t *s, const char *needle, int timeout_ms)
{
  long deadline = now_ms() + timeout_ms;

  for (;;) {
    char *hit = strstr(s->log + s->logpos, needle);
    if (hit != NULL) {
      s->logpos = (size_t)(hit - s->log) + strlen(needle);
      return true;
    }
    long left = deadline - now_ms();
    if (left <= 0 || s->errfd < 0)
      return false;
    srv_read(s, (int)(left > 100 ? 100 : left));
  }
}

static int
port_after(srv_t *s, const char *prefix)
{
  int port = -1;

  if (!srv_wait_log(s, prefix, WAIT_MS))
    reed__test_fail(__FILE__, __LINE__, "no \"%s\" in:\n%s", prefix, s->log);
  sscanf(s->log + s->logpos, " %d", &port);
  return port;
}

static void
exec_server(const char *const *args, int fd)
{
  const char *argv[64] = {NET_LINE_SERVER};
  size_t n = 1;

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  for (; args[n - 1] != NULL && n < 63; n++)
    argv[n] = args[n - 1];
  argv[n] = NULL;
  dup2(fd, 2);
  execv(NET_LINE_SERVER, (char *const *)argv);
  _exit(127);
}

void
srv_start(srv_t *s, const char *const *args)
{
  int p[2];

  memset(s, 0, sizeof(*s));
  ASSERT(pipe(p) == 0);
  s->pid = fork();
  ASSERT(s->pid >= 0);
  if (s->pid == 0) {
    close(p[0]);
    exec_server(args, p[1]);
  }
  close(p[1]);
  s->errfd = p[0];
  for (size_t i = 0; args[i] != NULL && args[i + 1] != NULL; i++) {
    char want[160];
    const char *kind = args[i] + 2;
    if (strcmp(args[i], "--tcp") != 0 && strcmp(args[i], "--ssl") != 0 &&
        strcmp(args[i], "--unix") != 0)
      continue;
    snprintf(want, sizeof(want), "listening line %s %s", kind, args[i + 1]);
    if (strcmp(kind, "unix") == 0)
      ASSERT(srv_wait_log(s, want, WAIT_MS));
    else if (strcmp(kind, "tcp") == 0)
      s->tcp_port = port_after(s, want);
    else
      s->ssl_port = port_after(s, want);
  }
}

int
srv_stop(srv_t *s, int sig, int timeout_ms)
{
  long deadline = now_ms() + timeout_ms;
  int status;

  if (sig != 0)
    kill(s->pid, sig);
  while (now_ms() < deadline) {
    srv_read(s, 10);
    pid_t r = waitpid(s->pid, &status, WNOHANG);
    if (r == s->pid) {
      srv_read(s, 0);
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
  }
  kill(s->pid, SIGKILL);
  waitpid(s->pid, &status, 0);
  return -1;
}

/* A bound against hangs, not a timing assertion: generous, because under
 * ASan on a loaded machine the server may take seconds to answer. */
static void
set_timeouts(int fd)
{
  struct timeval tv = {.tv_sec = 30};
  int one = 1;

  /* Small writes go out at once (no Nagle wait for a delayed ACK). */
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int
cli_tcp_rcvbuf(int port, int rcvbuf)
{
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)port),
                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  ASSERT(fd >= 0);
  if (rcvbuf > 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  set_timeouts(fd);
  ASSERT(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
  return fd;
}

int
cli_tcp(int port)
{
  return cli_tcp_rcvbuf(port, 0);
}

int
cli_unix(const char *path)
{
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);

  ASSERT(fd >= 0);
  snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
  set_timeouts(fd);
  ASSERT(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
  return fd;
}

void
cli_send(int fd, const char *s)
{
  size_t len = strlen(s), off = 0;

  while (off < len) {
    ssize_t n = send(fd, s + off, len - off, MSG_NOSIGNAL);
    ASSERT(n > 0);
    off += (size_t)n;
  }
}

int
cli_line(int fd, char *buf, size_t n)
{
  size_t len = 0;
  char chunk[4096];

  /* Peeks for the newline, then takes exactly through it, so nothing after
   * the line is consumed. */
  for (;;) {
    ssize_t got = recv(fd, chunk, sizeof(chunk), MSG_PEEK);
    if (got <= 0)
      return -1;
    char *nl = memchr(chunk, '\n', (size_t)got);
    size_t take = nl ? (size_t)(nl - chunk) + 1 : (size_t)got;
    ASSERT(recv(fd, chunk, take, 0) == (ssize_t)take);
    for (size_t i = 0; i < take; i++)
      if (chunk[i] != '\r' && chunk[i] != '\n' && len + 1 < n)
        buf[len++] = chunk[i];
    if (nl != NULL)
      break;
  }
  buf[len] = '\0';
  return (int)len;
}

bool
cli_wait_eof(int fd, int timeout_ms)
{
  long deadline = now_ms() + timeout_ms;
  char buf[65536];

  while (now_ms() < deadline) {
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 100) <= 0)
      continue;
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
      return true;
  }
  return false;
}

int
tcli_start(tcli_t *c, int fd, const char *cert, const char *key,
           int max_version)
{
  memset(c, 0, sizeof(*c));
  c->fd = fd;
  c->ctx = SSL_CTX_new(TLS_client_method());
  ASSERT(c->ctx != NULL);
  if (max_version != 0) {
    SSL_CTX_set_security_level(c->ctx, 0);
    SSL_CTX_set_cipher_list(c->ctx, "ALL:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(c->ctx, 0);
    SSL_CTX_set_max_proto_version(c->ctx, max_version);
  }
  if (cert != NULL) {
    ASSERT(SSL_CTX_use_certificate_file(c->ctx, cert, SSL_FILETYPE_PEM) == 1);
    ASSERT(SSL_CTX_use_PrivateKey_file(c->ctx, key, SSL_FILETYPE_PEM) == 1);
  }
  c->ssl = SSL_new(c->ctx);
  SSL_set_fd(c->ssl, fd);
  return SSL_connect(c->ssl) == 1 ? 0 : -1;
}

int
tcli_connect(tcli_t *c, int port, const char *cert, const char *key)
{
  return tcli_start(c, cli_tcp(port), cert, key, 0);
}

void
tcli_send(tcli_t *c, const char *s)
{
  ASSERT(SSL_write(c->ssl, s, (int)strlen(s)) == (int)strlen(s));
}

int
tcli_line(tcli_t *c, char *buf, size_t n)
{
  size_t len = 0;

  for (;;) {
    char ch;
    if (SSL_read(c->ssl, &ch, 1) != 1)
      return -1;
    if (ch == '\n')
      break;
    if (ch != '\r' && len + 1 < n)
      buf[len++] = ch;
  }
  buf[len] = '\0';
  return (int)len;
}

static void
x509_fp(X509 *x, char *out)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;

  ASSERT(x != NULL);
  ASSERT(X509_digest(x, EVP_sha256(), md, &len) == 1 && len == 32);
  for (unsigned i = 0; i < len; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
tcli_server_fp(tcli_t *c, char *out)
{
  x509_fp(SSL_get0_peer_certificate(c->ssl), out);
}

void
tcli_close(tcli_t *c)
{
  if (c->ssl != NULL)
    SSL_free(c->ssl);
  if (c->ctx != NULL)
    SSL_CTX_free(c->ctx);
  if (c->fd >= 0)
    close(c->fd);
  memset(c, 0, sizeof(*c));
  c->fd = -1;
}

void
pem_fingerprint(const char *path, char *out)
{
  FILE *f = fopen(path, "r");
  X509 *x;

  ASSERT(f != NULL);
  x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  x509_fp(x, out);
  X509_free(x);
}

static char tmpdirs[8][256];
static size_t ntmpdirs;

void
make_tmpdir(char *out, size_t n)
{
  const char *base = getenv("TMPDIR");

  snprintf(out, n, "%s/reed-net-XXXXXX", base && *base ? base : "/tmp");
  ASSERT(mkdtemp(out) != NULL);
  if (ntmpdirs < 8)
    snprintf(tmpdirs[ntmpdirs++], sizeof(tmpdirs[0]), "%s", out);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void
tmp_cleanup(void)
{
  for (size_t i = 0; i < ntmpdirs; i++)
    nftw(tmpdirs[i], rm_entry, 8, FTW_DEPTH | FTW_PHYS);
  ntmpdirs = 0;
}
