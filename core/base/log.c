/* Logging that folds identical consecutive lines ("repeated N times"). */
#include "base.h"

#include <stdio.h>
#include <string.h>

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

static void
stderr_emit(void *ud, int level, const char *line)
{
  REED_UNUSED(ud);
  fprintf(stderr, "%s %s\n", level_names[level & 3], line);
  fflush(stderr);
}

void
reed_log_init_stderr(reed_log_t *log, int min_level)
{
  memset(log, 0, sizeof(*log));
  log->emit = stderr_emit;
  log->min_level = min_level;
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
