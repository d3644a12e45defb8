#!/bin/sh
# bench/callgrind_cost.sh: reed's instructions per registration and per JOIN
# into a big room (issue 20), counted by valgrind's callgrind, which the
# machine's load does not move (rates do).
#   reg N       N clients register, 100 handshakes in flight: counters
#               zeroed once the listener is up, dumped when every client
#               has its 001; instructions / N.
#   join N      N members join one room with 8 JOINs in flight (bigjoin's
#               pacing): counters zeroed when all are registered (loadgen
#               --hold announces it), dumped once everyone has seen
#               everyone; instructions / N.
# usage: bench/callgrind_cost.sh [-o DIR] reg 1000 join 1000 join 3000 ...
# Environment: BUILD (build/bench-release), LOADGEN, REED_BIN, START.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build/bench-release}
LOADGEN=${LOADGEN:-$BUILD/bench/reed-loadgen}
export REED_BIN=${REED_BIN:-$BUILD/server/reed}
START=${START:-$here/peers/start.sh}
out=""
[ "${1:-}" = -o ] && { out=$2; shift 2; }
[ -n "$out" ] || out=$(mktemp -d /tmp/reed-cgcost.XXXXXX)
mkdir -p "$out"
ulimit -n "$(ulimit -H -n)"
port=${BENCH_PORT:-17450}

wait_for() { # file text: up to 20 min (callgrind is ~50x slower)
  i=0
  until grep -q "$2" "$1" 2>/dev/null; do
    kill -0 "$lg" 2>/dev/null || return 1
    [ $i -lt 12000 ] || return 1
    sleep 0.1
    i=$((i + 1))
  done
}

run() { # kind n
  name=$1-$2 work=$out/$1-$2.run
  rm -rf "$work" "$out/$name.out"*
  mkdir -p "$work"
  cat >"$work/wrap.sh" <<W
exec valgrind --tool=callgrind --callgrind-out-file=$out/$name.out "$REED_BIN" "\$@"
W
  chmod +x "$work/wrap.sh"
  port=$((port + 1))
  REED_BIN=$work/wrap.sh "$START" reed "$work/srv" "$port" \
    >"$work/server.log" 2>&1 &
  pid=$!
  i=0
  until /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 600 ]; then
      echo "$name: no listener (see $work/server.log)"
      return
    fi
    sleep 0.1
    i=$((i + 1))
  done
  if [ "$1" = reg ]; then
    callgrind_control -z "$pid" >>"$work/control.log" 2>&1
    "$LOADGEN" --port "$port" --prefix r --scenario idle --clients "$2" \
      --inflight 100 --spread 50 --stall 1200 --hold 5 \
      >"$work/loadgen.out" 2>"$work/loadgen.err" &
    lg=$!
    wait_for "$work/loadgen.err" "settled, holding" &&
      callgrind_control -d "$pid" >>"$work/control.log" 2>&1
  else
    "$LOADGEN" --port "$port" --prefix j --channel '#big' --scenario room \
      --clients "$2" --senders 1 --messages 1 --window 1 --spread 50 \
      --join-inflight 8 --stall 1200 --hold 5 \
      >"$work/loadgen.out" 2>"$work/loadgen.err" &
    lg=$!
    wait_for "$work/loadgen.err" "registered, holding" &&
      callgrind_control -z "$pid" >>"$work/control.log" 2>&1 &&
      wait_for "$work/loadgen.err" "joined, holding" &&
      callgrind_control -d "$pid" >>"$work/control.log" 2>&1
  fi
  wait "$lg" || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  ir=$(sed -n 's/^summary: //p' "$out/$name.out.1" 2>/dev/null || true)
  if [ -z "$ir" ] || ! grep -q ' ok=1' "$work/loadgen.out"; then
    echo "$name failed (see $work)"
    return
  fi
  mv "$out/$name.out.1" "$out/$name.out"
  rm -rf "$work/srv"
  echo "$name ir=$ir ir_per_$1=$((ir / $2))"
}

while [ $# -ge 2 ]; do
  run "$1" "$2"
  shift 2
done
echo "profiles in $out (callgrind_annotate --inclusive=yes $out/KIND-N.out)"
