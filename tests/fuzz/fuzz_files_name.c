/* Fuzzes what core/files makes of names and types that come from URLs and
 * headers: the input, cut at its first NUL, is a percent-encoded path
 * segment and a content type. A decoded name that is valid encodes back
 * to a segment that decodes to it; the Content-Disposition's quoted
 * filename holds only printable ASCII without '"', '\\' or ';'; the
 * served type is always on the allow list or application/octet-stream,
 * and only the allow list is inline. */
#include "files.h"

#include <stdlib.h>
#include <string.h>

static void
check(int cond)
{
  if (!cond)
    abort();
}

static void
check_name(const char *name)
{
  char enc[REED_FILES_NAME_MAX * 3 + 1], back[REED_FILES_NAME_MAX + 1];
  char disp[REED_FILES_NAME_MAX * 4 + 64];
  const char *q, *end;

  reed_files_pct_encode(name, enc, sizeof(enc));
  check(reed_files_pct_decode(enc, strlen(enc), back, sizeof(back)) == 0);
  check(strcmp(back, name) == 0);
  reed_files_disposition(name, false, disp, sizeof(disp));
  q = strstr(disp, "filename=\"");
  check(q != NULL);
  q += 10;
  end = strchr(q, '"');
  check(end != NULL);
  for (; q < end; q++)
    check(*q >= 0x20 && *q < 0x7f && *q != '\\' && *q != ';');
}

static void
check_type(const char *type)
{
  char out[REED_FILES_TYPE_MAX + 32];
  bool inl;

  reed_files_served_type(type, &inl, out, sizeof(out));
  if (!inl) {
    check(strcmp(out, "application/octet-stream") == 0);
    return;
  }
  check(strncmp(out, "image/", 6) == 0 || strncmp(out, "audio/", 6) == 0 ||
        strncmp(out, "video/", 6) == 0 ||
        strcmp(out, "text/plain; charset=utf-8") == 0);
  check(strstr(out, "svg") == NULL && strstr(out, "html") == NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1), name[REED_FILES_NAME_MAX + 1];

  if (s == NULL)
    return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  if (reed_files_pct_decode(s, strlen(s), name, sizeof(name)) == 0 &&
      reed_files_name_valid(name))
    check_name(name);
  if (reed_files_type_valid(s))
    check_type(s);
  check_type(s);
  free(s);
  return 0;
}
