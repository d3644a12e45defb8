/* IRC and AMP persons in XMPP rosters: a contact (To or Both) whose
 * account is online through IRC or AMP shows to the subscriber's
 * available resources as one more resource, "<origin>-<nick>" of the
 * account's person (bob@domain/irc-bob, bob@domain/amp-bob), available
 * while the person is on, away (<show>away</show>, the away text as
 * <status/>) while it is away, unavailable when it leaves.
 *
 * How we learn it without a scan: each available resource's model
 * session watches its To contacts' account names (the model's MONITOR;
 * an account's name is a nick reserved for it). A PRESENCE event says the
 * nick came into or went out of use, AWAY events follow while it is held.
 * The server's probe at initial presence and the approval of a
 * subscription ask the model (reed_model_find_account).
 *
 * Only a person whose first session is IRC's or AMP's is shown: while the
 * account has an XMPP resource on first, that resource is what the
 * contact sees (its IRC sessions join the same person and send no event).
 * A person using another nick than the account's name is shown by the
 * probe, but its later changes are not seen (the watch is on the name). */
#include "xmpp_im_int.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>

static xim_peer_t *
peer_find(xim_conn_t *x, const char *acct)
{
  for (size_t i = 0; i < x->n_peers; i++)
    if (reed_casecmp(x->peers[i].account, acct) == 0)
      return &x->peers[i];
  return NULL;
}

static void
peer_drop(xim_conn_t *x, xim_peer_t *p)
{
  reed_free(p->account);
  reed_free(p->jid);
  *p = x->peers[--x->n_peers];
}

void
reed__xim_peers_clear(xim_conn_t *x)
{
  while (x->n_peers > 0)
    peer_drop(x, &x->peers[0]);
}

/* Remembers that c was shown `jid` for acct; false without memory. */
static bool
peer_keep(xim_conn_t *x, const char *acct, const char *jid)
{
  xim_peer_t *p = peer_find(x, acct), *np;

  if (p != NULL) {
    char *j = reed_strdup(jid);
    if (j == NULL)
      return false;
    reed_free(p->jid);
    p->jid = j;
    return true;
  }
  if (x->n_peers == REED_XIM_ROSTER_MAX)
    return false;
  if ((np = reed_realloc(x->peers, (x->n_peers + 1) * sizeof(*np))) == NULL)
    return false;
  x->peers = np;
  p = &np[x->n_peers];
  p->account = reed_strdup(acct);
  p->jid = reed_strdup(jid);
  if (p->account == NULL || p->jid == NULL) {
    reed_free(p->account);
    reed_free(p->jid);
    return false;
  }
  x->n_peers++;
  return true;
}

/* <presence from=jid [type]>[<show>away</show><status>away</status>]. */
static void
send_presence(reed_xmpp_core_t *c, const char *jid, const char *type,
              const char *away)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", jid);
  reed__xmpp_out_attr(&o, "type", type);
  if (away == NULL) {
    reed__xmpp_out_raw(&o, "/>");
  } else {
    reed__xmpp_out_raw(&o, "><show>away</show>");
    if (away[0] != '\0') {
      reed__xmpp_out_raw(&o, "<status>");
      reed__xmpp_out_text(&o, away, strlen(away));
      reed__xmpp_out_raw(&o, "</status>");
    }
    reed__xmpp_out_raw(&o, "</presence>");
  }
  if (o.err == 0)
    reed__xim_write_to(c, "presence", o.b);
  reed__xmpp_out_cleanup(&o);
}

static bool
shown_origin(const char *origin)
{
  return origin != NULL &&
         (strcmp(origin, "irc") == 0 || strcmp(origin, "amp") == 0);
}

/* The full JID of an account's person: "<account>@<domain>/<origin>-<nick>". */
static void
peer_jid(reed_xmpp_core_t *c, const char *acct, const reed_actor_t *who,
         char *buf, size_t size)
{
  size_t n;

  reed__xim_account_jid(c, acct, buf, size);
  n = strlen(buf);
  if (n < size)
    snprintf(buf + n, size - n, "/%s-%s", who->origin, who->nick);
}

/* Whether c's account receives acct's presence (To or Both). */
typedef struct {
  bool to;
} sub_t;

static void
sub_row(void *ud, const reed_xroster_item_t *it)
{
  ((sub_t *)ud)->to = (it->sub & REED_XSUB_TO) != 0;
}

static bool
subscribed_to(reed_xmpp_core_t *c, const char *acct)
{
  char bare[REED_JID_MAX + 1];
  sub_t s = {false};

  if (reed__xim_store(c) == NULL || reed_casecmp(acct, c->account) == 0)
    return false;
  reed__xim_account_jid(c, acct, bare, sizeof(bare));
  reed_xstore_roster_get(reed__xim_store(c), c->account, bare, sub_row, &s);
  return s.to;
}

/* Shows acct's person to c as it is now (nothing when it is offline or
 * its first session is XMPP's). */
static void
show_now(reed_xmpp_core_t *c, xim_conn_t *x, const char *acct)
{
  reed_person_view_t pv;
  char jid[REED_JID_MAX + 1];

  if (reed_model_find_account(c->env->model, acct, &pv) != 0 ||
      !shown_origin(pv.who.origin) || pv.who.nick == NULL)
    return;
  peer_jid(c, acct, &pv.who, jid, sizeof(jid));
  if (peer_keep(x, acct, jid))
    send_presence(c, jid, NULL, pv.away);
}

void
reed__xim_peer_probe(reed_xmpp_core_t *c, const char *acct)
{
  xim_conn_t *x = reed__xim_conn(c, false);

  if (x == NULL || !x->available || c->session == NULL ||
      reed_casecmp(acct, c->account) == 0)
    return;
  /* The watch is what tells us later; past the model's limit of
   * watches, the probe's answer is all this resource gets. */
  reed_session_watch(c->session, acct);
  show_now(c, x, acct);
}

typedef struct {
  const char *acct;
  bool avail;
} between_t;

static void
between_one(void *ud, reed_xmpp_core_t *o)
{
  between_t *b = ud;
  xim_conn_t *x = reed__xim_conn(o, false);
  xim_peer_t *p;

  if (b->avail) {
    reed__xim_peer_probe(o, b->acct);
  } else if (x != NULL && (p = peer_find(x, b->acct)) != NULL) {
    send_presence(o, p->jid, "unavailable", NULL);
    peer_drop(x, p);
  }
}

void
reed__xim_peer_between(reed_xmpp_core_t *c, const char *acct,
                       const char *to_acct, bool avail)
{
  between_t b = {acct, avail};

  reed__xim_each(c, to_acct, between_one, &b);
}

void
reed__xmpp_ev_presence(reed_xmpp_core_t *c, reed_session_t *s,
                       const reed_event_t *ev)
{
  xim_conn_t *x = reed__xim_conn(c, false);
  const char *acct = ev->from.account;
  xim_peer_t *p;

  REED_UNUSED(s);
  if (x == NULL || !x->available || acct == NULL || !subscribed_to(c, acct))
    return;
  p = peer_find(x, acct);
  if (!ev->u.presence.online) {
    if (p != NULL) {
      send_presence(c, p->jid, "unavailable", NULL);
      peer_drop(x, p);
    }
    return;
  }
  if (shown_origin(ev->from.origin))
    show_now(c, x, acct);
}

void
reed__xmpp_ev_away(reed_xmpp_core_t *c, reed_session_t *s,
                   const reed_event_t *ev)
{
  xim_conn_t *x = reed__xim_conn(c, false);
  xim_peer_t *p;

  reed__xmuc_ev_away(c, s, ev); /* rooms (XEP-0045 7.7) */
  if (x == NULL || !x->available || ev->from.account == NULL ||
      (p = peer_find(x, ev->from.account)) == NULL)
    return;
  send_presence(c, p->jid, NULL, ev->text);
}
