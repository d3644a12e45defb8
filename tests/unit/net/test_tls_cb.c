/* Channel binding (reed_transport_t.channel_binding) over real TLS
 * handshakes: the line server's "CB type" prints what net derives, and the
 * client derives the same from its side of the session; and the fake
 * transport's. */
#include "fake_transport.h"
#include "harness.h"
#include "net.h"
#include "netclient.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static srv_t srv;

typedef struct {
  char dir[256], cert[512], key[512];
} certs_t;

static void
start_server(const certs_t *c)
{
  const char *const args[] = {"--tcp",     "127.0.0.1", "--ssl",
                              "127.0.0.1", "--cert",    c->cert,
                              "--key",     c->key,      NULL};
  srv_start(&srv, args);
}

static void
hex(const uint8_t *p, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", p[i]);
  out[2 * n] = '\0';
}

/* What the server says for "CB type": "cb <hex>" or "cb none". */
static void
server_cb(tcli_t *c, const char *type, char *out, size_t size)
{
  char cmd[64];

  snprintf(cmd, sizeof(cmd), "CB %s\r\n", type);
  tcli_send(c, cmd);
  ASSERT(tcli_line(c, out, size) > 0);
}

/* The client's tls-exporter: the RFC 9266 label, a zero-length context. */
static void
client_exporter(tcli_t *c, char *out)
{
  static const char label[] = "EXPORTER-Channel-Binding";
  uint8_t ekm[32];

  ASSERT_EQ(SSL_export_keying_material(c->ssl, ekm, sizeof(ekm), label,
                                       sizeof(label) - 1,
                                       (const unsigned char *)"", 0, 1),
            1);
  strcpy(out, "cb ");
  hex(ekm, sizeof(ekm), out + 3);
}

/* "cb " and the digest of the server's certificate under `md`. */
static void
client_end_point(tcli_t *c, const EVP_MD *md, char *out)
{
  uint8_t d[EVP_MAX_MD_SIZE];
  unsigned n = 0;

  ASSERT(X509_digest(SSL_get0_peer_certificate(c->ssl), md, d, &n) == 1);
  strcpy(out, "cb ");
  hex(d, n, out + 3);
}

/* A TLS client with a version ceiling (0: none) and extra options. */
static int
client(tcli_t *c, int fd, int max_version, uint64_t opts)
{
  char line[64];

  memset(c, 0, sizeof(*c));
  c->fd = fd;
  c->ctx = SSL_CTX_new(TLS_client_method());
  ASSERT(c->ctx != NULL);
  if (max_version != 0)
    SSL_CTX_set_max_proto_version(c->ctx, max_version);
  SSL_CTX_set_options(c->ctx, opts);
  c->ssl = SSL_new(c->ctx);
  SSL_set_fd(c->ssl, fd);
  if (SSL_connect(c->ssl) != 1)
    return -1;
  ASSERT(tcli_line(c, line, sizeof(line)) > 0); /* hello <id> */
  return 0;
}

/* A self-signed certificate on a key of `alg` signed with `md` (NULL for
 * Ed25519, which hashes inside the signature). */
static void
make_cert(certs_t *c, const char *alg, const EVP_MD *md)
{
  EVP_PKEY *k = strcmp(alg, "ED25519") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, alg)
                                            : EVP_EC_gen(alg);
  X509 *x = X509_new();
  FILE *f;

  ASSERT(k != NULL && x != NULL);
  make_tmpdir(c->dir, sizeof(c->dir));
  snprintf(c->cert, sizeof(c->cert), "%s/cert.pem", c->dir);
  snprintf(c->key, sizeof(c->key), "%s/key.pem", c->dir);
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), 0);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_UTF8,
                             (const unsigned char *)"localhost", -1, -1, 0);
  X509_set_issuer_name(x, X509_get_subject_name(x));
  X509_set_pubkey(x, k);
  ASSERT(X509_sign(x, k, md) > 0);
  ASSERT((f = fopen(c->key, "w")) != NULL);
  ASSERT(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1);
  fclose(f);
  ASSERT((f = fopen(c->cert, "w")) != NULL);
  ASSERT(PEM_write_X509(f, x) == 1);
  fclose(f);
  X509_free(x);
  EVP_PKEY_free(k);
}

/* TLS 1.3 and TLS 1.2 with the extended master secret: both sides derive
 * the same exporter, each connection its own; tls-server-end-point is the
 * SHA-256 of the server's ECDSA-SHA256 certificate; tls-unique is never
 * given. */
TEST(tls_channel_binding_equal)
{
  static const int versions[] = {0, TLS1_2_VERSION};
  char dir[256], cert[512], key[512], got[256], want[256], first[256] = "";
  certs_t server;
  tcli_t a;

  make_tmpdir(dir, sizeof(dir));
  ASSERT_EQ(reed_net_selfsigned(dir, "localhost", cert, key, sizeof(cert)), 0);
  snprintf(server.cert, sizeof(server.cert), "%s", cert);
  snprintf(server.key, sizeof(server.key), "%s", key);
  start_server(&server);
  for (size_t i = 0; i < REED_ARRAY_SIZE(versions); i++) {
    ASSERT_EQ(client(&a, cli_tcp(srv.ssl_port), versions[i], 0), 0);
    ASSERT_EQ(SSL_version(a.ssl), versions[i] ? versions[i] : TLS1_3_VERSION);
    server_cb(&a, "tls-exporter", got, sizeof(got));
    client_exporter(&a, want);
    ASSERT_STR_EQ(got, want);
    ASSERT(strcmp(got, first) != 0);
    snprintf(first, sizeof(first), "%s", got);
    server_cb(&a, "tls-server-end-point", got, sizeof(got));
    client_end_point(&a, EVP_sha256(), want);
    ASSERT_STR_EQ(got, want);
    server_cb(&a, "tls-unique", got, sizeof(got));
    ASSERT_STR_EQ(got, "cb none");
    tcli_close(&a);
  }
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* TLS 1.2 without the extended master secret: tls-exporter is undefined
 * (RFC 9266 section 2), tls-server-end-point still holds. */
TEST(tls_channel_binding_no_ems)
{
  char got[256], want[256];
  certs_t server;
  tcli_t a;

  make_cert(&server, "P-256", EVP_sha256());
  start_server(&server);
  ASSERT_EQ(client(&a, cli_tcp(srv.ssl_port), TLS1_2_VERSION,
                   SSL_OP_NO_EXTENDED_MASTER_SECRET),
            0);
  ASSERT_EQ(SSL_get_extms_support(a.ssl), 0);
  server_cb(&a, "tls-exporter", got, sizeof(got));
  ASSERT_STR_EQ(got, "cb none");
  server_cb(&a, "tls-server-end-point", got, sizeof(got));
  client_end_point(&a, EVP_sha256(), want);
  ASSERT_STR_EQ(got, want);
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* tls-server-end-point follows the certificate's signature hash: SHA-384
 * for ECDSA-SHA384; Ed25519 has none, so the binding is undefined. */
TEST(tls_channel_binding_end_point_hash)
{
  char got[256], want[256];
  certs_t server;
  tcli_t a;

  make_cert(&server, "P-384", EVP_sha384());
  start_server(&server);
  ASSERT_EQ(client(&a, cli_tcp(srv.ssl_port), 0, 0), 0);
  server_cb(&a, "tls-server-end-point", got, sizeof(got));
  client_end_point(&a, EVP_sha384(), want);
  ASSERT_EQ(strlen(got), 3 + 2 * 48);
  ASSERT_STR_EQ(got, want);
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);

  make_cert(&server, "ED25519", NULL);
  start_server(&server);
  ASSERT_EQ(client(&a, cli_tcp(srv.ssl_port), 0, 0), 0);
  server_cb(&a, "tls-server-end-point", got, sizeof(got));
  ASSERT_STR_EQ(got, "cb none");
  server_cb(&a, "tls-exporter", got, sizeof(got));
  client_exporter(&a, want);
  ASSERT_STR_EQ(got, want);
  tcli_close(&a);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* A plain connection has no binding; after STARTTLS it has the new
 * session's. */
TEST(starttls_channel_binding)
{
  char line[256], want[256];
  certs_t server;
  tcli_t t;
  int fd;

  make_cert(&server, "P-256", EVP_sha256());
  start_server(&server);
  fd = cli_tcp(srv.tcp_port);
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  cli_send(fd, "CB tls-exporter\r\nCB tls-server-end-point\r\nSTARTTLS\r\n");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "cb none");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "cb none");
  ASSERT(cli_line(fd, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "PROCEED");
  ASSERT_EQ(tcli_start(&t, fd, NULL, NULL, 0), 0);
  ASSERT(tcli_line(&t, line, sizeof(line)) > 0);
  ASSERT_STR_EQ(line, "TLS OK");
  server_cb(&t, "tls-exporter", line, sizeof(line));
  client_exporter(&t, want);
  ASSERT_STR_EQ(line, want);
  tcli_close(&t);
  ASSERT_EQ(srv_stop(&srv, SIGTERM, WAIT_MS), 0);
  tmp_cleanup();
}

/* The fake transport's channel binding, as the protocol tests use it:
 * bytes only over TLS, per type, within the caller's buffer. */
TEST(fake_transport_channel_binding)
{
  static const uint8_t exp[32] = {1, 2, 3}, ep[48] = {4, 5, 6};
  fake_transport_t ft;
  uint8_t out[REED_CHANNEL_BINDING_MAX];
  size_t len = sizeof(out);
  reed_transport_t *tp = &ft.transport;

  ft_init(&ft);
  ft_set_channel_binding(&ft, "tls-exporter", exp, sizeof(exp));
  ft_set_channel_binding(&ft, "tls-server-end-point", ep, sizeof(ep));
  ASSERT_EQ(tp->channel_binding(tp->t, "tls-exporter", out, &len), REED_EINVAL);
  ft.peer.tls = true;
  ASSERT_EQ(tp->channel_binding(tp->t, "tls-exporter", out, &len), 0);
  ASSERT(len == sizeof(exp) && memcmp(out, exp, len) == 0);
  len = sizeof(out);
  ASSERT_EQ(tp->channel_binding(tp->t, "tls-server-end-point", out, &len), 0);
  ASSERT(len == sizeof(ep) && memcmp(out, ep, len) == 0);
  len = 40;
  ASSERT_EQ(tp->channel_binding(tp->t, "tls-server-end-point", out, &len),
            REED_EINVAL);
  len = sizeof(out);
  ASSERT_EQ(tp->channel_binding(tp->t, "tls-unique", out, &len), REED_EINVAL);
  ft_set_channel_binding(&ft, "tls-exporter", NULL, 0);
  ASSERT_EQ(tp->channel_binding(tp->t, "tls-exporter", out, &len), REED_EINVAL);
  ft_cleanup(&ft);
}
