/* Service discovery of the MUC service and its rooms (XEP-0045 6), and
 * XEP-0410 self-ping. The service is a conference/text entity whose items
 * are the public rooms (not secret, someone in them); a room's disco#info
 * says how it is set (XEP-0045 15.2 features) and holds the
 * muc#roominfo form (occupants, subject). */
#include "xmpp_ext.h"
#include "xmpp_muc.h"

#include <stdio.h>
#include <string.h>

bool
reed__xmuc_iq_accept(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  return reed__xmuc_is_muc(c, st->to_jid);
}

static void
feature(xmpp_out_t *o, const char *var)
{
  reed__xmpp_out_raw(o, "<feature");
  reed__xmpp_out_attr(o, "var", var);
  reed__xmpp_out_raw(o, "/>");
}

static void
field(xmpp_out_t *o, const char *var, const char *label, const char *value)
{
  reed__xmpp_out_raw(o, "<field");
  reed__xmpp_out_attr(o, "var", var);
  reed__xmpp_out_attr(o, "label", label);
  reed__xmpp_out_raw(o, "><value>");
  reed__xmpp_out_text(o, value, strlen(value));
  reed__xmpp_out_raw(o, "</value></field>");
}

void
reed__xmuc_service_item(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  char dom[REED_JID_PART_MAX + 1];

  reed__xmuc_domain(c, dom, sizeof(dom));
  reed__xmpp_out_raw(o, "<item");
  reed__xmpp_out_attr(o, "jid", dom);
  reed__xmpp_out_raw(o, " name='Rooms'/>");
}

static void
service_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  static const char *const vars[] = {
      REED_NS_DISCO_INFO,  REED_NS_DISCO_ITEMS, REED_NS_MUC,
      REED_NS_OCCUPANT_ID, "urn:xmpp:ping",     NULL,
  };
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_INFO
                         "'><identity category='conference' type='text' "
                         "name='Rooms'/>");
  for (size_t i = 0; vars[i] != NULL; i++)
    feature(&o, vars[i]);
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
room_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r)
{
  reed_room_view_t v;
  xmpp_out_t o;
  char n[24];

  reed_room_view(r, &v);
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_INFO
                         "'><identity category='conference' type='text'");
  reed__xmpp_out_attr(&o, "name", v.name);
  reed__xmpp_out_raw(&o, "/>");
  feature(&o, REED_NS_DISCO_INFO);
  feature(&o, REED_NS_MUC);
  feature(&o, REED_NS_MUC "#self-ping-optimization");
  feature(&o, REED_NS_MUC "#stable_id");
  feature(&o, REED_NS_OCCUPANT_ID);
  feature(&o, v.secret ? "muc_hidden" : "muc_public");
  feature(&o, v.invite_only ? "muc_membersonly" : "muc_open");
  feature(&o, v.moderated ? "muc_moderated" : "muc_unmoderated");
  feature(&o, "muc_nonanonymous");
  feature(&o, v.key ? "muc_passwordprotected" : "muc_unsecured");
  feature(&o, reed__xmuc_persistent(r) ? "muc_persistent" : "muc_temporary");
  feature(&o, "urn:xmpp:sid:0");
  reed__xmpp_out_raw(&o, "<x xmlns='jabber:x:data' type='result'>");
  reed__xmpp_out_raw(&o, "<field var='FORM_TYPE' type='hidden'><value>"
                         "http://jabber.org/protocol/muc#roominfo</value>"
                         "</field>");
  snprintf(n, sizeof(n), "%zu", v.members);
  field(&o, "muc#roominfo_occupants", "Number of occupants", n);
  field(&o, "muc#roominfo_subject", "Subject", v.topic ? v.topic : "");
  field(&o, "muc#roomconfig_changesubject", "Occupants may change the subject",
        v.topic_lock ? "0" : "1");
  reed__xmpp_out_raw(&o, "</x></query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- Bots
 * ---------------------------------------------------------------------
 * XEP-0045 has no bot flag; XMPP's way to say "this is a bot" is the
 * disco identity client/bot (XEP-0030 categories), which clients learn
 * from a XEP-0115 <c/> in the occupant's presence and a disco#info to the
 * occupant JID, both answered here for members whose person is a bot. */
#define BOT_NODE "urn:reed:bot"
static const xmpp_identity_t bot_identity = {"client", "bot", NULL, "bot"};
static const char *const bot_vars[] = {REED_NS_DISCO_INFO};

void
reed__xmuc_out_bot_caps(xmpp_out_t *o)
{
  char ver[32];

  if (reed__xmpp_caps_ver(&bot_identity, 1, bot_vars, 1, ver) != 0)
    return;
  reed__xmpp_out_raw(o, "<c xmlns='" REED_NS_CAPS
                        "' hash='sha-1' node='" BOT_NODE "'");
  reed__xmpp_out_attr(o, "ver", ver);
  reed__xmpp_out_raw(o, "/>");
}

/* A bot logged in over XMPP says so the way reed's bot library does (and
 * as IRC's +B is a bot's own word): a XEP-0115 <c node='urn:reed:bot'/>
 * in its presence, initial or a room join. Its person becomes a bot for
 * every protocol: IRC shows the B flag and the bot tag, XMPP occupants the
 * client/bot caps. The flag stays with the person while it is online. */
void
reed__xmuc_bot_declared(reed_xmpp_core_t *c, const reed_xml_el_t *presence)
{
  const reed_xml_el_t *caps = reed_xml_child(presence, "c", REED_NS_CAPS);
  const char *node = caps ? reed_xml_attr(caps, "node") : NULL;

  if (c->session != NULL && node != NULL && strcmp(node, BOT_NODE) == 0)
    (void)reed_session_set_bot(c->session, true);
}

static void
occupant_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st, reed_room_t *r)
{
  reed_member_view_t mv;
  const char *node = reed_xml_attr(st->payload, "node");
  xmpp_out_t o;

  if (reed_room_member(r, st->to_jid->resource, &mv) != 0 || !mv.who.bot) {
    reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_INFO "'");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, "><identity category='client' type='bot' "
                         "name='bot'/><feature var='" REED_NS_DISCO_INFO
                         "'/></query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

void
reed__xmuc_iq_disco_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_room_t *r;

  if (st->to_jid->local[0] == '\0' && st->to_jid->resource[0] == '\0') {
    service_info(c, st);
    return;
  }
  r = reed__xmuc_room_of(c, st);
  if (r != NULL && st->to_jid->resource[0] != '\0')
    occupant_info(c, st, r);
  else if (r == NULL || reed_xml_attr(st->payload, "node") != NULL)
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
  else
    room_info(c, st, r);
}

typedef struct {
  reed_xmpp_core_t *c;
  xmpp_out_t *o;
} items_t;

static void
public_room(void *ud, const reed_room_t *r)
{
  items_t *k = ud;
  reed_room_view_t v;
  char jid[REED_JID_MAX + 1];

  reed_room_view(r, &v);
  if (v.secret || (v.members == 0 && !reed__xmuc_persistent(r)))
    return;
  reed__xmuc_room_jid(k->c, v.name, jid, sizeof(jid));
  reed__xmpp_out_raw(k->o, "<item");
  reed__xmpp_out_attr(k->o, "jid", jid);
  reed__xmpp_out_attr(k->o, "name", v.name);
  reed__xmpp_out_raw(k->o, "/>");
}

void
reed__xmuc_iq_disco_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  xmpp_out_t o;
  items_t k = {c, &o};

  if (st->to_jid->resource[0] != '\0' ||
      reed_xml_attr(st->payload, "node") != NULL ||
      (st->to_jid->local[0] != '\0' && reed__xmuc_room_of(c, st) == NULL)) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_ITEMS "'>");
  /* A room lists no occupants (7.1 allows it); the service its rooms. */
  if (st->to_jid->local[0] == '\0')
    reed_model_each_room(c->env->model, public_room, &k);
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* XEP-0410: a ping to the own occupant JID is answered by the room while
 * joined under that nick; otherwise <not-acceptable/>. The service and a
 * room answer a ping themselves; other occupants' iqs are not forwarded. */
void
reed__xmuc_iq_ping(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  reed_room_t *r = reed__xmuc_room_of(c, st);
  const char *nick = st->to_jid->resource, *me = reed_session_nick(c->session);

  if (st->to_jid->local[0] == '\0' && nick[0] == '\0') {
    reed__xmpp_iq_result(c, st, NULL);
    return;
  }
  if (r == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  if (nick[0] == '\0') {
    reed__xmpp_iq_result(c, st, NULL);
    return;
  }
  if (!reed_room_has_session(r, c->session) || me == NULL ||
      strcmp(me, nick) != 0) {
    if (reed_room_has_session(r, c->session))
      reed__xmpp_stanza_error(c, st, "cancel", "service-unavailable", NULL);
    else
      reed__xmpp_stanza_error(c, st, "modify", "not-acceptable", NULL);
    return;
  }
  reed__xmpp_iq_result(c, st, NULL);
}
