#!/bin/sh
# bench/callgrind.sh: reed's fan-out cost in instructions per delivery, which
# unlike run.sh's rates does not depend on the machine's load. For each
# point it runs reed under callgrind (through peers/start.sh) and the load
# generator with the point's run.sh arguments plus --hold: the counters are
# zeroed once every member has joined and dumped after the last delivery,
# so the figure is the reed process's instructions (net, model, protocol,
# libuv, libc; not the kernel) for sending and delivering, divided by the
# deliveries.
#
# usage: bench/callgrind.sh [-p "POINTS"] [-o DIR] [-q]
#   -p  points among fan100 fan1000 amp_fan100 amp_fan1000 (fan100 fan1000)
#   -o  where the profiles go (a new temp directory): DIR/POINT.out, for
#       callgrind_annotate
#   -q  run.sh's quick sizes
# Environment: BUILD, LOADGEN, REED_BIN as in run.sh; START, the start
# script (peers/start.sh; an older reed whose config lacks a key needs the
# start.sh of its own tree); BENCH_PORT (17400).
# Prints "POINT ir=N deliveries=D ir_per_delivery=X" per point.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build/bench-release}
LOADGEN=${LOADGEN:-$BUILD/bench/reed-loadgen}
export REED_BIN=${REED_BIN:-$BUILD/server/reed}
START=${START:-$here/peers/start.sh}
points="fan100 fan1000" out="" quick=0
while getopts p:o:q opt; do
  case $opt in
  p) points=$OPTARG ;;
  o) out=$OPTARG ;;
  q) quick=1 ;;
  *) sed -n 11,19p "$0"; exit 2 ;;
  esac
done
. "$here/points.sh"
[ -n "$out" ] || out=$(mktemp -d /tmp/reed-callgrind.XXXXXX)
mkdir -p "$out"
ulimit -n "$(ulimit -H -n)"
port=${BENCH_PORT:-17400}

wait_for() { # file text: up to 20 min (callgrind is ~50x slower)
  i=0
  until grep -q "$2" "$1" 2>/dev/null; do
    kill -0 "$lg" 2>/dev/null || return 1
    [ $i -lt 12000 ] || return 1
    sleep 0.1
    i=$((i + 1))
  done
}

run_point() { # point
  work=$out/$1.run
  rm -rf "$work" "$out/$1.out"*
  mkdir -p "$work"
  # start.sh execs REED_BIN; valgrind then runs reed in the same process.
  cat >"$work/wrap.sh" <<W
#!/bin/sh
exec valgrind --tool=callgrind --callgrind-out-file=$out/$1.out "$REED_BIN" "\$@"
W
  chmod +x "$work/wrap.sh"
  case $1 in amp_*) name=reed-amp ;; *) name=reed ;; esac
  port=$((port + 1))
  REED_BIN=$work/wrap.sh "$START" "$name" "$work/srv" "$port" \
    >"$work/server.log" 2>&1 &
  pid=$!
  i=0
  until /usr/bin/python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 600 ]; then
      echo "$1 no listener (see $work/server.log)"
      kill "$pid" 2>/dev/null || true
      return
    fi
    sleep 0.1
    i=$((i + 1))
  done
  # shellcheck disable=SC2046
  "$LOADGEN" --port "$port" --prefix b1 --channel '#bench1' \
    $(point_args "$1") --inflight 1000 --stall 1200 --hold 5 \
    >"$work/loadgen.out" 2>"$work/loadgen.err" &
  lg=$!
  if wait_for "$work/loadgen.err" "joined, holding" &&
    callgrind_control -z "$pid" >>"$work/control.log" 2>&1 &&
    wait_for "$work/loadgen.err" "delivered, holding"; then
    callgrind_control -d "$pid" >>"$work/control.log" 2>&1
  fi
  wait "$lg" || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  res=$(grep '^RESULT ' "$work/loadgen.out" | tail -n 1)
  d=$(echo "$res" | sed -n 's/.* deliveries=\([0-9]*\) .*/\1/p')
  ir=$(sed -n 's/^summary: //p' "$out/$1.out.1" 2>/dev/null || true)
  case "$res" in *" ok=1"*) ;; *) d="" ;; esac
  if [ -z "$d" ] || [ -z "$ir" ]; then
    echo "$1 failed (see $work)"
    return
  fi
  mv "$out/$1.out.1" "$out/$1.out"
  rm -rf "$work/srv"
  echo "$1 ir=$ir deliveries=$d ir_per_delivery=$(echo "scale=1; $ir / $d" | bc)"
}

for p in $points; do
  run_point "$p"
done
echo "profiles in $out (callgrind_annotate $out/POINT.out)"
