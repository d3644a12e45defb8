/* TLS for the networked transport: OpenSSL over memory BIOs, so the
 * libuv adapter keeps doing all socket I/O. Ciphertext from the socket
 * goes in through reed__bot_tls_feed; what OpenSSL wants sent comes out
 * through io.send; plaintext comes out through io.plain. The server's
 * certificate is verified against the system store (or a CA file) and the
 * host name, unless the bot was configured insecure. */
#include "bot_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <string.h>

struct reed__bot_tls_s {
  SSL *ssl;
  BIO *in;  /* socket -> OpenSSL */
  BIO *out; /* OpenSSL -> socket */
  reed__bot_tls_io_t io;
  int ready;
  char error[160];
};

void *
reed__bot_tls_ctx_new(const char *ca_file, int insecure)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

  if (ctx == NULL)
    return NULL;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  if (insecure) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    return ctx;
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  if ((ca_file ? SSL_CTX_load_verify_locations(ctx, ca_file, NULL)
               : SSL_CTX_set_default_verify_paths(ctx)) != 1) {
    SSL_CTX_free(ctx);
    return NULL;
  }
  return ctx;
}

void
reed__bot_tls_ctx_free(void *ctx)
{
  SSL_CTX_free(ctx);
}

static int
is_ip(const char *host)
{
  return strspn(host, "0123456789.") == strlen(host) || strchr(host, ':');
}

static int
set_peer_name(SSL *ssl, const char *host)
{
  X509_VERIFY_PARAM *p = SSL_get0_param(ssl);

  if (is_ip(host))
    return X509_VERIFY_PARAM_set1_ip_asc(p, host) == 1 ? 0 : REED_ETLS;
  if (SSL_set_tlsext_host_name(ssl, host) != 1)
    return REED_ETLS;
  return SSL_set1_host(ssl, host) == 1 ? 0 : REED_ETLS;
}

int
reed__bot_tls_new(void *ctx, const char *host, const reed__bot_tls_io_t *io,
                  reed__bot_tls_t **out)
{
  reed__bot_tls_t *t = reed_calloc(1, sizeof(*t));

  if (t == NULL)
    return REED_ENOMEM;
  t->io = *io;
  t->ssl = SSL_new(ctx);
  t->in = BIO_new(BIO_s_mem());
  t->out = BIO_new(BIO_s_mem());
  if (t->ssl == NULL || t->in == NULL || t->out == NULL) {
    BIO_free(t->in);
    BIO_free(t->out);
    SSL_free(t->ssl);
    reed_free(t);
    return REED_ENOMEM;
  }
  SSL_set_bio(t->ssl, t->in, t->out); /* the SSL owns both now */
  SSL_set_connect_state(t->ssl);
  if (set_peer_name(t->ssl, host) != 0) {
    reed__bot_tls_free(t);
    return REED_ETLS;
  }
  *out = t;
  return 0;
}

void
reed__bot_tls_free(reed__bot_tls_t *t)
{
  if (t == NULL)
    return;
  SSL_free(t->ssl);
  reed_free(t);
}

const char *
reed__bot_tls_error(const reed__bot_tls_t *t)
{
  return t->error[0] ? t->error : "TLS error";
}

/* Sends whatever OpenSSL has written into the out BIO. */
static int
flush_out(reed__bot_tls_t *t)
{
  char buf[4096];
  int n;

  while ((n = BIO_read(t->out, buf, sizeof(buf))) > 0) {
    int rc = t->io.send(t->io.ud, buf, (size_t)n);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int
fail(reed__bot_tls_t *t, int ssl_rc)
{
  unsigned long e = ERR_get_error();
  long v = SSL_get_verify_result(t->ssl);

  if (v != X509_V_OK)
    snprintf(t->error, sizeof(t->error), "TLS: certificate: %s",
             X509_verify_cert_error_string(v));
  else if (e)
    snprintf(t->error, sizeof(t->error), "TLS: %s", ERR_reason_error_string(e));
  else
    snprintf(t->error, sizeof(t->error), "TLS error %d",
             SSL_get_error(t->ssl, ssl_rc));
  ERR_clear_error();
  return REED_ETLS;
}

static int
handshake(reed__bot_tls_t *t)
{
  int rc = SSL_do_handshake(t->ssl);

  if (rc == 1) {
    t->ready = 1;
    if (flush_out(t) != 0)
      return REED_EIO;
    t->io.ready(t->io.ud);
    return 0;
  }
  if (SSL_get_error(t->ssl, rc) != SSL_ERROR_WANT_READ) {
    flush_out(t); /* the alert, if any */
    return fail(t, rc);
  }
  return flush_out(t);
}

int
reed__bot_tls_start(reed__bot_tls_t *t)
{
  return handshake(t);
}

/* Reads every plaintext byte OpenSSL can give now. */
static int
read_plain(reed__bot_tls_t *t)
{
  char buf[16384];
  int n = 0;

  while (t->ready && (n = SSL_read(t->ssl, buf, sizeof(buf))) > 0)
    t->io.plain(t->io.ud, buf, (size_t)n);
  if (!t->ready)
    return 0;
  switch (SSL_get_error(t->ssl, n)) {
  case SSL_ERROR_WANT_READ:
    return flush_out(t);
  case SSL_ERROR_ZERO_RETURN:
    snprintf(t->error, sizeof(t->error), "TLS: closed by the server");
    return REED_ECLOSED;
  default:
    return fail(t, n);
  }
}

int
reed__bot_tls_feed(reed__bot_tls_t *t, const char *data, size_t len)
{
  int rc;

  if (BIO_write(t->in, data, (int)len) != (int)len)
    return REED_ENOMEM;
  if (!t->ready && (rc = handshake(t)) != 0)
    return rc;
  return read_plain(t);
}

int
reed__bot_tls_write(reed__bot_tls_t *t, const char *data, size_t len)
{
  if (!t->ready)
    return REED_ECLOSED;
  if (SSL_write(t->ssl, data, (int)len) != (int)len)
    return fail(t, -1);
  return flush_out(t);
}
