/* XEP-0313 MAM over the model's private history: conversations with an
 * IRC account and an IRC guest, read with `with`, time bounds and RSM
 * paging, the ids the model gave (the ones IRC CHATHISTORY shows). */
#include "xext_fixture.h"
#include "xmpp_mam_int.h"

#include <stdio.h>
#include <string.h>

#define A1 "alice@reed.test/pc"
#define MAM "urn:xmpp:mam:2"
#define RSM "http://jabber.org/protocol/rsm"
#define T0 "2023-11-14T22:13:20"

static void
ev_ignore(void *ud, reed_session_t *s, const reed_event_t *ev)
{
  (void)ud, (void)s, (void)ev;
}

static const reed_session_listener_t quiet = {.on_event = ev_ignore};

static reed_session_t *
irc_session(xe_t *x, const char *nick, bool account)
{
  reed_session_info_t info = {
      .origin = "irc", .user = "u", .host = "h", .listener = &quiet};
  reed_session_t *s;

  ASSERT_EQ(reed_session_new(x->w.tw.model, &info, &s), 0);
  if (account) {
    ASSERT_EQ(reed_model_account_add(x->w.tw.model, nick), 0);
    ASSERT_EQ(reed_session_login(s, nick), 0);
  }
  ASSERT_EQ(reed_session_set_nick(s, nick), 0);
  return s;
}

typedef struct mam_world_s {
  xe_t x;
  tw_client_t *a;
  reed_session_t *carol, *dave;
  uint64_t id[4];
} mam_world_t;

/* carol -> alice "one"; alice -> carol "two <&>"; Dave (a guest) ->
 * alice "/me three"; carol -> alice "four": one second apart. */
static void
mw_init(mam_world_t *m)
{
  reed_session_t *al;

  xe_init(&m->x);
  xe_account(&m->x, "alice");
  m->a = xe_login(&m->x, "alice", "pc");
  al = xw_session(m->a);
  m->carol = irc_session(&m->x, "carol", true);
  m->dave = irc_session(&m->x, "Dave", false);
  ASSERT_EQ(
      reed_tell(m->carol, "alice", REED_MSG_NORMAL, "one", 3, NULL, &m->id[0]),
      0);
  fc_advance(m->x.w.tw.fc, 1000);
  ASSERT_EQ(
      reed_tell(al, "carol", REED_MSG_NORMAL, "two <&>", 7, NULL, &m->id[1]),
      0);
  fc_advance(m->x.w.tw.fc, 1000);
  ASSERT_EQ(
      reed_tell(m->dave, "alice", REED_MSG_ACTION, "three", 5, NULL, &m->id[2]),
      0);
  fc_advance(m->x.w.tw.fc, 1000);
  ASSERT_EQ(
      reed_tell(m->carol, "alice", REED_MSG_NORMAL, "four", 4, NULL, &m->id[3]),
      0);
  tw_turn_end(&m->x.w.tw);
}

static void
mw_free(mam_world_t *m)
{
  reed_session_quit(m->carol, NULL);
  reed_session_quit(m->dave, NULL);
  xe_free(&m->x);
}

static const char *const from_to[4][3] = {
    {"carol@reed.test", "alice@reed.test", "one"},
    {"alice@reed.test", "carol@reed.test", "two &lt;&amp;&gt;"},
    {"dave@reed.test", "alice@reed.test", "/me three"},
    {"carol@reed.test", "alice@reed.test", "four"},
};

/* The result message of message i (0..3) for queryid 'q'; message i
 * was sent at 22:13:21 + i seconds (the login took the first second). */
static void
result(char *out, size_t size, const mam_world_t *m, int i)
{
  size_t n = strlen(out);

  snprintf(out + n, size - n,
           "<message to='" A1 "'><result xmlns='" MAM "' queryid='q' "
           "id='%llu'><forwarded xmlns='urn:xmpp:forward:0'><delay "
           "xmlns='urn:xmpp:delay' stamp='2023-11-14T22:13:%02d.000Z'/>"
           "<message xmlns='jabber:client' from='%s' to='%s' type='chat'>"
           "<body>%s</body><stanza-id xmlns='urn:xmpp:sid:0' "
           "by='alice@reed.test' id='%llu'/></message></forwarded></result>"
           "</message>",
           (unsigned long long)m->id[i], 21 + i, from_to[i][0], from_to[i][1],
           from_to[i][2], (unsigned long long)m->id[i]);
}

static void
fin(char *out, size_t size, const mam_world_t *m, int first, int last,
    int count, bool complete)
{
  size_t n = strlen(out);

  n += (size_t)snprintf(out + n, size - n,
                        "<iq to='" A1 "' type='result' id='m'><fin xmlns='" MAM
                        "'%s><set xmlns='" RSM "'>",
                        complete ? " complete='true'" : "");
  if (first >= 0)
    n += (size_t)snprintf(
        out + n, size - n, "<first>%llu</first><last>%llu</last>",
        (unsigned long long)m->id[first], (unsigned long long)m->id[last]);
  snprintf(out + n, size - n, "<count>%d</count></set></fin></iq>", count);
}

#define FORM(fields)                                                           \
  "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' "             \
  "type='hidden'><value>" MAM "</value></field>" fields "</x>"
#define FIELD(var, v) "<field var='" var "'><value>" v "</value></field>"
#define Q(body)                                                                \
  "<iq type='set' id='m'><query xmlns='" MAM "' queryid='q'>" body             \
  "</query></iq>"

typedef struct {
  const char *name;
  const char *in;
  int results[4]; /* message indexes, -1 ends */
  int count;
  bool complete;
} mam_case_t;

static const mam_case_t cases[] = {
    {"everything", Q(""), {0, 1, 2, 3}, 4, true},
    {"with carol",
     Q(FORM(FIELD("with", "carol@reed.test"))),
     {0, 1, 3, -1},
     3,
     true},
    {"with the guest",
     Q(FORM(FIELD("with", "Dave@reed.test"))),
     {2, -1},
     1,
     true},
    {"with nobody", Q(FORM(FIELD("with", "zed@reed.test"))), {-1}, 0, true},
    {"start",
     Q(FORM(FIELD("start", "2023-11-14T22:13:21.500Z"))),
     {1, 2, 3, -1},
     3,
     true},
    {"start and end (an offset)",
     Q(FORM(FIELD("start", T0 "Z") FIELD("end", "2023-11-14T23:13:22+01:00"))),
     {0, 1, -1},
     2,
     true},
    {"max 2",
     Q("<set xmlns='" RSM "'><max>2</max></set>"),
     {0, 1, -1},
     4,
     false},
    {"the last page",
     Q("<set xmlns='" RSM "'><max>1</max><before/></set>"),
     {3, -1},
     4,
     false},
    /* #extended: ids (the model's ids here are 1 to 4) and flip-page. */
    {"ids",
     Q(FORM("<field var='ids'><value>2</value><value>4</value></field>")),
     {1, 3, -1},
     2,
     true},
    {"flip-page",
     Q("<set xmlns='" RSM "'><max>2</max></set><flip-page/>"),
     {1, 0, -1},
     4,
     false},
};

static void
s_query(void *arg)
{
  const mam_case_t *k = arg;
  mam_world_t m;
  char want[8192] = "";
  int n = 0;

  mw_init(&m);
  for (; n < 4 && k->results[n] >= 0; n++)
    result(want, sizeof(want), &m, k->results[n]);
  fin(want, sizeof(want), &m, n ? k->results[0] : -1,
      n ? k->results[n - 1] : -1, k->count, k->complete);
  XE_IQ(m.a, k->in, want);
  mw_free(&m);
}

TEST(mam_queries)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    printf("# %s\n", cases[i].name);
    tw_run_chunked(s_query, (void *)&cases[i]);
  }
}

/* RSM paging: after the first page's last id, then before its first. */
TEST(mam_rsm_pages)
{
  mam_world_t m;
  char in[512], want[8192] = "";

  mw_init(&m);
  snprintf(in, sizeof(in),
           Q("<set xmlns='" RSM "'><max>2</max><after>%llu</after></set>"),
           (unsigned long long)m.id[1]);
  result(want, sizeof(want), &m, 2);
  result(want, sizeof(want), &m, 3);
  fin(want, sizeof(want), &m, 2, 3, 2, true);
  XE_IQ(m.a, in, want);
  snprintf(in, sizeof(in),
           Q("<set xmlns='" RSM "'><max>1</max><before>%llu</before></set>"),
           (unsigned long long)m.id[2]);
  want[0] = '\0';
  result(want, sizeof(want), &m, 1);
  fin(want, sizeof(want), &m, 1, 1, 2, false);
  XE_IQ(m.a, in, want);
  mw_free(&m);
}

TEST(mam_errors_and_form)
{
  mam_world_t m;

  mw_init(&m);
  XE_IQ(m.a, Q(FORM(FIELD("with", "carol@reed.test/irc"))),
        "<iq to='" A1
        "' type='error' id='m'><error type='modify'><bad-request " STANZA_NS
        "/></error></iq>");
  XE_IQ(m.a, Q(FORM(FIELD("colour", "blue"))),
        "<iq to='" A1
        "' type='error' id='m'><error type='modify'><bad-request " STANZA_NS
        "/></error></iq>");
  XE_IQ(m.a, Q(FORM(FIELD("start", "yesterday"))),
        "<iq to='" A1
        "' type='error' id='m'><error type='modify'><bad-request " STANZA_NS
        "/></error></iq>");
  XE_IQ(m.a, "<iq type='get' id='f'><query xmlns='" MAM "'/></iq>",
        "<iq to='" A1 "' type='result' id='f'><query xmlns='" MAM
        "'><x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' "
        "type='hidden'><value>" MAM "</value></field><field var='with' "
        "type='jid-single'/><field var='start' type='text-single'/><field "
        "var='end' type='text-single'/><field var='after-id' "
        "type='text-single'/><field var='before-id' type='text-single'/>"
        "<field var='ids' type='text-multi'/></x></query></iq>");
  mw_free(&m);
}

/* XEP-0082 DateTime, as MAM's start and end take it. */
TEST(mam_stamp_parse)
{
  static const struct {
    const char *in;
    int rc;
    uint64_t ms;
  } cases[] = {
      {"1970-01-01T00:00:00Z", 0, 0},
      {"2023-11-14T22:13:20Z", 0, 1700000000000ull},
      {"2023-11-14T22:13:20.5Z", 0, 1700000000500ull},
      {"2023-11-14T22:13:20.123456Z", 0, 1700000000123ull},
      {"2023-11-14T23:13:20+01:00", 0, 1700000000000ull},
      {"2023-11-14T21:43:20-00:30", 0, 1700000000000ull},
      {"2023-11-14T22:13:20", REED_EINVAL, 0},  /* no zone */
      {"2023-11-14 22:13:20Z", REED_EINVAL, 0}, /* no T */
      {"2023-11-14T22:13:20+0100", REED_EINVAL, 0},
      {"2023-11-14T22:13:20Zjunk", REED_EINVAL, 0},
      {"1969-12-31T23:59:59Z", REED_EINVAL, 0},
      {"", REED_EINVAL, 0},
  };
  char buf[40];

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    uint64_t ms = 0;

    printf("# %s\n", cases[i].in);
    ASSERT_EQ(reed__xmpp_parse_stamp(cases[i].in, &ms), cases[i].rc);
    if (cases[i].rc == 0)
      ASSERT_EQ(ms, cases[i].ms);
  }
  reed__xmpp_stamp(1700000000123ull, buf, sizeof(buf));
  ASSERT_STR_EQ(buf, "2023-11-14T22:13:20.123Z");
}
