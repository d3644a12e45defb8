/* XEP-0050 ad-hoc commands on the server's JID, for server operators
 * (XEP-0133): the command list (disco#items of the commands node), each
 * command's disco#info, and execution. Every command has one stage, so a
 * session id only has to be one this run of the server gave out: nothing
 * is kept between the form and its submission (the node names the
 * command). A form submitted with the first execute runs at once. */
#include "xmpp_admin.h"
#include "xmpp_ext.h"

#include <stdio.h>
#include <string.h>

static const xmpp_adhoc_cmd_t *
find_cmd(const char *node)
{
  for (const xmpp_adhoc_cmd_t *k = reed__xmpp_admin_cmds;
       node != NULL && k->node != NULL; k++)
    if (strcmp(k->node, node) == 0)
      return k;
  return NULL;
}

static bool
is_oper(const reed_xmpp_core_t *c)
{
  return c->session != NULL && reed_session_is_oper(c->session);
}

bool
reed__xmpp_adhoc_accept(const reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *node = reed_xml_attr(st->payload, "node");

  (void)c;
  return node != NULL &&
         (strcmp(node, REED_NS_COMMANDS) == 0 || find_cmd(node) != NULL);
}

/* ---- Discovery -------------------------------------------------------------
 * Both handlers run only from their xmpp_tables.c rows, after
 * reed__xmpp_adhoc_accept: the payload always names the commands node or
 * a command's node. The server's own disco (no node) is xmpp_disco.c's.
 * The list holds what the asker may run: nothing unless an operator. */
void
reed__xmpp_iq_adhoc_items(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *node = reed_xml_attr(st->payload, "node");
  xmpp_out_t o;

  if (strcmp(node, REED_NS_COMMANDS) != 0) { /* a command has no items */
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_ITEMS "'");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, ">");
  for (const xmpp_adhoc_cmd_t *k = reed__xmpp_admin_cmds;
       is_oper(c) && k->node != NULL; k++) {
    reed__xmpp_out_raw(&o, "<item");
    reed__xmpp_out_attr(&o, "jid", reed__xmpp_domain(c));
    reed__xmpp_out_attr(&o, "node", k->node);
    reed__xmpp_out_attr(&o, "name", k->name);
    reed__xmpp_out_raw(&o, "/>");
  }
  reed__xmpp_out_raw(&o, "</query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* A command's node (XEP-0050 2.3), for an operator; the commands node
 * itself has no info of its own. */
void
reed__xmpp_iq_adhoc_info(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *node = reed_xml_attr(st->payload, "node");
  const xmpp_adhoc_cmd_t *k = find_cmd(node);
  xmpp_out_t o;

  if (k == NULL || !is_oper(c)) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<query xmlns='" REED_NS_DISCO_INFO "'");
  reed__xmpp_out_attr(&o, "node", node);
  reed__xmpp_out_raw(&o, "><identity category='automation' "
                         "type='command-node'");
  reed__xmpp_out_attr(&o, "name", k->name);
  reed__xmpp_out_raw(&o, "/><feature var='" REED_NS_COMMANDS
                         "'/><feature var='" REED_NS_DATA "'/></query>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* ---- Execution ------------------------------------------------------------*/

/* One this run gave out: our ids are "<boot ms>-<counter>" in hex. */
static bool
our_session(const reed_xmpp_core_t *c, const char *sid)
{
  char prefix[24];
  size_t n = (size_t)snprintf(prefix, sizeof(prefix), "%llx-",
                              (unsigned long long)c->st->boot_ms);

  return strncmp(sid, prefix, n) == 0 && sid[n] != '\0' &&
         strspn(sid + n, "0123456789abcdef") == strlen(sid + n);
}

static void
command_head(xmpp_out_t *o, const xmpp_adhoc_cmd_t *k, const char *sid,
             const char *status)
{
  reed__xmpp_out_raw(o, "<command xmlns='" REED_NS_COMMANDS "'");
  reed__xmpp_out_attr(o, "node", k->node);
  reed__xmpp_out_attr(o, "sessionid", sid);
  reed__xmpp_out_attr(o, "status", status);
}

static void
send_form(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
          const xmpp_adhoc_cmd_t *k, const char *sid)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  command_head(&o, k, sid, "executing");
  reed__xmpp_out_raw(&o, "><actions execute='complete'><complete/></actions>"
                         "<x xmlns='" REED_NS_DATA "' type='form'><title>");
  reed__xmpp_out_text(&o, k->title, strlen(k->title));
  reed__xmpp_out_raw(&o, "</title><instructions>");
  reed__xmpp_out_text(&o, k->instructions, strlen(k->instructions));
  reed__xmpp_out_raw(&o, "</instructions>");
  if (k->form_type != NULL) {
    reed__xmpp_out_raw(&o, "<field type='hidden' var='FORM_TYPE'><value>");
    reed__xmpp_out_text(&o, k->form_type, strlen(k->form_type));
    reed__xmpp_out_raw(&o, "</value></field>");
  }
  reed__xmpp_out_raw(&o, k->fields);
  reed__xmpp_out_raw(&o, "</x></command>");
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

static void
send_done(reed_xmpp_core_t *c, const xmpp_stanza_t *st,
          const xmpp_adhoc_cmd_t *k, const char *sid, const char *status,
          const xmpp_adhoc_reply_t *r)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  command_head(&o, k, sid, status);
  if (r == NULL) {
    reed__xmpp_out_raw(&o, "/>");
  } else {
    reed__xmpp_out_raw(&o, "><note");
    reed__xmpp_out_attr(&o, "type", r->note_type);
    reed__xmpp_out_raw(&o, ">");
    reed__xmpp_out_text(&o, r->note, strlen(r->note));
    reed__xmpp_out_raw(&o, "</note></command>");
  }
  reed__xmpp_iq_result(c, st, &o);
  reed__xmpp_out_cleanup(&o);
}

/* Runs a submitted form. The run may end the caller's own stream (a ban
 * on oneself): then nothing more is written. */
static void
run(reed_xmpp_core_t *c, const xmpp_stanza_t *st, const xmpp_adhoc_cmd_t *k,
    const reed_xml_el_t *x, const char *sid)
{
  xmpp_adhoc_reply_t r = {.note_type = "info"};
  const char *ft = reed__xmpp_form_value(x, "FORM_TYPE", 0);

  if (reed__xmpp_form_check(x) != 0 ||
      (k->form_type != NULL && ft != NULL && strcmp(ft, k->form_type) != 0)) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request",
                            "not a submitted form of this command");
    return;
  }
  k->run(c, x, &r);
  if (!c->closed)
    send_done(c, st, k, sid, "completed", &r);
}

void
reed__xmpp_iq_command(reed_xmpp_core_t *c, const xmpp_stanza_t *st)
{
  const char *node = reed_xml_attr(st->payload, "node");
  const char *action = reed_xml_attr(st->payload, "action");
  const char *sid = reed_xml_attr(st->payload, "sessionid");
  const xmpp_adhoc_cmd_t *k;
  const reed_xml_el_t *x;
  char fresh[40];

  if (!is_oper(c)) {
    reed__xmpp_stanza_error(c, st, "cancel", "forbidden",
                            "you are not a server operator");
    return;
  }
  if ((k = find_cmd(node)) == NULL) {
    reed__xmpp_stanza_error(c, st, "cancel", "item-not-found", NULL);
    return;
  }
  if (sid != NULL && !our_session(c, sid)) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", "bad-sessionid");
    return;
  }
  if (action == NULL)
    action = "execute";
  if (strcmp(action, "cancel") == 0) {
    send_done(c, st, k, sid, "canceled", NULL);
    return;
  }
  if (strcmp(action, "next") == 0 || strcmp(action, "prev") == 0) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", "bad-action");
    return;
  }
  if (strcmp(action, "execute") != 0 && strcmp(action, "complete") != 0) {
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", "malformed-action");
    return;
  }
  if (sid == NULL) {
    reed__xmpp_new_id(c, fresh, sizeof(fresh));
    sid = fresh;
  }
  x = reed__xmpp_form_find(st->payload);
  if (x != NULL)
    run(c, st, k, x, sid);
  else if (strcmp(action, "complete") == 0)
    reed__xmpp_stanza_error(c, st, "modify", "bad-request", "bad-payload");
  else
    send_form(c, st, k, sid);
}

/* The server's disco#info lists XEP-0050 (xmpp_tables.c's disco rows). */
const xmpp_disco_var_t reed__xmpp_disco_commands[] = {
    {REED_NS_COMMANDS, XMPP_DISCO_SERVER},
    {NULL, 0},
};
