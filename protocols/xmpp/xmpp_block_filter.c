/* XEP-0191's enforcement (the list itself is xmpp_block.c): rows at the
 * head of the message and presence chains and of the iq table, which stop
 * a stanza between a user and a JID one of them blocked, and the model
 * event filter that keeps other protocols' private messages from a blocked
 * account away from the blocker's XMPP resources. */
#include "xmpp_ext.h"

#include <string.h>
#include <strings.h>

enum { PASS = 0, OUTBOUND, INBOUND };

bool
reed__xmpp_blocks(const reed_xmpp_core_t *c, const char *account,
                  const char *jid)
{
  reed_xstore_t *xs = reed__xmpp_xstore(c);

  return xs != NULL && reed_xstore_block_match(xs, account, jid) == 1;
}

/* OUTBOUND: the user blocked the recipient; INBOUND: the recipient (a
 * local account) blocked the user. Stanzas to the user's own JIDs pass. */
static int
verdict(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const reed_jid_t *to = st->to_jid;
  char jid[REED_JID_MAX + 1];

  if (!(st->target & XMPP_TO_OTHER) || to == NULL || !c->bound)
    return PASS;
  reed_jid_format(to, true, jid, sizeof(jid));
  if (reed__xmpp_blocks(c, c->account, jid))
    return OUTBOUND;
  if (to->local[0] != '\0' &&
      strcasecmp(to->domain, reed__xmpp_domain(c)) == 0 &&
      reed_account_valid(to->local) &&
      reed__xmpp_blocks(c, to->local, c->full_jid))
    return INBOUND;
  return PASS;
}

/* Section 3.6: <not-acceptable/> with the application condition
 * <blocked/>. */
static void
error_blocked(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  xmpp_out_t o;

  if (st->type != NULL && strcmp(st->type, "error") == 0)
    return;
  reed__xmpp_out_init(&o);
  reed__xmpp_out_stanza(&o, st->el->name, c->full_jid, st->to, "error", st->id);
  reed__xmpp_out_raw(&o, "><error type='cancel'><not-acceptable "
                         "xmlns='" REED_NS_STANZA_ERR "'/><blocked "
                         "xmlns='" REED_NS_BLOCKING_ERR "'/></error></");
  reed__xmpp_out_raw(&o, st->el->name);
  reed__xmpp_out_raw(&o, ">");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

/* Messages and iq: the blocked party learns nothing it would not learn
 * from an account that does not exist (section 3.5). */
static void
refuse(reed_xmpp_core_t *c, const xmpp_stanza_t *st, int v)
{
  if (v == OUTBOUND)
    error_blocked(c, st);
  else
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
}

bool
reed__xmpp_block_message(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  int v = verdict(c, st);

  if (v == PASS)
    return false;
  refuse(c, st, v);
  return true;
}

/* Presence either way is dropped without a word. */
bool
reed__xmpp_block_presence(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  return verdict(c, st) != PASS;
}

bool
reed__xmpp_block_iq_accept(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  return verdict(c, st) != PASS;
}

void
reed__xmpp_block_iq(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  refuse(c, st, verdict(c, st));
}

/* A private message or TAGMSG from an account the user blocked (bare JID
 * account@domain, or a domain entry), whatever protocol sent it, is not
 * delivered to this resource. The blocker's IRC and AMP sessions are not
 * filtered (see xmpp_block.c). */
bool
reed__xmpp_block_event(reed_xmpp_core_t *c, reed_session_t *s,
                       const reed_event_t *ev)
{
  char jid[REED_JID_MAX + 1];

  (void)s;
  if (ev->kind != REED_EV_MESSAGE && ev->kind != REED_EV_TAGMSG)
    return false;
  if (ev->room != NULL || ev->echo || ev->copy || ev->from.account == NULL)
    return false;
  if (strcasecmp(ev->from.account, c->account) == 0)
    return false;
  reed__xmpp_account_jid(c, ev->from.account, jid, sizeof(jid));
  return reed__xmpp_blocks(c, c->account, jid);
}
