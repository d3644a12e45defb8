/* Key files: made once (0600) from the caller's bytes, read back after,
 * another process's file wins, and a short or unreadable file is an error
 * rather than a fresh key (which would void every token signed before). */
#include "base.h"
#include "harness.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TEST(key_file_made_once_and_read)
{
  char dir[] = "/tmp/reed-keyfile-XXXXXX", path[64];
  uint8_t a[REED_KEY_FILE_LEN], b[REED_KEY_FILE_LEN], k[REED_KEY_FILE_LEN];
  struct stat sb;
  int fd;

  memset(a, 0xa5, sizeof(a));
  memset(b, 0x5a, sizeof(b));
  ASSERT(mkdtemp(dir) != NULL);
  snprintf(path, sizeof(path), "%s/test.key", dir);
  ASSERT_EQ(reed_key_file(dir, "test.key", a, k), 0);
  ASSERT(memcmp(k, a, sizeof(k)) == 0);
  ASSERT_EQ(stat(path, &sb), 0);
  ASSERT_EQ(sb.st_mode & 0777, 0600);
  /* The second start reads it: its fresh bytes are not used. */
  ASSERT_EQ(reed_key_file(dir, "test.key", b, k), 0);
  ASSERT(memcmp(k, a, sizeof(k)) == 0);
  /* A short file is refused, and stays. */
  fd = open(path, O_WRONLY | O_TRUNC);
  ASSERT(fd >= 0);
  ASSERT_EQ(write(fd, "short", 5), 5);
  close(fd);
  ASSERT_EQ(reed_key_file(dir, "test.key", b, k), REED_EIO);
  ASSERT_EQ(stat(path, &sb), 0);
  ASSERT_EQ(sb.st_size, 5);
  unlink(path);
  /* A directory that is not there: an error, not a key. */
  ASSERT_EQ(reed_key_file("/nonexistent-reed-dir", "k", a, k), REED_EIO);
  rmdir(dir);
}
