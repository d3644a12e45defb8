/* The embedded default config (docs/design.md, Config): what `reed` runs
 * with no --config. Everything listens on 127.0.0.1 only, which is why
 * registration is open here while a config file that leaves it out gets
 * `closed`. The XMPP domain and MUC service are the xmpp module's own
 * defaults (localhost, conference.localhost). Sections of modules that are
 * not built are skipped when this text is loaded. */
#include "config_int.h"

const char reed__config_default_text[] =
    "; reed's embedded default configuration\n"
    "[server]\n"
    "name = localhost\n"
    "data_dir = ./reed-data\n"
    "registration = open\n"
    "\n"
    "[irc]\n"
    "listen = tcp:6667:interface=127.0.0.1\n"
    "listen = ssl:6697:interface=127.0.0.1\n"
    "\n"
    "[xmpp]\n"
    "listen = tcp:5222:interface=127.0.0.1\n"
    "listen = ssl:5223:interface=127.0.0.1\n"
    "\n"
    "[amp]\n"
    "listen = tcp:7227:interface=127.0.0.1\n"
    "\n"
    "[http]\n"
    "listen = tcp:8080:interface=127.0.0.1\n";
