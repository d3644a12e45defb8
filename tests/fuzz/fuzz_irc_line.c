/* Fuzzes the IRC line codec and the core behind it.
 *
 * 1. The input as one line: it parses or fails cleanly; a parsed line
 *    serializes, and the result parses back to the same atoms.
 * 2. The input as a byte stream from a registered client in a room with
 *    another client, and from an unregistered one, in the protocol world
 *    (tests/support/world.h): nothing crashes, every line written
 *    ends in CRLF within the limits, and after the cores are freed the
 *    model, the clock and the allocator hold nothing. */
#include "irc_int.h"
#include "world.h"

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

/* The core held input back (fakelag): let time pass. */
static void
let_time_pass(tw_t *w)
{
  fc_advance(w->fc, 1000);
}

static void
feed(tw_client_t *c, const void *p, size_t n)
{
  if (tw_send_bytes(c, p, n) < 0)
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

/* Fuzz input is no test scenario: what the world asserts (a core returns
 * short only while paused; at the end no model object, timer, job or
 * allocation is left) aborts like the checks here. */
static void
world_run(const uint8_t *data, size_t size)
{
  static const char reg[] = "NICK a\r\nUSER a 0 * :a\r\nJOIN #f\r\n";
  static const char reg2[] = "NICK b\r\nUSER b 0 * :b\r\nJOIN #f\r\n";
  tw_t *w = tw_new(&(tw_opts_t){.module = &reed_irc_module,
                                .server_name = "fuzz",
                                .on_pause = let_time_pass});
  tw_client_t *c[3];

  for (int i = 0; i < 3; i++)
    c[i] = tw_client(w, i == 0 ? "a" : i == 1 ? "b" : "unregistered");
  feed(c[0], reg, sizeof(reg) - 1);
  feed(c[1], reg2, sizeof(reg2) - 1);
  feed(c[0], data, size);
  feed(c[2], data, size);
  fc_advance(w->fc, 200000);
  for (int i = 0; i < 3; i++)
    check_output(c[i]->ft);
  tw_free(w);
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
