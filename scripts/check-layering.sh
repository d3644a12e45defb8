#!/bin/sh
# The model includes libc, server/base and its own files, nothing else;
# base includes libc only (docs/design.md, The arrows: they point down).
set -eu
cd "$(dirname "$0")/.."
bad=0
check() { # dir allowed-quoted-include-regex
  hits=$(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$1" \
    | grep -vE "$2" || true)
  if [ -n "$hits" ]; then
    echo "$1 includes something above it:"; echo "$hits"; bad=1
  fi
  libs=$(grep -rnE '#[[:space:]]*include[[:space:]]*<(uv\.h|openssl/|expat\.h|sqlite3\.h|sodium|strophe\.h)' "$1" || true)
  if [ -n "$libs" ]; then
    echo "$1 includes a library header:"; echo "$libs"; bad=1
  fi
}
check server/base '#[[:space:]]*include[[:space:]]*"[a-z_]+\.h"'
check server/model '#[[:space:]]*include[[:space:]]*"(\.\./base/base\.h|[a-z_]+\.h)"'
exit $bad
