#!/bin/sh
# run_fuzz.sh FUZZER CORPUS WORKDIR SECONDS: fuzzes briefly, writing new
# inputs to WORKDIR (never into the committed corpus).
set -eu
fuzzer=$1 corpus=$2 work=$3 secs=$4
mkdir -p "$work"
exec "$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work" "$corpus"
