/* Server administration on XMPP: operator accounts, XEP-0050 ad-hoc
 * commands with XEP-0004 forms, and the XEP-0133 commands reed runs
 * (protocols/xmpp/README.md, "Administration"). */
#ifndef REED_XMPP_ADMIN_H
#define REED_XMPP_ADMIN_H

#include "xmpp_int.h"

#define REED_NS_DISCO_INFO "http://jabber.org/protocol/disco#info"
#define REED_NS_DISCO_ITEMS "http://jabber.org/protocol/disco#items"
#define REED_NS_COMMANDS "http://jabber.org/protocol/commands"
#define REED_NS_DATA "jabber:x:data"
#define REED_NS_ADMIN "http://jabber.org/protocol/admin"

/* xmpp_admin.c: at bind, a login to an operator account (`reed account
 * oper add`) makes the session a server operator, with an audit line;
 * every XMPP session takes operator announcements (XEP-0133's announce
 * goes to all online users), shown as headline messages. */
void reed__xmpp_admin_on_bound(reed_xmpp_core_t *c);
void reed__xmpp_ev_announce(reed_xmpp_core_t *c, reed_session_t *s,
                            const reed_event_t *ev);

/* ---- XEP-0004 submitted forms (xmpp_form.c) -------------------------------
 * `x` is an <x xmlns='jabber:x:data'/>. */
/* The form child of `parent` (any type), or NULL. */
const reed_xml_el_t *reed__xmpp_form_find(const reed_xml_el_t *parent);
/* A submitted form is well made: type 'submit', every <field> has a var
 * (none twice), every <value> is inside a field. 0 or REED_ESYNTAX. */
int reed__xmpp_form_check(const reed_xml_el_t *x);
/* The n-th <value> of field `var` (from 0), or NULL. */
const char *reed__xmpp_form_value(const reed_xml_el_t *x, const char *var,
                                  size_t n);
/* The field's values joined by one space (a text-multi as one line): the
 * number of values, or REED_ETOOBIG when they do not fit in `size`. */
int reed__xmpp_form_join(const reed_xml_el_t *x, const char *var, char *out,
                         size_t size);

/* ---- XEP-0050 ad-hoc commands (xmpp_adhoc.c) ------------------------------
 * Each command has one stage: execute gives its form, a submitted form
 * runs it and completes with a note (an error note when the input is
 * refused: clients show it beside the form). What a run says back. */
typedef struct xmpp_adhoc_reply_s {
  const char *note_type; /* "info" (done) or "error" (refused) */
  char note[512];        /* what the operator reads */
} xmpp_adhoc_reply_t;

typedef struct xmpp_adhoc_cmd_s {
  const char *node;
  const char *name;
  const char *form_type; /* the hidden FORM_TYPE, or NULL */
  const char *title;
  const char *instructions;
  const char *fields; /* trusted markup: the form's <field/> elements */
  void (*run)(reed_xmpp_core_t *c, const reed_xml_el_t *x,
              xmpp_adhoc_reply_t *r);
} xmpp_adhoc_cmd_t;

extern const xmpp_adhoc_cmd_t reed__xmpp_admin_cmds[]; /* NULL node ends */

void reed__xmpp_iq_command(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_adhoc_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
void reed__xmpp_iq_adhoc_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st);
/* Whether a disco query is one of ours (the commands node, or a command's
 * node): for a table whose disco rows can decline. */
bool reed__xmpp_adhoc_accept(const reed_xmpp_core_t *c,
                             const xmpp_stanza_t *st);

/* xmpp_admin_cmds.c: the commands' runs. */
void reed__xmpp_admin_announce(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                               xmpp_adhoc_reply_t *r);
void reed__xmpp_admin_end_session(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                                  xmpp_adhoc_reply_t *r);
void reed__xmpp_admin_ban_add(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                              xmpp_adhoc_reply_t *r);
void reed__xmpp_admin_ban_del(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                              xmpp_adhoc_reply_t *r);

#endif
