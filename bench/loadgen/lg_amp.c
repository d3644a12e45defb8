/* bench: the load generator's AMP side, speaking reed's amp-chat
 * (docs/amp.md): Register instead of NICK/USER, Ping,
 * Join, Say; Receive and Joined events feed the same room bookkeeping as
 * IRC's PRIVMSG and JOIN. Every event carries _ask and gets an empty
 * answer, batched per read as a Twisted client's would be per write. */
#include "lg.h"

#include "base.h"

#include <stdio.h>
#include <string.h>

#define AMP_BOX_MAX (128 * 1024)

/* Answers collected while one read is processed. */
typedef struct answers_s {
  uint8_t buf[8192];
  size_t len;
} answers_t;

static int
in_room(const lg_t *lg)
{
  return strcmp(lg->opt.scenario, "room") == 0;
}

static const char *
room_name(const lg_t *lg)
{
  const char *ch = lg->opt.channel;

  return ch[0] == '#' ? ch + 1 : ch;
}

/* Builds and sends one request: _ask, _command, then up to three string
 * arguments given as key/value pairs (a NULL key ends them). */
static void
request(lg_client_t *c, const char *ask, const char *cmd, const char *k1,
        const char *v1, size_t l1, const char *k2, const char *v2)
{
  uint8_t b[1024];
  size_t n = 0;
  int rc;

  rc = bench_amp_put(b, sizeof(b), &n, "_ask", ask, strlen(ask));
  rc = rc ? rc : bench_amp_put(b, sizeof(b), &n, "_command", cmd, strlen(cmd));
  if (k1 && rc == 0)
    rc = bench_amp_put(b, sizeof(b), &n, k1, v1, l1);
  if (k2 && rc == 0)
    rc = bench_amp_put(b, sizeof(b), &n, k2, v2, strlen(v2));
  rc = rc ? rc : bench_amp_end(b, sizeof(b), &n);
  if (rc == 0)
    lg_send(c, (const char *)b, n);
}

void
lg_amp_register(lg_client_t *c)
{
  uint8_t b[512];
  char nick[32];
  size_t n = 0;
  const char *pw = c->lg->opt.password;

  snprintf(nick, sizeof(nick), "%s%u", c->lg->opt.prefix, c->idx);
  if (bench_amp_put(b, sizeof(b), &n, "_ask", "r", 1) == 0 &&
      bench_amp_put(b, sizeof(b), &n, "_command", "Register", 8) == 0 &&
      bench_amp_put(b, sizeof(b), &n, "username", nick, strlen(nick)) == 0 &&
      bench_amp_put(b, sizeof(b), &n, "password", pw, strlen(pw)) == 0 &&
      bench_amp_put(b, sizeof(b), &n, "nick", nick, strlen(nick)) == 0 &&
      bench_amp_end(b, sizeof(b), &n) == 0)
    lg_send(c, (const char *)b, n);
}

void
lg_amp_ping(lg_client_t *c)
{
  request(c, "p", "Ping", NULL, NULL, 0, NULL, NULL);
}

void
lg_amp_join(lg_client_t *c)
{
  const char *room = room_name(c->lg);

  request(c, "j", "Join", "room", room, strlen(room), NULL, NULL);
}

void
lg_amp_say(lg_client_t *c, const char *text, size_t len)
{
  request(c, "s", "Say", "text", text, len, "room", room_name(c->lg));
}

static void
on_members(lg_client_t *c, const bench_amp_box_t *box)
{
  bench_view_t list, nick, more;

  if (!in_room(c->lg))
    return;
  c->lg->room.joins_seen++; /* our own join, as IRC's JOIN echo */
  if (!bench_amp_get(box, "members", &list))
    return;
  while (bench_amp_list_next(&list, &nick) == 1)
    lg_room_learn(c, nick);
  if (bench_amp_get(box, "more", &more) && bench_view_eq(more, "True"))
    lg_on_error(c, (bench_view_t){"Join", 4},
                (bench_view_t){"members list cut (more=True)", 28});
  lg_room_join_answered(c);
}

static void
on_answer(lg_client_t *c, bench_view_t tag, const bench_amp_box_t *box)
{
  if (bench_view_eq(tag, "r") && c->state == LG_CONNECTING) {
    c->state = LG_READY;
    lg_on_registered(c);
  } else if (bench_view_eq(tag, "p")) {
    lg_on_pong(c);
  } else if (bench_view_eq(tag, "j")) {
    on_members(c, box);
  }
}

static void
on_event(lg_client_t *c, bench_view_t cmd, const bench_amp_box_t *box)
{
  bench_view_t v;

  if (bench_view_eq(cmd, "Closing")) {
    if (!bench_amp_get(box, "reason", &v))
      v = cmd;
    lg_on_error(c, cmd, v);
  } else if (!in_room(c->lg)) {
    return;
  } else if (bench_view_eq(cmd, "Receive") && bench_amp_get(box, "text", &v)) {
    lg_room_message(c, v);
  } else if (bench_view_eq(cmd, "Joined") && bench_amp_get(box, "user", &v)) {
    lg_room_joined(c, v);
  }
}

static void
answer(lg_client_t *c, answers_t *a, bench_view_t tag)
{
  if (a->len + tag.len + 16 > sizeof(a->buf)) {
    lg_send(c, (const char *)a->buf, a->len);
    a->len = 0;
  }
  bench_amp_put(a->buf, sizeof(a->buf), &a->len, "_answer", tag.p, tag.len);
  bench_amp_end(a->buf, sizeof(a->buf), &a->len);
}

static void
on_box(lg_client_t *c, const bench_amp_box_t *box, answers_t *a)
{
  bench_view_t tag, cmd, code, desc;

  if (bench_amp_get(box, "_answer", &tag)) {
    on_answer(c, tag, box);
  } else if (bench_amp_get(box, "_error", &tag)) {
    if (!bench_amp_get(box, "_error_code", &code))
      code = tag;
    if (!bench_amp_get(box, "_error_description", &desc))
      desc = code;
    lg_on_error(c, code, desc);
  } else if (bench_amp_get(box, "_command", &cmd)) {
    if (bench_amp_get(box, "_ask", &tag))
      answer(c, a, tag);
    on_event(c, cmd, box);
  }
}

/* Keeps an incomplete box's bytes; AMP_BOX_MAX bounds it. */
static int
keep(lg_client_t *c, const uint8_t *p, size_t n)
{
  uint8_t *nb;
  size_t cap;

  if (c->alen + n > AMP_BOX_MAX)
    return REED_ETOOBIG;
  if (c->alen + n > c->acap) {
    cap = c->acap ? c->acap : 4096;
    while (cap < c->alen + n)
      cap *= 2;
    nb = reed_realloc(c->abuf, cap);
    if (nb == NULL)
      return REED_ENOMEM;
    c->abuf = nb;
    c->acap = (uint32_t)cap;
  }
  memmove(c->abuf + c->alen, p, n);
  c->alen += (uint32_t)n;
  return 0;
}

/* Parses whole boxes off the front of p; returns the bytes taken, or a
 * negative code for a framing fault. */
static ssize_t
parse_boxes(lg_client_t *c, const uint8_t *p, size_t n, answers_t *a)
{
  bench_amp_box_t box;
  size_t off = 0;
  ssize_t r;

  while (c->state != LG_DEAD &&
         (r = bench_amp_parse(p + off, n - off, &box)) != 0) {
    if (r < 0)
      return r;
    on_box(c, &box, a);
    off += (size_t)r;
  }
  return (ssize_t)off;
}

static void
fault(lg_client_t *c)
{
  lg_on_error(c, (bench_view_t){"AMP", 3},
              (bench_view_t){"framing fault or box too big", 28});
  lg_conn_kill(c, "AMP framing fault");
}

/* Keeps what is left of win after `used` bytes for the next read. */
static int
keep_rest(lg_client_t *c, const uint8_t *win, size_t len, size_t used)
{
  if (win == c->abuf)
    c->alen = 0;
  if (used < len && keep(c, win + used, len - used) < 0)
    return REED_ETOOBIG;
  if (c->alen == 0)
    lg_amp_free(c);
  return 0;
}

void
lg_amp_feed(lg_client_t *c, const char *p, size_t n)
{
  static answers_t a;
  const uint8_t *win = (const uint8_t *)p;
  size_t len = n;
  ssize_t used;

  a.len = 0;
  if (c->alen > 0) {
    if (keep(c, win, n) < 0) {
      fault(c);
      return;
    }
    win = c->abuf;
    len = c->alen;
  }
  used = parse_boxes(c, win, len, &a);
  if (used < 0) {
    fault(c);
    return;
  }
  if (c->state == LG_DEAD)
    return;
  if (a.len)
    lg_send(c, (const char *)a.buf, a.len);
  if (keep_rest(c, win, len, (size_t)used) < 0)
    fault(c);
}

void
lg_amp_free(lg_client_t *c)
{
  reed_free(c->abuf);
  c->abuf = NULL;
  c->alen = c->acap = 0;
}
