/* reed_tell_account: a private message to an account with nobody online
 * is sequenced and kept in the private history of the pair (the same id
 * on both sides, the sender's echo and copies as for reed_tell), and
 * delivered to nobody else. */
#include "rec.h"

#include <stdio.h>

static char got[256];

static void
collect(void *ud, const reed_hist_entry_t *e)
{
  size_t n = strlen(got);

  (void)ud;
  snprintf(got + n, sizeof(got) - n, "%llu:%s>%s:%s:%.*s ",
           (unsigned long long)e->id, e->from.nick, e->target,
           e->target_account ? e->target_account : "-", (int)e->text_len,
           e->text);
}

static const char *
qp(reed_session_t *s, const char *nick)
{
  reed_hist_query_t hq = {.dir = REED_HIST_LATEST};

  got[0] = '\0';
  ASSERT_EQ(reed_history_private(s, nick, &hq, collect, NULL), 0);
  return got;
}

static int
tella(reed_session_t *s, const char *account, const char *text, uint64_t *id)
{
  return reed_tell_account(s, account, REED_MSG_NORMAL, text, strlen(text),
                           NULL, id);
}

TEST(tell_account_kept_for_nobody_online)
{
  fx_t f;
  uint64_t id = 0, id2 = 0;
  fx_init(&f);
  reed_session_t *b1 = sess_acct(&f, "b1", "bob", "bob");
  reed_session_t *b2 = sess_acct(&f, "b2", "bob", "bob");
  reed_session_t *n = sess(&f, "n", "irc", NULL);
  reed_msg_extra_t one = {.to_session = reed_session_id(b2)};

  ASSERT_EQ(reed_model_account_add(f.m, "Alice"), 0);
  reed_session_set_copies(b2, true);
  ASSERT_EQ(tella(b1, "alice", "hi", &id), 0);
  ASSERT(id > 0);
  ASSERT_EQ(tella(b1, "ALICE", "two", &id2), 0);
  ASSERT_EQ(id2, id + 1);
  /* The sender's echo and its copy; nobody else. */
  ASSERT_LINES(rec_take(), "b1 MSG bob >Alice hi echo\n"
                           "b2 MSG bob >Alice hi copy\n"
                           "b1 MSG bob >Alice two echo\n"
                           "b2 MSG bob >Alice two copy");
  /* Errors: no such account, no nick, to_session, bad text. */
  ASSERT_EQ(tella(b1, "carol", "x", NULL), REED_ENOACCOUNT);
  ASSERT_EQ(tella(b1, "1bad", "x", NULL), REED_ENOACCOUNT);
  ASSERT_EQ(tella(n, "alice", "x", NULL), REED_EINVAL);
  ASSERT_EQ(reed_tell_account(b1, "alice", REED_MSG_NORMAL, "x", 1, &one, NULL),
            REED_EINVAL);
  ASSERT_EQ(tella(b1, "alice", "", NULL), REED_EBADTEXT);
  ASSERT_LINES(rec_take(), "");
  /* Bob's history with the account while it is offline... */
  char want[128];
  snprintf(want, sizeof(want),
           "%llu:bob>Alice:Alice:hi %llu:bob>Alice:Alice:two ",
           (unsigned long long)id, (unsigned long long)id2);
  ASSERT_STR_EQ(qp(b1, "alice"), want);
  /* ...and Alice's with Bob once she is on, the same ids. */
  reed_session_t *a = sess_acct(&f, "a1", "alice", "alice");
  ASSERT_STR_EQ(qp(a, "bob"), want);
  /* Online now: reed_tell's business. */
  ASSERT_EQ(tella(b1, "alice", "x", NULL), REED_EEXIST);
  fx_done(&f);
}
