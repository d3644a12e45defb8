/* MODE: channel modes (b e I k l m i n t s o v, CHANMODES=beI,k,l,imnst;
 * of PREFIX=(qaov)~&@+, q and a are the owner's and admin's affiliations,
 * shown but set through ChanServ AMODE) translated to the model's room
 * settings, list queries, and the user modes i and o. A list entry `$a:NAME`
 * (EXTBAN=$,a, ACCOUNTEXTBAN=a, the charybdis/solanum form) is the model's
 * account entry for NAME. */
#include "irc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IRC_MODE_CHANGES 12

typedef struct {
  char letter;
  reed_room_mode_t mode;
  char arg; /* 'a' always, 's' when set, 'n' never; 'l' list when absent */
} mode_def_t;

static const mode_def_t mode_defs[] = {
    {'o', REED_RMODE_OP, 'a'},         {'v', REED_RMODE_VOICE, 'a'},
    {'b', REED_RMODE_BAN, 'l'},        {'e', REED_RMODE_EXCEPT, 'l'},
    {'I', REED_RMODE_INVEX, 'l'},      {'k', REED_RMODE_KEY, 's'},
    {'l', REED_RMODE_LIMIT, 's'},      {'m', REED_RMODE_MODERATED, 'n'},
    {'i', REED_RMODE_INVITEONLY, 'n'}, {'t', REED_RMODE_TOPICLOCK, 'n'},
    {'s', REED_RMODE_SECRET, 'n'},     {'n', REED_RMODE_NOEXTERNAL, 'n'},
};

static const mode_def_t *
mode_def(char letter)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(mode_defs); i++) {
    if (mode_defs[i].letter == letter)
      return &mode_defs[i];
  }
  return NULL;
}

/* ---- Queries ---------------------------------------------------------------
 */

static void
send_modes(reed_irc_core_t *c, reed_room_t *r)
{
  reed_room_view_t v;
  char modes[16] = "+", args[64] = "";
  size_t n = 1;
  bool member = reed_room_has_session(r, c->session);

  reed_room_view(r, &v);
  if (v.invite_only)
    modes[n++] = 'i';
  if (v.key)
    modes[n++] = 'k';
  if (v.limit)
    modes[n++] = 'l';
  if (v.moderated)
    modes[n++] = 'm';
  if (v.no_external)
    modes[n++] = 'n';
  if (v.secret)
    modes[n++] = 's';
  if (v.topic_lock)
    modes[n++] = 't';
  modes[n] = '\0';
  if (v.key)
    snprintf(args, sizeof(args), " %s", member ? v.key : "*");
  if (v.limit)
    snprintf(args + strlen(args), sizeof(args) - strlen(args), " %zu", v.limit);
  reed__irc_num(c, RPL_CHANNELMODEIS, "#%s %s%s", v.name, modes, args);
  reed__irc_num(c, RPL_CREATIONTIME, "#%s %llu", v.name,
                (unsigned long long)(v.created_ms / 1000));
}

typedef struct {
  reed_irc_core_t *c;
  const char *num, *chan;
} list_ctx_t;

static void
list_entry(void *ud, const reed_list_entry_t *e)
{
  list_ctx_t *l = ud;

  reed__irc_num(l->c, l->num, "%s %s%s %s %llu", l->chan,
                e->account ? IRC_EXTBAN_ACCOUNT : "", e->mask,
                e->by && e->by[0] ? e->by : IRC_SERVER(l->c),
                (unsigned long long)(e->ms / 1000));
}

static void
send_list(reed_irc_core_t *c, reed_room_t *r, const char *chan,
          reed_room_mode_t which)
{
  static const char *const nums[][3] = {
      {RPL_BANLIST, RPL_ENDOFBANLIST, "End of channel ban list"},
      {RPL_EXCEPTLIST, RPL_ENDOFEXCEPTLIST, "End of channel exception list"},
      {RPL_INVITELIST, RPL_ENDOFINVITELIST, "End of channel invite list"},
  };
  size_t k = which == REED_RMODE_BAN ? 0 : which == REED_RMODE_EXCEPT ? 1 : 2;
  list_ctx_t l = {.c = c, .num = nums[k][0], .chan = chan};

  reed_room_each_list(r, which, list_entry, &l);
  reed__irc_num(c, nums[k][1], "%s :%s", chan, nums[k][2]);
}

/* ---- Changes ---------------------------------------------------------------
 */

typedef struct {
  reed_mode_change_t ch[IRC_MODE_CHANGES];
  size_t n;
  size_t next_arg;
} changes_t;

static const char *
take_arg(const reed_irc_msg_t *m, changes_t *cs)
{
  return cs->next_arg < m->n_params ? m->params[cs->next_arg++] : NULL;
}

/* A list entry in extban form: `$a:NAME` is an account entry; any other
 * `$` form is refused (696), not taken as a mask. */
static bool
add_extban(reed_irc_core_t *c, const reed_irc_msg_t *m, changes_t *cs, bool set,
           reed_room_mode_t mode, const char *arg)
{
  size_t n = strlen(IRC_EXTBAN_ACCOUNT);

  if (strncmp(arg, IRC_EXTBAN_ACCOUNT, n) != 0 ||
      !reed_account_valid(arg + n)) {
    reed__irc_reply_err(c, REED_EBADMODE, IRC_CTX_ANY, m->params[0], NULL);
    return false;
  }
  if (cs->n < IRC_MODE_CHANGES)
    cs->ch[cs->n++] = (reed_mode_change_t){
        .mode = mode, .set = set, .arg = arg + n, .account = true};
  return true;
}

/* Adds one letter's change; false when it is refused (with a reply). */
static bool
add_change(reed_irc_core_t *c, const reed_irc_msg_t *m, changes_t *cs, bool set,
           char letter, bool *listed, reed_room_t *r)
{
  const mode_def_t *d = mode_def(letter);
  const char *arg = NULL;

  if (d == NULL) {
    reed__irc_num(c, ERR_UNKNOWNMODE, "%c :is unknown mode char to me", letter);
    return false;
  }
  if (d->arg == 'a' || d->arg == 'l' || (d->arg == 's' && set))
    arg = take_arg(m, cs);
  if (d->arg == 'l' && arg == NULL) {
    if (!*listed)
      send_list(c, r, m->params[0], d->mode);
    *listed = true;
    return true;
  }
  if (arg == NULL && (d->arg == 'a' || (d->arg == 's' && set)))
    return true; /* a missing argument drops that letter, as ergo does */
  if (d->mode == REED_RMODE_KEY && set && !reed_room_key_valid(arg)) {
    reed__irc_num(c, ERR_INVALIDKEY, "%s :Key is not well-formed",
                  m->params[0]);
    return false;
  }
  if (d->mode == REED_RMODE_LIMIT && set && strtol(arg, NULL, 10) <= 0)
    return true;
  if (d->arg == 'l' && arg[0] == '$')
    return add_extban(c, m, cs, set, d->mode, arg);
  if (cs->n < IRC_MODE_CHANGES)
    cs->ch[cs->n++] =
        (reed_mode_change_t){.mode = d->mode, .set = set, .arg = arg};
  return true;
}

static void
channel_mode(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *chan = m->params[0], *room = reed__irc_room_of(chan);
  reed_room_t *r = room ? reed_room_find(c->env->model, room) : NULL;
  changes_t cs = {.next_arg = 2};
  bool set = true, listed = false;
  size_t applied = 0;
  int rc;

  if (r == NULL) {
    reed__irc_reply_err(c, REED_ENOSUCHROOM, IRC_CTX_ANY, chan, NULL);
    return;
  }
  if (m->n_params < 2) {
    send_modes(c, r);
    return;
  }
  for (const char *p = m->params[1]; *p != '\0'; p++) {
    if (*p == '+' || *p == '-')
      set = *p == '+';
    else if (!add_change(c, m, &cs, set, *p, &listed, r))
      return;
  }
  if (cs.n == 0)
    return;
  rc = reed_room_set_modes(c->session, room, cs.ch, cs.n, &applied);
  if (rc < 0)
    reed__irc_reply_room_err(c, rc, IRC_CTX_ANY, chan,
                             applied < cs.n ? cs.ch[applied].arg : NULL);
}

/* ---- User modes ------------------------------------------------------------
 */

static bool
is_bot(reed_irc_core_t *c)
{
  reed_person_view_t pv;

  return reed_model_find_nick(c->env->model, reed__irc_nick(c), &pv) == 0 &&
         pv.who.bot;
}

static void
send_umodes(reed_irc_core_t *c)
{
  bool oper = c->session && reed_session_is_oper(c->session);

  bool wallops = c->session && reed_session_announcements(c->session);

  reed__irc_num(c, RPL_UMODEIS, "+%s%s%s%s", is_bot(c) ? "B" : "",
                (c->state & IRC_ST_INVIS) ? "i" : "", oper ? "o" : "",
                wallops ? "w" : "");
}

static void
user_mode(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *nick = reed__irc_nick(c);
  char done[32];
  size_t n = 0;
  bool set = true;

  if (reed_casecmp(m->params[0], nick) != 0) {
    reed_person_view_t pv;
    if (reed_model_find_nick(c->env->model, m->params[0], &pv) < 0)
      reed__irc_reply_err(c, REED_ENOSUCHNICK, IRC_CTX_ANY, m->params[0], NULL);
    else
      reed__irc_num(c, ERR_USERSDONTMATCH,
                    ":Can't change mode for other users");
    return;
  }
  if (m->n_params < 2) {
    send_umodes(c);
    return;
  }
  for (const char *p = m->params[1]; *p != '\0' && n + 3 < sizeof(done); p++) {
    if (*p == '+' || *p == '-') {
      set = *p == '+';
    } else if (*p == 'B' && set != is_bot(c)) {
      reed_session_set_bot(c->session, set);
      n += (size_t)snprintf(done + n, sizeof(done) - n, "%cB", set ? '+' : '-');
    } else if (*p == 'i' && set != !!(c->state & IRC_ST_INVIS)) {
      c->state ^= IRC_ST_INVIS;
      reed_session_set_invisible(c->session, set);
      n += (size_t)snprintf(done + n, sizeof(done) - n, "%ci", set ? '+' : '-');
    } else if (*p == 'w' && set != reed_session_announcements(c->session)) {
      reed_session_set_announcements(c->session, set);
      n += (size_t)snprintf(done + n, sizeof(done) - n, "%cw", set ? '+' : '-');
    } else if (*p == 'o' && !set && reed_session_is_oper(c->session)) {
      reed_session_set_oper(c->session, false);
      n += (size_t)snprintf(done + n, sizeof(done) - n, "-o");
    } else if (strchr("ioBw", *p) == NULL) {
      reed__irc_num(c, ERR_UMODEUNKNOWNFLAG, ":Unknown MODE flag");
    }
  }
  if (n > 0)
    reed__irc_send(c, ":%s MODE %s :%s", nick, nick, done);
}

void
reed__irc_cmd_mode(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  if (m->params[0][0] == '#')
    channel_mode(c, m);
  else
    user_mode(c, m);
}
