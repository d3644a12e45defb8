/* The welcome burst (001-005, LUSERS, MOTD) and the informational
 * commands: LUSERS, MOTD, VERSION, TIME, ADMIN, INFO. */
#include "irc_int.h"

#include "config.h"
#include "files.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *
description(const reed_irc_core_t *c)
{
  const char *d = IRC_CONF(c)->description;

  return d != NULL ? d : "reed multi-protocol chat server";
}

static const char *
network(const reed_irc_core_t *c)
{
  return IRC_CONF(c)->network ? IRC_CONF(c)->network : "reed";
}

/* soju.im/FILEHOST (soju's doc/ext/filehost.md): the URL clients POST a
 * file to, with the IRC account's credentials as HTTP Basic auth; the
 * HTTP module's upload route answers 201 with the file's URL. Sent while
 * [upload] is enabled and a base URL is known. ISUPPORT values escape
 * space, '=' and '\\' as \xHH. */
static bool
filehost_token(const reed_irc_core_t *c, char *out, size_t size)
{
  const reed_server_conf_t *sv = c->env->server_conf;
  const reed_host_t *h = c->env->host;
  char base[1024];
  size_t n;

  if (sv == NULL || !sv->upload.enabled ||
      reed_files_base_url(sv, h != NULL ? h->each_listener : NULL,
                          h != NULL ? h->ud : NULL, base, sizeof(base)) != 0)
    return false;
  n = (size_t)snprintf(out, size, "soju.im/FILEHOST=");
  for (const char *p = base; *p != '\0' && n + 5 < size; p++) {
    if (*p == ' ' || *p == '=' || *p == '\\')
      n += (size_t)snprintf(out + n, size - n, "\\x%02X", (unsigned char)*p);
    else
      out[n++] = *p;
  }
  snprintf(out + n, size - n, "/upload");
  return true;
}

/* ISUPPORT tokens, at most 13 to a line (modern.ircdocs.horse). */
void
reed__irc_send_isupport(reed_irc_core_t *c)
{
  char net[96], mon[32], line[1400], filehost[1100];
  const char *tok[] = {
      "ACCOUNTEXTBAN=a",
      "AWAYLEN=390",
      "BOT=B",
      "CASEMAPPING=ascii",
      "CHANLIMIT=#:100",
      "CHANMODES=beI,k,l,imnst",
      "CHANNELLEN=64",
      "CHANTYPES=#",
      "CHATHISTORY=100",
      "ELIST=CMNTU",
      "EXCEPTS",
      "EXTBAN=$,a",
      "INVEX",
      "KICKLEN=390",
      "MAXLIST=beI:100",
      "MAXTARGETS=4",
      "MODES=4",
      mon,
      "MSGREFTYPES=msgid,timestamp",
      net,
      "NICKLEN=32",
      "PREFIX=(qaov)~&@+",
      "STATUSMSG=@+",
      "TARGMAX=NAMES:32,LIST:32,KICK:32,WHOIS:1,USERHOST:10,PRIVMSG:4,"
      "TAGMSG:4,NOTICE:4",
      "TOPICLEN=390",
      "USERLEN=16",
      "UTF8ONLY",
      "WHOX",
      filehost, /* the last: "" when uploads are off */
  };
  size_t i = 0, ntok = REED_ARRAY_SIZE(tok);

  snprintf(net, sizeof(net), "NETWORK=%s", network(c));
  snprintf(mon, sizeof(mon), "MONITOR=%zu",
           reed_model_watch_limit(c->env->model));
  if (!filehost_token(c, filehost, sizeof(filehost)))
    ntok--;
  while (i < ntok) {
    size_t n = 0;
    /* Joined by hand: 29 snprintf calls were a third of a registration. */
    for (int k = 0; k < 13 && i < ntok; k++, i++) {
      size_t len = strlen(tok[i]);
      if (n + len + 2 > sizeof(line))
        break;
      memcpy(line + n, tok[i], len);
      line[n + len] = ' ';
      n += len + 1;
    }
    line[n] = '\0';
    reed__irc_num(c, RPL_ISUPPORT, "%s:are supported by this server", line);
  }
}

void
reed__irc_send_lusers(reed_irc_core_t *c)
{
  reed_model_stats_t st;

  reed_model_stats(c->env->model, &st);
  reed__irc_num(c, RPL_LUSERCLIENT,
                ":There are %zu users and 0 invisible on 1 servers",
                st.persons);
  reed__irc_num(c, RPL_LUSEROP, "%zu :IRC Operators online", st.opers);
  reed__irc_num(c, RPL_LUSERCHANNELS, "%zu :channels formed", st.rooms);
  reed__irc_num(c, RPL_LUSERME, ":I have %zu clients and 0 servers",
                st.sessions);
  /* The optional counts are left out: the model keeps no maximum. */
  reed__irc_num(c, RPL_LOCALUSERS, ":Current local users: %zu", st.sessions);
  reed__irc_num(c, RPL_GLOBALUSERS, ":Current global users: %zu", st.sessions);
}

/* The [server] motd file's text, one 372 per line; lines are cut at 400
 * bytes on a character boundary. */
static void
send_motd_text(reed_irc_core_t *c, const char *text)
{
  while (*text != '\0') {
    size_t len = strcspn(text, "\n"), shown = len;
    if (shown > 0 && text[shown - 1] == '\r')
      shown--;
    if (shown > 400) {
      shown = 400;
      while (shown > 0 && ((unsigned char)text[shown] & 0xc0) == 0x80)
        shown--;
    }
    reed__irc_num(c, RPL_MOTD, ":- %.*s", (int)shown, text);
    text += len + (text[len] == '\n');
  }
}

/* [irc] motd lines when set, else the [server] motd file. */
void
reed__irc_send_motd(reed_irc_core_t *c)
{
  const reed_strlist_t *motd = &IRC_CONF(c)->motd;
  const reed_server_conf_t *sc = c->env->server_conf;
  const char *text = sc != NULL ? sc->motd_text : NULL;

  if (motd->n == 0 && text == NULL) {
    reed__irc_num(c, ERR_NOMOTD, ":MOTD File is missing");
    return;
  }
  reed__irc_num(c, RPL_MOTDSTART, ":- %s Message of the day - ", IRC_SERVER(c));
  for (size_t i = 0; i < motd->n; i++)
    reed__irc_num(c, RPL_MOTD, ":- %s", motd->v[i]);
  if (motd->n == 0)
    send_motd_text(c, text);
  reed__irc_num(c, RPL_ENDOFMOTD, ":End of /MOTD command.");
}

void
reed__irc_send_welcome(reed_irc_core_t *c)
{
  const char *nick = reed__irc_nick(c);
  char host[IRC_HOST_MAX + 1];

  reed__irc_num(c, RPL_WELCOME, ":Welcome to the %s IRC Network %s!%s@%s",
                network(c), nick, reed__irc_user(c), reed__irc_host(c, host));
  reed__irc_num(c, RPL_YOURHOST, ":Your host is %s, running version %s",
                IRC_SERVER(c), IRC_VERSION);
  reed__irc_num(c, RPL_CREATED, ":This server was created at its last start");
  reed__irc_num(c, RPL_MYINFO, "%s %s Biow beIiklmnostv beIklov", IRC_SERVER(c),
                IRC_VERSION);
  reed__irc_send_isupport(c);
  reed__irc_send_lusers(c);
  reed__irc_send_motd(c);
}

void
reed__irc_cmd_lusers(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  REED_UNUSED(m);
  reed__irc_send_lusers(c);
}

void
reed__irc_cmd_motd(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  REED_UNUSED(m);
  reed__irc_send_motd(c);
}

void
reed__irc_cmd_version(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  REED_UNUSED(m);
  reed__irc_num(c, RPL_VERSION, "%s %s :%s", IRC_VERSION, IRC_SERVER(c),
                description(c));
  reed__irc_send_isupport(c);
}

/* One server, no links: itself at hop count 0. */
void
reed__irc_cmd_links(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  REED_UNUSED(m);
  reed__irc_num(c, RPL_LINKS, "%s %s :0 %s", IRC_SERVER(c), IRC_SERVER(c),
                description(c));
  reed__irc_num(c, RPL_ENDOFLINKS, "* :End of /LINKS list");
}

void
reed__irc_cmd_time(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  uint64_t ms = c->clock->wall_ms(c->clock->c);
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  char human[64];

  REED_UNUSED(m);
  gmtime_r(&t, &tm);
  strftime(human, sizeof(human), "%A %B %d %Y -- %H:%M:%S +00:00", &tm);
  reed__irc_num(c, RPL_TIME, "%s %lld 0 :%s", IRC_SERVER(c), (long long)t,
                human);
}

void
reed__irc_cmd_admin(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  REED_UNUSED(m);
  reed__irc_num(c, RPL_ADMINME, "%s :Administrative info", IRC_SERVER(c));
  reed__irc_num(c, RPL_ADMINLOC1, ":%s", network(c));
  reed__irc_num(c, RPL_ADMINLOC2, ":reed server");
  reed__irc_num(c, RPL_ADMINEMAIL, ":admin@%s", IRC_SERVER(c));
}

void
reed__irc_cmd_info(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  REED_UNUSED(m);
  reed__irc_num(c, RPL_INFO, ":%s: IRC, XMPP and AMP clients in the same rooms",
                IRC_VERSION);
  reed__irc_num(c, RPL_ENDOFINFO, ":End of INFO list");
}

/* HELP and HELPOP: the commands this server knows (704/705/706), or 524. */
static void
help_index(reed_irc_core_t *c)
{
  char line[400];
  size_t n = 0, count = reed__irc_cmd_count();

  reed__irc_num(c, RPL_HELPSTART, "* :reed understands these commands:");
  for (size_t i = 0; i < count; i++) {
    const char *name = reed__irc_cmd_at(i)->name;
    if (n + strlen(name) + 2 > 300) {
      reed__irc_num(c, RPL_HELPTXT, "* :%s", line);
      n = 0;
    }
    n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s", n ? " " : "",
                          name);
  }
  if (n > 0)
    reed__irc_num(c, RPL_HELPTXT, "* :%s", line);
  reed__irc_num(c, RPL_ENDOFHELP, "* :End of /HELP");
}

void
reed__irc_cmd_help(reed_irc_core_t *c, const reed_irc_msg_t *m)
{
  const reed_irc_cmd_t *cmd;

  if (m->n_params == 0 || m->params[0][0] == '\0') {
    help_index(c);
    return;
  }
  cmd = reed__irc_cmd_find(m->params[0]);
  if (cmd == NULL) {
    reed__irc_num(c, ERR_HELPNOTFOUND, "%.32s :No help available on this topic",
                  m->params[0]);
    return;
  }
  reed__irc_num(c, RPL_HELPSTART, "%s :** Help for %s **", cmd->name,
                cmd->name);
  reed__irc_num(c, RPL_HELPTXT,
                "%s :Syntax and numerics: "
                "https://modern.ircdocs.horse/#%s-message",
                cmd->name, cmd->name);
  reed__irc_num(c, RPL_ENDOFHELP, "%s :End of /HELP", cmd->name);
}
