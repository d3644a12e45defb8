/* Fuzzes the store's email check against the contract store.h states:
 * 3..254 bytes of UTF-8 without spaces, controls or DEL, whose last '@'
 * has 1..64 bytes before it and at least one after it. The input, cut at
 * its first NUL, is one address. A valid address stays valid with a
 * domain label added (while it fits), and with a bad byte put in it
 * never is. */
#include "base.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

static void
check(int cond)
{
  if (!cond)
    abort();
}

static bool
oracle(const char *s)
{
  size_t n = strlen(s);
  const char *at = strrchr(s, '@');

  if (n < 3 || n > REED_STORE_EMAIL_MAX)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] == 0x7f)
      return false;
  if (!reed_utf8_valid((const uint8_t *)s, n))
    return false;
  return at != NULL && at > s && at - s <= 64 && at[1] != '\0';
}

/* The address with `tail` appended, checked when it still fits. */
static void
check_extended(const char *s, const char *tail, bool want)
{
  char buf[REED_STORE_EMAIL_MAX + 1];
  size_t n = strlen(s), t = strlen(tail);

  if (n + t > REED_STORE_EMAIL_MAX)
    return;
  memcpy(buf, s, n);
  memcpy(buf + n, tail, t + 1);
  check(reed_store_email_valid(buf) == want);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  bool ok;

  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  ok = reed_store_email_valid(s);
  check(ok == oracle(s));
  check(!ok || strlen(s) <= REED_STORE_EMAIL_MAX);
  if (ok) {
    check_extended(s, ".example", true);
    check_extended(s, " x", false);
    check_extended(s, "\x7f", false);
    check_extended(s, "\xc3", false); /* a cut UTF-8 sequence */
  }
  check(!reed_store_email_valid(NULL));
  free(s);
  return 0;
}
