#!/bin/sh
# expect_missing.sh CMAKE BUILD_DIR TARGET HEADER: building TARGET must fail,
# and fail because HEADER is not on its include path.
set -u
out=$("$1" --build "$2" --target "$3" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
  echo "$3 compiled: an include of $4 crossed the floors"; exit 1
fi
if ! printf '%s\n' "$out" | grep -qE "$4.*(No such file|file not found)"; then
  echo "$3 failed for another reason:"; printf '%s\n' "$out" | tail -20; exit 1
fi
echo "$3: $4 is out of reach, as it should be"
