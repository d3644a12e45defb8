/* Registration and connection commands: PASS, NICK, USER, PING, PONG,
 * QUIT, and SETNAME. */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>

bool
reed__irc_secret_eq(const char *secret, const char *given)
{
  size_t n = strlen(secret);
  unsigned char diff = 0;

  if (strlen(given) != n)
    return false;
  for (size_t i = 0; i < n; i++) /* constant time over the secret */
    diff |= (unsigned char)(secret[i] ^ given[i]);
  return diff == 0;
}

/* Without a configured password PASS is accepted and ignored, as ergo does.
 * With one, the last PASS before registration decides; registration then
 * checks it (reed__irc_try_register). */
void
reed__irc_cmd_pass(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *want = IRC_CONF(c)->password;

  if (want == NULL)
    return;
  if (reed__irc_secret_eq(want, m->params[0]))
    c->state |= IRC_ST_PASS;
  else
    c->state &= ~(uint32_t)IRC_ST_PASS;
}

static void
nick_error(reed_irc_core_t *c, int rc, const char *nick)
{
  char shown[48];

  snprintf(shown, sizeof(shown), "%.40s", nick);
  reed__irc_reply_err(c, rc, IRC_CTX_ANY, shown, NULL);
}

/* Before registration the nick is only checked and kept; the model takes
 * it when registration completes. A nick held by an account is kept too:
 * SASL may log in to that account first (docs/design.md: sessions of one
 * account share its nick). */
static void
nick_prereg(reed_irc_core_t *c, const char *nick)
{
  reed_person_view_t pv;

  if (!reed_nick_valid(nick)) {
    nick_error(c, REED_EBADNICK, nick);
    return;
  }
  if (reed_model_find_nick(c->env->model, nick, &pv) == 0 &&
      pv.who.account == NULL) {
    nick_error(c, REED_ENICKINUSE, nick);
    return;
  }
  reed_strlcpy(c->pend->nick_wanted, nick, sizeof(c->pend->nick_wanted));
  c->state |= IRC_ST_NICK;
  reed__irc_try_register(c);
}

void
reed__irc_cmd_nick(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *nick = m->n_params > 0 ? m->params[0] : "";
  const char *cur = c->session ? reed_session_nick(c->session) : NULL;
  int rc;

  if (nick[0] == '\0') {
    reed__irc_num(c, ERR_NONICKNAMEGIVEN, ":No nickname given");
    return;
  }
  if (c->pend != NULL) /* for REGISTER * before registration */
    reed_strlcpy(c->pend->nick_tried, nick, sizeof(c->pend->nick_tried));
  if (!(c->state & IRC_ST_REG)) {
    nick_prereg(c, nick);
    return;
  }
  if (cur != NULL && strcmp(cur, nick) == 0) {
    c->state |= IRC_ST_NICK;
    reed__irc_try_register(c);
    return;
  }
  rc = reed_session_set_nick(c->session, nick);
  if (rc < 0)
    nick_error(c, rc, nick);
}

/* Keeps the characters an ident may hold, prefixed with '~' (no identd). */
static void
clean_user(char *dst, size_t size, const char *src)
{
  size_t n = 0;

  dst[n++] = '~';
  for (; *src != '\0' && n + 1 < size; src++) {
    unsigned char ch = (unsigned char)*src;
    if (ch > ' ' && ch < 0x7f && ch != '@' && ch != '!' && ch != ':')
      dst[n++] = (char)ch;
  }
  dst[n] = '\0';
}

void
reed__irc_cmd_user(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *real = m->params[3];
  size_t rl;

  if (m->params[0][0] == '\0' || real[0] == '\0') {
    reed__irc_num(c, ERR_NEEDMOREPARAMS, "USER :Not enough parameters");
    return;
  }
  clean_user(c->pend->user, sizeof(c->pend->user), m->params[0]);
  if (c->pend->user[1] == '\0') /* nothing usable (all non-ASCII, say) */
    reed_strlcpy(c->pend->user, "~u", sizeof(c->pend->user));
  rl = reed_utf8_cut(real, strlen(real), IRC_REALNAME_MAX);
  reed_free(c->pend->realname);
  if ((c->pend->realname = reed_strndup(real, rl)) == NULL) {
    reed__irc_close(c, "Out of memory");
    return;
  }
  c->state |= IRC_ST_USER;
  reed__irc_try_register(c);
}

void
reed__irc_cmd_ping(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  reed__irc_send(c, ":%s PONG %s :%s", IRC_SERVER(c), IRC_SERVER(c),
                 m->params[0]);
}

void
reed__irc_cmd_pong(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  /* Any input already counts as life (feed); nothing more to do. */
  REED_UNUSED(c);
  REED_UNUSED(m);
}

void
reed__irc_cmd_quit(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char why[REED_REASON_MAX + 8];

  if (m->n_params > 0 && m->params[0][0] != '\0')
    snprintf(why, sizeof(why), "Quit: %s", m->params[0]);
  else
    snprintf(why, sizeof(why), "Quit:");
  why[reed_utf8_cut(why, strlen(why), REED_REASON_MAX)] = '\0';
  reed__irc_close(c, why);
}

void
reed__irc_cmd_setname(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *real = m->params[0];
  size_t rl = strlen(real);

  if (rl > IRC_REALNAME_MAX) {
    reed__irc_send(c, ":%s FAIL SETNAME INVALID_REALNAME :Realname is too long",
                   IRC_SERVER(c));
    return;
  }
  reed_session_set_realname(c->session, real);
}
