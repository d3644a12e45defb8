#include "irc_test.h"

#include "auth.h"

#include <stdlib.h>
#include <string.h>

void
itw_init(itw_t *w, size_t chunk)
{
  reed_model_opts_t opts = {.server_name = "irc.test"};

  memset(w, 0, sizeof(*w));
  w->chunk = chunk;
  fc_init(&w->fc);
  iw_init(&w->iw, 0);
  opts.clock = &w->fc.clock;
  ASSERT_EQ(reed_model_new(&opts, &w->model), 0);
  reed_irc_module.conf_defaults(&w->conf);
  w->conf.server_name = reed_strdup("irc.test");
}

void
itw_connect(itw_t *w, int i)
{
  ft_init(&w->ft[i]);
  w->env[i] = (reed_proto_env_t){
      .transport = &w->ft[i].transport,
      .clock = &w->fc.clock,
      .worker = &w->iw.worker,
      .model = w->model,
      .portal = w->portal,
      .conf = &w->conf,
      .server_conf = w->server_conf,
      .conn_id = (uint64_t)i + 1,
  };
  ASSERT_EQ(reed_irc_module.conn_new(&w->env[i], &w->core[i]), 0);
}

static void
resume(void *arg)
{
  itw_t *w = arg;

  iw_run(&w->iw);
  fc_advance(&w->fc, 100);
}

void
itw_feed(itw_t *w, int i, const char *text)
{
  ASSERT(w->core[i] != NULL);
  ASSERT_EQ(ft_feed_chunked(reed_irc_module.feed, w->core[i], text,
                            strlen(text), w->chunk, resume, w),
            0);
}

static void
transcript_add(itw_t *w, int i, const char *s)
{
  size_t n = strlen(s) + 8;

  if (w->tlen + n + 1 > w->tcap) {
    w->tcap = (w->tlen + n + 1) * 2;
    w->transcript = realloc(w->transcript, w->tcap);
    ASSERT(w->transcript != NULL);
  }
  w->tlen += (size_t)snprintf(w->transcript + w->tlen, w->tcap - w->tlen,
                              "[%d]%s", i, s);
}

const char *
itw_take(itw_t *w, int i)
{
  const char *s = ft_take(&w->ft[i]);

  transcript_add(w, i, s);
  return s;
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

static int
mem_get(void *ud, const char *name, reed_creds_t *out)
{
  itw_t *w = ud;

  for (size_t i = 0; i < w->n_accounts; i++) {
    if (reed_casecmp(w->accounts[i].name, name) == 0) {
      *out = *(reed_creds_t *)w->accounts[i].creds;
      return 0;
    }
  }
  return REED_ENOACCOUNT;
}

static void
mem_add(itw_t *w, const char *name, const char *password)
{
  static const uint8_t salt[REED_SCRAM_SALT_LEN] = "0123456789abcdef";
  reed_creds_t *c = malloc(sizeof(*c));

  ASSERT(c != NULL);
  ASSERT_EQ(reed_auth_creds_make(name, password, strlen(password),
                                 REED_AUTH_HASH_MIN, salt, salt, c),
            0);
  reed_strlcpy(w->accounts[w->n_accounts].name, name,
               sizeof(w->accounts[0].name));
  w->accounts[w->n_accounts++].creds = c;
}

static int
mem_create(void *ud, const reed_creds_t *creds, const char *email)
{
  itw_t *w = ud;
  reed_creds_t *c;

  REED_UNUSED(email);
  for (size_t i = 0; i < w->n_accounts; i++) {
    if (reed_casecmp(w->accounts[i].name, creds->account) == 0)
      return REED_EACCOUNTEXISTS;
  }
  if (w->n_accounts == REED_ARRAY_SIZE(w->accounts))
    return REED_EIO;
  c = malloc(sizeof(*c));
  ASSERT(c != NULL);
  *c = *creds;
  reed_strlcpy(w->accounts[w->n_accounts].name, creds->account,
               sizeof(w->accounts[0].name));
  w->accounts[w->n_accounts++].creds = c;
  return 0;
}

/* One registered certificate: 64 'a's is Alice's. */
static int
mem_cert(void *ud, const char *fp, char account[REED_AUTH_NAME_MAX + 1])
{
  REED_UNUSED(ud);
  if (strspn(fp, "a") != 64 || fp[64] != '\0')
    return REED_ENOACCOUNT;
  reed_strlcpy(account, "Alice", REED_AUTH_NAME_MAX + 1);
  return 0;
}

void
itw_portal(itw_t *w, int deferred)
{
  reed_credsrc_t src = {
      .get = mem_get, .create = mem_create, .cert_account = mem_cert, .ud = w};
  reed_portal_opts_t o = {
      .creds = &src,
      .worker = &w->iw.worker,
      .clock = &w->fc.clock,
      .model = w->model,
      .registration_open = true,
      .hash_level = REED_AUTH_HASH_MIN,
  };

  iw_init(&w->iw, deferred);
  mem_add(w, "Alice", "pencil");
  ASSERT_EQ(reed_portal_new(&o, &w->portal), 0);
}

void
itw_drop(itw_t *w, int i)
{
  if (w->core[i] == NULL)
    return;
  reed_irc_module.conn_free(w->core[i]);
  w->core[i] = NULL;
  itw_take(w, i);
  ft_cleanup(&w->ft[i]);
}

void
itw_finish(itw_t *w)
{
  for (int i = 0; i < ITW_CLIENTS; i++)
    itw_drop(w, i);
  if (w->portal != NULL) {
    iw_run(&w->iw);
    reed_portal_free(w->portal);
  }
  for (size_t i = 0; i < w->n_accounts; i++)
    free(w->accounts[i].creds);
  ASSERT_EQ(iw_pending(&w->iw), 0);
  ASSERT_EQ(reed_model_live_objects(w->model), 0);
  ASSERT_EQ(fc_pending(&w->fc), 0);
  reed_model_free(w->model);
  reed_irc_module.conf_cleanup(&w->conf);
  fc_cleanup(&w->fc);
  ASSERT_EQ(reed_alloc_live(), 0);
}

void
itw_run_chunked(itw_scenario_fn scenario)
{
  static const size_t chunks[] = {0, 1, 2, 3, 7};
  static itw_t w;
  char *first = NULL;

  for (size_t k = 0; k < REED_ARRAY_SIZE(chunks); k++) {
    itw_init(&w, chunks[k]);
    scenario(&w);
    itw_finish(&w);
    if (first == NULL) {
      first = w.transcript;
      continue;
    }
    if (w.tlen != strlen(first) || memcmp(first, w.transcript, w.tlen) != 0)
      reed__test_fail(__FILE__, __LINE__,
                      "chunk %zu changed the output:\n%s\n--- whole:\n%s",
                      chunks[k], w.transcript, first);
    free(w.transcript);
  }
  free(first);
}
