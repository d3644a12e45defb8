/* sd_notify without libsystemd: the datagram is the whole protocol. */
#include "sdnotify.h"

#include "base.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int
reed_sd_notify(const char *state)
{
  const char *name = getenv("NOTIFY_SOCKET");
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  size_t len = name != NULL ? strlen(name) : 0;
  socklen_t salen;
  ssize_t n;
  int fd;

  if (len == 0)
    return 0;
  /* Other forms (vsock:...) are for virtual machines, not this server. */
  if ((name[0] != '/' && name[0] != '@') || len >= sizeof(sa.sun_path))
    return REED_EINVAL;
  memcpy(sa.sun_path, name, len);
  /* An abstract name starts with a NUL and has no terminator: its length
   * is exactly len. */
  if (name[0] == '@')
    sa.sun_path[0] = '\0';
  salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
  fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return REED_EIO;
  n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
             salen);
  close(fd);
  return n == (ssize_t)strlen(state) ? 0 : REED_EIO;
}

int
reed_sd_notify_reloading(void)
{
  struct timespec ts;
  char msg[64];

  clock_gettime(CLOCK_MONOTONIC, &ts);
  snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
           (unsigned long long)ts.tv_sec * 1000000ull +
               (unsigned long long)ts.tv_nsec / 1000ull);
  return reed_sd_notify(msg);
}
