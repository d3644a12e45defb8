/* The file store (core/files): slot tokens (valid, tampered, expired),
 * max size and the per-account quota, a slot used once, the expiry sweep
 * removing rows and files, the key file, and bytes through the worker. */
#include "files.h"
#include "harness.h"
#include "inline_worker.h"

#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define T0 1700000000000ull
#define KIB 1024u

typedef struct fx_s {
  char dir[64];
  reed_store_t *st;
  reed_files_t *f;
  reed_upload_conf_t conf;
} fx_t;

/* A fresh id's randomness. */
static const uint8_t *
rnd(void)
{
  static uint8_t b[REED_FILES_RND];

  randombytes_buf(b, sizeof(b));
  return b;
}

static void
fx_open(fx_t *x)
{
  char db[128];

  memset(x, 0, sizeof(*x));
  snprintf(x->dir, sizeof(x->dir), "/tmp/reed-files-XXXXXX");
  ASSERT(mkdtemp(x->dir) != NULL);
  snprintf(db, sizeof(db), "%s/reed.db", x->dir);
  ASSERT_EQ(reed_store_open(db, NULL, &x->st), 0);
  ASSERT_EQ(reed_files_open(x->st, x->dir, NULL, &x->f), 0);
  x->conf = (reed_upload_conf_t){.enabled = true,
                                 .max_size = 10 * KIB,
                                 .quota = 25 * KIB,
                                 .expire = 60000};
}

static void
fx_close(fx_t *x)
{
  char cmd[128];

  reed_files_close(x->f);
  reed_store_close(x->st);
  snprintf(cmd, sizeof(cmd), "rm -rf %s", x->dir);
  ASSERT_EQ(system(cmd), 0);
}

static bool
exists(fx_t *x, const char *id)
{
  char path[4096];

  ASSERT_EQ(reed_files_path(x->f, id, path, sizeof(path)), 0);
  return access(path, F_OK) == 0;
}

TEST(token_valid_tampered_expired)
{
  fx_t x;
  reed_files_meta_t m, got;
  char tok[REED_FILES_TOKEN_LEN + 1], bad[REED_FILES_TOKEN_LEN + 1];

  fx_open(&x);
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "Alice", "cat.png", 100,
                            "image/png", T0, &m, tok),
            0);
  ASSERT_EQ(strlen(m.id), REED_FILES_ID_LEN);
  ASSERT_STR_EQ(m.account, "alice");
  ASSERT_EQ(strlen(tok), REED_FILES_TOKEN_LEN);
  ASSERT_EQ(reed_files_check_put(x.f, m.id, tok, "cat.png", 100, "image/png",
                                 T0 + 1000, &got),
            0);
  ASSERT_STR_EQ(got.name, "cat.png");
  /* One hex digit changed, a short token, none. */
  memcpy(bad, tok, sizeof(bad));
  bad[10] = bad[10] == '0' ? '1' : '0';
  ASSERT_EQ(reed_files_check_put(x.f, m.id, bad, "cat.png", 100, "image/png",
                                 T0, &got),
            REED_EAUTH);
  ASSERT_EQ(
      reed_files_check_put(x.f, m.id, "abc", "cat.png", 100, NULL, T0, &got),
      REED_EAUTH);
  ASSERT_EQ(
      reed_files_check_put(x.f, m.id, NULL, "cat.png", 100, NULL, T0, &got),
      REED_EAUTH);
  /* Another slot's token does not open this one. */
  {
    reed_files_meta_t m2;
    char tok2[REED_FILES_TOKEN_LEN + 1];
    ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "cat.png", 100,
                              "image/png", T0, &m2, tok2),
              0);
    ASSERT_EQ(
        reed_files_check_put(x.f, m.id, tok2, "cat.png", 100, NULL, T0, &got),
        REED_EAUTH);
  }
  /* Wrong name, size, type; an unknown or malformed id. */
  ASSERT_EQ(
      reed_files_check_put(x.f, m.id, tok, "dog.png", 100, NULL, T0, &got),
      REED_ENOTFOUND);
  ASSERT_EQ(
      reed_files_check_put(x.f, m.id, tok, "cat.png", 101, NULL, T0, &got),
      REED_ETOOBIG);
  ASSERT_EQ(reed_files_check_put(x.f, m.id, tok, "cat.png", 99, NULL, T0, &got),
            REED_EINVAL);
  ASSERT_EQ(reed_files_check_put(x.f, m.id, tok, "cat.png", 100, "text/html",
                                 T0, &got),
            REED_EINVAL);
  ASSERT_EQ(reed_files_check_put(x.f, m.id, tok, "cat.png", 100,
                                 "IMAGE/PNG; x=y", T0, &got),
            0);
  ASSERT_EQ(reed_files_check_put(x.f, "00000000000000000000000000000000", tok,
                                 "cat.png", 100, NULL, T0, &got),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_files_check_put(x.f, "../../etc/passwd", tok, "cat.png", 100,
                                 NULL, T0, &got),
            REED_ENOTFOUND);
  /* Past the slot's deadline the valid token opens nothing. */
  ASSERT_EQ(reed_files_check_put(x.f, m.id, tok, "cat.png", 100, NULL,
                                 T0 + REED_FILES_SLOT_MS, &got),
            REED_ENOTFOUND);
  fx_close(&x);
}

TEST(slot_limits_and_quota)
{
  fx_t x;
  reed_files_meta_t m;
  char tok[REED_FILES_TOKEN_LEN + 1];

  fx_open(&x);
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "big", 10 * KIB + 1,
                            "", T0, &m, tok),
            REED_ETOOBIG);
  ASSERT_EQ(
      reed_files_slot(x.f, &x.conf, rnd(), "alice", "a/b", 1, "", T0, &m, tok),
      REED_EINVAL);
  ASSERT_EQ(
      reed_files_slot(x.f, &x.conf, rnd(), "no such!", "a", 1, "", T0, &m, tok),
      REED_EINVAL);
  /* 10 + 10 KiB fit in 25; a third 10 does not; bob has his own. */
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "1", 10 * KIB, "", T0,
                            &m, tok),
            0);
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "ALICE", "2", 10 * KIB, "", T0,
                            &m, tok),
            0);
  ASSERT_EQ(reed_files_used(x.f, "alice", T0), 20 * KIB);
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "3", 10 * KIB, "", T0,
                            &m, tok),
            REED_ELIMIT);
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "4", 5 * KIB, "", T0,
                            &m, tok),
            0);
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "bob", "3", 10 * KIB, "", T0,
                            &m, tok),
            0);
  /* Slots never used stop counting when they expire. */
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "5", 10 * KIB, "",
                            T0 + REED_FILES_SLOT_MS, &m, tok),
            0);
  fx_close(&x);
}

typedef struct io_rec_s {
  int calls, status;
  reed_buf_t *data;
} io_rec_t;

static void
on_io(void *ud, int status, reed_buf_t *data)
{
  io_rec_t *r = ud;

  r->calls++;
  r->status = status;
  r->data = data;
}

static void
store_file(fx_t *x, inline_worker_t *iw, const char *id, const char *bytes)
{
  io_rec_t r = {0};

  ASSERT_EQ(
      reed_files_write(x->f, &iw->worker, id, bytes, strlen(bytes), on_io, &r),
      0);
  ASSERT_EQ(r.calls, 1);
  ASSERT_EQ(r.status, 0);
  ASSERT(r.data == NULL);
}

TEST(slot_used_once_and_expiry_sweep)
{
  fx_t x;
  reed_files_meta_t m, m2, got;
  char tok[REED_FILES_TOKEN_LEN + 1];
  inline_worker_t iw;

  fx_open(&x);
  iw_init(&iw, 0);
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "a.txt", 3, "", T0,
                            &m, tok),
            0);
  ASSERT_EQ(reed_files_get(x.f, m.id, T0, &got), REED_ENOTFOUND);
  store_file(&x, &iw, m.id, "abc");
  ASSERT_EQ(reed_files_commit(x.f, m.id, T0 + 10, x.conf.expire), 0);
  /* Used once: the same token and a second commit find nothing. */
  ASSERT_EQ(
      reed_files_check_put(x.f, m.id, tok, "a.txt", 3, NULL, T0 + 20, &got),
      REED_ENOTFOUND);
  ASSERT_EQ(reed_files_commit(x.f, m.id, T0 + 20, x.conf.expire),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_files_get(x.f, m.id, T0 + 20, &got), 0);
  ASSERT_EQ(got.size, 3);
  ASSERT(got.stored);
  ASSERT_EQ(got.expires_ms, T0 + 10 + x.conf.expire);
  /* A second file stored later outlives the first. */
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "b.txt", 2, "",
                            T0 + 30000, &m2, tok),
            0);
  store_file(&x, &iw, m2.id, "xy");
  ASSERT_EQ(reed_files_commit(x.f, m2.id, T0 + 30000, x.conf.expire), 0);
  ASSERT_EQ(reed_files_used(x.f, "alice", T0 + 30000), 5);
  /* Expired: not served, not counted, and the sweep removes row and file. */
  ASSERT_EQ(reed_files_get(x.f, m.id, T0 + 10 + x.conf.expire, &got),
            REED_ENOTFOUND);
  ASSERT_EQ(reed_files_used(x.f, "alice", T0 + 10 + x.conf.expire), 2);
  ASSERT(exists(&x, m.id));
  ASSERT_EQ(reed_files_sweep(x.f, T0 + 10 + x.conf.expire, 64), 1);
  ASSERT(!exists(&x, m.id));
  ASSERT(exists(&x, m2.id));
  ASSERT_EQ(reed_files_sweep(x.f, T0 + 10 + x.conf.expire, 64), 0);
  ASSERT_EQ(reed_files_get(x.f, m2.id, T0 + 10 + x.conf.expire, &got), 0);
  ASSERT_EQ(reed_store_turn_end(x.st), 0);
  fx_close(&x);
}

TEST(key_file_kept_0600)
{
  fx_t x;
  reed_files_t *again;
  reed_files_meta_t m, got;
  char tok[REED_FILES_TOKEN_LEN + 1], path[128];
  struct stat sb;

  fx_open(&x);
  snprintf(path, sizeof(path), "%s/upload.key", x.dir);
  ASSERT_EQ(stat(path, &sb), 0);
  ASSERT_EQ(sb.st_mode & 0777, 0600);
  ASSERT_EQ(sb.st_size, 32);
  snprintf(path, sizeof(path), "%s/uploads", x.dir);
  ASSERT_EQ(stat(path, &sb), 0);
  ASSERT_EQ(sb.st_mode & 0777, 0700);
  /* A second handle (another module, a restart) reads the same key. */
  ASSERT_EQ(
      reed_files_slot(x.f, &x.conf, rnd(), "alice", "a", 1, "", T0, &m, tok),
      0);
  ASSERT_EQ(reed_files_open(x.st, x.dir, NULL, &again), 0);
  ASSERT_EQ(reed_files_check_put(again, m.id, tok, "a", 1, NULL, T0, &got), 0);
  reed_files_close(again);
  fx_close(&x);
}

TEST(write_read_through_worker)
{
  fx_t x;
  reed_files_meta_t m;
  char tok[REED_FILES_TOKEN_LEN + 1];
  inline_worker_t iw;
  io_rec_t r = {0};

  fx_open(&x);
  iw_init(&iw, 1); /* deferred: nothing happens before iw_run */
  ASSERT_EQ(reed_files_slot(x.f, &x.conf, rnd(), "alice", "a.bin", 5, "", T0,
                            &m, tok),
            0);
  ASSERT_EQ(reed_files_write(x.f, &iw.worker, m.id, "hello", 5, on_io, &r), 0);
  ASSERT_EQ(r.calls, 0);
  ASSERT(!exists(&x, m.id));
  ASSERT_EQ(iw_run(&iw), 1);
  ASSERT_EQ(r.calls, 1);
  ASSERT_EQ(r.status, 0);
  ASSERT(exists(&x, m.id));
  r = (io_rec_t){0};
  ASSERT_EQ(reed_files_read(x.f, &iw.worker, m.id, 5, on_io, &r), 0);
  ASSERT_EQ(iw_run(&iw), 1);
  ASSERT_EQ(r.status, 0);
  ASSERT(r.data != NULL);
  ASSERT_MEM_EQ(r.data->data, "hello", 5);
  ASSERT_EQ(r.data->len, 5);
  reed_buf_unref(r.data);
  /* A file shorter than its row says is an error, not a short answer. */
  r = (io_rec_t){0};
  ASSERT_EQ(reed_files_read(x.f, &iw.worker, m.id, 6, on_io, &r), 0);
  ASSERT_EQ(iw_run(&iw), 1);
  ASSERT_EQ(r.status, REED_EIO);
  ASSERT(r.data == NULL);
  fx_close(&x);
}
