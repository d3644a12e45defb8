/* The XMPP stream parser: a table of streams, good and bad, each with the
 * transcript of callbacks it must give; every input is also fed split at
 * every byte, and byte by byte, and must give the same transcript. */
#include "harness.h"
#include "xml_rec.h"

#define HDR                                                                    \
  "<stream:stream xmlns='jabber:client' "                                      \
  "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' "          \
  "version='1.0'>"
#define OPEN                                                                   \
  "open {http://etherx.jabber.org/streams}stream to=example.com version=1.0 "  \
  "default=jabber:client\n"
#define END "</stream:stream>"
#define CLIENT "{jabber:client}"

typedef struct {
  const char *name;
  const char *in;
  reed_xml_limits_t lim;
  const char *expect;
} parse_case_t;

static const parse_case_t good[] = {
    {"basic",
     "<?xml version='1.0'?>" HDR
     "<message to='a@b' type='chat'><body>hi &amp; &lt;x&gt; &quot;&apos; "
     "&#x263A;&#65;</body></message>\n \t\r\n<presence/> " END,
     {0},
     OPEN "el " CLIENT "message to=a@b type=chat (" CLIENT
          "body \"hi & <x> \"' \xE2\x98\xBA"
          "A\")\n"
          "el " CLIENT "presence\n"
          "close\n"},
    {"no xml declaration, other prefix, no default namespace",
     "<s:stream xmlns:s='http://etherx.jabber.org/streams'><a/></s:stream>",
     {0},
     "open {http://etherx.jabber.org/streams}stream default=\n"
     "el a\nclose\n"},
    {"component namespace",
     "<stream:stream xmlns='jabber:component:accept' "
     "xmlns:stream='http://etherx.jabber.org/streams' to='c.example'>"
     "<handshake>abc</handshake>",
     {0},
     "open {http://etherx.jabber.org/streams}stream to=c.example "
     "default=jabber:component:accept\n"
     "el {jabber:component:accept}handshake \"abc\"\n"},
    {"namespaces and prefixes",
     HDR "<iq type='get' id='1'><q:query xmlns:q='jabber:iq:roster' ver=''>"
         "<item xmlns='urn:x' jid='a@b'/></q:query></iq>"
         "<f:x xmlns:f='urn:f' f:attr='1' plain='2'><f:y/><z xmlns=''/></f:x>",
     {0},
     OPEN "el " CLIENT "iq type=get id=1 ({jabber:iq:roster}query ver= "
          "({urn:x}item jid=a@b))\n"
          "el {urn:f}x {urn:f}attr=1 plain=2 ({urn:f}y) (z)\n"},
    {"xml:lang on the header and a stanza",
     "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
     "xml:lang='en' xmlns='jabber:client'><message xml:lang='fr'/>",
     {0},
     "open {http://etherx.jabber.org/streams}stream "
     "{http://www.w3.org/XML/1998/namespace}lang=en default=jabber:client\n"
     "el " CLIENT "message {http://www.w3.org/XML/1998/namespace}lang=fr\n"},
    {"mixed text, CDATA, CRLF, attribute normalisation",
     HDR "<m>a<b>x</b>c<![CDATA[<&>]]>\r\nd<e/></m><n v='1\t2\n3&#10;4'/>",
     {0},
     OPEN "el " CLIENT "m \"ac<&>\nd\" (" CLIENT "b \"x\") (" CLIENT "e)\n"
          "el " CLIENT "n v=1 2 3\n4\n"},
    {"UTF-8 text and names",
     HDR "<m \xC3\xA9='\xF0\x9F\x98\x80'>\xE6\x97\xA5\xE6\x9C\xAC</m>",
     {0},
     OPEN "el " CLIENT "m \xC3\xA9=\xF0\x9F\x98\x80 "
          "\"\xE6\x97\xA5\xE6\x9C\xAC\"\n"},
    {"keepalives only", HDR " \n \n\t  \r\n ", {0}, OPEN},
    {"whitespace CDATA at stream level",
     HDR "<![CDATA[ \n ]]><a/>",
     {0},
     OPEN "el " CLIENT "a\n"},
    {"empty stream element",
     "<stream:stream "
     "xmlns:stream='http://etherx.jabber.org/streams'/>",
     {0},
     "open {http://etherx.jabber.org/streams}stream default=\nclose\n"},
    {"bytes after the close are dropped", HDR END "<junk", {0}, OPEN "close\n"},
    {"'>' inside attribute values and text",
     HDR "<m a='>>' b=\"x>\">1 > 0</m>",
     {0},
     OPEN "el " CLIENT "m a=>> b=x> \"1 > 0\"\n"},
    {"depth at the limit",
     HDR "<a><b><c/></b></a>",
     {.max_depth = 3},
     OPEN "el " CLIENT "a (" CLIENT "b (" CLIENT "c))\n"},
    {"attributes at the limit (declarations count)",
     HDR "<a x='1' xmlns:p='urn:p' xmlns:q='urn:q' y='2'/>"
         "<b w='0' x='1' y='2' z='3'/>",
     {.max_attrs = 4},
     OPEN "el " CLIENT "a x=1 y=2\nel " CLIENT "b w=0 x=1 y=2 z=3\n"},
    {"stanza at the limit (keepalives do not count)",
     HDR "  <m>0123456789012345678901234567890123456789</m>  "
         "<m>0123456789012345678901234567890123456789</m>",
     {.max_stanza = 47},
     OPEN "el " CLIENT "m \"0123456789012345678901234567890123456789\"\n"
          "el " CLIENT "m \"0123456789012345678901234567890123456789\"\n"},
    {"header at the limit", HDR, {.max_stream_hdr = sizeof(HDR) - 1}, OPEN},
};

static const parse_case_t bad[] = {
    {"DOCTYPE", "<!DOCTYPE stream>" HDR, {0}, "err restricted-xml\n"},
    {"billion laughs",
     "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
     "<!ENTITY lol2 '&lol;&lol;&lol;&lol;'>]>" HDR "<m>&lol2;</m>",
     {0},
     "err restricted-xml\n"},
    {"comment before the header",
     "<!-- hi -->" HDR,
     {0},
     "err restricted-xml\n"},
    {"comment between stanzas",
     HDR "<a/><!-- hi --><b/>",
     {0},
     OPEN "el " CLIENT "a\nerr restricted-xml\n"},
    {"comment in a stanza",
     HDR "<a><!-- hi --></a>",
     {0},
     OPEN "err restricted-xml\n"},
    {"processing instruction",
     HDR "<a><?php x?></a>",
     {0},
     OPEN "err restricted-xml\n"},
    {"processing instruction before the header",
     "<?php x?>" HDR,
     {0},
     "err restricted-xml\n"},
    {"XML declaration mid-stream",
     HDR "<?xml version='1.0'?>",
     {0},
     OPEN "err not-well-formed\n"},
    {"undeclared entity", HDR "<a>&foo;</a>", {0}, OPEN "err restricted-xml\n"},
    {"undeclared entity in an attribute",
     HDR "<a b='&foo;'/>",
     {0},
     OPEN "err restricted-xml\n"},
    {"wrong stream namespace",
     "<stream:stream xmlns:stream='urn:wrong'><a/>",
     {0},
     "err invalid-namespace\n"},
    {"stream without a prefix",
     "<stream xmlns='jabber:client'>",
     {0},
     "err invalid-namespace\n"},
    {"stream element misnamed",
     "<stream:strea xmlns:stream='http://etherx.jabber.org/streams'>",
     {0},
     "err bad-format\n"},
    {"unbound prefix", HDR "<x:y/>", {0}, OPEN "err not-well-formed\n"},
    {"mismatched tags", HDR "<a></b>", {0}, OPEN "err not-well-formed\n"},
    {"text at stream level",
     HDR "<a/>hello<b/>",
     {0},
     OPEN "el " CLIENT "a\nerr bad-format\n"},
    {"bad UTF-8", HDR "<a>\xC3\x28</a>", {0}, OPEN "err not-well-formed\n"},
    {"overlong UTF-8",
     HDR "<a>\xC0\xAF</a>",
     {0},
     OPEN "err not-well-formed\n"},
    {"UTF-8 surrogate",
     HDR "<a>\xED\xA0\x80</a>",
     {0},
     OPEN "err not-well-formed\n"},
    {"UTF-8 past U+10FFFF",
     HDR "<a>\xF4\x90\x80\x80</a>",
     {0},
     OPEN "err not-well-formed\n"},
    {"control character", HDR "<a>\x01</a>", {0}, OPEN "err not-well-formed\n"},
    {"control character reference",
     HDR "<a>&#1;</a>",
     {0},
     OPEN "err not-well-formed\n"},
    {"U+FFFE reference",
     HDR "<a>&#xFFFE;</a>",
     {0},
     OPEN "err not-well-formed\n"},
    {"duplicate attribute",
     HDR "<a b='1' b='2'/>",
     {0},
     OPEN "err not-well-formed\n"},
    {"depth over the limit",
     HDR "<a><b><c><d/></c></b></a>",
     {.max_depth = 3},
     OPEN "err policy-violation\n"},
    {"attributes over the limit",
     HDR "<a v='0' w='0' x='1' y='2' z='3'/>",
     {.max_attrs = 4},
     OPEN "err policy-violation\n"},
    {"namespace declarations over the limit",
     HDR "<a x='1' y='1' xmlns:p='urn:p' xmlns:q='urn:q' xmlns='urn:r'/>",
     {.max_attrs = 4},
     OPEN "err policy-violation\n"},
    {"header attributes over the limit",
     "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' a='1' "
     "b='2' c='3' d='4'>",
     {.max_attrs = 4},
     "err policy-violation\n"},
    {"stanza over the limit",
     HDR "<m>0123456789012345678901234567890123456789</m>"
         "<m>01234567890123456789012345678901234567890</m>",
     {.max_stanza = 47},
     OPEN "el " CLIENT "m \"0123456789012345678901234567890123456789\"\n"
          "err policy-violation\n"},
    {"unended stanza over the limit",
     HDR "<m>0123456789012345678901234567890",
     {.max_stanza = 20},
     OPEN "err policy-violation\n"},
    {"huge start tag",
     HDR "<m a='0123456789012345678901234567890",
     {.max_stanza = 20},
     OPEN "err policy-violation\n"},
    {"long text at stream level",
     HDR "0123456789012345678901234567890",
     {.max_stanza = 20},
     OPEN "err bad-format\n"},
    {"entity at stream level", HDR "&amp;", {0}, OPEN "err bad-format\n"},
    {"CDATA text at stream level",
     HDR "<![CDATA[ x ]]>",
     {0},
     OPEN "err bad-format\n"},
    {"error before the limit wins",
     HDR "<a></b>0123456789012345678901",
     {.max_stanza = 20},
     OPEN "err not-well-formed\n"},
    {"header over the limit",
     HDR,
     {.max_stream_hdr = sizeof(HDR) - 2},
     "err policy-violation\n"},
    {"leading space before the XML declaration",
     " <?xml version='1.0'?>",
     {0},
     "err not-well-formed\n"},
    {"not XML at all", "GET / HTTP/1.1\r\n\r\n", {0}, "err not-well-formed\n"},
};

static void
check_case_len(const parse_case_t *c, size_t len)
{
  char *whole = transcript(c->in, len, &c->lim);

  if (strcmp(whole, c->expect) != 0)
    reed__test_fail(__FILE__, __LINE__, "%s:\n got:\n%s\n want:\n%s", c->name,
                    whole, c->expect);
  for (size_t split = 0; split <= len; split++) {
    rec_t r;

    rec_init(&r, &c->lim);
    rec_feed_split(&r, c->in, len, split);
    if (strcmp(rec_text(&r), whole) != 0)
      reed__test_fail(__FILE__, __LINE__, "%s split at %zu:\n%s", c->name,
                      split, rec_text(&r));
    rec_done(&r);
  }
  /* Byte by byte. */
  {
    rec_t r;
    size_t i = 0, used;

    rec_init(&r, &c->lim);
    for (; i < len; i++)
      if (reed_xml_stream_feed(r.p, (const uint8_t *)c->in + i, 1, &used))
        break;
    ASSERT_EQ(strncmp(rec_text(&r), whole, strlen(rec_text(&r))), 0);
    rec_done(&r);
  }
  free(whole);
}

static void
check_case(const parse_case_t *c)
{
  check_case_len(c, strlen(c->in));
}

TEST(xml_parse_good)
{
  long live = reed_alloc_live();

  for (size_t i = 0; i < REED_ARRAY_SIZE(good); i++)
    check_case(&good[i]);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(xml_parse_bad)
{
  long live = reed_alloc_live();

  for (size_t i = 0; i < REED_ARRAY_SIZE(bad); i++)
    check_case(&bad[i]);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* NUL bytes (inputs with a length): never XML, and expat would take a
 * document starting "x\0" for UTF-16 when both bytes come in one read. */
static const struct {
  parse_case_t c;
  size_t len;
} nul[] = {
    {{"NUL after a letter at the start",
      "t\0<\0s\0",
      {0},
      "err not-well-formed\n"},
     6},
    {{"UTF-16 with a BOM", "\xFF\xFE<\0s\0", {0}, "err not-well-formed\n"}, 6},
    {{"NUL in a stanza", HDR "<a>x\0</a>", {0}, OPEN "err not-well-formed\n"},
     sizeof(HDR) + 8},
    {{"error before the NUL wins",
      HDR "<a></b>\0",
      {0},
      OPEN "err not-well-formed\n"},
     sizeof(HDR) + 7},
    {{"limit before the NUL wins",
      HDR "<a>0123456789\0</a>",
      {.max_stanza = 8},
      OPEN "err policy-violation\n"},
     sizeof(HDR) + 17},
};

TEST(xml_parse_nul)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(nul); i++)
    check_case_len(&nul[i].c, nul[i].len);
}

/* After an error, every feed gives the same error and consumes nothing. */
TEST(xml_parse_error_sticky)
{
  static const char in[] = HDR "<a><!-- x --></a>";
  rec_t r;
  size_t used = 99;

  rec_init(&r, NULL);
  ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)in, strlen(in), &used),
            REED_XML_ERR_RESTRICTED_XML);
  for (int i = 0; i < 3; i++) {
    used = 99;
    ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)"<b/>", 4, &used),
              REED_XML_ERR_RESTRICTED_XML);
    ASSERT_EQ(used, 0);
  }
  ASSERT_STR_EQ(rec_text(&r), OPEN);
  rec_done(&r);
}

/* Limits set from the stream_open callback apply to the next element. */
TEST(xml_parse_set_limits)
{
  static const char in[] = HDR "<m>0123456789</m>";
  reed_xml_limits_t small = {.max_stanza = 10};
  rec_t r;
  size_t used;

  rec_init(&r, NULL);
  r.next_lim = small;
  ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)in, strlen(in), &used),
            REED_XML_ERR_POLICY_VIOLATION);
  rec_done(&r);
  small.max_stanza = 17;
  rec_init(&r, NULL);
  r.next_lim = small;
  ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)in, strlen(in), &used),
            REED_XML_OK);
  ASSERT_STR_EQ(rec_text(&r), OPEN "el " CLIENT "m \"0123456789\"\n");
  rec_done(&r);
}

/* Limits raised from an element callback (after authentication) apply
 * from the next element on, at every split. */
TEST(xml_parse_limits_from_element)
{
  static const char in[] = HDR "<auth>0123</auth> <m>0123456789012345</m>";
  reed_xml_limits_t lim = {.max_stanza = 20}, raised = {.max_stanza = 23};
  size_t len = strlen(in);

  for (size_t split = 0; split <= len; split++) {
    rec_t r;

    rec_init(&r, &lim);
    r.el_lim = raised;
    rec_feed_split(&r, in, len, split);
    ASSERT_STR_EQ(rec_text(&r), OPEN "el " CLIENT "auth \"0123\"\n"
                                     "el " CLIENT "m \"0123456789012345\"\n");
    rec_done(&r);
    raised.max_stanza = 22;
    rec_init(&r, &lim);
    r.el_lim = raised;
    rec_feed_split(&r, in, len, split);
    ASSERT_STR_EQ(rec_text(&r), OPEN "el " CLIENT "auth \"0123\"\n"
                                     "err policy-violation\n");
    rec_done(&r);
    raised.max_stanza = 23;
  }
}

/* A reset from stream_open stops the feed just past the header. */
static void
reset_on_open(void *ud, const reed_xml_el_t *hdr, const char *default_ns)
{
  (void)hdr, (void)default_ns;
  ASSERT_EQ(reed_xml_stream_reset(*(reed_xml_stream_t **)ud), 0);
}

TEST(xml_reset_from_stream_open)
{
  static const char in[] = HDR "<a/>";
  reed_xml_cbs_t cbs = {.stream_open = reset_on_open};
  reed_xml_stream_t *p;
  size_t used;

  ASSERT_EQ(reed_xml_stream_new(NULL, &cbs, &p, &p), 0);
  ASSERT_EQ(reed_xml_stream_feed(p, (const uint8_t *)in, strlen(in), &used),
            REED_XML_OK);
  ASSERT_EQ(used, strlen(HDR));
  /* a new document: "<a/>" is now its root, not a stream header */
  ASSERT_EQ(reed_xml_stream_feed(p, (const uint8_t *)in + used,
                                 strlen(in) - used, &used),
            REED_XML_ERR_INVALID_NAMESPACE);
  reed_xml_stream_free(p);
}

TEST(xml_err_conditions)
{
  ASSERT_STR_EQ(reed_xml_err_condition(REED_XML_ERR_NOT_WELL_FORMED),
                "not-well-formed");
  ASSERT_STR_EQ(reed_xml_err_condition(REED_XML_ERR_RESTRICTED_XML),
                "restricted-xml");
  ASSERT_STR_EQ(reed_xml_err_condition(REED_XML_ERR_POLICY_VIOLATION),
                "policy-violation");
  ASSERT_STR_EQ(reed_xml_err_condition(REED_XML_ERR_INVALID_NAMESPACE),
                "invalid-namespace");
  ASSERT_STR_EQ(reed_xml_err_condition(REED_XML_ERR_BAD_FORMAT), "bad-format");
  ASSERT_STR_EQ(reed_xml_err_condition(REED_XML_ERR_NOMEM),
                "internal-server-error");
}
