#!/bin/sh
# The first README command: install what is missing, build, run reed on its
# embedded default config (extra arguments go to reed).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/release -j"$(nproc)" --target reed
# reed logs a `listening` line per endpoint; the embedded default's HTTP
# listener is where a browser on this machine opens the web client.
if [ $# -eq 0 ]; then
  echo "web client: http://127.0.0.1:8080/"
fi
exec ./build/release/server/reed "$@"
