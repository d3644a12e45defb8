/* TLS through OpenSSL memory BIOs: ciphertext read from the socket goes
 * into rbio, plaintext comes out of SSL_read and is fed to the core; what
 * the core writes goes through SSL_write and the ciphertext is moved from
 * wbio into the connection's send queue, so the queue limit counts what
 * will go on the wire. TLS 1.2 at least, no renegotiation, no compression;
 * a client certificate is requested, never required, and its SHA-256
 * fingerprint is exposed in reed_peer_t.cert_fp. The transport's
 * channel_binding gives the session's tls-exporter and
 * tls-server-end-point bytes (SASL -PLUS and HT-*). */
#include "net_int.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

/* Plaintext per SSL_write: one full TLS record. */
#define TLS_CHUNK 16384

struct reed_tls_s {
  SSL *ssl;
  BIO *rbio, *wbio;
  reed_outq_t plain; /* written, not yet encrypted */
  bool done;
  char cert_fp[65]; /* what peer.cert_fp points to */
};

/* Any client certificate is accepted: it authenticates nothing by itself,
 * its fingerprint is matched against an account (SASL EXTERNAL). */
static int
accept_any_cert(int ok, X509_STORE_CTX *store)
{
  REED_UNUSED(ok);
  REED_UNUSED(store);
  return 1;
}

static void
log_ssl_error(reed_log_t *log, const char *what, const char *file)
{
  char err[256] = "unknown error";
  unsigned long e = ERR_get_error();

  if (e != 0)
    ERR_error_string_n(e, err, sizeof(err));
  ERR_clear_error();
  reed_log(log, REED_LOG_ERROR, "TLS: %s %s: %s", what, file, err);
}

SSL_CTX *
reed__tls_ctx_new(reed_log_t *log, const char *cert, const char *key)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

  if (ctx == NULL) {
    log_ssl_error(log, "cannot create a context for", cert);
    return NULL;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
                     accept_any_cert);
  SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"reed", 4);
  if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
    log_ssl_error(log, "cannot load certificate", cert);
    goto fail;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx) != 1) {
    log_ssl_error(log, "cannot load private key", key);
    goto fail;
  }
  return ctx;

fail:
  SSL_CTX_free(ctx);
  return NULL;
}

int
reed__tls_conn_start(reed_conn_t *c, SSL_CTX *ctx)
{
  reed_tls_t *t = reed_calloc(1, sizeof(*t));

  if (t == NULL)
    return REED_ENOMEM;
  t->plain.pool = &c->net->outq_pool;
  t->ssl = SSL_new(ctx);
  t->rbio = BIO_new(BIO_s_mem());
  t->wbio = BIO_new(BIO_s_mem());
  if (t->ssl == NULL || t->rbio == NULL || t->wbio == NULL)
    goto fail;
  SSL_set_bio(t->ssl, t->rbio, t->wbio);
  SSL_set_accept_state(t->ssl);
  c->tls = t;
  return 0;

fail:
  if (t->ssl != NULL)
    SSL_free(t->ssl);
  BIO_free(t->rbio);
  BIO_free(t->wbio);
  reed_free(t);
  ERR_clear_error();
  return REED_ETLS;
}

void
reed__tls_conn_free(reed_conn_t *c)
{
  if (c->tls == NULL)
    return;
  SSL_free(c->tls->ssl); /* frees both BIOs */
  reed__outq_clear(&c->tls->plain);
  reed_free(c->tls);
  c->tls = NULL;
  c->peer.cert_fp = "";
}

/* A memory BIO keeps the largest buffer it ever needed (the handshake's
 * flight of certificates, a burst of records): once empty, one that grew
 * past this is replaced by a fresh one, so an idle connection holds none.
 * OpenSSL's own record buffers go with SSL_MODE_RELEASE_BUFFERS. */
#define BIO_KEEP_MAX 512

static BIO *
fresh_if_big(BIO *b)
{
  BUF_MEM *bm = NULL;

  if (BIO_ctrl_pending(b) != 0 || BIO_get_mem_ptr(b, &bm) != 1 || bm == NULL ||
      bm->max <= BIO_KEEP_MAX)
    return NULL;
  return BIO_new(BIO_s_mem());
}

static void
shrink_bios(reed_tls_t *t)
{
  BIO *b;

  if ((b = fresh_if_big(t->wbio)) != NULL) {
    SSL_set0_wbio(t->ssl, b); /* frees the old one */
    t->wbio = b;
  }
  if ((b = fresh_if_big(t->rbio)) != NULL) {
    SSL_set0_rbio(t->ssl, b);
    t->rbio = b;
  }
}

/* Moves ciphertext from wbio to the send queue; REED_EQUEUEFULL past
 * `limit` (0: none). */
int
reed__tls_drain(reed_conn_t *c, size_t limit)
{
  size_t pending = BIO_ctrl_pending(c->tls->wbio);
  reed_buf_t *b;
  int n, rc;

  if (pending == 0) {
    shrink_bios(c->tls);
    return 0;
  }
  b = reed_buf_new(pending);
  if (b == NULL)
    return REED_ENOMEM;
  n = BIO_read(c->tls->wbio, b->data, (int)pending);
  b->len = n > 0 ? (size_t)n : 0;
  shrink_bios(c->tls);
  rc = reed__outq_push(&c->outq, b, limit);
  reed_buf_unref(b);
  reed__net_mark_dirty(c);
  return rc;
}

/* Queues plaintext; it is encrypted at flush time, so the writes of one
 * loop turn share TLS records. The send-queue limit counts plaintext and
 * ciphertext waiting together. */
int
reed__tls_write(reed_conn_t *c, reed_buf_t *buf)
{
  size_t limit = c->net->limits.sendq, wire = c->outq.bytes;

  if (buf->len == 0)
    return 0;
  if (limit > 0 && wire >= limit)
    return REED_EQUEUEFULL;
  return reed__outq_push(&c->tls->plain, buf, limit > 0 ? limit - wire : 0);
}

int
reed__tls_write2(reed_conn_t *c, const void *head, size_t head_len,
                 reed_buf_t *body)
{
  size_t limit = c->net->limits.sendq, wire = c->outq.bytes;

  if (limit > 0 && wire >= limit)
    return REED_EQUEUEFULL;
  return reed__outq_push2(&c->tls->plain, head, head_len, body,
                          limit > 0 ? limit - wire : 0);
}

/* Copies up to TLS_CHUNK queued plaintext bytes into chunk. */
static size_t
gather(const reed_outq_t *q, uint8_t *chunk)
{
  size_t len = 0;

  for (uint32_t i = 0; i < q->count && len < TLS_CHUNK; i++) {
    const reed_outq_ent_t *e = &q->ents[(q->head + i) % q->cap];
    size_t avail = e->buf->len - e->off;
    size_t k = avail < TLS_CHUNK - len ? avail : TLS_CHUNK - len;
    memcpy(chunk + len, e->buf->data + e->off, k);
    len += k;
  }
  return len;
}

int
reed__tls_encrypt(reed_conn_t *c)
{
  reed_tls_t *t = c->tls;
  uint8_t chunk[TLS_CHUNK];

  if (t == NULL || !t->done || t->plain.bytes == 0)
    return 0;
  while (t->plain.bytes > 0) {
    size_t len = gather(&t->plain, chunk);
    if (SSL_write(t->ssl, chunk, (int)len) <= 0) {
      ERR_clear_error();
      return REED_ETLS;
    }
    reed__outq_consume(&t->plain, len);
  }
  return reed__tls_drain(c, 0);
}

size_t
reed__tls_queued(const reed_conn_t *c)
{
  return c->tls != NULL ? c->tls->plain.bytes : 0;
}

static void
fill_fingerprint(reed_conn_t *c)
{
  X509 *x = SSL_get0_peer_certificate(c->tls->ssl);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;

  c->peer.tls = true;
  c->tls->cert_fp[0] = '\0';
  c->peer.cert_fp = c->tls->cert_fp;
  if (x == NULL || X509_digest(x, EVP_sha256(), md, &len) != 1 || len != 32)
    return;
  for (unsigned i = 0; i < len; i++)
    snprintf(c->tls->cert_fp + 2 * i, 3, "%02x", md[i]);
}

static void
handshake_done(reed_conn_t *c)
{
  c->tls->done = true;
  if (!(c->flags & CONN_CLOSING))
    c->deadline = 0;
  fill_fingerprint(c);
  reed__net_mark_dirty(c); /* what was written meanwhile can go now */
  if (c->flags & CONN_STARTTLS) {
    if (c->core != NULL && c->module->tls_ready != NULL)
      c->module->tls_ready(c->core);
  } else {
    reed__conn_start_core(c);
  }
}

/* OpenSSL's reason for a failed handshake: its first queued error, or
 * what SSL_get_error said when the queue is empty (the peer hung up). */
static const char *
handshake_reason(int err, char *buf, size_t size)
{
  unsigned long e = ERR_peek_error();

  if (e != 0) {
    ERR_error_string_n(e, buf, size);
    return buf;
  }
  if (err == SSL_ERROR_SYSCALL || err == SSL_ERROR_ZERO_RETURN)
    return "the peer closed the connection";
  snprintf(buf, size, "SSL_get_error %d", err);
  return buf;
}

/* Returns 1 once the handshake is complete, 0 while it needs input, -1
 * when it failed (the connection is then being cut). */
static int
handshake(reed_conn_t *c)
{
  int r = SSL_do_handshake(c->tls->ssl);
  int err;
  char why[256];

  if (r == 1) {
    reed__tls_drain(c, 0);
    handshake_done(c);
    return 1;
  }
  err = SSL_get_error(c->tls->ssl, r);
  reed__tls_drain(c, 0);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
    return 0;
  reed_log(c->net->log, REED_LOG_INFO, "conn %llu %s: TLS handshake failed: %s",
           (unsigned long long)c->env.conn_id, c->peer.ip,
           handshake_reason(err, why, sizeof(why)));
  ERR_clear_error();
  reed__conn_abort(c, "TLS handshake failed");
  return -1;
}

void
reed__tls_pump(reed_conn_t *c)
{
  reed_tls_t *t = c->tls;
  uint8_t *buf = c->net->rbuf;

  if (!t->done && handshake(c) != 1)
    return;
  while (!(c->flags & (CONN_STOPPED | CONN_CLOSING)) && c->core != NULL) {
    int n = SSL_read(t->ssl, buf, (int)sizeof(c->net->rbuf));
    if (n > 0) {
      reed__conn_deliver(c, buf, (size_t)n);
      continue;
    }
    int err = SSL_get_error(t->ssl, n);
    ERR_clear_error();
    if (err == SSL_ERROR_ZERO_RETURN)
      reed__conn_close(c, "TLS closed by peer", true);
    else if (err != SSL_ERROR_WANT_READ)
      reed__conn_abort(c, "TLS error");
    break;
  }
  if (!(c->flags & CONN_UVCLOSED) && c->tls != NULL)
    reed__tls_drain(c, 0);
}

void
reed__tls_input(reed_conn_t *c, const uint8_t *p, size_t n)
{
  if (BIO_write(c->tls->rbio, p, (int)n) != (int)n) {
    reed__conn_abort(c, "out of memory");
    return;
  }
  reed__tls_pump(c);
}

void
reed__tls_close_notify(reed_conn_t *c)
{
  if (c->tls == NULL || !c->tls->done)
    return;
  /* The last records first, then close_notify. */
  reed__tls_encrypt(c);
  SSL_shutdown(c->tls->ssl);
  ERR_clear_error();
  reed__tls_drain(c, 0);
}

/* RFC 9266: 32 bytes exported under "EXPORTER-Channel-Binding" with a
 * zero-length context. Under TLS 1.2 without the extended master secret
 * (RFC 7627) a man in the middle can give two sessions the same secret
 * (the triple handshake), so the binding is only defined with it. */
static int
cb_exporter(SSL *ssl, uint8_t *out, size_t *len)
{
  static const char label[] = "EXPORTER-Channel-Binding";

  if (*len < 32)
    return REED_EINVAL;
  if (SSL_version(ssl) < TLS1_3_VERSION && SSL_get_extms_support(ssl) != 1)
    return REED_EINVAL;
  if (SSL_export_keying_material(ssl, out, 32, label, sizeof(label) - 1,
                                 (const unsigned char *)"", 0, 1) != 1) {
    ERR_clear_error();
    return REED_EINVAL;
  }
  *len = 32;
  return 0;
}

/* RFC 5929 section 4.1: the hash of our certificate with the hash of its
 * signature algorithm, SHA-256 in place of MD5 and SHA-1; undefined when
 * the signature has no single hash (Ed25519). */
static int
cb_end_point(SSL *ssl, uint8_t *out, size_t *len)
{
  X509 *x = SSL_get_certificate(ssl);
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  int nid = NID_undef;
  const EVP_MD *h;

  if (x == NULL || X509_get_signature_info(x, &nid, NULL, NULL, NULL) != 1 ||
      nid == NID_undef) {
    ERR_clear_error();
    return REED_EINVAL;
  }
  if (nid == NID_md5 || nid == NID_sha1)
    nid = NID_sha256;
  h = EVP_get_digestbynid(nid);
  if (h == NULL || X509_digest(x, h, md, &n) != 1 || n > *len) {
    ERR_clear_error();
    return REED_EINVAL;
  }
  memcpy(out, md, n);
  *len = n;
  return 0;
}

int
reed__tls_channel_binding(const reed_conn_t *c, const char *type, uint8_t *out,
                          size_t *len)
{
  if (c->tls == NULL || !c->tls->done || type == NULL)
    return REED_EINVAL;
  if (strcmp(type, "tls-exporter") == 0)
    return cb_exporter(c->tls->ssl, out, len);
  if (strcmp(type, "tls-server-end-point") == 0)
    return cb_end_point(c->tls->ssl, out, len);
  return REED_EINVAL;
}

bool
reed__tls_handshaking(const reed_conn_t *c)
{
  return c->tls != NULL && !c->tls->done;
}

size_t
reed__tls_footprint(const reed_conn_t *c)
{
  return c->tls != NULL ? sizeof(*c->tls) + reed__outq_footprint(&c->tls->plain)
                        : 0;
}
