/* The example bot as a networked client, of IRC or of XMPP (the bot's
 * source, example_bot.c, is the same for both and for the plugin):
 *
 *   example_bot HOST PORT NICK ROOM
 *   example_bot --xmpp JID HOST PORT ROOM
 *
 * IRC: SASL PLAIN credentials come from REED_BOT_SASL_USER and
 * REED_BOT_SASL_PASS when set; REED_BOT_TLS=1 connects with TLS.
 * XMPP: the password comes from REED_BOT_XMPP_PASS, the MUC service from
 * REED_BOT_XMPP_MUC (default conference.<domain>), REED_BOT_TLS=1 uses
 * direct TLS instead of STARTTLS (PORT 0: the default port).
 * Both: TLS is verified against the system's CAs or those in
 * REED_BOT_TLS_CA (a PEM file); REED_BOT_TLS_INSECURE=1 turns the
 * certificate check off. SIGINT or SIGTERM makes the bot quit politely;
 * the loop then ends and the bot is freed. */
#include "example_bot.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static reed_bot_t *bot;
static uv_signal_t sigs[2];

static void
on_signal(uv_signal_t *h, int signum)
{
  (void)h;
  (void)signum;
  reed_bot_quit(bot, "shutting down");
  for (int i = 0; i < 2; i++)
    uv_close((uv_handle_t *)&sigs[i], NULL);
}

static int
on_disconnected(reed_bot_t *b, const reed_bot_event_t *ev, void *ud)
{
  (void)b;
  (void)ud;
  fprintf(stderr, "example bot: disconnected (%s), retry in %llu ms\n",
          ev->text ? ev->text : "?", (unsigned long long)ev->retry_ms);
  if (ev->retry_ms == 0)
    for (int i = 0; i < 2; i++)
      if (!uv_is_closing((uv_handle_t *)&sigs[i]))
        uv_close((uv_handle_t *)&sigs[i], NULL);
  return REED_BOT_KEEP;
}

static int
on_connected(reed_bot_t *b, const reed_bot_event_t *ev, void *ud)
{
  (void)ev;
  (void)ud;
  fprintf(stderr, "example bot: connected as %s\n", reed_bot_nick(b));
  return REED_BOT_KEEP;
}

static int
env_flag(const char *name)
{
  const char *v = getenv(name);

  return v != NULL && strcmp(v, "1") == 0;
}

static int
new_irc(uv_loop_t *loop, char **argv)
{
  reed_bot_irc_opts_t opts = {0};

  opts.host = argv[1];
  opts.port = (uint16_t)atoi(argv[2]);
  opts.nick = argv[3];
  opts.sasl_user = getenv("REED_BOT_SASL_USER");
  opts.sasl_pass = opts.sasl_user ? getenv("REED_BOT_SASL_PASS") : NULL;
  opts.tls = env_flag("REED_BOT_TLS");
  opts.tls_insecure = env_flag("REED_BOT_TLS_INSECURE");
  opts.tls_ca_file = getenv("REED_BOT_TLS_CA");
  return reed_bot_irc_new(loop, &opts, &bot);
}

static int
new_xmpp(uv_loop_t *loop, char **argv)
{
  reed_bot_xmpp_opts_t opts = {0};

  opts.jid = argv[2];
  opts.host = argv[3];
  opts.port = (uint16_t)atoi(argv[4]);
  opts.password = getenv("REED_BOT_XMPP_PASS");
  opts.muc = getenv("REED_BOT_XMPP_MUC");
  opts.direct_tls = env_flag("REED_BOT_TLS");
  opts.tls_insecure = env_flag("REED_BOT_TLS_INSECURE");
  opts.tls_ca_file = getenv("REED_BOT_TLS_CA");
  return reed_bot_xmpp_new(loop, &opts, &bot);
}

int
main(int argc, char **argv)
{
  uv_loop_t *loop = uv_default_loop();
  reed_bot_filter_t disc = {.kind = REED_BOT_EV_DISCONNECTED};
  reed_bot_filter_t conn = {.kind = REED_BOT_EV_CONNECTED};
  int xmpp = argc > 1 && strcmp(argv[1], "--xmpp") == 0;
  int rc;

  if (argc != 5 + xmpp) {
    fprintf(stderr,
            "usage: %s HOST PORT NICK ROOM\n"
            "       %s --xmpp JID HOST PORT ROOM\n",
            argv[0], argv[0]);
    return 2;
  }
  rc = xmpp ? new_xmpp(loop, argv) : new_irc(loop, argv);
  if (rc == 0)
    rc = example_bot_setup(bot, argv[4 + xmpp]);
  if (rc == 0)
    rc = reed_bot_on(bot, &disc, on_disconnected, NULL);
  if (rc == 0)
    rc = reed_bot_on(bot, &conn, on_connected, NULL);
  if (rc == 0)
    rc = xmpp ? reed_bot_xmpp_start(bot) : reed_bot_irc_start(bot);
  if (rc != 0) {
    fprintf(stderr, "example bot: %s\n", reed_bot_strerror(rc));
    return 1;
  }
  for (int i = 0; i < 2; i++) {
    uv_signal_init(loop, &sigs[i]);
    uv_signal_start(&sigs[i], on_signal, i ? SIGTERM : SIGINT);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  if (xmpp)
    reed_bot_xmpp_free(bot);
  else
    reed_bot_irc_free(bot);
  uv_run(loop, UV_RUN_DEFAULT);
  uv_loop_close(loop);
  return 0;
}
