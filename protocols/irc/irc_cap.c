/* CAP (IRCv3 capability negotiation, version 302 with values and
 * cap-notify): LS, LIST, REQ (all or nothing), END. */
#include "irc_int.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
  const char *name;
  uint32_t bit;      /* 0: listed but not requestable (sts) */
  bool needs_portal; /* offered only when SASL can run */
} cap_def_t;

static const cap_def_t caps[] = {
    {"account-notify", IRC_CAP_ACCOUNT_NOTIFY, false},
    {"account-tag", IRC_CAP_ACCOUNT_TAG, false},
    {"away-notify", IRC_CAP_AWAY_NOTIFY, false},
    {"batch", IRC_CAP_BATCH, false},
    {"cap-notify", IRC_CAP_CAP_NOTIFY, false},
    {"chghost", IRC_CAP_CHGHOST, false},
    {"draft/account-registration", IRC_CAP_ACCOUNT_REGISTRATION, true},
    {"draft/chathistory", IRC_CAP_CHATHISTORY, false},
    {"draft/message-redaction", IRC_CAP_MESSAGE_REDACTION, false},
    {"draft/multiline", IRC_CAP_MULTILINE, false},
    {"draft/no-implicit-names", IRC_CAP_NO_IMPLICIT_NAMES, false},
    {"draft/pre-away", IRC_CAP_PRE_AWAY, false},
    {"draft/read-marker", IRC_CAP_READ_MARKER, false},
    {"echo-message", IRC_CAP_ECHO_MESSAGE, false},
    {"extended-join", IRC_CAP_EXTENDED_JOIN, false},
    {"extended-monitor", IRC_CAP_EXTENDED_MONITOR, false},
    {"invite-notify", IRC_CAP_INVITE_NOTIFY, false},
    {"labeled-response", IRC_CAP_LABELED_RESPONSE, false},
    {"message-tags", IRC_CAP_MESSAGE_TAGS, false},
    {"multi-prefix", IRC_CAP_MULTI_PREFIX, false},
    {"sasl", IRC_CAP_SASL, true},
    {"server-time", IRC_CAP_SERVER_TIME, false},
    {"setname", IRC_CAP_SETNAME, false},
    {"sts", 0, false},
    {"userhost-in-names", IRC_CAP_USERHOST_IN_NAMES, false},
};

/* STS (IRCv3 sts): a plain connection learns the TLS port, a TLS one the
 * policy's duration; nothing is listed without an `sts_port`. */
static bool
sts_offered(const reed_irc_core_t *c)
{
  return IRC_CONF(c)->sts_port > 0;
}

static bool
offered(const reed_irc_core_t *c, const cap_def_t *d)
{
  if (d->bit == 0)
    return sts_offered(c);
  return !d->needs_portal || c->env->portal != NULL;
}

static const cap_def_t *
cap_find(const reed_irc_core_t *c, const char *name, size_t len)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(caps); i++) {
    if (strlen(caps[i].name) == len && memcmp(caps[i].name, name, len) == 0)
      return offered(c, &caps[i]) && caps[i].bit != 0 ? &caps[i] : NULL;
  }
  return NULL;
}

/* draft/account-registration's value: "before-connect", "email-required"
 * as configured. */
static void
reg_cap_value(const reed_irc_core_t *c, char *out, size_t size)
{
  bool before = IRC_CONF(c)->register_before_connect;
  bool email = IRC_CONF(c)->register_requires_email;

  if (before || email)
    snprintf(out, size, "%s%s%s", before ? "before-connect" : "",
             before && email ? "," : "", email ? "email-required" : "");
}

static void
sts_value(const reed_irc_core_t *c, char *out, size_t size)
{
  const reed_irc_conf_t *conf = IRC_CONF(c);

  if (!c->tr->peer(c->tr->t)->tls)
    snprintf(out, size, "port=%d", conf->sts_port);
  else
    snprintf(out, size, "duration=%" PRIu64 "%s", conf->sts_duration_ms / 1000,
             conf->sts_preload ? ",preload" : "");
}

/* A cap's value for CAP LS 302, "" when it has none. */
static void
cap_value(const reed_irc_core_t *c, const cap_def_t *d, char *out, size_t size)
{
  out[0] = '\0';
  if (d->bit == IRC_CAP_SASL)
    reed_strlcpy(out, "PLAIN,SCRAM-SHA-256,EXTERNAL", size);
  else if (d->bit == IRC_CAP_ACCOUNT_REGISTRATION)
    reg_cap_value(c, out, size);
  else if (d->bit == IRC_CAP_MULTILINE)
    snprintf(out, size, "max-bytes=%zu,max-lines=%zu",
             reed__irc_ml_max_bytes(c), reed__irc_ml_max_lines(c));
  else if (d->bit == 0)
    sts_value(c, out, size);
}

/* Sends the offered caps (those in `only`, when not 0) in lines of at most
 * ~400 bytes of list: with 302 every line but the last has a "*" before
 * the list (CAP LS and LIST continuation). */
static void
cap_send(reed_irc_core_t *c, const char *sub, uint32_t only, bool values)
{
  char list[420], value[96];
  size_t n = 0;
  bool multi = c->cap_version >= 302;

  list[0] = '\0';
  for (size_t i = 0; i < REED_ARRAY_SIZE(caps); i++) {
    const cap_def_t *d = &caps[i];
    char item[160];
    size_t len;
    if (!offered(c, d) || (only && !(only & d->bit)))
      continue;
    value[0] = '\0';
    if (values)
      cap_value(c, d, value, sizeof(value));
    len = (size_t)snprintf(item, sizeof(item), "%s%s%s", d->name,
                           value[0] ? "=" : "", value);
    if (multi && n > 0 && n + 1 + len > 400) {
      reed__irc_send(c, ":%s CAP %s %s * :%s", IRC_SERVER(c), reed__irc_nick(c),
                     sub, list);
      n = 0;
    }
    if (n + 1 + len < sizeof(list))
      n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", n ? " " : "",
                            item);
  }
  reed__irc_send(c, ":%s CAP %s %s :%s", IRC_SERVER(c), reed__irc_nick(c), sub,
                 list);
}

static void
cap_ls(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  if (m->n_params > 1 && strtol(m->params[1], NULL, 10) >= 302) {
    c->cap_version = 302;
    c->caps |= IRC_CAP_CAP_NOTIFY; /* implied by 302 */
  }
  cap_send(c, "LS", 0, c->cap_version >= 302);
}

static void
cap_list_enabled(reed_irc_core_t *c)
{
  if (c->caps == 0)
    reed__irc_send(c, ":%s CAP %s LIST :", IRC_SERVER(c), reed__irc_nick(c));
  else
    cap_send(c, "LIST", c->caps, false);
}

/* Applies every change of a REQ or none: returns false on any unknown cap. */
static bool
cap_apply(reed_irc_core_t *c, const char *req, bool commit)
{
  const char *p = req;

  while (*p != '\0') {
    size_t n;
    bool minus;
    const cap_def_t *d;
    while (*p == ' ')
      p++;
    if (*p == '\0')
      break;
    minus = *p == '-';
    p += minus;
    n = strcspn(p, " ");
    d = cap_find(c, p, n);
    if (d == NULL)
      return false;
    if (commit && minus)
      c->caps &= ~d->bit;
    else if (commit)
      c->caps |= d->bit;
    p += n;
  }
  return true;
}

static void
cap_req(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *req = m->n_params > 1 ? m->params[1] : "";
  bool ok = cap_apply(c, req, false);

  if (ok)
    cap_apply(c, req, true);
  reed__irc_send(c, ":%s CAP %s %s :%.400s", IRC_SERVER(c), reed__irc_nick(c),
                 ok ? "ACK" : "NAK", req);
}

void
reed__irc_cmd_cap(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const char *sub = m->params[0];
  bool reg = (c->state & IRC_ST_REG) != 0;

  if (strcasecmp(sub, "LS") == 0 || strcasecmp(sub, "REQ") == 0) {
    if (!reg)
      c->state |= IRC_ST_CAPNEG;
    if (strcasecmp(sub, "LS") == 0)
      cap_ls(c, m);
    else
      cap_req(c, m);
  } else if (strcasecmp(sub, "LIST") == 0) {
    cap_list_enabled(c);
  } else if (strcasecmp(sub, "END") == 0) {
    if (!reg) {
      c->state &= ~IRC_ST_CAPNEG;
      reed__irc_try_register(c);
    }
  } else {
    reed__irc_num(c, ERR_INVALIDCAPCMD, "%.32s :Invalid CAP command", sub);
  }
}
