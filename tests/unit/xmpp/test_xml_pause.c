/* Pausing the stream parser from the element callback: after element k of
 * n, at every split of the input, the feed must stop just past element
 * k's end tag with nothing of the rest inside expat, so that resuming
 * (or a reset and a new stream header) and feeding the rest gives the same
 * callbacks as one parse. */
#include "harness.h"
#include "xml_rec.h"

#define HDR                                                                    \
  "<stream:stream xmlns='jabber:client' "                                      \
  "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' "          \
  "version='1.0'>"

/* Five elements, with keepalives between some, a '>' in an attribute and
 * in text, and entities that span nothing after their element. */
static const char stream[] =
    HDR "<m id='1'>a</m> <iq id='2'><q xmlns='urn:q'/></iq>\n"
        "<presence/><m id='4'>&amp;&#x41;</m>  "
        "<m id='5' a='>'>x>y</m></stream:stream>";
#define N_EL 5

enum { RESUME, RESET, RESET_IN_CB };

/* Where the feed stops when paused after element k, fed whole. */
static size_t
pause_point(int k)
{
  rec_t r;
  size_t used;

  rec_init(&r, NULL);
  r.pause_at = k;
  ASSERT_EQ(
      reed_xml_stream_feed(r.p, (const uint8_t *)stream, strlen(stream), &used),
      REED_XML_OK);
  ASSERT_EQ(r.n_el, k);
  ASSERT(used < strlen(stream));
  /* Still paused: nothing more is taken. */
  {
    size_t again = 99;

    ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)stream + used,
                                   strlen(stream) - used, &again),
              REED_XML_OK);
    ASSERT_EQ(again, 0);
    ASSERT_EQ(r.n_el, k);
  }
  rec_done(&r);
  return used;
}

/* The pause point is element k's end: the bytes before it, closed, are a
 * stream of exactly k elements. */
static void
check_pause_point(int k, size_t at)
{
  char buf[sizeof(stream) + 32];
  rec_t r;
  size_t used;
  const char *t;
  int lines = 0;

  ASSERT_EQ(stream[at - 1], '>');
  memcpy(buf, stream, at);
  strcpy(buf + at, "</stream:stream>");
  rec_init(&r, NULL);
  ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)buf, strlen(buf), &used),
            REED_XML_OK);
  ASSERT_EQ(r.n_el, k);
  for (t = rec_text(&r); (t = strstr(t, "\nclose\n")) != NULL; t++)
    lines++;
  ASSERT_EQ(lines, 1);
  rec_done(&r);
}

/* The one-shot transcript with a second "open" line after element k, as a
 * reset and a new header give. */
static char *
with_reopen(const char *whole, int k)
{
  const char *p = whole, *open_end = strchr(whole, '\n') + 1;
  size_t open_len = (size_t)(open_end - whole), head;
  char *out = malloc(strlen(whole) + open_len + 1);

  for (int i = 0; i <= k; i++)
    p = strchr(p, '\n') + 1;
  head = (size_t)(p - whole);
  memcpy(out, whole, head);
  memcpy(out + head, whole, open_len);
  strcpy(out + head + open_len, p);
  return out;
}

static void
after_pause(rec_t *r, int mode)
{
  size_t used;

  if (mode == RESUME) {
    reed_xml_stream_resume(r->p);
    return;
  }
  if (mode == RESET)
    ASSERT_EQ(reed_xml_stream_reset(r->p), 0);
  ASSERT_EQ(
      reed_xml_stream_feed(r->p, (const uint8_t *)HDR, strlen(HDR), &used),
      REED_XML_OK);
  ASSERT_EQ(used, strlen(HDR));
}

/* Feeds the stream in two chunks split at `split`, pausing after element
 * k and going on by `mode`; returns the absolute pause position. */
static size_t
drive(rec_t *r, size_t split, int k, int mode)
{
  size_t len = strlen(stream), cuts[3] = {0, split, len}, at = 0, used;
  bool handled = false;

  r->pause_at = k;
  r->reset_in_cb = mode == RESET_IN_CB;
  for (int c = 0; c < 2; c++) {
    size_t pos = cuts[c];

    while (pos < cuts[c + 1]) {
      ASSERT_EQ(reed_xml_stream_feed(r->p, (const uint8_t *)stream + pos,
                                     cuts[c + 1] - pos, &used),
                REED_XML_OK);
      pos += used;
      if (r->n_el >= k && !handled) {
        handled = true;
        at = pos;
        after_pause(r, mode);
      }
    }
  }
  ASSERT(handled);
  return at;
}

static void
check_mode(int mode)
{
  size_t len = strlen(stream);
  char *whole = transcript(stream, len, NULL);

  for (int k = 1; k <= N_EL; k++) {
    size_t at = pause_point(k);
    char *want = mode == RESUME ? strdup(whole) : with_reopen(whole, k);

    check_pause_point(k, at);
    for (size_t split = 0; split <= len; split++) {
      rec_t r;

      rec_init(&r, NULL);
      ASSERT_EQ(drive(&r, split, k, mode), at);
      if (strcmp(rec_text(&r), want) != 0)
        reed__test_fail(__FILE__, __LINE__, "k=%d split=%zu:\n%s\nwant:\n%s", k,
                        split, rec_text(&r), want);
      rec_done(&r);
    }
    free(want);
  }
  free(whole);
}

TEST(xml_pause_resume)
{
  long live = reed_alloc_live();

  check_mode(RESUME);
  ASSERT_EQ(reed_alloc_live(), live);
}

TEST(xml_pause_reset)
{
  long live = reed_alloc_live();

  check_mode(RESET);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* A reset from inside the callback waits for the end of that element and
 * stops the feed there, as a pause does. */
TEST(xml_pause_reset_in_callback)
{
  long live = reed_alloc_live();

  check_mode(RESET_IN_CB);
  ASSERT_EQ(reed_alloc_live(), live);
}

/* With reparse deferral off, an element is delivered as soon as its last
 * byte is fed: at every split, the first chunk alone gives every element
 * that ends inside it. */
TEST(xml_prompt_delivery)
{
  size_t len = strlen(stream), ends[N_EL], used;

  for (int k = 1; k <= N_EL; k++)
    ends[k - 1] = pause_point(k);
  for (size_t split = 0; split <= len; split++) {
    rec_t r;
    int want = 0;

    for (int k = 0; k < N_EL; k++)
      want += ends[k] <= split;
    rec_init(&r, NULL);
    ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)stream, split, &used),
              REED_XML_OK);
    ASSERT_EQ(used, split);
    ASSERT_EQ(r.n_el, want);
    rec_done(&r);
  }
}

/* A stream restart: a reset with no pause, between feeds, and a second
 * stream on the same parser; an error is cleared by it too. */
TEST(xml_reset_restart)
{
  static const char first[] = HDR "<starttls xmlns='urn:x'/>";
  static const char second[] = "<?xml version='1.0'?>" HDR "<a/>";
  rec_t r;
  size_t used;

  rec_init(&r, NULL);
  ASSERT_EQ(
      reed_xml_stream_feed(r.p, (const uint8_t *)first, strlen(first), &used),
      REED_XML_OK);
  ASSERT_EQ(reed_xml_stream_reset(r.p), 0);
  ASSERT_EQ(
      reed_xml_stream_feed(r.p, (const uint8_t *)second, strlen(second), &used),
      REED_XML_OK);
  ASSERT_EQ(used, strlen(second));
  ASSERT_EQ(reed_xml_stream_feed(r.p, (const uint8_t *)"<!---->", 7, &used),
            REED_XML_ERR_RESTRICTED_XML);
  ASSERT_EQ(reed_xml_stream_reset(r.p), 0);
  ASSERT_EQ(
      reed_xml_stream_feed(r.p, (const uint8_t *)second, strlen(second), &used),
      REED_XML_OK);
  ASSERT_EQ(r.n_el, 3);
  ASSERT(strstr(rec_text(&r), "el {urn:x}starttls\n") != NULL);
  rec_done(&r);
}
