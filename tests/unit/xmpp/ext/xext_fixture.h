/* The extensions' tests: the core's world (xmpp_fixture.h) with a store,
 * accounts in both the portal's source and the store (the module's rows
 * need the store's account), and logins in one call. */
#ifndef REED_TEST_XEXT_FIXTURE_H
#define REED_TEST_XEXT_FIXTURE_H

#include "xmpp_fixture.h"

typedef struct xe_s {
  xw_t w;
  unsigned n; /* streams opened */
} xe_t;

void xe_init(xe_t *x);
void xe_free(xe_t *x);
/* An account with password "pw" (portal and store). */
void xe_account(xe_t *x, const char *name);
/* A client of `account` bound as `resource` (over direct TLS). */
tw_client_t *xe_login(xe_t *x, const char *account, const char *resource);
/* Sends `in` and asserts the answer is exactly `want`. */
#define XE_IQ(c, in, want)                                                     \
  do {                                                                         \
    tw_send((c), (in));                                                        \
    XW_EXPECT((c), (want));                                                    \
  } while (0)

#endif
