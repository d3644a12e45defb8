/* The MUC tests' world (xmuc_fixture.h). */
#include "xmuc_fixture.h"

#include "harness.h"

#include <stdio.h>
#include <string.h>

/* The portal's randomness from a counter (XEP-0421's key comes from it),
 * so a run's bytes repeat and chunked runs compare equal. */
static uint64_t rnd;

void
xmuc_init(xim_t *w)
{
  reed_portal_opts_t po;

  xim_init(w);
  reed_portal_free(w->tw.portal);
  rnd = 0;
  po = xw_portal_opts(&w->tw, &rnd);
  ASSERT_EQ(reed_portal_new(&po, &w->tw.portal), 0);
  w->tw.menv.portal = w->tw.portal;
  xim_account(w, "alice");
  xim_account(w, "bob");
  xim_account(w, "carol");
  xim_account(w, "dave");
}

const char *
xmuc_take(tw_client_t *c)
{
  static char buf[65536];
  const char *in = tw_take(c), *p;
  size_t n = 0;

  while ((p = strstr(in, "<occupant-id ")) != NULL) {
    memcpy(buf + n, in, (size_t)(p - in));
    n += (size_t)(p - in);
    in = strstr(p, "/>") + 2;
  }
  snprintf(buf + n, sizeof(buf) - n, "%s", in);
  return buf;
}

void
xmuc_say(tw_client_t *c, const char *stanza, const char *want)
{
  tw_send(c, stanza);
  XMUC_EXPECT(c, want);
}

const char *
xmuc_join(tw_client_t *c, const char *room, const char *nick)
{
  char buf[512];

  snprintf(buf, sizeof(buf),
           "<presence to='%s@" MUC "/%s'><x " MUC_NS
           "><history maxstanzas='0'/></x></presence>",
           room, nick);
  tw_send(c, buf);
  return xmuc_take(c);
}

void
xmuc_joined(tw_client_t *c, const char *room, const char *nick)
{
  const char *got = xmuc_join(c, room, nick);

  if (strstr(got, "<status code='110'/>") == NULL)
    reed__test_fail(__FILE__, __LINE__, "join of %s as %s: %s", room, nick,
                    got);
}

void
xmuc_irc(xim_t *w, xpeer_t *p, const char *user, const char *room)
{
  char line[128];

  xpeer_irc_login(&w->tw, p, user);
  if (room != NULL) {
    snprintf(line, sizeof(line), "JOIN #%s\r\n", room);
    xpeer_send(p, line);
  }
  xpeer_take(p);
}

/* Lines without their leading "@tags " part. */
static void
untag(const char *in, char *out, size_t size)
{
  size_t n = 0;
  bool bol = true;

  for (; *in != '\0' && n + 1 < size; in++) {
    if (bol && *in == '@') {
      while (*in != '\0' && *in != ' ')
        in++;
      if (*in == '\0')
        break;
      bol = false;
      continue;
    }
    out[n++] = *in;
    bol = *in == '\n';
  }
  out[n] = '\0';
}

void
xmuc_irc_expect(xpeer_t *p, const char *want)
{
  static char buf[16384];

  untag(xpeer_take(p), buf, sizeof(buf));
  ASSERT_STR_EQ(buf, want);
}
