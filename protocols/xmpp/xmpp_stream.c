/* Stream negotiation (RFC 6120 4 and 5): the client's header, ours, the
 * features, which top-level elements each stage accepts, STARTTLS and the
 * stream restarts. */
#include "xmpp_component.h"
#include "xmpp_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
reed__xmpp_pause_parser(reed_xmpp_core_t *c)
{
  reed_xml_stream_pause(c->xml);
  c->xml_paused = true;
}

void
reed__xmpp_hold_input(reed_xmpp_core_t *c, bool hold)
{
  reed_transport_t *t = c->env->transport;

  if (c->read_paused == hold || (hold && c->closed))
    return;
  c->read_paused = hold;
  t->pause_reading(t->t, hold);
}

/* The new stream starts at the next byte the parser sees. Inside an
 * element callback the parser stops after that element; otherwise it is
 * already paused (the TLS handshake, the portal's answer). */
void
reed__xmpp_restart(reed_xmpp_core_t *c)
{
  c->restart = true;
  c->header_in = false;
  c->header_out = false;
  if (!c->xml_paused)
    reed__xmpp_pause_parser(c);
}

/* ---- Header and features ----------------------------------------------- */

void
reed__xmpp_send_features(reed_xmpp_core_t *c)
{
  xmpp_out_t o;

  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(&o, "<stream:features>");
  for (size_t i = 0; reed__xmpp_features[i] != NULL; i++)
    reed__xmpp_features[i](c, &o);
  reed__xmpp_out_raw(&o, "</stream:features>");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

/* The client's 'from', echoed as our 'to' when it is a JID (RFC 6120
 * 4.7.2); anything else is left out. */
static const char *
echo_from(const reed_xml_el_t *hdr)
{
  const char *from = reed_xml_attr(hdr, "from");
  reed_jid_t j;

  return from != NULL && reed_jid_parse(from, &j) == 0 ? from : NULL;
}

static bool
version_ok(const char *v)
{
  char *end;
  long major;

  if (v == NULL)
    return false; /* RFC 6120 4.7.5: no version is 0.9, which we lack */
  major = strtol(v, &end, 10);
  return end != v && *end == '.' && major == 1;
}

static bool
host_ok(reed_xmpp_core_t *c, const char *to)
{
  reed_jid_t j;

  if (to == NULL)
    return true; /* RFC 6120 4.7.2: the server's default domain */
  return reed_jid_parse(to, &j) == 0 && j.local[0] == '\0' &&
         j.resource[0] == '\0' &&
         strcasecmp(j.domain, reed__xmpp_domain(c)) == 0;
}

static bool
peer_tls(const reed_xmpp_core_t *c)
{
  reed_transport_t *t = c->env->transport;
  const reed_peer_t *peer = t->peer ? t->peer(t->t) : NULL;

  return peer != NULL && peer->tls;
}

/* The client's header (or its <open/> over WebSocket) came. */
static void
opened(reed_xmpp_core_t *c, const reed_xml_el_t *hdr, bool ns_ok)
{
  c->header_in = true;
  /* A direct TLS listener; over WebSocket, its own TLS or loopback. */
  c->secure = c->secure || (c->ws ? reed__xmpp_ws_secure(c) : peer_tls(c));
  reed__xmpp_send_header(c, echo_from(hdr));
  if (!ns_ok)
    reed__xmpp_stream_error(c, "invalid-namespace", NULL);
  else if (!host_ok(c, reed_xml_attr(hdr, "to")))
    reed__xmpp_stream_error(c, "host-unknown", NULL);
  else if (!version_ok(reed_xml_attr(hdr, "version")))
    reed__xmpp_stream_error(c, "unsupported-version", NULL);
  else
    reed__xmpp_send_features(c);
}

void
reed__xmpp_on_stream_open(void *ud, const reed_xml_el_t *hdr,
                          const char *default_ns)
{
  reed_xmpp_core_t *c = ud;

  if (c->closed || c->ws_priming)
    return;
  if (c->component) {
    reed__xcomp_stream_open(c, hdr, default_ns);
    return;
  }
  opened(c, hdr, strcmp(default_ns, REED_NS_CLIENT) == 0);
}

void
reed__xmpp_ws_open(reed_xmpp_core_t *c, const reed_xml_el_t *open)
{
  opened(c, open, true);
}

void
reed__xmpp_on_stream_close(void *ud)
{
  reed_xmpp_core_t *c = ud;

  if (c->closed)
    return;
  reed__xmpp_send_raw(c, reed__xmpp_stream_end(c));
  reed__xmpp_close(c, "Stream closed");
}

/* ---- Top-level elements ------------------------------------------------- */

static bool
tls_wanted(const reed_xmpp_core_t *c)
{
  return !c->secure && reed__xmpp_conf(c)->require_tls;
}

static bool
nonza_allowed(const reed_xmpp_core_t *c, unsigned when)
{
  if (tls_wanted(c))
    return (when & XMPP_NZ_PLAIN) != 0;
  return (when & (c->authed ? XMPP_NZ_AUTHED : XMPP_NZ_PREAUTH)) != 0;
}

static const xmpp_nonza_t *
nonza_find(const reed_xml_el_t *el)
{
  for (const xmpp_nonza_t *n = reed__xmpp_nonzas; n->name != NULL; n++)
    if (strcmp(n->name, el->name) == 0 && strcmp(n->ns, el->ns) == 0)
      return n;
  return NULL;
}

static bool
is_stanza(const reed_xml_el_t *el)
{
  return strcmp(el->ns, REED_NS_CLIENT) == 0 &&
         (strcmp(el->name, "message") == 0 ||
          strcmp(el->name, "presence") == 0 || strcmp(el->name, "iq") == 0);
}

/* What an element the stage does not accept gets: TLS first when it is
 * required (RFC 6120 5.3.1), authentication next (4.9.3.12). */
static void
refuse(reed_xmpp_core_t *c, bool stanza)
{
  if (tls_wanted(c))
    reed__xmpp_stream_error(c, "policy-violation", "STARTTLS is required");
  else if (!c->authed)
    reed__xmpp_stream_error(c, "not-authorized", NULL);
  else if (!stanza)
    reed__xmpp_stream_error(c, "unsupported-stanza-type", NULL);
}

void
reed__xmpp_on_element(void *ud, reed_xml_el_t *el)
{
  reed_xmpp_core_t *c = ud;
  const xmpp_nonza_t *n;

  if (c->closed || c->restart)
    return;
  if (c->component) {
    reed__xcomp_element(c, el);
    return;
  }
  if (c->ws && reed__xmpp_ws_element(c, el))
    return;
  if (is_stanza(el)) {
    if (!tls_wanted(c) && !c->authed && reed__xmpp_register_preauth(c, el))
      return; /* XEP-0077 in-band registration */
    if (tls_wanted(c) || !c->authed)
      refuse(c, true);
    else {
      reed__xmpp_sm_in(c);
      reed__xmpp_dispatch_stanza(c, el);
    }
    return;
  }
  n = nonza_find(el);
  if (n != NULL && nonza_allowed(c, n->when))
    n->fn(c, el);
  else
    refuse(c, false);
}

/* ---- STARTTLS (RFC 6120 5.4) -------------------------------------------- */

static bool
tls_available(const reed_xmpp_core_t *c)
{
  return !c->secure && !c->authed && !c->ws &&
         c->env->transport->start_tls != NULL;
}

void
reed__xmpp_feature_starttls(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  if (!tls_available(c))
    return;
  if (reed__xmpp_conf(c)->require_tls)
    reed__xmpp_out_raw(o, "<starttls xmlns='" REED_NS_TLS
                          "'><required/></starttls>");
  else
    reed__xmpp_out_raw(o, "<starttls xmlns='" REED_NS_TLS "'/>");
}

void
reed__xmpp_nz_starttls(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  reed_transport_t *t = c->env->transport;

  REED_UNUSED(el);
  if (!tls_available(c)) {
    reed__xmpp_send_raw(c, "<failure xmlns='" REED_NS_TLS "'/>");
    reed__xmpp_send_raw(c, reed__xmpp_stream_end(c));
    reed__xmpp_close(c, "STARTTLS refused");
    return;
  }
  /* <proceed/> leaves in plain text; the handshake starts after it. What
   * the client pipelined behind <starttls/> is plain text too, and is
   * dropped (RFC 6120 5.4.3.3): feed discards input until tls_ready. */
  reed__xmpp_send_raw(c, "<proceed xmlns='" REED_NS_TLS "'/>");
  c->tls_pending = true;
  reed__xmpp_pause_parser(c);
  if (t->start_tls(t->t) < 0)
    reed__xmpp_close(c, "TLS handshake could not start");
}

void
reed__xmpp_tls_ready(void *core)
{
  reed_xmpp_core_t *c = core;

  if (!c->tls_pending || c->closed)
    return;
  c->tls_pending = false;
  c->secure = true;
  reed__xmpp_restart(c);
}
