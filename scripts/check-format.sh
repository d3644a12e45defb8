#!/bin/sh
# Fails if any tracked or new C file differs from .clang-format.
set -eu
cd "$(dirname "$0")/.."
files=$(find core server config auth protocols bots tests bench -name '*.[ch]' \
  -not -path '*/corpus/*' -not -path '*/node_modules/*' 2>/dev/null | sort)
[ -n "$files" ] || exit 0
# shellcheck disable=SC2086
clang-format --dry-run --Werror $files
