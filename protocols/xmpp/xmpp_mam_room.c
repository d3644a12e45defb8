/* XEP-0313 on a MUC room (section 6: queries to the room's JID), served
 * from the model's room history: the same messages, ids and order that
 * IRC CHATHISTORY and AMP History give, each message's id its
 * <stanza-id by='room@muc'/> (IRC's msgid, AMP's id), RSM paging as for
 * the account's archive (xmpp_mam_page.c). The model lets a session read
 * a room's history while it is joined, so the archive is for occupants
 * (others get <forbidden/>); redacted messages are tombstones. */
#include "xmpp_mam_int.h"
#include "xmpp_muc.h"

#include <string.h>

bool
reed__xmpp_to_muc_room(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const reed_jid_t *to = st->to_jid;

  return to != NULL && to->local[0] != '\0' && to->resource[0] == '\0' &&
         reed__xmuc_is_muc(c, to);
}

/* The room the iq addresses, into q; false (answered) when there is none. */
static bool
room_of(reed_xmpp_core_t *c, const xmpp_stanza_t *st, mam_query_t *q)
{
  reed_room_t *r = reed__xmuc_room_of(c, st);
  reed_room_view_t v;

  if (r == NULL || c->session == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return false;
  }
  reed_room_view(r, &v);
  q->room = v.name;
  reed__xmuc_room_jid(c, v.name, q->room_jid, sizeof(q->room_jid));
  return true;
}

void
reed__xmpp_iq_mam_room(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  mam_query_t q = {0};

  if (room_of(c, st, &q))
    reed__xmpp_mam_query(c, st, &q);
}

void
reed__xmpp_iq_mam_room_meta(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  mam_query_t q = {.max = MAM_MAX_LIMIT};

  if (room_of(c, st, &q))
    reed__xmpp_mam_metadata(c, st, &q);
}
