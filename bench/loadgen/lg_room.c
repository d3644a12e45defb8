/* bench: the room scenario. Every member joins one channel; the join time
 * lasts until every member knows every other one, from the JOINs it saw and
 * its NAMES reply (the k-th joiner is told of the first k-1 in NAMES and
 * sees the joins of members k..N: N(N+1)/2 JOIN lines in all). Then senders
 * 0..S-1 send numbered, timestamped PRIVMSGs; each receiver checks that every
 * sender's numbers arrive once and in order. */
#include "lg.h"

#include "base.h"

#include <stdio.h>
#include <string.h>

enum { ST_JOIN, ST_OPER, ST_HOLD, ST_SEND };

static uint32_t
members(const lg_t *lg)
{
  return lg->nclients;
}

int
lg_room_init(lg_t *lg)
{
  lg_room_t *r = &lg->room;
  uint64_t m = members(lg), s = lg->opt.senders, k = lg->opt.messages;

  r->last_seq = reed_calloc(m * s, sizeof(*r->last_seq));
  r->done = reed_calloc(s * k + 1, sizeof(*r->done));
  r->sent = reed_calloc(s, sizeof(*r->sent));
  r->complete = reed_calloc(s, sizeof(*r->complete));
  r->row_words = (uint32_t)((m + 63) / 64);
  r->known = reed_calloc(m * r->row_words, sizeof(*r->known));
  r->nknown = reed_calloc(m, sizeof(*r->nknown));
  if (!r->last_seq || !r->done || !r->sent || !r->complete || !r->known ||
      !r->nknown)
    return REED_ENOMEM;
  r->joins_expected = m * (m + 1) / 2;
  r->expected = s * k * (m - 1);
  uv_timer_init(lg->loop, &r->pace);
  r->pace.data = lg;
  return 0;
}

void
lg_room_cleanup(lg_t *lg)
{
  lg_room_t *r = &lg->room;

  uv_close((uv_handle_t *)&r->pace, NULL);
  reed_free(r->last_seq);
  reed_free(r->done);
  reed_free(r->sent);
  reed_free(r->complete);
  reed_free(r->known);
  reed_free(r->nknown);
  r->last_seq = r->done = r->sent = r->complete = r->nknown = NULL;
  r->known = NULL;
}

static void
join_from(lg_t *lg, uint32_t first)
{
  uint32_t i;

  for (i = first; i < lg->nclients; i++)
    if (lg->clients[i].state == LG_READY)
      lg_proto_join(&lg->clients[i]);
}

/* Joins arriving a few at a time, as real users arrive
 * (--join-inflight): the start and each answered JOIN send the next. */
static void
join_next(lg_t *lg)
{
  lg_room_t *r = &lg->room;

  while (r->next_join < lg->nclients &&
         lg->clients[r->next_join].state != LG_READY)
    r->next_join++;
  if (r->next_join < lg->nclients)
    lg_proto_join(&lg->clients[r->next_join++]);
}

void
lg_room_join_answered(lg_client_t *c)
{
  if (c->lg->opt.join_inflight > 0 && c->lg->room.stage == ST_JOIN)
    join_next(c->lg);
}

static void
join_all(lg_t *lg)
{
  uint32_t i;

  lg->room.stage = ST_JOIN;
  lg->room.t_join_start = lg_now_us(lg);
  lg->room.join_server_cpu_s = -1;
  lg_cpu_mark(lg);
  if (lg->opt.join_inflight > 0) {
    lg->room.first_in = 1; /* the joins pace themselves */
    for (i = 0; i < lg->opt.join_inflight; i++)
      join_next(lg);
    return;
  }
  if (lg->clients[0].proto == LG_XMPP && lg->clients[0].state == LG_READY) {
    lg_proto_join(&lg->clients[0]);
    return;
  }
  lg->room.first_in = 1;
  join_from(lg, 0);
}

static void
on_hold_joins(uv_timer_t *t)
{
  lg_progress(t->data); /* the hold is not a stall */
  join_all(t->data);
}

/* --hold also pauses between the registrations and the joins, so that a
 * profiler can count the joins alone (bench/callgrind.sh's join points). */
void
lg_room_start(lg_t *lg)
{
  if (lg->opt.hold_s == 0) {
    join_all(lg);
    return;
  }
  fprintf(stderr, "loadgen: registered, holding %us\n", lg->opt.hold_s);
  uv_timer_start(&lg->room.pace, on_hold_joins, (uint64_t)lg->opt.hold_s * 1000,
                 0);
}

void
lg_room_first_in(lg_t *lg)
{
  if (lg->room.first_in)
    return;
  lg->room.first_in = 1;
  join_from(lg, 1);
}

static void
send_one(lg_t *lg, uint32_t sid)
{
  static const char pad[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
  lg_room_t *r = &lg->room;
  char text[512];
  int n, k;

  n = snprintf(text, sizeof(text), "%u %u %llu ", sid, r->sent[sid],
               (unsigned long long)lg_now_us(lg));
  r->sent[sid]++;
  k = (int)lg->opt.size > n ? (int)lg->opt.size - n : 0;
  memcpy(text + n, pad, (size_t)k);
  lg_proto_say(&lg->clients[sid], text, (size_t)(n + k));
}

/* Closed loop: keep `window` unfinished messages per sender. */
static void
pump(lg_t *lg, uint32_t sid)
{
  lg_room_t *r = &lg->room;

  while (r->sent[sid] < lg->opt.messages &&
         r->sent[sid] - r->complete[sid] < lg->opt.window)
    send_one(lg, sid);
}

static void
on_pace(uv_timer_t *t)
{
  lg_t *lg = t->data;
  lg_room_t *r = &lg->room;
  uint32_t sid = (uint32_t)(r->paced % lg->opt.senders);

  if (r->paced >= (uint64_t)lg->opt.senders * lg->opt.messages) {
    uv_timer_stop(t);
    return;
  }
  r->paced++;
  send_one(lg, sid);
}

static void
start_send(lg_t *lg)
{
  lg_room_t *r = &lg->room;
  uint64_t ms;
  uint32_t i;

  r->stage = ST_SEND;
  r->t_send_start = lg_now_us(lg);
  lg_cpu_mark(lg);
  if (lg->opt.rate > 0) {
    ms = (uint64_t)(1000.0 / lg->opt.rate);
    uv_timer_start(&r->pace, on_pace, 0, ms ? ms : 1);
    return;
  }
  for (i = 0; i < lg->opt.senders; i++)
    pump(lg, i);
}

static void
on_hold(uv_timer_t *t)
{
  lg_progress(t->data); /* the hold is not a stall */
  start_send(t->data);
}

/* --hold: a pause between the joins and the first message, announced on
 * stderr, so that a profiler can zero its counters and measure the sending
 * alone (bench/callgrind.sh). */
static void
begin_send(lg_t *lg)
{
  lg_room_t *r = &lg->room;

  if (lg->opt.hold_s == 0) {
    start_send(lg);
    return;
  }
  r->stage = ST_HOLD;
  fprintf(stderr, "loadgen: joined, holding %us\n", lg->opt.hold_s);
  uv_timer_start(&r->pace, on_hold, (uint64_t)lg->opt.hold_s * 1000, 0);
}

static void
start_oper(lg_t *lg)
{
  const char *colon = strchr(lg->opt.oper, ':');
  uint32_t i;

  lg->room.stage = ST_OPER;
  for (i = 0; i < lg->opt.senders; i++)
    lg_sendf(&lg->clients[i], "OPER %.*s %s\r\n",
             colon ? (int)(colon - lg->opt.oper) : 0, lg->opt.oper,
             colon ? colon + 1 : "");
}

static void
after_oper(lg_t *lg)
{
  uint32_t i;

  for (i = 0; lg->opt.oper_mode && i < lg->opt.senders; i++)
    lg_sendf(&lg->clients[i], "MODE %s%u %s\r\n", lg->opt.prefix, i,
             lg->opt.oper_mode);
  begin_send(lg);
}

int
lg_room_check(lg_t *lg)
{
  lg_room_t *r = &lg->room;

  if (r->stage == ST_JOIN && r->members_complete >= members(lg)) {
    r->t_join_end = lg_now_us(lg);
    r->join_server_cpu_s = lg_server_cpu_since_mark(lg);
    if (lg->opt.oper)
      start_oper(lg);
    else
      begin_send(lg);
  }
  if (r->stage == ST_OPER && r->opered >= lg->opt.senders)
    after_oper(lg);
  return r->stage == ST_SEND && r->deliveries >= r->expected;
}

static void
advance(lg_t *lg, uint32_t sid)
{
  lg_room_t *r = &lg->room;
  const uint32_t *done = r->done + (size_t)sid * lg->opt.messages;

  while (r->complete[sid] < r->sent[sid] &&
         done[r->complete[sid]] >= members(lg) - 1)
    r->complete[sid]++;
  if (lg->opt.rate <= 0)
    pump(lg, sid);
}

void
lg_room_message(lg_client_t *c, bench_view_t text)
{
  lg_t *lg = c->lg;
  lg_room_t *r = &lg->room;
  bench_payload_t pl;
  uint32_t *last, *done;
  uint64_t now;

  if (bench_payload_parse(text, &pl) < 0 || pl.sender >= lg->opt.senders ||
      pl.seq >= lg->opt.messages) {
    r->bad_payload++;
    return;
  }
  if (pl.sender == c->idx) {
    r->self_echo++;
    return;
  }
  now = lg_now_us(lg);
  last = &r->last_seq[(size_t)c->idx * lg->opt.senders + pl.sender];
  if (pl.seq != *last)
    r->order_errors++;
  if (pl.seq >= *last)
    *last = pl.seq + 1;
  r->deliveries++;
  r->t_last_delivery = now;
  lg_hist_add(&r->hist, now > pl.sent_us ? now - pl.sent_us : 0);
  done = &r->done[(size_t)pl.sender * lg->opt.messages + pl.seq];
  if (++*done == members(lg) - 1)
    advance(lg, pl.sender);
}

/* Our nicks are the prefix and the member's index; -1 for anyone else. */
static long
nick_index(const lg_t *lg, bench_view_t nick)
{
  size_t plen = strlen(lg->opt.prefix), i;
  long v = 0;

  if (nick.len <= plen || nick.len > plen + 9 ||
      memcmp(nick.p, lg->opt.prefix, plen) != 0)
    return -1;
  for (i = plen; i < nick.len; i++) {
    if (nick.p[i] < '0' || nick.p[i] > '9')
      return -1;
    v = v * 10 + (nick.p[i] - '0');
  }
  return v < (long)members(lg) ? v : -1;
}

void
lg_room_learn(lg_client_t *c, bench_view_t nick)
{
  lg_room_t *r = &c->lg->room;
  long j = nick_index(c->lg, nick);
  uint64_t *row, bit;

  if (j < 0)
    return;
  row = r->known + (size_t)c->idx * r->row_words;
  bit = 1ull << (j % 64);
  if (row[j / 64] & bit)
    return;
  row[j / 64] |= bit;
  if (++r->nknown[c->idx] == members(c->lg))
    r->members_complete++;
}

/* 353 <me> <type> <channel> :[prefix]nick [prefix]nick ... */
static void
on_names(lg_client_t *c, const bench_line_t *m)
{
  bench_view_t list, nick;
  const char *p, *end, *sp;

  if (m->nparams < 4 || !bench_view_eq(m->params[2], c->lg->opt.channel))
    return;
  list = m->params[3];
  for (p = list.p, end = list.p + list.len; p < end; p = sp + 1) {
    sp = memchr(p, ' ', (size_t)(end - p));
    sp = sp ? sp : end;
    nick = (bench_view_t){p, (size_t)(sp - p)};
    while (nick.len && strchr("~&@%+", nick.p[0])) {
      nick.p++;
      nick.len--;
    }
    lg_room_learn(c, nick);
  }
}

void
lg_room_joined(lg_client_t *c, bench_view_t nick)
{
  c->lg->room.joins_seen++;
  lg_room_learn(c, nick);
}

void
lg_room_on_line(lg_client_t *c, const bench_line_t *m)
{
  if (bench_view_eq(m->command, "PRIVMSG") && m->nparams >= 2)
    lg_room_message(c, m->params[1]);
  else if (bench_view_eq(m->command, "JOIN") && m->nparams >= 1 &&
           bench_view_eq(m->params[0], c->lg->opt.channel))
    lg_room_joined(c, m->nick);
  else if (bench_view_eq(m->command, "353"))
    on_names(c, m);
  else if (bench_view_eq(m->command, "366") && m->nparams >= 2 &&
           bench_view_eq(m->params[1], c->lg->opt.channel))
    lg_room_join_answered(c);
  else if (bench_view_eq(m->command, "381"))
    c->lg->room.opered++;
}

int
lg_room_bad(lg_t *lg)
{
  const lg_room_t *r = &lg->room;

  return r->deliveries != r->expected || r->order_errors || r->bad_payload ||
         r->self_echo || r->stage != ST_SEND;
}

void
lg_room_report(lg_t *lg)
{
  const lg_room_t *r = &lg->room;
  uint64_t end = r->t_join_end ? r->t_join_end : lg_now_us(lg);
  double send_s = r->t_last_delivery > r->t_send_start
                      ? (double)(r->t_last_delivery - r->t_send_start) / 1e6
                      : 0.0;

  printf(" members=%u senders=%u messages=%u join_done=%d members_complete=%u "
         "join_ms=%.1f join_server_cpu_s=%.2f "
         "joins_seen=%llu "
         "joins_expected=%llu deliveries=%llu expected=%llu loss=%lld "
         "order_errors=%llu bad_payload=%llu self_echo=%llu send_s=%.3f "
         "deliveries_per_s=%.0f p50_us=%llu p99_us=%llu max_us=%llu",
         members(lg), lg->opt.senders, lg->opt.messages, r->t_join_end != 0,
         r->members_complete, (double)(end - r->t_join_start) / 1e3,
         r->join_server_cpu_s, (unsigned long long)r->joins_seen,
         (unsigned long long)r->joins_expected,
         (unsigned long long)r->deliveries, (unsigned long long)r->expected,
         (long long)r->expected - (long long)r->deliveries,
         (unsigned long long)r->order_errors,
         (unsigned long long)r->bad_payload, (unsigned long long)r->self_echo,
         send_s > 0 ? send_s : 0.0,
         send_s > 0 ? (double)r->deliveries / send_s : 0.0,
         (unsigned long long)lg_hist_quantile(&r->hist, 0.50),
         (unsigned long long)lg_hist_quantile(&r->hist, 0.99),
         (unsigned long long)r->hist.max);
}
