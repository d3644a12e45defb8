/* WHOWAS (RFC 1459 4.5.3, modern.ircdocs.horse): the model's nick history
 * as 314 (and 330 for an account) plus 312 per entry, newest first, 406
 * for a nick without history, then one 369. */
#include "irc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Nicks one WHOWAS looks up; the rest of a longer list are ignored. */
#define WHOWAS_NICKS_MAX 8

/* "Tue Nov 25 12:00:00 2026" (UTC): when the nick went out of use. */
static void
when(uint64_t ms, char *out, size_t size)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(out, size, "%a %b %d %H:%M:%S %Y", &tm);
}

static void
entry(void *ud, const reed_nick_was_t *e)
{
  reed_irc_core_t *c = ud;
  char mask[IRC_MASK_MAX], ts[64], *user = "*", *host = "*", *bang, *at;

  /* The mask as IRC showed the person: an XMPP or AMP user's "user" is
   * its account, its host says where it came from. */
  reed__irc_mask_str(&e->who, mask, sizeof(mask));
  bang = strchr(mask, '!');
  at = bang ? strchr(bang, '@') : NULL;
  if (bang != NULL && at != NULL) {
    *bang = *at = '\0';
    user = bang + 1;
    host = at + 1;
  }
  reed__irc_num(c, RPL_WHOWASUSER, "%s %s %s * :%s", mask, user, host,
                e->who.realname ? e->who.realname : "");
  if (e->who.account != NULL)
    reed__irc_num(c, RPL_WHOISACCOUNT, "%s %s :was logged in as", mask,
                  e->who.account);
  when(e->ts_ms, ts, sizeof(ts));
  reed__irc_num(c, RPL_WHOISSERVER, "%s %s :%s", mask, IRC_SERVER(c), ts);
}

/* "WHOWAS nick 3": at most 3 entries; 0, a negative number or none: all. */
static size_t
count_of(const reed_irc_msg_t *m)
{
  long n;

  if (m->n_params < 2)
    return 0;
  n = strtol(m->params[1], NULL, 10);
  return n > 0 ? (size_t)n : 0;
}

void
reed__irc_cmd_whowas(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char buf[REED_IRC_LINE_MAX], *nicks[WHOWAS_NICKS_MAX];
  size_t n =
      reed__irc_split(buf, sizeof(buf), m->params[0], nicks, WHOWAS_NICKS_MAX);
  size_t limit = count_of(m);

  if (n == 0) {
    reed__irc_num(c, ERR_NONICKNAMEGIVEN, ":No nickname given");
    return;
  }
  for (size_t i = 0; i < n; i++) {
    if (reed_model_nick_history(c->env->model, nicks[i], limit, entry, c) != 0)
      reed__irc_num(c, ERR_WASNOSUCHNICK, "%.64s :There was no such nickname",
                    nicks[i]);
  }
  reed__irc_num(c, RPL_ENDOFWHOWAS, "%.400s :End of WHOWAS", m->params[0]);
}
