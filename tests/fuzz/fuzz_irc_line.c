/* Fuzzes the IRC line codec and the core behind it.
 *
 * 1. The input as one line: it parses or fails cleanly; a parsed line
 *    serializes, and the result parses back to the same atoms.
 * 2. The input as a byte stream from a registered client in a room with
 *    another client, and from an unregistered one, through the real model,
 *    a fake clock and fake transports: nothing crashes, every line written
 *    ends in CRLF within the limits, and after the cores are freed the
 *    model, the clock and the allocator hold nothing. */
#include "irc_int.h"
#include "fake_clock.h"
#include "fake_transport.h"
#include "inline_worker.h"

#include <stdlib.h>
#include <string.h>

static reed_irc_msg_t m, back;

static void
check_roundtrip(void)
{
  reed_buf_t *b = reed_buf_new(64);
  int rc;

  if (b == NULL)
    abort();
  /* Everything parsed is valid to serialize. */
  if (reed_irc_msg_write(&m, &b) != 0)
    abort();
  rc = reed_irc_line_parse((const char *)b->data, b->len - 2, &back);
  /* Only a 15th parameter that took the rest of the line without a ':'
   * grows (by that ':'), so only it may pass the limit on the way back. */
  if (rc == REED_ETOOBIG && m.n_params == REED_IRC_PARAMS_MAX) {
    reed_buf_unref(b);
    return;
  }
  if (rc != 0 || strcmp(back.command, m.command) != 0 ||
      back.n_params != m.n_params || back.n_tags != m.n_tags)
    abort();
  for (size_t i = 0; i < m.n_params; i++) {
    if (strcmp(back.params[i], m.params[i]) != 0)
      abort();
  }
  for (size_t i = 0; i < m.n_tags; i++) {
    const char *v = reed_irc_msg_tag(&back, m.tags[i].key);
    if (v == NULL || strcmp(v, m.tags[i].value) != 0)
      abort();
  }
  reed_buf_unref(b);
}

static void
check_line(const uint8_t *data, size_t size)
{
  int rc = reed_irc_line_parse((const char *)data, size, &m);

  if (rc == 0)
    check_roundtrip();
  else if (rc != REED_ETOOBIG && rc != REED_ESYNTAX && rc != REED_ELIMIT)
    abort();
}

/* ---- The core ---------------------------------------------------------------
 */

typedef struct {
  fake_clock_t fc;
  inline_worker_t iw;
  reed_model_t *model;
  reed_irc_conf_t conf;
  fake_transport_t ft[3];
  reed_proto_env_t env[3];
  void *core[3];
} world_t;

static void
resume(void *arg)
{
  fc_advance(&((world_t *)arg)->fc, 1000);
}

static void
feed(world_t *w, int i, const void *p, size_t n)
{
  if (ft_feed_chunked(reed_irc_module.feed, w->core[i], p, n, 0, resume, w) < 0)
    abort();
}

/* Every line written is CRLF-terminated and its non-tag part fits (a
 * message from an IRC client is relayed whole: its 510 bytes plus the
 * source's mask). */
static void
check_output(const fake_transport_t *ft)
{
  const char *p = ft->out ? ft->out : "", *end = p + ft->out_len;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *body = p;
    if (nl == NULL || nl == p || nl[-1] != '\r')
      abort();
    if (*p == '@')
      body = memchr(p, ' ', (size_t)(nl - p)) + 1;
    if ((size_t)(nl + 1 - body) > REED_IRC_LINE_MAX + IRC_MASK_MAX)
      abort();
    p = nl + 1;
  }
}

static void
world_run(const uint8_t *data, size_t size)
{
  static world_t w;
  reed_model_opts_t opts = {.server_name = "fuzz"};
  static const char reg[] = "NICK a\r\nUSER a 0 * :a\r\nJOIN #f\r\n";
  static const char reg2[] = "NICK b\r\nUSER b 0 * :b\r\nJOIN #f\r\n";

  memset(&w, 0, sizeof(w));
  fc_init(&w.fc);
  iw_init(&w.iw, 0);
  opts.clock = &w.fc.clock;
  if (reed_model_new(&opts, &w.model) != 0)
    abort();
  reed_irc_module.conf_defaults(&w.conf);
  for (int i = 0; i < 3; i++) {
    ft_init(&w.ft[i]);
    w.env[i] = (reed_proto_env_t){.transport = &w.ft[i].transport,
                                  .clock = &w.fc.clock,
                                  .worker = &w.iw.worker,
                                  .model = w.model,
                                  .conf = &w.conf,
                                  .conn_id = (uint64_t)i + 1};
    if (reed_irc_module.conn_new(&w.env[i], &w.core[i]) != 0)
      abort();
  }
  feed(&w, 0, reg, sizeof(reg) - 1);
  feed(&w, 1, reg2, sizeof(reg2) - 1);
  feed(&w, 0, data, size);
  feed(&w, 2, data, size);
  fc_advance(&w.fc, 200000);
  for (int i = 0; i < 3; i++) {
    check_output(&w.ft[i]);
    reed_irc_module.conn_free(w.core[i]);
    ft_cleanup(&w.ft[i]);
  }
  if (reed_model_live_objects(w.model) != 0 || fc_pending(&w.fc) != 0)
    abort();
  reed_model_free(w.model);
  reed_irc_module.conf_cleanup(&w.conf);
  fc_cleanup(&w.fc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  check_line(data, size);
  world_run(data, size);
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
