/* The XMPP bot's reading of stanzas and names, on arbitrary bytes: each
 * line is a stanza for libstrophe's parser (what the server could send),
 * fed to a client that is in a room and answers every message, joins every
 * room it is invited to and kicks whoever joins; each line is also taken as
 * an XMPP nick (its API form must turn back into it) and as a room JID and
 * an API room (the names made must be valid). The clock runs, the client
 * reconnects and is freed: no crash, no leak. */
#include "bot_xmpp_int.h"
#include "fake_clock.h"

#include <stdlib.h>
#include <string.h>

#define MUC "conference.localhost"

static reed__bot_xmpp_t x;
static xmpp_ctx_t *ctx;

static void
io_send(void *io, xmpp_stanza_t *st)
{
  char *text;
  size_t len;

  (void)io;
  if (xmpp_stanza_to_text(st, &text, &len) != XMPP_EOK)
    abort();
  xmpp_free(ctx, text);
}

static int
io_connect(void *io)
{
  (void)io;
  return 0;
}

static void
io_close(void *io)
{
  (void)io;
}

static int
answer(reed_bot_t *bot, const reed_bot_event_t *ev, void *ud)
{
  (void)ud;
  if ((ev->kind == REED_BOT_EV_MESSAGE || ev->kind == REED_BOT_EV_ACTION) &&
      ev->text && ev->text[0])
    reed_bot_reply(bot, ev, ev->text);
  if (ev->kind == REED_BOT_EV_INVITE && ev->room)
    reed_bot_join(bot, ev->room, NULL);
  if (ev->kind == REED_BOT_EV_JOIN && !ev->self)
    reed_bot_kick(bot, ev->room, ev->nick, "fuzz");
  return REED_BOT_KEEP;
}

static void
check_names(const char *s)
{
  char api[256], back[256], jid[512], room[512];

  if (reed__bot_xmpp_nick_to_api(s, api, sizeof(api)) == 0 &&
      (reed__bot_xmpp_nick_from_api(api, back, sizeof(back)) != 0 ||
       strcmp(back, s) != 0))
    abort();
  if (reed__bot_xmpp_room_name(MUC, s, room, sizeof(room)) == 0 &&
      (!reed__bot_room_ok(room) ||
       reed__bot_xmpp_room_jid(MUC, room, jid, sizeof(jid)) != 0))
    abort();
  if (s[0] == '#' && reed__bot_room_ok(s) &&
      reed__bot_xmpp_room_jid(MUC, s, jid, sizeof(jid)) == 0 &&
      !strchr(jid, '@'))
    abort();
}

static void
feed(const char *xml)
{
  xmpp_stanza_t *st = xmpp_stanza_new_from_string(ctx, xml);

  if (st) {
    reed__bot_xmpp_stanza(&x, st);
    xmpp_stanza_release(st);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  reed_bot_xmpp_opts_t o = {
      .jid = "bot@localhost", .password = "pw", .no_jitter = 1};
  reed__bot_xmpp_io_t io = {
      .send = io_send, .connect = io_connect, .close = io_close};
  char *copy = malloc(size + 1), *line, *save = NULL;
  fake_clock_t fc;

  if (copy == NULL)
    return 0;
  memcpy(copy, data, size);
  copy[size] = '\0';
  fc_init(&fc);
  ctx = xmpp_ctx_new(NULL, NULL);
  if (ctx == NULL || reed__bot_xmpp_init(&x, &o, &io, ctx, &fc.clock, NULL))
    abort();
  reed_bot_on(&x.bot, NULL, answer, NULL);
  reed__bot_xmpp_start(&x);
  reed__bot_xmpp_online(&x);
  reed_bot_join(&x.bot, "#r", NULL);
  feed("<presence from='r@" MUC "/bot'><x xmlns='" REED__BOT_NS_MUC_USER
       "'><status code='110'/></x></presence>");
  for (line = strtok_r(copy, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    check_names(line);
    feed(line);
  }
  fc_advance(&fc, 10 * 60 * 1000);
  reed__bot_xmpp_closed(&x, "fuzz", 0);
  fc_advance(&fc, 1000);
  reed__bot_xmpp_online(&x);
  reed__bot_xmpp_cleanup(&x);
  xmpp_ctx_free(ctx);
  fc_cleanup(&fc);
  free(copy);
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
