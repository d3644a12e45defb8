/* Fuzzes stream management's output walk and attribute lookup
 * (xmpp_sm_scan.c) on any bytes, cut into a head and a body at the first
 * byte's value: the stanzas it ends never pass the '<' in the input,
 * presences never pass stanzas, and a found attribute fits its buffer. */
#include "xmpp_sm.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
count_one(void *ud, const xsm_ev_t *ev)
{
  xsm_scan_t *out = ud;

  if (ev->kind != XSM_EV_DONE ||
      (strcmp(ev->top, "message") != 0 && strcmp(ev->top, "presence") != 0 &&
       strcmp(ev->top, "iq") != 0))
    return;
  out->stanzas++;
  out->presences += strcmp(ev->top, "presence") == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  size_t cut, lt = 0;
  reed_buf_t *b;
  xsm_scan_t s = {0};
  char v[16];

  if (size == 0)
    return 0;
  cut = data[0] < size ? data[0] : size - 1;
  data++, size--;
  if ((b = reed_buf_new(size + 1)) == NULL)
    abort();
  if (reed_buf_append(&b, data + cut, size - cut) != 0)
    abort();
  reed__xsm_walk(cut ? data : NULL, cut, b, count_one, &s);
  for (size_t i = 0; i < size; i++)
    lt += data[i] == '<';
  if (s.stanzas > lt || s.presences > s.stanzas)
    abort();
  if (reed__xsm_attr((const char *)data, size, "from", v, sizeof(v)) &&
      strlen(v) >= sizeof(v))
    abort();
  reed_buf_unref(b);
  return 0;
}
