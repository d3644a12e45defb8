/* Bot plugins: a shared object with reed_bot_plugin_init, dlopened into
 * reed. The plugin links against nothing of reed: the reed executable
 * exports the reed_bot_* functions (bots/reed_bot.dynlist), and the
 * plugin's undefined references resolve to them at dlopen. */
#include "bot_int.h"

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
    reed_log(log, REED_LOG_ERROR, "bot plugin %s: %s", path, what);
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
  if (log)
    reed_log(log, REED_LOG_INFO, "bot plugin %s loaded", path);
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
