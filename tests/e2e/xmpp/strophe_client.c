/* reed-strophe-client: a libstrophe XMPP client for the end-to-end tests.
 *
 *   reed-strophe-client HOST PORT JID PASSWORD CAFILE [options]
 *     --direct-tls     TLS from the first byte (XEP-0368), else STARTTLS
 *     --send TO BODY   send one chat message once logged in
 *     --expect BODY    wait for a message with exactly this body
 *
 * It prints "bound <jid>" once logged in and bound (after its initial
 * presence), "received <from>" for the expected message, and exits 0 when
 * every asked step is done; 1 on a failed connection or login, 2 after 20
 * seconds without finishing (every run is bounded). TLS is mandatory and
 * the server's certificate is checked against CAFILE. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <strophe.h>

typedef struct {
  xmpp_ctx_t *ctx;
  const char *send_to;
  const char *send_body;
  const char *expect;
  int bound;
  int got;
  int failed;
  int quitting; /* our own disconnect is no failure */
} client_t;

static int
done(const client_t *c)
{
  return c->failed || (c->bound && (!c->expect || c->got));
}

static int
on_message(xmpp_conn_t *conn, xmpp_stanza_t *st, void *arg)
{
  client_t *c = arg;
  char *body = xmpp_message_get_body(st);

  (void)conn;
  if (body && c->expect && strcmp(body, c->expect) == 0) {
    printf("received %s\n", xmpp_stanza_get_from(st));
    fflush(stdout);
    c->got = 1;
  }
  if (body)
    xmpp_free(c->ctx, body);
  return 1;
}

static void
send_message(xmpp_conn_t *conn, client_t *c)
{
  xmpp_stanza_t *m = xmpp_message_new(c->ctx, "chat", c->send_to, "s1");

  xmpp_message_set_body(m, c->send_body);
  xmpp_send(conn, m);
  xmpp_stanza_release(m);
}

static void
on_conn(xmpp_conn_t *conn, xmpp_conn_event_t ev, int err,
        xmpp_stream_error_t *serr, void *arg)
{
  client_t *c = arg;
  xmpp_stanza_t *pres;

  (void)serr;
  if (ev != XMPP_CONN_CONNECT) {
    if (c->quitting)
      return;
    fprintf(stderr, "disconnected (error %d)\n", err);
    c->failed = 1;
    return;
  }
  xmpp_handler_add(conn, on_message, NULL, "message", NULL, c);
  pres = xmpp_presence_new(c->ctx);
  xmpp_send(conn, pres);
  xmpp_stanza_release(pres);
  if (c->send_to)
    send_message(conn, c);
  printf("bound %s\n", xmpp_conn_get_bound_jid(conn));
  fflush(stdout);
  c->bound = 1;
}

static int
parse_options(client_t *c, int argc, char **argv, long *flags)
{
  for (int i = 6; i < argc; i++) {
    if (strcmp(argv[i], "--direct-tls") == 0) {
      *flags |= XMPP_CONN_FLAG_LEGACY_SSL;
    } else if (strcmp(argv[i], "--send") == 0 && i + 2 < argc) {
      c->send_to = argv[++i];
      c->send_body = argv[++i];
    } else if (strcmp(argv[i], "--expect") == 0 && i + 1 < argc) {
      c->expect = argv[++i];
    } else {
      return -1;
    }
  }
  return 0;
}

int
main(int argc, char **argv)
{
  client_t c = {0};
  long flags = XMPP_CONN_FLAG_MANDATORY_TLS;
  xmpp_conn_t *conn;
  time_t deadline = time(NULL) + 20;

  if (argc < 6 || parse_options(&c, argc, argv, &flags) != 0) {
    fprintf(stderr,
            "usage: %s HOST PORT JID PASSWORD CAFILE [--direct-tls]"
            " [--send TO BODY] [--expect BODY]\n",
            argv[0]);
    return 64;
  }
  xmpp_initialize();
  c.ctx = xmpp_ctx_new(NULL, NULL);
  conn = xmpp_conn_new(c.ctx);
  xmpp_conn_set_flags(conn, flags);
  xmpp_conn_set_jid(conn, argv[3]);
  xmpp_conn_set_pass(conn, argv[4]);
  xmpp_conn_set_cafile(conn, argv[5]);
  if (xmpp_connect_client(conn, argv[1], (unsigned short)atoi(argv[2]), on_conn,
                          &c) != XMPP_EOK)
    c.failed = 1;
  while (!done(&c) && time(NULL) < deadline)
    xmpp_run_once(c.ctx, 100);
  if (c.bound && !c.failed) {
    c.quitting = 1;
    xmpp_disconnect(conn);
  }
  for (int i = 0; i < 10; i++)
    xmpp_run_once(c.ctx, 10);
  xmpp_conn_release(conn);
  xmpp_ctx_free(c.ctx);
  xmpp_shutdown();
  return c.failed ? 1 : done(&c) ? 0 : 2;
}
