/* XEP-0085 chat states across protocols, as IRC's +typing client tag
 * (which the model carries on TAGMSG in irc_client_tags):
 *   XMPP -> IRC: <composing/> is +typing=active, <paused/> +typing=paused,
 *                <active/>, <inactive/> and <gone/> +typing=done;
 *   IRC -> XMPP: +typing=active is <composing/>, paused <paused/>, done
 *                <active/>.
 * Between XMPP resources the stanza itself travels (xmpp_message.c), so
 * a TAGMSG from an XMPP session is not shown to XMPP resources again. */
#include "xmpp_carbons.h"

#include <stdio.h>
#include <string.h>

static const struct {
  const char *state;  /* XEP-0085 element */
  const char *typing; /* IRC +typing value */
} to_irc[] = {
    {"composing", "active"}, {"paused", "paused"}, {"active", "done"},
    {"inactive", "done"},    {"gone", "done"},
};

static const struct {
  const char *typing, *state;
} to_xmpp[] = {
    {"active", "composing"},
    {"paused", "paused"},
    {"done", "active"},
};

void
reed__xcs_to_model(reed_xmpp_core_t *c, const reed_xml_el_t *msg,
                   const char *nick)
{
  char tags[32];
  reed_msg_extra_t x = {0};

  if (c->session == NULL || nick == NULL || nick[0] == '\0')
    return;
  for (size_t i = 0; i < sizeof(to_irc) / sizeof(to_irc[0]); i++) {
    if (reed_xml_child(msg, to_irc[i].state, REED_NS_CHATSTATES) == NULL)
      continue;
    snprintf(tags, sizeof(tags), "+typing=%s", to_irc[i].typing);
    x.irc_client_tags = tags;
    (void)reed_tagmsg(c->session, nick, false, &x); /* best effort */
    return;
  }
}

/* The +typing value in "+a=b;+typing=v;..." (values unescaped: the ones
 * mapped have no escapes), or NULL. */
static const char *
typing_of(const char *tags, char *buf, size_t size)
{
  for (const char *p = tags; p != NULL && *p != '\0';) {
    const char *end = strchr(p, ';');
    size_t n = end ? (size_t)(end - p) : strlen(p);

    if (n > 8 && strncmp(p, "+typing=", 8) == 0 && n - 8 < size) {
      memcpy(buf, p + 8, n - 8);
      buf[n - 8] = '\0';
      return buf;
    }
    p = end ? end + 1 : NULL;
  }
  return NULL;
}

typedef struct {
  reed_xmpp_core_t *c;
  const char *state;
} fmt_t;

static reed_buf_t *
fmt_state(void *ctx, const reed_event_t *ev)
{
  fmt_t *f = ctx;
  char from[REED_JID_MAX + 1];
  const reed_actor_t *a = &ev->from;
  xmpp_out_t o;
  reed_buf_t *b = NULL;
  size_t n;

  reed__xim_account_jid(f->c, a->account ? a->account : a->nick, from,
                        sizeof(from));
  n = strlen(from);
  snprintf(from + n, sizeof(from) - n, "/%s",
           a->origin && a->origin[0] ? a->origin : "unknown");
  reed__xmpp_out_init(&o);
  reed__xmpp_out_attr(&o, "from", from);
  reed__xmpp_out_raw(&o, " type='chat'><");
  reed__xmpp_out_raw(&o, f->state);
  reed__xmpp_out_raw(&o, " xmlns='" REED_NS_CHATSTATES "'/></message>");
  if (o.err == 0)
    b = reed_buf_ref(o.b);
  reed__xmpp_out_cleanup(&o);
  return b;
}

void
reed__xmpp_ev_tagmsg(reed_xmpp_core_t *c, reed_session_t *s,
                     const reed_event_t *ev)
{
  reed_form_t form = {&reed_xmpp_module, 0x0085}; /* XEP-0085: its own */
  fmt_t f = {c, NULL};
  char v[16];
  const char *typing;
  reed_buf_t *body;

  (void)s;
  if (ev->room != NULL || ev->echo || ev->copy || !c->bound ||
      ev->from.nick == NULL ||
      (ev->from.origin && strcmp(ev->from.origin, "xmpp") == 0) ||
      !reed__xim_receives_bare(c))
    return;
  if ((typing = typing_of(ev->u.msg.irc_client_tags, v, sizeof(v))) == NULL)
    return;
  for (size_t i = 0; i < sizeof(to_xmpp) / sizeof(to_xmpp[0]); i++)
    if (strcmp(typing, to_xmpp[i].typing) == 0)
      f.state = to_xmpp[i].state;
  if (f.state == NULL)
    return;
  if ((body = reed_event_render(ev, form, fmt_state, &f)) == NULL)
    return;
  reed__xim_write_to(c, "message", body);
  reed_buf_unref(body);
}
