/* A server secret kept in a file of the data directory (XMPP's FAST key,
 * the upload tokens' key): read when it is there, made once when not. */
#include "base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
read_key(const char *path, uint8_t key[REED_KEY_FILE_LEN])
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  if (fd < 0)
    return errno == ENOENT ? REED_ENOTFOUND : REED_EIO;
  n = read(fd, key, REED_KEY_FILE_LEN);
  close(fd);
  return n == REED_KEY_FILE_LEN ? 0 : REED_EIO;
}

int
reed_key_file(const char *dir, const char *name,
              const uint8_t fresh[REED_KEY_FILE_LEN],
              uint8_t key[REED_KEY_FILE_LEN])
{
  char path[4096];
  int fd, rc;

  if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
    return REED_EINVAL;
  rc = read_key(path, key);
  if (rc != REED_ENOTFOUND)
    return rc;
  /* O_EXCL: a process starting beside us may make it first; then its
   * key is the one. */
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno == EEXIST ? read_key(path, key) : REED_EIO;
  rc =
      write(fd, fresh, REED_KEY_FILE_LEN) == REED_KEY_FILE_LEN && fsync(fd) == 0
          ? 0
          : REED_EIO;
  close(fd);
  if (rc == 0)
    memcpy(key, fresh, REED_KEY_FILE_LEN);
  else
    unlink(path);
  return rc;
}
