/* Fuzzes the casemapping, the name grammars and glob masks. The input is
 * split at its first NUL into a mask and a subject; the invariants:
 *   - folding is idempotent, keeps the length, and casecmp agrees with
 *     strcmp of the folded strings (and is antisymmetric);
 *   - every valid name stays valid when folded; an account name is a
 *     valid nick; valid names respect their length limits;
 *   - "*" matches everything, a subject escaped into a mask matches
 *     itself, and matching ignores case on both sides;
 *   - the model takes both strings as nicks, room names, keys, masks and
 *     texts without crashing or leaking, and accepts a name exactly when
 *     its grammar says it is valid;
 *   - the list loader takes the first string as a ban mask set by the
 *     second: a loaded entry is listed once with its setter and time, and
 *     is then a duplicate in any case; a room name is refused exactly when
 *     its grammar says so. */
#include "base.h"
#include "fuzz_model.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

static void
check_fold(const char *a, const char *b)
{
  char fa[FUZZ_MAX_IN + 1], fb[FUZZ_MAX_IN + 1], ffa[FUZZ_MAX_IN + 1];
  int c1, c2;

  reed_casefold(fa, a, sizeof(fa));
  reed_casefold(ffa, fa, sizeof(ffa));
  fuzz_check(strcmp(fa, ffa) == 0);
  fuzz_check(strlen(fa) == strlen(a));
  reed_casefold(fb, b, sizeof(fb));
  c1 = reed_casecmp(a, b);
  c2 = reed_casecmp(b, a);
  fuzz_check((c1 == 0) == (strcmp(fa, fb) == 0));
  fuzz_check((c1 < 0) == (c2 > 0));
}

static void
check_names(const char *a)
{
  char f[FUZZ_MAX_IN + 1];

  reed_casefold(f, a, sizeof(f));
  if (reed_nick_valid(a))
    fuzz_check(strlen(a) <= REED_NICK_MAX && reed_nick_valid(f));
  if (reed_account_valid(a))
    fuzz_check(reed_nick_valid(a) && reed_account_valid(f));
  if (reed_room_name_valid(a))
    fuzz_check(strlen(a) <= REED_ROOM_MAX && reed_room_name_valid(f) &&
               reed_utf8_valid((const uint8_t *)a, strlen(a)));
  if (reed_room_key_valid(a))
    fuzz_check(strlen(a) <= REED_KEY_MAX && strchr(a, ' ') == NULL);
}

static void
check_masks(const char *mask, const char *subject)
{
  char esc[2 * FUZZ_MAX_IN + 1], fm[FUZZ_MAX_IN + 1], fs[FUZZ_MAX_IN + 1];
  size_t n = 0;
  bool m = reed_mask_match(mask, subject);

  fuzz_check(reed_mask_match("*", subject));
  for (const char *p = subject; *p; p++) {
    if (*p == '*' || *p == '?' || *p == '\\')
      esc[n++] = '\\';
    esc[n++] = *p;
  }
  esc[n] = '\0';
  fuzz_check(reed_mask_match(esc, subject));
  reed_casefold(fm, mask, sizeof(fm));
  reed_casefold(fs, subject, sizeof(fs));
  fuzz_check(reed_mask_match(fm, fs) == m);
  fuzz_check(reed_mask_match(mask, fs) == m);
}

static void
session_ops(reed_session_t *s, const char *a, const char *b)
{
  reed_mode_change_t ch[] = {
      {.mode = REED_RMODE_BAN, .set = true, .arg = a},
      {.mode = REED_RMODE_KEY, .set = true, .arg = b},
      {.mode = REED_RMODE_LIMIT, .set = true, .arg = b},
      {.mode = REED_RMODE_OP, .set = true, .arg = a},
  };
  reed_hist_query_t q = {.dir = REED_HIST_LATEST};

  fuzz_check((reed_session_set_nick(s, a) == 0) == reed_nick_valid(a));
  if (reed_room_join(s, b, NULL) == 0)
    fuzz_check(reed_room_name_valid(b));
  reed_room_set_modes(s, b, ch, REED_ARRAY_SIZE(ch), NULL);
  reed_room_say(s, b, REED_MSG_NORMAL, a, strlen(a), NULL, NULL);
  reed_room_set_topic(s, b, a);
  reed_tell(s, a, REED_MSG_NORMAL, b, strlen(b), NULL, NULL);
  reed_history_room(s, b, &q, NULL, NULL);
  reed_room_part(s, b, a);
}

typedef struct {
  int n;
  char mask[FUZZ_MAX_IN + 16], by[FUZZ_MAX_IN + 1];
  uint64_t ms;
} list_seen_t;

static void
list_entry(void *ud, const reed_list_entry_t *e)
{
  list_seen_t *l = ud;

  l->n++;
  fuzz_check(!e->account);
  fuzz_check(strlen(e->mask) < sizeof(l->mask) &&
             strlen(e->by) < sizeof(l->by));
  strcpy(l->mask, e->mask);
  strcpy(l->by, e->by);
  l->ms = e->ms;
}

/* The loaded ban as an operator sees it after joining (which wakes the
 * dormant room), and the same mask in upper case loaded again. */
static void
check_loaded(reed_model_t *m, bool loaded, const char *by)
{
  reed_session_info_t info = {.origin = "irc"};
  list_seen_t l = {0};
  reed_session_t *s;

  if (reed_session_new(m, &info, &s) != 0)
    abort();
  reed_session_set_oper(s, true); /* passes the ban */
  fuzz_check(reed_session_set_nick(s, "fuzzer") == 0);
  fuzz_check(reed_room_join(s, "loaded", NULL) == 0);
  reed_room_each_list(reed_room_find(m, "loaded"), REED_RMODE_BAN, list_entry,
                      &l);
  fuzz_check(l.n == (loaded ? 1 : 0));
  if (loaded) {
    fuzz_check(strcmp(l.by, by) == 0 && l.ms == 7);
    for (char *p = l.mask; *p; p++)
      if (*p >= 'a' && *p <= 'z')
        *p = (char)(*p - 'a' + 'A');
    fuzz_check(reed_room_load_list(m, "loaded", REED_RMODE_BAN, l.mask, false,
                                   NULL, 8) == REED_EEXIST);
  }
  reed_session_quit(s, NULL);
}

static void
load_list_ops(reed_model_t *m, const char *a, const char *b)
{
  int rc = reed_room_load_list(m, "loaded", REED_RMODE_BAN, a, false, b, 7);

  fuzz_check(rc == 0 || rc == REED_EINVAL);
  check_loaded(m, rc == 0, b);
  rc = reed_room_load_list(m, b, REED_RMODE_EXCEPT, "x!y@z", false, NULL, 1);
  fuzz_check(rc == (reed_room_name_valid(b) ? 0 : REED_EBADROOM));
  /* An account entry is taken only under a valid account name. */
  rc = reed_room_load_list(m, "accounts", REED_RMODE_BAN, a, true, NULL, 1);
  fuzz_check(rc == (reed_account_valid(a) ? 0 : REED_EINVAL));
}

/* Every operation either succeeds or fails cleanly; nothing leaks. */
static void
model_ops(const char *a, const char *b)
{
  reed_model_opts_t o = {.clock = fuzz_clock()};
  long live = reed_alloc_live();
  reed_session_info_t info = {.origin = "irc"};
  reed_model_t *m;
  reed_session_t *s;

  if (reed_model_new(&o, &m) != 0)
    abort();
  load_list_ops(m, a, b);
  fuzz_check((reed_model_account_add(m, a) == 0) == reed_account_valid(a));
  if (reed_session_new(m, &info, &s) != 0)
    abort();
  /* Logged in, the session may take its own account's reserved name. */
  fuzz_check((reed_session_login(s, a) == 0) == reed_account_valid(a));
  session_ops(s, a, b);
  reed_model_free(m);
  fuzz_check(reed_alloc_live() == live);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char a[FUZZ_MAX_IN + 1], b[FUZZ_MAX_IN + 1];

  fuzz_split(data, size, a, b);
  check_fold(a, b);
  check_names(a);
  check_names(b);
  check_masks(a, b);
  model_ops(a, b);
  return 0;
}
