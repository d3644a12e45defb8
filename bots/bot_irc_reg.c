/* The networked transport's registration: PASS, CAP LS 302 asking for
 * sasl when configured and account-tag when offered, SASL PLAIN, NICK and
 * USER, nick collisions, the welcome, and the IRCv3 bot mode. */
#include "bot_irc_int.h"

#include <stdio.h>
#include <string.h>

void
reed__bot_irc_on_authenticate(reed__bot_irc_t *irc)
{
  unsigned char raw[300];
  char enc[404], line[420];
  size_t u = strlen(irc->sasl_user), p = strlen(irc->sasl_pass);

  /* authzid empty: NUL authcid NUL passwd (RFC 4616). Lengths were
   * checked at init, so this fits one 400-byte AUTHENTICATE chunk. */
  raw[0] = '\0';
  memcpy(raw + 1, irc->sasl_user, u);
  raw[1 + u] = '\0';
  memcpy(raw + 2 + u, irc->sasl_pass, p);
  reed_base64_encode(raw, 2 + u + p, enc);
  snprintf(line, sizeof(line), "AUTHENTICATE %s", enc);
  reed__bot_irc_write_now(irc, line);
}

static void
send_nick(reed__bot_irc_t *irc)
{
  char line[80];

  snprintf(line, sizeof(line), "NICK %s", irc->nick);
  reed__bot_irc_write_now(irc, line);
}

void
reed__bot_irc_connected(reed__bot_irc_t *irc)
{
  char line[REED__BOT_IRC_LINE_BUDGET];

  irc->state = REED__BOT_IRC_REGISTERING;
  irc->in_len = 0;
  irc->in_discard = 0;
  irc->cap_sasl = 0;
  irc->cap_account = 0;
  irc->nick_tries = 0;
  irc->ping_sent = 0;
  irc->last_rx_ms = reed__bot_irc_now(irc);
  reed_strlcpy(irc->nick, irc->want_nick, sizeof(irc->nick));
  if (irc->password) {
    snprintf(line, sizeof(line), "PASS %s", irc->password);
    reed__bot_irc_write_now(irc, line);
  }
  reed__bot_irc_write_now(irc, "CAP LS 302");
  send_nick(irc);
  snprintf(line, sizeof(line), "USER %s 0 * :%s", irc->user, irc->realname);
  reed__bot_irc_write_now(irc, line);
  reed__bot_irc_keepalive_start(irc);
}

/* A fatal registration failure: no reconnect. */
static void
give_up(reed__bot_irc_t *irc, const char *why)
{
  reed_bot_event_t ev = {.kind = REED_BOT_EV_DISCONNECTED, .text = why};

  if (irc->bot.log)
    reed_log(irc->bot.log, REED_LOG_ERROR, "bot: %s", why);
  ev.ts_ms = reed_bot_wall_ms(&irc->bot);
  irc->state = REED__BOT_IRC_DONE;
  irc->bot.closed = 1;
  reed__bot_stop_timers(&irc->bot);
  reed__bot_irc_stop_timers(irc);
  irc->io.close(irc->io.io);
  reed__bot_dispatch(&irc->bot, &ev);
}

/* 433/432 while registering: try nick_, nick__, ... then nick + digits. */
static void
next_nick(reed__bot_irc_t *irc)
{
  size_t n = strlen(irc->want_nick);

  irc->nick_tries++;
  if (irc->nick_tries > 10) {
    give_up(irc, "no usable nick");
    return;
  }
  if (irc->nick_tries <= 3 && n + (size_t)irc->nick_tries < 30) {
    snprintf(irc->nick, sizeof(irc->nick), "%s%.*s", irc->want_nick,
             irc->nick_tries, "___");
  } else {
    irc->rng = irc->rng * 1103515245u + 12345u;
    snprintf(irc->nick, sizeof(irc->nick), "%.24s%u", irc->want_nick,
             (irc->rng >> 8) % 100000u);
  }
  send_nick(irc);
}

static void
rejoin(reed__bot_irc_t *irc)
{
  for (int i = 0; i < REED__BOT_IRC_ROOMS_MAX; i++)
    if (irc->rooms[i])
      reed__bot_irc_sendf(irc, "JOIN %s", irc->rooms[i]);
}

static void
on_welcome(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  reed_bot_event_t ev = {.kind = REED_BOT_EV_CONNECTED, .self = 1};

  if (m->n_params > 0 && strlen(m->params[0]) < sizeof(irc->nick))
    reed_strlcpy(irc->nick, m->params[0], sizeof(irc->nick));
  irc->state = REED__BOT_IRC_READY;
  irc->ready_ms = reed__bot_irc_now(irc);
  irc->tokens = REED__BOT_IRC_BURST;
  irc->tokens_ms = irc->ready_ms;
  rejoin(irc);
  ev.nick = irc->nick;
  ev.ts_ms = reed_bot_wall_ms(&irc->bot);
  reed__bot_dispatch(&irc->bot, &ev);
}

/* 1 when the space-separated list holds `cap` (or "cap=value"). */
static int
has_cap(const char *list, const char *cap)
{
  size_t n = strlen(cap);

  for (const char *p = list; *p;) {
    size_t len = strcspn(p, " ");
    if (len >= n && strncmp(p, cap, n) == 0 && (len == n || p[n] == '='))
      return 1;
    p += len;
    while (*p == ' ')
      p++;
  }
  return 0;
}

/* CAP LS (maybe several lines, "*" before the last): ask for sasl when
 * configured and account-tag when offered, or end negotiation. */
static void
on_cap_ls(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  const char *caps = m->params[m->n_params - 1];
  char req[64];
  int sasl = irc->sasl_user != NULL;

  irc->cap_sasl |= has_cap(caps, "sasl");
  irc->cap_account |= has_cap(caps, "account-tag");
  if (m->n_params > 3 && strcmp(m->params[2], "*") == 0)
    return; /* more to come */
  if (irc->sasl_user && !irc->cap_sasl) {
    give_up(irc, "the server does not offer SASL");
    return;
  }
  if (!sasl && !irc->cap_account) {
    reed__bot_irc_write_now(irc, "CAP END");
    return;
  }
  snprintf(req, sizeof(req), "CAP REQ :%s%s%s", sasl ? "sasl" : "",
           sasl && irc->cap_account ? " " : "",
           irc->cap_account ? "account-tag" : "");
  reed__bot_irc_write_now(irc, req);
}

void
reed__bot_irc_on_cap(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  const char *sub = m->n_params > 1 ? m->params[1] : "";

  if (m->n_params < 3 || irc->state != REED__BOT_IRC_REGISTERING)
    return;
  if (strcmp(sub, "LS") == 0) {
    on_cap_ls(irc, m);
  } else if (strcmp(sub, "ACK") == 0) {
    if (irc->sasl_user && has_cap(m->params[2], "sasl"))
      reed__bot_irc_write_now(irc, "AUTHENTICATE PLAIN");
    else
      reed__bot_irc_write_now(irc, "CAP END");
  } else if (strcmp(sub, "NAK") == 0) {
    if (irc->sasl_user)
      give_up(irc, "the server refused SASL");
    else
      reed__bot_irc_write_now(irc, "CAP END");
  }
}

/* ISUPPORT BOT=<mode>: the bot marks itself as one (IRCv3 bot mode). */
static void
on_isupport(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  for (size_t i = 1; i + 1 < m->n_params; i++) {
    const char *t = m->params[i];
    if (strncmp(t, "BOT=", 4) == 0 && t[4] && !t[5] && t[4] != ' ')
      reed__bot_irc_sendf(irc, "MODE %s +%c", irc->nick, t[4]);
  }
}

void
reed__bot_irc_on_numeric(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m,
                         int num)
{
  switch (num) {
  case 1:
    on_welcome(irc, m);
    break;
  case 5:
    if (irc->state == REED__BOT_IRC_READY)
      on_isupport(irc, m);
    break;
  case 432:
  case 433:
    if (irc->state == REED__BOT_IRC_REGISTERING)
      next_nick(irc);
    break;
  case 903:
    reed__bot_irc_write_now(irc, "CAP END");
    break;
  case 902:
  case 904:
  case 905:
  case 906:
  case 908:
    if (irc->state == REED__BOT_IRC_REGISTERING)
      give_up(irc, "SASL authentication failed");
    break;
  default:
    break;
  }
}
