/* The web client's files: everything under web/ is compiled into the
 * binary (embed_web.cmake makes the table), so reed serves its browser
 * client with no install step and no file-system access. "/" is
 * index.html; each file has a strong ETag (a hash of its bytes, made at
 * build time), answers If-None-Match with 304, and is revalidated on each
 * use (Cache-Control: no-cache: names carry no version, so a rebuilt
 * reed must not leave stale modules in a browser). */
#include "http_int.h"

#include <string.h>

const char reed__http_csp_pages[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static int
hexval(char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* The file name a path asks for, percent-decoded; 0, or REED_EINVAL for
 * a name no embedded file can have (NUL, backslash, a dot segment). */
static int
file_name(const char *path, char *out, size_t size)
{
  size_t n = 0;

  for (const char *s = path + 1; *s != '\0'; s++) {
    char ch = *s;
    if (ch == '%') {
      int hi = hexval(s[1]), lo = hi >= 0 ? hexval(s[2]) : -1;
      if (lo < 0)
        return REED_EINVAL;
      ch = (char)(hi * 16 + lo);
      s += 2;
    }
    if (ch == '\0' || ch == '\\' || n + 1 >= size)
      return REED_EINVAL;
    out[n++] = ch;
  }
  out[n] = '\0';
  if (n == 0 || out[n - 1] == '/')
    return reed_strlcpy(out + n, "index.html", size - n) < size - n
               ? 0
               : REED_EINVAL;
  if (strstr(out, "..") != NULL || out[0] == '/')
    return REED_EINVAL;
  return 0;
}

/* Does If-None-Match list this ETag (weak comparison, RFC 9110 13.1.2)? */
static bool
etag_matches(const char *inm, const char *etag)
{
  size_t n = strlen(etag);

  if (inm == NULL)
    return false;
  while (*inm != '\0') {
    inm += strspn(inm, " \t,");
    if (inm[0] == '*')
      return true;
    if (strncmp(inm, "W/", 2) == 0)
      inm += 2;
    if (strncmp(inm, etag, n) == 0 &&
        (inm[n] == '\0' || inm[n] == ',' || inm[n] == ' '))
      return true;
    inm += strcspn(inm, ",");
  }
  return false;
}

/* The file's bytes as a shared buffer, made once per process. */
static reed_buf_t *
file_buf(const reed_http_req_t *req, size_t i)
{
  reed_http_state_t *st = req->env->module_state;
  const reed_http_file_t *f = &reed__http_files[i];

  if (st == NULL)
    return reed_buf_from(f->data, f->len);
  if (st->files == NULL &&
      (st->files = reed_calloc(reed__http_n_files, sizeof(*st->files))) == NULL)
    return NULL;
  if (st->files[i] == NULL)
    st->files[i] = reed_buf_from(f->data, f->len);
  return st->files[i] != NULL ? reed_buf_ref(st->files[i]) : NULL;
}

int
reed__http_static(const reed_http_req_t *req, reed_http_res_t *res)
{
  char name[512];
  size_t i;
  reed_buf_t *body;
  int rc;

  if (file_name(req->path, name, sizeof(name)) != 0)
    return reed_http_error(res, 404, "Not Found");
  for (i = 0; i < reed__http_n_files; i++)
    if (strcmp(reed__http_files[i].path, name) == 0)
      break;
  if (i == reed__http_n_files)
    return reed_http_error(res, 404, "Not Found");
  if ((rc = reed_http_res_header(res, "ETag", reed__http_files[i].etag)) ||
      (rc = reed_http_res_header(res, "Cache-Control", "no-cache")) ||
      (rc = reed_http_res_header(res, "Content-Security-Policy",
                                 reed__http_csp_pages)))
    return rc;
  if (etag_matches(reed_http_header(req, "If-None-Match"),
                   reed__http_files[i].etag))
    return reed_http_respond(res, 304, NULL, NULL);
  if ((body = file_buf(req, i)) == NULL)
    return REED_ENOMEM;
  rc = reed_http_respond(res, 200, reed__http_mime(name), body);
  reed_buf_unref(body);
  return rc;
}
