#!/bin/sh
# The first README command: install what is missing, build, run reed on its
# embedded default config (extra arguments go to reed).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc)" --target reed
exec ./build/release/server/reed "$@"
