/* The loop: creation and teardown, the end of each loop turn (uv_check:
 * deferred work, the turn-end hook, then the flush), signals, close
 * deadlines and the shutdown sequence. */
#include "net_int.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <string.h>
#include <unistd.h>

static void
on_idle(uv_idle_t *h)
{
  REED_UNUSED(h);
}

void
reed__net_wake(reed_net_t *net)
{
  /* An active idle handle makes the poll phase return at once, so a write
   * queued from a timer is flushed this turn rather than after the next
   * event. */
  if (net->idle_on || net->state == NET_DONE)
    return;
  net->idle_on = true;
  uv_idle_start(&net->idle, on_idle);
}

static void
add_dirty(reed_net_t *net, reed_conn_t *c)
{
  c->flags |= CONN_DIRTY;
  c->dirty_next = net->dirty;
  net->dirty = c;
  net->ndirty++;
  reed__net_wake(net);
}

void
reed__net_mark_dirty(reed_conn_t *c)
{
  reed_net_t *net = c->net;
  uint32_t f = c->flags;

  /* Others' fan-out (written while another connection is fed): the common
   * case of a big fan-out, decided in a few instructions. */
  if (net->feeding != NULL && net->feeding != c &&
      !(f & (CONN_CLOSING | CONN_ABORT | CONN_UVCLOSED))) {
    if (!(f & CONN_DIRTY))
      add_dirty(net, c);
    return;
  }
  if (f & CONN_UVCLOSED)
    return;
  c->flags = f | CONN_URGENT;
  if (!(f & CONN_DIRTY)) {
    add_dirty(net, c);
  } else if (f & CONN_LAZY) {
    net->lazy_urgent = true;
    reed__net_wake(net);
  }
}

/* Moves the lazy connections to the dirty list: all of them when `all`,
 * else those whose output can no longer wait. */
static void
unlazy(reed_net_t *net, bool all)
{
  reed_conn_t *c = net->lazy, **keep = &net->lazy;

  net->lazy = NULL;
  net->lazy_urgent = false;
  while (c != NULL) {
    reed_conn_t *next = c->dirty_next;
    if (all || (c->flags & CONN_URGENT)) {
      c->flags = (c->flags & ~CONN_LAZY) | CONN_URGENT;
      c->dirty_next = net->dirty;
      net->dirty = c;
    } else {
      *keep = c;
      keep = &c->dirty_next;
    }
    c = next;
  }
  *keep = NULL;
  if (net->lazy == NULL)
    uv_timer_stop(&net->lazy_timer);
}

void
reed__net_unlazy(reed_conn_t *c)
{
  reed_conn_t **pp = &c->net->lazy;

  if (!(c->flags & CONN_LAZY))
    return;
  while (*pp != NULL && *pp != c)
    pp = &(*pp)->dirty_next;
  if (*pp == c)
    *pp = c->dirty_next;
  c->flags &= ~(CONN_LAZY | CONN_DIRTY);
  c->dirty_next = NULL;
}

static void
on_lazy(uv_timer_t *t)
{
  reed_net_t *net = t->data;

  unlazy(net, true);
  reed__net_wake(net);
}

void
reed__net_mark_work(reed_conn_t *c)
{
  if (c->flags & (CONN_WORK | CONN_UVCLOSED))
    return;
  c->flags |= CONN_WORK;
  c->work_next = c->net->work;
  c->net->work = c;
  reed__net_wake(c->net);
}

/* Runs the work queued so far; work queued meanwhile waits a turn, so a
 * core that pauses and resumes itself cannot spin the loop here. */
static void
run_work(reed_net_t *net)
{
  reed_conn_t *c = net->work;

  net->work = NULL;
  while (c != NULL) {
    reed_conn_t *next = c->work_next;
    c->flags &= ~CONN_WORK;
    c->work_next = NULL;
    reed__conn_do_work(c);
    c = next;
  }
}

static bool
can_wait(const reed_conn_t *c)
{
  return !(c->flags & (CONN_URGENT | CONN_CLOSING | CONN_ABORT | CONN_WORK)) &&
         c->wreq == NULL && c->tls == NULL && c->outq.bytes < NET_LAZY_BYTES;
}

static void
flush_dirty(reed_net_t *net)
{
  reed_conn_t *c = net->dirty;
  bool lazy =
      net->ndirty > net->limits.lazy_min_conns && net->state == NET_RUNNING;

  net->dirty = NULL;
  net->ndirty = 0;
  while (c != NULL) {
    reed_conn_t *next = c->dirty_next;
    if (lazy && can_wait(c)) {
      c->flags |= CONN_LAZY;
      c->dirty_next = net->lazy;
      net->lazy = c;
    } else {
      c->flags &= ~(CONN_DIRTY | CONN_URGENT);
      c->dirty_next = NULL;
      reed__conn_flush(c);
    }
    c = next;
  }
  if (net->lazy != NULL && !uv_is_active((uv_handle_t *)&net->lazy_timer))
    uv_timer_start(&net->lazy_timer, on_lazy, NET_LAZY_MS, 0);
}

/* Shutting down while output is held: what is held must not go out, so
 * the connections close without it. */
static void
drop_held(reed_net_t *net)
{
  unlazy(net, true);
  for (reed_conn_t *c = net->conns; c != NULL; c = c->next)
    reed__conn_abort(c, "server shutting down");
  flush_dirty(net);
}

static void
on_check(uv_check_t *h)
{
  reed_net_t *net = h->data;

  run_work(net);
  if (net->turn_end != NULL)
    net->turn_end(net->ud);
  if (net->lazy_urgent || (net->lazy != NULL && net->state != NET_RUNNING))
    unlazy(net, net->state != NET_RUNNING);
  if (!net->hold)
    flush_dirty(net);
  else if (net->state != NET_RUNNING)
    drop_held(net);
  /* Held output waits for a timer or input, not a spinning loop. */
  if (net->work == NULL && (net->dirty == NULL || net->hold) && net->idle_on) {
    net->idle_on = false;
    uv_idle_stop(&net->idle);
  }
}

/* ---- Close deadlines -----------------------------------------------------
 */
static void on_sweep(uv_timer_t *t);

/* One timer serves every deadline. It fires at most every SWEEP_MIN_MS, so
 * a flood of connections with deadlines a millisecond apart costs a few
 * scans a second, not one per connection. */
#define SWEEP_MIN_MS 100

void
reed__net_arm_sweep(reed_net_t *net, uint64_t deadline)
{
  uint64_t now = uv_now(&net->loop);
  uint64_t due = deadline > now ? deadline - now : 0;

  if (due < SWEEP_MIN_MS)
    due = SWEEP_MIN_MS;
  if (uv_is_active((uv_handle_t *)&net->sweep) &&
      uv_timer_get_due_in(&net->sweep) <= due)
    return;
  uv_timer_start(&net->sweep, on_sweep, due, 0);
}

static const char *
expired_reason(const reed_conn_t *c)
{
  if (c->flags & CONN_CLOSING)
    return c->reason ? c->reason : "close timed out";
  return "TLS handshake timed out";
}

static void
on_sweep(uv_timer_t *t)
{
  reed_net_t *net = t->data;
  uint64_t now = uv_now(&net->loop), next = 0;

  for (reed_conn_t *c = net->conns; c != NULL; c = c->next) {
    if (c->deadline == 0 || (c->flags & CONN_UVCLOSED))
      continue;
    if (c->deadline <= now) {
      c->deadline = 0;
      reed__conn_abort(c, expired_reason(c));
      continue;
    }
    if (next == 0 || c->deadline < next)
      next = c->deadline;
  }
  if (next != 0)
    reed__net_arm_sweep(net, next);
}

/* ---- Signals and shutdown --------------------------------------------------
 */
static void
close_listener_cb(uv_handle_t *h)
{
  reed_lsock_t *l = h->data;

  if (l->ctx != NULL)
    SSL_CTX_free(l->ctx);
  if (l->path != NULL)
    unlink(l->path);
  reed_free(l->cert_file);
  reed_free(l->key_file);
  reed_free(l->path);
  reed_free(l->key);
  reed_free(l);
}

void
reed__lsock_close(reed_lsock_t *l)
{
  uv_close(&l->io.h, close_listener_cb);
}

static void
close_listeners(reed_net_t *net)
{
  reed_lsock_t *l = net->listeners;

  net->listeners = NULL;
  while (l != NULL) {
    reed_lsock_t *next = l->next;
    uv_close(&l->io.h, close_listener_cb);
    l = next;
  }
}

void
reed_net_shutdown(reed_net_t *net)
{
  if (net->state != NET_RUNNING)
    return;
  net->state = NET_SHUTTING;
  reed_log(net->log, REED_LOG_INFO, "shutting down: %zu connections",
           net->nconns);
  close_listeners(net);
  for (reed_conn_t *c = net->conns; c != NULL; c = c->next) {
    if (c->flags & CONN_CLOSING)
      continue;
    if (c->core != NULL && c->module->shutdown != NULL)
      c->module->shutdown(c->core, REED_SHUTDOWN_SERVER);
    reed__conn_close(c, "server shutting down", false);
  }
  /* Wake first: a shutdown from a timer that libuv ran before its poll
   * phase must not leave the poll waiting with nothing armed, and a wake
   * is refused once the state is NET_DONE. */
  reed__net_wake(net);
  if (net->nconns == 0)
    net->state = NET_DONE;
}

static void
on_signal(uv_signal_t *h, int signum)
{
  reed_net_t *net = h->data;

  if (signum == SIGHUP) {
    reed_log(net->log, REED_LOG_INFO, "SIGHUP: reloading");
    if (net->reload != NULL)
      net->reload(net->ud);
    reed__net_wake(net);
    return;
  }
  reed_log(net->log, REED_LOG_INFO, "signal %d: shutting down", signum);
  if (net->stopping != NULL)
    net->stopping(net->ud);
  reed_net_shutdown(net);
}

/* ---- Life cycle ----------------------------------------------------------
 */
static int
init_handles(reed_net_t *net)
{
  uv_handle_t *hs[] = {
      (uv_handle_t *)&net->check,      (uv_handle_t *)&net->idle,
      (uv_handle_t *)&net->sig_hup,    (uv_handle_t *)&net->sig_term,
      (uv_handle_t *)&net->sig_int,    (uv_handle_t *)&net->sweep,
      (uv_handle_t *)&net->lazy_timer,
  };

  if (uv_check_init(&net->loop, &net->check) != 0 ||
      uv_idle_init(&net->loop, &net->idle) != 0 ||
      uv_signal_init(&net->loop, &net->sig_hup) != 0 ||
      uv_signal_init(&net->loop, &net->sig_term) != 0 ||
      uv_signal_init(&net->loop, &net->sig_int) != 0 ||
      uv_timer_init(&net->loop, &net->sweep) != 0 ||
      uv_timer_init(&net->loop, &net->lazy_timer) != 0)
    return REED_EIO;
  for (size_t i = 0; i < REED_ARRAY_SIZE(hs); i++)
    hs[i]->data = net;
  uv_check_start(&net->check, on_check);
  uv_signal_start(&net->sig_hup, on_signal, SIGHUP);
  uv_signal_start(&net->sig_term, on_signal, SIGTERM);
  uv_signal_start(&net->sig_int, on_signal, SIGINT);
  /* The signal watchers stay referenced: with no listener and no timer,
   * the loop then blocks until a signal instead of spinning. */
  uv_unref((uv_handle_t *)&net->check);
  return 0;
}

static void
apply_limit_defaults(reed_net_limits_t *l)
{
  if (l->recvq == 0)
    l->recvq = REED_NET_DEFAULT_RECVQ;
  if (l->sendq == 0)
    l->sendq = REED_NET_DEFAULT_SENDQ;
  if (l->close_timeout_ms == 0)
    l->close_timeout_ms = REED_NET_DEFAULT_CLOSE_TIMEOUT_MS;
  if (l->handshake_timeout_ms == 0)
    l->handshake_timeout_ms = REED_NET_DEFAULT_HANDSHAKE_TIMEOUT_MS;
  if (l->lazy_min_conns == 0)
    l->lazy_min_conns = REED_NET_DEFAULT_LAZY_MIN;
}

/* The store's statements allocate and free blocks of several KiB for every
 * message, and glibc gives the heap top back past 128 KiB free by default:
 * a brk call (and page faults after it) for nearly every message. Keeping
 * up to 512 KiB of free top (51 bytes a client at 10,000, half a byte at a
 * million) bounds what that costs in memory. The call stays glibc-only
 * because the problem is: musl's mallocng and jemalloc do not trim at
 * free time (they hand pages back lazily, by their own policies), so there
 * is nothing to tune there. Setting it also fixes glibc's mmap threshold
 * at 128 KiB, so a big block (a map of many thousand entries, a huge
 * room's member array) is mapped on its own and returned whole when freed
 * (docs/design.md, "Memory per connection"). */
static void
tune_malloc(void)
{
#ifdef __GLIBC__
  mallopt(M_TRIM_THRESHOLD, 512 << 10);
#endif
}

int
reed_net_new(const reed_net_opts_t *opts, reed_net_t **out)
{
  reed_net_t *net = reed_calloc(1, sizeof(*net));

  if (net == NULL)
    return REED_ENOMEM;
  if (uv_loop_init(&net->loop) != 0)
    goto fail_loop;
  net->log = opts->log;
  net->limits = opts->limits;
  apply_limit_defaults(&net->limits);
  net->turn_end = opts->turn_end;
  net->reload = opts->reload;
  net->stopping = opts->stopping;
  net->ud = opts->ud;
  net->next_conn_id = 1;
  if (init_handles(net) != 0)
    goto fail_handles;
  reed__clock_init(net);
  reed__worker_init(net);
  signal(SIGPIPE, SIG_IGN);
  tune_malloc();
  *out = net;
  return 0;

fail_handles:
  uv_walk(&net->loop, (uv_walk_cb)uv_close, NULL);
  uv_run(&net->loop, UV_RUN_DEFAULT);
  uv_loop_close(&net->loop);
fail_loop:
  reed_free(net);
  return REED_EIO;
}

static void
close_any(uv_handle_t *h, void *arg)
{
  REED_UNUSED(arg);
  if (!uv_is_closing(h))
    uv_close(h, NULL);
}

void
reed_net_free(reed_net_t *net)
{
  if (net == NULL)
    return;
  net->state = NET_DONE;
  close_listeners(net);
  /* Closed here directly, so they must leave the turn lists first. */
  for (reed_conn_t *c = net->conns; c != NULL; c = c->next) {
    c->flags &= ~(CONN_DIRTY | CONN_WORK | CONN_LAZY);
    if (!(c->flags & CONN_UVCLOSED))
      reed__conn_uvclose(c);
  }
  net->dirty = net->work = net->lazy = NULL;
  /* The connections' close callbacks free their cores, which may cancel
   * (or even start) timers; only then do the remaining timers go. */
  uv_run(&net->loop, UV_RUN_NOWAIT);
  reed__clock_close_all(net);
  /* What is left are the net's embedded handles. */
  uv_walk(&net->loop, close_any, NULL);
  while (uv_loop_close(&net->loop) == UV_EBUSY)
    uv_run(&net->loop, UV_RUN_ONCE);
  if (net->ctx != NULL)
    SSL_CTX_free(net->ctx);
  reed_free(net->cert_file);
  reed_free(net->key_file);
  reed__ip_free_all(net);
  reed__outq_pool_free(&net->outq_pool);
  reed_free(net);
}

int
reed_net_run(reed_net_t *net)
{
  while (net->state != NET_DONE || net->workers_pending > 0)
    uv_run(&net->loop, UV_RUN_ONCE);
  /* The closes of the last turn may have produced rows (quits). */
  if (net->turn_end != NULL)
    net->turn_end(net->ud);
  return 0;
}

uv_loop_t *
reed_net_loop(reed_net_t *net)
{
  return &net->loop;
}

reed_clock_t *
reed_net_clock(reed_net_t *net)
{
  return &net->clock;
}

reed_worker_t *
reed_net_worker(reed_net_t *net)
{
  return &net->worker;
}

void
reed_net_hold_output(reed_net_t *net, bool hold)
{
  if (net->hold == hold)
    return;
  net->hold = hold;
  reed_log(net->log, hold ? REED_LOG_WARN : REED_LOG_INFO,
           hold ? "output held until the store has written it"
                : "output released");
  if (!hold)
    reed__net_wake(net);
}

void
reed_net_set_services(reed_net_t *net, const reed_net_services_t *s)
{
  net->services = *s;
}

void
reed_net_set_limits(reed_net_t *net, const reed_net_limits_t *limits)
{
  net->limits = *limits;
  apply_limit_defaults(&net->limits);
}

void
reed_net_update_conf(reed_net_t *net, const void *server_conf,
                     const reed_protocol_module_t *module,
                     const void *module_conf)
{
  net->services.server_conf = server_conf;
  for (reed_lsock_t *l = net->listeners; l != NULL; l = l->next)
    if (l->module == module)
      l->module_conf = module_conf;
  for (reed_conn_t *c = net->conns; c != NULL; c = c->next) {
    c->env.server_conf = server_conf;
    if (c->module == module)
      c->env.conf = module_conf;
  }
}

void
reed_net_stats(const reed_net_t *net, reed_net_stats_t *st)
{
  *st = (reed_net_stats_t){
      .connections = net->nconns,
      .refused = net->refused,
      .cut_sendq = net->cut_sendq,
      .cut_flood = net->cut_flood,
      .pending_timers = net->timers.count,
      .loop_lag = net->loop_lag,
  };
  for (const reed_conn_t *c = net->conns; c != NULL; c = c->next) {
    st->queued_bytes += reed__conn_queued(c);
    st->buffered_in += c->inbuf.len;
    st->backlogged += (c->flags & CONN_BACKLOG) != 0;
    st->conn_memory += reed__conn_footprint(c);
  }
}
