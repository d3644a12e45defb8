/* Fuzzes the JID helpers: whatever parses formats back to a JID that
 * parses to the same parts; XEP-0106 escaping is undone by unescaping;
 * unescaping anything is safe. */
#include "xmpp_jid.h"

#include <stdlib.h>
#include <string.h>

static void
check_parse(const char *s)
{
  static reed_jid_t j, k;
  static char full[REED_JID_MAX + 1], bare[REED_JID_MAX + 1];

  if (reed_jid_parse(s, &j) != 0)
    return;
  if (j.domain[0] == '\0' ||
      reed_jid_format(&j, true, full, sizeof(full)) >= sizeof(full))
    abort();
  if (reed_jid_parse(full, &k) != 0 || memcmp(&j, &k, sizeof(j)) != 0)
    abort();
  if (reed_jid_format(&j, false, bare, sizeof(bare)) >= sizeof(bare) ||
      reed_jid_parse(bare, &k) != 0 || strcmp(k.local, j.local) != 0 ||
      strcmp(k.domain, j.domain) != 0 || k.resource[0] != '\0')
    abort();
}

static void
check_escape(const char *s, size_t len)
{
  size_t cap = 3 * len + 1;
  char *esc = malloc(cap), *back = malloc(cap);

  if (esc == NULL || back == NULL)
    abort();
  if (reed_jid_escape_local(s, esc, cap) == 0 &&
      (reed_jid_unescape_local(esc, back, cap) != 0 || strcmp(back, s) != 0))
    abort();
  if (reed_jid_unescape_local(s, back, len + 1) != 0)
    abort();
  free(esc);
  free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);

  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  check_parse(s);
  check_escape(s, strlen(s));
  free(s);
  return 0;
}
