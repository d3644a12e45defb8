/* Test helpers for server/net over real loopback sockets: start the line
 * server as a child and read its log, plain, unix and TLS clients. Every
 * wait is bounded. */
#ifndef REED_TEST_NETCLIENT_H
#define REED_TEST_NETCLIENT_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* How long a test waits for something that should happen at once: a bound
 * against hangs, not a timing assertion (ASan on a loaded machine is
 * slow). */
#define WAIT_MS 20000

typedef struct srv_s {
  pid_t pid;
  int errfd;
  int tcp_port, ssl_port;
  size_t loglen, logpos;
  char log[1 << 18];
} srv_t;

/* Starts the line server with the given arguments (NULL-terminated) and
 * waits for one `listening` line per listener option. */
void srv_start(srv_t *s, const char *const *args);
/* Reads the server's log until `needle` appears after the read position
 * (which then moves past it) or timeout_ms pass. */
bool srv_wait_log(srv_t *s, const char *needle, int timeout_ms);
/* Reads what the log has now, without waiting. */
void srv_drain(srv_t *s);
/* Sends sig and waits; returns the exit status, 128+signal if it was
 * killed by a signal, or -1 when it had to be killed after timeout_ms. */
int srv_stop(srv_t *s, int sig, int timeout_ms);

int cli_tcp(int port);
int cli_tcp_rcvbuf(int port, int rcvbuf);
int cli_unix(const char *path);
void cli_send(int fd, const char *s);
/* One line without CR/LF into buf; its length, or -1 on EOF or timeout. */
int cli_line(int fd, char *buf, size_t n);
/* True when the peer closes (or resets) within timeout_ms, discarding
 * anything that arrives before. */
bool cli_wait_eof(int fd, int timeout_ms);

typedef struct tcli_s {
  int fd;
  SSL_CTX *ctx;
  SSL *ssl;
} tcli_t;

/* A TLS client on a connected socket; cert/key (PEM) may be NULL, and
 * max_version 0 means any. Returns 0 when the handshake succeeded. */
int tcli_start(tcli_t *c, int fd, const char *cert, const char *key,
               int max_version);
int tcli_connect(tcli_t *c, int port, const char *cert, const char *key);
void tcli_send(tcli_t *c, const char *s);
int tcli_line(tcli_t *c, char *buf, size_t n);
/* Lowercase hex SHA-256 of the server's certificate into out[65]. */
void tcli_server_fp(tcli_t *c, char *out);
void tcli_close(tcli_t *c);

/* Lowercase hex SHA-256 of the certificate in a PEM file into out[65]. */
void pem_fingerprint(const char *path, char *out);
/* A fresh directory under $TMPDIR (or /tmp), remembered for tmp_cleanup. */
void make_tmpdir(char *out, size_t n);
/* Removes every directory make_tmpdir made in this process (on success;
 * a failed test leaves them for a look). */
void tmp_cleanup(void);

#endif
