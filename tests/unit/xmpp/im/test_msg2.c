#include "xim_fixture.h"
#include "irc.h"
#include "amp.h"
#include <stdio.h>
static void
pdump(const char *tag, xpeer_t *p)
{
  const char *s = xpeer_take(p);
  printf("%s: [", tag);
  for (const char *q = s; *q; q++)
    putchar((unsigned char)*q >= 32 || *q == '\n' ? *q : '.');
  printf("]\n");
}
static void
dump(const char *tag, tw_client_t *c)
{
  printf("%s: [%s]\n", tag, tw_take(c));
}
static void
box(xpeer_t *p, const char *const *kv)
{
  char buf[512];
  size_t n = 0;
  for (size_t i = 0; kv[i]; i++) {
    size_t l = strlen(kv[i]);
    buf[n++] = (char)(l >> 8);
    buf[n++] = (char)l;
    memcpy(buf + n, kv[i], l);
    n += l;
  }
  buf[n++] = 0;
  buf[n++] = 0;
  size_t off = 0;
  while (off < n) {
    ssize_t r = p->mod->feed(p->core, (const uint8_t *)buf + off, n - off);
    ASSERT(r >= 0);
    off += (size_t)r;
    if (off < n) {
      iw_run(p->w->iw);
      fc_advance(p->w->fc, 100);
    }
  }
  tw_turn_end(p->w);
}
TEST(xim_msg_dump2)
{
  xim_t w;
  xim_init(&w);
  xim_account(&w, "alice");
  xim_account(&w, "dave");
  xim_account(&w, "erin");
  tw_client_t *a1 = xim_login(&w, "alice", "a1");
  xim_online(a1, NULL);
  xpeer_t irc, amp;
  xpeer_open(&w.tw, &irc, &reed_irc_module);
  xpeer_send(&irc, "CAP LS 302\r\nNICK dave\r\nUSER dave 0 * :Dave\r\nCAP REQ "
                   ":sasl\r\nAUTHENTICATE PLAIN\r\n");
  pdump("irc", &irc);
  char b64[64];
  uint8_t raw[] = "\0dave\0pw";
  reed__xmpp_b64_encode(raw, 8, b64);
  char line[128];
  snprintf(line, sizeof line, "AUTHENTICATE %s\r\nCAP END\r\n", b64);
  xpeer_send(&irc, line);
  pdump("irc", &irc);
  tw_send(a1, "<message to='dave@reed.test' type='chat' id='x1'><body>hi "
              "dave\nsecond line</body></message>");
  dump("a1", a1);
  pdump("irc", &irc);
  xpeer_send(&irc, "PRIVMSG alice :back at you\r\n");
  dump("a1", a1);
  xpeer_open(&w.tw, &amp, &reed_amp_module);
  box(&amp, (const char *const[]){"_command", "Login", "_ask", "1", "username",
                                  "erin", "password", "pw", NULL});
  pdump("amp", &amp);
  box(&amp, (const char *const[]){"_command", "Tell", "_ask", "2", "user",
                                  "alice", "text", "from amp", NULL});
  pdump("amp", &amp);
  dump("a1", a1);
  tw_send(a1, "<message to='erin@reed.test' type='chat' id='x2'><body>to "
              "amp</body></message>");
  dump("a1", a1);
  pdump("amp", &amp);
  xpeer_close(&irc);
  xpeer_close(&amp);
  xim_free(&w);
}
