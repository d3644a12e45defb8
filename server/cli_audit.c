/* The audit line of a change made from the command line (`reed account`,
 * `reed ban`), in the log the server would use: the config's
 * [server] log_file when it names a file that exists, else stderr. The
 * file is never created here: made by root, it would shut the service's
 * own user out of its log. */
#include "app_int.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Who ran the command: the effective user, and the sudo caller when a
 * sudo (or a runuser under it) stands between. */
static void
cli_user(char *out, size_t size)
{
  uid_t uid = geteuid();
  const struct passwd *pw = getpwuid(uid);
  const char *sudo = getenv("SUDO_USER");
  int n;

  n = snprintf(out, size, "%s (uid %lu", pw != NULL ? pw->pw_name : "?",
               (unsigned long)uid);
  if (n < 0 || (size_t)n >= size)
    return;
  if (sudo != NULL && sudo[0] != '\0' &&
      (pw == NULL || strcmp(sudo, pw->pw_name) != 0))
    snprintf(out + n, size - (size_t)n, ", sudo from %.64s)", sudo);
  else
    snprintf(out + n, size - (size_t)n, ")");
}

void
reed__app_cli_audit(app_t *a, const char *what, const char *detail)
{
  const char *path = a->cfg != NULL ? a->cfg->server.log_file : NULL;
  char who[160];

  cli_user(who, sizeof(who));
  if (path != NULL && access(path, F_OK) == 0 &&
      reed_log_open_file(&a->log, path) != 0)
    fprintf(stderr, "reed: cannot append to the log file %s\n", path);
  /* "WHAT by WHO: DETAIL", as the IRC operators' lines read. */
  reed_audit(&a->log, "%s by %s on the command line%s%s", what, who,
             detail != NULL && detail[0] != '\0' ? ": " : "",
             detail != NULL ? detail : "");
  reed_log_close_file(&a->log);
}
