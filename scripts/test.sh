#!/bin/sh
# The second README command: install what is missing, build twice (gcc, and
# clang with ASan+UBSan+libFuzzer) and run every test in both builds.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh test
jobs=$(nproc)
cmake -S . -B build/plain -DCMAKE_C_COMPILER=gcc >/dev/null
cmake --build build/plain -j"$jobs"
cmake -S . -B build/asan -DCMAKE_C_COMPILER=clang -DREED_ASAN=ON \
  -DREED_UBSAN=ON -DREED_FUZZ=ON >/dev/null
cmake --build build/asan -j"$jobs"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
rc=0
(cd build/plain && ctest --output-on-failure -j"$jobs") || rc=1
(cd build/asan && ctest --output-on-failure -j"$jobs") || rc=1
exit $rc
