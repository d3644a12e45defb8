/* Fuzzes the throttle's address groups: any text (the peer address as net
 * wrote it, or anything) gives a NUL-terminated group within its bound;
 * an IPv4 group groups to itself, and an IPv6 address's group ends in
 * "/64" with its last 64 bits zero. Other text passes through. */
#include "auth_int.h"
#include "base.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static void
check_v6(const char *g)
{
  char head[REED__ADDR_GROUP_MAX];
  struct in6_addr a;
  size_t n = strlen(g);

  if (n < 4 || strcmp(g + n - 3, "/64") != 0)
    abort();
  memcpy(head, g, n - 3);
  head[n - 3] = '\0';
  if (inet_pton(AF_INET6, head, &a) != 1)
    abort();
  for (int i = 8; i < 16; i++)
    if (a.s6_addr[i] != 0)
      abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char in[256], g[REED__ADDR_GROUP_MAX + 8], again[REED__ADDR_GROUP_MAX];
  struct in6_addr a6;
  struct in_addr a4;

  if (size >= sizeof(in))
    return 0;
  memcpy(in, data, size);
  in[size] = '\0';
  memset(g, 'x', sizeof(g));
  reed__auth_addr_group(in, g);
  if (memchr(g, '\0', REED__ADDR_GROUP_MAX) == NULL)
    abort();
  for (size_t i = REED__ADDR_GROUP_MAX; i < sizeof(g); i++)
    if (g[i] != 'x')
      abort();
  if (*g == '\0')
    abort();
  if (inet_pton(AF_INET6, in, &a6) == 1 && !IN6_IS_ADDR_V4MAPPED(&a6))
    check_v6(g);
  if (inet_pton(AF_INET, g, &a4) == 1) {
    reed__auth_addr_group(g, again);
    if (strcmp(g, again) != 0)
      abort();
  }
  return 0;
}
