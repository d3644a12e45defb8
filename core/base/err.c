/* Error names and messages, generated from REED_ERRNO_MAP. */
#include "base.h"

const char *
reed_strerror(int err)
{
  switch (err) {
  case 0:
    return "success";
#define X(name, val, msg)                                                      \
  case val:                                                                    \
    return msg;
    REED_ERRNO_MAP(X)
#undef X
  }
  return "unknown error";
}

const char *
reed_err_name(int err)
{
  switch (err) {
  case 0:
    return "OK";
#define X(name, val, msg)                                                      \
  case val:                                                                    \
    return #name;
    REED_ERRNO_MAP(X)
#undef X
  }
  return "EUNKNOWN";
}
