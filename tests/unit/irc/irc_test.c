#include "irc_test.h"

#include <stdio.h>
#include <string.h>

/* The core held input back: let queued hashes finish and fakelag pass. */
static void
let_time_pass(tw_t *tw)
{
  iw_run(tw->iw);
  fc_advance(tw->fc, 100);
}

void
itw_init(itw_t *w, size_t chunk)
{
  memset(w, 0, sizeof(*w));
  tw_init(&w->tw, &(tw_opts_t){.module = &reed_irc_module,
                               .server_name = "irc.test",
                               .on_pause = let_time_pass,
                               .conf = &w->conf,
                               .fc = &w->fc,
                               .iw = &w->iw});
  w->tw.chunk = chunk;
  w->model = w->tw.model;
  w->conf.server_name = reed_strdup("irc.test");
}

void
itw_connect(itw_t *w, int i)
{
  char name[8];

  snprintf(name, sizeof(name), "%d", i);
  w->tw.server_conf = w->server_conf;
  ASSERT_EQ(tw_open(&w->tw, &w->cl[i], name, &w->ft[i]), 0);
  w->core[i] = w->cl[i].core;
}

void
itw_feed(itw_t *w, int i, const char *text)
{
  ASSERT(w->core[i] != NULL);
  ASSERT_EQ(tw_send(&w->cl[i], text), 0);
}

const char *
itw_take(itw_t *w, int i)
{
  if (w->cl[i].ft == NULL) /* never connected */
    return "";
  return tw_take(&w->cl[i]);
}

void
itw_register(itw_t *w, int i, const char *nick)
{
  char line[128];
  const char *out;

  itw_connect(w, i);
  snprintf(line, sizeof(line), "NICK %s\r\nUSER u%d 0 * :Real %s\r\n", nick, i,
           nick);
  itw_feed(w, i, line);
  out = itw_take(w, i);
  if (strstr(out, " 001 ") == NULL)
    reed__test_fail(__FILE__, __LINE__, "no welcome for %s:\n%s", nick, out);
}

void
itw_portal(itw_t *w, int deferred)
{
  char fp[65];

  w->iw.deferred = deferred;
  tw_account(&w->tw, "Alice", "pencil");
  memset(fp, 'a', 64);
  fp[64] = '\0';
  memsrc_cert(&w->tw.mem, "Alice", fp);
  tw_portal(&w->tw);
  w->portal = w->tw.portal;
}

void
itw_drop(itw_t *w, int i)
{
  if (w->core[i] == NULL)
    return;
  tw_drop(&w->cl[i]);
  w->core[i] = NULL;
}

void
itw_finish(itw_t *w)
{
  tw_free(&w->tw);
}

static itw_t world;

static void
run_scenario(void *arg)
{
  itw_scenario_fn scenario = *(itw_scenario_fn *)arg;

  itw_init(&world, tw_chunk());
  scenario(&world);
  itw_finish(&world);
}

void
itw_run_chunked(itw_scenario_fn scenario)
{
  tw_run_chunked(run_scenario, &scenario);
}
