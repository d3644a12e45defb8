/* draft/chathistory: CHATHISTORY LATEST, BEFORE, AFTER, AROUND and BETWEEN
 * served from the model's history (the same ids every protocol shows, kept
 * by the store across restarts), in a chathistory batch. */
#include "irc_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define IRC_HISTORY_MAX 100

bool
reed__irc_parse_ref(const char *s, bool star_ok, uint64_t *id, uint64_t *ts)
{
  struct tm tm = {0};
  unsigned ms = 0;
  char *end;
  int n = 0;

  *id = *ts = 0;
  if (strcmp(s, "*") == 0)
    return star_ok;
  if (strncmp(s, "msgid=", 6) == 0) {
    *id = strtoull(s + 6, &end, 10);
    return *id != 0 && *end == '\0' && s[6] != '-';
  }
  if (strncmp(s, "timestamp=", 10) != 0)
    return false;
  if (sscanf(s + 10, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
             &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
    return false;
  s += 10 + n;
  if (*s == '.' && sscanf(s, ".%3u", &ms) == 1)
    s += strspn(s + 1, "0123456789") + 1;
  if (strcmp(s, "Z") != 0 || tm.tm_year < 1970)
    return false;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *ts = (uint64_t)timegm(&tm) * 1000 + ms;
  return true;
}

typedef struct {
  reed_irc_core_t *c;
  char tag[32]; /* "batch=<id>" or "" */
} hist_out_t;

static void
hist_entry(void *ud, const reed_hist_entry_t *e)
{
  hist_out_t *o = ud;
  reed_event_t ev = {
      .kind = REED_EV_MESSAGE,
      .id = e->id,
      .ts_ms = e->ts_ms,
      .from = e->from,
      .room = e->room,
      .target = e->target,
      .text = e->text,
      .text_len = e->text_len,
      .u.msg = {.msg_kind = e->msg_kind,
                .irc_client_tags = e->irc_client_tags,
                .reply_to = e->reply_to},
  };
  reed_buf_t *b = reed__irc_render(o->c, &ev);

  if (b == NULL)
    return;
  reed__irc_write_lines(o->c, b, o->tag[0] ? o->tag : NULL);
  reed_buf_unref(b);
}

static void
fail(reed_irc_core_t *c, const char *code, const char *sub, const char *target,
     const char *text)
{
  reed__irc_send(c, ":%s FAIL CHATHISTORY %s %s %s :%s", IRC_SERVER(c), code,
                 sub, target, text);
}

typedef struct {
  const char *name;
  reed_hist_dir_t dir;
  unsigned refs;
} sub_t;

static const sub_t subs[] = {
    {"LATEST", REED_HIST_LATEST, 1},   {"BEFORE", REED_HIST_BEFORE, 1},
    {"AFTER", REED_HIST_AFTER, 1},     {"AROUND", REED_HIST_AROUND, 1},
    {"BETWEEN", REED_HIST_BETWEEN, 2},
};

static const sub_t *
sub_find(const char *name)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(subs); i++) {
    if (strcasecmp(subs[i].name, name) == 0)
      return &subs[i];
  }
  return NULL;
}

/* Parses references and limit into q; false on bad parameters. */
static bool
make_query(const sub_t *sub, const reed_irc_msg_t *m, reed_hist_query_t *q)
{
  const char *lim;
  long limit;
  char *end;

  if (m->n_params < 3 + sub->refs)
    return false;
  *q = (reed_hist_query_t){.dir = sub->dir};
  if (!reed__irc_parse_ref(m->params[2], sub->dir == REED_HIST_LATEST, &q->id,
                           &q->ts))
    return false;
  if (sub->refs == 2 &&
      !reed__irc_parse_ref(m->params[3], false, &q->id2, &q->ts2))
    return false;
  lim = m->params[2 + sub->refs];
  limit = strtol(lim, &end, 10);
  if (*end != '\0' || limit <= 0)
    return false;
  q->limit = limit > IRC_HISTORY_MAX ? IRC_HISTORY_MAX : (size_t)limit;
  return true;
}

static int
run_query(reed_irc_core_t *c, const char *target, const reed_hist_query_t *q,
          hist_out_t *o)
{
  if (target[0] == '#') {
    const char *room = reed__irc_room_of(target);
    return room ? reed_history_room(c->session, room, q, hist_entry, o)
                : REED_ENOSUCHROOM;
  }
  return reed_history_private(c->session, target, q, hist_entry, o);
}

/* The caller must be in the room to read it. */
static bool
room_readable(reed_irc_core_t *c, const char *target)
{
  const char *room = reed__irc_room_of(target);
  reed_room_t *r = room ? reed_room_find(c->env->model, room) : NULL;

  return r != NULL && reed_room_has_session(r, c->session);
}

void
reed__irc_cmd_chathistory(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const sub_t *sub = sub_find(m->params[0]);
  const char *target = m->params[1];
  reed_hist_query_t q;
  hist_out_t o = {.c = c};
  char id[16] = "";
  int rc;

  if (strcasecmp(m->params[0], "TARGETS") == 0) {
    reed__irc_chathistory_targets(c, m);
    return;
  }
  if (sub == NULL) {
    fail(c, "INVALID_PARAMS", m->params[0], "*", "Unknown subcommand");
    return;
  }
  if (!make_query(sub, m, &q)) {
    fail(c, "INVALID_PARAMS", sub->name, target, "Invalid parameters");
    return;
  }
  if (target[0] == '#' && !room_readable(c, target)) {
    fail(c, "INVALID_TARGET", sub->name, target,
         "Messages could not be retrieved");
    return;
  }
  if (c->caps & IRC_CAP_BATCH) {
    reed__irc_batch_id(c, id, sizeof(id));
    snprintf(o.tag, sizeof(o.tag), "batch=%s", id);
    reed__irc_send(c, ":%s BATCH +%s chathistory %s", IRC_SERVER(c), id,
                   target);
  }
  rc = run_query(c, target, &q, &o);
  if (id[0] != '\0')
    reed__irc_send(c, ":%s BATCH -%s", IRC_SERVER(c), id);
  if (rc < 0)
    fail(c, "INVALID_TARGET", sub->name, target,
         "Messages could not be retrieved");
}
