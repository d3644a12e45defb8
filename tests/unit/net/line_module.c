/* The test-only line module (see line_module.h). */
#include "line_module.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_CORES 256

typedef struct line_core_s {
  const reed_proto_env_t *env;
  reed_transport_t *tp;
  uint64_t resume_timer;
} line_core_t;

static line_core_t *cores[LINE_MAX_CORES];
void (*line_stats_hook)(char *buf, size_t size);
unsigned line_eofs;
char line_eof_reason[64];
reed_buf_t *line_turn_buf;
bool line_hold;
unsigned line_connect_pause_ms;

static void
say(line_core_t *lc, const char *fmt, const char *arg)
{
  reed_buf_t *b = reed_buf_new(64);

  if (b == NULL || reed_buf_printf(&b, fmt, arg) != 0 ||
      reed_buf_append(&b, "\r\n", 2) != 0) {
    reed_buf_unref(b);
    return;
  }
  lc->tp->write(lc->tp->t, b);
  reed_buf_unref(b);
}

static void resume(void *arg);

static int
line_conn_new(const reed_proto_env_t *env, void **core)
{
  line_core_t *lc = reed_calloc(1, sizeof(*lc));
  char id[32];

  if (lc == NULL)
    return REED_ENOMEM;
  lc->env = env;
  lc->tp = env->transport;
  for (size_t i = 0; i < LINE_MAX_CORES; i++) {
    if (cores[i] == NULL) {
      cores[i] = lc;
      break;
    }
  }
  snprintf(id, sizeof(id), "%llu", (unsigned long long)env->conn_id);
  say(lc, "hello %s", id);
  if (line_connect_pause_ms > 0) {
    lc->tp->pause_reading(lc->tp->t, true);
    lc->resume_timer = env->clock->call_later(
        env->clock->c, line_connect_pause_ms, resume, lc);
  }
  *core = lc;
  return 0;
}

static void
broadcast(const char *text)
{
  reed_buf_t *b = reed_buf_new(strlen(text) + 2);

  if (b == NULL)
    return;
  reed_buf_append(&b, text, strlen(text));
  reed_buf_append(&b, "\r\n", 2);
  for (size_t i = 0; i < LINE_MAX_CORES; i++)
    if (cores[i] != NULL)
      cores[i]->tp->write(cores[i]->tp->t, b);
  reed_buf_unref(b);
}

/* "w text": every connection gets "to <its id>: " before one shared body,
 * text padded with dots to w bytes (past REED_OUTQ_COPY_MAX the queues hold
 * the body by reference). */
static void
headed(const char *args)
{
  char *text, head[40];
  unsigned long width = strtoul(args, &text, 10);
  size_t len = strlen(++text);
  reed_buf_t *b = reed_buf_new((width > len ? width : len) + 2);

  if (b == NULL)
    return;
  reed_buf_append(&b, text, len);
  while (b->len < width)
    b->data[b->len++] = '.';
  reed_buf_append(&b, "\r\n", 2);
  for (size_t i = 0; i < LINE_MAX_CORES; i++) {
    if (cores[i] == NULL)
      continue;
    int n = snprintf(head, sizeof(head),
                     "to %llu: ", (unsigned long long)cores[i]->env->conn_id);
    cores[i]->tp->write2(cores[i]->tp->t, head, (size_t)n, b);
  }
  reed_buf_unref(b);
}

static void
resume(void *arg)
{
  line_core_t *lc = arg;

  lc->resume_timer = 0;
  say(lc, "%s", "resumed");
  lc->tp->pause_reading(lc->tp->t, false);
}

static void
peer(line_core_t *lc)
{
  const reed_peer_t *p = lc->tp->peer(lc->tp->t);
  char line[256];

  snprintf(line, sizeof(line), "peer %s tls=%d fp=%s", p->ip, p->tls ? 1 : 0,
           p->cert_fp[0] ? p->cert_fp : "-");
  say(lc, "%s", line);
}

/* "CB type": the transport's channel binding data in hex, or "none". */
static void
channel_binding(line_core_t *lc, const char *type)
{
  uint8_t data[REED_CHANNEL_BINDING_MAX];
  size_t len = sizeof(data);
  char hex[2 * REED_CHANNEL_BINDING_MAX + 1] = "none";

  if (lc->tp->channel_binding(lc->tp->t, type, data, &len) == 0)
    for (size_t i = 0; i < len; i++)
      snprintf(hex + 2 * i, 3, "%02x", data[i]);
  say(lc, "cb %s", hex);
}

static void
stats(line_core_t *lc)
{
  char line[256] = "none";

  if (line_stats_hook != NULL)
    line_stats_hook(line, sizeof(line));
  say(lc, "stats %s", line);
}

/* "n [width]": n lines "r <i>", each padded with dots to width bytes. */
static void
repeat(line_core_t *lc, const char *args)
{
  char *end, text[2048];
  unsigned long n = strtoul(args, &end, 10);
  unsigned long width = strtoul(end, NULL, 10);

  if (width >= sizeof(text))
    width = sizeof(text) - 1;
  for (unsigned long i = 0; i < n; i++) {
    int len = snprintf(text, sizeof(text), "r %lu", i);
    while ((unsigned long)len < width)
      text[len++] = '.';
    text[len] = '\0';
    say(lc, "%s", text);
  }
}

/* Handles one line; returns 1 when the core paused, -1 on FATAL. */
static int
command(line_core_t *lc, const char *line)
{
  if (strncmp(line, "BROADCAST ", 10) == 0) {
    broadcast(line + 10);
  } else if (strncmp(line, "HEADED ", 7) == 0) {
    headed(line + 7);
  } else if (strncmp(line, "PAUSE ", 6) == 0) {
    say(lc, "%s", "paused");
    lc->tp->pause_reading(lc->tp->t, true);
    lc->resume_timer = lc->env->clock->call_later(
        lc->env->clock->c, strtoull(line + 6, NULL, 10), resume, lc);
    return 1;
  } else if (strcmp(line, "STARTTLS") == 0) {
    say(lc, "%s", "PROCEED");
    if (lc->tp->start_tls(lc->tp->t) != 0)
      say(lc, "%s", "NO TLS");
    return 1;
  } else if (strcmp(line, "STATE") == 0) {
    say(lc, "state %s", lc->env->module_state ? lc->env->module_state : "-");
  } else if (strcmp(line, "PEER") == 0) {
    peer(lc);
  } else if (strncmp(line, "CB ", 3) == 0) {
    channel_binding(lc, line + 3);
  } else if (strcmp(line, "STATS") == 0) {
    stats(lc);
  } else if (strcmp(line, "QUIT") == 0) {
    say(lc, "%s", "BYE");
    lc->tp->close(lc->tp->t, "client quit");
    return 1;
  } else if (strncmp(line, "REPEAT ", 7) == 0) {
    repeat(lc, line + 7);
  } else if (strcmp(line, "TURN") == 0) {
    reed_buf_t *b = reed_buf_new(14 + LINE_TURN_PAD + 2);
    if (b != NULL) {
      memcpy(b->data, "turn:pending  ", 14);
      memset(b->data + 14, '.', LINE_TURN_PAD);
      memcpy(b->data + 14 + LINE_TURN_PAD, "\r\n", 2);
      b->len = 14 + LINE_TURN_PAD + 2;
    }
    if (b != NULL && line_turn_buf == NULL) {
      lc->tp->write(lc->tp->t, b);
      line_turn_buf = b; /* our reference goes to the hook */
    } else {
      reed_buf_unref(b);
    }
  } else if (strcmp(line, "HOLD") == 0 || strcmp(line, "RELEASE") == 0) {
    line_hold = line[0] == 'H';
  } else if (strcmp(line, "FATAL") == 0) {
    return -1;
  } else {
    say(lc, "echo: %s", line);
  }
  return 0;
}

/* Consumes whole lines only: a partial line stays with the transport,
 * which feeds it again with the next bytes. */
static ssize_t
line_feed(void *core, const uint8_t *in, size_t len)
{
  line_core_t *lc = core;
  size_t used = 0;
  char line[4096];

  while (used < len) {
    const uint8_t *nl = memchr(in + used, '\n', len - used);
    if (nl == NULL)
      break;
    size_t n = (size_t)(nl - (in + used));
    size_t k = n > 0 && in[used + n - 1] == '\r' ? n - 1 : n;
    if (k >= sizeof(line))
      k = sizeof(line) - 1;
    memcpy(line, in + used, k);
    line[k] = '\0';
    used += n + 1;
    int r = command(lc, line);
    if (r < 0)
      return REED_EFATAL;
    if (r > 0)
      break;
  }
  return (ssize_t)used;
}

static void
line_tls_ready(void *core)
{
  say(core, "%s", "TLS OK");
}

static void
line_eof(void *core, const char *reason)
{
  REED_UNUSED(core);
  reed_strlcpy(line_eof_reason, reason, sizeof(line_eof_reason));
  line_eofs++;
}

static void
line_shutdown(void *core, int why)
{
  REED_UNUSED(why);
  say(core, "%s", "GOODBYE");
}

static void
line_conn_free(void *core)
{
  line_core_t *lc = core;

  if (lc->resume_timer != 0)
    lc->env->clock->cancel(lc->env->clock->c, lc->resume_timer);
  for (size_t i = 0; i < LINE_MAX_CORES; i++)
    if (cores[i] == lc)
      cores[i] = NULL;
  reed_free(lc);
}

/* Refusals in the line protocol: one line the tests can tell apart from
 * anything another module would send. */
static reed_buf_t *
line_refusal(const char *reason)
{
  reed_buf_t *b = reed_buf_new(64);

  if (b != NULL && reed_buf_printf(&b, "REFUSED %s\r\n", reason) != 0) {
    reed_buf_unref(b);
    return NULL;
  }
  return b;
}

static const char *const line_endpoints[] = {NULL};

const reed_protocol_module_t line_module = {
    .name = "line",
    .default_endpoints = line_endpoints,
    .conn_new = line_conn_new,
    .feed = line_feed,
    .tls_ready = line_tls_ready,
    .eof = line_eof,
    .shutdown = line_shutdown,
    .conn_free = line_conn_free,
    .refusal = line_refusal,
};
