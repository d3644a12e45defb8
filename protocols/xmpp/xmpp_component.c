/* XEP-0114 external components: the `component` entries of [xmpp], the
 * component's stream header, the <handshake/>, and the module's table of
 * connected components (one connection per domain). */
#include "xmpp_component.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ---- Config ------------------------------------------------------------ */

/* Splits "domain:secret" at the first colon (domains have none). */
static const char *
entry_secret(const char *entry, char *domain, size_t size)
{
  const char *colon = strchr(entry, ':');
  size_t n;

  if (colon == NULL)
    return NULL;
  n = (size_t)(colon - entry);
  if (n >= size)
    n = size - 1;
  memcpy(domain, entry, n);
  domain[n] = '\0';
  return colon + 1;
}

const char *
reed__xcomp_secret(const reed_xmpp_conf_t *conf, const char *domain)
{
  char d[REED_JID_PART_MAX + 1];

  for (size_t i = 0; i < conf->components.n; i++) {
    const char *secret = entry_secret(conf->components.v[i], d, sizeof(d));
    if (secret != NULL && strcasecmp(d, domain) == 0)
      return secret;
  }
  return NULL;
}

static int
fail(reed_conf_err_t *err, const char *key, const char *msg, const char *arg)
{
  char d[64];

  /* A domain in a message is cut short, not the message. */
  snprintf(d, sizeof(d), "%.*s", (int)sizeof(d) - 1, arg);
  snprintf(err->key, sizeof(err->key), "%s", key);
  snprintf(err->msg, sizeof(err->msg), msg, d);
  return REED_ECONFIG;
}

static bool
is_domain(const char *s)
{
  reed_jid_t j;

  return s[0] != '\0' && reed_jid_parse(s, &j) == 0 && j.local[0] == '\0' &&
         j.resource[0] == '\0';
}

static int
check_entry(const reed_xmpp_conf_t *conf, size_t i, reed_conf_err_t *err)
{
  char d[REED_JID_PART_MAX + 1], other[REED_JID_PART_MAX + 1];
  const char *secret = entry_secret(conf->components.v[i], d, sizeof(d));

  /* Never the entry itself in a message: it holds the secret. */
  if (secret == NULL)
    return fail(err, "component", "not 'domain:secret'%s", "");
  if (!is_domain(d))
    return fail(err, "component", "'%s' is not a domain name", d);
  if (secret[0] == '\0')
    return fail(err, "component", "'%s' has an empty secret", d);
  if ((conf->domain && strcasecmp(d, conf->domain) == 0) ||
      (conf->muc && strcasecmp(d, conf->muc) == 0))
    return fail(err, "component", "'%s' is a domain the server serves", d);
  for (size_t k = 0; k < i; k++)
    if (entry_secret(conf->components.v[k], other, sizeof(other)) != NULL &&
        strcasecmp(other, d) == 0)
      return fail(err, "component", "'%s' is named twice", d);
  return 0;
}

int
reed__xcomp_conf_check(const reed_xmpp_conf_t *conf, reed_conf_err_t *err)
{
  int rc = 0;

  for (size_t i = 0; i < conf->components.n && rc == 0; i++)
    rc = check_entry(conf, i, err);
  return rc;
}

static bool
loopback(const char *addr)
{
  return addr != NULL &&
         (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
          strncmp(addr, "::ffff:127.", 11) == 0);
}

int
reed__xcomp_check_listeners(const reed_listener_t *l, size_t n,
                            reed_conf_err_t *err)
{
  for (size_t i = 0; i < n; i++) {
    if (l[i].role == NULL || strcmp(l[i].role, REED_XCOMP_ROLE) != 0 ||
        strcmp(l[i].module, "xmpp") != 0 || l[i].ep.kind != REED_EP_TCP)
      continue;
    if (!loopback(l[i].ep.interface))
      return fail(err, "component_listen",
                  "a tcp component listener needs a loopback interface "
                  "(the handshake is plain text; use ssl: elsewhere)%s",
                  "");
  }
  return 0;
}

/* ---- The table of connected components ---------------------------------- */

reed_xmpp_core_t *
reed__xcomp_find(const reed_xmpp_state_t *st, const char *domain)
{
  for (const xcomp_t *x = st->components; x != NULL; x = x->next)
    if (strcasecmp(x->domain, domain) == 0)
      return x->core;
  return NULL;
}

static xcomp_t *
state_of(reed_xmpp_core_t *c)
{
  xcomp_t *x = reed__xmpp_ext_get(c, XMPP_EXT_COMPONENT);

  if (x == NULL && (x = reed_calloc(1, sizeof(*x))) != NULL) {
    x->core = c;
    reed__xmpp_ext_set(c, XMPP_EXT_COMPONENT, x);
  }
  return x;
}

void
reed__xcomp_gone(reed_xmpp_core_t *c)
{
  xcomp_t *x = reed__xmpp_ext_get(c, XMPP_EXT_COMPONENT);

  if (x == NULL || !x->authed)
    return;
  for (xcomp_t **p = &c->st->components; *p != NULL; p = &(*p)->next)
    if (*p == x) {
      *p = x->next;
      break;
    }
  x->authed = false;
  reed_log(c->env->log, REED_LOG_INFO, "xmpp: component %s disconnected",
           x->domain);
}

void
reed__xcomp_free(reed_xmpp_core_t *c, void *p)
{
  reed__xcomp_gone(c);
  reed_free(p);
}

void
reed__xcomp_disco_items(reed_xmpp_core_t *c, xmpp_out_t *o)
{
  for (const xcomp_t *x = c->st->components; x != NULL; x = x->next) {
    reed__xmpp_out_raw(o, "<item");
    reed__xmpp_out_attr(o, "jid", x->domain);
    reed__xmpp_out_raw(o, "/>");
  }
}

/* ---- The stream ----------------------------------------------------------
 * XEP-0114 section 3: our header answers from the component's domain with
 * a fresh id; no features, no version. */
static void
send_header(reed_xmpp_core_t *c, const char *domain)
{
  xmpp_out_t o;

  c->header_out = true;
  reed__xmpp_new_id(c, c->stream_id, sizeof(c->stream_id));
  reed__xmpp_out_init(&o);
  reed__xmpp_out_raw(
      &o, "<?xml version='1.0'?><stream:stream xmlns='" REED_NS_COMPONENT
          "' xmlns:stream='" REED_NS_STREAM "'");
  reed__xmpp_out_attr(&o, "id", c->stream_id);
  reed__xmpp_out_attr(&o, "from", domain);
  reed__xmpp_out_raw(&o, ">");
  reed__xmpp_send(c, &o);
  reed__xmpp_out_cleanup(&o);
}

/* The domain the header asks for, when it is a configured component's. */
static bool
wanted_domain(reed_xmpp_core_t *c, const char *to, reed_jid_t *j)
{
  return to != NULL && reed_jid_parse(to, j) == 0 && j->local[0] == '\0' &&
         j->resource[0] == '\0' &&
         strcasecmp(j->domain, reed__xmpp_domain(c)) != 0 &&
         reed__xcomp_secret(reed__xmpp_conf(c), j->domain) != NULL;
}

void
reed__xcomp_stream_open(reed_xmpp_core_t *c, const reed_xml_el_t *hdr,
                        const char *default_ns)
{
  reed_jid_t j;
  xcomp_t *x;

  c->header_in = true;
  if (strcmp(default_ns, REED_NS_COMPONENT) != 0) {
    reed__xmpp_stream_error(c, "invalid-namespace", NULL);
    return;
  }
  if (!wanted_domain(c, reed_xml_attr(hdr, "to"), &j)) {
    reed__xmpp_stream_error(c, "host-unknown", NULL);
    return;
  }
  if ((x = state_of(c)) == NULL) {
    reed__xmpp_stream_error(c, "internal-server-error", NULL);
    return;
  }
  snprintf(x->domain, sizeof(x->domain), "%s", j.domain);
  send_header(c, x->domain);
}

/* hex(SHA-1(stream id + secret)), compared in constant time and
 * case-blind (the XEP says lowercase; some libraries write uppercase). */
static bool
handshake_ok(reed_xmpp_core_t *c, const xcomp_t *x, const char *proof,
             size_t len)
{
  const char *secret = reed__xcomp_secret(reed__xmpp_conf(c), x->domain);
  uint8_t md[SHA_DIGEST_LENGTH];
  char want[2 * SHA_DIGEST_LENGTH], got[2 * SHA_DIGEST_LENGTH];
  reed_buf_t *b;

  if (secret == NULL || len != sizeof(want))
    return false; /* a reload may have dropped the entry */
  if ((b = reed_buf_new(64)) == NULL)
    return false;
  if (reed_buf_append(&b, c->stream_id, strlen(c->stream_id)) != 0 ||
      reed_buf_append(&b, secret, strlen(secret)) != 0) {
    reed_buf_unref(b);
    return false;
  }
  SHA1((const uint8_t *)b->data, b->len, md);
  reed_buf_unref(b);
  for (size_t i = 0; i < sizeof(md); i++) {
    want[2 * i] = "0123456789abcdef"[md[i] >> 4];
    want[2 * i + 1] = "0123456789abcdef"[md[i] & 15];
  }
  for (size_t i = 0; i < sizeof(got); i++)
    got[i] =
        (proof[i] >= 'A' && proof[i] <= 'F') ? (char)(proof[i] + 32) : proof[i];
  return CRYPTO_memcmp(want, got, sizeof(want)) == 0;
}

static void
authenticated(reed_xmpp_core_t *c, xcomp_t *x)
{
  reed_xml_limits_t lim = {.max_stanza = reed__xmpp_conf(c)->max_stanza};

  x->authed = true;
  x->next = c->st->components;
  c->st->components = x;
  c->authed = true;
  if (c->timer != 0) {
    c->env->clock->cancel(c->env->clock->c, c->timer);
    c->timer = 0;
  }
  reed_xml_stream_set_limits(c->xml, &lim);
  /* A dead component must not hold its domain (a new connection gets
   * <conflict/>): the whitespace keepalive makes its writes fail. */
  reed__xmpp_keepalive_start(c);
  if (c->env->transport->set_label != NULL)
    c->env->transport->set_label(c->env->transport->t, x->domain);
  reed_log(c->env->log, REED_LOG_INFO, "xmpp: component %s connected",
           x->domain);
  reed__xmpp_send_raw(c, "<handshake/>");
}

static void
handshake(reed_xmpp_core_t *c, xcomp_t *x, const reed_xml_el_t *el)
{
  if (!handshake_ok(c, x, el->text, el->text_len)) {
    reed_log(c->env->log, REED_LOG_INFO, "xmpp: component %s: wrong handshake",
             x->domain);
    reed__xmpp_stream_error(c, "not-authorized", NULL);
  } else if (reed__xcomp_find(c->st, x->domain) != NULL) {
    reed__xmpp_stream_error(c, "conflict", "Component already connected");
  } else {
    authenticated(c, x);
  }
}

static bool
is_stanza(const reed_xml_el_t *el)
{
  return strcmp(el->ns, REED_NS_COMPONENT) == 0 &&
         (strcmp(el->name, "message") == 0 ||
          strcmp(el->name, "presence") == 0 || strcmp(el->name, "iq") == 0);
}

void
reed__xcomp_element(reed_xmpp_core_t *c, reed_xml_el_t *el)
{
  xcomp_t *x = reed__xmpp_ext_get(c, XMPP_EXT_COMPONENT);

  if (x == NULL) /* no header yet cannot happen: the parser wants one */
    reed__xmpp_stream_error(c, "internal-server-error", NULL);
  else if (!x->authed && strcmp(el->name, "handshake") == 0 &&
           strcmp(el->ns, REED_NS_COMPONENT) == 0)
    handshake(c, x, el);
  else if (!x->authed)
    reed__xmpp_stream_error(c, "not-authorized", NULL);
  else if (is_stanza(el))
    reed__xcomp_route(c, el);
  else
    reed__xmpp_stream_error(c, "unsupported-stanza-type", NULL);
}
