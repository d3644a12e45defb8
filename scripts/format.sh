#!/bin/sh
# Rewrites every C file in place to .clang-format.
set -eu
cd "$(dirname "$0")/.."
find core server config auth protocols bots tests bench -name '*.[ch]' \
  -not -path '*/corpus/*' -print0 2>/dev/null | xargs -0 -r clang-format -i
