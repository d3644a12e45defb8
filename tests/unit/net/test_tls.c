/* TLS in server/net over loopback: direct TLS, client certificates,
 * version floor, STARTTLS, garbage handshakes, certificate reload on
 * SIGHUP without dropping connections. */
#include "harness.h"
#include "net.h"
#include "netclient.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <stdio.h>
#include <unistd.h>

static srv_t srv;

typedef struct {
  char dir[256], cert[512], key[512];
} certs_t;

static void
make_certs(certs_t *c, const char *cn)
{
  make_tmpdir(c->dir, sizeof(c->dir));
  ASSERT_EQ(reed_net_selfsigned(c->dir, cn, c->cert, c->key, sizeof(c->cert)),
            0);
}

static void
start_tls_server(const certs_t *c)
{
  const char *const args[] = {"--tcp",     "127.0.0.1", "--ssl",
                              "127.0.0.1", "--cert",    c->cert,
                              "--key",     c->key,      NULL};
  srv_start(&srv, args);
}

static void
tline(tcli_t *c, const char *want)
{
  char line[512];

  if (tcli_line(c, line, sizeof(line)) < 0)
    reed__test_fail(__FILE__, __LINE__, "no TLS line, wanted \"%s\"", want);
  ASSERT_STR_EQ(line, want);
}

TEST(tls_echo_fingerprint)
{
  certs_t server, client;
  char fp[65], want[256];
  tcli_t a, b;

  make_certs(&server, "localhost");
  make_certs(&client, "client");
  start_tls_server(&server);
  ASSERT_EQ(tcli_connect(&a, srv.ssl_port, NULL, NULL), 0);
  ASSERT(SSL_version(a.ssl) >= TLS1_2_VERSION);
  tcli_server_fp(&a, fp);
  char sfp[65];
  pem_fingerprint(server.cert, sfp);
  ASSERT_STR_EQ(fp, sfp);
  tline(&a, "hello 1");
  tcli_send(&a, "over tls\r\nPEER\r\n");
  tline(&a, "echo: over tls");
  tline(&a, "peer 127.0.0.1 tls=1 fp=-");
  /* A client certificate is accepted and its fingerprint exposed. */
  ASSERT_EQ(tcli_connect(&b, srv.ssl_port, client.cert, client.key), 0);
  tline(&b, "hello 2");
  tcli_send(&b, "PEER\r\n");
  pem_fingerprint(client.cert, fp);
  snprintf(want, sizeof(want), "peer 127.0.0.1 tls=1 fp=%s", fp);
  tline(&b, want);
  tcli_close(&a);
  tcli_close(&b);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* write2 over TLS and in clear: head and shared body arrive together on
 * every connection. */
TEST(tls_headed_fanout)
{
  certs_t server;
  tcli_t a;
  char want[2100], got[2100], dots[2000];
  int plain;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  ASSERT_EQ(tcli_connect(&a, srv.ssl_port, NULL, NULL), 0);
  tline(&a, "hello 1");
  plain = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(plain, want, sizeof(want)) > 0);
  tcli_send(&a, "HEADED 0 hi\r\nHEADED 1500 big\r\n");
  tline(&a, "to 1: hi");
  memset(dots, '.', sizeof(dots));
  snprintf(want, sizeof(want), "to 1: big%.*s", 1497, dots);
  ASSERT_EQ(tcli_line(&a, got, sizeof(got)), 1506);
  ASSERT_STR_EQ(got, want);
  ASSERT(cli_line(plain, want, sizeof(want)) > 0);
  ASSERT_STR_EQ(want, "to 2: hi");
  ASSERT(cli_line(plain, want, sizeof(want)) == 1506);
  tcli_close(&a);
  close(plain);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

TEST(tls_rejects_old_versions)
{
  certs_t server;
  tcli_t a;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  ASSERT(tcli_start(&a, cli_tcp(srv.ssl_port), NULL, NULL, TLS1_1_VERSION) !=
         0);
  tcli_close(&a);
  ASSERT(srv_wait_log(&srv, "TLS handshake failed", WAIT_MS));
  /* TLS 1.2 itself is fine. */
  ASSERT_EQ(tcli_start(&a, cli_tcp(srv.ssl_port), NULL, NULL, TLS1_2_VERSION),
            0);
  ASSERT_EQ(SSL_version(a.ssl), TLS1_2_VERSION);
  tline(&a, "hello 2");
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

TEST(tls_garbage_handshake)
{
  certs_t server;
  tcli_t a;
  int fd;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  fd = cli_tcp(srv.ssl_port);
  cli_send(fd, "NICK plaintext\r\nUSER on a tls port\r\n");
  ASSERT(cli_wait_eof(fd, WAIT_MS));
  close(fd);
  ASSERT_EQ(tcli_connect(&a, srv.ssl_port, NULL, NULL), 0);
  tline(&a, "hello 2");
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

TEST(starttls_upgrade)
{
  certs_t server;
  char line[256];
  tcli_t t;
  int fd;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  fd = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "hello 1");
  cli_send(fd, "before\r\nSTARTTLS\r\n");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "echo: before");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "PROCEED");
  ASSERT_EQ(tcli_start(&t, fd, NULL, NULL, 0), 0);
  tline(&t, "TLS OK");
  tcli_send(&t, "PEER\r\nsecret\r\n");
  tline(&t, "peer 127.0.0.1 tls=1 fp=-");
  tline(&t, "echo: secret");
  /* A second STARTTLS is refused. */
  tcli_send(&t, "STARTTLS\r\n");
  tline(&t, "PROCEED");
  tline(&t, "NO TLS");
  tcli_close(&t);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* Replaces dst's files with src's (rename, as a deploy would). */
static void
install_cert(const certs_t *src, const certs_t *dst)
{
  char tmp[600];

  snprintf(tmp, sizeof(tmp), "%s.new", dst->cert);
  ASSERT(link(src->cert, tmp) == 0 && rename(tmp, dst->cert) == 0);
  snprintf(tmp, sizeof(tmp), "%s.new", dst->key);
  ASSERT(link(src->key, tmp) == 0 && rename(tmp, dst->key) == 0);
}

TEST(sighup_new_cert)
{
  certs_t live, next;
  char fp_old[65], fp_new[65], fp[65];
  tcli_t a, b;
  int plain;
  char line[128];

  make_certs(&live, "localhost");
  make_certs(&next, "localhost");
  pem_fingerprint(live.cert, fp_old);
  pem_fingerprint(next.cert, fp_new);
  ASSERT(strcmp(fp_old, fp_new) != 0);
  start_tls_server(&live);
  ASSERT_EQ(tcli_connect(&a, srv.ssl_port, NULL, NULL), 0);
  tcli_server_fp(&a, fp);
  ASSERT_STR_EQ(fp, fp_old);
  tline(&a, "hello 1");
  plain = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(plain, line, sizeof(line)) > 0);

  install_cert(&next, &live);
  kill(srv.pid, SIGHUP);
  ASSERT(srv_wait_log(&srv, "reloaded certificate", WAIT_MS));

  /* New handshakes use the new certificate... */
  ASSERT_EQ(tcli_connect(&b, srv.ssl_port, NULL, NULL), 0);
  tcli_server_fp(&b, fp);
  ASSERT_STR_EQ(fp, fp_new);
  tline(&b, "hello 3");
  /* ...and the open connections, TLS and plain, stay. */
  tcli_send(&a, "still up\r\n");
  tline(&a, "echo: still up");
  cli_send(plain, "me too\r\n");
  ASSERT(cli_line(plain, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "echo: me too");
  tcli_close(&a);
  tcli_close(&b);
  close(plain);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* A TLS handshake that never finishes (direct or after STARTTLS) is cut at
 * the handshake timeout; finished ones are not. */
TEST(tls_handshake_timeout)
{
  certs_t server;
  char line[128];
  tcli_t a;
  int idle, stalled;

  make_certs(&server, "localhost");
  {
    const char *const args[] = {"--tcp",     "127.0.0.1", "--ssl",
                                "127.0.0.1", "--cert",    server.cert,
                                "--key",     server.key,  "--handshake-timeout",
                                "3000",      NULL};
    srv_start(&srv, args);
  }
  ASSERT_EQ(tcli_connect(&a, srv.ssl_port, NULL, NULL), 0);
  tline(&a, "hello 1");
  idle = cli_tcp(srv.ssl_port);
  stalled = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(stalled, line, sizeof(line)) > 0);
  cli_send(stalled, "STARTTLS\r\n");
  ASSERT(cli_line(stalled, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "PROCEED");
  ASSERT(cli_wait_eof(idle, WAIT_MS));
  ASSERT(cli_wait_eof(stalled, WAIT_MS));
  ASSERT(srv_wait_log(&srv, "TLS handshake timed out", WAIT_MS));
  /* The finished handshake is well past the timeout and still served. */
  tcli_send(&a, "still\r\n");
  tline(&a, "echo: still");
  close(idle);
  close(stalled);
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* Input held while paused is fed again on resume together with TLS records
 * still waiting in OpenSSL's buffers: here the record that completes a held
 * partial line. */
TEST(tls_pause_resume_records)
{
  certs_t server;
  tcli_t a;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  ASSERT_EQ(tcli_connect(&a, srv.ssl_port, NULL, NULL), 0);
  tline(&a, "hello 1");
  /* Two records in one TCP segment, so one read hands both to OpenSSL. */
  int on = 1, off = 0;
  setsockopt(a.fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
  tcli_send(&a, "PAUSE 200\r\nA\r\nB");
  tcli_send(&a, "\r\n");
  setsockopt(a.fd, IPPROTO_TCP, TCP_CORK, &off, sizeof(off));
  tline(&a, "paused");
  tline(&a, "resumed");
  tline(&a, "echo: A");
  tline(&a, "echo: B");
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* The client's ClientHello right behind STARTTLS in the same packet, while
 * the connection's input is held (paused): the bytes after the command go
 * to TLS, not to the core. */
TEST(starttls_pipelined_hello)
{
  certs_t server;
  char line[256], pkt[4096];
  tcli_t t = {.fd = -1};
  int fd;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  fd = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  /* A ClientHello made in memory, sent with the commands in one write. */
  t.ctx = SSL_CTX_new(TLS_client_method());
  t.ssl = SSL_new(t.ctx);
  SSL_set_bio(t.ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  ASSERT(SSL_connect(t.ssl) == -1);
  const char *cmds = "PAUSE 100\r\nSTARTTLS\r\n";
  size_t len = strlen(cmds);
  memcpy(pkt, cmds, len);
  int hello =
      BIO_read(SSL_get_wbio(t.ssl), pkt + len, (int)(sizeof(pkt) - len));
  ASSERT(hello > 0);
  ASSERT(send(fd, pkt, len + (size_t)hello, 0) == (ssize_t)(len + hello));
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "paused");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "resumed");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "PROCEED");
  /* The rest of the handshake over the socket itself. */
  SSL_set_fd(t.ssl, fd);
  t.fd = fd;
  ASSERT(SSL_connect(t.ssl) == 1);
  tline(&t, "TLS OK");
  tcli_send(&t, "PEER\r\n");
  tline(&t, "peer 127.0.0.1 tls=1 fp=-");
  tcli_close(&t);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* Connect-and-drop cycles, plain and with half a TLS handshake: nothing
 * stays behind (the server exits 0 only with every allocation freed, and
 * LeakSanitizer watches OpenSSL's under ASan). */
TEST(connect_close_soak)
{
  certs_t server;
  char hello[4096], line[256];
  int n, probe;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = SSL_new(ctx);
    SSL_set_bio(ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    ASSERT(SSL_connect(ssl) == -1);
    n = BIO_read(SSL_get_wbio(ssl), hello, sizeof(hello));
    ASSERT(n > 20);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
  for (int i = 0; i < 300; i++) {
    int fd = cli_tcp(srv.tcp_port);
    if (i % 2 == 0)
      cli_send(fd, "half a line");
    close(fd);
    fd = cli_tcp(srv.ssl_port);
    ASSERT(send(fd, hello, (size_t)n / 2, 0) == n / 2);
    close(fd);
    if (i % 50 == 0)
      srv_drain(&srv);
  }
  /* Every one of them is gone once the server has seen the closes. */
  probe = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(probe, line, sizeof(line)) > 0);
  bool settled = false;
  /* Each STATS round trip is a loop turn of the server's. */
  for (int i = 0; i < 20000 && !settled; i++) {
    cli_send(probe, "STATS\r\n");
    ASSERT(cli_line(probe, line, sizeof(line)) > 0);
    settled = strstr(line, "conns=1 ") != NULL;
    if (i % 100 == 0)
      srv_drain(&srv);
  }
  ASSERT(settled);
  close(probe);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* The writes of one loop turn share TLS records (up to 16 KiB each) instead
 * of one record per write; every byte still arrives, in order. */
TEST(tls_coalesced_records)
{
  static char got[65536], want[65536];
  size_t glen = 0, wlen = 0;
  certs_t server;
  tcli_t a;
  int n;

  make_certs(&server, "localhost");
  start_tls_server(&server);
  ASSERT_EQ(tcli_connect(&a, srv.ssl_port, NULL, NULL), 0);
  tline(&a, "hello 1");
  tcli_send(&a, "REPEAT 3000\r\n");
  /* One SSL_read returns at most one record: many lines in it. */
  n = SSL_read(a.ssl, got, sizeof(got) - 1);
  ASSERT(n > 1000);
  glen = (size_t)n;
  tcli_send(&a, "done\r\n");
  for (int i = 0; i < 3000; i++)
    wlen += (size_t)snprintf(want + wlen, sizeof(want) - wlen, "r %d\r\n", i);
  wlen += (size_t)snprintf(want + wlen, sizeof(want) - wlen, "echo: done\r\n");
  while (glen < wlen &&
         (n = SSL_read(a.ssl, got + glen, (int)(sizeof(got) - glen))) > 0)
    glen += (size_t)n;
  ASSERT_EQ(glen, wlen);
  ASSERT_MEM_EQ(got, want, wlen);
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* A TLS client that stops reading is cut at its send-queue limit (queued
 * plaintext and ciphertext count together) while a plain one goes on. */
TEST(tls_slow_reader_cut)
{
  certs_t server;
  char cmd[1100], line[1200];
  bool cut = false;
  tcli_t slow;
  int fast;

  make_certs(&server, "localhost");
  {
    const char *const args[] = {"--tcp",   "127.0.0.1", "--ssl", "127.0.0.1",
                                "--cert",  server.cert, "--key", server.key,
                                "--sendq", "65536",     NULL};
    srv_start(&srv, args);
  }
  ASSERT_EQ(
      tcli_start(&slow, cli_tcp_rcvbuf(srv.ssl_port, 4096), NULL, NULL, 0), 0);
  tline(&slow, "hello 1");
  fast = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(fast, line, sizeof(line)) > 0);
  memset(cmd, 'x', sizeof(cmd));
  memcpy(cmd, "BROADCAST ", 10);
  memcpy(cmd + 1010, "\r\n", 3);
  for (int i = 0; i < 2500 && !cut; i++) {
    for (int k = 0; k < 16; k++)
      cli_send(fast, cmd);
    for (int k = 0; k < 16; k++)
      ASSERT(cli_line(fast, line, sizeof(line)) == 1000);
    srv_drain(&srv);
    cut = strstr(srv.log, "conn 1 127.0.0.1 closed: SendQ exceeded") != NULL;
  }
  ASSERT(cut);
  cli_send(fast, "still here\r\n");
  ASSERT(cli_line(fast, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "echo: still here");
  close(fast);
  tcli_close(&slow);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}
