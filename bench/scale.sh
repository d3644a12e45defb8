#!/bin/sh
# bench/scale.sh: does an idle client cost the same at every count? Runs the
# idle point (registered IRC clients, a PING round trip each, a pause) at
# each count on a fresh reed, prints the server's RSS growth per client, and
# fails when the largest count costs more per client than the middle one by
# over 10 % (a structure that grows worse than linearly would show there).
# Too heavy for CI (tens of thousands of sockets): run by hand.
#
# usage: bench/scale.sh [-p PROTO] [COUNTS...]   (default: 2000 6000 18000;
#   each count needs that many descriptors in the load generator and in
#   reed: keep it under the open-files hard limit, 20,000 here)
# Environment: BUILD (build/bench-release), LOADGEN, REED_BIN, BENCH_PORT.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build/bench-release}
LOADGEN=${LOADGEN:-$BUILD/bench/reed-loadgen}
export REED_BIN=${REED_BIN:-$BUILD/server/reed}
proto=irc
[ "${1:-}" = -p ] && { proto=$2; shift 2; }
counts=${*:-2000 6000 18000}
ulimit -n "$(ulimit -H -n)"
work=$(mktemp -d /tmp/reed-scale.XXXXXX)
port=${BENCH_PORT:-17600}
name=reed extra=""
[ "$proto" = amp ] && { name=reed-amp extra="--proto amp"; }
echo "count bytes_per_client rss_before_kb rss_after_kb"
out=""
for n in $counts; do
  port=$((port + 1))
  "$here/peers/start.sh" "$name" "$work/$n" "$port" >"$work/$n.log" 2>&1 &
  pid=$!
  i=0
  while ! ss -ltn | grep -q ":$port " && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
  # shellcheck disable=SC2086
  "$LOADGEN" $extra --port "$port" --prefix s --scenario idle --clients "$n" \
    --inflight 1000 --spread 50 --stall 60 --pid "$pid" >"$work/$n.out" 2>&1 || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  res=$(grep '^RESULT ' "$work/$n.out" | tail -n 1)
  case $res in *" ok=1"*) ;; *) echo "count $n failed: $res" >&2; exit 1 ;; esac
  b=$(echo "$res" | sed 's/.*bytes_per_client=\([0-9]*\).*/\1/')
  rb=$(echo "$res" | sed 's/.*rss_before_kb=\([0-9]*\).*/\1/')
  ra=$(echo "$res" | sed 's/.*rss_after_kb=\([0-9]*\).*/\1/')
  echo "$n $b $rb $ra"
  out="$out $b"
done
# shellcheck disable=SC2086
set -- $out
[ $# -ge 2 ] || exit 0
last=$(eval echo "\${$#}")
mid=$(eval echo "\${$(( ($# + 1) / 2 ))}")
if [ $((last * 10)) -gt $((mid * 11)) ]; then
  echo "per-client memory rises with the count: $mid B -> $last B" >&2
  exit 1
fi
echo "ok: per-client memory does not rise with the count ($mid B -> $last B)"
rm -rf "$work"
