/* `reed ban add|del|list`: server bans in the store, with or without a
 * running server (a running one picks the change up within a second, and
 * a new ban removes the sessions it matches).
 *
 *   reed ban add [--config FILE] [--duration DUR] TARGET [REASON...]
 *   reed ban del [--config FILE] TARGET
 *   reed ban list [--config FILE]
 *
 * TARGET is an IP address or CIDR block, a nick!user@host mask, or an
 * account name (reed_sban_parse); DUR is as reed_sban_duration_parse
 * reads it ("30m", "1h30m", "7d"); without it the ban is permanent. */
#include "app_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct ban_cmd_s {
  const char *action; /* add del list */
  const char *target;
  char reason[REED_REASON_MAX + 1];
  uint64_t duration_ms; /* 0: permanent */
} ban_cmd_t;

static uint64_t
wall_now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* RFC 3339 UTC, to the second. */
static void
format_time(uint64_t ms, char *out, size_t size)
{
  time_t t = (time_t)(ms / 1000);
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void
print_ban(void *ud, const reed_sban_view_t *b)
{
  uint64_t now = *(const uint64_t *)ud;
  char set[32], exp[32], left[32];

  format_time(b->set_ms, set, sizeof(set));
  if (b->expires_ms == 0) {
    snprintf(exp, sizeof(exp), "never");
    left[0] = '\0';
  } else {
    format_time(b->expires_ms, exp, sizeof(exp));
    if (b->expires_ms <= now)
      snprintf(left, sizeof(left), " (expired)");
    else {
      char d[24];
      reed_sban_duration_format(b->expires_ms - now, d, sizeof(d));
      snprintf(left, sizeof(left), " (in %s)", d);
    }
  }
  printf("%s %s set by %s at %s, expires %s%s: %s\n",
         reed_sban_kind_name(b->kind), b->target, b->setter, set, exp, left,
         b->reason[0] != '\0' ? b->reason : "no reason given");
}

/* The words after the target, joined by spaces. */
static int
join_reason(char *out, size_t size, int n, char **words)
{
  size_t len = 0;

  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    int w = snprintf(out + len, size - len, "%s%s", i ? " " : "", words[i]);
    if (w < 0 || (size_t)w >= size - len)
      return REED_ETOOBIG;
    len += (size_t)w;
  }
  return 0;
}

/* Parses `ban ...` (argv after "ban"); --config and --duration may come
 * anywhere before the reason. 0 or REED_EINVAL (a usage error). */
static int
parse_ban(app_t *a, int argc, char **argv, ban_cmd_t *c)
{
  char *pos[64];
  int n = 0;

  memset(c, 0, sizeof(*c));
  for (int i = 0; i < argc; i++) {
    if (n < 2 && strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      a->config_path = argv[++i];
    } else if (n < 2 && strcmp(argv[i], "--duration") == 0 && i + 1 < argc) {
      if (reed_sban_duration_parse(argv[++i], &c->duration_ms) != 0) {
        fprintf(stderr, "reed: ban: bad duration '%s' (say 30m, 1h30m, 7d)\n",
                argv[i]);
        return REED_EINVAL;
      }
    } else if (n < (int)REED_ARRAY_SIZE(pos)) {
      pos[n++] = argv[i];
    } else {
      return REED_EINVAL;
    }
  }
  if (n == 1 && strcmp(pos[0], "list") == 0 && c->duration_ms == 0) {
    c->action = "list";
    return 0;
  }
  if (n == 2 && strcmp(pos[0], "del") == 0 && c->duration_ms == 0) {
    c->action = "del";
    c->target = pos[1];
    return 0;
  }
  if (n >= 2 && strcmp(pos[0], "add") == 0) {
    c->action = "add";
    c->target = pos[1];
    if (join_reason(c->reason, sizeof(c->reason), n - 2, pos + 2) != 0) {
      fprintf(stderr, "reed: ban: the reason is too long\n");
      return REED_EINVAL;
    }
    return 0;
  }
  return REED_EINVAL;
}

static int
ban_run(app_t *a, const ban_cmd_t *c)
{
  uint64_t now = wall_now_ms();
  char canon[REED_SBAN_TARGET_MAX + 1], what[REED_SBAN_TARGET_MAX + 64];
  int kind, rc;

  if (strcmp(c->action, "list") == 0)
    return reed_store_ban_list(a->store, print_ban, &now);
  if (reed_sban_parse(c->target, &kind, canon, sizeof(canon)) != 0) {
    fprintf(stderr,
            "reed: ban %s: '%s' is not an address, CIDR block, "
            "nick!user@host mask or account name\n",
            c->action, c->target);
    return REED_EINVAL;
  }
  if (strcmp(c->action, "del") == 0) {
    rc = reed_store_ban_del(a->store, canon);
    if (rc == 0) {
      printf("ban on %s: lifted\n", canon);
      snprintf(what, sizeof(what), "ban del %s", canon);
      reed__app_cli_audit(a, what, NULL);
    } else
      fprintf(stderr, "reed: ban del %s: %s\n", canon,
              rc == REED_ENOTFOUND ? "no such ban" : reed_strerror(rc));
    return rc;
  }
  rc = reed_store_ban_add(
      a->store, &(reed_sban_view_t){
                    .target = canon,
                    .reason = c->reason,
                    .setter = "cli",
                    .set_ms = now,
                    .expires_ms = c->duration_ms ? now + c->duration_ms : 0});
  if (rc != 0) {
    fprintf(stderr, "reed: ban add %s: %s\n", canon, reed_strerror(rc));
    return rc;
  }
  if (c->duration_ms != 0) {
    char d[24];
    reed_sban_duration_format(c->duration_ms, d, sizeof(d));
    printf("ban on %s (%s): added for %s\n", canon, reed_sban_kind_name(kind),
           d);
    snprintf(what, sizeof(what), "ban add %s (%s, for %s)", canon,
             reed_sban_kind_name(kind), d);
  } else {
    printf("ban on %s (%s): added\n", canon, reed_sban_kind_name(kind));
    snprintf(what, sizeof(what), "ban add %s (%s)", canon,
             reed_sban_kind_name(kind));
  }
  reed__app_cli_audit(a, what, c->reason);
  return 0;
}

int
reed__app_ban_main(app_t *a, int argc, char **argv)
{
  ban_cmd_t c;
  int rc;

  if (parse_ban(a, argc, argv, &c) != 0)
    return 2;
  if (reed__app_load_config(a, &a->cfg) != 0)
    return 1;
  reed_log_init_stderr(&a->log, REED_LOG_WARN);
  if (reed__app_open_existing_store(a, a->cfg->server.data_dir, false) != 0) {
    reed_config_free(a->cfg);
    return 1;
  }
  rc = ban_run(a, &c);
  reed_store_close(a->store);
  reed_config_free(a->cfg);
  return rc == 0 ? 0 : 1;
}
