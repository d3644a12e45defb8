/* Fuzzes endpoint strings: a parsed endpoint must be consistent and its
 * canonical form must parse back to the same endpoint. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

static int
same_str(const char *a, const char *b)
{
  return (a == NULL && b == NULL) ||
         (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check(const reed_endpoint_t *ep)
{
  reed_endpoint_t again;
  char canon[2 * REED_EP_MAX_LEN + 256];

  if (ep->kind < REED_EP_TCP || ep->kind > REED_EP_UNIX || ep->backlog < 1)
    abort();
  if ((ep->kind == REED_EP_UNIX) != (ep->path != NULL))
    abort();
  if ((ep->cert == NULL) != (ep->key == NULL) || ep->mode > 0777)
    abort();
  if (reed_endpoint_format(ep, canon, sizeof(canon)) < 0)
    abort();
  if (reed_endpoint_parse(canon, &again, NULL, 0) != 0)
    abort();
  if (again.kind != ep->kind || again.port != ep->port ||
      again.backlog != ep->backlog || again.mode != ep->mode ||
      !same_str(again.interface, ep->interface) ||
      !same_str(again.path, ep->path) || !same_str(again.cert, ep->cert) ||
      !same_str(again.key, ep->key))
    abort();
  reed_endpoint_cleanup(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1), err[256];
  reed_endpoint_t ep;
  int rc;

  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  rc = reed_endpoint_parse(s, &ep, err, sizeof(err));
  if (rc == 0)
    check(&ep);
  else if (rc != REED_ESYNTAX || err[0] == '\0')
    abort();
  reed_endpoint_cleanup(&ep);
  free(s);
  if (reed_alloc_live() != 0)
    abort();
  return 0;
}
