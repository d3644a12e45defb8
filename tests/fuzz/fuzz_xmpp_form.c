/* Fuzzes the XEP-0004 form reader the ad-hoc commands use
 * (protocols/xmpp/xmpp_form.c) on any element the stream parser makes of
 * the input (after a jabber:client stream header). Invariants: the check
 * never crashes; for each field var the commands read, joining the
 * values counts exactly the values read one by one and gives them, space
 * separated, or says they do not fit; nothing leaks (ASan). */
#include "xmpp_admin.h"

#include <stdlib.h>
#include <string.h>

#define HDR                                                                    \
  "<stream:stream xmlns='jabber:client' "                                      \
  "xmlns:stream='http://etherx.jabber.org/streams'>"

static const char *const vars[] = {"FORM_TYPE", "announcement", "accountjids",
                                   "target",    "subject",      "a"};

static void
check_var(const reed_xml_el_t *x, const char *var)
{
  char joined[64], want[64];
  size_t len = 0, n = 0;
  bool fits = true;
  int rc = reed__xmpp_form_join(x, var, joined, sizeof(joined));
  const char *v;

  for (; (v = reed__xmpp_form_value(x, var, n)) != NULL && n < 4096; n++) {
    size_t vl = strlen(v), sep = n > 0;
    if (!fits || len + sep + vl >= sizeof(want)) {
      fits = false;
      continue;
    }
    if (sep)
      want[len++] = ' ';
    memcpy(want + len, v, vl + 1);
    len += vl;
  }
  if (n == 0)
    want[0] = '\0';
  if (!fits ? rc != REED_ETOOBIG : rc != (int)n || strcmp(joined, want) != 0)
    abort();
}

static void
on_element(void *ud, reed_xml_el_t *el)
{
  const reed_xml_el_t *x =
      strcmp(el->name, "x") == 0 ? el : reed__xmpp_form_find(el);

  (void)ud;
  if (x == NULL)
    return;
  (void)reed__xmpp_form_check(x);
  for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
    check_var(x, vars[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  reed_xml_cbs_t cbs = {.element = on_element};
  reed_xml_stream_t *p;
  size_t used;

  if (reed_xml_stream_new(NULL, &cbs, NULL, &p) != 0)
    return 0;
  if (reed_xml_stream_feed(p, (const uint8_t *)HDR, strlen(HDR), &used) ==
      REED_XML_OK)
    (void)reed_xml_stream_feed(p, data, size, &used);
  reed_xml_stream_free(p);
  return 0;
}
