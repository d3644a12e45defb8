/* bench: the room scenario. Every member joins one channel; the time until
 * each JOIN has reached every member is the join time (the k-th joiner sees
 * the joins of members k..N, so N(N+1)/2 JOIN lines in all, whatever the
 * order). Then senders 0..S-1 send numbered, timestamped PRIVMSGs; each
 * receiver checks that every sender's numbers arrive once and in order. */
#include "lg.h"

#include "base.h"

#include <stdio.h>
#include <string.h>

enum { ST_JOIN, ST_OPER, ST_SEND };

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
  if (!r->last_seq || !r->done || !r->sent || !r->complete)
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
  r->last_seq = r->done = r->sent = r->complete = NULL;
}

void
lg_room_start(lg_t *lg)
{
  uint32_t i;

  lg->room.stage = ST_JOIN;
  lg->room.t_join_start = lg_now_us(lg);
  for (i = 0; i < lg->nclients; i++)
    if (lg->clients[i].state == LG_READY)
      lg_sendf(&lg->clients[i], "JOIN %s\r\n", lg->opt.channel);
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
  char text[64];
  int n;

  n = snprintf(text, sizeof(text), "%u %u %llu ", sid, r->sent[sid],
               (unsigned long long)lg_now_us(lg));
  r->sent[sid]++;
  n = (int)lg->opt.size > n ? (int)lg->opt.size - n : 0;
  lg_sendf(&lg->clients[sid], "PRIVMSG %s :%s%.*s\r\n", lg->opt.channel, text,
           n, pad);
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
  if (lg->opt.rate > 0) {
    ms = (uint64_t)(1000.0 / lg->opt.rate);
    uv_timer_start(&r->pace, on_pace, 0, ms ? ms : 1);
    return;
  }
  for (i = 0; i < lg->opt.senders; i++)
    pump(lg, i);
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
  start_send(lg);
}

int
lg_room_check(lg_t *lg)
{
  lg_room_t *r = &lg->room;

  if (r->stage == ST_JOIN && r->joins_seen >= r->joins_expected) {
    r->t_join_end = lg_now_us(lg);
    if (lg->opt.oper)
      start_oper(lg);
    else
      start_send(lg);
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

static void
on_privmsg(lg_client_t *c, const bench_line_t *m)
{
  lg_t *lg = c->lg;
  lg_room_t *r = &lg->room;
  bench_payload_t pl;
  uint32_t *last, *done;
  uint64_t now;

  if (m->nparams < 2 || bench_payload_parse(m->params[1], &pl) < 0 ||
      pl.sender >= lg->opt.senders || pl.seq >= lg->opt.messages) {
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

void
lg_room_on_line(lg_client_t *c, const bench_line_t *m)
{
  if (bench_view_eq(m->command, "PRIVMSG"))
    on_privmsg(c, m);
  else if (bench_view_eq(m->command, "JOIN"))
    c->lg->room.joins_seen++;
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

  printf(
      " members=%u senders=%u messages=%u join_ms=%.1f joins_seen=%llu "
      "joins_expected=%llu deliveries=%llu expected=%llu loss=%lld "
      "order_errors=%llu bad_payload=%llu self_echo=%llu send_s=%.3f "
      "deliveries_per_s=%.0f p50_us=%llu p99_us=%llu max_us=%llu",
      members(lg), lg->opt.senders, lg->opt.messages,
      (double)(end - r->t_join_start) / 1e3, (unsigned long long)r->joins_seen,
      (unsigned long long)r->joins_expected, (unsigned long long)r->deliveries,
      (unsigned long long)r->expected,
      (long long)r->expected - (long long)r->deliveries,
      (unsigned long long)r->order_errors, (unsigned long long)r->bad_payload,
      (unsigned long long)r->self_echo, send_s > 0 ? send_s : 0.0,
      send_s > 0 ? (double)r->deliveries / send_s : 0.0,
      (unsigned long long)lg_hist_quantile(&r->hist, 0.50),
      (unsigned long long)lg_hist_quantile(&r->hist, 0.99),
      (unsigned long long)r->hist.max);
}
