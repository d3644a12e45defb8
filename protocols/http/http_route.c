/* Finding a request's route in the table (http_routes.c), and the
 * request's headers as routes read them. */
#include "http_core_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *
reed_http_header(const reed_http_req_t *req, const char *name)
{
  const reed_http_core_t *c = req->core_;

  return reed__http_head_get(&c->head, name);
}

/* The length of the row's path when it matches `path`, else -1. */
static long
path_match(const char *row, const char *path)
{
  size_t n = strlen(row);

  if (n > 0 && row[n - 1] == '/')
    return strncmp(path, row, n) == 0 ? (long)n : -1;
  return strcmp(path, row) == 0 ? (long)n : -1;
}

static bool
method_fits(const char *row, const char *method)
{
  return row == NULL || strcmp(row, method) == 0 ||
         (strcmp(row, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

static void
allow_add(char *allow, size_t size, const char *method)
{
  size_t len = strlen(allow);

  snprintf(allow + len, size - len, "%s%s", len > 0 ? ", " : "", method);
}

const reed_http_route_t *
reed__http_route_find(const reed_http_route_t *routes, size_t n,
                      const char *method, const char *path, char *allow,
                      size_t allow_size)
{
  long best = -1;

  allow[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    long m = path_match(routes[i].path, path);
    if (m > best)
      best = m;
  }
  if (best < 0)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if (path_match(routes[i].path, path) == best &&
        method_fits(routes[i].method, method))
      return &routes[i];
  for (size_t i = 0; i < n; i++) {
    if (path_match(routes[i].path, path) != best)
      continue;
    allow_add(allow, allow_size, routes[i].method);
    if (strcmp(routes[i].method, "GET") == 0)
      allow_add(allow, allow_size, "HEAD");
  }
  return NULL;
}
