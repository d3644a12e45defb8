/* The protocol world on two small fake modules: clients on the heap, the
 * chunked rerun really feeding every size and failing a core whose output
 * depends on the split, and input held while a core pauses. */
#include "store.h"
#include "echo_module.h"
#include "world.h"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

TEST(heap_clients)
{
  tw_t *w = tw_new(&(tw_opts_t){.module = &echo_module, .portal = true});
  tw_client_t *a = tw_client(w, "alice"), *b = tw_client(w, "bob");

  tw_account(w, "alice", "pw");
  ASSERT(memsrc_find(&w->mem, "ALICE") != NULL);
  ASSERT(a->env.portal == w->portal && w->portal != NULL);
  ASSERT_EQ(a->env.conn_id, 1);
  ASSERT_EQ(b->env.conn_id, 2);
  ASSERT_EQ(tw_send(a, "hello\r\nwor"), 0);
  tw_expect(a, "echo: hello");
  tw_send(a, "ld\n");
  tw_expect(a, "echo: world");
  ASSERT_STR_EQ(tw_take(b), "");
  tw_drop(b);
  ASSERT(b->core == NULL);
  tw_drop(b); /* idempotent */
  tw_free(w); /* drops alice and frees both clients */
}

static size_t max_feed[8];
static int passes;

static void
sc_echo(void *arg)
{
  tw_t *w = tw_new(&(tw_opts_t){.module = &echo_module});
  tw_client_t *a = tw_client(w, "a");

  REED_UNUSED(arg);
  ASSERT_EQ(w->chunk, tw_chunk());
  echo_max_feed = 0;
  tw_send(a, "one two three four\r\nfive\r\n");
  tw_expect(a, "echo: one two three four\necho: five");
  max_feed[passes++] = echo_max_feed;
  tw_free(w);
}

TEST(rerun_feeds_every_size)
{
  tw_run_chunked(sc_echo, NULL);
  ASSERT_EQ(passes, 5);
  ASSERT_EQ(max_feed[0], 26); /* whole */
  ASSERT_EQ(max_feed[1], 1);
  ASSERT_EQ(max_feed[2], 2);
  ASSERT_EQ(max_feed[3], 3);
  ASSERT_EQ(max_feed[4], 7);
  ASSERT_EQ(tw_chunk(), 0); /* outside a rerun, sends go whole */
}

/* Asserts nothing about the output: only the rerun's compare can fail. */
static void
sc_count(void *arg)
{
  tw_t *w = tw_new(&(tw_opts_t){.module = &count_module});

  REED_UNUSED(arg);
  tw_send(tw_client(w, "a"), "PING :hello\r\n");
  tw_free(w);
}

TEST(rerun_catches_a_split_sensitive_core)
{
  FILE *err = tmpfile();
  char text[4096] = "";
  size_t n;
  int status;
  pid_t pid;

  ASSERT(err != NULL);
  fflush(stderr);
  pid = fork();
  ASSERT(pid >= 0);
  if (pid == 0) {
    dup2(fileno(err), 2);
    tw_run_chunked(sc_count, NULL);
    _exit(0);
  }
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(!WIFEXITED(status) || WEXITSTATUS(status) != 0);
  rewind(err);
  n = fread(text, 1, sizeof(text) - 1, err);
  text[n] = '\0';
  fclose(err);
  if (strstr(text, "1 bytes per feed changed the output") == NULL ||
      strstr(text, "[a]got 13") == NULL || strstr(text, "[a]got 1\n") == NULL)
    reed__test_fail(__FILE__, __LINE__, "not the compare's failure:\n%s", text);
}

static void
let_jobs_run(tw_t *w)
{
  iw_run(w->iw);
}

TEST(held_input_waits_for_resume)
{
  tw_t *w =
      tw_new(&(tw_opts_t){.module = &echo_module, .deferred_worker = true});
  tw_client_t *a = tw_client(w, "a");

  tw_send(a, "wait\nafter\n");
  tw_expect(a, "echo: wait");
  ASSERT(a->ft->paused);
  ASSERT_EQ(a->held_len, 6);
  tw_send(a, "more\n"); /* queued behind the held input */
  ASSERT_STR_EQ(tw_take(a), "");
  ASSERT_EQ(a->held_len, 11);
  tw_resume(a);
  tw_expect(a, "resumed\necho: after\necho: more");
  ASSERT_EQ(a->held_len, 0);
  tw_free(w);

  /* With on_pause the world lets the job run and goes on by itself. */
  w = tw_new(&(tw_opts_t){.module = &echo_module,
                          .deferred_worker = true,
                          .on_pause = let_jobs_run});
  a = tw_client(w, "a");
  tw_send(a, "wait\nafter\n");
  tw_expect(a, "echo: wait\nresumed\necho: after");
  tw_free(w);
}

TEST(store_in_a_temp_dir)
{
  tw_t *w = tw_new(&(tw_opts_t){.module = &echo_module, .store = true});
  tw_client_t *a = tw_client(w, "a");
  char dir[sizeof(w->store_dir)];

  ASSERT(w->store != NULL);
  ASSERT(a->env.store == w->store);
  ASSERT(reed_store_schema_version(w->store, "store") > 0);
  reed_strlcpy(dir, w->store_dir, sizeof(dir));
  ASSERT_EQ(access(dir, F_OK), 0);
  tw_send(a, "hi\n");
  tw_free(w);
  ASSERT(access(dir, F_OK) != 0); /* removed with the world */
}
