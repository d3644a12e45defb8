/* Address groups for login throttling. An IPv6 subscriber usually holds a
 * whole /64 and can pick any address in it, so counting single IPv6
 * addresses would give one attacker 2^64 fresh counters: a /64 is counted
 * as one address (as fail2ban's and ergo's IPv6 handling suggest). */
#include "auth_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

void
reed__auth_addr_group(const char *ip, char out[REED__ADDR_GROUP_MAX])
{
  struct in6_addr a6;
  struct in_addr a4;
  char buf[INET6_ADDRSTRLEN];

  if (ip == NULL || *ip == '\0') {
    reed_strlcpy(out, "-", REED__ADDR_GROUP_MAX);
    return;
  }
  if (inet_pton(AF_INET, ip, &a4) == 1) {
    inet_ntop(AF_INET, &a4, out, REED__ADDR_GROUP_MAX);
    return;
  }
  if (inet_pton(AF_INET6, ip, &a6) != 1) {
    reed_strlcpy(out, ip, REED__ADDR_GROUP_MAX);
    return;
  }
  if (IN6_IS_ADDR_V4MAPPED(&a6)) {
    memcpy(&a4, &a6.s6_addr[12], 4);
    inet_ntop(AF_INET, &a4, out, REED__ADDR_GROUP_MAX);
    return;
  }
  memset(&a6.s6_addr[8], 0, 8);
  inet_ntop(AF_INET6, &a6, buf, sizeof(buf));
  snprintf(out, REED__ADDR_GROUP_MAX, "%s/64", buf);
}
