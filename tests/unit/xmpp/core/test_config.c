/* The [xmpp] section through the real loader: defaults, bounds, and
 * require_tls = no only where every tcp listener is on loopback. */
#include "xmpp_fixture.h"

#include <stdio.h>
#include <string.h>

static int
load(const char *text, reed_config_t **cfg, char *msg, size_t size)
{
  const reed_protocol_module_t *m = &reed_xmpp_module;
  reed_conf_section_t sec = {
      .name = m->name,
      .directives = m->directives,
      .conf_size = m->conf_size,
      .defaults = m->conf_defaults,
      .check = m->conf_check,
      .cleanup = m->conf_cleanup,
      .default_endpoints = m->default_endpoints,
      .check_listeners = m->conf_check_listeners,
  };
  reed_conf_err_t err;
  int rc = reed_config_load_string("t.ini", text, &sec, 1, cfg, &err);

  msg[0] = '\0';
  if (rc != 0)
    reed_conf_err_format(&err, msg, size);
  return rc;
}

TEST(config_defaults)
{
  reed_config_t *cfg;
  const reed_xmpp_conf_t *x;
  const reed_listener_t *l;
  char msg[512];
  size_t n;

  ASSERT_EQ(load("[xmpp]\n", &cfg, msg, sizeof(msg)), 0);
  x = reed_config_module(cfg, "xmpp");
  ASSERT(x->domain == NULL && x->muc == NULL);
  ASSERT(x->require_tls);
  ASSERT_EQ(x->max_stanza_pre_auth, 10000);
  ASSERT_EQ(x->max_stanza, 262144);
  ASSERT_EQ(x->offline_max, 100);
  ASSERT_EQ(x->resume_window_ms, 300000);
  ASSERT_EQ(x->max_resume_queue, 1000);
  ASSERT_EQ(x->negotiation_timeout_ms, 60000);
  l = reed_config_listeners(cfg, &n);
  ASSERT_EQ(n, 2);
  ASSERT_STR_EQ(l[0].spec, "tcp:5222");
  ASSERT_STR_EQ(l[1].spec, "ssl:5223");
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_errors)
{
  static const struct {
    const char *text, *msg;
  } cases[] = {
      {"[xmpp]\nrequire_tls = no\n",
       "t.ini:2: require_tls: 'no' needs every tcp listener of [xmpp] on a "
       "loopback address (or a unix socket)"},
      {"[xmpp]\nlisten = tcp:1:interface=127.0.0.1\nlisten = tcp:2\n"
       "require_tls = no\n",
       "t.ini:4: require_tls: 'no' needs every tcp listener of [xmpp] on a "
       "loopback address (or a unix socket)"},
      {"[xmpp]\nlisten = tcp:1:interface=127.0.0.1\n"
       "listen = tcp:2:interface=\\:\\:1\nlisten = ssl:3\n"
       "listen = unix:/tmp/x.sock\nrequire_tls = no\n",
       NULL},
      {"[xmpp]\ndomain = a@b\n", "t.ini:2: domain: not a domain name"},
      {"[xmpp]\nmuc = x/y\n", "t.ini:2: muc: not a domain name"},
      {"[xmpp]\ndomain = chat.example.org\nmuc = rooms.example.org\n", NULL},
      {"[xmpp]\nmax_stanza = 4k\n",
       "t.ini:1: max_stanza_pre_auth: must not be larger than max_stanza"},
      {"[xmpp]\nmax_stanza_pre_auth = 100\n",
       "t.ini:2: max_stanza_pre_auth: '100' is out of range 1k..1m"},
      {"[xmpp]\nnegotiation_timeout = 500ms\n",
       "t.ini:2: negotiation_timeout: must be at least 1s (or 0: none)"},
      {"[xmpp]\nnegotiation_timeout = 0\noffline_max = 0\n", NULL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_config_t *cfg = NULL;
    char msg[512];
    int rc = load(cases[i].text, &cfg, msg, sizeof(msg));
    printf("# %s\n", cases[i].text);
    if (cases[i].msg == NULL) {
      ASSERT_EQ(rc, 0);
      reed_config_free(cfg);
    } else {
      ASSERT_EQ(rc, REED_ECONFIG);
      ASSERT_STR_EQ(msg, cases[i].msg);
    }
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* With no [xmpp] domain the server's name is the domain; with one, it. */
TEST(config_domain)
{
  xw_t w;
  tw_client_t *c;
  char want[1024];

  xw_init(&w, false);
  xw_conf(&w)->domain = (char *)"chat.test";
  c = xw_client(&w, "c", true);
  tw_send(c, "<?xml version='1.0'?><stream:stream to='CHAT.test' "
             "version='1.0' xmlns='jabber:client' xmlns:stream='" NS_STREAMS
             "' from='me@chat.test'>");
  snprintf(want, sizeof(want),
           "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
           "xmlns:stream='" NS_STREAMS "' id='18bcfe56be8-1' from='chat.test' "
           "to='me@chat.test' version='1.0' xml:lang='en'>" F_SASL);
  XW_EXPECT(c, want);
  xw_conf(&w)->domain = NULL;
  xw_free(&w);
}
