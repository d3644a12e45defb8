/* The IRC core of one connection: framing (lines end at LF or CR, with a
 * bounded, lazily allocated buffer for a partial line), flood control
 * (a token bucket with fakelag through the clock), the registration and
 * ping timers, and the polite close. Commands live in irc_cmd_*.c. */
#include "irc_int.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const reed_session_listener_t listener = {
    .on_event = reed__irc_on_event,
};

/* ---- Timers ----------------------------------------------------------------
 */

static void
cancel_timer(reed_irc_core_t *c, uint64_t *id)
{
  if (*id != 0)
    c->clock->cancel(c->clock->c, *id);
  *id = 0;
}

static void
reg_timeout(void *arg)
{
  reed_irc_core_t *c = arg;

  c->pend->reg_timer = 0;
  if (!(c->state & IRC_ST_REG))
    reed__irc_close(c, "Registration timed out");
}

static void ping_check(void *arg);

static void
arm_ping(reed_irc_core_t *c, uint64_t ms)
{
  cancel_timer(c, &c->ping_timer);
  c->ping_timer = c->clock->call_later(c->clock->c, ms, ping_check, c);
}

/* Idle for ping_interval: PING; then silent for ping_timeout: close. */
static void
ping_check(void *arg)
{
  reed_irc_core_t *c = arg;
  uint64_t now = c->clock->now_ms(c->clock->c);
  uint64_t idle = now - c->last_rx_ms;
  uint64_t interval = reed__irc_ping_interval(c);
  uint64_t timeout = reed__irc_ping_timeout(c);
  char why[64];

  c->ping_timer = 0;
  if (c->ping_out && idle >= interval + timeout) {
    snprintf(why, sizeof(why), "Ping timeout: %llu seconds",
             (unsigned long long)(idle / 1000));
    reed__irc_close(c, why);
    return;
  }
  if (!c->ping_out && idle >= interval) {
    c->ping_out = true;
    reed__irc_send(c, "PING :%s", IRC_SERVER(c));
    arm_ping(c, interval + timeout - idle);
    reed__irc_check_write(c);
    return;
  }
  arm_ping(c, (c->ping_out ? interval + timeout : interval) - idle);
}

/* ---- Flood control ---------------------------------------------------------
 * Credit accrues at one command per (10000 / flood_rate) ms up to
 * flood_burst commands; a command costs its penalty in commands. */

static uint64_t
flood_step_ms(const reed_irc_core_t *c)
{
  int rate = IRC_CONF(c)->flood_rate > 0 ? IRC_CONF(c)->flood_rate : 1;

  return (uint64_t)(10000 / rate);
}

void
reed__irc_resume(reed_irc_core_t *c)
{
  if (!c->paused || c->lag_timer != 0 || IRC_PORTAL_WAITING(c) ||
      (c->state & IRC_ST_CLOSED))
    return;
  c->paused = false;
  c->tr->pause_reading(c->tr->t, false);
}

static void
hold_input(reed_irc_core_t *c)
{
  if (!c->paused) {
    c->paused = true;
    c->tr->pause_reading(c->tr->t, true);
  }
}

static void
lag_done(void *arg)
{
  reed_irc_core_t *c = arg;

  c->lag_timer = 0;
  reed__irc_resume(c);
}

/* Returns true when the command may run now. Otherwise either pauses
 * reading until the credit is there (fakelag) or closes (excess flood). */
static bool
flood_charge(reed_irc_core_t *c, unsigned penalty)
{
  uint64_t now = c->clock->now_ms(c->clock->c);
  uint64_t step = flood_step_ms(c), cost = step * penalty;
  uint64_t cap = step * (uint64_t)IRC_CONF(c)->flood_burst;

  if (c->exempt || penalty == 0 || !(c->state & IRC_ST_REG))
    return true;
  c->credit_ms += now - c->credit_at;
  c->credit_at = now;
  if (c->credit_ms > cap)
    c->credit_ms = cap;
  if (c->credit_ms >= cost) {
    c->credit_ms -= cost;
    return true;
  }
  if (!IRC_CONF(c)->fakelag) {
    reed__irc_close(c, "Excess Flood");
    return false;
  }
  hold_input(c);
  if (c->lag_timer == 0)
    c->lag_timer =
        c->clock->call_later(c->clock->c, cost - c->credit_ms, lag_done, c);
  return false;
}

/* ---- Lines -----------------------------------------------------------------
 */

static bool
client_tags_too_long(const reed_irc_msg_t *m)
{
  return m->tags_len > REED_IRC_CLIENT_TAGS_MAX;
}

/* Parses and runs one line. Returns false when flood control holds it back
 * (the caller keeps it for later). */
static bool
run_line(reed_irc_core_t *c, const char *line, size_t len)
{
  static reed_irc_msg_t m;
  const reed_irc_cmd_t *cmd;
  int rc = reed_irc_line_parse(line, len, &m);

  if (rc == REED_ETOOBIG || rc == REED_ELIMIT ||
      (rc == 0 && client_tags_too_long(&m))) {
    reed__irc_num(c, ERR_INPUTTOOLONG, ":Input line was too long");
    return true;
  }
  if (rc < 0)
    return true; /* an empty or malformed line is ignored */
  cmd = reed__irc_cmd_find(m.command);
  if (!flood_charge(c, cmd ? cmd->penalty : 1))
    return false;
  if (!reed_utf8_valid((const uint8_t *)line, len)) {
    reed__irc_send(c,
                   ":%s FAIL %s INVALID_UTF8 :Message rejected, your "
                   "message contained invalid UTF-8",
                   IRC_SERVER(c), cmd ? cmd->name : "*");
    return true;
  }
  if (reed__irc_multiline_take(c, &m))
    return true;
  reed__irc_dispatch_labeled(c, &m);
  return true;
}

static const uint8_t *
find_eol(const uint8_t *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\n' || p[i] == '\r')
      return p + i;
  }
  return NULL;
}

static void
drop_rbuf(reed_irc_core_t *c)
{
  reed_free(c->rbuf);
  c->rbuf = NULL;
  c->rlen = 0;
}

/* Keeps a partial line; a line that outgrows the read limit closes the
 * connection whatever the chunking, so the outcome never depends on it. */
static bool
stash(reed_irc_core_t *c, const uint8_t *p, size_t n)
{
  if (c->rlen + n > IRC_READ_MAX) {
    drop_rbuf(c);
    reed__irc_close(c, "Input line too long");
    return false;
  }
  if (c->rbuf == NULL && (c->rbuf = reed_malloc(IRC_READ_MAX + 1)) == NULL) {
    reed__irc_close(c, "Out of memory");
    return false;
  }
  memcpy(c->rbuf + c->rlen, p, n);
  c->rlen += n;
  return true;
}

static bool
prereg_limit(reed_irc_core_t *c)
{
  if (c->state & IRC_ST_REG)
    return false;
  if (++c->pend->prereg_lines <= (unsigned long)IRC_CONF(c)->prereg_max_lines)
    return false;
  reed__irc_close(c, "Excess Flood");
  return true;
}

/* Handles the line that ends at `eol` (rbuf + in[0..eol)). Returns false
 * when flood control holds it. */
static bool
take_line(reed_irc_core_t *c, const uint8_t *in, size_t n)
{
  size_t old = c->rlen;

  if (c->rlen == 0)
    return n == 0 || prereg_limit(c) || run_line(c, (const char *)in, n);
  if (!stash(c, in, n))
    return true;
  if (prereg_limit(c))
    return true;
  if (!run_line(c, c->rbuf, c->rlen)) {
    c->rlen = old;
    return false;
  }
  drop_rbuf(c);
  return true;
}

static ssize_t
feed_lines(reed_irc_core_t *c, const uint8_t *in, size_t len)
{
  size_t off = 0;

  while (off < len && !(c->state & IRC_ST_CLOSED) && !c->write_failed) {
    const uint8_t *eol = find_eol(in + off, len - off);
    size_t n;
    if (IRC_PORTAL_WAITING(c)) {
      hold_input(c); /* the portal is working: later lines wait */
      return (ssize_t)off;
    }
    if (eol == NULL) {
      stash(c, in + off, len - off);
      break;
    }
    n = (size_t)(eol - (in + off));
    if (c->rlen + n > IRC_READ_MAX) {
      stash(c, in + off, n); /* closes */
      break;
    }
    if (!take_line(c, in + off, n))
      return (c->state & IRC_ST_CLOSED) ? (ssize_t)len : (ssize_t)off;
    off += n + 1;
  }
  return (ssize_t)len;
}

ssize_t
reed__irc_feed(void *core, const uint8_t *in, size_t len)
{
  reed_irc_core_t *c = core;
  ssize_t n;

  c->last_rx_ms = c->clock->now_ms(c->clock->c);
  c->ping_out = false;
  n = feed_lines(c, in, len);
  reed__irc_check_write(c);
  reed__irc_pend_release(c);
  return (c->state & IRC_ST_CLOSED) ? (ssize_t)len : n;
}

/* ---- Lifecycle -------------------------------------------------------------
 */

void
reed__irc_label_conn(reed_irc_core_t *c, const reed_session_t *s)
{
  char label[REED_NICK_MAX + REED_ACCOUNT_MAX + 16];
  const char *acct;

  if (s == NULL || c->tr->set_label == NULL || !(c->state & IRC_ST_REG))
    return;
  acct = reed_session_account(s);
  snprintf(label, sizeof(label), "%s%s%s", reed_session_nick(s),
           acct ? "/acct " : "", acct ? acct : "");
  c->tr->set_label(c->tr->t, label);
}

void
reed__irc_close(reed_irc_core_t *c, const char *reason)
{
  char host[IRC_HOST_MAX + 1];
  reed_session_t *s = c->session;

  if (c->state & (IRC_ST_CLOSED | IRC_ST_CLOSING))
    return;
  c->state |= IRC_ST_CLOSING;
  c->write_failed = false; /* the ERROR line is still tried */
  reed__irc_label_end(c);
  reed__irc_send(c, "ERROR :Closing Link: %s (%s)", reed__irc_host(c, host),
                 reason);
  c->state |= IRC_ST_CLOSED;
  c->session = NULL;
  reed__irc_label_conn(c, s);
  if (s != NULL)
    reed_session_quit(s, reason);
  if (c->pend != NULL)
    cancel_timer(c, &c->pend->reg_timer);
  cancel_timer(c, &c->ping_timer);
  cancel_timer(c, &c->lag_timer);
  reed__irc_sasl_cleanup(c);
  drop_rbuf(c);
  c->tr->close(c->tr->t, reason);
}

static bool
ip_exempt(const reed_irc_conf_t *conf, const char *ip)
{
  for (size_t i = 0; i < conf->flood_exempt.n; i++) {
    if (strcmp(conf->flood_exempt.v[i], ip) == 0)
      return true;
  }
  return false;
}

/* The model session is made when registration completes (or when SASL
 * logs in first), so an unregistered connection is no user yet: LUSERS
 * counts stay right and an idle connection costs less. */
int
reed__irc_ensure_session(reed_irc_core_t *c)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  const reed_irc_pend_t *pd = c->pend;
  reed_session_info_t info = {
      .origin = "irc",
      .ip = peer ? peer->ip : "",
      .listener = &listener,
      .ud = c,
  };
  int rc;

  if (c->session != NULL)
    return 0;
  info.user = pd && pd->user[0] ? pd->user : "~u";
  info.host = pd && pd->host[0] ? pd->host : "unknown";
  info.realname = pd && pd->realname ? pd->realname : "";
  rc = reed_session_new(c->env->model, &info, &c->session);
  if (rc == 0)
    reed_session_set_room_claims(c->session, IRC_CONF(c)->own_new_channels);
  return rc;
}

/* The host IRC shows for the peer's address, into host[IRC_HOST_MAX + 1]. */
static const char *
peer_host(const reed_irc_core_t *c, char *host)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);
  const char *ip = peer && peer->ip[0] ? peer->ip : "unknown";

  if (strcmp(ip, "unix") == 0)
    ip = "localhost";
  reed_strlcpy(host, ip, IRC_HOST_MAX + 1);
  if (host[0] == ':')
    host[0] = '0'; /* "::1" would read as a trailing parameter */
  return host;
}

static void
init_peer(reed_irc_core_t *c)
{
  const reed_peer_t *peer = c->tr->peer(c->tr->t);

  peer_host(c, c->pend->host);
  c->exempt = peer != NULL && ip_exempt(IRC_CONF(c), peer->ip);
}

const char *
reed__irc_user(const reed_irc_core_t *c)
{
  if ((c->state & IRC_ST_REG) && c->session != NULL)
    return reed_session_user(c->session);
  return c->pend != NULL && c->pend->user[0] != '\0' ? c->pend->user : "*";
}

const char *
reed__irc_host(const reed_irc_core_t *c, char *buf)
{
  if ((c->state & IRC_ST_REG) && c->session != NULL)
    return reed_session_host(c->session);
  if (c->pend != NULL && c->pend->host[0] != '\0')
    return c->pend->host;
  return peer_host(c, buf); /* killed: the session is gone */
}

const char *
reed__irc_server_name(const reed_irc_core_t *c)
{
  const reed_server_conf_t *s = c->env->server_conf;

  if (IRC_CONF(c)->server_name != NULL)
    return IRC_CONF(c)->server_name;
  return s != NULL && s->name != NULL ? s->name : "localhost";
}

static uint64_t
pick(uint64_t own, const reed_irc_core_t *c, size_t server_off, uint64_t dflt)
{
  const reed_server_conf_t *s = c->env->server_conf;

  if (own > 0)
    return (uint64_t)own;
  if (s != NULL)
    return *(const uint64_t *)((const char *)s + server_off);
  return dflt;
}

uint64_t
reed__irc_reg_timeout(const reed_irc_core_t *c)
{
  return pick(IRC_CONF(c)->reg_timeout_ms, c,
              offsetof(reed_server_conf_t, registration_timeout), 60000);
}

uint64_t
reed__irc_ping_interval(const reed_irc_core_t *c)
{
  return pick(IRC_CONF(c)->ping_interval_ms, c,
              offsetof(reed_server_conf_t, ping_interval), 120000);
}

uint64_t
reed__irc_ping_timeout(const reed_irc_core_t *c)
{
  return pick(IRC_CONF(c)->ping_timeout_ms, c,
              offsetof(reed_server_conf_t, ping_timeout), 60000);
}

reed_irc_pend_t *
reed__irc_pend(reed_irc_core_t *c)
{
  if (c->pend == NULL)
    c->pend = reed_calloc(1, sizeof(*c->pend));
  return c->pend;
}

static void
pend_free(reed_irc_core_t *c)
{
  if (c->pend == NULL)
    return;
  reed_free(c->pend->pre_away);
  reed_free(c->pend->realname);
  reed_free(c->pend);
  c->pend = NULL;
}

void
reed__irc_pend_release(reed_irc_core_t *c)
{
  const reed_irc_pend_t *p = c->pend;

  if (p != NULL && (c->state & IRC_ST_REG) && p->sasl == NULL &&
      !p->sasl_pending && !p->sasl_in_step && !p->sasl_ready &&
      p->reg_timer == 0 && p->pre_away == NULL)
    pend_free(c);
}

int
reed__irc_conn_new(const reed_proto_env_t *env, void **core)
{
  reed_irc_core_t *c = reed_calloc(1, sizeof(*c));

  *core = NULL;
  if (c != NULL && (c->pend = reed_calloc(1, sizeof(*c->pend))) == NULL) {
    reed_free(c);
    c = NULL;
  }
  if (c == NULL)
    return REED_ENOMEM;
  c->env = env;
  c->tr = env->transport;
  c->clock = env->clock;
  /* ChanServ is a service here: nobody, of any protocol, may hold it. */
  if (env->model != NULL)
    reed_model_reserve_nick(env->model, "ChanServ");
  init_peer(c);
  c->last_rx_ms = c->credit_at = c->clock->now_ms(c->clock->c);
  c->credit_ms = flood_step_ms(c) * (uint64_t)IRC_CONF(c)->flood_burst;
  c->pend->reg_timer = c->clock->call_later(
      c->clock->c, reed__irc_reg_timeout(c), reg_timeout, c);
  if (c->pend->reg_timer == 0) {
    reed_free(c->pend);
    reed_free(c);
    return REED_ENOMEM;
  }
  *core = c;
  reed__irc_refuse_banned_ip(c); /* a server ban on the address */
  return 0;
}

/* Takes the nick asked for before registration, or asks for another. */
static bool
take_wanted_nick(reed_irc_core_t *c)
{
  int rc;

  char *wanted = c->pend->nick_wanted;

  if (wanted[0] == '\0')
    return reed_session_nick(c->session) != NULL;
  rc = reed_session_set_nick(c->session, wanted);
  if (rc == 0) {
    wanted[0] = '\0';
    return true;
  }
  reed__irc_reply_err(c, rc, IRC_CTX_ANY, wanted, NULL);
  wanted[0] = '\0';
  if (reed_session_nick(c->session) == NULL)
    c->state &= ~IRC_ST_NICK;
  return (c->state & IRC_ST_NICK) != 0;
}

void
reed__irc_try_register(reed_irc_core_t *c)
{
  uint32_t need = IRC_ST_NICK | IRC_ST_USER;
  bool fresh;

  if ((c->state & (IRC_ST_REG | IRC_ST_CLOSED | IRC_ST_CAPNEG)) ||
      (c->state & need) != need)
    return;
  if (IRC_CONF(c)->password != NULL && !(c->state & IRC_ST_PASS)) {
    reed__irc_num(c, ERR_PASSWDMISMATCH, ":Password incorrect");
    reed__irc_close(c, "Bad password");
    return;
  }
  fresh = c->session == NULL;
  if (reed__irc_ensure_session(c) < 0) {
    reed__irc_close(c, "Out of memory");
    return;
  }
  if (c->pend->sasl != NULL) {
    reed__irc_sasl_cleanup(c);
    reed__irc_num(c, ERR_SASLABORTED, ":SASL authentication aborted");
  }
  /* Set before the nick, while nobody can see the session: no HOST or
   * REALNAME event reaches its watchers (MONITOR) along with its 730. A
   * session made just now has them already (and copying them again would
   * leave holes in the heap for every registration). */
  if (!fresh) {
    reed_session_set_host(c->session, c->pend->user[0] ? c->pend->user : "~u",
                          c->pend->host);
    reed_session_set_realname(c->session,
                              c->pend->realname ? c->pend->realname : "");
  }
  if (!take_wanted_nick(c) || reed__irc_refuse_banned(c))
    return;
  /* Registered: from now on only the session keeps the realname. */
  reed_free(c->pend->realname);
  c->pend->realname = NULL;
  c->state |= IRC_ST_REG;
  cancel_timer(c, &c->pend->reg_timer);
  arm_ping(c, reed__irc_ping_interval(c));
  reed__irc_send_welcome(c);
  reed__irc_apply_pre_away(c);
}

void
reed__irc_eof(void *core, const char *reason)
{
  reed_irc_core_t *c = core;
  reed_session_t *s = c->session;

  if (c->state & IRC_ST_CLOSED)
    return;
  c->state |= IRC_ST_CLOSED;
  c->session = NULL;
  reed__irc_label_conn(c, s);
  if (s != NULL)
    reed_session_quit(s, reason != NULL ? reason : "Connection closed");
  if (c->pend != NULL)
    cancel_timer(c, &c->pend->reg_timer);
  cancel_timer(c, &c->ping_timer);
  cancel_timer(c, &c->lag_timer);
  reed__irc_sasl_cleanup(c);
}

void
reed__irc_shutdown(void *core, int why)
{
  reed__irc_close(core, why == REED_SHUTDOWN_RELOAD ? "Server restarting"
                                                    : "Server shutting down");
}

void
reed__irc_tls_ready(void *core)
{
  REED_UNUSED(core);
}

void
reed__irc_conn_free(void *core)
{
  reed_irc_core_t *c = core;

  if (c == NULL)
    return;
  reed__irc_eof(c, NULL);
  drop_rbuf(c);
  reed_buf_unref(c->capture);
  pend_free(c);
  reed_free(c->label);
  reed__irc_multiline_free(c);
  reed_free(c);
}
