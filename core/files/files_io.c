/* A file's bytes, written and read on the worker: the work touches only
 * its job (a path and a buffer), so the handle may go meanwhile. */
#include "files_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct io_job_s {
  char path[4096];
  reed_buf_t *buf; /* what to write, or where to read */
  size_t want;     /* bytes a read expects */
  bool write;
  int status;
  reed_files_io_cb cb;
  void *ud;
} io_job_t;

static int
write_all(int fd, const uint8_t *p, size_t len)
{
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return REED_EIO;
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

/* A temporary name, then rename: a reader never sees half a file. */
static void
do_write(io_job_t *j)
{
  char tmp[sizeof(j->path) + 8];
  int fd;

  snprintf(tmp, sizeof(tmp), "%s.part", j->path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    j->status = REED_EIO;
    return;
  }
  j->status = write_all(fd, j->buf->data, j->buf->len);
  if (j->status == 0 && fsync(fd) != 0)
    j->status = REED_EIO;
  close(fd);
  if (j->status == 0 && rename(tmp, j->path) != 0)
    j->status = REED_EIO;
  if (j->status != 0)
    unlink(tmp);
}

static void
do_read(io_job_t *j)
{
  int fd = open(j->path, O_RDONLY | O_CLOEXEC);
  size_t got = 0;

  j->status = fd < 0 ? REED_EIO : 0;
  while (j->status == 0 && got < j->want) {
    ssize_t n = read(fd, j->buf->data + got, j->want - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      j->status = REED_EIO;
    else
      got += (size_t)n;
  }
  if (fd >= 0)
    close(fd);
  j->buf->len = got;
}

static void
work(void *arg)
{
  io_job_t *j = arg;

  if (j->write)
    do_write(j);
  else
    do_read(j);
}

static void
done(void *arg, int status)
{
  io_job_t *j = arg;
  reed_buf_t *data = NULL;

  if (status == 0)
    status = j->status;
  if (!j->write && status == 0)
    data = j->buf;
  else
    reed_buf_unref(j->buf);
  j->cb(j->ud, status, data);
  reed_free(j);
}

static int
submit(const reed_files_t *f, reed_worker_t *w, const char *id, io_job_t *j)
{
  int rc = reed_files_path(f, id, j->path, sizeof(j->path));

  if (rc == 0)
    rc = w->submit(w->w, work, done, j);
  if (rc != 0) {
    reed_buf_unref(j->buf);
    reed_free(j);
  }
  return rc;
}

int
reed_files_write(const reed_files_t *f, reed_worker_t *w, const char *id,
                 const void *p, size_t len, reed_files_io_cb cb, void *ud)
{
  io_job_t *j = reed_calloc(1, sizeof(*j));

  if (j == NULL)
    return REED_ENOMEM;
  *j = (io_job_t){.write = true, .cb = cb, .ud = ud};
  if ((j->buf = reed_buf_from(p, len)) == NULL) {
    reed_free(j);
    return REED_ENOMEM;
  }
  return submit(f, w, id, j);
}

int
reed_files_read(const reed_files_t *f, reed_worker_t *w, const char *id,
                uint64_t size, reed_files_io_cb cb, void *ud)
{
  io_job_t *j;

  if (size > SIZE_MAX - 1)
    return REED_ETOOBIG;
  j = reed_calloc(1, sizeof(*j));
  if (j == NULL)
    return REED_ENOMEM;
  *j = (io_job_t){.want = (size_t)size, .cb = cb, .ud = ud};
  if ((j->buf = reed_buf_new(size > 0 ? (size_t)size : 1)) == NULL) {
    reed_free(j);
    return REED_ENOMEM;
  }
  return submit(f, w, id, j);
}
