/* Fuzzes the server-ban target grammar and matcher. The input is split at
 * its first NUL into a target and an address; the invariants:
 *   - a target that parses has a canonical form that parses again to
 *     itself, with the same kind (canonical forms are fixed points);
 *   - an IP/CIDR target's network address matches itself, and so does the
 *     address it was written with when it parses as one;
 *   - "::/0" matches every address that parses, and nothing that does not;
 *   - a duration that parses is 1 s to 10 years, and its shown form
 *     parses back to it (whole seconds);
 *   - the model takes the target as a ban (add, find, del) without
 *     crashing or leaking, and accepts it exactly when it parses. */
#include "base.h"
#include "fuzz_model.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

static void
check_target(const char *target, const char *addr)
{
  char canon[REED_SBAN_TARGET_MAX + 1], again[REED_SBAN_TARGET_MAX + 1];
  uint8_t a[16];
  unsigned prefix;
  int kind = 0, kind2 = 0;
  bool ok = reed_sban_parse(target, &kind, canon, sizeof(canon)) == 0;
  reed_sban_who_t who = {.ip = addr};

  if (ok) {
    fuzz_check(reed_sban_parse(canon, &kind2, again, sizeof(again)) == 0);
    fuzz_check(kind == kind2 && strcmp(canon, again) == 0);
    if (kind == REED_SBAN_IP) {
      char net[REED_SBAN_TARGET_MAX + 1];
      char *slash;
      reed_strlcpy(net, canon, sizeof(net));
      if ((slash = strchr(net, '/')) != NULL)
        *slash = '\0';
      fuzz_check(reed_sban_matches(kind, canon, &(reed_sban_who_t){.ip = net}));
      if (strchr(target, '/') == NULL)
        fuzz_check(
            reed_sban_matches(kind, canon, &(reed_sban_who_t){.ip = target}));
    }
    (void)reed_sban_matches(kind, canon, &who);
  }
  fuzz_check(reed_sban_matches(REED_SBAN_IP, "::/0", &who) ==
             (strchr(addr, '/') == NULL &&
              reed_sban_cidr_parse(addr, a, &prefix) == 0));
}

static void
check_duration(const char *in)
{
  uint64_t ms = 0, again = 0;
  char shown[64];

  if (reed_sban_duration_parse(in, &ms) != 0)
    return;
  fuzz_check(ms >= 1000 && ms <= 3650ull * 86400000ull);
  reed_sban_duration_format(ms, shown, sizeof(shown));
  fuzz_check(reed_sban_duration_parse(shown, &again) == 0 && again == ms);
}

static void
check_model(const char *target, const char *addr)
{
  reed_model_opts_t o = {.server_name = "fuzz.example", .clock = fuzz_clock()};
  reed_model_t *m = NULL;
  reed_sban_view_t v;
  int kind;
  char canon[REED_SBAN_TARGET_MAX + 1];
  bool ok = reed_sban_parse(target, &kind, canon, sizeof(canon)) == 0;
  int rc;

  if (reed_model_new(&o, &m) != 0)
    return;
  rc = reed_model_sban_add(
      m, &(reed_sban_view_t){.target = target, .reason = addr, .setter = "f"});
  fuzz_check(rc != 0 || ok); /* EINVAL also for a reason with controls */
  if (!ok)
    fuzz_check(rc == REED_EINVAL);
  (void)reed_model_sban_find(
      m,
      &(reed_sban_who_t){
          .nick = "n", .user = "u", .host = addr, .ip = addr, .account = addr},
      &v);
  if (rc == 0)
    fuzz_check(reed_model_sban_del(m, target) == 0);
  fuzz_check(reed_model_sban_count(m) == 0);
  reed_model_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char target[FUZZ_MAX_IN + 1], addr[FUZZ_MAX_IN + 1];

  if (size > FUZZ_MAX_IN)
    return 0;
  fuzz_split(data, size, target, addr);
  check_target(target, addr);
  check_duration(target);
  check_model(target, addr);
  return 0;
}
