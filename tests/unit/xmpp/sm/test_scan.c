/* What a write holds (xmpp_sm_scan.c), as a table: heads and bodies cut
 * anywhere, nested and self-closing elements, quotes holding '>' and '/',
 * our stream header and its end, and attribute lookup. */
#include "sm_fixture.h"

#include <string.h>

static const struct {
  const char *head, *body;
  unsigned stanzas, presences;
} cases[] = {
    {NULL, "<message to='a'><body>x</body></message>", 1, 0},
    {"<message to='a'", " from='b'><body>x/></body></message>", 1, 0},
    {"<pres", "ence from='a/>'/>", 1, 1},
    {NULL, "<presence/><iq type='result' id='1'/><presence><x/></presence>", 3,
     2},
    {NULL, "<r xmlns='urn:xmpp:sm:3'/>", 0, 0},
    {NULL, "<a xmlns='urn:xmpp:sm:3' h='3'/>", 0, 0},
    {NULL, " ", 0, 0},
    {NULL,
     "<?xml version='1.0'?><stream:stream xmlns='jabber:client'><stream:"
     "features><bind/></stream:features>",
     0, 0},
    {NULL, "<stream:error><conflict/></stream:error></stream:stream>", 0, 0},
    {NULL, "<iq type=\"get\" id='x>y'><query/></iq>", 1, 0},
    {NULL, "<messagex/><iqq/>", 0, 0},
    {NULL, "<message><message/></message>", 1, 0},
};

/* The writer's count taken as given (every writer counts). */
static const struct {
  const char *head, *body;
  int n;
  unsigned stanzas, presences;
} counted[] = {
    {"<presence to='a'", " from='b'/>", 1, 1, 1},
    {NULL, "<presence/>", 1, 1, 1},
    {NULL, "<presence/><presence/>", 2, 2, 0},
    {"<message to='a'", "><body>x</body></message>", 1, 1, 0},
    {NULL, "<presencex/>", 1, 1, 0},
    {NULL, "<r xmlns='urn:xmpp:sm:3'/>", 0, 0, 0},
};

TEST(xsm_count_table)
{
  for (size_t i = 0; i < sizeof(counted) / sizeof(counted[0]); i++) {
    reed_buf_t *b = reed_buf_new(64);
    xsm_scan_t s;
    const char *h = counted[i].head;
    ASSERT(reed_buf_append(&b, counted[i].body, strlen(counted[i].body)) == 0);
    reed__xsm_count(h, h ? strlen(h) : 0, b, counted[i].n, &s);
    ASSERT_EQ(s.stanzas, counted[i].stanzas);
    ASSERT_EQ(s.presences, counted[i].presences);
    reed_buf_unref(b);
  }
}

/* The walk's top-level stanzas, counted as the table says. */
static void
count_one(void *ud, const xsm_ev_t *ev)
{
  xsm_scan_t *out = ud;

  if (ev->kind != XSM_EV_DONE ||
      (strcmp(ev->top, "message") != 0 && strcmp(ev->top, "presence") != 0 &&
       strcmp(ev->top, "iq") != 0))
    return;
  out->stanzas++;
  out->presences += strcmp(ev->top, "presence") == 0;
}

TEST(xsm_scan_table)
{
  char v[64];

  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    reed_buf_t *b = reed_buf_new(64);
    xsm_scan_t s;
    const char *h = cases[i].head;
    ASSERT(reed_buf_append(&b, cases[i].body, strlen(cases[i].body)) == 0);
    memset(&s, 0, sizeof(s));
    reed__xsm_walk(h, h ? strlen(h) : 0, b, count_one, &s);
    ASSERT_EQ(s.stanzas, cases[i].stanzas);
    ASSERT_EQ(s.presences, cases[i].presences);
    reed_buf_unref(b);
  }
  ASSERT(reed__xsm_attr("<presence from='a@b/c' type=\"x\"/>", 33, "from", v,
                        sizeof(v)));
  ASSERT_STR_EQ(v, "a@b/c");
  ASSERT(reed__xsm_attr("<presence from='a@b/c' type=\"x\"/>", 33, "type", v,
                        sizeof(v)));
  ASSERT_STR_EQ(v, "x");
  ASSERT(!reed__xsm_attr("<presence xfrom='a'/>", 21, "from", v, sizeof(v)));
  ASSERT(!reed__xsm_attr("<presence><x from='a'/>", 23, "from", v, sizeof(v)));
  ASSERT(!reed__xsm_attr("<presence from='toolong'/>", 26, "from", v, 4));
}
