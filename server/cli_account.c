/* `reed account add|passwd|del|list|cert`: account commands on the store,
 * whether or not a server is running (a running one sees the change at the
 * next login). Only `add` may create the store: every other command refuses
 * when there is none at the resolved path, so a command run from the wrong
 * directory says so instead of making an empty ./reed-data. */
#include "app_int.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

/* ---- Account subcommands ---------------------------------------------------
 */
static void
strip_eol(char *s)
{
  size_t n = strlen(s);

  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
}

static int
prompt_password(char *buf, size_t n)
{
  struct termios old, quiet;
  FILE *tty = fopen("/dev/tty", "r+");
  int ok;

  if (tty == NULL)
    return REED_EIO;
  fputs("Password: ", tty);
  fflush(tty);
  tcgetattr(fileno(tty), &old);
  quiet = old;
  quiet.c_lflag &= ~(tcflag_t)ECHO;
  tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
  ok = fgets(buf, (int)n, tty) != NULL;
  tcsetattr(fileno(tty), TCSAFLUSH, &old);
  fputs("\n", tty);
  fclose(tty);
  return ok ? 0 : REED_EIO;
}

/* The password from stdin when it is not a terminal, else a prompt
 * without echo. */
static int
read_password(char *buf, size_t n)
{
  int rc = 0;

  buf[0] = '\0';
  if (isatty(STDIN_FILENO))
    rc = prompt_password(buf, n);
  else if (fgets(buf, (int)n, stdin) == NULL)
    rc = REED_EINVAL;
  if (rc != 0)
    return rc;
  if (strchr(buf, '\n') == NULL && strlen(buf) + 1 >= n)
    return REED_ETOOBIG;
  strip_eol(buf);
  return 0;
}

static void
print_account(void *ud, const reed_account_rec_t *rec)
{
  REED_UNUSED(ud);
  printf("%s\n", rec->name);
}

static void
print_name(void *ud, const char *name)
{
  REED_UNUSED(ud);
  printf("%s\n", name);
}

typedef struct account_cmd_s {
  /* add passwd del list cert-add cert-del oper-add oper-del oper-list */
  const char *action;
  const char *name, *fp;
  const char *data_dir; /* --data-dir, over the config's */
} account_cmd_t;

static int
account_with_password(app_t *a, const account_cmd_t *c)
{
  char pw[REED_AUTH_PASSWORD_MAX + 2];
  int level = a->cfg->server.password_hash, rc;

  if ((rc = read_password(pw, sizeof(pw))) != 0) {
    fprintf(stderr, "reed: %s\n",
            rc == REED_ETOOBIG ? "the password is too long"
                               : "no password given on standard input");
    return rc;
  }
  if (reed_auth_password_policy(pw, strlen(pw),
                                (size_t)a->cfg->server.password_min) != 0) {
    memset(pw, 0, sizeof(pw));
    fprintf(stderr,
            "reed: the password is too short: at least %d characters "
            "([server] password_min)\n",
            a->cfg->server.password_min);
    return REED_EWEAKPASSWORD;
  }
  if (strcmp(c->action, "add") == 0)
    rc = reed_auth_account_add(a->store, c->name, pw, strlen(pw), level);
  else
    rc = reed_auth_account_passwd(a->store, c->name, pw, strlen(pw), level);
  memset(pw, 0, sizeof(pw));
  return rc;
}

static int
account_run(app_t *a, const account_cmd_t *c)
{
  if (strcmp(c->action, "add") == 0 || strcmp(c->action, "passwd") == 0)
    return account_with_password(a, c);
  if (strcmp(c->action, "del") == 0)
    return reed_auth_account_del(a->store, c->name);
  if (strcmp(c->action, "list") == 0)
    return reed_store_account_list(a->store, print_account, NULL);
  if (strcmp(c->action, "cert-add") == 0)
    return reed_auth_cert_add(a->store, c->name, c->fp);
  if (strcmp(c->action, "oper-add") == 0 || strcmp(c->action, "oper-del") == 0)
    return reed_store_oper_set(a->store, c->name,
                               strcmp(c->action, "oper-add") == 0);
  if (strcmp(c->action, "oper-list") == 0)
    return reed_store_oper_list(a->store, print_name, NULL);
  return reed_auth_cert_del(a->store, c->name, c->fp);
}

static const char *const account_done[][2] = {
    {"add", "added"},
    {"passwd", "password changed"},
    {"del", "deleted"},
    {"cert-add", "certificate added"},
    {"cert-del", "certificate removed"},
    {"oper-add", "is an operator (IRC: OPER NAME PASSWORD)"},
    {"oper-del", "is no longer an operator"},
};

static void
account_report(const account_cmd_t *c, int rc)
{
  if (rc != 0) {
    fprintf(stderr, "reed: account %s%s%s: %s\n", c->action, c->name ? " " : "",
            c->name ? c->name : "",
            rc == REED_ENOTFOUND && strcmp(c->action, "oper-del") == 0
                ? "not an operator"
                : reed_strerror(rc));
    return;
  }
  for (size_t i = 0; i < REED_ARRAY_SIZE(account_done); i++)
    if (strcmp(c->action, account_done[i][0]) == 0)
      printf("account %s: %s\n", c->name, account_done[i][1]);
}

/* Every change (not the lists) gets an audit line: "account cert add
 * alice by root (uid 0) on the command line: FINGERPRINT". */
static void
account_audit(app_t *a, const account_cmd_t *c)
{
  char action[16], what[128];
  size_t dash;

  if (strcmp(c->action, "list") == 0 || strcmp(c->action, "oper-list") == 0)
    return;
  /* "cert-add" reads "cert add", as typed. */
  reed_strlcpy(action, c->action, sizeof(action));
  dash = strcspn(action, "-");
  if (action[dash] == '-')
    action[dash] = ' ';
  snprintf(what, sizeof(what), "account %s %.64s", action, c->name);
  reed__app_cli_audit(a, what, c->fp);
}

/* Parses `account ...` (argv after "account"); --config and --data-dir
 * may be anywhere. Returns 0 or REED_EINVAL. */
static int
parse_account(app_t *a, int argc, char **argv, account_cmd_t *c)
{
  const char *pos[4], *data_dir = NULL;
  int n = 0;
  static char action[16];

  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
      a->config_path = argv[++i];
    else if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc)
      data_dir = argv[++i];
    else if (n < 4)
      pos[n++] = argv[i];
    else
      return REED_EINVAL;
  }
  if (n >= 2 && strcmp(pos[0], "oper") == 0) {
    if (n == 2 && strcmp(pos[1], "list") == 0)
      *c = (account_cmd_t){.action = "oper-list"};
    else if (n == 3 && (!strcmp(pos[1], "add") || !strcmp(pos[1], "del"))) {
      snprintf(action, sizeof(action), "oper-%s", pos[1]);
      *c = (account_cmd_t){.action = action, .name = pos[2]};
    } else
      return REED_EINVAL;
  } else if (n >= 1 && strcmp(pos[0], "cert") == 0) {
    if (n != 4 || (strcmp(pos[1], "add") && strcmp(pos[1], "del")))
      return REED_EINVAL;
    snprintf(action, sizeof(action), "cert-%s", pos[1]);
    *c = (account_cmd_t){.action = action, .name = pos[2], .fp = pos[3]};
  } else if (n == 1 && strcmp(pos[0], "list") == 0) {
    *c = (account_cmd_t){.action = "list"};
  } else if (n == 2 && (!strcmp(pos[0], "add") || !strcmp(pos[0], "passwd") ||
                        !strcmp(pos[0], "del"))) {
    *c = (account_cmd_t){.action = pos[0], .name = pos[1]};
  } else {
    return REED_EINVAL;
  }
  c->data_dir = data_dir;
  return 0;
}

/* Opens DIR/reed.db; only `add` creates it (and the dir) when missing. */
static int
open_store(app_t *a, const account_cmd_t *c)
{
  const char *dir = c->data_dir ? c->data_dir : a->cfg->server.data_dir;

  if (strcmp(c->action, "add") == 0)
    return reed__app_open_store_at(a, dir, false);
  return reed__app_open_existing_store(a, dir, c->data_dir != NULL);
}

int
reed__app_account_main(app_t *a, int argc, char **argv)
{
  account_cmd_t c;
  int rc;

  if (parse_account(a, argc, argv, &c) != 0)
    return 2;
  if (reed__app_load_config(a, &a->cfg) != 0)
    return 1;
  reed_log_init_stderr(&a->log, REED_LOG_WARN);
  if (open_store(a, &c) != 0) {
    reed_config_free(a->cfg);
    return 1;
  }
  rc = account_run(a, &c);
  account_report(&c, rc);
  if (rc == 0)
    account_audit(a, &c);
  reed_store_close(a->store);
  reed_config_free(a->cfg);
  return rc == 0 ? 0 : 1;
}
