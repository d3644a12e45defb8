/* Fuzzes the casemapping, the name grammars and glob masks. The input is
 * split at its first NUL into a mask and a subject; the invariants:
 *   - folding is idempotent, keeps the length, and casecmp agrees with
 *     strcmp of the folded strings (and is antisymmetric);
 *   - every valid name stays valid when folded; an account name is a
 *     valid nick; valid names respect their length limits;
 *   - "*" matches everything, a subject escaped into a mask matches
 *     itself, and matching ignores case on both sides. */
#include "base.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

#define MAX_IN 600

static void
check(int cond)
{
  if (!cond)
    abort();
}

static void
check_fold(const char *a, const char *b)
{
  char fa[MAX_IN + 1], fb[MAX_IN + 1], ffa[MAX_IN + 1];
  int c1, c2;

  reed_casefold(fa, a, sizeof(fa));
  reed_casefold(ffa, fa, sizeof(ffa));
  check(strcmp(fa, ffa) == 0);
  check(strlen(fa) == strlen(a));
  reed_casefold(fb, b, sizeof(fb));
  c1 = reed_casecmp(a, b);
  c2 = reed_casecmp(b, a);
  check((c1 == 0) == (strcmp(fa, fb) == 0));
  check((c1 < 0) == (c2 > 0));
}

static void
check_names(const char *a)
{
  char f[MAX_IN + 1];

  reed_casefold(f, a, sizeof(f));
  if (reed_nick_valid(a))
    check(strlen(a) <= REED_NICK_MAX && reed_nick_valid(f));
  if (reed_account_valid(a))
    check(reed_nick_valid(a) && reed_account_valid(f));
  if (reed_room_name_valid(a))
    check(strlen(a) <= REED_ROOM_MAX && reed_room_name_valid(f) &&
          reed_utf8_valid((const uint8_t *)a, strlen(a)));
  if (reed_room_key_valid(a))
    check(strlen(a) <= REED_KEY_MAX && strchr(a, ' ') == NULL);
}

static void
check_masks(const char *mask, const char *subject)
{
  char esc[2 * MAX_IN + 1], fm[MAX_IN + 1], fs[MAX_IN + 1];
  size_t n = 0;
  bool m = reed_mask_match(mask, subject);

  check(reed_mask_match("*", subject));
  for (const char *p = subject; *p; p++) {
    if (*p == '*' || *p == '?' || *p == '\\')
      esc[n++] = '\\';
    esc[n++] = *p;
  }
  esc[n] = '\0';
  check(reed_mask_match(esc, subject));
  reed_casefold(fm, mask, sizeof(fm));
  reed_casefold(fs, subject, sizeof(fs));
  check(reed_mask_match(fm, fs) == m);
  check(reed_mask_match(mask, fs) == m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char a[MAX_IN + 1], b[MAX_IN + 1];
  const uint8_t *nul;
  size_t na, nb;

  if (size > MAX_IN)
    size = MAX_IN;
  nul = memchr(data, 0, size);
  na = nul ? (size_t)(nul - data) : size;
  memcpy(a, data, na);
  a[na] = '\0';
  nb = nul ? size - na - 1 : 0;
  memcpy(b, nul ? nul + 1 : data, nb);
  b[nb] = '\0';
  check_fold(a, b);
  check_names(a);
  check_names(b);
  check_masks(a, b);
  return 0;
}
