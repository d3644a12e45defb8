/* The AMP chat core of one connection: feeding boxes in order, the
 * dispatcher's check order (docs/amp.md section 4), replies, flood control,
 * the login timeout and the connection's end. */
#include "amp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN 1000 /* one command, in thousandths */

static const reed_amp_conf_t default_conf = {
    .login_timeout_ms = 60000,
    .flood_burst = 20,
    .flood_rate = 5,
    .flood_limit = 20,
    .max_login_failures = 5,
    .create_rooms = true,
    .starttls = true,
};

void
reed__amp_conf_defaults(reed_amp_conf_t *c)
{
  *c = default_conf;
}

const reed_amp_conf_t *
reed__amp_conf(const reed_amp_core_t *c)
{
  return c->env->conf ? c->env->conf : &default_conf;
}

uint64_t
reed__amp_now_us(const reed_amp_core_t *c)
{
  reed_clock_t *clk = c->env->clock;

  return clk->wall_ms(clk->c) * 1000;
}

/* ---- Output ------------------------------------------------------------- */

void
reed__amp_write(reed_amp_core_t *c, reed_buf_t *b)
{
  reed_transport_t *t = c->env->transport;

  if (!c->closed && t->write(t->t, b) < 0)
    c->closed = true; /* over the send-queue limit: net is closing it */
  reed_buf_unref(b);
}

void
reed__amp_close(reed_amp_core_t *c, const char *reason)
{
  reed_transport_t *t = c->env->transport;

  if (c->closed)
    return;
  c->closed = true;
  t->close(t->t, reason);
}

static void
write_box(reed_amp_core_t *c, reed_amp_enc_t *e)
{
  reed_buf_t *b = NULL;
  int rc = reed_amp_enc_finish(e, &b);

  if (rc < 0) {
    reed_log(c->env->log, REED_LOG_ERROR, "amp: cannot encode a box: %s",
             reed_strerror(rc));
    reed__amp_close(c, "internal error");
    return;
  }
  reed__amp_write(c, b);
}

void
reed__amp_answer(reed_amp_core_t *c, reed_amp_enc_t *e)
{
  if (!c->has_ask) {
    reed_amp_enc_cleanup(e);
    return;
  }
  reed_amp_enc_put(e, "_answer", c->ask, c->ask_len);
  write_box(c, e);
}

void
reed__amp_answer_empty(reed_amp_core_t *c)
{
  reed_amp_enc_t e;

  reed_amp_enc_init(&e);
  reed__amp_answer(c, &e);
}

void
reed__amp_error(reed_amp_core_t *c, const char *code, const char *desc)
{
  reed_amp_enc_t e;

  if (!c->has_ask)
    return;
  reed_amp_enc_init(&e);
  reed_amp_enc_put(&e, "_error", c->ask, c->ask_len);
  reed_amp_enc_str(&e, "_error_code", code);
  reed_amp_enc_str(&e, "_error_description", desc);
  write_box(c, &e);
}

void
reed__amp_send_event(reed_amp_core_t *c, reed_buf_t *body)
{
  reed_transport_t *t = c->env->transport;
  uint8_t head[8 + 17]; /* 16 hex digits and snprintf's NUL */
  int n;

  if (c->closed)
    return;
  /* The pair `_ask` = the tag in hex, as the box codec writes one (each of
   * key and value after a 16-bit big-endian length): "_ask" sorts before
   * every other key we send, so this head plus the shared body is the box
   * Twisted itself would write. */
  memcpy(head, "\0\4_ask\0", 7);
  n = snprintf((char *)head + 8, sizeof(head) - 8, "%llx",
               (unsigned long long)++c->event_tag);
  head[7] = (uint8_t)n;
  if (t->write2(t->t, head, 8 + (size_t)n, body) < 0)
    c->closed = true; /* over the send-queue limit: net is closing it */
}

void
reed__amp_closing(reed_amp_core_t *c, const char *reason)
{
  reed_amp_enc_t e;
  reed_buf_t *b = NULL;

  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "_command", "Closing");
  reed_amp_enc_str(&e, "reason", reason);
  if (reed_amp_enc_finish(&e, &b) == 0) {
    reed__amp_send_event(c, b);
    reed_buf_unref(b);
  }
  reed__amp_close(c, reason);
}

/* ---- Flood control ------------------------------------------------------ */

static bool
take_token(reed_amp_core_t *c)
{
  uint64_t now = c->env->clock->now_ms(c->env->clock->c);
  uint64_t cap = (uint64_t)reed__amp_conf(c)->flood_burst * TOKEN;

  c->tokens += (now - c->refill_ms) * (uint64_t)reed__amp_conf(c)->flood_rate;
  c->refill_ms = now;
  if (c->tokens > cap)
    c->tokens = cap;
  if (c->tokens < TOKEN)
    return false;
  c->tokens -= TOKEN;
  return true;
}

static void
rate_limited(reed_amp_core_t *c)
{
  reed__amp_error(c, "RATE_LIMITED", "too many commands, slow down");
  if (++c->refused >= reed__amp_conf(c)->flood_limit)
    reed__amp_closing(c, "Excess flood");
}

/* ---- Arguments ---------------------------------------------------------- */

static bool
nick_char_ok(uint8_t ch, bool first)
{
  if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z'))
    return true;
  if (strchr("[]\\`_^{|}", ch) != NULL && ch != 0)
    return true;
  return !first && ((ch >= '0' && ch <= '9') || ch == '-');
}

static bool
syntax_ok(int syn, const uint8_t *p, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    uint8_t ch = p[i];
    bool alpha = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
    bool ctl = ch < 0x20 || ch == 0x7f;
    switch (syn) {
    case AMP_SYN_ACCOUNT:
      if (!(alpha ||
            (i > 0 && ((ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))))
        return false;
      break;
    case AMP_SYN_NICK:
      if (!nick_char_ok(ch, i == 0))
        return false;
      break;
    case AMP_SYN_ROOM:
      if (ctl || ch == ' ' || strchr(",:@/\\", ch) != NULL)
        return false;
      break;
    case AMP_SYN_KEY:
      if (ctl || ch == ' ' || ch == ',')
        return false;
      break;
    case AMP_SYN_TEXT:
      if (ch == '\r')
        return false;
      break;
    case AMP_SYN_LINE:
      if (ch == '\r' || ch == '\n')
        return false;
      break;
    }
  }
  return true;
}

static int
kind_parse(const uint8_t *p, size_t len)
{
  static const char *const names[] = {"message", "action", "notice"};
  static const int kinds[] = {REED_MSG_NORMAL, REED_MSG_ACTION,
                              REED_MSG_NOTICE};

  for (size_t i = 0; i < REED_ARRAY_SIZE(names); i++) {
    if (len == strlen(names[i]) && memcmp(p, names[i], len) == 0)
      return kinds[i];
  }
  return -1;
}

/* Type and syntax of one present value: 0 or REED_ESYNTAX. */
static int
parse_value(const amp_arg_t *arg, const reed_amp_pair_t *p, amp_argv_t *a,
            size_t k)
{
  const uint8_t *v = p->val;
  size_t len = p->val_len;
  bool b;

  switch (arg->type) {
  case AMP_T_INT:
    return reed_amp_parse_int(v, len, &a->i[k]);
  case AMP_T_BOOL:
    if (reed_amp_parse_bool(v, len, &b) < 0)
      return REED_ESYNTAX;
    a->i[k] = b;
    return 0;
  case AMP_T_STRING:
    if (memchr(v, 0, len) != NULL)
      return REED_ESYNTAX;
    break;
  default:
    if (!reed_amp_unicode_valid(v, len))
      return REED_ESYNTAX;
  }
  if (arg->syntax == AMP_SYN_ROOM && len > 0 && v[0] == '#') {
    v++;
    len--;
  }
  if (arg->syntax == AMP_SYN_KIND && (a->i[k] = kind_parse(v, len)) < 0)
    return REED_ESYNTAX;
  if (!syntax_ok(arg->syntax, v, len) || len < arg->min)
    return REED_ESYNTAX;
  a->s[k] = reed_strndup((const char *)v, len);
  a->len[k] = len;
  return a->s[k] ? 0 : REED_ENOMEM;
}

static void
argv_free(amp_argv_t *a)
{
  for (size_t k = 0; k < AMP_MAX_ARGS; k++)
    reed_free(a->s[k]);
}

/* BAD_REQUEST for every argument first, then TOO_LONG (the spec's order).
 * Returns 0 or the REED_E* code already answered. */
static int
parse_args(reed_amp_core_t *c, const amp_cmd_t *cmd, const reed_amp_box_t *box,
           amp_argv_t *a)
{
  for (size_t k = 0; k < AMP_MAX_ARGS && cmd->args[k].key; k++) {
    const reed_amp_pair_t *p = reed_amp_box_get(box, cmd->args[k].key);
    int rc;
    if (p == NULL) {
      if (cmd->args[k].opt)
        continue;
      reed__amp_error(c, "BAD_REQUEST", "missing argument");
      return REED_ESYNTAX;
    }
    a->set[k] = true;
    if ((rc = parse_value(&cmd->args[k], p, a, k)) < 0) {
      if (rc == REED_ENOMEM)
        reed__amp_error_code(c, rc);
      else
        reed__amp_error(c, "BAD_REQUEST", "invalid argument");
      return rc;
    }
  }
  for (size_t k = 0; k < AMP_MAX_ARGS && cmd->args[k].key; k++) {
    if (a->set[k] && cmd->args[k].max && a->len[k] > cmd->args[k].max) {
      reed__amp_error(c, "TOO_LONG", "argument too long");
      return REED_ETOOBIG;
    }
  }
  return 0;
}

/* ---- Dispatch ----------------------------------------------------------- */

/* The tag goes back verbatim, whatever its bytes and length. */
static void
set_ask(reed_amp_core_t *c, const reed_amp_box_t *box)
{
  const reed_amp_pair_t *ask = reed_amp_box_get(box, "_ask");

  c->has_ask = ask != NULL;
  c->ask = ask ? ask->val : NULL;
  c->ask_len = ask ? ask->val_len : 0;
}

/* An answer or error from the client to one of our events. We never wait
 * for them; a tag we did not use is counted and otherwise ignored. */
static void
on_answer(reed_amp_core_t *c, const reed_amp_pair_t *tag)
{
  long long v = 0;
  char tmp[20];
  size_t n = tag->val_len < sizeof(tmp) - 1 ? tag->val_len : 0;

  memcpy(tmp, tag->val, n);
  tmp[n] = '\0';
  if (n > 0 && strspn(tmp, "0123456789abcdef") == n)
    v = (long long)strtoull(tmp, NULL, 16);
  if (v > 0 && (uint64_t)v <= c->event_tag)
    c->answered++;
  else
    c->stray++;
}

static bool
login_state_ok(reed_amp_core_t *c, const amp_cmd_t *cmd)
{
  if ((cmd->flags & AMP_CMD_LOGIN) && c->session == NULL) {
    reed__amp_error(c, "NOT_LOGGED_IN", "log in first");
    return false;
  }
  if ((cmd->flags & AMP_CMD_PRE) && c->session != NULL) {
    reed__amp_error(c, "ALREADY_LOGGED_IN", "this connection is logged in");
    return false;
  }
  return true;
}

static void
unhandled(reed_amp_core_t *c, const reed_amp_pair_t *name)
{
  char desc[300];
  int n = (int)(name->val_len > 255 ? 255 : name->val_len);

  snprintf(desc, sizeof(desc), "Unhandled Command: '%.*s'", n,
           (const char *)name->val);
  if (!reed_amp_unicode_valid((const uint8_t *)desc, strlen(desc)))
    snprintf(desc, sizeof(desc), "Unhandled Command");
  reed__amp_error(c, "UNHANDLED", desc);
}

static void
on_command(reed_amp_core_t *c, const reed_amp_box_t *box,
           const reed_amp_pair_t *name)
{
  const amp_cmd_t *cmd = reed__amp_cmd_find(name->val, name->val_len);
  amp_argv_t a;

  set_ask(c, box);
  if ((cmd == NULL || !(cmd->flags & AMP_CMD_NOCOST)) && !take_token(c)) {
    rate_limited(c);
    return;
  }
  c->refused = 0;
  if (cmd == NULL) {
    unhandled(c, name);
    return;
  }
  if (!login_state_ok(c, cmd))
    return;
  if (box->dup) {
    reed__amp_error(c, "BAD_REQUEST", "repeated key");
    return;
  }
  memset(&a, 0, sizeof(a));
  if (parse_args(c, cmd, box, &a) == 0)
    cmd->handler(c, &a);
  argv_free(&a);
}

static void
on_box(reed_amp_core_t *c, const reed_amp_box_t *box)
{
  const reed_amp_pair_t *p;

  if ((p = reed_amp_box_get(box, "_answer")) != NULL ||
      (p = reed_amp_box_get(box, "_error")) != NULL) {
    on_answer(c, p);
    return;
  }
  on_command(c, box, reed_amp_box_get(box, "_command"));
}

ssize_t
reed__amp_feed(void *core, const uint8_t *in, size_t len)
{
  reed_amp_core_t *c = core;
  size_t pos = 0;

  while (pos < len && !c->closed && !c->auth_pending) {
    reed_amp_box_t box;
    size_t used = 0;
    int rc = reed_amp_decode(&c->dec, in + pos, len - pos, &used, &box);
    pos += used;
    if (rc < 0) {
      /* A framing fault: close at once and send nothing. */
      reed__amp_close(c, rc == REED_ENOMEM ? "out of memory"
                                           : "AMP framing error");
      return rc == REED_ENOMEM ? REED_EFATAL : REED_EPROTO;
    }
    if (rc == 1)
      on_box(c, &box);
  }
  reed_amp_decoder_trim(&c->dec);
  if (c->closed)
    return (ssize_t)len;
  return (ssize_t)pos;
}

/* ---- Lifetime ----------------------------------------------------------- */

static void
login_timeout(void *arg)
{
  reed_amp_core_t *c = arg;

  c->login_timer = 0;
  if (c->session == NULL && !c->closed)
    reed__amp_closing(c, "Login timeout");
}

/* A server ban on the peer's address: Closing with the reason at once. */
static void
refuse_banned_ip(reed_amp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;
  reed_sban_view_t v;
  char why[REED_REASON_MAX + 16];

  if (peer == NULL ||
      !reed_model_sban_find(c->env->model, &(reed_sban_who_t){.ip = peer->ip},
                            &v))
    return;
  snprintf(why, sizeof(why), "Banned: %s",
           v.reason[0] != '\0' ? v.reason : "no reason given");
  reed_log(c->env->log, REED_LOG_INFO, "amp: refused %s: banned (%s)", peer->ip,
           v.target);
  reed__amp_closing(c, why);
}

int
reed__amp_conn_new(const reed_proto_env_t *env, void **core)
{
  reed_amp_core_t *c = reed_calloc(1, sizeof(*c));
  reed_clock_t *clk = env->clock;

  if (c == NULL)
    return REED_ENOMEM;
  c->env = env;
  reed_amp_decoder_init(&c->dec);
  c->tokens = (uint64_t)reed__amp_conf(c)->flood_burst * TOKEN;
  c->refill_ms = clk->now_ms(clk->c);
  if (reed__amp_conf(c)->login_timeout_ms > 0) {
    c->login_timer = clk->call_later(
        clk->c, reed__amp_conf(c)->login_timeout_ms, login_timeout, c);
    if (c->login_timer == 0) {
      reed_free(c);
      return REED_ENOMEM;
    }
  }
  *core = c;
  refuse_banned_ip(c);
  return 0;
}

void
reed__amp_tls_ready(void *core)
{
  REED_UNUSED(core);
}

void
reed__amp_label_conn(reed_amp_core_t *c, const reed_session_t *s)
{
  reed_transport_t *t = c->env->transport;
  const char *acct;
  char label[REED_NICK_MAX + REED_ACCOUNT_MAX + 16];

  if (s == NULL || t->set_label == NULL || reed_session_nick(s) == NULL)
    return;
  acct = reed_session_account(s);
  snprintf(label, sizeof(label), "%s%s%s", reed_session_nick(s),
           acct ? "/acct " : "", acct ? acct : "");
  t->set_label(t->t, label);
}

static void
end_session(reed_amp_core_t *c, const char *reason)
{
  reed_session_t *s = c->session;

  if (s != NULL) {
    c->session = NULL;
    reed__amp_label_conn(c, s);
    reed_session_quit(s, reason);
  }
}

void
reed__amp_eof(void *core, const char *reason)
{
  reed_amp_core_t *c = core;

  end_session(c, reason != NULL ? reason : "Connection closed");
  c->closed = true;
}

void
reed__amp_shutdown(void *core, int why)
{
  reed_amp_core_t *c = core;
  const char *reason =
      why == REED_SHUTDOWN_RELOAD ? "Server reloading" : "Server shutting down";

  if (c->closed)
    return;
  reed__amp_closing(c, reason);
  end_session(c, reason);
}

void
reed__amp_conn_free(void *core)
{
  reed_amp_core_t *c = core;

  if (c == NULL)
    return;
  if (c->login_timer)
    c->env->clock->cancel(c->env->clock->c, c->login_timer);
  if (c->auth_pending && c->env->portal)
    reed_portal_cancel(c->env->portal, c->env->conn_id);
  end_session(c, "Connection closed");
  reed_amp_decoder_cleanup(&c->dec);
  reed_free(c->pending_nick);
  reed_free(c->pending_ask);
  reed_free(c);
}
