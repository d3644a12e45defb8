/* The networked transport's server lines turned into bot events: each line
 * parsed by the IRC module's codec and read as a client reads it, then
 * messages and notices (CTCP ACTION, VERSION and PING), joins, parts,
 * quits, nick changes, topics, kicks and invites. */
#include "bot_irc_int.h"

#include <stdio.h>
#include <string.h>

_Static_assert(REED__BOT_IRC_LINE_MAX < sizeof(((reed_irc_msg_t *)0)->buf),
               "a bot line fits the codec's buffer");

/* ---- One line --------------------------------------------------------------
 * The codec is strict about what a server must never send (NUL, CR, LF, an
 * empty source or tag key); the client adds what would be unsafe to act
 * on: a command that is not one plain word, a source without a nick. */

static int
command_ok(const char *c)
{
  size_t n = 0;

  for (; c[n]; n++) {
    unsigned char ch = (unsigned char)c[n];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
          (ch >= '0' && ch <= '9')))
      return 0;
  }
  return n > 0 && n <= 32;
}

/* Splits the source (NUL-terminated in m->line.buf) into nick!user@host. */
static int
split_source(reed__bot_irc_msg_t *m)
{
  char *src, *bang, *at;

  m->nick = m->user = m->host = NULL;
  if (m->line.source == NULL)
    return 0;
  src = m->line.buf + (m->line.source - m->line.buf);
  m->nick = src;
  if ((at = strchr(src, '@')) != NULL) {
    *at = '\0';
    m->host = at + 1;
  }
  if ((bang = strchr(src, '!')) != NULL) {
    *bang = '\0';
    m->user = bang + 1;
  }
  return *m->nick ? 0 : REED_ESYNTAX;
}

int
reed__bot_irc_parse(const char *line, size_t len, reed__bot_irc_msg_t *m)
{
  int rc;

  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    len--;
  if (len > REED__BOT_IRC_LINE_MAX)
    return REED_ETOOBIG;
  rc = reed_irc_line_parse_server(line, len, &m->line);
  if (rc == 0 && !command_ok(m->line.command))
    rc = REED_ESYNTAX;
  if (rc == 0)
    rc = split_source(m);
  if (rc != 0)
    return rc;
  m->command = m->line.command;
  m->n_params = m->line.n_params;
  memcpy(m->params, m->line.params, m->n_params * sizeof(m->params[0]));
  return 0;
}

int
reed__bot_irc_tag(const reed__bot_irc_msg_t *m, const char *key, char *out,
                  size_t size)
{
  const char *v = reed_irc_msg_tag(&m->line, key);

  if (size == 0 || v == NULL)
    return 0;
  reed_strlcpy(out, v, size);
  return 1;
}

/* ---- Events ----------------------------------------------------------------
 */

static int
is_room(const char *target)
{
  return target[0] == '#' || target[0] == '&';
}

static void
fill_actor(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m,
           reed_bot_event_t *ev, char *account, size_t size)
{
  ev->nick = m->nick;
  ev->origin = NULL; /* IRC does not say which protocol a person uses */
  ev->self = reed__bot_irc_same(m->nick, irc->nick);
  ev->ts_ms = reed_bot_wall_ms(&irc->bot);
  if (reed__bot_irc_tag(m, "account", account, size) && account[0] &&
      strcmp(account, "*") != 0)
    ev->account = account;
}

/* CTCP: ACTION is an event; VERSION and PING are answered; the rest (DCC
 * included) is ignored. Returns 1 when text was CTCP. */
static int
ctcp(reed__bot_irc_t *irc, reed_bot_event_t *ev, const char *text,
     int is_notice)
{
  char body[REED__BOT_IRC_LINE_BUDGET], reply[REED__BOT_IRC_LINE_BUDGET + 16];
  size_t n = strlen(text + 1);

  if (text[0] != '\001')
    return 0;
  if (n > 0 && text[n] == '\001')
    n--;
  snprintf(body, sizeof(body), "%.*s", (int)n, text + 1);
  if (strncmp(body, "ACTION ", 7) == 0 && !is_notice) {
    ev->kind = REED_BOT_EV_ACTION;
    ev->text = body + 7;
    reed__bot_dispatch(&irc->bot, ev);
  } else if (!is_notice && strcmp(body, "VERSION") == 0) {
    reed__bot_irc_say(irc, ev->nick, REED__BOT_MSG_NOTICE,
                      "\001VERSION reed-bot\001");
  } else if (!is_notice && strncmp(body, "PING", 4) == 0) {
    snprintf(reply, sizeof(reply), "\001%s\001", body);
    reed__bot_irc_say(irc, ev->nick, REED__BOT_MSG_NOTICE, reply);
  }
  return 1;
}

static void
on_privmsg(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m, int notice)
{
  reed_bot_event_t ev = {0};
  char account[64];

  if (m->n_params < 2 || m->user == NULL)
    return; /* server notices and malformed lines */
  fill_actor(irc, m, &ev, account, sizeof(account));
  ev.kind = notice ? REED_BOT_EV_NOTICE : REED_BOT_EV_MESSAGE;
  ev.room = is_room(m->params[0]) ? m->params[0] : NULL;
  ev.text = m->params[1];
  if (ctcp(irc, &ev, m->params[1], notice))
    return;
  reed__bot_dispatch(&irc->bot, &ev);
}

static void
on_membership(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m,
              reed_bot_event_kind_t kind)
{
  reed_bot_event_t ev = {.kind = kind};
  char account[64];

  if (m->nick == NULL || m->n_params < 1)
    return;
  fill_actor(irc, m, &ev, account, sizeof(account));
  if (kind == REED_BOT_EV_QUIT) {
    ev.text = m->params[0];
  } else {
    ev.room = m->params[0];
    ev.text = m->n_params > 1 ? m->params[1] : NULL;
  }
  if (kind == REED_BOT_EV_JOIN)
    ev.text = NULL;
  if (kind == REED_BOT_EV_PART && ev.self)
    reed__bot_irc_room_forget(irc, ev.room);
  reed__bot_dispatch(&irc->bot, &ev);
}

static void
on_nick(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  reed_bot_event_t ev = {.kind = REED_BOT_EV_NICK};
  char account[64], old[65];

  if (m->nick == NULL || m->n_params < 1)
    return;
  reed_strlcpy(old, m->nick, sizeof(old));
  fill_actor(irc, m, &ev, account, sizeof(account));
  ev.nick = old;
  ev.target = m->params[0];
  if (ev.self && strlen(m->params[0]) < sizeof(irc->nick))
    reed_strlcpy(irc->nick, m->params[0], sizeof(irc->nick));
  reed__bot_dispatch(&irc->bot, &ev);
}

static void
on_topic(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  reed_bot_event_t ev = {.kind = REED_BOT_EV_TOPIC};
  char account[64];

  if (m->nick == NULL || m->n_params < 2)
    return;
  fill_actor(irc, m, &ev, account, sizeof(account));
  ev.room = m->params[0];
  ev.text = m->params[1];
  reed__bot_dispatch(&irc->bot, &ev);
}

static void
on_kick(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  reed_bot_event_t ev = {.kind = REED_BOT_EV_KICK};
  char account[64];

  if (m->nick == NULL || m->n_params < 2)
    return;
  fill_actor(irc, m, &ev, account, sizeof(account));
  ev.room = m->params[0];
  ev.target = m->params[1];
  ev.text = m->n_params > 2 ? m->params[2] : NULL;
  ev.self = reed__bot_irc_same(ev.target, irc->nick);
  if (ev.self)
    reed__bot_irc_room_forget(irc, ev.room);
  reed__bot_dispatch(&irc->bot, &ev);
}

static void
on_invite(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  reed_bot_event_t ev = {.kind = REED_BOT_EV_INVITE};
  char account[64];

  if (m->nick == NULL || m->n_params < 2)
    return;
  fill_actor(irc, m, &ev, account, sizeof(account));
  ev.target = m->params[0];
  ev.room = m->params[1];
  ev.self = 0;
  reed__bot_dispatch(&irc->bot, &ev);
}

static const struct {
  const char *command;
  reed_bot_event_kind_t kind;
} membership[] = {
    {"JOIN", REED_BOT_EV_JOIN},
    {"PART", REED_BOT_EV_PART},
    {"QUIT", REED_BOT_EV_QUIT},
};

int
reed__bot_irc_on_event(reed__bot_irc_t *irc, const reed__bot_irc_msg_t *m)
{
  const char *c = m->command;

  for (size_t i = 0; i < REED_ARRAY_SIZE(membership); i++)
    if (strcmp(c, membership[i].command) == 0) {
      on_membership(irc, m, membership[i].kind);
      return 1;
    }
  if (strcmp(c, "PRIVMSG") == 0 || strcmp(c, "NOTICE") == 0)
    on_privmsg(irc, m, c[0] == 'N');
  else if (strcmp(c, "NICK") == 0)
    on_nick(irc, m);
  else if (strcmp(c, "TOPIC") == 0)
    on_topic(irc, m);
  else if (strcmp(c, "KICK") == 0)
    on_kick(irc, m);
  else if (strcmp(c, "INVITE") == 0)
    on_invite(irc, m);
  else
    return 0;
  return 1;
}
