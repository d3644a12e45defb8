/* The subscription state machine against RFC 6121 Appendix A, row by row:
 * each of the nine states with each of the four types, outbound (A.2) and
 * inbound (A.3), then the pre-approval rows of section 3.4. The expected
 * rows are written out from the appendix, not computed. */
#include "harness.h"
#include "xmpp_sub_int.h"

#define N REED_XSM_NONE
#define NPO REED_XSM_NONE_PO
#define NPI REED_XSM_NONE_PI
#define NPOI REED_XSM_NONE_POI
#define T REED_XSM_TO
#define TPI REED_XSM_TO_PI
#define F REED_XSM_FROM
#define FPO REED_XSM_FROM_PO
#define B REED_XSM_BOTH
#define OUT REED_XSM_OUT
#define IN REED_XSM_IN
#define SUB REED_XSM_SUBSCRIBE
#define SUBD REED_XSM_SUBSCRIBED
#define UNS REED_XSM_UNSUBSCRIBE
#define UNSD REED_XSM_UNSUBSCRIBED

typedef struct {
  int dir, type, st;
  bool appr;
  int next;
  bool approved, pass, push, autosub, gained, lost;
} row_t;

/* dir type state appr -> next approved pass push auto gained lost */
static const row_t rows[] = {
    /* A.2.1 outbound subscribe */
    {OUT, SUB, N, 0, NPO, 0, 1, 1, 0, 0, 0},
    {OUT, SUB, NPO, 0, NPO, 0, 1, 0, 0, 0, 0},
    {OUT, SUB, NPI, 0, NPOI, 0, 1, 1, 0, 0, 0},
    {OUT, SUB, NPOI, 0, NPOI, 0, 1, 0, 0, 0, 0},
    {OUT, SUB, T, 0, T, 0, 1, 0, 0, 0, 0},
    {OUT, SUB, TPI, 0, TPI, 0, 1, 0, 0, 0, 0},
    {OUT, SUB, F, 0, FPO, 0, 1, 1, 0, 0, 0},
    {OUT, SUB, FPO, 0, FPO, 0, 1, 0, 0, 0, 0},
    {OUT, SUB, B, 0, B, 0, 1, 0, 0, 0, 0},
    /* A.2.2 outbound subscribed: no pending request = pre-approval */
    {OUT, SUBD, N, 0, N, 1, 0, 1, 0, 0, 0},
    {OUT, SUBD, NPO, 0, NPO, 1, 0, 1, 0, 0, 0},
    {OUT, SUBD, NPI, 0, F, 0, 1, 1, 0, 1, 0},
    {OUT, SUBD, NPOI, 0, FPO, 0, 1, 1, 0, 1, 0},
    {OUT, SUBD, T, 0, T, 1, 0, 1, 0, 0, 0},
    {OUT, SUBD, TPI, 0, B, 0, 1, 1, 0, 1, 0},
    {OUT, SUBD, F, 0, F, 0, 0, 0, 0, 0, 0},
    {OUT, SUBD, FPO, 0, FPO, 0, 0, 0, 0, 0, 0},
    {OUT, SUBD, B, 0, B, 0, 0, 0, 0, 0, 0},
    /* A.2.3 outbound unsubscribe */
    {OUT, UNS, N, 0, N, 0, 1, 0, 0, 0, 0},
    {OUT, UNS, NPO, 0, N, 0, 1, 1, 0, 0, 0},
    {OUT, UNS, NPI, 0, NPI, 0, 1, 0, 0, 0, 0},
    {OUT, UNS, NPOI, 0, NPI, 0, 1, 1, 0, 0, 0},
    {OUT, UNS, T, 0, N, 0, 1, 1, 0, 0, 0},
    {OUT, UNS, TPI, 0, NPI, 0, 1, 1, 0, 0, 0},
    {OUT, UNS, F, 0, F, 0, 1, 0, 0, 0, 0},
    {OUT, UNS, FPO, 0, F, 0, 1, 1, 0, 0, 0},
    {OUT, UNS, B, 0, F, 0, 1, 1, 0, 0, 0},
    /* A.2.4 outbound unsubscribed (pending in is not shown: no push) */
    {OUT, UNSD, N, 0, N, 0, 1, 0, 0, 0, 0},
    {OUT, UNSD, NPO, 0, NPO, 0, 1, 0, 0, 0, 0},
    {OUT, UNSD, NPI, 0, N, 0, 1, 0, 0, 0, 0},
    {OUT, UNSD, NPOI, 0, NPO, 0, 1, 0, 0, 0, 0},
    {OUT, UNSD, T, 0, T, 0, 1, 0, 0, 0, 0},
    {OUT, UNSD, TPI, 0, T, 0, 1, 0, 0, 0, 0},
    {OUT, UNSD, F, 0, N, 0, 1, 1, 0, 0, 1},
    {OUT, UNSD, FPO, 0, NPO, 0, 1, 1, 0, 0, 1},
    {OUT, UNSD, B, 0, T, 0, 1, 1, 0, 0, 1},
    /* A.3.1 inbound subscribe */
    {IN, SUB, N, 0, NPI, 0, 1, 0, 0, 0, 0},
    {IN, SUB, NPO, 0, NPOI, 0, 1, 0, 0, 0, 0},
    {IN, SUB, NPI, 0, NPI, 0, 0, 0, 0, 0, 0},
    {IN, SUB, NPOI, 0, NPOI, 0, 0, 0, 0, 0, 0},
    {IN, SUB, T, 0, TPI, 0, 1, 0, 0, 0, 0},
    {IN, SUB, TPI, 0, TPI, 0, 0, 0, 0, 0, 0},
    {IN, SUB, F, 0, F, 0, 0, 0, 1, 0, 0},
    {IN, SUB, FPO, 0, FPO, 0, 0, 0, 1, 0, 0},
    {IN, SUB, B, 0, B, 0, 0, 0, 1, 0, 0},
    /* A.3.2 inbound subscribed */
    {IN, SUBD, N, 0, N, 0, 0, 0, 0, 0, 0},
    {IN, SUBD, NPO, 0, T, 0, 1, 1, 0, 0, 0},
    {IN, SUBD, NPI, 0, NPI, 0, 0, 0, 0, 0, 0},
    {IN, SUBD, NPOI, 0, TPI, 0, 1, 1, 0, 0, 0},
    {IN, SUBD, T, 0, T, 0, 0, 0, 0, 0, 0},
    {IN, SUBD, TPI, 0, TPI, 0, 0, 0, 0, 0, 0},
    {IN, SUBD, F, 0, F, 0, 0, 0, 0, 0, 0},
    {IN, SUBD, FPO, 0, B, 0, 1, 1, 0, 0, 0},
    {IN, SUBD, B, 0, B, 0, 0, 0, 0, 0, 0},
    /* A.3.3 inbound unsubscribe */
    {IN, UNS, N, 0, N, 0, 0, 0, 0, 0, 0},
    {IN, UNS, NPO, 0, NPO, 0, 0, 0, 0, 0, 0},
    {IN, UNS, NPI, 0, N, 0, 1, 0, 0, 0, 0},
    {IN, UNS, NPOI, 0, NPO, 0, 1, 0, 0, 0, 0},
    {IN, UNS, T, 0, T, 0, 0, 0, 0, 0, 0},
    {IN, UNS, TPI, 0, T, 0, 1, 0, 0, 0, 0},
    {IN, UNS, F, 0, N, 0, 1, 1, 0, 0, 1},
    {IN, UNS, FPO, 0, NPO, 0, 1, 1, 0, 0, 1},
    {IN, UNS, B, 0, T, 0, 1, 1, 0, 0, 1},
    /* A.3.4 inbound unsubscribed */
    {IN, UNSD, N, 0, N, 0, 0, 0, 0, 0, 0},
    {IN, UNSD, NPO, 0, N, 0, 1, 1, 0, 0, 0},
    {IN, UNSD, NPI, 0, NPI, 0, 0, 0, 0, 0, 0},
    {IN, UNSD, NPOI, 0, NPI, 0, 1, 1, 0, 0, 0},
    {IN, UNSD, T, 0, N, 0, 1, 1, 0, 0, 0},
    {IN, UNSD, TPI, 0, NPI, 0, 1, 1, 0, 0, 0},
    {IN, UNSD, F, 0, F, 0, 0, 0, 0, 0, 0},
    {IN, UNSD, FPO, 0, F, 0, 1, 1, 0, 0, 0},
    {IN, UNSD, B, 0, F, 0, 1, 1, 0, 0, 0},
    /* 3.4 pre-approval: a request finds it and is granted at once */
    {IN, SUB, N, 1, F, 0, 0, 1, 1, 1, 0},
    {IN, SUB, NPO, 1, FPO, 0, 0, 1, 1, 1, 0},
    {IN, SUB, T, 1, B, 0, 0, 1, 1, 1, 0},
    /* kept through what does not touch From, withdrawn by unsubscribed */
    {OUT, SUBD, N, 1, N, 1, 0, 0, 0, 0, 0},
    {OUT, SUB, N, 1, NPO, 1, 1, 1, 0, 0, 0},
    {OUT, UNS, T, 1, N, 1, 1, 1, 0, 0, 0},
    {IN, UNSD, T, 1, N, 1, 1, 1, 0, 0, 0},
    {OUT, UNSD, N, 1, N, 0, 1, 1, 0, 0, 0},
    {OUT, UNSD, T, 1, T, 0, 1, 1, 0, 0, 0},
};

TEST(xim_sub_table)
{
  size_t covered[2][4][9] = {{{0}}};

  for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
    const row_t *r = &rows[i];
    reed_xsm_step_t s =
        reed__xsm_step((reed_xsm_state_t)r->st, r->appr, (reed_xsm_dir_t)r->dir,
                       (reed_xsm_type_t)r->type);
    if (s.next != (reed_xsm_state_t)r->next || s.approved != r->approved ||
        s.pass != r->pass || s.push != r->push ||
        s.auto_subscribed != r->autosub || s.gained_from != r->gained ||
        s.lost_from != r->lost)
      reed__test_fail(__FILE__, __LINE__,
                      "row %zu (dir %d type %d state %d appr %d): next %d "
                      "approved %d pass %d push %d auto %d gained %d lost %d",
                      i, r->dir, r->type, r->st, r->appr, s.next, s.approved,
                      s.pass, s.push, s.auto_subscribed, s.gained_from,
                      s.lost_from);
    if (!r->appr)
      covered[r->dir][r->type][r->st]++;
  }
  for (int d = 0; d < 2; d++)
    for (int t = 0; t < 4; t++)
      for (int st = 0; st < 9; st++)
        ASSERT_EQ(covered[d][t][st], 1);
}

TEST(xim_sub_views)
{
  static const struct {
    int st;
    const char *name;
    bool ask, from, to, pin;
  } v[] = {
      {N, "none", 0, 0, 0, 0},   {NPO, "none", 1, 0, 0, 0},
      {NPI, "none", 0, 0, 0, 1}, {NPOI, "none", 1, 0, 0, 1},
      {T, "to", 0, 0, 1, 0},     {TPI, "to", 0, 0, 1, 1},
      {F, "from", 0, 1, 0, 0},   {FPO, "from", 1, 1, 0, 0},
      {B, "both", 0, 1, 1, 0},
  };

  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
    reed_xsm_state_t st = (reed_xsm_state_t)v[i].st;
    ASSERT_STR_EQ(reed__xsm_name(st), v[i].name);
    ASSERT_EQ(reed__xsm_ask(st), v[i].ask);
    ASSERT_EQ(reed__xsm_has_from(st), v[i].from);
    ASSERT_EQ(reed__xsm_has_to(st), v[i].to);
    ASSERT_EQ(reed__xsm_pending_in(st), v[i].pin);
  }
  /* Each state from its own bits, and the bits no state has. */
  for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
    ASSERT_EQ(reed__xsm_of(v[i].to, v[i].from, v[i].ask, v[i].pin), v[i].st);
  ASSERT_EQ(reed__xsm_of(1, 0, 1, 0), T);
  ASSERT_EQ(reed__xsm_of(1, 1, 1, 1), B);
  ASSERT_EQ(reed__xsm_of(0, 1, 0, 1), F);
  ASSERT_EQ(reed__xsm_type_parse("subscribe"), SUB);
  ASSERT_EQ(reed__xsm_type_parse("subscribed"), SUBD);
  ASSERT_EQ(reed__xsm_type_parse("unsubscribe"), UNS);
  ASSERT_EQ(reed__xsm_type_parse("unsubscribed"), UNSD);
  ASSERT_EQ(reed__xsm_type_parse("Subscribe"), -1);
  ASSERT_EQ(reed__xsm_type_parse("probe"), -1);
  ASSERT_EQ(reed__xsm_type_parse(NULL), -1);
  ASSERT(reed__xsm_state_valid(0) && reed__xsm_state_valid(8));
  ASSERT(!reed__xsm_state_valid(-1) && !reed__xsm_state_valid(9));
  /* A bad row changes nothing and does nothing. */
  reed_xsm_step_t s = reed__xsm_step((reed_xsm_state_t)9, 0, IN, SUB);
  ASSERT(!s.pass && !s.push && !s.auto_subscribed && s.next == N);
}
