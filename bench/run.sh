#!/bin/sh
# bench/run.sh: runs issue 9's benchmark points against each server, each
# run on a fresh server process, and writes the medians and the ratios to
# the relay into bench/RESULTS.md (bench/README.md explains the points).
#
# usage: bench/run.sh [-r RUNS] [-s "SERVERS"] [-p "POINTS"] [-o OUT.md] [-q]
#   -r  runs per point (3); -q quick sizes, for trying the harness
#   -s  servers among: relay reed reed-base unreal ngircd inspircd ergo
#       (all found), and
#       reed-amp (reed's AMP listener; only for the amp_* points)
#   -p  points among: idle connect fan100 fan1000 light bigroom (all), and
#       amp_idle amp_fan100 amp_fan1000 (issue 10: AMP clients that Register,
#       then idle, or Join and Say; run with -s reed-amp)
# Environment: BUILD (build/bench-release), LOADGEN, RELAY_BIN, REED_BIN,
# REED_BASE_BIN (server reed-base: an older reed for a before/after in one
# run; its own START script if its config keys differ, see callgrind.sh),
# UNREAL_BIN (server unreal, run as nobody: see peers/start.sh),
# REED_COMMIT (the commit REED_BIN was built from, for the report),
# ERGO_BIN and ERGO_SRC (ergo's source tree: default.yaml, ergo.motd),
# NGIRCD_BIN, INSPIRCD_BIN, BENCH_PORT (first port, 17200).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build/bench-release}
export LOADGEN=${LOADGEN:-$BUILD/bench/reed-loadgen}
export RELAY_BIN=${RELAY_BIN:-$BUILD/bench/reed-relay}
export REED_BIN=${REED_BIN:-$BUILD/server/reed}
export ERGO_BIN=${ERGO_BIN:-/work/peers/ergo-bin/ergo}
export ERGO_SRC=${ERGO_SRC:-/work/peers/ergo-src}
export NGIRCD_BIN=${NGIRCD_BIN:-/usr/sbin/ngircd}
export INSPIRCD_BIN=${INSPIRCD_BIN:-/usr/sbin/inspircd}
export UNREAL_BIN=${UNREAL_BIN:-/work/peers/unreal/bin/unrealircd}
args="$*"
runs=3 servers="relay reed unreal ngircd inspircd ergo" quick=0
points="idle connect fan100 fan1000 light bigroom"
out=$here/RESULTS.md
while getopts r:s:p:o:q opt; do
  case $opt in
  r) runs=$OPTARG ;;
  s) servers=$OPTARG ;;
  p) points=$OPTARG ;;
  o) out=$OPTARG ;;
  q) quick=1 ;;
  *) sed -n 2,12p "$0"; exit 2 ;;
  esac
done
ulimit -n "$(ulimit -H -n)"
work=$(mktemp -d /tmp/reed-bench.XXXXXX)
raw=$work/raw.txt
port=${BENCH_PORT:-17200}
: >"$raw"

# The loadgen arguments of each point (a quick run shrinks them).
. "$here/points.sh"

# Handshakes in flight while a point that does not measure connecting sets up
# its clients. ngircd listens with a fixed backlog of 10, so a burst of more
# loses SYNs to retransmission back-off (seconds); its setup goes gently.
# The connect point itself uses 1,000 for every server.
setup_inflight() { # server point
  if [ "$1" = ngircd ] && [ "$2" != connect ]; then echo 8; else echo 1000; fi
}

server_bin() {
  case $1 in
  relay) echo "$RELAY_BIN" ;;
  reed | reed-amp) echo "$REED_BIN" ;;
  reed-base) echo "${REED_BASE_BIN:-}" ;;
  ngircd) echo "$NGIRCD_BIN" ;;
  inspircd) echo "$INSPIRCD_BIN" ;;
  unreal) echo "$UNREAL_BIN" ;;
  ergo) echo "$ERGO_BIN" ;;
  esac
}

wait_port() { # port: up to 15 s for the listener
  /usr/bin/python3 - "$1" <<'PY'
import socket, sys, time
deadline = time.time() + 15
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

stop() { # pid: TERM, then KILL after 5 s
  kill -TERM "$1" 2>/dev/null || return 0
  i=0
  while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# One run: a fresh server, one loadgen invocation, one RESULT line kept.
run_one() { # server point run
  dir=$work/$1-$2-$3
  port=$((port + 1))
  "$here/peers/start.sh" "$1" "$dir" "$port" >"$dir.log" 2>&1 &
  pid=$!
  if ! wait_port "$port"; then
    echo "$1 $2 $3 RESULT ok=0 phase=start" >>"$raw"
    stop "$pid"
    return
  fi
  sleep 0.5
  extra=""
  case $2 in idle | amp_idle) extra="--pid $pid" ;; esac
  # shellcheck disable=SC2046
  [ "$2" = connect ] || extra="$extra --inflight $(setup_inflight "$1" "$2")"
  "$LOADGEN" --port "$port" --prefix "b$3" --channel "#bench$3" \
    $(point_args "$2") $extra >"$dir.out" 2>"$dir.err" || true
  res=$(grep '^RESULT ' "$dir.out" | tail -n 1)
  echo "$1 $2 $3 ${res:-RESULT ok=0 phase=loadgen}" >>"$raw"
  echo "$1 $2 $3 ${res:-no result}" | cut -c1-200
  stop "$pid"
  sleep 1
}

{
  echo "command=bench/run.sh $args"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "cores=$(nproc)"
  echo "mem=$(free -m | awk '/Mem:/ {print $2}') MiB"
  echo "kernel=$(uname -r)"
  echo "load_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "reed=${REED_COMMIT:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
  [ -z "${REED_BASE_BIN:-}" ] || echo "reed_base=${REED_BASE_COMMIT:-$REED_BASE_BIN}"
  echo "ngircd=$("$NGIRCD_BIN" -V 2>&1 | head -n 1 || true)"
  echo "inspircd=$("$INSPIRCD_BIN" --version 2>&1 | head -n 1 || true)"
  [ ! -x "$ERGO_BIN" ] || echo "ergo=$("$ERGO_BIN" --version 2>&1 | head -n 1)"
  [ ! -x "$UNREAL_BIN" ] || echo "unreal=$(strings "$UNREAL_BIN" | grep -m1 '^UnrealIRCd-[0-9]')"
  echo "quick=$quick"
  echo "runs=$runs"
} >"$work/machine.txt"

for point in $points; do
  for s in $servers; do
    case $point:$s in # AMP points run on reed-amp only, IRC points never
    amp_*:reed-amp | [!a]*:[!r]* | [!a]*:reed | [!a]*:reed-base | [!a]*:relay) ;;
    *) continue ;;
    esac
    bin=$(server_bin "$s")
    if [ ! -x "$bin" ]; then
      echo "$s $point 0 RESULT ok=0 phase=missing" >>"$raw"
      continue
    fi
    r=1
    while [ $r -le "$runs" ]; do
      run_one "$s" "$point" "$r"
      r=$((r + 1))
    done
  done
done
echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/machine.txt"

for point in $points; do
  echo "$point: $(point_args "$point")" >>"$work/points.txt"
done
/usr/bin/python3 "$here/report.py" "$work/machine.txt" "$work/points.txt" \
  "$raw" >"$work/report.md"
# The XMPP idle section (xmpp_idle/xmpp_idle.py) is not ours: keep it.
[ -f "$out" ] && sed -n '/^<!-- xmpp_idle:/,/^<!-- xmpp_idle end -->/p' \
  "$out" >"$work/xmpp_idle.md"
cat "$work/report.md" >"$out"
[ -s "$work/xmpp_idle.md" ] && { echo; cat "$work/xmpp_idle.md"; } >>"$out"
echo "wrote $out (raw results and logs in $work)"
