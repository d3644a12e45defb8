#!/bin/sh
# bench/xmpp/callgrind.sh: reed's instructions per delivery in a room of
# IRC members, of XMPP occupants, and of a third of each protocol (IRC,
# XMPP, AMP), from one reed process under valgrind's callgrind: the
# counters are zeroed once every member has joined and dumped after the
# last delivery (reed-loadgen --hold), as bench/callgrind.sh does for the
# IRC points. Unlike the rates, the counts do not move with the machine's
# load; the mixed room's cost over the IRC room's is what bounds issue
# 17's "mixed deliveries/s at least 0.7 of IRC-only".
#
# usage: bench/xmpp/callgrind.sh [-n MEMBERS] [-m MESSAGES] [-o DIR]
# Environment: BUILD (build/bench-release), LOADGEN, REED_BIN.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
BUILD=${BUILD:-$root/build/bench-release}
LOADGEN=${LOADGEN:-$BUILD/bench/reed-loadgen}
REED_BIN=${REED_BIN:-$BUILD/server/reed}
n=300 m=30 out=""
while getopts n:m:o: opt; do
  case $opt in
  n) n=$OPTARG ;;
  m) m=$OPTARG ;;
  o) out=$OPTARG ;;
  *) sed -n 10,11p "$0"; exit 2 ;;
  esac
done
[ -n "$out" ] || out=$(mktemp -d /tmp/reed-xcallgrind.XXXXXX)
mkdir -p "$out"
ulimit -n "$(ulimit -H -n)"
cat >"$out/reed.ini" <<CONF
[server]
name = localhost
data_dir = $out/data
registration = open
registration_per_ip = 0
registration_global = 0
log_level = warn
password_hash = min
password_min = 1
max_connections = 100000
max_connections_per_ip = 100000
connect_burst = 0
sendq = 64m
ping_interval = 10m
ping_timeout = 10m
[irc]
listen = tcp:0:interface=127.0.0.1:backlog=4096
flood_burst = 10000
flood_rate = 10000
fakelag = no
[amp]
listen = tcp:0:interface=127.0.0.1:backlog=4096
flood_burst = 10000
flood_rate = 10000
flood_limit = 100000
[xmpp]
listen = tcp:0:interface=127.0.0.1:backlog=4096
require_tls = no
# under valgrind a login can take longer than the default 60 s
negotiation_timeout = 0
CONF
valgrind --tool=callgrind --compress-strings=no --compress-pos=no \
  --callgrind-out-file="$out/reed.cg" \
  "$REED_BIN" --config "$out/reed.ini" 2>"$out/reed.err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
i=0
while [ "$(grep -c 'listening [a-z]* tcp' "$out/reed.err")" -lt 3 ]; do
  i=$((i + 1))
  [ $i -le 1200 ] && kill -0 "$pid" || { echo "reed did not start"; exit 1; }
  sleep 0.1
done
port() { sed -n "s/.*listening $1 tcp [^ ]* \([0-9]*\).*/\1/p" "$out/reed.err" | head -n 1; }
ports="--port $(port irc) --port-amp $(port amp) --port-xmpp $(port xmpp)"

wait_for() { # file text: up to 20 minutes
  i=0
  until grep -q "$2" "$1" 2>/dev/null; do
    kill -0 "$lg" 2>/dev/null || return 1
    [ $i -lt 12000 ] || return 1
    sleep 0.1
    i=$((i + 1))
  done
}

# Accounts for the XMPP members (untimed, not counted).
# shellcheck disable=SC2086
"$LOADGEN" $ports --proto mixed --scenario register --clients "$n" \
  --prefix m --sasl scram --scram-cache "$out/scram" --stall 600 \
  --inflight 20 >/dev/null
xport=$(port xmpp)
# shellcheck disable=SC2086
"$LOADGEN" --port "$xport" --proto xmpp --scenario register --clients "$n" \
  --prefix x --sasl scram --scram-cache "$out/xscram" --stall 600 \
  --inflight 20 >/dev/null

room() { # name, then loadgen arguments
  name=$1
  shift
  "$LOADGEN" "$@" --scenario room --clients "$n" --senders 3 --messages "$m" \
    --window 20 --channel "#$name" --sasl scram --stall 1200 --hold 5 \
    >"$out/$name.out" 2>"$out/$name.err" &
  lg=$!
  if wait_for "$out/$name.err" "joined, holding" &&
    callgrind_control -z "$pid" >/dev/null 2>&1 &&
    wait_for "$out/$name.err" "delivered, holding"; then
    callgrind_control -d "$name" "$pid" >/dev/null 2>&1
  fi
  wait "$lg" || true
  dump=$(ls -t "$out"/reed.cg.* 2>/dev/null | head -n 1)
  ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' "$dump" | head -n 1)
  d=$(sed -n 's/.* deliveries=\([0-9]*\) .*/\1/p' "$out/$name.out")
  echo "$name members=$n deliveries=$d instructions=$ir per_delivery=$((ir / (d > 0 ? d : 1)))"
}

# shellcheck disable=SC2086
room irc --port "$(port irc)" --proto irc --prefix i
room xmpp --port "$xport" --proto xmpp --prefix x --scram-cache "$out/xscram"
# shellcheck disable=SC2086
room mixed $ports --proto mixed --prefix m --scram-cache "$out/scram"
kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
echo "callgrind output in $out"
