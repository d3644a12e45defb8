/* Whole-config loads: the [server] section, module sections through a
 * caller's section list, listeners, errors as FILE:LINE: KEY: message, the
 * embedded default and allocation failure. */
#include "config.h"
#include "harness.h"

#include <string.h>
#include <unistd.h>

/* A module like the protocols will describe: some keys, a check, a cleanup
 * that frees a block of its own. */
typedef struct {
  char *domain;
  int flood, level;
  bool strict;
  reed_strlist_t ops;
  char *own; /* allocated by defaults(), freed by cleanup() */
} mod_conf_t;

static int cleanups;

static void
mod_defaults(void *conf)
{
  mod_conf_t *c = conf;
  c->flood = 10;
  c->own = reed_strdup("own");
}

static int
mod_check(const void *conf, reed_conf_err_t *err)
{
  const mod_conf_t *c = conf;
  if (c->strict && c->flood > 5) {
    reed_strlcpy(err->key, "flood", sizeof(err->key));
    snprintf(err->msg, sizeof(err->msg), "must be at most 5 when strict");
    return REED_ECONFIG;
  }
  return 0;
}

static void
mod_cleanup(void *conf)
{
  mod_conf_t *c = conf;
  cleanups++;
  reed_free(c->own);
}

#define O(f) offsetof(mod_conf_t, f)
static const reed_directive_t mod_dirs[] = {
    {.key = "domain",
     .set = reed_conf_set_str,
     .offset = O(domain),
     .def = "localhost"},
    {.key = "flood",
     .set = reed_conf_set_int,
     .offset = O(flood),
     .min = 0,
     .max = 100},
    {.key = "strict", .set = reed_conf_set_bool, .offset = O(strict)},
    {.key = "op", .set = reed_conf_set_strlist, .offset = O(ops)},
    {.key = "level",
     .set = reed_conf_set_int,
     .offset = O(level),
     .flags = REED_CONF_MULTI},
    {.key = NULL},
};

static const char *const irc_eps[] = {"tcp:6667:interface=127.0.0.1",
                                      "ssl:6697:interface=127.0.0.1", NULL};
static const char *const xmpp_eps[] = {"tcp:5222", NULL};

static const reed_conf_section_t sections[] = {
    {.name = "irc",
     .directives = mod_dirs,
     .conf_size = sizeof(mod_conf_t),
     .defaults = mod_defaults,
     .check = mod_check,
     .cleanup = mod_cleanup,
     .default_endpoints = irc_eps},
    {.name = "xmpp",
     .directives = mod_dirs,
     .conf_size = sizeof(mod_conf_t),
     .default_endpoints = xmpp_eps},
    {.name = "amp"},
};

static int
load(const char *text, reed_config_t **cfg, char *msg)
{
  reed_conf_err_t err;
  int rc = reed_config_load_string("t.ini", text, sections,
                                   REED_ARRAY_SIZE(sections), cfg, &err);
  if (rc != 0)
    reed_conf_err_format(&err, msg, 512);
  else
    msg[0] = '\0';
  return rc;
}

/* Listeners as "module spec line" lines. */
static void
listeners_text(const reed_config_t *cfg, char *out, size_t n)
{
  size_t count, len = 0;
  const reed_listener_t *l = reed_config_listeners(cfg, &count);

  out[0] = '\0';
  for (size_t i = 0; i < count && len < n; i++)
    len += (size_t)snprintf(out + len, n - len, "%s %s %d\n", l[i].module,
                            l[i].spec, l[i].line);
}

TEST(config_server_defaults)
{
  reed_config_t *cfg;
  char msg[512];
  const reed_server_conf_t *s;
  size_t n;

  ASSERT_EQ(load("", &cfg, msg), 0);
  s = &cfg->server;
  ASSERT_STR_EQ(s->name, "localhost");
  ASSERT_STR_EQ(s->data_dir, "./reed-data");
  ASSERT_EQ(s->registration, REED_REGISTRATION_CLOSED);
  ASSERT_EQ(s->log_level, REED_LOG_INFO);
  ASSERT(s->tls_cert == NULL && s->tls_key == NULL && s->motd == NULL);
  ASSERT_EQ(s->password_hash, REED_PWHASH_INTERACTIVE);
  ASSERT_EQ(s->max_connections, 10000);
  ASSERT_EQ(s->max_connections_per_ip, 16);
  ASSERT_EQ(s->connect_burst, 10);
  ASSERT_EQ(s->connect_rate, 10);
  ASSERT_EQ(s->connect_exempt.n, 0);
  ASSERT_EQ(s->max_message_lines, 100);
  ASSERT_EQ(s->max_message_bytes, 4096);
  ASSERT_EQ(s->sendq, 96 * 1024);
  ASSERT_EQ(s->recvq, 16 * 1024);
  ASSERT_EQ(s->registration_timeout, 60000);
  ASSERT_EQ(s->ping_interval, 120000);
  ASSERT_EQ(s->ping_timeout, 60000);
  ASSERT_EQ(s->history_room, 1000);
  ASSERT_EQ(s->history_private, 200);
  ASSERT_EQ(s->max_rooms_per_session, 100);
  ASSERT_EQ(s->auth_fail_limit, 10);
  ASSERT_EQ(s->auth_fail_address_limit, 20);
  ASSERT_EQ(s->auth_fail_delay_after, 3);
  ASSERT_EQ(s->auth_fail_delay, 250);
  ASSERT_EQ(s->auth_fail_delay_max, 4000);
  ASSERT_EQ(s->auth_fail_window, 600000);
  ASSERT_EQ(s->auth_throttle_entries, 10000);
  ASSERT_EQ(s->registration_per_ip, 12);
  ASSERT_EQ(s->registration_burst, 3);
  ASSERT_EQ(s->registration_global, 180);
  ASSERT_EQ(s->plugins.n, 0);
  ASSERT(reed_config_module(cfg, "irc") == NULL);
  ASSERT(reed_config_module(cfg, "xmpp") == NULL);
  ASSERT(reed_config_module(cfg, "nosuch") == NULL);
  reed_config_listeners(cfg, &n);
  ASSERT_EQ(n, 0);
  ASSERT_STR_EQ(cfg->file, "t.ini");
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_server_all_keys)
{
  static const char text[] = "[server]\n"
                             "name = irc.example.org\n"
                             "data_dir = /var/lib/reed\n"
                             "registration = open\n"
                             "log_level = debug\n"
                             "tls_cert = /etc/reed/cert.pem\n"
                             "tls_key = /etc/reed/key.pem\n"
                             "password_hash = min\n"
                             "max_connections = 500\n"
                             "max_connections_per_ip = 0\n"
                             "sendq = 1m\n"
                             "recvq = 8k\n"
                             "registration_timeout = 30s\n"
                             "ping_interval = 2m\n"
                             "ping_timeout = 45\n"
                             "history_room = 50\n"
                             "history_private = 0\n"
                             "max_rooms_per_session = 7\n"
                             "auth_fail_limit = 3\n"
                             "auth_fail_window = 1500ms\n"
                             "auth_fail_address_limit = 7\n"
                             "auth_fail_delay_after = 2\n"
                             "auth_fail_delay = 10ms\n"
                             "auth_fail_delay_max = 1s\n"
                             "auth_throttle_entries = 500\n"
                             "motd = /etc/reed/motd.txt\n"
                             "plugin = /usr/lib/reed/a.so\n"
                             "plugin = /usr/lib/reed/b.so\n";
  reed_config_t *cfg;
  char msg[512];
  const reed_server_conf_t *s;

  ASSERT_EQ(load(text, &cfg, msg), 0);
  s = &cfg->server;
  ASSERT_STR_EQ(s->name, "irc.example.org");
  ASSERT_STR_EQ(s->data_dir, "/var/lib/reed");
  ASSERT_EQ(s->registration, REED_REGISTRATION_OPEN);
  ASSERT_EQ(s->log_level, REED_LOG_DEBUG);
  ASSERT_STR_EQ(s->tls_cert, "/etc/reed/cert.pem");
  ASSERT_STR_EQ(s->tls_key, "/etc/reed/key.pem");
  ASSERT_EQ(s->password_hash, REED_PWHASH_MIN);
  ASSERT_EQ(s->max_connections, 500);
  ASSERT_EQ(s->max_connections_per_ip, 0);
  ASSERT_EQ(s->sendq, 1 << 20);
  ASSERT_EQ(s->recvq, 8192);
  ASSERT_EQ(s->registration_timeout, 30000);
  ASSERT_EQ(s->ping_interval, 120000);
  ASSERT_EQ(s->ping_timeout, 45000);
  ASSERT_EQ(s->history_room, 50);
  ASSERT_EQ(s->history_private, 0);
  ASSERT_EQ(s->max_rooms_per_session, 7);
  ASSERT_EQ(s->auth_fail_limit, 3);
  ASSERT_EQ(s->auth_fail_window, 1500);
  ASSERT_EQ(s->auth_fail_address_limit, 7);
  ASSERT_EQ(s->auth_fail_delay_after, 2);
  ASSERT_EQ(s->auth_fail_delay, 10);
  ASSERT_EQ(s->auth_fail_delay_max, 1000);
  ASSERT_EQ(s->auth_throttle_entries, 500);
  ASSERT_STR_EQ(s->motd, "/etc/reed/motd.txt");
  ASSERT_EQ(s->plugins.n, 2);
  ASSERT_STR_EQ(s->plugins.v[1], "/usr/lib/reed/b.so");
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* Files that must fail, and the exact message. */
static const struct {
  const char *text;
  const char *msg;
} errors[] = {
    {"[server]\nname = x\n\nbogus = 1\n",
     "t.ini:4: bogus: unknown key in [server]"},
    {"[server]\n[foo]\nx = 1\n", "t.ini:2: [foo]: unknown section"},
    {"x = 1\n", "t.ini:1: x: key outside any [section]"},
    {"[server]\nname = a\nname = b\n", "t.ini:3: name: already set on line 2"},
    {"[server]\n[irc]\n[server]\n",
     "t.ini:3: [server]: section already began on line 1"},
    {"[server]\nlisten = tcp:1\n", "t.ini:2: listen: unknown key in [server]"},
    {"[server]\nregistration = maybe\n",
     "t.ini:2: registration: 'maybe' is not one of: closed, open"},
    {"[server]\nlog_level = trace\n",
     "t.ini:2: log_level: 'trace' is not one of: debug, info, warn, error"},
    {"[server]\npassword_hash = max\n",
     "t.ini:2: password_hash: 'max' is not one of: min, interactive, "
     "moderate, sensitive"},
    {"[server]\nmax_connections = 0\n",
     "t.ini:2: max_connections: '0' is out of range 1..1000000"},
    {"[server]\nmax_connections_per_ip = -1\n",
     "t.ini:2: max_connections_per_ip: '-1' is out of range 0..1000000"},
    {"[server]\nsendq = 2g\n", "t.ini:2: sendq: '2g' is out of range 1k..1g"},
    {"[server]\nrecvq = 100\n",
     "t.ini:2: recvq: '100' is out of range 512..16m"},
    {"[server]\nping_interval = 0\n",
     "t.ini:2: ping_interval: '0' is out of range 1s..24h"},
    {"[server]\nping_timeout = 2h\n",
     "t.ini:2: ping_timeout: '2h' is out of range 1s..1h"},
    {"[server]\nauth_fail_limit = 0\n",
     "t.ini:2: auth_fail_limit: '0' is out of range 1..100000"},
    {"[server]\nauth_throttle_entries = 5\n",
     "t.ini:2: auth_throttle_entries: '5' is out of range 100..10000000"},
    {"[server]\nname =\n", "t.ini:2: name: empty value"},
    {"[server]\nname = irc example\n",
     "t.ini:2: name: 'irc example' is not a host name (letters, digits, '.', "
     "'-', '_')"},
    {"[server]\ntls_cert = c.pem\n",
     "t.ini:2: tls_cert: tls_cert and tls_key go together"},
    {"[server]\n\ntls_key = k.pem\n",
     "t.ini:3: tls_key: tls_cert and tls_key go together"},
    {"[server]\nname = x\nthis line is wrong\n",
     "t.ini:3: expected 'key = value'"},
    {"[irc]\nlisten = tcp:70000\n",
     "t.ini:2: listen: port '70000' out of range 0..65535"},
    {"[irc]\nlisten =\n",
     "t.ini:2: listen: missing endpoint kind (tcp, ssl or unix)"},
    {"[irc]\nlisten = tcp:7000\n[amp]\nlisten = tcp:7000:interface=\\:\\:1\n",
     "t.ini:4: listen: 'tcp:7000:interface=\\:\\:1' clashes with 'tcp:7000' on "
     "line 2"},
    {"[amp]\nlisten = tcp:7000:interface=::1\n",
     "t.ini:2: listen: empty argument 3 (write a ':' inside a value as "
     "'\\:')"},
    {"[amp]\nlisten = tcp:5222\n[xmpp]\n",
     "t.ini:2: listen: 'tcp:5222' clashes with xmpp's default 'tcp:5222'"},
    {"[irc]\nlisten = unix:/tmp/r.sock\nlisten = unix:/tmp/r.sock\n",
     "t.ini:3: listen: 'unix:/tmp/r.sock' clashes with 'unix:/tmp/r.sock' on "
     "line 2"},
    {"[irc]\nflood = 101\n", "t.ini:2: flood: '101' is out of range 0..100"},
    {"[irc]\nnick = x\n", "t.ini:2: nick: unknown key in [irc]"},
    {"[irc]\nflood = 9\nstrict = yes\n",
     "t.ini:2: flood: must be at most 5 when strict"},
    {"[irc]\nstrict = yes\n", "t.ini:1: flood: must be at most 5 when strict"},
    {"[irc]\n[irc]\n", "t.ini:2: [irc]: section already began on line 1"},
};

TEST(config_errors_name_file_line_key)
{
  for (size_t i = 0; i < REED_ARRAY_SIZE(errors); i++) {
    reed_config_t *cfg = (reed_config_t *)&cfg;
    char msg[512];
    int rc = load(errors[i].text, &cfg, msg);
    if (rc == 0)
      fprintf(stderr, "case %zu loaded\n", i);
    ASSERT_EQ(rc, REED_ECONFIG);
    ASSERT(cfg == NULL);
    ASSERT_STR_EQ(msg, errors[i].msg);
    ASSERT_EQ(reed_alloc_live(), 0);
  }
}

TEST(config_module_sections)
{
  static const char text[] =
      "[irc]\n"
      "domain = irc.example\n"
      "op = alice\n"
      "op = bob\n"
      "[xmpp]\n"
      "listen = tcp:0:interface=127.0.0.1\n"
      "listen = ssl:5223:certKey=c.pem:privateKey=k.pem\n";
  reed_config_t *cfg;
  char msg[512], ls[512];
  const mod_conf_t *irc, *xmpp;

  cleanups = 0;
  ASSERT_EQ(load(text, &cfg, msg), 0);
  irc = reed_config_module(cfg, "irc");
  xmpp = reed_config_module(cfg, "xmpp");
  ASSERT(irc != NULL && xmpp != NULL);
  ASSERT(reed_config_module(cfg, "amp") == NULL);
  ASSERT_STR_EQ(irc->domain, "irc.example");
  ASSERT_EQ(irc->flood, 10);
  ASSERT_STR_EQ(irc->own, "own");
  ASSERT_EQ(irc->ops.n, 2);
  ASSERT_STR_EQ(irc->ops.v[0], "alice");
  ASSERT_STR_EQ(xmpp->domain, "localhost");
  ASSERT_EQ(xmpp->flood, 0);
  listeners_text(cfg, ls, sizeof(ls));
  ASSERT_LINES(ls, "xmpp tcp:0:interface=127.0.0.1 6\n"
                   "xmpp ssl:5223:certKey=c.pem:privateKey=k.pem 7\n"
                   "irc tcp:6667:interface=127.0.0.1 0\n"
                   "irc ssl:6697:interface=127.0.0.1 0\n");
  ASSERT_EQ(cfg->listeners[1].ep.kind, REED_EP_SSL);
  ASSERT_STR_EQ(cfg->listeners[1].ep.key, "k.pem");
  ASSERT_EQ(cfg->modules[0].line, 1);
  ASSERT_EQ(cfg->modules[1].line, 5);
  reed_config_free(cfg);
  ASSERT_EQ(cleanups, 1);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_empty_module_section_enables_module)
{
  reed_config_t *cfg;
  char msg[512], ls[256];

  ASSERT_EQ(load("[amp]\n[xmpp]\n", &cfg, msg), 0);
  ASSERT(reed_config_module(cfg, "amp") != NULL);
  ASSERT(reed_config_module(cfg, "xmpp") != NULL);
  ASSERT(reed_config_module(cfg, "irc") == NULL);
  listeners_text(cfg, ls, sizeof(ls));
  ASSERT_LINES(ls, "xmpp tcp:5222 0\n");
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_embedded_default)
{
  reed_config_t *cfg;
  reed_conf_err_t err;
  char ls[512];
  const mod_conf_t *xmpp;

  ASSERT_EQ(
      reed_config_load_default(sections, REED_ARRAY_SIZE(sections), &cfg, &err),
      0);
  ASSERT_EQ(cfg->server.registration, REED_REGISTRATION_OPEN);
  ASSERT_STR_EQ(cfg->server.name, "localhost");
  ASSERT_STR_EQ(cfg->server.data_dir, "./reed-data");
  ASSERT_STR_EQ(cfg->file, "(default)");
  xmpp = reed_config_module(cfg, "xmpp");
  ASSERT_STR_EQ(xmpp->domain, "localhost");
  listeners_text(cfg, ls, sizeof(ls));
  ASSERT_LINES(ls, "irc tcp:6667:interface=127.0.0.1 8\n"
                   "irc ssl:6697:interface=127.0.0.1 9\n"
                   "xmpp tcp:5222:interface=127.0.0.1 12\n"
                   "xmpp ssl:5223:interface=127.0.0.1 13\n"
                   "amp tcp:7227:interface=127.0.0.1 16\n");
  for (size_t i = 0; i < cfg->n_listeners; i++)
    ASSERT_STR_EQ(cfg->listeners[i].ep.interface, "127.0.0.1");
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_embedded_default_skips_unbuilt_modules)
{
  reed_config_t *cfg;
  reed_conf_err_t err;
  char ls[256];

  ASSERT_EQ(reed_config_load_default(sections, 1, &cfg, &err), 0);
  listeners_text(cfg, ls, sizeof(ls));
  ASSERT_LINES(ls, "irc tcp:6667:interface=127.0.0.1 8\n"
                   "irc ssl:6697:interface=127.0.0.1 9\n");
  reed_config_free(cfg);
  ASSERT_EQ(reed_config_load_default(NULL, 0, &cfg, &err), 0);
  ASSERT_EQ(cfg->n_listeners, 0);
  ASSERT_EQ(cfg->server.registration, REED_REGISTRATION_OPEN);
  reed_config_free(cfg);
  ASSERT(strstr(reed_config_default_text(), "registration = open") != NULL);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_file_registration_defaults_closed)
{
  reed_config_t *cfg;
  char msg[512];

  /* The embedded default's text minus its registration line. */
  ASSERT_EQ(load("[server]\nname = localhost\n[irc]\n", &cfg, msg), 0);
  ASSERT_EQ(cfg->server.registration, REED_REGISTRATION_CLOSED);
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

static void
write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ASSERT(f != NULL);
  fputs(text, f);
  fclose(f);
}

TEST(config_load_and_check_file)
{
  char path[] = "/tmp/reed-config-test-XXXXXX";
  int fd = mkstemp(path);
  reed_config_t *cfg;
  reed_conf_err_t err;
  char msg[600], want[600];

  ASSERT(fd >= 0);
  close(fd);
  write_file(path, "[server]\nname = file.test\n[irc]\nlisten = tcp:0\n");
  ASSERT_EQ(reed_config_load_file(path, sections, REED_ARRAY_SIZE(sections),
                                  &cfg, &err),
            0);
  ASSERT_STR_EQ(cfg->server.name, "file.test");
  ASSERT_STR_EQ(cfg->file, path);
  reed_config_free(cfg);
  ASSERT_EQ(reed_config_check_file(path, sections, REED_ARRAY_SIZE(sections),
                                   msg, sizeof(msg)),
            0);
  snprintf(want, sizeof(want), "%s: ok (1 listeners)", path);
  ASSERT_STR_EQ(msg, want);

  write_file(path, "[server]\n\n[irc]\nlisten = tcp:0\nlisten = tcp:x\n");
  ASSERT_EQ(reed_config_check_file(path, sections, REED_ARRAY_SIZE(sections),
                                   msg, sizeof(msg)),
            REED_ECONFIG);
  snprintf(want, sizeof(want), "%s:5: listen: bad port 'x'", path);
  ASSERT_STR_EQ(msg, want);
  unlink(path);

  ASSERT_EQ(reed_config_check_file(path, sections, REED_ARRAY_SIZE(sections),
                                   msg, sizeof(msg)),
            REED_EIO);
  snprintf(want, sizeof(want), "%s: cannot open: No such file or directory",
           path);
  ASSERT_STR_EQ(msg, want);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* A config file's [server] motd names a text file that is read with it;
 * a missing file, a bad encoding or an oversized file is an error on the
 * motd line. Strings (no file) keep only the path. */
TEST(config_motd_file_is_read)
{
  char path[] = "/tmp/reed-config-motd-XXXXXX";
  char motd[] = "/tmp/reed-motd-XXXXXX";
  char text[200];
  static char big[REED_MOTD_MAX + 2];
  reed_config_t *cfg;
  reed_conf_err_t err;
  int fd = mkstemp(path), fd2 = mkstemp(motd);

  ASSERT(fd >= 0 && fd2 >= 0);
  close(fd);
  close(fd2);
  snprintf(text, sizeof(text), "[server]\nname = m.test\nmotd = %s\n", motd);
  write_file(path, text);
  write_file(motd, "Welcome\r\nto reed\n");
  ASSERT_EQ(reed_config_load_file(path, sections, REED_ARRAY_SIZE(sections),
                                  &cfg, &err),
            0);
  ASSERT_STR_EQ(cfg->server.motd_text, "Welcome\r\nto reed\n");
  reed_config_free(cfg);

  write_file(motd, "caf\xc3 bad\n");
  ASSERT_EQ(reed_config_load_file(path, sections, REED_ARRAY_SIZE(sections),
                                  &cfg, &err),
            REED_ECONFIG);
  ASSERT(cfg == NULL);
  ASSERT_EQ(err.line, 3);
  ASSERT_STR_EQ(err.key, "motd");
  ASSERT_STR_EQ(err.msg, "not UTF-8 text");

  memset(big, 'x', sizeof(big) - 1);
  write_file(motd, big);
  ASSERT_EQ(reed_config_load_file(path, sections, REED_ARRAY_SIZE(sections),
                                  &cfg, &err),
            REED_ECONFIG);
  ASSERT_STR_EQ(err.msg, "larger than 65536 bytes");

  unlink(motd);
  ASSERT_EQ(reed_config_load_file(path, sections, REED_ARRAY_SIZE(sections),
                                  &cfg, &err),
            REED_ECONFIG);
  ASSERT_STR_EQ(err.key, "motd");
  ASSERT(strstr(err.msg, "cannot open") != NULL);

  ASSERT_EQ(reed_config_load_string("s.ini", text, sections,
                                    REED_ARRAY_SIZE(sections), &cfg, &err),
            0);
  ASSERT(cfg->server.motd_text == NULL);
  reed_config_free(cfg);
  unlink(path);
}

TEST(config_long_value_in_file)
{
  /* libinih would cut this at 200 bytes; reed keeps all of it. */
  char text[6000], dir[5000];
  reed_config_t *cfg;
  char msg[512];

  memset(dir, 'd', 4000);
  dir[0] = '/';
  dir[4000] = '\0';
  snprintf(text, sizeof(text), "[server]\ndata_dir = %s\n", dir);
  ASSERT_EQ(load(text, &cfg, msg), 0);
  ASSERT_STR_EQ(cfg->server.data_dir, dir);
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_multi_flag_allows_repeats)
{
  reed_config_t *cfg;
  char msg[512];
  const mod_conf_t *irc;

  ASSERT_EQ(load("[irc]\nlevel = 1\nlevel = 2\n", &cfg, msg), 0);
  irc = reed_config_module(cfg, "irc");
  ASSERT_EQ(irc->level, 2);
  reed_config_free(cfg);
  ASSERT_EQ(load("[irc]\nflood = 1\nflood = 2\n", &cfg, msg), REED_ECONFIG);
  ASSERT_STR_EQ(msg, "t.ini:3: flood: already set on line 2");
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_too_long_line_and_file)
{
  char path[] = "/tmp/reed-config-big-XXXXXX";
  size_t big = REED_INI_MAX_LINE + 10;
  char *text = malloc(big + 32), msg[600], want[600];
  reed_config_t *cfg;
  FILE *f;
  int fd;

  snprintf(text, 32, "[server]\nmotd = ");
  memset(text + strlen(text), 'm', big);
  text[big] = '\0';
  ASSERT_EQ(load(text, &cfg, msg), REED_ETOOBIG);
  ASSERT_STR_EQ(msg, "t.ini:2: line longer than 65536 bytes");
  free(text);

  fd = mkstemp(path);
  ASSERT(fd >= 0);
  f = fdopen(fd, "w");
  for (int i = 0; i < 17 * 1024; i++)
    fprintf(f, "; %01020d\n", i);
  fclose(f);
  ASSERT_EQ(reed_config_check_file(path, sections, 3, msg, sizeof(msg)),
            REED_ETOOBIG);
  snprintf(want, sizeof(want), "%s: file larger than 16 MiB", path);
  ASSERT_STR_EQ(msg, want);
  unlink(path);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* With this file's own section table; e2e.net.check_config runs the built
 * binary's --check-config on the example, with the real module table. */
TEST(config_example_file_is_valid)
{
  static const char path[] = REED_SOURCE_DIR "/config/reed.example.ini";
  reed_config_t *cfg;
  reed_conf_err_t err;
  char ls[1024];

  ASSERT_EQ(reed_config_load_file(path, sections, 3, &cfg, &err), 0);
  ASSERT_STR_EQ(cfg->server.name, "chat.example.org");
  ASSERT_EQ(cfg->server.registration, REED_REGISTRATION_OPEN);
  listeners_text(cfg, ls, sizeof(ls));
  ASSERT_LINES(ls, "irc tcp:6667 58\n"
                   "irc ssl:6697:interface=\\:\\: 59\n"
                   "irc unix:/run/reed/irc.sock:mode=0660 60\n"
                   "xmpp tcp:5222 66\n"
                   "xmpp ssl:5223 67\n"
                   "amp tcp:7227:interface=127.0.0.1 84\n");
  ASSERT_STR_EQ(cfg->listeners[1].ep.interface, "::");
  reed_config_free(cfg);
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* check_listeners sees every listener, defaults included, after check;
 * its error names the key's line. */
static int
mod_check_listeners(const void *conf, const reed_listener_t *l, size_t n,
                    reed_conf_err_t *err)
{
  const mod_conf_t *c = conf;

  for (size_t i = 0; c->strict && i < n; i++) {
    if (strcmp(l[i].module, "xmpp") == 0 && l[i].ep.kind != REED_EP_UNIX &&
        l[i].ep.interface == NULL) {
      reed_strlcpy(err->key, "strict", sizeof(err->key));
      snprintf(err->msg, sizeof(err->msg), "'%s' listens everywhere",
               l[i].spec);
      return REED_ECONFIG;
    }
  }
  return 0;
}

TEST(config_check_listeners)
{
  static const reed_conf_section_t secs[] = {
      {.name = "xmpp",
       .directives = mod_dirs,
       .conf_size = sizeof(mod_conf_t),
       .default_endpoints = xmpp_eps,
       .check_listeners = mod_check_listeners},
  };
  static const struct {
    const char *text, *msg;
  } cases[] = {
      {"[xmpp]\nstrict = yes\n",
       "t.ini:2: strict: 'tcp:5222' listens everywhere"},
      {"[xmpp]\nlisten = unix:/tmp/x.sock\n\nstrict = yes\n", NULL},
      {"[xmpp]\nlisten = tcp:1:interface=127.0.0.1\nstrict = yes\n"
       "listen = ssl:2\n",
       "t.ini:3: strict: 'ssl:2' listens everywhere"},
      {"[xmpp]\n", NULL},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_config_t *cfg = NULL;
    reed_conf_err_t err;
    char msg[512];
    int rc =
        reed_config_load_string("t.ini", cases[i].text, secs, 1, &cfg, &err);
    if (cases[i].msg == NULL) {
      ASSERT_EQ(rc, 0);
      reed_config_free(cfg);
      continue;
    }
    ASSERT_EQ(rc, REED_ECONFIG);
    ASSERT_STR_EQ(reed_conf_err_format(&err, msg, sizeof(msg)), cases[i].msg);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

/* [upload]: defaults, `enabled` following the [http] listener unless
 * set, and the checks. */
static const char *const http_eps[] = {"tcp:8080:interface=127.0.0.1", NULL};

TEST(config_upload_section)
{
  static const reed_conf_section_t secs[] = {
      {.name = "http", .default_endpoints = http_eps},
      {.name = "irc"},
  };
  static const struct {
    const char *text, *msg;
    bool enabled;
  } cases[] = {
      {"[irc]\n", NULL, false},
      {"[http]\n", NULL, true},
      {"[http]\n[upload]\nenabled = no\n", NULL, false},
      {"[upload]\nenabled = yes\n",
       "t.ini:2: enabled: needs an [http] listener to serve files", false},
      {"[http]\n[upload]\nurl = ftp://x\n",
       "t.ini:3: url: 'ftp://x' is not an http:// or https:// URL without "
       "query or fragment",
       false},
      {"[http]\n[upload]\nmax_size = 20m\nquota = 10m\n",
       "t.ini:4: quota: is smaller than max_size", false},
      {"[http]\n[upload]\nmax_size = 2g\n",
       "t.ini:3: max_size: '2g' is out of range 1k..1g", false},
      {"[http]\n[upload]\nsize = 1\n", "t.ini:3: size: unknown key in [upload]",
       false},
      {"[http]\n[upload]\nlisten = tcp:1\n",
       "t.ini:3: listen: unknown key in [upload]", false},
  };

  for (size_t i = 0; i < REED_ARRAY_SIZE(cases); i++) {
    reed_config_t *cfg = NULL;
    reed_conf_err_t err;
    char msg[512];
    int rc =
        reed_config_load_string("t.ini", cases[i].text, secs, 2, &cfg, &err);
    if (cases[i].msg != NULL) {
      ASSERT_EQ(rc, REED_ECONFIG);
      ASSERT_STR_EQ(reed_conf_err_format(&err, msg, sizeof(msg)), cases[i].msg);
      continue;
    }
    ASSERT_EQ(rc, 0);
    ASSERT_EQ(cfg->server.upload.enabled, cases[i].enabled);
    ASSERT_EQ(cfg->server.upload.max_size, 10u << 20);
    ASSERT_EQ(cfg->server.upload.quota, 100u << 20);
    ASSERT_EQ(cfg->server.upload.expire, 30ull * 24 * 3600 * 1000);
    ASSERT(cfg->server.upload.url == NULL);
    reed_config_free(cfg);
  }
  {
    reed_config_t *cfg = NULL;
    ASSERT_EQ(reed_config_load_string(
                  "t.ini",
                  "[http]\n[upload]\nmax_size = 1m\nquota = 5m\n"
                  "expire = 2h\nurl = https://chat.example/files\n",
                  secs, 2, &cfg, NULL),
              0);
    ASSERT_EQ(cfg->server.upload.max_size, 1u << 20);
    ASSERT_EQ(cfg->server.upload.quota, 5u << 20);
    ASSERT_EQ(cfg->server.upload.expire, 2ull * 3600 * 1000);
    ASSERT_STR_EQ(cfg->server.upload.url, "https://chat.example/files");
    reed_config_free(cfg);
  }
  ASSERT_EQ(reed_alloc_live(), 0);
}

TEST(config_err_format)
{
  reed_conf_err_t e = {.file = "f.ini", .line = 3, .key = "k", .msg = "bad"};
  char buf[128];

  ASSERT_STR_EQ(reed_conf_err_format(&e, buf, sizeof(buf)), "f.ini:3: k: bad");
  e.key[0] = '\0';
  ASSERT_STR_EQ(reed_conf_err_format(&e, buf, sizeof(buf)), "f.ini:3: bad");
  e.line = 0;
  ASSERT_STR_EQ(reed_conf_err_format(&e, buf, sizeof(buf)), "f.ini: bad");
  e.file[0] = '\0';
  ASSERT_STR_EQ(reed_conf_err_format(&e, buf, sizeof(buf)), "(config): bad");
  ASSERT_STR_EQ(reed_conf_err_format(&e, buf, 5), "(con");
}

/* Every allocation of a full load fails in turn: each attempt either loads
 * or reports out of memory, and nothing leaks. */
static void
alloc_fail_loop(int use_default)
{
  static const char text[] = "[server]\nplugin = a.so\nplugin = b.so\n"
                             "motd = m.txt\n[irc]\nop = x\n"
                             "listen = ssl:1:certKey=c:privateKey=k\n[xmpp]\n";
  int done = 0;

  for (long n = 0; n < 400 && !done; n++) {
    reed_config_t *cfg = NULL;
    reed_conf_err_t err;
    int rc;
    cleanups = 0;
    reed_alloc_fail_after(n);
    rc = use_default
             ? reed_config_load_default(sections, 3, &cfg, &err)
             : reed_config_load_string("t.ini", text, sections, 3, &cfg, &err);
    reed_alloc_fail_after(-1);
    ASSERT(rc == 0 || rc == REED_ENOMEM);
    ASSERT((rc == 0) == (cfg != NULL));
    if (rc == REED_ENOMEM && strcmp(err.msg, "out of memory") != 0)
      reed__test_fail(__FILE__, __LINE__, "allocation %ld: '%s'", n, err.msg);
    done = rc == 0;
    reed_config_free(cfg);
    ASSERT_EQ(reed_alloc_live(), 0);
    if (n == 0)
      ASSERT_EQ(rc, REED_ENOMEM);
  }
  ASSERT(done);
}

TEST(config_alloc_failure)
{
  alloc_fail_loop(0);
}

TEST(config_default_alloc_failure)
{
  alloc_fail_loop(1);
}
