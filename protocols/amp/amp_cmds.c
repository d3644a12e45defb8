/* The amp-chat command table (data, with argument schemas) and the
 * connection-level commands: Login, Register, StartTLS, Ping, Quit,
 * SetNick. Room and message commands live in amp_cmd_room.c. */
#include "amp_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void reed__amp_cmd_affiliations(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_ban(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_unban(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_join(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_leave(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_say(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_tell(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_set_topic(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_list_rooms(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_members(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_history(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_kill(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_server_ban(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_server_unban(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_server_bans(reed_amp_core_t *c, const amp_argv_t *a);
void reed__amp_cmd_set_affiliation(reed_amp_core_t *c, const amp_argv_t *a);

static void cmd_login(reed_amp_core_t *c, const amp_argv_t *a);
static void cmd_register(reed_amp_core_t *c, const amp_argv_t *a);
static void cmd_start_tls(reed_amp_core_t *c, const amp_argv_t *a);
static void cmd_ping(reed_amp_core_t *c, const amp_argv_t *a);
static void cmd_quit(reed_amp_core_t *c, const amp_argv_t *a);
static void cmd_set_nick(reed_amp_core_t *c, const amp_argv_t *a);

#define U AMP_T_UNICODE
#define ROOM                                                                   \
  {                                                                            \
    "room", U, AMP_SYN_ROOM, false, 1, REED_ROOM_MAX                           \
  }
#define TEXT                                                                   \
  {                                                                            \
    "text", U, AMP_SYN_TEXT, false, 1, 4096                                    \
  }
#define KIND                                                                   \
  {                                                                            \
    "kind", AMP_T_STRING, AMP_SYN_KIND, true, 0, 0                             \
  }
#define ACCOUNT                                                                \
  {                                                                            \
    "account", U, AMP_SYN_ACCOUNT, false, 1, REED_ACCOUNT_MAX                  \
  }
#define CREDS                                                                  \
  {"username", U, AMP_SYN_ACCOUNT, false, 1, REED_ACCOUNT_MAX},                \
      {"password", U, AMP_SYN_ANY, false, 1, 512},                             \
  {                                                                            \
    "nick", U, AMP_SYN_NICK, true, 1, REED_NICK_MAX                            \
  }

#define SBAN_TARGET                                                            \
  {                                                                            \
    "target", U, AMP_SYN_ANY, false, 1, REED_SBAN_TARGET_MAX                   \
  }

/* Sorted by name (strcmp) for bsearch. */
static const amp_cmd_t commands[] = {
    {"Affiliations",
     reed__amp_cmd_affiliations,
     AMP_CMD_LOGIN,
     {ROOM, {"which", AMP_T_STRING, AMP_SYN_ANY, true, 1, 16}}},
    {"Ban", reed__amp_cmd_ban, AMP_CMD_LOGIN, {ROOM, ACCOUNT}},
    {"History",
     reed__amp_cmd_history,
     AMP_CMD_LOGIN,
     {ROOM,
      {"before", AMP_T_STRING, AMP_SYN_ANY, true, 1, 64},
      {"limit", AMP_T_INT, AMP_SYN_ANY, true, 0, 0}}},
    {"Join",
     reed__amp_cmd_join,
     AMP_CMD_LOGIN,
     {ROOM, {"key", U, AMP_SYN_KEY, true, 1, REED_KEY_MAX}}},
    {"Kill",
     reed__amp_cmd_kill,
     AMP_CMD_LOGIN,
     {{"nick", U, AMP_SYN_NICK, false, 1, REED_NICK_MAX},
      {"reason", U, AMP_SYN_LINE, true, 0, REED_REASON_MAX}}},
    {"Leave",
     reed__amp_cmd_leave,
     AMP_CMD_LOGIN,
     {ROOM, {"reason", U, AMP_SYN_LINE, true, 0, REED_REASON_MAX}}},
    {"ListRooms",
     reed__amp_cmd_list_rooms,
     AMP_CMD_LOGIN,
     {{"after", U, AMP_SYN_ANY, true, 0, 0}}},
    {"Login", cmd_login, AMP_CMD_PRE, {CREDS}},
    {"Members",
     reed__amp_cmd_members,
     AMP_CMD_LOGIN,
     {ROOM, {"after", U, AMP_SYN_ANY, true, 0, 0}}},
    {"Ping", cmd_ping, AMP_CMD_NOCOST, {{0}}},
    {"Quit",
     cmd_quit,
     0,
     {{"reason", U, AMP_SYN_LINE, true, 0, REED_REASON_MAX}}},
    {"Register", cmd_register, AMP_CMD_PRE, {CREDS}},
    {"Say", reed__amp_cmd_say, AMP_CMD_LOGIN, {ROOM, TEXT, KIND}},
    {"ServerBan",
     reed__amp_cmd_server_ban,
     AMP_CMD_LOGIN,
     {SBAN_TARGET,
      {"reason", U, AMP_SYN_LINE, true, 0, REED_REASON_MAX},
      {"duration", AMP_T_STRING, AMP_SYN_ANY, true, 1, 32}}},
    {"ServerBans", reed__amp_cmd_server_bans, AMP_CMD_LOGIN, {{0}}},
    {"ServerUnban", reed__amp_cmd_server_unban, AMP_CMD_LOGIN, {SBAN_TARGET}},
    {"SetAffiliation",
     reed__amp_cmd_set_affiliation,
     AMP_CMD_LOGIN,
     {ROOM,
      ACCOUNT,
      {"affiliation", AMP_T_STRING, AMP_SYN_ANY, false, 1, 16},
      {"reason", U, AMP_SYN_LINE, true, 0, REED_REASON_MAX}}},
    {"SetNick",
     cmd_set_nick,
     AMP_CMD_LOGIN,
     {{"nick", U, AMP_SYN_NICK, false, 1, REED_NICK_MAX}}},
    {"SetTopic",
     reed__amp_cmd_set_topic,
     AMP_CMD_LOGIN,
     {ROOM, {"topic", U, AMP_SYN_LINE, false, 0, REED_TOPIC_MAX}}},
    {"StartTLS", cmd_start_tls, 0, {{0}}},
    {"Tell",
     reed__amp_cmd_tell,
     AMP_CMD_LOGIN,
     {{"user", U, AMP_SYN_NICK, false, 1, REED_NICK_MAX}, TEXT, KIND}},
    {"Unban", reed__amp_cmd_unban, AMP_CMD_LOGIN, {ROOM, ACCOUNT}},
};

typedef struct {
  const uint8_t *p;
  size_t len;
} name_key_t;

static int
cmd_cmp(const void *key, const void *elem)
{
  const name_key_t *k = key;
  const char *name = ((const amp_cmd_t *)elem)->name;
  size_t n = strlen(name);
  int r = memcmp(k->p, name, k->len < n ? k->len : n);

  if (r != 0)
    return r;
  return k->len < n ? -1 : k->len > n;
}

const amp_cmd_t *
reed__amp_cmd_find(const uint8_t *name, size_t len)
{
  name_key_t k = {.p = name, .len = len};

  return bsearch(&k, commands, REED_ARRAY_SIZE(commands), sizeof(commands[0]),
                 cmd_cmp);
}

/* ---- Login and Register ------------------------------------------------- */

static void
portal_cb(void *ud, uint64_t req_id, int status, const char *account)
{
  REED_UNUSED(req_id);
  reed__amp_auth_done(ud, status, account);
}

static void
auth_failed(reed_amp_core_t *c, int err)
{
  if (err == REED_EAUTH)
    reed__amp_error(c, "UNAUTHORIZED", "invalid username or password");
  else
    reed__amp_error_code(c, err);
  if (++c->failures >= reed__amp_conf(c)->max_login_failures && !c->closed)
    reed__amp_closing(c, "Too many failed logins");
}

/* Holds back later boxes until the portal answers, unless it already did
 * (an inline worker answers inside the call). */
static void
auth_started(reed_amp_core_t *c, int rc)
{
  reed_transport_t *t = c->env->transport;

  if (rc < 0) {
    c->auth_pending = false;
    auth_failed(c, rc);
    return;
  }
  if (c->auth_pending) {
    c->paused = true;
    t->pause_reading(t->t, true);
  }
}

/* Keeps what the answer needs once the portal calls back. Returns 0 or
 * REED_ENOMEM. */
static int
auth_begin(reed_amp_core_t *c, const amp_argv_t *a, bool reg)
{
  reed_free(c->pending_ask);
  reed_free(c->pending_nick);
  c->pending_ask = NULL;
  c->pending_nick = NULL;
  c->pending_has_ask = c->has_ask;
  c->pending_ask_len = c->ask_len;
  if (c->has_ask && (c->pending_ask = reed_malloc(c->ask_len + 1)) == NULL)
    return REED_ENOMEM;
  if (c->has_ask)
    memcpy(c->pending_ask, c->ask, c->ask_len);
  if (a->set[2] && (c->pending_nick = reed_strdup(a->s[2])) == NULL)
    return REED_ENOMEM;
  c->pending_register = reg;
  c->auth_pending = true;
  return 0;
}

static const char *
peer_ip(reed_amp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *p = t->peer ? t->peer(t->t) : NULL;

  return p ? p->ip : NULL;
}

static void
cmd_login(reed_amp_core_t *c, const amp_argv_t *a)
{
  int rc;

  if ((rc = auth_begin(c, a, false)) < 0) {
    reed__amp_error_code(c, rc);
    return;
  }
  rc = reed_portal_login_password(c->env->portal, a->s[0], a->s[1], a->len[1],
                                  peer_ip(c), portal_cb, c, c->env->conn_id);
  auth_started(c, rc);
}

/* A nick held by someone other than this account cannot be had; checked
 * before an account is created for it. */
static bool
nick_free_for(reed_amp_core_t *c, const char *nick, const char *account)
{
  reed_person_view_t pv;

  if (reed_casecmp(nick, account) == 0)
    return true;
  if (reed_model_account_exists(c->env->model, nick))
    return false;
  return reed_model_find_nick(c->env->model, nick, &pv) != 0;
}

static void
cmd_register(reed_amp_core_t *c, const amp_argv_t *a)
{
  int rc;

  if (!nick_free_for(c, a->set[2] ? a->s[2] : a->s[0], a->s[0])) {
    reed__amp_error(c, "NICK_IN_USE", "that nick is in use");
    return;
  }
  if ((rc = auth_begin(c, a, true)) < 0) {
    reed__amp_error_code(c, rc);
    return;
  }
  rc = reed_portal_register(c->env->portal, a->s[0], a->s[1], a->len[1], NULL,
                            portal_cb, c, c->env->conn_id);
  auth_started(c, rc);
}

static void
answer_login(reed_amp_core_t *c)
{
  reed_amp_enc_t e;

  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "user", reed_session_account(c->session));
  reed_amp_enc_str(&e, "nick", reed_session_nick(c->session));
  if (reed_session_is_oper(c->session))
    reed_amp_enc_bool(&e, "operator", true);
  reed__amp_answer(c, &e);
}

static void
resume(reed_amp_core_t *c)
{
  reed_transport_t *t = c->env->transport;

  c->auth_pending = false;
  if (c->paused) {
    c->paused = false;
    t->pause_reading(t->t, false);
  }
}

void
reed__amp_auth_done(reed_amp_core_t *c, int status, const char *account)
{
  int rc;

  c->ask = c->pending_ask;
  c->ask_len = c->pending_ask_len;
  c->has_ask = c->pending_has_ask;
  if (c->closed) {
    /* Closed while the hash ran (login timeout, shutdown): no session. */
  } else if (status < 0) {
    auth_failed(c, status);
  } else if ((rc = reed__amp_session_start(c, account, c->pending_nick)) < 0) {
    if (rc != REED_EBANNED) /* a server ban answered and closed already */
      reed__amp_error_code(c, rc);
  } else {
    if (c->login_timer)
      c->env->clock->cancel(c->env->clock->c, c->login_timer);
    c->login_timer = 0;
    answer_login(c);
  }
  reed_free(c->pending_nick);
  reed_free(c->pending_ask);
  c->pending_nick = NULL;
  c->pending_ask = NULL;
  c->has_ask = false;
  resume(c);
}

int
reed__amp_session_start(reed_amp_core_t *c, const char *account,
                        const char *nick)
{
  const reed_peer_t *peer = c->env->transport->peer
                                ? c->env->transport->peer(c->env->transport->t)
                                : NULL;
  reed_session_info_t info = {
      .origin = "amp",
      .user = account,
      .host = "amp",
      .ip = peer ? peer->ip : NULL,
      .realname = account,
      .listener = &reed__amp_listener,
      .ud = c,
  };
  reed_session_t *s;
  reed_sban_view_t ban;
  int rc = reed_session_new(c->env->model, &info, &s);

  if (rc < 0)
    return rc;
  if ((rc = reed_session_login(s, account)) == 0)
    rc = reed_session_set_nick(s, nick ? nick : account);
  if (rc < 0) {
    reed_session_quit(s, NULL);
    return rc;
  }
  if (reed_session_sban(s, &ban)) {
    char why[REED_REASON_MAX + 16];
    snprintf(why, sizeof(why), "Banned: %s",
             ban.reason[0] != '\0' ? ban.reason : "no reason given");
    reed_log(c->env->log, REED_LOG_INFO, "amp: refused %s: banned (%s)",
             peer ? peer->ip : "?", ban.target);
    reed_session_quit(s, why);
    reed__amp_error(c, "BANNED", why);
    reed__amp_closing(c, why);
    return REED_EBANNED;
  }
  c->session = s;
  reed__amp_oper_login(c, s, account);
  return 0;
}

/* ---- Other connection commands ----------------------------------------- */

static void
cmd_start_tls(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;

  REED_UNUSED(a);
  if (c->tls_started || (peer && peer->tls)) {
    reed__amp_error(c, "TLS_ERROR", "TLS is already active");
    return;
  }
  if (!reed__amp_conf(c)->starttls || t->start_tls == NULL) {
    reed__amp_error(c, "TLS_ERROR", "TLS not available");
    return;
  }
  /* The answer goes out in plain text; the handshake starts after it. */
  reed__amp_answer_empty(c);
  c->tls_started = true;
  if (t->start_tls(t->t) < 0)
    reed__amp_close(c, "TLS handshake could not start");
}

static void
cmd_ping(reed_amp_core_t *c, const amp_argv_t *a)
{
  reed_amp_enc_t e;

  REED_UNUSED(a);
  reed_amp_enc_init(&e);
  reed_amp_enc_time(&e, "time", (int64_t)reed__amp_now_us(c));
  reed__amp_answer(c, &e);
}

static void
cmd_quit(reed_amp_core_t *c, const amp_argv_t *a)
{
  const char *reason = a->set[0] ? a->s[0] : "Quit";
  reed_session_t *s = c->session;

  reed__amp_answer_empty(c);
  reed__amp_label_conn(c, s);
  c->session = NULL;
  if (s != NULL)
    reed_session_quit(s, reason);
  reed__amp_close(c, "Quit");
}

static void
cmd_set_nick(reed_amp_core_t *c, const amp_argv_t *a)
{
  int rc = reed_session_set_nick(c->session, a->s[0]);
  reed_amp_enc_t e;

  if (rc < 0) {
    reed__amp_error_code(c, rc);
    return;
  }
  reed_amp_enc_init(&e);
  reed_amp_enc_str(&e, "nick", reed_session_nick(c->session));
  reed__amp_answer(c, &e);
}
