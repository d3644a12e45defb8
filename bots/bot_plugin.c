/* Bot plugins: a shared object with reed_bot_plugin_init, dlopened into
 * reed. The plugin links against nothing of reed: the reed executable
 * exports the reed_bot_* functions (bots/reed_bot.dynlist), and the
 * plugin's undefined references resolve to them at dlopen. */
#include "bot_int.h"

#include "model.h"

#include <dlfcn.h>
#include <string.h>

struct reed_bot_plugin_s {
  void *dl;
  reed_bot_t *bot;
};

static void
log_err(reed_log_t *log, const char *path, const char *what)
{
  if (log)
    reed_log(log, REED_LOG_ERROR, "plugin %s not loaded: %s", path, what);
}

/* dlsym returns an object pointer; POSIX guarantees it converts to a
 * function pointer, which a union spells without a cast warning. */
static reed_bot_plugin_init_fn
find_init(void *dl)
{
  union {
    void *obj;
    reed_bot_plugin_init_fn fn;
  } u;

  u.obj = dlsym(dl, REED_BOT_PLUGIN_INIT);
  return u.fn;
}

int
reed_bot_plugin_load(const char *path, struct reed_model_s *model,
                     struct reed_clock_s *clock, struct reed_log_s *log,
                     reed_bot_plugin_t **out)
{
  reed_bot_plugin_t *p;
  reed_bot_plugin_init_fn init;
  int rc;

  if (path == NULL || model == NULL || clock == NULL || out == NULL)
    return REED_EINVAL;
  *out = NULL;
  p = reed_calloc(1, sizeof(*p));
  if (p == NULL)
    return REED_ENOMEM;
  p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (p->dl == NULL) {
    const char *e = dlerror();
    log_err(log, path, e ? e : "dlopen failed");
    reed_free(p);
    return REED_ENOTFOUND;
  }
  init = find_init(p->dl);
  rc = init ? reed_bot_local_new(model, clock, log, &p->bot) : REED_ENOTFOUND;
  if (rc == 0)
    rc = init(p->bot);
  if (rc < 0) {
    log_err(log, path, init ? reed_strerror(rc) : "no reed_bot_plugin_init");
    reed_bot_plugin_unload(p);
    return rc;
  }
  *out = p;
  return 0;
}

void
reed_bot_plugin_unload(reed_bot_plugin_t *p)
{
  if (p == NULL)
    return;
  /* Handlers and timers go first: none may run once the code is gone. */
  reed_bot_local_free(p->bot);
  if (p->dl)
    dlclose(p->dl);
  reed_free(p);
}

reed_bot_t *
reed_bot_plugin_bot(reed_bot_plugin_t *p)
{
  return p ? p->bot : NULL;
}

/* ---- The config's set of plugins --------------------------------------------
 */
struct reed_bot_host_s {
  reed_model_t *model;
  reed_clock_t *clock;
  reed_log_t *log;
  reed_bot_plugin_t **plugins;
  size_t n;
};

int
reed_bot_host_new(struct reed_model_s *model, struct reed_clock_s *clock,
                  struct reed_log_s *log, reed_bot_host_t **out)
{
  reed_bot_host_t *h;

  if (model == NULL || clock == NULL || out == NULL)
    return REED_EINVAL;
  h = reed_calloc(1, sizeof(*h));
  if (h == NULL)
    return REED_ENOMEM;
  *h = (reed_bot_host_t){.model = model, .clock = clock, .log = log};
  *out = h;
  return 0;
}

static void
unload_all(reed_bot_host_t *h)
{
  for (size_t i = 0; i < h->n; i++)
    reed_bot_plugin_unload(h->plugins[i]);
  reed_free(h->plugins);
  h->plugins = NULL;
  h->n = 0;
}

int
reed_bot_host_reload(reed_bot_host_t *h, const char *const *paths, size_t n)
{
  int first = 0;

  if (h == NULL || (n > 0 && paths == NULL))
    return REED_EINVAL;
  unload_all(h);
  if (n == 0)
    return 0;
  h->plugins = reed_calloc(n, sizeof(*h->plugins));
  if (h->plugins == NULL)
    return REED_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    int rc = reed_bot_plugin_load(paths[i], h->model, h->clock, h->log,
                                  &h->plugins[h->n]);
    if (rc == 0)
      h->n++;
    else if (first == 0)
      first = rc;
  }
  return first;
}

size_t
reed_bot_host_count(const reed_bot_host_t *h)
{
  return h ? h->n : 0;
}

void
reed_bot_host_free(reed_bot_host_t *h)
{
  if (h == NULL)
    return;
  unload_all(h);
  reed_free(h);
}
