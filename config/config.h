/* reed's configuration: a small pure INI parser, directive tables that fill
 * typed structs, Twisted-style endpoint strings and the embedded default.
 *
 * The loader reads one INI file into a reed_config_t: the [server] section
 * into reed_server_conf_t, and each module section ([irc], [xmpp], ...) into
 * a block of the module's own conf_size, through the module's directive
 * table. Protocols sit above config, so the caller describes the module
 * sections with reed_conf_section_t (server/main.c builds them from the
 * module table). Every error names file, line and key. */
#ifndef REED_CONFIG_H
#define REED_CONFIG_H

#include "base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a config error is: file, line, key, and what is wrong. */
typedef struct reed_conf_err_s {
  char file[256];
  int line;
  char key[64];
  char msg[256];
} reed_conf_err_t;

struct reed_directive_s;
/* Parses `value` into the field at conf + d->offset; 0 or REED_ECONFIG with
 * err->msg filled (file, line and key are filled by the caller). */
typedef int (*reed_directive_set_fn)(void *conf, const char *value,
                                     const struct reed_directive_s *d,
                                     reed_conf_err_t *err);

/* Directive flags. */
enum {
  /* The key may appear more than once in its section (each value is passed
   * to the setter in order). reed_conf_set_strlist is always repeatable;
   * any other key given twice is an error naming the first line. */
  REED_CONF_MULTI = 1u << 0,
  /* reed_conf_set_str and reed_conf_set_strlist also take an empty value
   * (a blank MOTD line). */
  REED_CONF_EMPTY = 1u << 1,
};

/* One INI key of a section (nginx ngx_command_t): key, setter, offsetof.
 * A table ends with an entry whose key is NULL.
 *
 * `def`, when not NULL, is the default value as text: the loader passes it
 * to the setter before reading the file, so string defaults are allocated
 * like any other value. String fields (reed_conf_set_str) and list fields
 * (reed_conf_set_strlist) belong to the config and are freed by
 * reed_config_free: a module's defaults() must not store pointers there
 * (use `def`), and its cleanup() must not free them. */
typedef struct reed_directive_s {
  const char *key;
  reed_directive_set_fn set;
  size_t offset;
  long min, max;            /* bounds for numeric setters (used if min<max) */
  const char *def;          /* default value text, or NULL */
  unsigned flags;           /* REED_CONF_* */
  const char *const *names; /* reed_conf_set_enum: NULL-terminated names */
} reed_directive_t;

/* ---- Generic setters -------------------------------------------------------
 * Each parses `value` into the field at conf + d->offset, whose C type is
 * given below, and returns 0, REED_ECONFIG (err->msg says why) or
 * REED_ENOMEM. Numeric bounds come from d->min and d->max when
 * d->min < d->max. */

/* char *: a copy of a non-empty value (d->max > 0 bounds its length;
 * REED_CONF_EMPTY allows ""). */
int reed_conf_set_str(void *conf, const char *value, const reed_directive_t *d,
                      reed_conf_err_t *err);
/* int: a decimal integer, optionally signed. */
int reed_conf_set_int(void *conf, const char *value, const reed_directive_t *d,
                      reed_conf_err_t *err);
/* bool: yes/no, true/false, on/off, 1/0 (any case). */
int reed_conf_set_bool(void *conf, const char *value, const reed_directive_t *d,
                       reed_conf_err_t *err);
/* size_t: bytes, with an optional k, m or g suffix (powers of 1024). */
int reed_conf_set_size(void *conf, const char *value, const reed_directive_t *d,
                       reed_conf_err_t *err);
/* uint64_t milliseconds: a number with ms, s, m or h; bare = seconds. */
int reed_conf_set_duration_ms(void *conf, const char *value,
                              const reed_directive_t *d, reed_conf_err_t *err);
/* int: the index of value in d->names (exact match). */
int reed_conf_set_enum(void *conf, const char *value, const reed_directive_t *d,
                       reed_conf_err_t *err);

/* A list of strings (reed_conf_set_strlist appends one per occurrence). */
typedef struct reed_strlist_s {
  char **v;
  size_t n;
} reed_strlist_t;
/* reed_strlist_t: appends a copy of a non-empty value (REED_CONF_EMPTY
 * allows ""). */
int reed_conf_set_strlist(void *conf, const char *value,
                          const reed_directive_t *d, reed_conf_err_t *err);

/* Frees the reed_conf_set_str and reed_conf_set_strlist fields of `conf`
 * named by the NULL-key terminated `dirs`, leaving them NULL and empty, so
 * a second call does nothing. reed_config_free does this for every
 * section; a module's own cleanup may call it for a conf it filled itself. */
void reed_conf_fields_free(void *conf, const reed_directive_t *dirs);

/* ---- INI parser
 * -------------------------------------------------------------- Lines are
 * `[section]`, `key = value`, blank, or comments starting with `;` or `#` (only
 * as the first non-blank character: values may contain both, as in `channel =
 * #reed`). Keys, values and section names are trimmed of blanks; CRLF line ends
 * and a leading UTF-8 BOM are accepted. No quoting, no continuation lines. A
 * line may be up to REED_INI_MAX_LINE bytes.
 *
 * The callback gets each section header as (section, NULL, NULL, line) and
 * each pair as (section, key, value, line); keys before the first header
 * have section "". Strings are valid for the call only. A nonzero return
 * stops the parse and is returned. */
#define REED_INI_MAX_LINE 65536
typedef int (*reed_ini_cb)(void *ud, const char *section, const char *key,
                           const char *value, int line);
/* Parses `len` bytes of `text`. Returns 0, the callback's nonzero return,
 * REED_ESYNTAX or REED_ETOOBIG (err->line and err->msg say where and what),
 * or REED_ENOMEM. */
int reed_ini_parse(const char *text, size_t len, reed_ini_cb cb, void *ud,
                   reed_conf_err_t *err);

/* ---- Endpoints (Twisted server-endpoint strings) ----------------------------
 *   tcp:PORT[:interface=ADDR][:backlog=N]
 *   ssl:PORT[:interface=ADDR][:backlog=N][:certKey=PATH][:privateKey=PATH]
 *   unix:PATH[:mode=0660][:backlog=N]
 * Arguments are `:`-separated; one with an unescaped `=` is a keyword (split
 * at the first `=`), others are positional in Twisted's order (tcp: port,
 * interface, backlog; ssl: port, privateKey, certKey; unix: address, mode,
 * backlog). `port=` and `address=` work as keywords too. A backslash makes
 * the next character literal (`\:` a colon, `\=` an equals sign, `\\` a
 * backslash). As in Twisted, an ssl certKey defaults to the privateKey file
 * (and a privateKey to the certKey file); neither means the server's
 * certificate. */
enum { REED_EP_TCP = 1, REED_EP_SSL = 2, REED_EP_UNIX = 3 };
#define REED_EP_DEFAULT_BACKLOG 128
#define REED_EP_MAX_LEN 4096

typedef struct reed_endpoint_s {
  int kind;        /* REED_EP_* */
  char *interface; /* numeric IPv4 or IPv6 address; NULL = all */
  uint16_t port;   /* 0 = ephemeral */
  int backlog;
  char *path;    /* unix socket path */
  char *cert;    /* ssl certificate PEM file, or NULL */
  char *key;     /* ssl private key PEM file, or NULL */
  unsigned mode; /* unix socket permissions (default 0666) */
} reed_endpoint_t;

/* Parses `s` into *ep (which the caller owns; release it with
 * reed_endpoint_cleanup even after an error). Returns 0, REED_ESYNTAX with
 * a message in err, or REED_ENOMEM. err may be NULL. */
int reed_endpoint_parse(const char *s, reed_endpoint_t *ep, char *err,
                        size_t errlen);
void reed_endpoint_cleanup(reed_endpoint_t *ep);
/* "tcp", "ssl" or "unix". */
const char *reed_endpoint_kind_name(int kind);
/* Writes the canonical endpoint string (escaped, every set keyword) that
 * parses back to the same endpoint. Returns its length, or REED_ETOOBIG if
 * it does not fit in n bytes. */
int reed_endpoint_format(const reed_endpoint_t *ep, char *buf, size_t n);

/* ---- Whole configuration ---------------------------------------------------
 */

struct reed_listener_s;

/* A module section as the caller describes it (from its module table).
 * Besides its directives, every module section takes the repeatable key
 * `listen = ENDPOINT` (the loader's own; a directive named "listen" is never
 * reached). A check() that fails may name a key in err->key: the loader
 * fills in the line that key was set on (or the section's header line). */
typedef struct reed_conf_section_s {
  const char *name;                   /* "irc": the INI section */
  const reed_directive_t *directives; /* NULL-key terminated; may be NULL */
  size_t conf_size;                   /* bytes of the module's conf struct */
  void (*defaults)(void *conf);       /* after `def` values; may be NULL */
  int (*check)(const void *conf, reed_conf_err_t *err); /* may be NULL */
  void (*cleanup)(void *conf);                          /* may be NULL */
  const char *const *default_endpoints; /* NULL-terminated; may be NULL */
  /* After check, with every listener of the config known (each names its
   * module; default endpoints included): a setting that depends on where
   * the section listens (XMPP's require_tls). May be NULL; err as check. */
  int (*check_listeners)(const void *conf, const struct reed_listener_s *l,
                         size_t n, reed_conf_err_t *err);
  /* Listener roles, NULL-terminated; may be NULL. Each name adds the
   * repeatable key `<name>_listen = ENDPOINT` to the section: a listener
   * of the module whose `role` is that name (XMPP's `component_listen`).
   * Roles have no default endpoints, and their keys do not replace the
   * section's default `listen` endpoints. */
  const char *const *listen_roles;
} reed_conf_section_t;

enum { REED_REGISTRATION_CLOSED = 0, REED_REGISTRATION_OPEN = 1 };
/* libsodium's argon2id limits: min, interactive, moderate, sensitive. */
enum {
  REED_PWHASH_MIN = 0,
  REED_PWHASH_INTERACTIVE = 1,
  REED_PWHASH_MODERATE = 2,
  REED_PWHASH_SENSITIVE = 3,
};

#define REED_MOTD_MAX 65536 /* bytes of the [server] motd file */

/* The [upload] section: files shared over HTTP (XEP-0363 slots for XMPP,
 * soju.im/FILEHOST for IRC, the web client), served by the [http]
 * module. It lives inside reed_server_conf_t so that every core reads it
 * through env->server_conf. */
typedef struct reed_upload_conf_s {
  bool enabled;    /* default: yes when an [http] listener exists */
  size_t max_size; /* bytes of one file, 10m */
  size_t quota;    /* bytes an account keeps stored at once, 100m */
  uint64_t expire; /* ms a file is kept, 720h (30 days) */
  /* The public base URL files are served under ("https://chat.example"),
   * NULL: derived from the first [http] listener (reed_files_base_url). */
  char *url;
} reed_upload_conf_t;

/* The [server] section. Strings are owned by the config; tls_cert, tls_key
 * and motd are NULL when unset. */
typedef struct reed_server_conf_s {
  char *name;                    /* server name, "localhost" */
  char *data_dir;                /* "./reed-data" */
  int registration;              /* REED_REGISTRATION_* */
  int log_level;                 /* REED_LOG_* (debug|info|warn|error) */
  char *log_file;                /* NULL: stderr; reopened on SIGHUP */
  bool default_topic_lock;       /* yes: new rooms are +t (IRC +nt) */
  char *tls_cert;                /* NULL: generated in data_dir */
  char *tls_key;                 /* set together with tls_cert */
  int password_hash;             /* REED_PWHASH_* */
  int password_min;              /* characters of a new password, 8 */
  int max_connections;           /* 10000 */
  int max_connections_per_ip;    /* 16; 0 = unlimited */
  int connect_burst;             /* 10 connects at once per address; 0 off */
  int connect_rate;              /* 10 more per 10 s */
  reed_strlist_t connect_exempt; /* addresses without these and per_ip */
  int max_message_lines;         /* 100 (as IRC shows them) */
  int max_message_bytes;         /* 4096 */
  size_t sendq;                  /* bytes, 96k */
  size_t recvq;                  /* bytes, 16k */
  uint64_t registration_timeout; /* ms, 60s */
  uint64_t ping_interval;        /* ms, 120s */
  uint64_t ping_timeout;         /* ms, 60s */
  int history_room;              /* 1000 */
  int history_private;           /* 200 */
  size_t store_min_free;         /* bytes the data dir keeps free, 1m */
  int max_rooms_per_session;     /* 100 */
  int auth_fail_limit;           /* 10: one account from one address */
  int auth_fail_address_limit;   /* 20: one address, any account */
  int auth_fail_delay_after;     /* 3: failures before answers slow down */
  uint64_t auth_fail_delay;      /* ms, 250ms: doubled per failure ... */
  uint64_t auth_fail_delay_max;  /* ... up to this, ms, 4s */
  uint64_t auth_fail_window;     /* ms, 10m: every count's window */
  int auth_throttle_entries;     /* 10000 keys per throttle table */
  int registration_per_ip;       /* 12 new accounts per hour per address */
  int registration_burst;        /* 3 of them at once */
  int registration_global;       /* 180 per hour from anywhere */
  char *motd;                    /* path of a text file, or NULL */
  char *motd_text; /* its text, read with a config file; NULL otherwise */
  reed_strlist_t plugins;    /* bot plugin .so paths */
  reed_upload_conf_t upload; /* the [upload] section */
} reed_server_conf_t;

/* One listener: which module, the endpoint as written, parsed, and where. */
typedef struct reed_listener_s {
  const char *module; /* the section's name (borrowed from the sections) */
  const char *role;   /* NULL for `listen`; else a listen_roles name */
  char *spec;         /* the endpoint string */
  reed_endpoint_t ep;
  int line; /* 0 for a module's default endpoint */
} reed_listener_t;

typedef struct reed_config_module_s {
  const reed_conf_section_t *section; /* borrowed */
  void *conf;                         /* NULL when the module is disabled */
  int line;                           /* line of its [section] header */
} reed_config_module_t;

typedef struct reed_config_s {
  char *file; /* the file name, or "(default)" */
  reed_server_conf_t server;
  reed_listener_t *listeners;
  size_t n_listeners;
  reed_config_module_t *modules; /* one per section passed, same order */
  size_t n_modules;
} reed_config_t;

/* Loads an INI file. `sections` (borrowed: it must outlive the config) are
 * the module sections known to this build; a module without a section in
 * the file is disabled, one with a section and no `listen` key uses its
 * default_endpoints. On success *cfg is a new config (reed_config_free);
 * on error *cfg is NULL and err says file, line, key and what. Returns 0,
 * REED_ECONFIG, REED_EIO (cannot read the file), REED_ETOOBIG or
 * REED_ENOMEM. */
int reed_config_load_file(const char *path, const reed_conf_section_t *sections,
                          size_t n_sections, reed_config_t **cfg,
                          reed_conf_err_t *err);
/* The same over text in memory; `name` is used as the file name. */
int reed_config_load_string(const char *name, const char *text,
                            const reed_conf_section_t *sections,
                            size_t n_sections, reed_config_t **cfg,
                            reed_conf_err_t *err);
/* Loads the embedded default config (registration open, everything on
 * 127.0.0.1). Its sections for modules not in `sections` are skipped. */
int reed_config_load_default(const reed_conf_section_t *sections,
                             size_t n_sections, reed_config_t **cfg,
                             reed_conf_err_t *err);
/* The embedded default config's text (static). */
const char *reed_config_default_text(void);
void reed_config_free(reed_config_t *cfg);

/* The module's conf struct, or NULL when the module is disabled or
 * unknown. Valid until reed_config_free. */
const void *reed_config_module(const reed_config_t *cfg, const char *name);
/* Every listener of every enabled module: those the file wrote, in file
 * order, then the default endpoints of enabled modules whose section has
 * no `listen`. Valid until reed_config_free. */
const reed_listener_t *reed_config_listeners(const reed_config_t *cfg,
                                             size_t *n);

/* Writes "FILE:LINE: KEY: message" (without the parts that are unset) into
 * buf; returns buf. */
char *reed_conf_err_format(const reed_conf_err_t *err, char *buf, size_t n);

/* For `reed --check-config FILE`: loads and frees. Returns 0 (msg says the
 * file is fine) or the load error (msg is "FILE:LINE: KEY: message"). */
int reed_config_check_file(const char *path,
                           const reed_conf_section_t *sections, size_t n,
                           char *msg, size_t msglen);

/* ---- [acme] (acme_keys.c) ---------------------------------------------------
 * Certificates from an ACME server (RFC 8555). The section is not one of
 * the loader's own: the server appends reed_config_acme_section to the
 * module sections it passes, so reed_config_module(cfg, "acme") is NULL
 * (ACME off) unless the file has an [acme] section, which must then name
 * a `directory`. It takes no `listen` key. */
enum { REED_ACME_HTTP01 = 0 };
typedef struct reed_acme_conf_s {
  char *directory;        /* the directory URL (https://) */
  reed_strlist_t contact; /* mailto: URLs ("mailto:" added when missing) */
  reed_strlist_t names;   /* DNS names; none: [server] name */
  int challenge;          /* REED_ACME_* */
  char *ca_file;          /* CA bundle for the ACME server's TLS, or NULL */
  double renew_fraction;  /* of the lifetime, after which to renew: 2/3 */
  uint64_t retry_min;     /* ms, first retry after a failure: 1m */
  uint64_t retry_max;     /* ms, the backoff's ceiling: 1h */
} reed_acme_conf_t;
extern const reed_conf_section_t reed_config_acme_section;

#endif
