/* bench: table tests of the load generator's XMPP stanza reader
 * (loadgen/lg_xmpp_xml.c): the framer at every cut of a stream, the
 * tokenizer and attribute lookup, and the stanza summary. */
#include "harness.h"

#include "base.h"
#include "lg_xmpp_xml.h"

static int
view_eq(bench_view_t v, const char *s)
{
  return v.len == strlen(s) && (v.len == 0 || memcmp(v.p, s, v.len) == 0);
}

/* A server's stream, as Prosody and ejabberd write it, in items. */
static const struct {
  const char *text;
  int kind;
} stream[] = {
    {"<?xml version='1.0'?>", LG_XML_DECL},
    {"<stream:stream xmlns='jabber:client' "
     "xmlns:stream='http://etherx.jabber.org/streams' id='a>b' "
     "version='1.0'>",
     LG_XML_OPEN},
    {"<stream:features><mechanisms "
     "xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
     "</mechanisms></stream:features>",
     LG_XML_ELEMENT},
    {"\r\n ", LG_XML_SPACE},
    {"<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>", LG_XML_ELEMENT},
    {"<message from='r@c/b1' type=\"groupchat\"><body>1 2 3 x&amp;y</body>"
     "<stanza-id by='r@c' id='z'/></message>",
     LG_XML_ELEMENT},
    {"<presence from='r@c/a'><x><item a='>'/></x></presence>", LG_XML_ELEMENT},
    {"</stream:stream>", LG_XML_CLOSE},
};

TEST(xml_frame_whole_and_cut)
{
  char all[2048];
  size_t len = 0, i, cut, off, k;
  ssize_t r;
  int kind;

  for (i = 0; i < REED_ARRAY_SIZE(stream); i++) {
    memcpy(all + len, stream[i].text, strlen(stream[i].text));
    len += strlen(stream[i].text);
  }
  /* Whole: each item in turn. */
  for (i = 0, off = 0; i < REED_ARRAY_SIZE(stream); i++) {
    r = lg_xml_frame(all + off, len - off, &kind);
    ASSERT_EQ(r, (ssize_t)strlen(stream[i].text));
    ASSERT_EQ(kind, stream[i].kind);
    off += (size_t)r;
  }
  ASSERT_EQ(lg_xml_frame(all + off, len - off, &kind), 0);
  /* Cut anywhere inside an item: it needs more bytes, never misframes. */
  for (i = 0, off = 0; i < REED_ARRAY_SIZE(stream); i++) {
    k = strlen(stream[i].text);
    for (cut = stream[i].kind == LG_XML_SPACE ? k : 1; cut < k; cut++)
      ASSERT_EQ(lg_xml_frame(all + off, cut, &kind), 0);
    off += k;
  }
}

TEST(xml_frame_rejects)
{
  static const char *const bad[] = {
      "text",     "<!-- c -->", "<a><!-- c --></a>", "</a>",
      "</b><a/>", "< >",        "<a><?pi?></a>",
  };
  char deep[LG_XML_MAXDEPTH * 3 + 8];
  size_t i;
  int kind;

  for (i = 0; i < REED_ARRAY_SIZE(bad); i++)
    ASSERT_EQ(lg_xml_frame(bad[i], strlen(bad[i]), &kind), REED_ESYNTAX);
  for (i = 0; i <= LG_XML_MAXDEPTH; i++)
    memcpy(deep + 3 * i, "<a>", 3);
  ASSERT_EQ(lg_xml_frame(deep, 3 * (LG_XML_MAXDEPTH + 1), &kind), REED_ESYNTAX);
}

TEST(xml_tokens_and_attrs)
{
  static const char el[] =
      "<iq type='result' id=\"b\" x = 'y'><bind a='1'/>t</iq>";
  lg_xml_it_t it;
  lg_xml_tok_t t;
  bench_view_t v;

  lg_xml_it_init(&it, el, strlen(el));
  ASSERT_EQ(lg_xml_it_next(&it, &t), 1);
  ASSERT_EQ(t.kind, LG_TOK_START);
  ASSERT(view_eq(t.name, "iq") && !t.empty);
  ASSERT(lg_xml_attr(t.attrs, "type", &v) && view_eq(v, "result"));
  ASSERT(lg_xml_attr(t.attrs, "id", &v) && view_eq(v, "b"));
  ASSERT(lg_xml_attr(t.attrs, "x", &v) && view_eq(v, "y"));
  ASSERT(!lg_xml_attr(t.attrs, "i", &v));
  ASSERT_EQ(lg_xml_it_next(&it, &t), 1);
  ASSERT(t.kind == LG_TOK_START && t.empty && view_eq(t.name, "bind"));
  ASSERT(lg_xml_attr(t.attrs, "a", &v) && view_eq(v, "1"));
  ASSERT_EQ(lg_xml_it_next(&it, &t), 1);
  ASSERT(t.kind == LG_TOK_TEXT && view_eq(t.text, "t"));
  ASSERT_EQ(lg_xml_it_next(&it, &t), 1);
  ASSERT(t.kind == LG_TOK_END && view_eq(t.name, "iq"));
  ASSERT_EQ(lg_xml_it_next(&it, &t), 0);
  ASSERT(!lg_xml_attr((bench_view_t){" a=b", 4}, "a", &v));
  ASSERT(!lg_xml_attr((bench_view_t){" a='b", 5}, "a", &v));
}

static const struct {
  const char *in;
  const char *name, *type, *id, *from, *body, *text, *cond;
  unsigned flags;
} stanzas[] = {
    {"<message from='r@c/b1' type='groupchat' id='m'><body>0 1 2 xx</body>"
     "</message>",
     "message", "groupchat", "m", "r@c/b1", "0 1 2 xx", "", "", LG_XS_BODY},
    {"<message from='r@c/b1' type='groupchat'><body>0 1 2</body><delay "
     "xmlns='urn:xmpp:delay' stamp='x'/></message>",
     "message", "groupchat", "", "r@c/b1", "0 1 2", "", "",
     LG_XS_BODY | LG_XS_DELAY},
    {"<message from='r@c' type='groupchat'><subject/></message>", "message",
     "groupchat", "", "r@c", "", "", "", LG_XS_SUBJECT},
    {"<presence from='r@c/b0'><x xmlns='http://jabber.org/protocol/muc#user'>"
     "<item affiliation='owner' role='moderator'/><status code='110'/>"
     "<status code='201'/></x></presence>",
     "presence", "", "", "r@c/b0", "", "", "",
     LG_XS_MUC_USER | LG_XS_SELF | LG_XS_CREATED},
    {"<presence from='r@c/b0'><x xmlns='http://jabber.org/protocol/muc'>"
     "<status code='110'/></x></presence>",
     "presence", "", "", "r@c/b0", "", "", "", 0},
    {"<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
     "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism>"
     "</mechanisms><register/></stream:features>",
     "stream:features", "", "", "", "", "", "",
     LG_XS_MECHS | LG_XS_PLAIN | LG_XS_SCRAM_SHA1},
    {"<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
     "<required/></bind></stream:features>",
     "stream:features", "", "", "", "", "", "", LG_XS_BIND},
    {"<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1hYmM=</challenge>",
     "challenge", "", "", "", "", "cj1hYmM=", "", 0},
    {"<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>"
     "<text>no</text></failure>",
     "failure", "", "", "", "", "", "not-authorized", LG_XS_ERROR},
    {"<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
     "</stream:error>",
     "stream:error", "", "", "", "", "", "conflict", LG_XS_ERROR},
    {"<iq type='error' id='reg'><query/><error type='cancel'><text/>"
     "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
     "iq", "error", "reg", "", "", "", "conflict", LG_XS_ERROR},
    {"<iq type='result' id='bind'/>", "iq", "result", "bind", "", "", "", "",
     0},
};

TEST(xstanza_table)
{
  lg_xstanza_t s;
  size_t i;

  for (i = 0; i < REED_ARRAY_SIZE(stanzas); i++) {
    ASSERT_EQ(lg_xstanza_read(stanzas[i].in, strlen(stanzas[i].in), &s), 0);
    ASSERT(view_eq(s.name, stanzas[i].name));
    ASSERT(view_eq(s.type, stanzas[i].type));
    ASSERT(view_eq(s.id, stanzas[i].id));
    ASSERT(view_eq(s.from, stanzas[i].from));
    ASSERT(view_eq(s.body, stanzas[i].body));
    ASSERT(view_eq(s.text, stanzas[i].text));
    ASSERT(view_eq(s.cond, stanzas[i].cond));
    ASSERT_EQ(s.flags, stanzas[i].flags);
  }
  ASSERT_EQ(lg_xstanza_read("", 0, &s), REED_ESYNTAX);
  ASSERT_EQ(lg_xstanza_read("<a><!x></a>", 11, &s), REED_ESYNTAX);
}
