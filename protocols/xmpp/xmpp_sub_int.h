/* RFC 6121 Appendix A as data: the nine subscription states of a roster
 * item and what each presence subscription stanza does to them, seen from
 * the server of the account that owns the item. Pure (no model, no XML):
 * the handlers (xmpp_sub.c) ask the table and then do what it says.
 *
 * Directions: OUT is a stanza the account itself sends about the contact
 * (its server routes it to the contact); IN is one that arrives from the
 * contact (its server delivers it to the account). Pre-approval (RFC 6121
 * 3.4) is one more bit beside the state. */
#ifndef REED_XMPP_SUB_INT_H
#define REED_XMPP_SUB_INT_H

#include <stdbool.h>

typedef enum {
  REED_XSM_NONE = 0,
  REED_XSM_NONE_PO,  /* None + Pending Out */
  REED_XSM_NONE_PI,  /* None + Pending In */
  REED_XSM_NONE_POI, /* None + Pending Out/In */
  REED_XSM_TO,
  REED_XSM_TO_PI, /* To + Pending In */
  REED_XSM_FROM,
  REED_XSM_FROM_PO, /* From + Pending Out */
  REED_XSM_BOTH,
  REED_XSM_N_STATES
} reed_xsm_state_t;

typedef enum {
  REED_XSM_SUBSCRIBE = 0,
  REED_XSM_SUBSCRIBED,
  REED_XSM_UNSUBSCRIBE,
  REED_XSM_UNSUBSCRIBED,
  REED_XSM_N_TYPES
} reed_xsm_type_t;

typedef enum { REED_XSM_OUT = 0, REED_XSM_IN = 1 } reed_xsm_dir_t;

/* What the server does with one stanza. */
typedef struct reed_xsm_step_s {
  reed_xsm_state_t next;
  bool approved; /* the pre-approval bit after the stanza */
  /* OUT: route the stanza to the contact. IN: deliver it to the account's
   * available resources (a subscribe with none available waits as the
   * pending-in state and is delivered at the next initial presence). */
  bool pass;
  /* The roster item as a client sees it (subscription, ask, approved)
   * changed: push it to the interested resources. */
  bool push;
  /* IN subscribe from a contact already allowed (From, Both, or
   * pre-approved): the server answers `subscribed` for the account. */
  bool auto_subscribed;
  /* The contact gained (or lost) the right to see the account's
   * presence: send it the available resources' presence (or
   * unavailable from each). */
  bool gained_from, lost_from;
} reed_xsm_step_t;

/* The step for `type` in `dir` from state `st` with pre-approval `appr`. */
reed_xsm_step_t reed__xsm_step(reed_xsm_state_t st, bool appr,
                               reed_xsm_dir_t dir, reed_xsm_type_t type);

/* The roster view of a state: "none", "to", "from" or "both", and whether
 * the item carries ask='subscribe' (pending out). */
const char *reed__xsm_name(reed_xsm_state_t st);
bool reed__xsm_ask(reed_xsm_state_t st);
/* The contact may see the account's presence (From, Both, From+PO), and
 * the account the contact's (To, To+PI, Both). */
bool reed__xsm_has_from(reed_xsm_state_t st);
bool reed__xsm_has_to(reed_xsm_state_t st);
bool reed__xsm_pending_in(reed_xsm_state_t st);

/* The state of the store's bits (xmpp_store.h keeps to/from, ask and
 * pending_in): ask counts only without To, pending_in only without From,
 * as no state has both. */
reed_xsm_state_t reed__xsm_of(bool to, bool from, bool ask, bool pending_in);

/* "subscribe", ... to the type; -1 for any other string. */
int reed__xsm_type_parse(const char *type);
/* A stored state code (the store keeps the enum's value); false when out
 * of range. */
bool reed__xsm_state_valid(int st);

#endif
