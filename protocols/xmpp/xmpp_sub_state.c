/* RFC 6121 Appendix A, the subscription state machine, as two tables
 * (A.2: outbound stanzas, A.3: inbound) read by one function. The rows are
 * the appendix's own, state by state; what is not in a row (the roster
 * push, the presence a new or lost From implies) follows from the states. */
#include "xmpp_sub_int.h"

#include <string.h>

#define N REED_XSM_NONE
#define NPO REED_XSM_NONE_PO
#define NPI REED_XSM_NONE_PI
#define NPOI REED_XSM_NONE_POI
#define T REED_XSM_TO
#define TPI REED_XSM_TO_PI
#define F REED_XSM_FROM
#define FPO REED_XSM_FROM_PO
#define B REED_XSM_BOTH

typedef struct {
  unsigned char next;
  bool pass;
} row_t;

/* [direction][type][state]: the new state and whether the stanza is routed
 * (OUT) or delivered (IN). Pre-approval is applied on top (sub_step). */
static const row_t
    table[2][REED_XSM_N_TYPES][REED_XSM_N_STATES] =
        {
            [REED_XSM_OUT] =
                {
                    /* A.2.1: the contact's server decides; always routed. */
                    [REED_XSM_SUBSCRIBE] = {{NPO, 1},
                                            {NPO, 1},
                                            {NPOI, 1},
                                            {NPOI, 1},
                                            {T, 1},
                                            {TPI, 1},
                                            {FPO, 1},
                                            {FPO, 1},
                                            {B, 1}},
                    /* A.2.2: routed only when it approves a pending request. */
                    [REED_XSM_SUBSCRIBED] = {{N, 0},
                                             {NPO, 0},
                                             {F, 1},
                                             {FPO, 1},
                                             {T, 0},
                                             {B, 1},
                                             {F, 0},
                                             {FPO, 0},
                                             {B, 0}},
                    /* A.2.3: always routed (RFC 6121 3.3.2). */
                    [REED_XSM_UNSUBSCRIBE] = {{N, 1},
                                              {N, 1},
                                              {NPI, 1},
                                              {NPI, 1},
                                              {N, 1},
                                              {NPI, 1},
                                              {F, 1},
                                              {F, 1},
                                              {F, 1}},
                    /* A.2.4: always routed (RFC 6121 3.2.2). */
                    [REED_XSM_UNSUBSCRIBED] = {{N, 1},
                                               {NPO, 1},
                                               {N, 1},
                                               {NPO, 1},
                                               {T, 1},
                                               {T, 1},
                                               {N, 1},
                                               {NPO, 1},
                                               {T, 1}},
                },
            [REED_XSM_IN] =
                {
                    /* A.3.1: a request already pending or granted is not
                     * delivered again (granted ones are answered for the
                     * account: auto_subscribed). */
                    [REED_XSM_SUBSCRIBE] = {{NPI, 1},
                                            {NPOI, 1},
                                            {NPI, 0},
                                            {NPOI, 0},
                                            {TPI, 1},
                                            {TPI, 0},
                                            {F, 0},
                                            {FPO, 0},
                                            {B, 0}},
                    /* A.3.2 */
                    [REED_XSM_SUBSCRIBED] = {{N, 0},
                                             {T, 1},
                                             {NPI, 0},
                                             {TPI, 1},
                                             {T, 0},
                                             {TPI, 0},
                                             {F, 0},
                                             {B, 1},
                                             {B, 0}},
                    /* A.3.3 */
                    [REED_XSM_UNSUBSCRIBE] = {{N, 0},
                                              {NPO, 0},
                                              {N, 1},
                                              {NPO, 1},
                                              {T, 0},
                                              {T, 1},
                                              {N, 1},
                                              {NPO, 1},
                                              {T, 1}},
                    /* A.3.4 */
                    [REED_XSM_UNSUBSCRIBED] = {{N, 0},
                                               {N, 1},
                                               {NPI, 0},
                                               {NPI, 1},
                                               {N, 1},
                                               {NPI, 1},
                                               {F, 0},
                                               {F, 1},
                                               {F, 1}},
                },
};

bool
reed__xsm_has_from(reed_xsm_state_t st)
{
  return st == F || st == FPO || st == B;
}

bool
reed__xsm_has_to(reed_xsm_state_t st)
{
  return st == T || st == TPI || st == B;
}

bool
reed__xsm_pending_in(reed_xsm_state_t st)
{
  return st == NPI || st == NPOI || st == TPI;
}

bool
reed__xsm_ask(reed_xsm_state_t st)
{
  return st == NPO || st == NPOI || st == FPO;
}

const char *
reed__xsm_name(reed_xsm_state_t st)
{
  if (reed__xsm_has_to(st))
    return reed__xsm_has_from(st) ? "both" : "to";
  return reed__xsm_has_from(st) ? "from" : "none";
}

reed_xsm_state_t
reed__xsm_of(bool to, bool from, bool ask, bool pending_in)
{
  if (to)
    return from ? B : pending_in ? TPI : T;
  if (from)
    return ask ? FPO : F;
  if (ask)
    return pending_in ? NPOI : NPO;
  return pending_in ? NPI : N;
}

/* Pre-approval can stand only where the contact has no From yet. */
static bool
can_preapprove(reed_xsm_state_t st)
{
  return !reed__xsm_has_from(st) && !reed__xsm_pending_in(st);
}

/* RFC 6121 3.4: an approval given before the request (OUT subscribed with
 * nothing pending) is kept; the request then finds it (IN subscribe) and
 * is granted at once; OUT unsubscribed withdraws it. */
static void
apply_preapproval(reed_xsm_step_t *s, reed_xsm_state_t st, reed_xsm_dir_t dir,
                  reed_xsm_type_t type)
{
  if (dir == REED_XSM_OUT && type == REED_XSM_SUBSCRIBED && can_preapprove(st))
    s->approved = true;
  else if (dir == REED_XSM_OUT && type == REED_XSM_UNSUBSCRIBED)
    s->approved = false;
  else if (dir == REED_XSM_IN && type == REED_XSM_SUBSCRIBE && s->approved &&
           can_preapprove(st)) {
    s->next = st == T ? B : st == NPO ? FPO : F;
    s->pass = false;
    s->approved = false;
  }
}

reed_xsm_step_t
reed__xsm_step(reed_xsm_state_t st, bool appr, reed_xsm_dir_t dir,
               reed_xsm_type_t type)
{
  reed_xsm_step_t s;
  row_t r;

  memset(&s, 0, sizeof(s));
  if ((unsigned)st >= REED_XSM_N_STATES || (unsigned)type >= REED_XSM_N_TYPES)
    return s; /* callers check; nothing happens to a bad row */
  r = table[dir == REED_XSM_IN][type][st];
  s.next = (reed_xsm_state_t)r.next;
  s.pass = r.pass;
  s.approved = appr && can_preapprove(st);
  apply_preapproval(&s, st, dir, type);
  if (!can_preapprove(s.next))
    s.approved = false;
  s.push = reed__xsm_has_to(s.next) != reed__xsm_has_to(st) ||
           reed__xsm_has_from(s.next) != reed__xsm_has_from(st) ||
           reed__xsm_ask(s.next) != reed__xsm_ask(st) ||
           s.approved != (appr && can_preapprove(st));
  s.auto_subscribed = dir == REED_XSM_IN && type == REED_XSM_SUBSCRIBE &&
                      reed__xsm_has_from(s.next);
  s.gained_from = reed__xsm_has_from(s.next) && !reed__xsm_has_from(st);
  s.lost_from = reed__xsm_has_from(st) && !reed__xsm_has_from(s.next);
  return s;
}

int
reed__xsm_type_parse(const char *type)
{
  static const char *const names[REED_XSM_N_TYPES] = {
      "subscribe", "subscribed", "unsubscribe", "unsubscribed"};

  for (int i = 0; type != NULL && i < REED_XSM_N_TYPES; i++)
    if (strcmp(type, names[i]) == 0)
      return i;
  return -1;
}

bool
reed__xsm_state_valid(int st)
{
  return st >= 0 && st < REED_XSM_N_STATES;
}
