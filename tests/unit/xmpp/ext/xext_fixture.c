#include "xext_fixture.h"

#include "store.h"

#include <stdio.h>
#include <string.h>

void
xe_init(xe_t *x)
{
  memset(x, 0, sizeof(*x));
  xw_init_store(&x->w, false);
}

void
xe_free(xe_t *x)
{
  xw_free(&x->w);
}

void
xe_account(xe_t *x, const char *name)
{
  reed_account_rec_t rec = {.created_ms = 1};

  tw_account(&x->w.tw, name, "pw");
  reed_strlcpy(rec.name, name, sizeof(rec.name));
  ASSERT_EQ(reed_store_account_create(x->w.tw.store, &rec), 0);
}

tw_client_t *
xe_login(xe_t *x, const char *account, const char *resource)
{
  char label[64];
  tw_client_t *c;

  snprintf(label, sizeof(label), "%s/%s", account, resource);
  c = xw_client(&x->w, label, true);
  xw_login(&x->w, c, account, "pw", resource, &x->n);
  return c;
}
