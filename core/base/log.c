/* Logging that folds identical consecutive lines ("repeated N times"), and
 * the process sink: stderr or a log file, each line stamped with RFC 3339
 * UTC time unless stderr is the journal (which stamps lines itself). */
#include "base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
/* syslog priorities for the journal: debug, info, warning, err. */
static const int level_prio[] = {7, 6, 4, 3};

int
reed_log_format(char *out, size_t size, int64_t unix_ms, int level,
                const char *line, int style)
{
  struct tm tm;
  time_t secs;

  level &= 3;
  if (style == REED_LOG_STYLE_JOURNAL)
    return snprintf(out, size, "<%d>%s %s", level_prio[level],
                    level_names[level], line);
  secs = (time_t)(unix_ms / 1000);
  if (unix_ms < 0 || gmtime_r(&secs, &tm) == NULL)
    memset(&tm, 0, sizeof(tm));
  return snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ %s %s",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min, tm.tm_sec, (int)(unix_ms % 1000),
                  level_names[level], line);
}

bool
reed_log_parse_journal_stream(const char *value, unsigned long long *dev,
                              unsigned long long *ino)
{
  char *end;

  /* "DEV:INO", both decimal (systemd.exec(5)). */
  if (value == NULL || *value < '0' || *value > '9')
    return false;
  errno = 0;
  *dev = strtoull(value, &end, 10);
  if (errno != 0 || *end != ':' || end[1] < '0' || end[1] > '9')
    return false;
  *ino = strtoull(end + 1, &end, 10);
  return errno == 0 && *end == '\0';
}

/* stderr is the journal when JOURNAL_STREAM names stderr's own device and
 * inode; a child that inherited the variable but not the stream is not. */
static bool
stderr_is_journal(void)
{
  unsigned long long dev, ino;
  struct stat st;

  if (!reed_log_parse_journal_stream(getenv("JOURNAL_STREAM"), &dev, &ino))
    return false;
  if (fstat(2, &st) != 0)
    return false;
  return (unsigned long long)st.st_dev == dev &&
         (unsigned long long)st.st_ino == ino;
}

static int64_t
now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sink_emit(void *ud, int level, const char *line)
{
  reed_log_t *log = ud;
  char out[sizeof(log->last) + 64];
  FILE *f = log->file != NULL ? log->file : stderr;
  int style = log->file != NULL ? REED_LOG_STYLE_STAMPED : log->style;

  reed_log_format(out, sizeof(out), now_ms(), level, line, style);
  fprintf(f, "%s\n", out);
  fflush(f);
}

void
reed_log_init_stderr(reed_log_t *log, int min_level)
{
  memset(log, 0, sizeof(*log));
  log->emit = sink_emit;
  log->ud = log;
  log->min_level = min_level;
  log->style =
      stderr_is_journal() ? REED_LOG_STYLE_JOURNAL : REED_LOG_STYLE_STAMPED;
}

int
reed_log_open_file(reed_log_t *log, const char *path)
{
  FILE *f;

  if (strlen(path) >= sizeof(log->path))
    return REED_EINVAL;
  f = fopen(path, "a");
  if (f == NULL)
    return REED_EIO;
  reed_log_flush(log);
  if (log->file != NULL)
    fclose(log->file);
  log->file = f;
  memcpy(log->path, path, strlen(path) + 1);
  return 0;
}

int
reed_log_reopen(reed_log_t *log)
{
  char path[sizeof(log->path)];

  if (log->file == NULL)
    return 0;
  memcpy(path, log->path, sizeof(path));
  return reed_log_open_file(log, path);
}

void
reed_log_close_file(reed_log_t *log)
{
  reed_log_flush(log);
  if (log->file != NULL)
    fclose(log->file);
  log->file = NULL;
  log->path[0] = '\0';
}

void
reed_log_flush(reed_log_t *log)
{
  char line[64];

  if (log->repeats == 0)
    return;
  snprintf(line, sizeof(line), "last message repeated %lu more times",
           log->repeats);
  log->repeats = 0;
  log->emit(log->ud, log->last_level, line);
}

void
reed_logv(reed_log_t *log, int level, const char *fmt, va_list ap)
{
  char line[sizeof(log->last)];

  if (log == NULL || level < log->min_level)
    return;
  vsnprintf(line, sizeof(line), fmt, ap);
  if (level == log->last_level && strcmp(line, log->last) == 0) {
    log->repeats++;
    return;
  }
  reed_log_flush(log);
  memcpy(log->last, line, sizeof(line));
  log->last_level = level;
  log->emit(log->ud, level, line);
}

void
reed_log(reed_log_t *log, int level, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  reed_logv(log, level, fmt, ap);
  va_end(ap);
}

void
reed_audit(reed_log_t *log, const char *fmt, ...)
{
  char line[sizeof(log->last)];
  int n;
  va_list ap;

  /* A level above ERROR silences a logger (tests); else audit shows. */
  if (log == NULL || log->min_level > REED_LOG_ERROR)
    return;
  n = snprintf(line, sizeof(line), "audit: ");
  va_start(ap, fmt);
  vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
  va_end(ap);
  /* Audit lines are never hidden by the level and never folded away. */
  reed_log_flush(log);
  log->last[0] = '\0';
  log->emit(log->ud, REED_LOG_INFO, line);
}
