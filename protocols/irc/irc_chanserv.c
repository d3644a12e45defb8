/* ChanServ, as ergo offers it, on the model's room affiliations:
 * `PRIVMSG ChanServ :<command> ...` or the `CS` (`CHANSERV`) command.
 * Replies are NOTICEs from ChanServ. The nick is reserved in the model, so
 * nobody (of any protocol) can take it. One table of commands, each with
 * its arity and usage, found by name without regard to case.
 *
 * AMODE uses ergo's letters: +q owner, +a admin, +o admin (the standing
 * that gets op), +v member, +b outcast (the account ban); `-X account`
 * removes the account's affiliation when it is X. */
#include "irc_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define CS_MAX_ARGS 4

typedef struct {
  reed_irc_core_t *c;
  const char *argv[CS_MAX_ARGS]; /* after the command */
  size_t argc;
  const char *room; /* argv[0] without its '#', when it names a channel */
} cs_t;

typedef struct {
  const char *name;
  size_t min_args;
  bool need_account;
  void (*fn)(cs_t *cs);
  const char *usage;
} cs_cmd_t;

static void cs_notice(reed_irc_core_t *c, const char *fmt, ...)
    REED_PRINTF(2, 3);

static void
cs_notice(reed_irc_core_t *c, const char *fmt, ...)
{
  char text[400];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  reed__irc_send(c, ":ChanServ!ChanServ@services.%s NOTICE %s :%s",
                 IRC_SERVER(c), reed__irc_nick(c), text);
}

/* The model's answer in ChanServ's words. */
static void
cs_fail(cs_t *cs, int rc)
{
  const char *chan = cs->argv[0];

  switch (rc) {
  case REED_ENOSUCHROOM:
  case REED_EBADROOM:
    cs_notice(cs->c, "No such channel: %s", chan);
    break;
  case REED_ENOPRIV:
    cs_notice(cs->c, "Insufficient privileges on %s", chan);
    break;
  case REED_ENOTMEMBER:
    cs_notice(cs->c, "You are not on %s", chan);
    break;
  case REED_ENOACCOUNT:
    cs_notice(cs->c, "No such account: %s",
              cs->argc > 1 ? cs->argv[cs->argc - 1] : "*");
    break;
  case REED_ELASTOWNER:
    cs_notice(cs->c, "%s must keep an owner (TRANSFER it, or UNREGISTER it)",
              chan);
    break;
  case REED_EUNAVAILABLE:
    cs_notice(cs->c, "Not saved: the server cannot store this now, try again "
                     "later");
    break;
  default:
    cs_notice(cs->c, "Failed on %s: %s", chan, reed_strerror(rc));
  }
}

static const char *
own_account(const cs_t *cs)
{
  return cs->c->session ? reed_session_account(cs->c->session) : NULL;
}

static void
cs_register(cs_t *cs)
{
  reed_room_t *r = reed_room_find(cs->c->env->model, cs->room);
  int rc;

  if (r != NULL && reed_room_registered(r)) {
    cs_notice(cs->c, "%s is already registered", cs->argv[0]);
    return;
  }
  rc = reed_room_set_affiliation(cs->c->session, cs->room, own_account(cs),
                                 REED_AFF_OWNER, NULL);
  if (rc == REED_ENOPRIV)
    cs_notice(cs->c, "You must be a channel operator in %s to register it",
              cs->argv[0]);
  else if (rc != 0)
    cs_fail(cs, rc);
  else
    cs_notice(cs->c, "Channel %s registered to %s", cs->argv[0],
              own_account(cs));
}

static void
cs_unregister(cs_t *cs)
{
  int rc = reed_room_unregister(cs->c->session, cs->room);

  if (rc == REED_EINVAL)
    cs_notice(cs->c, "%s is not registered", cs->argv[0]);
  else if (rc != 0)
    cs_fail(cs, rc);
  else
    cs_notice(cs->c, "Channel %s is no longer registered", cs->argv[0]);
}

/* The new owner first; then the caller, when it was an owner, steps down
 * to admin. */
static void
cs_transfer(cs_t *cs)
{
  reed_session_t *s = cs->c->session;
  const char *me = own_account(cs), *to = cs->argv[1];
  reed_room_t *r;
  int rc = reed_room_set_affiliation(s, cs->room, to, REED_AFF_OWNER, NULL);

  if (rc != 0) {
    cs_fail(cs, rc);
    return;
  }
  r = reed_room_lookup(cs->c->env->model, cs->room);
  if (me != NULL && reed_casecmp(me, to) != 0 &&
      reed_room_affiliation(r, me) == REED_AFF_OWNER &&
      (rc = reed_room_set_affiliation(s, cs->room, me, REED_AFF_ADMIN, NULL)) !=
          0) {
    cs_fail(cs, rc);
    return;
  }
  cs_notice(cs->c, "Channel %s now belongs to %s", cs->argv[0], to);
}

static const struct {
  char letter;
  reed_affiliation_t aff;
} amode_letters[] = {
    {'q', REED_AFF_OWNER},  {'a', REED_AFF_ADMIN},   {'o', REED_AFF_ADMIN},
    {'v', REED_AFF_MEMBER}, {'b', REED_AFF_OUTCAST},
};

static char
aff_letter(reed_affiliation_t aff)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(amode_letters); i++)
    if (amode_letters[i].aff == aff)
      return amode_letters[i].letter;
  return '?';
}

static const char *
aff_word(reed_affiliation_t aff)
{
  static const char *const words[] = {"none", "outcast", "member", "admin",
                                      "owner"};

  return (unsigned)aff < REED_ARRAY_SIZE(words) ? words[aff] : "?";
}

static void
amode_entry(void *ud, const reed_aff_entry_t *e)
{
  cs_t *cs = ud;

  cs_notice(cs->c, "%s: +%c (%s)", e->account, aff_letter(e->aff),
            aff_word(e->aff));
}

static void
amode_list(cs_t *cs)
{
  reed_room_t *r = reed_room_lookup(cs->c->env->model, cs->room);

  if (r == NULL) {
    cs_fail(cs, REED_ENOSUCHROOM);
    return;
  }
  cs_notice(cs->c, "Account modes of %s:", cs->argv[0]);
  reed_room_each_affiliation(r, REED_AFF_NONE, amode_entry, cs);
  cs_notice(cs->c, "End of the account modes of %s", cs->argv[0]);
}

/* "+q", "-v", ...: the affiliation it names; false when it names none. */
static bool
amode_parse(const char *change, bool *add, reed_affiliation_t *aff)
{
  if ((change[0] != '+' && change[0] != '-') || change[1] == '\0' ||
      change[2] != '\0')
    return false;
  *add = change[0] == '+';
  for (size_t i = 0; i < REED_ARRAY_SIZE(amode_letters); i++)
    if (amode_letters[i].letter == change[1]) {
      *aff = amode_letters[i].aff;
      return true;
    }
  return false;
}

static void
cs_amode(cs_t *cs)
{
  reed_affiliation_t aff, now;
  const char *who;
  reed_room_t *r;
  bool add;
  int rc;

  if (cs->argc == 1) {
    amode_list(cs);
    return;
  }
  if (cs->argc < 3 || !amode_parse(cs->argv[1], &add, &aff)) {
    cs_notice(cs->c, "Usage: AMODE #channel [+|-q|a|o|v|b account]");
    return;
  }
  who = cs->argv[2];
  if (!add) {
    r = reed_room_lookup(cs->c->env->model, cs->room);
    now = reed_room_affiliation(r, who);
    if (r != NULL && now != aff) {
      cs_notice(cs->c, "%s is %s on %s, not %s", who, aff_word(now),
                cs->argv[0], aff_word(aff));
      return;
    }
  }
  rc = reed_room_set_affiliation(cs->c->session, cs->room, who,
                                 add ? aff : REED_AFF_NONE, NULL);
  if (rc != 0)
    cs_fail(cs, rc);
  else
    cs_notice(cs->c, "%s is now %s on %s", who,
              aff_word(add ? aff : REED_AFF_NONE), cs->argv[0]);
}

static void
cs_op(cs_t *cs)
{
  const char *nick = cs->argc > 1 ? cs->argv[1] : reed__irc_own_nick(cs->c);
  reed_mode_change_t op = {.mode = REED_RMODE_OP, .set = true, .arg = nick};
  int rc = reed_room_set_modes(cs->c->session, cs->room, &op, 1, NULL);

  if (rc != 0)
    cs_fail(cs, rc);
}

typedef struct {
  char owners[200], admins[200];
  size_t members, outcasts;
  uint64_t since;
} info_t;

static void
info_add(char *list, size_t size, const char *account)
{
  size_t n = strlen(list);

  if (n + strlen(account) + 3 < size)
    snprintf(list + n, size - n, "%s%s", n ? ", " : "", account);
}

static void
info_entry(void *ud, const reed_aff_entry_t *e)
{
  info_t *in = ud;

  if (e->aff == REED_AFF_OWNER) {
    info_add(in->owners, sizeof(in->owners), e->account);
    if (in->since == 0 || e->ms < in->since)
      in->since = e->ms;
  } else if (e->aff == REED_AFF_ADMIN) {
    info_add(in->admins, sizeof(in->admins), e->account);
  } else if (e->aff == REED_AFF_MEMBER) {
    in->members++;
  } else {
    in->outcasts++;
  }
}

static void
cs_info(cs_t *cs)
{
  reed_room_t *r = reed_room_lookup(cs->c->env->model, cs->room);
  info_t in;
  char when[40];

  if (r == NULL || !reed_room_registered(r)) {
    cs_notice(cs->c, "%s is not registered", cs->argv[0]);
    return;
  }
  memset(&in, 0, sizeof(in));
  reed_room_each_affiliation(r, REED_AFF_NONE, info_entry, &in);
  reed__irc_time_str(in.since, when, sizeof(when));
  cs_notice(cs->c, "Channel %s, registered %s", cs->argv[0], when);
  cs_notice(cs->c, "Owners: %s", in.owners);
  cs_notice(cs->c, "Admins: %s", in.admins[0] ? in.admins : "(none)");
  cs_notice(cs->c, "Members: %zu, outcasts: %zu", in.members, in.outcasts);
}

static void cs_help(cs_t *cs);

static const cs_cmd_t cs_cmds[] = {
    {"AMODE", 1, false, cs_amode,
     "AMODE #channel [+|-q|a|o|v|b account]: list or change account modes"},
    {"HELP", 0, false, cs_help, "HELP: this list"},
    {"INFO", 1, false, cs_info, "INFO #channel: who owns a channel"},
    {"OP", 1, false, cs_op, "OP #channel [nick]: op (owners and admins)"},
    {"REGISTER", 1, true, cs_register,
     "REGISTER #channel: claim a channel you are op in"},
    {"TRANSFER", 2, true, cs_transfer,
     "TRANSFER #channel account: give a channel you own to an account"},
    {"UNREGISTER", 1, false, cs_unregister,
     "UNREGISTER #channel: drop a channel's owners, admins and members"},
};

static void
cs_help(cs_t *cs)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(cs_cmds); i++)
    cs_notice(cs->c, "%s", cs_cmds[i].usage);
}

/* One command line: the command, then up to CS_MAX_ARGS words. */
static void
cs_command(reed_irc_core_t *c, char *text)
{
  char *save = NULL, *name = strtok_r(text, " ", &save), *w;
  cs_t cs = {.c = c};
  const cs_cmd_t *cmd = NULL;

  while (cs.argc < CS_MAX_ARGS && (w = strtok_r(NULL, " ", &save)) != NULL)
    cs.argv[cs.argc++] = w;
  for (size_t i = 0; name != NULL && i < REED_ARRAY_SIZE(cs_cmds); i++)
    if (strcasecmp(cs_cmds[i].name, name) == 0)
      cmd = &cs_cmds[i];
  if (cmd == NULL) {
    cs_notice(c, "Unknown command%s%s; try HELP", name ? ": " : "",
              name ? name : "");
    return;
  }
  if (cs.argc < cmd->min_args) {
    cs_notice(c, "Usage: %s", cmd->usage);
    return;
  }
  if (cmd->min_args > 0 && (cs.room = reed__irc_room_of(cs.argv[0])) == NULL) {
    cs_notice(c, "%s is not a channel", cs.argv[0]);
    return;
  }
  if (cmd->need_account && own_account(&cs) == NULL) {
    cs_notice(c, "You must be logged in to an account for %s", cmd->name);
    return;
  }
  cmd->fn(&cs);
}

bool
reed__irc_chanserv(reed_irc_core_t *c, const char *target, const char *text)
{
  char buf[REED_IRC_LINE_MAX];

  if (strcasecmp(target, "ChanServ") != 0)
    return false;
  reed_strlcpy(buf, text, sizeof(buf));
  cs_command(c, buf);
  return true;
}

/* CS <command> [args...]: the same service without the PRIVMSG. */
void
reed__irc_cmd_cs(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char buf[REED_IRC_LINE_MAX];
  size_t n = 0;

  buf[0] = '\0';
  for (size_t i = 0; i < m->n_params && n + 1 < sizeof(buf); i++)
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? " " : "",
                          m->params[i]);
  cs_command(c, buf);
}
