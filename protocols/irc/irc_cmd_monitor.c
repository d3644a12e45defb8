/* MONITOR (IRCv3 monitor, modern.ircdocs.horse) over the model's watches:
 * `+` adds targets and answers 730/731 for them (734 for those past the
 * limit), `-` removes, `C` clears, `L` lists (732, 733), `S` shows each
 * target's status. Replies are comma lists split to fit the line. The
 * model's PRESENCE events become 730/731 here too; extended-monitor is a
 * filter in irc_fmt.c (`watch` deliveries need the cap). */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* A numeric whose trailing parameter is a comma list, sent in as many
 * lines as it takes. */
typedef struct {
  reed_irc_core_t *c;
  const char *num;
  char items[REED_IRC_LINE_MAX];
  size_t n, max;
} numlist_t;

static void
numlist_init(numlist_t *l, reed_irc_core_t *c, const char *num)
{
  /* ":" server " " num " " nick " :" items, within 510 bytes */
  size_t pre = strlen(IRC_SERVER(c)) + strlen(reed__irc_nick(c)) + 9;

  *l = (numlist_t){.c = c, .num = num};
  l->max = pre + IRC_MASK_MAX < REED_IRC_LINE_MAX - 2
               ? REED_IRC_LINE_MAX - 2 - pre
               : IRC_MASK_MAX;
}

static void
numlist_flush(numlist_t *l)
{
  if (l->n == 0)
    return;
  reed__irc_num(l->c, l->num, ":%s", l->items);
  l->n = 0;
  l->items[0] = '\0';
}

static void
numlist_add(numlist_t *l, const char *item)
{
  size_t k = strlen(item);
  int w;

  if (l->n > 0 && l->n + 1 + k > l->max)
    numlist_flush(l);
  w = snprintf(l->items + l->n, sizeof(l->items) - l->n, "%s%s",
               l->n ? "," : "", item);
  if (w > 0)
    l->n = l->n + (size_t)w < sizeof(l->items) ? l->n + (size_t)w
                                               : sizeof(l->items) - 1;
}

/* ---- Status ----------------------------------------------------------------
 */

typedef struct {
  numlist_t on, off;
} status_t;

static void
status_init(status_t *st, reed_irc_core_t *c)
{
  numlist_init(&st->on, c, "730");
  numlist_init(&st->off, c, "731");
}

/* Online targets show the holder's mask, offline ones the target. */
static void
status_add(void *ud, const char *nick)
{
  status_t *st = ud;
  reed_person_view_t pv;
  char mask[IRC_MASK_MAX];

  if (reed_model_find_nick(st->on.c->env->model, nick, &pv) == 0) {
    reed__irc_mask_str(&pv.who, mask, sizeof(mask));
    numlist_add(&st->on, mask);
  } else {
    numlist_add(&st->off, nick);
  }
}

static void
status_flush(status_t *st)
{
  numlist_flush(&st->on);
  numlist_flush(&st->off);
}

/* ---- Subcommands -----------------------------------------------------------
 */

/* 734 with the limit and the targets that did not fit, cut to the line. */
static void
list_full(reed_irc_core_t *c, const char *rest)
{
  char shown[300];
  size_t n = reed_strlcpy(shown, rest, sizeof(shown));

  if (n >= sizeof(shown)) {
    char *comma = strrchr(shown, ',');
    if (comma != NULL)
      *comma = '\0';
  }
  reed__irc_num(c, "734", "%zu %s :Monitor list is full",
                reed_model_watch_limit(c->env->model), shown);
}

static void
monitor_add(reed_irc_core_t *c, const char *targets)
{
  char buf[REED_IRC_LINE_MAX], full[REED_IRC_LINE_MAX] = "", *save = NULL;
  size_t nf = 0;
  status_t st;

  status_init(&st, c);
  reed_strlcpy(buf, targets, sizeof(buf));
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    int rc = reed_session_watch(c->session, t); /* 0 if already there */
    if (rc == REED_EBADNICK)
      reed__irc_num(c, "432", "%.40s :Erroneous nickname", t);
    else if (rc == REED_ELISTFULL)
      nf += (size_t)snprintf(full + nf, sizeof(full) - nf, "%s%s",
                             nf ? "," : "", t);
    else if (rc == 0)
      status_add(&st, t);
    if (nf >= sizeof(full))
      nf = sizeof(full) - 1;
  }
  status_flush(&st);
  if (nf > 0)
    list_full(c, full);
}

static void
monitor_del(reed_irc_core_t *c, const char *targets)
{
  char buf[REED_IRC_LINE_MAX], *save = NULL;

  reed_strlcpy(buf, targets, sizeof(buf));
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
    reed_session_unwatch(c->session, t); /* not watched: nothing to say */
}

static void
list_add(void *ud, const char *nick)
{
  numlist_add(ud, nick);
}

static void
monitor_list(reed_irc_core_t *c)
{
  numlist_t l;

  numlist_init(&l, c, "732");
  reed_session_each_watch(c->session, list_add, &l);
  numlist_flush(&l);
  reed__irc_num(c, "733", ":End of MONITOR list");
}

static void
monitor_status(reed_irc_core_t *c)
{
  status_t st;

  status_init(&st, c);
  reed_session_each_watch(c->session, status_add, &st);
  status_flush(&st);
}

void
reed__irc_cmd_monitor(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *sub = m->params[0];
  bool list_op = strcmp(sub, "+") == 0 || strcmp(sub, "-") == 0;

  if (c->session == NULL)
    return;
  if (list_op && (m->n_params < 2 || m->params[1][0] == '\0')) {
    reed__irc_num(c, "461", "MONITOR :Not enough parameters");
    return;
  }
  if (strcmp(sub, "+") == 0)
    monitor_add(c, m->params[1]);
  else if (strcmp(sub, "-") == 0)
    monitor_del(c, m->params[1]);
  else if (strcasecmp(sub, "C") == 0)
    reed_session_unwatch_all(c->session);
  else if (strcasecmp(sub, "L") == 0)
    monitor_list(c);
  else if (strcasecmp(sub, "S") == 0)
    monitor_status(c);
  else
    reed__irc_num(c, "400", "MONITOR %.16s :Unknown subcommand", sub);
}

/* ---- PRESENCE -> 730 / 731
 * --------------------------------------------------- The numeric names the
 * recipient, so it is formatted per watcher (a nick has few watchers) rather
 * than through the fan-out's cache. */
void
reed__irc_on_presence(reed_irc_core_t *c, const reed_event_t *ev)
{
  char mask[IRC_MASK_MAX];

  if (!(c->state & IRC_ST_REG) || (c->state & IRC_ST_CLOSED) ||
      ev->target == NULL)
    return;
  if (ev->u.presence.online) {
    reed__irc_mask_str(&ev->from, mask, sizeof(mask));
    reed__irc_num(c, "730", ":%s", mask);
  } else {
    reed__irc_num(c, "731", ":%s", ev->target);
  }
}
