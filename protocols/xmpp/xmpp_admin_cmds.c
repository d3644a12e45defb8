/* The XEP-0133 commands reed runs for server operators, and two of its
 * own for server bans (the nodes urn:reed:admin#ban-add and #ban-del),
 * through the model and the store as IRC's WALLOPS, KILL and UBAN and
 * AMP's Kill and ServerBan do. Every action is an audit line. */
#include "xmpp_admin.h"
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define END_REASON "Session ended by an operator"
#define JIDS_MAX 20 /* accountjids taken from one form */

const xmpp_adhoc_cmd_t reed__xmpp_admin_cmds[] = {
    {.node = REED_NS_ADMIN "#announce",
     .name = "Send Announcement to Online Users",
     .form_type = REED_NS_ADMIN,
     .title = "Making an Announcement",
     .instructions = "Fill out this form to make an announcement to all "
                     "online users of this service (IRC users who asked "
                     "for WALLOPS see it too).",
     .fields = "<field type='text-single' label='Subject' var='subject'/>"
               "<field type='text-multi' label='Announcement' "
               "var='announcement'><required/></field>",
     .run = reed__xmpp_admin_announce},
    {.node = REED_NS_ADMIN "#end-user-session",
     .name = "End User Session",
     .form_type = REED_NS_ADMIN,
     .title = "Ending a User Session",
     .instructions = "Fill out this form to end the sessions of users, on "
                     "every protocol.",
     .fields = "<field type='jid-multi' label='The Jabber ID(s) for which to "
               "end sessions' var='accountjids'><required/></field>",
     .run = reed__xmpp_admin_end_session},
    {.node = "urn:reed:admin#ban-add",
     .name = "Add a Server Ban",
     .form_type = "urn:reed:admin",
     .title = "Adding a Server Ban",
     .instructions = "Ban an address or CIDR block, a nick!user@host mask, "
                     "or an account (a name, or its JID on this server). "
                     "Whoever it matches is disconnected, on every "
                     "protocol.",
     .fields = "<field type='text-single' label='Address, CIDR block, "
               "nick!user@host mask or account' var='target'><required/>"
               "</field><field type='text-single' label='Reason' "
               "var='reason'/><field type='text-single' label='Duration "
               "(30m, 1h30m, 7d; empty: never expires)' var='duration'/>",
     .run = reed__xmpp_admin_ban_add},
    {.node = "urn:reed:admin#ban-del",
     .name = "Remove a Server Ban",
     .form_type = "urn:reed:admin",
     .title = "Removing a Server Ban",
     .instructions = "Lift the server ban on this target.",
     .fields = "<field type='text-single' label='Address, CIDR block, "
               "nick!user@host mask or account' var='target'><required/>"
               "</field>",
     .run = reed__xmpp_admin_ban_del},
    {.node = NULL},
};

static void
refuse(xmpp_adhoc_reply_t *r, const char *text)
{
  r->note_type = "error";
  reed_strlcpy(r->note, text, sizeof(r->note));
}

/* ---- Announce --------------------------------------------------------------
 * One line, as the model keeps announcements (IRC WALLOPS): the subject
 * first, then the text-multi's lines joined by spaces. */
void
reed__xmpp_admin_announce(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                          xmpp_adhoc_reply_t *r)
{
  const char *subject = reed__xmpp_form_value(x, "subject", 0);
  char body[REED_REASON_MAX + 1], text[2 * REED_REASON_MAX + 4];
  int n = reed__xmpp_form_join(x, "announcement", body, sizeof(body));

  if (n <= 0 || body[0] == '\0') {
    refuse(r, n == REED_ETOOBIG ? "The announcement is too long"
                                : "The announcement is empty");
    return;
  }
  if (subject != NULL && subject[0] != '\0')
    snprintf(text, sizeof(text), "%s: %s", subject, body);
  else
    reed_strlcpy(text, body, sizeof(text));
  if (reed_model_announce(c->session, text) != 0) {
    refuse(r, "An announcement is one line of at most 390 bytes, without "
              "control characters");
    return;
  }
  reed_audit(c->env->log, "ANNOUNCE by %s: %.200s",
             reed_session_nick(c->session), text);
  reed_strlcpy(r->note, "Announcement sent", sizeof(r->note));
}

/* ---- End user session ------------------------------------------------------
 * A JID of this server names an account (every session of its person, on
 * every protocol, as IRC's KILL does; a resource is not singled out) or,
 * failing that, a guest's nick (how XMPP shows an IRC guest). */
static int
end_one(reed_xmpp_core_t *c, const char *local)
{
  reed_model_t *m = c->env->model;
  reed_person_view_t pv;
  char nick[REED_NICK_MAX + 1], by[REED_NICK_MAX + 1];
  int ended = 0;

  reed_strlcpy(by, reed_session_nick(c->session), sizeof(by));
  /* Several persons may share an account: each kill removes one. A nick
   * stands for a guest only: an account's person is shown under its
   * account's JID. */
  while (ended < 64 && c->session != NULL &&
         (reed_model_find_account(m, local, &pv) == 0 ||
          (ended == 0 && reed_model_find_nick(m, local, &pv) == 0 &&
           pv.who.account == NULL)) &&
         pv.who.nick != NULL) {
    reed_strlcpy(nick, pv.who.nick, sizeof(nick));
    if (reed_session_kill(c->session, nick, END_REASON) != 0)
      break;
    reed_audit(c->env->log, "KILL %s by %s: %s", nick, by, END_REASON);
    ended++;
  }
  return ended;
}

void
reed__xmpp_admin_end_session(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                             xmpp_adhoc_reply_t *r)
{
  static reed_jid_t jid; /* 3 KiB: kept off the stack; the loop is one
                            thread's */
  size_t len = 0, n;
  const char *v;
  int rc;

  if (reed__xmpp_form_value(x, "accountjids", 0) == NULL) {
    refuse(r, "Name at least one Jabber ID");
    return;
  }
  for (n = 0; n < JIDS_MAX && c->session != NULL &&
              (v = reed__xmpp_form_value(x, "accountjids", n)) != NULL;
       n++) {
    if (reed_jid_parse(v, &jid) != 0 || jid.local[0] == '\0' ||
        strcasecmp(jid.domain, reed__xmpp_domain(c)) != 0)
      rc = -1;
    else
      rc = end_one(c, jid.local);
    rc = snprintf(r->note + len, sizeof(r->note) - len, "%s%s: %s",
                  len ? "; " : "", v,
                  rc < 0    ? "not a user of this server"
                  : rc == 0 ? "no session"
                            : "ended");
    if (rc < 0 || (size_t)rc >= sizeof(r->note) - len)
      break;
    len += (size_t)rc;
  }
}

/* ---- Server bans ---------------------------------------------------------*/

/* The form's target in canonical form; an account's JID on this server
 * stands for the account. False after refusing. */
static bool
ban_target(reed_xmpp_core_t *c, const reed_xml_el_t *x, int *kind, char *canon,
           size_t size, xmpp_adhoc_reply_t *r)
{
  const char *in = reed__xmpp_form_value(x, "target", 0);
  const char *at = in != NULL ? strrchr(in, '@') : NULL;
  char local[REED_SBAN_TARGET_MAX + 1];

  if (in != NULL && at != NULL && strchr(in, '!') == NULL &&
      strcasecmp(at + 1, reed__xmpp_domain(c)) == 0 &&
      (size_t)(at - in) < sizeof(local)) {
    memcpy(local, in, (size_t)(at - in));
    local[at - in] = '\0';
    in = local;
  }
  if (in != NULL && reed_sban_parse(in, kind, canon, size) == 0)
    return true;
  refuse(r, "Not an address, CIDR block, nick!user@host mask or account");
  return false;
}

void
reed__xmpp_admin_ban_add(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                         xmpp_adhoc_reply_t *r)
{
  char canon[REED_SBAN_TARGET_MAX + 1], by[REED_NICK_MAX + 1];
  const char *reason = reed__xmpp_form_value(x, "reason", 0);
  const char *dur_in = reed__xmpp_form_value(x, "duration", 0);
  uint64_t dur = 0, now = c->env->clock->wall_ms(c->env->clock->c);
  reed_sban_view_t ban;
  char exp[16];
  int kind, rc;

  if (!ban_target(c, x, &kind, canon, sizeof(canon), r))
    return;
  if (dur_in != NULL && dur_in[0] != '\0' &&
      reed_sban_duration_parse(dur_in, &dur) != 0) {
    refuse(r, "Durations look like 30m, 1h30m or 7d");
    return;
  }
  reed_strlcpy(by, reed_session_nick(c->session), sizeof(by));
  ban = (reed_sban_view_t){.kind = kind,
                           .target = canon,
                           .reason = reason != NULL ? reason : "",
                           .setter = by,
                           .set_ms = now,
                           .expires_ms = dur ? now + dur : 0};
  /* Stored first, as UBAN does: `reed ban` shares it, a restart keeps it. */
  rc = c->env->store != NULL ? reed_store_ban_add(c->env->store, &ban) : 0;
  if (rc < 0) {
    refuse(r, reed_strerror(rc));
    return;
  }
  reed_sban_duration_format(dur, exp, sizeof(exp));
  snprintf(r->note, sizeof(r->note), "Ban added on %s (%s), %s%s: %s", canon,
           reed_sban_kind_name(kind), dur ? "expires in " : "never expires",
           dur ? exp : "", ban.reason[0] ? ban.reason : "no reason given");
  /* May end the caller's own stream (a ban that matches it). */
  rc = reed_model_sban_add(c->env->model, &ban);
  if (rc < 0) {
    if (c->env->store != NULL)
      reed_store_ban_del(c->env->store, canon);
    refuse(r, rc == REED_EINVAL ? "The reason must be text without control "
                                  "characters"
                                : reed_strerror(rc));
    return;
  }
  reed_audit(c->env->log, "ban add %s (%s) by %s on XMPP: %s", canon,
             reed_sban_kind_name(kind), by,
             ban.reason[0] ? ban.reason : "no reason given");
}

void
reed__xmpp_admin_ban_del(reed_xmpp_core_t *c, const reed_xml_el_t *x,
                         xmpp_adhoc_reply_t *r)
{
  char canon[REED_SBAN_TARGET_MAX + 1];
  int kind, rc;

  if (!ban_target(c, x, &kind, canon, sizeof(canon), r))
    return;
  rc = c->env->store != NULL ? reed_store_ban_del(c->env->store, canon)
                             : REED_ENOTFOUND;
  if (rc < 0 && rc != REED_ENOTFOUND) {
    refuse(r, reed_strerror(rc));
    return;
  }
  /* Gone from the model too; one that only either had is lifted. */
  if (reed_model_sban_del(c->env->model, canon) != 0 && rc == REED_ENOTFOUND) {
    refuse(r, "No such server ban");
    return;
  }
  reed_audit(c->env->log, "ban del %s by %s on XMPP", canon,
             reed_session_nick(c->session));
  snprintf(r->note, sizeof(r->note), "Ban removed on %s", canon);
}
