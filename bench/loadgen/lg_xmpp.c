/* bench: the load generator's XMPP side (RFC 6120/6121, XEP-0045) over
 * plain TCP: the servers under test relax their TLS requirement on
 * loopback, so that the figures are the XMPP server's and not the TLS
 * library's. A login is: stream, optional XEP-0077 registration (the
 * `register` scenario), SASL PLAIN or SCRAM-SHA-1, the stream restart,
 * resource binding, initial presence and a ping whose answer says the
 * server has taken the presence. Rooms: member 0 joins first (and submits
 * an instant-room form if the room is new), then the others; a room's
 * presences play IRC's JOIN and NAMES, its groupchat messages PRIVMSG. The
 * room's history (asked for with maxstanzas='0' and skipped by <delay/>
 * anyway), its subject and the sender's own reflection are not counted. */
#include "lg_xmpp.h"

#include "base.h"

#include <stdio.h>
#include <string.h>

#define XMPP_ELEMENT_MAX (256 * 1024)

enum {
  X_STREAM1, /* header sent, waiting for the first features */
  X_REG,     /* registration sent */
  X_SASL,    /* <auth/> or <response/> sent */
  X_STREAM2, /* restarted, waiting for <bind/> */
  X_BIND,    /* bind sent */
  X_LOGIN,   /* presence and the login ping sent */
  X_READY
};

static char room_bare[256];
static size_t room_len;

static int
scenario_is(const lg_t *lg, const char *s)
{
  return strcmp(lg->opt.scenario, s) == 0;
}

int
lg_xmpp_init(lg_t *lg)
{
  const char *ch = lg->opt.channel;
  int n;

  n = snprintf(room_bare, sizeof(room_bare), "%s@%s",
               ch[0] == '#' ? ch + 1 : ch, lg->opt.muc);
  if (n <= 0 || (size_t)n >= sizeof(room_bare))
    return REED_ETOOBIG;
  room_len = (size_t)n;
  return lg_scram_cache_init(lg->nclients, lg->opt.scram_cache);
}

void
lg_xmpp_cleanup(lg_t *lg)
{
  lg_scram_cache_save(lg->opt.scram_cache);
  lg_scram_cache_free();
}

void
lg_xmpp_report(lg_t *lg)
{
  printf(" sasl=%s scram_computed=%u", lg->opt.sasl, lg_scram_computed());
}

static void
header(lg_client_t *c)
{
  lg_sendf(c,
           "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           "xmlns:stream='http://etherx.jabber.org/streams' to='%s' "
           "version='1.0'>",
           c->lg->opt.domain);
}

void
lg_xmpp_register(lg_client_t *c)
{
  c->xstage = X_STREAM1;
  header(c);
}

void
lg_xmpp_ping(lg_client_t *c)
{
  lg_sendf(c,
           "<iq type='get' id='sync' to='%s'><ping xmlns='urn:xmpp:ping'/>"
           "</iq>",
           c->lg->opt.domain);
}

void
lg_xmpp_join(lg_client_t *c)
{
  lg_sendf(c,
           "<presence to='%s/%s%u'><x xmlns='http://jabber.org/protocol/muc'>"
           "<history maxstanzas='0'/></x></presence>",
           room_bare, c->lg->opt.prefix, c->idx);
}

void
lg_xmpp_say(lg_client_t *c, const char *text, size_t len)
{
  lg_sendf(c, "<message to='%s' type='groupchat'><body>%.*s</body></message>",
           room_bare, (int)len, text);
}

static void
fail(lg_client_t *c, const char *what, bench_view_t why)
{
  lg_on_error(c, (bench_view_t){what, strlen(what)},
              why.len ? why : (bench_view_t){"?", 1});
  if (c->state != LG_DEAD && c->xstage != X_READY)
    lg_conn_kill(c, c->lg->last_error);
}

static void
send_auth(lg_client_t *c, const char *mech, const char *msg, size_t len)
{
  char b64[512];

  if (len > 360)
    return;
  reed_base64_encode((const uint8_t *)msg, len, b64);
  lg_sendf(c,
           "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='%s'>"
           "%s</auth>",
           mech, b64);
}

static void
start_sasl(lg_client_t *c, const lg_xstanza_t *s)
{
  const char *want = c->lg->opt.sasl, *pw = c->lg->opt.password;
  char user[32], msg[256];
  int n, plain;

  plain = strcmp(want, "plain") == 0 ||
          (strcmp(want, "auto") == 0 && (s->flags & LG_XS_PLAIN));
  if (!(s->flags & (plain ? LG_XS_PLAIN : LG_XS_SCRAM_SHA1))) {
    fail(c, "features", (bench_view_t){"mechanism not offered", 21});
    return;
  }
  snprintf(user, sizeof(user), "%s%u", c->lg->opt.prefix, c->idx);
  c->xstage = X_SASL;
  if (plain) {
    n = snprintf(msg, sizeof(msg), "%c%s%c%s", 0, user, 0, pw);
    send_auth(c, "PLAIN", msg, (size_t)n);
  } else if ((n = lg_scram_first(&c->scram, user, msg, sizeof(msg))) > 0) {
    send_auth(c, "SCRAM-SHA-1", msg, (size_t)n);
  }
}

static void
on_features1(lg_client_t *c, const lg_xstanza_t *s)
{
  char user[32];

  if (!(s->flags & LG_XS_MECHS)) {
    fail(c, "features", (bench_view_t){"no SASL mechanisms", 18});
  } else if (scenario_is(c->lg, "register")) {
    snprintf(user, sizeof(user), "%s%u", c->lg->opt.prefix, c->idx);
    c->xstage = X_REG;
    lg_sendf(c,
             "<iq type='set' id='reg'><query xmlns='jabber:iq:register'>"
             "<username>%s</username><password>%s</password></query></iq>",
             user, c->lg->opt.password);
  } else {
    start_sasl(c, s);
  }
}

/* Decodes a SASL element's base64 text into a string. */
static int
sasl_text(bench_view_t t, char *out, size_t cap)
{
  ssize_t n;

  if (t.len == 1 && t.p[0] == '=')
    t.len = 0;
  if (t.len / 4 * 3 >= cap)
    return REED_ETOOBIG;
  n = t.len ? reed_base64_decode(t.p, t.len, (uint8_t *)out) : 0;
  if (n < 0)
    return REED_ESYNTAX;
  out[n] = '\0';
  return 0;
}

static void
on_challenge(lg_client_t *c, const lg_xstanza_t *s)
{
  char first[512], final[512], b64[700];
  int n;

  if (c->scram == NULL || sasl_text(s->text, first, sizeof(first)) < 0 ||
      (n = lg_scram_final(c->scram, c->idx, c->lg->opt.password, first, final,
                          sizeof(final))) < 0) {
    fail(c, "challenge", (bench_view_t){"bad SCRAM challenge", 19});
    return;
  }
  reed_base64_encode((const uint8_t *) final, (size_t)n, b64);
  lg_sendf(c,
           "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%s"
           "</response>",
           b64);
}

static void
on_success(lg_client_t *c, const lg_xstanza_t *s)
{
  char final[256];

  if (c->scram && (sasl_text(s->text, final, sizeof(final)) < 0 ||
                   lg_scram_verify(c->scram, final) < 0)) {
    fail(c, "success", (bench_view_t){"server signature wrong", 22});
    return;
  }
  reed_free(c->scram);
  c->scram = NULL;
  c->xstage = X_STREAM2;
  header(c);
}

static void
on_sasl(lg_client_t *c, const lg_xstanza_t *s)
{
  if (bench_view_eq(s->name, "challenge"))
    on_challenge(c, s);
  else if (bench_view_eq(s->name, "success"))
    on_success(c, s);
  else
    fail(c, "sasl", s->cond);
}

static void
on_login_step(lg_client_t *c, const lg_xstanza_t *s)
{
  if (c->xstage == X_STREAM2 && (s->flags & LG_XS_BIND)) {
    c->xstage = X_BIND;
    lg_sendf(c, "<iq type='set' id='bind'><bind "
                "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>lg"
                "</resource></bind></iq>");
  } else if (c->xstage == X_STREAM2) {
    fail(c, "features", (bench_view_t){"no bind", 7});
  } else if (!bench_view_eq(s->name, "iq")) {
    return; /* our own presence, a message: not part of the login */
  } else if (!bench_view_eq(s->type, "result")) {
    fail(c, "iq", s->cond);
  } else if (c->xstage == X_REG) {
    c->xstage = X_STREAM1; /* registered: log in on the same stream */
    start_sasl(c, &(lg_xstanza_t){.flags = LG_XS_PLAIN | LG_XS_SCRAM_SHA1});
  } else if (c->xstage == X_BIND && bench_view_eq(s->id, "bind")) {
    c->xstage = X_LOGIN;
    lg_sendf(c,
             "<presence/><iq type='get' id='login' to='%s'><ping "
             "xmlns='urn:xmpp:ping'/></iq>",
             c->lg->opt.domain);
  } else if (c->xstage == X_LOGIN && bench_view_eq(s->id, "login")) {
    c->xstage = X_READY;
    c->state = LG_READY;
    lg_on_registered(c);
  }
}

/* Registration refused because the account exists: a rerun; log in. */
static int
reg_conflict(lg_client_t *c, const lg_xstanza_t *s)
{
  return c->xstage == X_REG && bench_view_eq(s->type, "error") &&
         bench_view_eq(s->cond, "conflict");
}

static void
on_room_presence(lg_client_t *c, const lg_xstanza_t *s, bench_view_t nick)
{
  if (s->type.len && bench_view_eq(s->type, "error")) {
    fail(c, "presence", s->cond);
    return;
  }
  if (s->type.len) /* unavailable */
    return;
  if ((s->flags & LG_XS_SELF) && c->idx == 0 && !c->lg->room.first_in) {
    if (s->flags & LG_XS_CREATED)
      lg_sendf(c,
               "<iq type='set' id='cfg' to='%s'><query "
               "xmlns='http://jabber.org/protocol/muc#owner'><x "
               "xmlns='jabber:x:data' type='submit'/></query></iq>",
               room_bare);
    else
      lg_room_first_in(c->lg);
  }
  lg_room_joined(c, nick);
}

/* The nick of a from in our room, or an empty view. */
static bench_view_t
room_nick(bench_view_t from)
{
  if (from.len <= room_len + 1 || memcmp(from.p, room_bare, room_len) != 0 ||
      from.p[room_len] != '/')
    return (bench_view_t){from.p, 0};
  return (bench_view_t){from.p + room_len + 1, from.len - room_len - 1};
}

static int
is_own(const lg_client_t *c, bench_view_t nick)
{
  char me[32];
  int n = snprintf(me, sizeof(me), "%s%u", c->lg->opt.prefix, c->idx);

  return nick.len == (size_t)n && memcmp(nick.p, me, (size_t)n) == 0;
}

static void
on_message(lg_client_t *c, const lg_xstanza_t *s)
{
  bench_view_t nick = room_nick(s->from);

  if (bench_view_eq(s->type, "error"))
    fail(c, "message", s->cond);
  else if (!bench_view_eq(s->type, "groupchat") || nick.len == 0 ||
           !(s->flags & LG_XS_BODY) ||
           (s->flags & (LG_XS_DELAY | LG_XS_SUBJECT)) || is_own(c, nick))
    return;
  else
    lg_room_message(c, s->body);
}

static void
on_iq(lg_client_t *c, const lg_xstanza_t *s)
{
  if (bench_view_eq(s->type, "get") || bench_view_eq(s->type, "set")) {
    /* a server's ping, or anything else: an empty answer keeps it happy */
    lg_sendf(c, "<iq type='result' id='%.*s'%s%.*s%s/>", (int)s->id.len,
             s->id.len ? s->id.p : "", s->from.len ? " to='" : "",
             (int)s->from.len, s->from.len ? s->from.p : "",
             s->from.len ? "'" : "");
  } else if (bench_view_eq(s->type, "error")) {
    fail(c, "iq", s->cond);
    if (bench_view_eq(s->id, "cfg")) /* no instant-room form: join anyway */
      lg_room_first_in(c->lg);
  } else if (bench_view_eq(s->id, "sync")) {
    lg_on_pong(c);
  } else if (bench_view_eq(s->id, "cfg")) {
    lg_room_first_in(c->lg);
  }
}

static void
on_ready(lg_client_t *c, const lg_xstanza_t *s)
{
  bench_view_t nick;

  if (bench_view_eq(s->name, "iq")) {
    on_iq(c, s);
  } else if (bench_view_eq(s->name, "message")) {
    on_message(c, s);
  } else if (bench_view_eq(s->name, "presence")) {
    nick = room_nick(s->from);
    if (nick.len)
      on_room_presence(c, s, nick);
  }
}

static void
on_element(lg_client_t *c, const char *p, size_t n)
{
  lg_xstanza_t s;

  if (lg_xstanza_read(p, n, &s) < 0) {
    fail(c, "xml", (bench_view_t){"unreadable element", 18});
  } else if (bench_view_eq(s.name, "stream:error")) {
    fail(c, "stream:error", s.cond);
  } else if (c->xstage == X_READY) {
    on_ready(c, &s);
  } else if (c->xstage == X_STREAM1 &&
             bench_view_eq(s.name, "stream:features")) {
    on_features1(c, &s);
  } else if (c->xstage == X_SASL) {
    on_sasl(c, &s);
  } else if (reg_conflict(c, &s)) {
    c->xstage = X_STREAM1;
    start_sasl(c, &(lg_xstanza_t){.flags = LG_XS_PLAIN | LG_XS_SCRAM_SHA1});
  } else if (c->xstage != X_STREAM1) {
    on_login_step(c, &s);
  }
}

/* Keeps an incomplete element's bytes for the next read. */
static int
keep(lg_client_t *c, const char *p, size_t n)
{
  uint8_t *nb;
  size_t cap;

  if (c->alen + n > XMPP_ELEMENT_MAX)
    return REED_ETOOBIG;
  if (c->alen + n > c->acap) {
    cap = c->acap ? c->acap : 4096;
    while (cap < c->alen + n)
      cap *= 2;
    nb = reed_realloc(c->abuf, cap);
    if (nb == NULL)
      return REED_ENOMEM;
    c->abuf = nb;
    c->acap = (uint32_t)cap;
  }
  memmove(c->abuf + c->alen, p, n);
  c->alen += (uint32_t)n;
  return 0;
}

/* Handles the whole items at the front of p; returns the bytes taken. */
static ssize_t
items(lg_client_t *c, const char *p, size_t n)
{
  size_t off = 0;
  ssize_t r;
  int kind;

  while (c->state != LG_DEAD && (r = lg_xml_frame(p + off, n - off, &kind))) {
    if (r < 0)
      return r;
    if (kind == LG_XML_ELEMENT)
      on_element(c, p + off, (size_t)r);
    else if (kind == LG_XML_CLOSE)
      fail(c, "stream", (bench_view_t){"closed by the server", 20});
    off += (size_t)r;
  }
  return (ssize_t)off;
}

void
lg_xmpp_feed(lg_client_t *c, const char *p, size_t n)
{
  const char *win = p;
  size_t len = n;
  ssize_t used;

  if (c->alen > 0) {
    if (keep(c, p, n) < 0) {
      fail(c, "xml", (bench_view_t){"element too big", 15});
      return;
    }
    win = (const char *)c->abuf;
    len = c->alen;
  }
  used = items(c, win, len);
  if (c->state == LG_DEAD)
    return;
  if (used < 0) {
    fail(c, "xml", (bench_view_t){"stream not readable", 19});
    lg_conn_kill(c, "XMPP stream not readable");
    return;
  }
  if (win == (const char *)c->abuf)
    c->alen = 0;
  if ((size_t)used < len && keep(c, win + used, len - (size_t)used) < 0)
    fail(c, "xml", (bench_view_t){"element too big", 15});
}

void
lg_xmpp_free(lg_client_t *c)
{
  reed_free(c->scram);
  c->scram = NULL;
}
