/* The command table (ngircd's _CMD, redis arity), found by bsearch, and the
 * one dispatcher that answers 451/461/421. Flood penalty is charged before
 * dispatch (irc_core.c) with each row's penalty. Also the one table that
 * maps model results to numerics. */
#include "irc_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Sorted by name (strcmp order): bsearch depends on it, and a unit test
 * checks it. */
static const reed_irc_cmd_t cmds[] = {
    {.name = "ADMIN",
     .fn = reed__irc_cmd_admin,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "AUTHENTICATE",
     .fn = reed__irc_cmd_authenticate,
     .min_params = 1,
     .penalty = 0},
    {.name = "AWAY", .fn = reed__irc_cmd_away, .penalty = 1}, /* pre-away */
    {.name = "BATCH",
     .fn = reed__irc_cmd_batch,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 0},
    {.name = "CAP", .fn = reed__irc_cmd_cap, .min_params = 1, .penalty = 0},
    {.name = "CHANSERV",
     .fn = reed__irc_cmd_cs,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "CHATHISTORY",
     .fn = reed__irc_cmd_chathistory,
     .flags = IRC_NEED_REG,
     .min_params = 3,
     .penalty = 2},
    {.name = "CHGHOST",
     .fn = reed__irc_cmd_chghost,
     .flags = IRC_NEED_REG,
     .min_params = 2,
     .penalty = 1},
    {.name = "CS",
     .fn = reed__irc_cmd_cs,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "HELP",
     .fn = reed__irc_cmd_help,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "HELPOP",
     .fn = reed__irc_cmd_help,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "INFO",
     .fn = reed__irc_cmd_info,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "INVITE",
     .fn = reed__irc_cmd_invite,
     .flags = IRC_NEED_REG,
     .min_params = 2,
     .penalty = 1},
    {.name = "ISON",
     .fn = reed__irc_cmd_ison,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "JOIN",
     .fn = reed__irc_cmd_join,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "KICK",
     .fn = reed__irc_cmd_kick,
     .flags = IRC_NEED_REG,
     .min_params = 2,
     .penalty = 1},
    {.name = "KILL",
     .fn = reed__irc_cmd_kill,
     .flags = IRC_NEED_REG,
     .min_params = 2,
     .penalty = 1},
    {.name = "LINKS",
     .fn = reed__irc_cmd_links,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "LIST",
     .fn = reed__irc_cmd_list,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "LUSERS",
     .fn = reed__irc_cmd_lusers,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "MARKREAD",
     .fn = reed__irc_cmd_markread,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "MODE",
     .fn = reed__irc_cmd_mode,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "MONITOR",
     .fn = reed__irc_cmd_monitor,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "MOTD",
     .fn = reed__irc_cmd_motd,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "NAMES",
     .fn = reed__irc_cmd_names,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "NICK", .fn = reed__irc_cmd_nick, .penalty = 1},
    {.name = "NOTICE",
     .fn = reed__irc_cmd_notice,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "OPER",
     .fn = reed__irc_cmd_oper,
     .flags = IRC_NEED_REG,
     .min_params = 2,
     .penalty = 2},
    {.name = "PART",
     .fn = reed__irc_cmd_part,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "PASS",
     .fn = reed__irc_cmd_pass,
     .flags = IRC_PRE_REG,
     .min_params = 1,
     .penalty = 0},
    {.name = "PING", .fn = reed__irc_cmd_ping, .min_params = 1, .penalty = 1},
    {.name = "PONG", .fn = reed__irc_cmd_pong, .penalty = 0},
    {.name = "PRIVMSG",
     .fn = reed__irc_cmd_privmsg,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "QUIT", .fn = reed__irc_cmd_quit, .penalty = 0},
    {.name = "REDACT",
     .fn = reed__irc_cmd_redact,
     .flags = IRC_NEED_REG,
     .min_params = 2,
     .penalty = 1},
    {.name = "REGISTER",
     .fn = reed__irc_cmd_register,
     .min_params = 3,
     .penalty = 2},
    {.name = "REHASH",
     .fn = reed__irc_cmd_rehash,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "SETNAME",
     .fn = reed__irc_cmd_setname,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "STATS",
     .fn = reed__irc_cmd_stats,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "TAGMSG",
     .fn = reed__irc_cmd_tagmsg,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "TIME",
     .fn = reed__irc_cmd_time,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "TOPIC",
     .fn = reed__irc_cmd_topic,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "UBAN",
     .fn = reed__irc_cmd_uban,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "USER",
     .fn = reed__irc_cmd_user,
     .flags = IRC_PRE_REG,
     .min_params = 4,
     .penalty = 0},
    {.name = "USERHOST",
     .fn = reed__irc_cmd_userhost,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "VERSION",
     .fn = reed__irc_cmd_version,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "WALLOPS",
     .fn = reed__irc_cmd_wallops,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 2},
    {.name = "WHO",
     .fn = reed__irc_cmd_who,
     .flags = IRC_NEED_REG,
     .penalty = 1},
    {.name = "WHOIS",
     .fn = reed__irc_cmd_whois,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
    {.name = "WHOWAS",
     .fn = reed__irc_cmd_whowas,
     .flags = IRC_NEED_REG,
     .min_params = 1,
     .penalty = 1},
};

static int
cmd_cmp(const void *key, const void *elem)
{
  return strcmp(key, ((const reed_irc_cmd_t *)elem)->name);
}

const reed_irc_cmd_t *
reed__irc_cmd_find(const char *name)
{
  char up[16];
  size_t i;

  for (i = 0; name[i] != '\0' && i + 1 < sizeof(up); i++)
    up[i] = (char)toupper((unsigned char)name[i]);
  if (name[i] != '\0')
    return NULL;
  up[i] = '\0';
  return bsearch(up, cmds, REED_ARRAY_SIZE(cmds), sizeof(cmds[0]), cmd_cmp);
}

size_t
reed__irc_cmd_count(void)
{
  return REED_ARRAY_SIZE(cmds);
}

const reed_irc_cmd_t *
reed__irc_cmd_at(size_t i)
{
  return i < REED_ARRAY_SIZE(cmds) ? &cmds[i] : NULL;
}

void
reed__irc_dispatch(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const reed_irc_cmd_t *cmd = reed__irc_cmd_find(m->command);
  bool reg = (c->state & IRC_ST_REG) != 0;

  if (cmd == NULL) {
    reed__irc_num(c, ERR_UNKNOWNCOMMAND, "%.32s :Unknown command", m->command);
    return;
  }
  if ((cmd->flags & IRC_NEED_REG) && !reg) {
    reed__irc_num(c, ERR_NOTREGISTERED, ":You have not registered");
    return;
  }
  if ((cmd->flags & IRC_PRE_REG) && reg) {
    reed__irc_num(c, ERR_ALREADYREGISTERED, ":You may not reregister");
    return;
  }
  if (m->n_params < cmd->min_params) {
    reed__irc_num(c, ERR_NEEDMOREPARAMS, "%s :Not enough parameters",
                  cmd->name);
    return;
  }
  c->cmd = cmd->name;
  cmd->fn(c, m);
}

/* The labeled form of dispatch: everything the command makes for this
 * connection is one labeled response. */
void
reed__irc_dispatch_labeled(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  reed__irc_label_begin(c, m);
  reed__irc_dispatch(c, m);
  reed__irc_label_end(c);
}

/* ---- Model results to numerics ---------------------------------------------
 */
typedef struct {
  int err;
  int ctx; /* IRC_CTX_ANY matches every context */
  const char *num;
  const char *text;
} err_row_t;

static const err_row_t errs[] = {
    {REED_EBADNICK, IRC_CTX_ANY, ERR_ERRONEUSNICKNAME, "Erroneous nickname"},
    {REED_ENICKINUSE, IRC_CTX_ANY, ERR_NICKNAMEINUSE,
     "Nickname is already in use"},
    {REED_ENICKRESERVED, IRC_CTX_ANY, ERR_NICKNAMEINUSE,
     "Nickname is reserved by a different account"},
    {REED_ENICKMERGE, IRC_CTX_ANY, ERR_NICKNAMEINUSE,
     "Nickname is already in use"},
    {REED_ENOSUCHNICK, IRC_CTX_ANY, ERR_NOSUCHNICK, "No such nick/channel"},
    {REED_ENOSUCHROOM, IRC_CTX_ANY, ERR_NOSUCHCHANNEL, "No such channel"},
    {REED_EBADROOM, IRC_CTX_ANY, ERR_NOSUCHCHANNEL, "No such channel"},
    {REED_ENOTMEMBER, IRC_CTX_SEND, ERR_CANNOTSENDTOCHAN,
     "Cannot send to channel"},
    {REED_ENOTMEMBER, IRC_CTX_ANY, ERR_NOTONCHANNEL,
     "You're not on that channel"},
    {REED_EBANNED, IRC_CTX_SEND, ERR_CANNOTSENDTOCHAN,
     "Cannot send to channel (+b)"},
    {REED_EBANNED, IRC_CTX_ANY, ERR_BANNEDFROMCHAN, "Cannot join channel (+b)"},
    {REED_EINVITEONLY, IRC_CTX_ANY, ERR_INVITEONLYCHAN,
     "Cannot join channel (+i)"},
    {REED_EBADKEY, IRC_CTX_ANY, ERR_BADCHANNELKEY, "Cannot join channel (+k)"},
    {REED_EROOMFULL, IRC_CTX_ANY, ERR_CHANNELISFULL,
     "Cannot join channel (+l)"},
    {REED_ENOPRIV, IRC_CTX_ANY, ERR_CHANOPRIVSNEEDED,
     "You're not channel operator"},
    {REED_EMODERATED, IRC_CTX_ANY, ERR_CANNOTSENDTOCHAN,
     "Cannot send to channel (+m)"},
    {REED_ENOEXTERNAL, IRC_CTX_ANY, ERR_CANNOTSENDTOCHAN,
     "Cannot send to channel (+n)"},
    {REED_ETARGETNOTMEMBER, IRC_CTX_ANY, ERR_USERNOTINCHANNEL,
     "They aren't on that channel"},
    {REED_EALREADYMEMBER, IRC_CTX_ANY, ERR_USERONCHANNEL,
     "is already on channel"},
    {REED_ETOOMANYROOMS, IRC_CTX_ANY, ERR_TOOMANYCHANNELS,
     "You have joined too many channels"},
    {REED_EBADTEXT, IRC_CTX_ANY, ERR_NOTEXTTOSEND, "No text to send"},
    {REED_ELISTFULL, IRC_CTX_ANY, ERR_BANLISTFULL, "Channel list is full"},
    {REED_EBADMODE, IRC_CTX_ANY, ERR_INVALIDMODEPARAM,
     "Invalid mode parameter"},
    {REED_EBADTOPIC, IRC_CTX_ANY, ERR_INPUTTOOLONG, "Topic is invalid"},
    {REED_ELASTOWNER, IRC_CTX_ANY, ERR_CHANOPRIVSNEEDED,
     "The channel must keep an owner"},
};

static const err_row_t *
err_find(int err, int ctx)
{
  const err_row_t *any = NULL;

  for (size_t i = 0; i < REED_ARRAY_SIZE(errs); i++) {
    if (errs[i].err != err)
      continue;
    if (errs[i].ctx == ctx)
      return &errs[i];
    if (errs[i].ctx == IRC_CTX_ANY && any == NULL)
      any = &errs[i];
  }
  return any;
}

/* The store cannot write (a full disk): IRCv3 standard replies' generic
 * TEMPORARILY_UNAVAILABLE, with the target as context. */
static void
unavailable(reed_irc_core_t *c, const char *subject)
{
  reed__irc_send(c,
                 ":%s FAIL %s TEMPORARILY_UNAVAILABLE %s :Not saved: "
                 "the server cannot store this now, try again later",
                 IRC_SERVER(c), c->cmd ? c->cmd : "*", subject ? subject : "*");
}

void
reed__irc_reply_err(reed_irc_core_t *c, int err, int ctx, const char *subject,
                    const char *subject2)
{
  const err_row_t *row = err_find(err, ctx);

  if (err == REED_EUNAVAILABLE) {
    unavailable(c, subject);
    return;
  }
  if (row == NULL) {
    reed__irc_num(c, ERR_UNKNOWNERROR, "%s :%s", subject ? subject : "*",
                  reed_strerror(err));
    return;
  }
  if (subject != NULL && subject2 != NULL)
    reed__irc_num(c, row->num, "%s %s :%s", subject, subject2, row->text);
  else if (subject != NULL)
    reed__irc_num(c, row->num, "%s :%s", subject, row->text);
  else
    reed__irc_num(c, row->num, ":%s", row->text);
}

void
reed__irc_reply_room_err(reed_irc_core_t *c, int err, int ctx, const char *chan,
                         const char *nick)
{
  switch (err) {
  case REED_ENOSUCHNICK:
  case REED_EBADNICK:
    reed__irc_reply_err(c, err, ctx, nick ? nick : chan, NULL);
    break;
  case REED_ETARGETNOTMEMBER:
  case REED_EALREADYMEMBER:
    reed__irc_reply_err(c, err, ctx, nick ? nick : "*", chan);
    break;
  default:
    reed__irc_reply_err(c, err, ctx, chan, NULL);
  }
}
