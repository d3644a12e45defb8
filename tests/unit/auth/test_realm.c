/* The realm with the real model: registration adds the name, a login of
 * an account the model has not seen yet (added by the command line) adds
 * it, and the avatar binds with reed_session_login. */
#include "model.h"
#include "auth_test.h"
#include "fake_clock.h"
#include "harness.h"
#include "inline_worker.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  memsrc_t mem;
  reed_credsrc_t src;
  fake_clock_t fc;
  inline_worker_t iw;
  reed_model_t *m;
  reed_portal_t *p;
  int calls, status;
  char account[REED_AUTH_NAME_MAX + 1];
} mfix_t;

static void
record(void *ud, uint64_t req_id, int status, const char *account)
{
  mfix_t *f = ud;

  REED_UNUSED(req_id);
  f->calls++;
  f->status = status;
  snprintf(f->account, sizeof(f->account), "%s", account ? account : "");
}

static void
mfix_init(mfix_t *f)
{
  reed_model_opts_t mo = {.server_name = "test"};
  reed_portal_opts_t o = {.registration_open = true,
                          .hash_level = REED_AUTH_HASH_MIN};

  memset(f, 0, sizeof(*f));
  memsrc_init(&f->mem, &f->src);
  fc_init(&f->fc);
  iw_init(&f->iw, 0);
  mo.clock = &f->fc.clock;
  ASSERT_EQ(reed_model_new(&mo, &f->m), 0);
  o.creds = &f->src;
  o.worker = &f->iw.worker;
  o.clock = &f->fc.clock;
  o.model = f->m;
  ASSERT_EQ(reed_portal_new(&o, &f->p), 0);
}

static void
mfix_done(mfix_t *f)
{
  reed_portal_free(f->p);
  ASSERT_EQ(reed_model_live_objects(f->m), 0);
  reed_model_free(f->m);
  ASSERT_EQ(fc_pending(&f->fc), 0);
  fc_cleanup(&f->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(realm_register_adds_to_model)
{
  mfix_t f;

  mfix_init(&f);
  ASSERT(!reed_model_account_exists(f.m, "Bob"));
  ASSERT_EQ(reed_portal_register(f.p, "Bob", "hunter22", 8, NULL, NULL, record,
                                 &f, 1),
            0);
  ASSERT_EQ(f.status, 0);
  ASSERT(reed_model_account_exists(f.m, "bob"));
  /* A name the model already holds cannot be registered again. */
  ASSERT_EQ(reed_model_account_add(f.m, "Zed"), 0);
  ASSERT_EQ(reed_portal_register(f.p, "zed", "hunter22", 8, NULL, NULL, record,
                                 &f, 1),
            REED_EACCOUNTEXISTS);
  ASSERT_EQ(f.calls, 1);
  mfix_done(&f);
}

TEST(realm_login_binds_session)
{
  mfix_t f;
  reed_session_t *s;
  reed_session_info_t info = {.origin = "irc",
                              .user = "u",
                              .host = "h",
                              .ip = "10.0.0.1",
                              .realname = "r"};

  mfix_init(&f);
  /* Added behind the model's back, as `reed account add` does. */
  memsrc_add(&f.mem, "Alice", "pencil");
  ASSERT(!reed_model_account_exists(f.m, "Alice"));
  ASSERT_EQ(reed_session_new(f.m, &info, &s), 0);
  ASSERT_EQ(reed_session_login(s, "Alice"), REED_ENOACCOUNT);
  ASSERT_EQ(reed_portal_login_password(f.p, "ALICE", "pencil", 6, "10.0.0.1",
                                       record, &f, 5),
            0);
  ASSERT_EQ(f.status, 0);
  ASSERT_STR_EQ(f.account, "Alice");
  ASSERT(reed_model_account_exists(f.m, "alice"));
  ASSERT_EQ(reed_session_login(s, f.account), 0);
  ASSERT_STR_EQ(reed_session_account(s), "Alice");
  reed_session_quit(s, "bye");
  /* A failed login adds nothing. */
  ASSERT_EQ(reed_portal_login_password(f.p, "ghost", "pencil", 6, NULL, record,
                                       &f, 5),
            0);
  ASSERT_EQ(f.status, REED_EAUTH);
  ASSERT(!reed_model_account_exists(f.m, "ghost"));
  mfix_done(&f);
}
