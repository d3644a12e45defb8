/* Channel commands: JOIN, PART, TOPIC, NAMES, LIST, KICK, INVITE. IRC's
 * "#name" is the model's room "name"; every member may come from another
 * protocol, so member lists are built from the model's actors. */
#include "irc_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IRC_LIST_MAX 32 /* channels or nicks taken from one comma list */

/* ---- JOIN, PART ------------------------------------------------------------
 */

typedef struct {
  char names[100][REED_ROOM_MAX + 1];
  size_t n;
} room_names_t;

static void
collect_room(void *ud, const reed_room_t *r)
{
  room_names_t *rn = ud;
  reed_room_view_t v;

  if (rn->n == REED_ARRAY_SIZE(rn->names))
    return;
  reed_room_view(r, &v);
  reed_strlcpy(rn->names[rn->n++], v.name, sizeof(rn->names[0]));
}

/* JOIN 0: leave every room (names are copied first: parting changes the
 * session's list). */
static void
part_all(reed_irc_core_t *c)
{
  room_names_t *rn = reed_calloc(1, sizeof(*rn));

  if (rn == NULL)
    return;
  reed_session_each_room(c->session, collect_room, rn);
  for (size_t i = 0; i < rn->n && c->session != NULL; i++)
    reed_room_part(c->session, rn->names[i], NULL);
  reed_free(rn);
}

static void names_reply(reed_irc_core_t *c, const char *room, bool joined);

/* draft/no-implicit-names: a JOIN gets no NAMES, but still its MARKREAD. */
static void
joined_markread(reed_irc_core_t *c, const char *room)
{
  reed_room_t *r = reed_room_find(c->env->model, room);
  reed_room_view_t v;

  if (r != NULL)
    reed_room_view(r, &v);
  reed__irc_send_markread(c, r ? v.name : room, true);
}

static void
join_one(reed_irc_core_t *c, const char *chan, const char *key)
{
  const char *room = reed__irc_room_of(chan);
  int rc;

  if (room == NULL) {
    reed__irc_reply_err(c, REED_ENOSUCHROOM, IRC_CTX_JOIN, chan, NULL);
    return;
  }
  rc = reed_room_join(c->session, room, key);
  if (rc == REED_EALREADYMEMBER)
    return;
  if (rc < 0) {
    reed__irc_reply_room_err(c, rc, IRC_CTX_JOIN, chan, NULL);
    return;
  }
  reed__irc_send_topic(c, room, true);
  if (!(c->caps & IRC_CAP_NO_IMPLICIT_NAMES))
    names_reply(c, room, true);
  else if (c->caps & IRC_CAP_READ_MARKER)
    joined_markread(c, room);
}

void
reed__irc_cmd_join(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char cbuf[REED_IRC_LINE_MAX], kbuf[REED_IRC_LINE_MAX];
  char *chans[IRC_LIST_MAX], *keys[IRC_LIST_MAX];
  size_t nc, nk = 0;

  if (strcmp(m->params[0], "0") == 0) {
    part_all(c);
    return;
  }
  nc = reed__irc_split(cbuf, sizeof(cbuf), m->params[0], chans, IRC_LIST_MAX);
  if (m->n_params > 1)
    nk = reed__irc_split(kbuf, sizeof(kbuf), m->params[1], keys, IRC_LIST_MAX);
  for (size_t i = 0; i < nc && c->session != NULL; i++)
    join_one(c, chans[i], i < nk ? keys[i] : NULL);
}

void
reed__irc_cmd_part(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char cbuf[REED_IRC_LINE_MAX];
  char *chans[IRC_LIST_MAX];
  const char *reason = m->n_params > 1 ? m->params[1] : NULL;
  size_t nc =
      reed__irc_split(cbuf, sizeof(cbuf), m->params[0], chans, IRC_LIST_MAX);

  for (size_t i = 0; i < nc && c->session != NULL; i++) {
    const char *room = reed__irc_room_of(chans[i]);
    int rc = room ? reed_room_part(c->session, room, reason) : REED_ENOSUCHROOM;
    if (rc < 0)
      reed__irc_reply_room_err(c, rc, IRC_CTX_ANY, chans[i], NULL);
  }
}

/* ---- TOPIC -----------------------------------------------------------------
 */

void
reed__irc_send_topic(reed_irc_core_t *c, const char *room, bool quiet)
{
  reed_room_t *r = reed_room_find(c->env->model, room);
  reed_room_view_t v;

  if (r == NULL)
    return;
  reed_room_view(r, &v);
  if (v.topic == NULL || v.topic[0] == '\0') {
    if (!quiet)
      reed__irc_num(c, RPL_NOTOPIC, "#%s :No topic is set", v.name);
    return;
  }
  reed__irc_num(c, RPL_TOPIC, "#%s :%s", v.name, v.topic);
  reed__irc_num(c, RPL_TOPICWHOTIME, "#%s %s %llu", v.name,
                v.topic_by ? v.topic_by : IRC_SERVER(c),
                (unsigned long long)(v.topic_ms / 1000));
}

/* A secret room is invisible to non-members. */
static reed_room_t *
visible_room(reed_irc_core_t *c, const char *room)
{
  reed_room_t *r = room ? reed_room_find(c->env->model, room) : NULL;
  reed_room_view_t v;

  if (r == NULL)
    return NULL;
  reed_room_view(r, &v);
  if (v.secret && !reed_room_has_session(r, c->session))
    return NULL;
  return r;
}

void
reed__irc_cmd_topic(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *chan = m->params[0], *room = reed__irc_room_of(chan);
  char topic[REED_TOPIC_MAX + 1];
  size_t n;
  int rc;

  if (visible_room(c, room) == NULL) {
    reed__irc_reply_err(c, REED_ENOSUCHROOM, IRC_CTX_ANY, chan, NULL);
    return;
  }
  if (m->n_params < 2) {
    reed__irc_send_topic(c, room, false);
    return;
  }
  n = reed_utf8_cut(m->params[1], strlen(m->params[1]), REED_TOPIC_MAX);
  memcpy(topic, m->params[1], n);
  topic[n] = '\0';
  rc = reed_room_set_topic(c->session, room, topic);
  if (rc < 0)
    reed__irc_reply_room_err(c, rc, IRC_CTX_ANY, chan, NULL);
}

/* ---- NAMES -----------------------------------------------------------------
 */

typedef struct {
  reed_irc_core_t *c;
  char head[128]; /* "=" or "@" and the channel */
  char line[REED_IRC_LINE_MAX];
  size_t len, budget;
} names_t;

static void
names_flush(names_t *nm)
{
  if (nm->len == 0)
    return;
  reed__irc_num(nm->c, RPL_NAMREPLY, "%s :%s", nm->head, nm->line);
  nm->len = 0;
}

static void
names_add(names_t *nm, const char *entry, size_t n)
{
  if (nm->len > 0 && nm->len + 1 + n > nm->budget)
    names_flush(nm);
  if (nm->len > 0)
    nm->line[nm->len++] = ' ';
  memcpy(nm->line + nm->len, entry, n);
  nm->len += n;
  nm->line[nm->len] = '\0';
}

static size_t
names_prefix(const names_t *nm, reed_affiliation_t aff, bool op, bool voice,
             char *entry)
{
  return reed__irc_prefixes((nm->c->caps & IRC_CAP_MULTI_PREFIX) != 0, aff, op,
                            voice, entry);
}

/* userhost-in-names: the full mask of each member. */
static void
names_member(void *ud, const reed_member_view_t *mv)
{
  names_t *nm = ud;
  char entry[IRC_MASK_MAX + 6];
  size_t n = names_prefix(nm, mv->aff, mv->op, mv->voice, entry);

  n += reed__irc_mask_str(&mv->who, entry + n, sizeof(entry) - n);
  names_add(nm, entry, n);
}

static void
names_nick(void *ud, const char *nick, bool op, bool voice,
           reed_affiliation_t aff)
{
  names_t *nm = ud;
  char entry[REED_NICK_MAX + 6];
  size_t n = names_prefix(nm, aff, op, voice, entry);
  size_t k = strnlen(nick, REED_NICK_MAX);

  memcpy(entry + n, nick, k);
  names_add(nm, entry, n + k);
}

/* The 353 lines of one room; false when the caller may not see it. */
static bool
names_lines(reed_irc_core_t *c, const char *room)
{
  reed_room_t *r = visible_room(c, room);
  names_t *nm;
  reed_room_view_t v;

  if (r == NULL)
    return false;
  nm = reed_calloc(1, sizeof(*nm));
  if (nm == NULL)
    return false;
  reed_room_view(r, &v);
  nm->c = c;
  snprintf(nm->head, sizeof(nm->head), "%c #%s", v.secret ? '@' : '=', v.name);
  /* ":server 353 nick = #chan :" takes the rest of the 510 bytes. */
  nm->budget = REED_IRC_LINE_MAX - 2 - 16 - strlen(IRC_SERVER(c)) -
               strlen(reed__irc_nick(c)) - strlen(nm->head);
  if (c->caps & IRC_CAP_USERHOST_IN_NAMES)
    reed_room_each_member(r, names_member, nm);
  else
    reed_room_each_nick_aff(r, names_nick, nm);
  names_flush(nm);
  reed_free(nm);
  return true;
}

/* After a JOIN, draft/read-marker's MARKREAD comes before the 366. */
static void
names_reply(reed_irc_core_t *c, const char *room, bool joined)
{
  reed_room_t *r = reed_room_find(c->env->model, room);
  reed_room_view_t v;

  names_lines(c, room);
  if (r != NULL)
    reed_room_view(r, &v);
  if (joined && (c->caps & IRC_CAP_READ_MARKER))
    reed__irc_send_markread(c, r ? v.name : room, true);
  reed__irc_num(c, RPL_ENDOFNAMES, "#%s :End of /NAMES list",
                r ? v.name : room);
}

void
reed__irc_send_names(reed_irc_core_t *c, const char *room)
{
  names_reply(c, room, false);
}

/* NAMES #a,#b: the 353s of each room, then one 366 naming the list. */
void
reed__irc_cmd_names(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char buf[REED_IRC_LINE_MAX];
  char *chans[IRC_LIST_MAX];
  size_t nc;

  if (m->n_params == 0) {
    reed__irc_num(c, RPL_ENDOFNAMES, "* :End of /NAMES list");
    return;
  }
  nc = reed__irc_split(buf, sizeof(buf), m->params[0], chans, IRC_LIST_MAX);
  if (nc == 1 && reed__irc_room_of(chans[0]) != NULL) {
    reed__irc_send_names(c, reed__irc_room_of(chans[0]));
    return;
  }
  for (size_t i = 0; i < nc; i++) {
    const char *room = reed__irc_room_of(chans[i]);
    if (room != NULL)
      names_lines(c, room);
  }
  reed__irc_num(c, RPL_ENDOFNAMES, "%.300s :End of /NAMES list", m->params[0]);
}

/* ---- LIST ------------------------------------------------------------------
 */

/* ELIST=CMNTU: "<n" and ">n" on the member count, a mask, "!mask", and
 * "C<n", "C>n", "T<n", "T>n" on the minutes since the room was created or
 * its topic set. */
typedef struct {
  uint64_t lo, hi; /* an age strictly above lo and below hi, in ms */
  bool set;
} age_filter_t;

typedef struct {
  reed_irc_core_t *c;
  size_t min, max; /* members strictly above min and below max */
  const char *mask;
  bool negate;
  uint64_t now_ms;
  age_filter_t created, topic;
} list_filter_t;

static bool
age_ok(const age_filter_t *a, uint64_t now, uint64_t when)
{
  uint64_t age;

  if (!a->set)
    return true;
  if (when == 0 || when > now)
    return false;
  age = now - when;
  return age > a->lo && age < a->hi;
}

static bool
list_wanted(const list_filter_t *f, const reed_room_view_t *v)
{
  char chan[REED_ROOM_MAX + 2];

  if (v->members <= f->min || v->members >= f->max)
    return false;
  if (!age_ok(&f->created, f->now_ms, v->created_ms) ||
      !age_ok(&f->topic, f->now_ms, v->topic ? v->topic_ms : 0))
    return false;
  if (f->mask == NULL)
    return true;
  snprintf(chan, sizeof(chan), "#%s", v->name);
  return reed_mask_match(f->mask, chan) != f->negate;
}

static void
list_room(void *ud, const reed_room_t *r)
{
  list_filter_t *f = ud;
  reed_irc_core_t *c = f->c;
  reed_room_view_t v;

  reed_room_view(r, &v);
  if (v.secret && !reed_room_has_session(r, c->session))
    return;
  if (!list_wanted(f, &v))
    return;
  reed__irc_num(c, RPL_LIST, "#%s %zu :%s", v.name, v.members,
                v.topic ? v.topic : "");
}

/* "<n" or ">n" minutes, n up to a year. */
static void
age_filter(age_filter_t *a, const char *t)
{
  unsigned long min = strtoul(t + 1, NULL, 10);
  uint64_t ms = (uint64_t)(min > 525600 ? 525600 : min) * 60000;

  if (!a->set)
    *a = (age_filter_t){.lo = 0, .hi = UINT64_MAX, .set = true};
  if (t[0] == '<')
    a->hi = ms;
  else if (t[0] == '>')
    a->lo = ms;
}

static void
list_filters(list_filter_t *f, const char *arg, char *buf, size_t size)
{
  char *save = NULL;

  reed_strlcpy(buf, arg, size);
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    if ((t[0] == 'C' || t[0] == 'c') && (t[1] == '<' || t[1] == '>'))
      age_filter(&f->created, t + 1);
    else if ((t[0] == 'T' || t[0] == 't') && (t[1] == '<' || t[1] == '>'))
      age_filter(&f->topic, t + 1);
    else if (t[0] == '>')
      f->min = (size_t)strtoul(t + 1, NULL, 10);
    else if (t[0] == '<')
      f->max = (size_t)strtoul(t + 1, NULL, 10);
    else if (t[0] == '!')
      f->mask = t + 1, f->negate = true;
    else
      f->mask = t;
  }
}

void
reed__irc_cmd_list(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  list_filter_t f = {
      .c = c, .max = SIZE_MAX, .now_ms = c->clock->wall_ms(c->clock->c)};
  char buf[REED_IRC_LINE_MAX];

  reed__irc_num(c, RPL_LISTSTART, "Channel :Users  Name");
  if (m->n_params > 0 && m->params[0][0] == '#' &&
      strpbrk(m->params[0], "*?") == NULL) {
    char *chans[IRC_LIST_MAX];
    size_t nc =
        reed__irc_split(buf, sizeof(buf), m->params[0], chans, IRC_LIST_MAX);
    for (size_t i = 0; i < nc; i++) {
      reed_room_t *r = visible_room(c, reed__irc_room_of(chans[i]));
      if (r != NULL)
        list_room(&f, r);
    }
  } else {
    if (m->n_params > 0)
      list_filters(&f, m->params[0], buf, sizeof(buf));
    reed_model_each_room(c->env->model, list_room, &f);
  }
  reed__irc_num(c, RPL_LISTEND, ":End of /LIST");
}

/* ---- KICK, INVITE ----------------------------------------------------------
 */

static void
kick_one(reed_irc_core_t *c, const char *chan, const char *nick,
         const char *reason)
{
  const char *room = reed__irc_room_of(chan);
  int rc =
      room ? reed_room_kick(c->session, room, nick, reason) : REED_ENOSUCHROOM;

  if (rc < 0)
    reed__irc_reply_room_err(c, rc, IRC_CTX_ANY, chan, nick);
}

/* KICK #c a,b (one channel, several nicks) or KICK #c,#d a,b (pairs). */
void
reed__irc_cmd_kick(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *reason = m->n_params > 2 ? m->params[2] : NULL;
  char cbuf[REED_IRC_LINE_MAX], nbuf[REED_IRC_LINE_MAX];
  char rbuf[REED_REASON_MAX + 1];
  char *chans[IRC_LIST_MAX], *nicks[IRC_LIST_MAX];
  size_t nc =
      reed__irc_split(cbuf, sizeof(cbuf), m->params[0], chans, IRC_LIST_MAX);
  size_t nn =
      reed__irc_split(nbuf, sizeof(nbuf), m->params[1], nicks, IRC_LIST_MAX);
  size_t k;

  if (nc == 0 || nn == 0 || (nc != 1 && nc != nn)) {
    reed__irc_num(c, ERR_NEEDMOREPARAMS, "KICK :Not enough parameters");
    return;
  }
  if (reason == NULL || reason[0] == '\0')
    reason = reed__irc_nick(c); /* the kicker's nick, as IRC servers do */
  k = reed_utf8_cut(reason, strlen(reason), REED_REASON_MAX);
  memcpy(rbuf, reason, k);
  rbuf[k] = '\0';
  for (size_t i = 0; i < nn && c->session != NULL; i++)
    kick_one(c, chans[nc == 1 ? 0 : i], nicks[i], rbuf);
}

void
reed__irc_cmd_invite(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *nick = m->params[0], *chan = m->params[1];
  const char *room = reed__irc_room_of(chan);
  int rc = room ? reed_room_invite(c->session, room, nick) : REED_ENOSUCHROOM;

  if (rc < 0) {
    reed__irc_reply_room_err(c, rc, IRC_CTX_ANY, chan, nick);
    return;
  }
  reed__irc_num(c, RPL_INVITING, "%s %s", nick, chan);
}
