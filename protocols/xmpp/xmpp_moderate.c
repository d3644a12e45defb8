/* XEP-0425 moderated retraction: a moderator's
 * <moderate id xmlns='urn:xmpp:message-moderate:1'><retract/><reason/>
 * iq to a room becomes the model's redaction (reed_redact), which lets
 * only the room's operators (and server operators) remove another's
 * message; IRC members with draft/message-redaction see REDACT, XMPP
 * occupants the retraction from the room (xmpp_retract.c). */
#include "xmpp_mam_int.h"
#include "xmpp_muc.h"
#include "xmpp_payload.h"

void
reed__xmpp_iq_moderate(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_room_t *r = reed__xmuc_room_of(c, st);
  uint64_t id = reed__xmpp_model_id(reed_xml_attr(st->payload, "id"));
  const char *reason = reed_xml_child_text(st->payload, "reason", NULL);
  reed_room_view_t v;
  int rc;

  if (reed_xml_child(st->payload, "retract", REED_NS_RETRACT) == NULL) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
    return;
  }
  if (r == NULL || c->session == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  reed_room_view(r, &v);
  rc = id != 0 ? reed_redact(c->session, v.name, id, reason) : REED_ENOSUCHMSG;
  if (rc == 0)
    reed__xmpp_iq_result(c, st, NULL);
  else if (rc == REED_ENOPRIV || rc == REED_ENOTMEMBER)
    reed__xmpp_stanza_error(c, st, "auth", "forbidden",
                            "Only moderators may retract others' messages");
  else if (rc == REED_EBADTEXT)
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", NULL);
  else
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
}
