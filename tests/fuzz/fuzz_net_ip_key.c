/* Fuzzes the per-IP counting key of server/net: any text in, and when it
 * is accepted the key is an IPv4 address or an IPv6 /64 prefix that gives
 * itself back as a key. */
#include "net_int.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char ip[128], key[64], again[64];
  struct in6_addr a6;
  struct in_addr a4;

  if (size >= sizeof(ip))
    return 0;
  memcpy(ip, data, size);
  ip[size] = '\0';
  if (reed__ip_key(ip, key, sizeof(key)) != 0)
    return 0;
  if (inet_pton(AF_INET, key, &a4) == 1) {
    if (reed__ip_key(key, again, sizeof(again)) != 0 || strcmp(key, again))
      abort();
    return 0;
  }
  char *slash = strstr(key, "/64");
  if (slash == NULL || slash[3] != '\0')
    abort();
  *slash = '\0';
  if (inet_pton(AF_INET6, key, &a6) != 1)
    abort();
  for (int i = 8; i < 16; i++)
    if (a6.s6_addr[i] != 0)
      abort();
  return 0;
}
