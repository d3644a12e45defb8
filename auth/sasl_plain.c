/* SASL PLAIN (RFC 4616): one message, authzid NUL authcid NUL passwd. The
 * mechanism only parses: the password is verified by whoever holds the
 * hashes (the portal, on the worker). */
#include "auth_int.h"

#include <string.h>

/* Splits the message at its two NULs; 0 or a failure. */
static int
split(reed_sasl_t *s, const uint8_t *in, size_t len, size_t *n1, size_t *n2)
{
  const uint8_t *a = memchr(in, '\0', len), *b;

  if (a == NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "PLAIN message without NUL");
  b = memchr(a + 1, '\0', len - (size_t)(a + 1 - in));
  if (b == NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "PLAIN message without passwd");
  if (memchr(b + 1, '\0', len - (size_t)(b + 1 - in)) != NULL)
    return reed__sasl_fail(s, REED_ESYNTAX, "PLAIN message with extra NUL");
  *n1 = (size_t)(a - in);
  *n2 = (size_t)(b - in);
  return 0;
}

static int
check_parts(reed_sasl_t *s, const uint8_t *in, size_t len, size_t n1, size_t n2)
{
  size_t cid_len = n2 - n1 - 1, pw_len = len - n2 - 1;

  if (!reed_utf8_valid(in, len))
    return reed__sasl_fail(s, REED_ESYNTAX, "PLAIN message is not UTF-8");
  if (cid_len == 0)
    return reed__sasl_fail(s, REED_ESYNTAX, "PLAIN authcid is empty");
  if (cid_len > 255 || n1 > 255)
    return reed__sasl_fail(s, REED_ETOOBIG, "PLAIN name too long");
  if (pw_len == 0)
    return reed__sasl_fail(s, REED_ESYNTAX, "PLAIN passwd is empty");
  if (pw_len > REED_AUTH_PASSWORD_MAX)
    return reed__sasl_fail(s, REED_ETOOBIG, "PLAIN passwd too long");
  return 0;
}

int
reed__sasl_plain_step(reed_sasl_t *s, const uint8_t *in, size_t len)
{
  size_t n1 = 0, n2 = 0;
  int rc;

  if (len == 0)
    return reed__sasl_fail(s, REED_ESYNTAX, "empty PLAIN message");
  if ((rc = split(s, in, len, &n1, &n2)) != 0 ||
      (rc = check_parts(s, in, len, n1, n2)) != 0)
    return rc;
  s->authcid = reed_strndup((const char *)in + n1 + 1, n2 - n1 - 1);
  s->password = reed_malloc(len - n2);
  if (s->authcid == NULL || s->password == NULL)
    return reed__sasl_fail(s, REED_ENOMEM, "out of memory");
  memcpy(s->password, in + n2 + 1, len - n2 - 1);
  s->password[len - n2 - 1] = '\0';
  s->password_len = len - n2 - 1;
  /* in[n1] is the first NUL, so the authzid is a C string. */
  if (n1 > 0 && reed__auth_casecmp((const char *)in, s->authcid) != 0)
    return reed__sasl_fail(s, REED_EAUTH, "PLAIN authzid differs");
  s->state = REED__SASL_DONE;
  return REED_SASL_PASSWORD;
}
