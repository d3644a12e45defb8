/* Fuzzes the IRC line parser and serializer: any bytes parse or fail
 * cleanly; a parsed line serializes, and the serialized line parses back to
 * the same atoms. */
#include "../../protocols/irc/irc.h"

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
  if (rc != 0)
    abort();
  if (strcmp(back.command, m.command) != 0 || back.n_params != m.n_params ||
      back.n_tags != m.n_tags)
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  int rc = reed_irc_line_parse((const char *)data, size, &m);

  if (rc == 0)
    check_roundtrip();
  else if (rc != REED_ETOOBIG && rc != REED_ESYNTAX && rc != REED_ELIMIT)
    abort();
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
