/* Internal to bots/: TLS for the networked transport (OpenSSL over memory
 * BIOs; the libuv adapter does the socket I/O). */
#ifndef REED_BOT_TLS_H
#define REED_BOT_TLS_H

#include "base.h"

typedef struct reed__bot_tls_s reed__bot_tls_t;

typedef struct reed__bot_tls_io_s {
  /* Ciphertext for the socket; 0 or a negative code. */
  int (*send)(void *ud, const char *data, size_t len);
  /* Plaintext from the server. */
  void (*plain)(void *ud, const char *data, size_t len);
  /* The handshake completed (and the certificate was accepted). */
  void (*ready)(void *ud);
  void *ud;
} reed__bot_tls_io_t;

/* An SSL_CTX for clients: verification against ca_file (or the system
 * store when NULL), or none at all when insecure. NULL on failure. */
void *reed__bot_tls_ctx_new(const char *ca_file, int insecure);
void reed__bot_tls_ctx_free(void *ctx);

/* One connection's TLS state; host is checked against the certificate
 * (a name, or an IP address) and sent as SNI. 0, ENOMEM or ETLS. */
int reed__bot_tls_new(void *ctx, const char *host, const reed__bot_tls_io_t *io,
                      reed__bot_tls_t **out);
void reed__bot_tls_free(reed__bot_tls_t *t);
/* Sends the ClientHello. */
int reed__bot_tls_start(reed__bot_tls_t *t);
/* Ciphertext from the socket. 0, or ETLS (see reed__bot_tls_error),
 * ECLOSED (close_notify), EIO, ENOMEM: the connection is to be closed. */
int reed__bot_tls_feed(reed__bot_tls_t *t, const char *data, size_t len);
/* Plaintext to the server. 0, ECLOSED before the handshake, ETLS, EIO. */
int reed__bot_tls_write(reed__bot_tls_t *t, const char *data, size_t len);
/* Why the last call failed, for logs and DISCONNECTED events. */
const char *reed__bot_tls_error(const reed__bot_tls_t *t);

#endif
