/* The config loader: INI items are routed to the [server] directive table
 * or to a module's table, `listen` keys become listeners, and the result
 * is checked as a whole (module checks, endpoint conflicts). */
#include "config_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_FILE (16L << 20)
enum { LOAD_SKIP_UNKNOWN = 1, LOAD_READ_FILES = 2 };
#define MAX_LISTENERS 1024

/* One section being filled: [server] (index 0), a module (1..n_modules)
 * or [upload] (the last). */
typedef struct {
  const char *name;
  const reed_directive_t *dirs;
  size_t n_dirs;
  int *lines; /* line each directive was last set on, 0 = never */
  void *conf;
  int header;   /* line of the [section] header, 0 = absent */
  int n_listen; /* `listen` keys seen */
} sect_t;

typedef struct {
  reed_config_t *cfg;
  sect_t *sects; /* 1 + n_modules */
  size_t n_sects;
  sect_t *cur;      /* NULL before the first header */
  int skip_unknown; /* the embedded default skips unknown modules */
  int read_files;   /* a config file: read the files it names (motd) */
  int skipping;
  reed_conf_err_t *err;
} loader_t;

/* Fills err's line and key; passes rc through. */
static int
at(loader_t *ld, int rc, int line, const char *key)
{
  ld->err->line = line;
  reed_strlcpy(ld->err->key, key ? key : "", sizeof(ld->err->key));
  return rc;
}

/* ---- Applying values ---------------------------------------------------- */

static int
apply_defaults(sect_t *s, reed_conf_err_t *err)
{
  for (size_t i = 0; i < s->n_dirs; i++) {
    const reed_directive_t *d = &s->dirs[i];
    int rc = d->def ? d->set(s->conf, d->def, d, err) : 0;
    if (rc != 0) {
      reed_strlcpy(err->key, d->key, sizeof(err->key));
      return rc;
    }
  }
  return 0;
}

static const reed_directive_t *
find_directive(const sect_t *s, const char *key, size_t *index)
{
  for (size_t i = 0; i < s->n_dirs; i++) {
    if (strcmp(s->dirs[i].key, key) == 0) {
      *index = i;
      return &s->dirs[i];
    }
  }
  return NULL;
}

static int
set_key(loader_t *ld, const char *key, const char *value, int line)
{
  size_t i;
  const reed_directive_t *d = find_directive(ld->cur, key, &i);
  int rc;

  if (d == NULL)
    return at(ld,
              reed__conf_errf(ld->err, "unknown key in [%s]", ld->cur->name),
              line, key);
  if (ld->cur->lines[i] != 0 && !reed__conf_is_multi(d))
    return at(
        ld,
        reed__conf_errf(ld->err, "already set on line %d", ld->cur->lines[i]),
        line, key);
  ld->cur->lines[i] = line;
  rc = d->set(ld->cur->conf, value, d, ld->err);
  return rc ? at(ld, rc, line, key) : 0;
}

/* The key that wrote a listener: `listen` or `<role>_listen`. */
static const char *
listen_key(const char *role, char *buf, size_t size)
{
  snprintf(buf, size, "%s%s", role ? role : "", "_listen");
  return role ? buf : "listen";
}

static int
add_listener(loader_t *ld, const char *module, const char *role,
             const char *spec, int line)
{
  reed_config_t *cfg = ld->cfg;
  reed_listener_t *l, *v;
  char msg[sizeof(ld->err->msg)];
  char buf[sizeof(ld->err->key)];
  const char *key = listen_key(role, buf, sizeof(buf));
  int rc;

  if (cfg->n_listeners == MAX_LISTENERS)
    return at(ld,
              reed__conf_errf(ld->err, "more than %d listeners", MAX_LISTENERS),
              line, key);
  v = reed_realloc(cfg->listeners, (cfg->n_listeners + 1) * sizeof(*v));
  if (v == NULL) {
    reed__conf_errf(ld->err, "out of memory");
    return at(ld, REED_ENOMEM, line, key);
  }
  cfg->listeners = v;
  l = &v[cfg->n_listeners];
  *l = (reed_listener_t){.module = module, .role = role, .line = line};
  rc = reed_endpoint_parse(spec, &l->ep, msg, sizeof(msg));
  if (rc == 0 && (l->spec = reed_strdup(spec)) == NULL)
    rc = REED_ENOMEM;
  if (rc != 0) {
    reed_endpoint_cleanup(&l->ep);
    reed__conf_errf(ld->err, "%s", rc == REED_ENOMEM ? "out of memory" : msg);
    return at(ld, rc == REED_ENOMEM ? rc : REED_ECONFIG, line, key);
  }
  cfg->n_listeners++;
  return 0;
}

/* ---- Sections ------------------------------------------------------------ */

static int
sect_init(loader_t *ld, sect_t *s, size_t conf_size)
{
  s->n_dirs = reed__conf_count(s->dirs);
  s->lines = reed_calloc(s->n_dirs + 1, sizeof(int));
  if (s->conf == NULL)
    s->conf = reed_calloc(1, conf_size ? conf_size : 1);
  if (s->lines == NULL || s->conf == NULL) {
    reed__conf_errf(ld->err, "out of memory");
    return REED_ENOMEM;
  }
  return apply_defaults(s, ld->err);
}

static int
enable_module(loader_t *ld, size_t m)
{
  const reed_conf_section_t *sec = ld->cfg->modules[m].section;
  sect_t *s = &ld->sects[m + 1];
  int rc = sect_init(ld, s, sec->conf_size);

  if (rc != 0) {
    if (s->conf != NULL)
      reed_conf_fields_free(s->conf, sec->directives);
    reed_free(s->conf);
    s->conf = NULL;
    return rc;
  }
  if (sec->defaults != NULL)
    sec->defaults(s->conf);
  ld->cfg->modules[m].conf = s->conf;
  ld->cfg->modules[m].line = s->header;
  return 0;
}

/* [upload]: the last section, a part of [server]'s struct. */
static sect_t *
upload_sect(loader_t *ld)
{
  return &ld->sects[ld->n_sects - 1];
}

static bool
is_module(loader_t *ld, const sect_t *s)
{
  return s != &ld->sects[0] && s != upload_sect(ld);
}

static sect_t *
find_sect(loader_t *ld, const char *name)
{
  for (size_t i = 0; i < ld->n_sects; i++)
    if (strcmp(ld->sects[i].name, name) == 0)
      return &ld->sects[i];
  return NULL;
}

static int
on_header(loader_t *ld, const char *name, int line)
{
  sect_t *s = find_sect(ld, name);
  char key[66];
  int rc = 0;

  snprintf(key, sizeof(key), "[%.62s]", name);
  ld->skipping = 0;
  if (s == NULL && ld->skip_unknown) {
    ld->skipping = 1;
    return 0;
  }
  if (s == NULL)
    return at(ld, reed__conf_errf(ld->err, "unknown section"), line, key);
  if (s->header != 0)
    return at(
        ld,
        reed__conf_errf(ld->err, "section already began on line %d", s->header),
        line, key);
  s->header = line;
  ld->cur = s;
  if (is_module(ld, s))
    rc = enable_module(ld, (size_t)(s - ld->sects) - 1);
  return rc ? at(ld, rc, line, key) : 0;
}

/* The role of a `<role>_listen` key of the current module section, or
 * NULL. */
static const char *
listen_role(loader_t *ld, const char *key)
{
  const reed_conf_section_t *sec =
      ld->cfg->modules[(size_t)(ld->cur - ld->sects) - 1].section;
  size_t n;

  for (size_t i = 0; sec->listen_roles && sec->listen_roles[i] != NULL; i++) {
    n = strlen(sec->listen_roles[i]);
    if (strncmp(key, sec->listen_roles[i], n) == 0 &&
        strcmp(key + n, "_listen") == 0)
      return sec->listen_roles[i];
  }
  return NULL;
}

static int
on_item(void *ud, const char *section, const char *key, const char *value,
        int line)
{
  loader_t *ld = ud;
  const char *role;

  if (key == NULL)
    return on_header(ld, section, line);
  if (ld->skipping)
    return 0;
  if (ld->cur == NULL)
    return at(ld, reed__conf_errf(ld->err, "key outside any [section]"), line,
              key);
  if (is_module(ld, ld->cur) && strcmp(key, "listen") == 0) {
    ld->cur->n_listen++;
    return add_listener(ld, ld->cur->name, NULL, value, line);
  }
  if (is_module(ld, ld->cur) && (role = listen_role(ld, key)) != NULL)
    return add_listener(ld, ld->cur->name, role, value, line);
  return set_key(ld, key, value, line);
}

/* ---- Whole-config checks ------------------------------------------------- */

static int
line_of(const sect_t *s, const char *key)
{
  size_t i;

  if (key[0] != '\0' && find_directive(s, key, &i) != NULL && s->lines[i] != 0)
    return s->lines[i];
  return s->header;
}

static int
add_default_endpoints(loader_t *ld)
{
  for (size_t m = 0; m < ld->cfg->n_modules; m++) {
    const reed_conf_section_t *sec = ld->cfg->modules[m].section;
    sect_t *s = &ld->sects[m + 1];
    if (s->conf == NULL || s->n_listen > 0 || sec->default_endpoints == NULL)
      continue;
    for (size_t i = 0; sec->default_endpoints[i] != NULL; i++) {
      int rc = add_listener(ld, sec->name, NULL, sec->default_endpoints[i], 0);
      if (rc != 0) {
        ld->err->line = s->header;
        return rc;
      }
    }
  }
  return 0;
}

static int
server_name_ok(const char *name)
{
  for (const char *c = name; *c != '\0'; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9') || *c == '.' || *c == '-' || *c == '_'))
      return 0;
  return 1;
}

static int
check_server(loader_t *ld)
{
  const reed_server_conf_t *sv = &ld->cfg->server;
  const sect_t *s = &ld->sects[0];

  if (!server_name_ok(sv->name))
    return at(ld,
              reed__conf_errf(ld->err,
                              "'%s' is not a host name "
                              "(letters, digits, '.', '-', '_')",
                              sv->name),
              line_of(s, "name"), "name");
  if ((sv->tls_cert == NULL) != (sv->tls_key == NULL)) {
    const char *key = sv->tls_cert ? "tls_cert" : "tls_key";
    return at(ld, reed__conf_errf(ld->err, "tls_cert and tls_key go together"),
              line_of(s, key), key);
  }
  return 0;
}

static int
check_upload(loader_t *ld)
{
  sect_t *s = upload_sect(ld);
  int rc;

  ld->err->key[0] = '\0';
  rc = reed__upload_check(&ld->cfg->server.upload,
                          line_of(s, "enabled") != s->header,
                          ld->cfg->listeners, ld->cfg->n_listeners, ld->err);
  return rc ? at(ld, rc, line_of(s, ld->err->key), ld->err->key) : 0;
}

static int
check_modules(loader_t *ld)
{
  for (size_t m = 0; m < ld->cfg->n_modules; m++) {
    const reed_conf_section_t *sec = ld->cfg->modules[m].section;
    sect_t *s = &ld->sects[m + 1];
    int rc;
    if (s->conf == NULL || sec->check == NULL)
      continue;
    ld->err->key[0] = '\0';
    rc = sec->check(s->conf, ld->err);
    if (rc != 0)
      return at(ld, rc, line_of(s, ld->err->key), ld->err->key);
  }
  return 0;
}

static int
check_module_listeners(loader_t *ld)
{
  for (size_t m = 0; m < ld->cfg->n_modules; m++) {
    const reed_conf_section_t *sec = ld->cfg->modules[m].section;
    sect_t *s = &ld->sects[m + 1];
    int rc;
    if (s->conf == NULL || sec->check_listeners == NULL)
      continue;
    ld->err->key[0] = '\0';
    rc = sec->check_listeners(s->conf, ld->cfg->listeners, ld->cfg->n_listeners,
                              ld->err);
    if (rc != 0)
      return at(ld, rc, line_of(s, ld->err->key), ld->err->key);
  }
  return 0;
}

static int
endpoints_clash(const reed_endpoint_t *a, const reed_endpoint_t *b)
{
  if ((a->kind == REED_EP_UNIX) != (b->kind == REED_EP_UNIX))
    return 0;
  if (a->kind == REED_EP_UNIX)
    return strcmp(a->path, b->path) == 0;
  if (a->port == 0 || a->port != b->port)
    return 0;
  return a->interface == NULL || b->interface == NULL ||
         strcmp(a->interface, b->interface) == 0;
}

static int
report_clash(loader_t *ld, const reed_listener_t *a, const reed_listener_t *b)
{
  char key[sizeof(ld->err->key)];

  if (a->line == 0) { /* name the listener the file wrote */
    const reed_listener_t *t = a;
    a = b;
    b = t;
  }
  if (b->line > 0)
    reed__conf_errf(ld->err, "'%s' clashes with '%s' on line %d", a->spec,
                    b->spec, b->line);
  else
    reed__conf_errf(ld->err, "'%s' clashes with %s's default '%s'", a->spec,
                    b->module, b->spec);
  return at(ld, REED_ECONFIG, a->line, listen_key(a->role, key, sizeof(key)));
}

static int
check_listeners(loader_t *ld)
{
  const reed_listener_t *v = ld->cfg->listeners;

  for (size_t i = 0; i < ld->cfg->n_listeners; i++)
    for (size_t j = 0; j < i; j++)
      if (endpoints_clash(&v[i].ep, &v[j].ep))
        return report_clash(ld, &v[i], &v[j]);
  return 0;
}

/* ---- Construction ---------------------------------------------------------
 */

static reed_config_t *
config_new(const char *name, const reed_conf_section_t *sections, size_t n)
{
  reed_config_t *cfg = reed_calloc(1, sizeof(*cfg));

  if (cfg == NULL)
    return NULL;
  cfg->file = reed_strdup(name);
  cfg->modules = reed_calloc(n + 1, sizeof(*cfg->modules));
  if (cfg->file == NULL || cfg->modules == NULL)
    goto fail;
  cfg->n_modules = n;
  for (size_t i = 0; i < n; i++)
    cfg->modules[i].section = &sections[i];
  return cfg;
fail:
  reed_free(cfg->file);
  reed_free(cfg->modules);
  reed_free(cfg);
  return NULL;
}

static int
loader_init(loader_t *ld, reed_config_t *cfg)
{
  int rc;

  ld->n_sects = cfg->n_modules + 2;
  ld->sects = reed_calloc(ld->n_sects, sizeof(*ld->sects));
  if (ld->sects == NULL) {
    reed__conf_errf(ld->err, "out of memory");
    return REED_ENOMEM;
  }
  ld->sects[0] = (sect_t){
      .name = "server", .dirs = reed__server_directives, .conf = &cfg->server};
  for (size_t m = 0; m < cfg->n_modules; m++)
    ld->sects[m + 1] = (sect_t){.name = cfg->modules[m].section->name,
                                .dirs = cfg->modules[m].section->directives};
  *upload_sect(ld) = (sect_t){.name = "upload",
                              .dirs = reed__upload_directives,
                              .conf = &cfg->server.upload};
  rc = sect_init(ld, &ld->sects[0], 0);
  return rc ? rc : sect_init(ld, upload_sect(ld), 0);
}

static void
loader_cleanup(loader_t *ld)
{
  for (size_t i = 0; ld->sects != NULL && i < ld->n_sects; i++)
    reed_free(ld->sects[i].lines);
  reed_free(ld->sects);
}

static int read_file(const char *path, char **text, size_t *len,
                     reed_conf_err_t *err);

/* The MOTD file is read with the config, so a reload picks up its new
 * text and a missing file is reported like any other bad key. */
static int
load_motd(loader_t *ld)
{
  reed_server_conf_t *sv = &ld->cfg->server;
  size_t len;
  int rc;

  if (!ld->read_files || sv->motd == NULL)
    return 0;
  rc = read_file(sv->motd, &sv->motd_text, &len, ld->err);
  if (rc == 0) {
    sv->motd_text[len] = '\0'; /* read_all leaves room for it */
    if (len > REED_MOTD_MAX)
      rc = reed__conf_errf(ld->err, "larger than %d bytes", REED_MOTD_MAX);
    else if (!reed_utf8_valid((const uint8_t *)sv->motd_text, len))
      rc = reed__conf_errf(ld->err, "not UTF-8 text");
    else
      return 0;
  }
  reed_free(sv->motd_text);
  sv->motd_text = NULL;
  return at(ld, rc == REED_ENOMEM ? rc : REED_ECONFIG,
            line_of(&ld->sects[0], "motd"), "motd");
}

static int
load(loader_t *ld, const char *text, size_t len)
{
  int rc = loader_init(ld, ld->cfg);

  if (rc == 0)
    rc = reed_ini_parse(text, len, on_item, ld, ld->err);
  if (rc == 0)
    rc = add_default_endpoints(ld);
  if (rc == 0)
    rc = check_server(ld);
  if (rc == 0)
    rc = load_motd(ld);
  if (rc == 0)
    rc = check_modules(ld);
  if (rc == 0)
    rc = check_listeners(ld);
  if (rc == 0)
    rc = check_module_listeners(ld);
  if (rc == 0)
    rc = check_upload(ld);
  return rc;
}

static int
load_text(const char *name, const char *text, size_t len,
          const reed_conf_section_t *sections, size_t n, int flags,
          reed_config_t **out, reed_conf_err_t *err)
{
  reed_conf_err_t dummy;
  loader_t ld = {.skip_unknown = flags & LOAD_SKIP_UNKNOWN,
                 .read_files = flags & LOAD_READ_FILES,
                 .err = err ? err : &dummy};
  int rc;

  *ld.err = (reed_conf_err_t){.line = 0};
  reed_strlcpy(ld.err->file, name, sizeof(ld.err->file));
  *out = NULL;
  ld.cfg = config_new(name, sections, n);
  if (ld.cfg == NULL) {
    reed__conf_errf(ld.err, "out of memory");
    return REED_ENOMEM;
  }
  rc = load(&ld, text, len);
  loader_cleanup(&ld);
  if (rc != 0) {
    reed_config_free(ld.cfg);
    return rc == REED_ENOMEM || rc == REED_ETOOBIG ? rc : REED_ECONFIG;
  }
  *out = ld.cfg;
  return 0;
}

int
reed_config_load_string(const char *name, const char *text,
                        const reed_conf_section_t *sections, size_t n_sections,
                        reed_config_t **cfg, reed_conf_err_t *err)
{
  return load_text(name, text, strlen(text), sections, n_sections, 0, cfg, err);
}

int
reed_config_load_default(const reed_conf_section_t *sections, size_t n_sections,
                         reed_config_t **cfg, reed_conf_err_t *err)
{
  return load_text("(default)", reed__config_default_text,
                   strlen(reed__config_default_text), sections, n_sections,
                   LOAD_SKIP_UNKNOWN, cfg, err);
}

const char *
reed_config_default_text(void)
{
  return reed__config_default_text;
}

/* Reads all of f (at most MAX_FILE bytes) into a reed_malloc'd buffer,
 * which has room for a NUL after the text. */
static int
read_all(FILE *f, char **text, size_t *len)
{
  size_t cap = 0, n = 0, got;
  char *buf = NULL, *nb;

  do {
    if (n + 4096 > cap) {
      if (cap > MAX_FILE)
        break;
      cap = cap ? cap * 2 : 8192;
      nb = reed_realloc(buf, cap);
      if (nb == NULL) {
        reed_free(buf);
        return REED_ENOMEM;
      }
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  if (ferror(f) || n > MAX_FILE) {
    reed_free(buf);
    return n > MAX_FILE ? REED_ETOOBIG : REED_EIO;
  }
  *text = buf;
  *len = n;
  return 0;
}

static int
read_file(const char *path, char **text, size_t *len, reed_conf_err_t *err)
{
  FILE *f = fopen(path, "rb");
  int rc;

  if (f == NULL) {
    reed__conf_errf(err, "cannot open: %s", strerror(errno));
    return REED_EIO;
  }
  rc = read_all(f, text, len);
  fclose(f);
  if (rc != 0)
    reed__conf_errf(err, "%s",
                    rc == REED_ETOOBIG ? "file larger than 16 MiB"
                    : rc == REED_EIO   ? "read error"
                                       : "out of memory");
  return rc;
}

int
reed_config_load_file(const char *path, const reed_conf_section_t *sections,
                      size_t n_sections, reed_config_t **cfg,
                      reed_conf_err_t *err)
{
  reed_conf_err_t dummy;
  char *text = NULL;
  size_t len = 0;
  int rc;

  err = err ? err : &dummy;
  *cfg = NULL;
  *err = (reed_conf_err_t){.line = 0};
  reed_strlcpy(err->file, path, sizeof(err->file));
  rc = read_file(path, &text, &len, err);
  if (rc != 0)
    return rc;
  rc = load_text(path, text, len, sections, n_sections, LOAD_READ_FILES, cfg,
                 err);
  reed_free(text);
  return rc;
}

/* ---- Teardown and access ---------------------------------------------------
 */

void
reed_config_free(reed_config_t *cfg)
{
  if (cfg == NULL)
    return;
  for (size_t m = 0; m < cfg->n_modules; m++) {
    const reed_conf_section_t *sec = cfg->modules[m].section;
    void *conf = cfg->modules[m].conf;
    if (conf == NULL)
      continue;
    if (sec->cleanup != NULL)
      sec->cleanup(conf);
    reed_conf_fields_free(conf, sec->directives);
    reed_free(conf);
  }
  for (size_t i = 0; i < cfg->n_listeners; i++) {
    reed_free(cfg->listeners[i].spec);
    reed_endpoint_cleanup(&cfg->listeners[i].ep);
  }
  reed_conf_fields_free(&cfg->server, reed__server_directives);
  reed_conf_fields_free(&cfg->server.upload, reed__upload_directives);
  reed_free(cfg->server.motd_text);
  reed_free(cfg->listeners);
  reed_free(cfg->modules);
  reed_free(cfg->file);
  reed_free(cfg);
}

const void *
reed_config_module(const reed_config_t *cfg, const char *name)
{
  for (size_t m = 0; m < cfg->n_modules; m++)
    if (strcmp(cfg->modules[m].section->name, name) == 0)
      return cfg->modules[m].conf;
  return NULL;
}

const reed_listener_t *
reed_config_listeners(const reed_config_t *cfg, size_t *n)
{
  *n = cfg->n_listeners;
  return cfg->listeners;
}

char *
reed_conf_err_format(const reed_conf_err_t *err, char *buf, size_t n)
{
  char line[16] = "";

  if (n == 0)
    return buf;
  if (err->line > 0)
    snprintf(line, sizeof(line), ":%d", err->line);
  snprintf(buf, n, "%s%s: %s%s%s", err->file[0] ? err->file : "(config)", line,
           err->key, err->key[0] ? ": " : "", err->msg);
  return buf;
}

int
reed_config_check_file(const char *path, const reed_conf_section_t *sections,
                       size_t n, char *msg, size_t msglen)
{
  reed_config_t *cfg;
  reed_conf_err_t err;
  int rc = reed_config_load_file(path, sections, n, &cfg, &err);

  if (rc != 0) {
    reed_conf_err_format(&err, msg, msglen);
    return rc;
  }
  if (msglen > 0)
    snprintf(msg, msglen, "%s: ok (%zu listeners)", path, cfg->n_listeners);
  reed_config_free(cfg);
  return 0;
}
