/* The operators' server commands: REHASH (what SIGHUP does) and STATS.
 * STATS letters (documented in protocols/irc/README.md):
 *   u  uptime (242), for everyone
 *   p  connections and users per protocol (249), operators
 *   k  server bans, also `b` (216: K target kind setter expiry :reason),
 *      operators
 *   l  listeners with their bound address (249), operators
 * Each ends with 219. */
#include "irc_int.h"

#include <stdio.h>
#include <string.h>

static bool
need_oper(reed_irc_core_t *c)
{
  if (reed_session_is_oper(c->session))
    return true;
  reed__irc_num(c, ERR_NOPRIVILEGES,
                ":Permission Denied- You're not an IRC operator");
  return false;
}

void
reed__irc_cmd_rehash(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const reed_host_t *h = c->env->host;

  REED_UNUSED(m);
  if (!need_oper(c))
    return;
  if (h == NULL || h->reload == NULL) {
    reed__irc_send(c, ":%s FAIL REHASH UNAVAILABLE :No reload in this server",
                   IRC_SERVER(c));
    return;
  }
  reed_audit(c->env->log, "REHASH by %s", reed__irc_nick(c));
  reed__irc_num(c, RPL_REHASHING, "reed.ini :Rehashing");
  h->reload(h->ud);
}

static void
stats_uptime(reed_irc_core_t *c)
{
  const reed_host_t *h = c->env->host;
  uint64_t now = c->clock->wall_ms(c->clock->c), up;

  up = h != NULL && h->started_ms != 0 && now > h->started_ms
           ? (now - h->started_ms) / 1000
           : 0;
  reed__irc_num(
      c, RPL_STATSUPTIME, ":Server Up %llu days %llu:%02llu:%02llu",
      (unsigned long long)(up / 86400), (unsigned long long)(up / 3600 % 24),
      (unsigned long long)(up / 60 % 60), (unsigned long long)(up % 60));
}

/* Module names seen among the listeners, each once. */
typedef struct {
  reed_irc_core_t *c;
  char names[16][16];
  size_t n;
} protos_t;

static void
collect_proto(void *ud, const char *module, const char *kind, const char *addr,
              unsigned port)
{
  protos_t *p = ud;

  REED_UNUSED(kind);
  REED_UNUSED(addr);
  REED_UNUSED(port);
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->names[i], module) == 0)
      return;
  if (p->n < REED_ARRAY_SIZE(p->names))
    reed_strlcpy(p->names[p->n++], module, sizeof(p->names[0]));
}

static void
stats_protocols(reed_irc_core_t *c)
{
  const reed_host_t *h = c->env->host;
  protos_t p = {.c = c};

  if (h != NULL && h->each_listener != NULL)
    h->each_listener(h->ud, collect_proto, &p);
  for (size_t i = 0; i < p.n; i++)
    reed__irc_num(c, RPL_STATSDEBUG, "p :%s %zu connections, %zu users",
                  p.names[i],
                  h->connections ? h->connections(h->ud, p.names[i]) : 0,
                  reed_model_sessions_of(c->env->model, p.names[i]));
}

static void
one_listener(void *ud, const char *module, const char *kind, const char *addr,
             unsigned port)
{
  reed__irc_num(ud, RPL_STATSDEBUG, "l :%s %s %s %u", module, kind, addr, port);
}

static void
stats_listeners(reed_irc_core_t *c)
{
  const reed_host_t *h = c->env->host;

  if (h != NULL && h->each_listener != NULL)
    h->each_listener(h->ud, one_listener, c);
}

static void
one_ban(void *ud, const reed_sban_view_t *b)
{
  reed_irc_core_t *c = ud;
  char left[32];

  reed__irc_ban_expiry(b, left, sizeof(left));
  reed__irc_num(c, RPL_STATSKLINE, "K %s %s %s %s :%s", b->target,
                reed_sban_kind_name(b->kind), b->setter, left, b->reason);
}

void
reed__irc_cmd_stats(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  char letter = m->n_params > 0 && m->params[0][0] ? m->params[0][0] : '*';

  switch (letter) {
  case 'u':
    stats_uptime(c);
    break;
  case 'p':
    if (need_oper(c))
      stats_protocols(c);
    break;
  case 'k':
  case 'K':
  case 'b':
    if (need_oper(c))
      reed_model_sban_each(c->env->model, one_ban, c);
    break;
  case 'l':
    if (need_oper(c))
      stats_listeners(c);
    break;
  default:
    break;
  }
  reed__irc_num(c, RPL_ENDOFSTATS, "%c :End of /STATS report", letter);
}
