#include "echo_module.h"

#include <stdio.h>
#include <string.h>

size_t echo_max_feed;

typedef struct {
  const reed_proto_env_t *env;
  char line[256];
  size_t len;
  bool waiting; /* a job is queued; input is held back */
} echo_t;

static void
say(echo_t *e, const char *text)
{
  reed_buf_t *b = reed_buf_from(text, strlen(text));

  if (b == NULL)
    return;
  e->env->transport->write(e->env->transport->t, b);
  reed_buf_unref(b);
}

static void
job(void *arg)
{
  REED_UNUSED(arg);
}

static void
job_done(void *arg, int status)
{
  echo_t *e = arg;

  REED_UNUSED(status);
  e->waiting = false;
  say(e, "resumed\n");
  e->env->transport->pause_reading(e->env->transport->t, false);
}

static void
on_line(echo_t *e)
{
  char out[300];

  snprintf(out, sizeof(out), "echo: %.*s\n", (int)e->len, e->line);
  say(e, out);
  if (e->len == 4 && memcmp(e->line, "wait", 4) == 0) {
    e->waiting = true;
    e->env->transport->pause_reading(e->env->transport->t, true);
    e->env->worker->submit(e->env->worker->w, job, job_done, e);
  }
  e->len = 0;
}

static ssize_t
echo_feed(void *core, const uint8_t *in, size_t len)
{
  echo_t *e = core;
  size_t i = 0;

  if (len > echo_max_feed)
    echo_max_feed = len;
  for (; i < len && !e->waiting; i++) {
    if (in[i] == '\n')
      on_line(e);
    else if (in[i] != '\r' && e->len < sizeof(e->line))
      e->line[e->len++] = (char)in[i];
  }
  return (ssize_t)i;
}

static int
echo_new(const reed_proto_env_t *env, void **core)
{
  echo_t *e = reed_calloc(1, sizeof(*e));

  if (e == NULL)
    return REED_ENOMEM;
  e->env = env;
  *core = e;
  return 0;
}

static void
echo_eof(void *core, const char *reason)
{
  REED_UNUSED(core);
  REED_UNUSED(reason);
}

static void
echo_free(void *core)
{
  reed_free(core);
}

const reed_protocol_module_t echo_module = {
    .name = "echo",
    .conf_size = sizeof(int),
    .conn_new = echo_new,
    .feed = echo_feed,
    .eof = echo_eof,
    .conn_free = echo_free,
};

static ssize_t
count_feed(void *core, const uint8_t *in, size_t len)
{
  char out[32];

  REED_UNUSED(in);
  snprintf(out, sizeof(out), "got %zu\n", len);
  say(core, out);
  return (ssize_t)len;
}

const reed_protocol_module_t count_module = {
    .name = "count",
    .conf_size = sizeof(int),
    .conn_new = echo_new,
    .feed = count_feed,
    .eof = echo_eof,
    .conn_free = echo_free,
};
