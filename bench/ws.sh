#!/bin/sh
# bench/ws.sh: the WebSocket fan-out cost next to TCP's (issue 19's note):
# one reed with an IRC listener and an [http] listener, and for each room
# size the same room scenario run by the load generator over TCP and then
# over IRC-over-WebSocket (--proto ircws, /irc), against the same server
# process, alternating RUNS times; prints one line per run with
# deliveries/s and the server's CPU seconds per million deliveries, and
# the medians. Measure on a quiet machine.
#
# usage: bench/ws.sh [RUNS] [SIZES]   (SIZES: "100 1000", the room sizes)
#   BUILD=build/bench-release (reed and reed-loadgen from there)
#   quick=1 bench/ws.sh 1 "40": a functional check with small figures.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
BUILD=${BUILD:-$root/build/bench-release}
REED_BIN=${REED_BIN:-$BUILD/server/reed}
LOADGEN=${LOADGEN:-$BUILD/bench/reed-loadgen}
runs=${1:-3}
sizes=${2:-"100 1000"}
tmp=$(mktemp -d /tmp/reed-ws-bench.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
ulimit -n "$(ulimit -H -n)"
cat >"$tmp/reed.ini" <<CONF
[server]
name = bench.reed
data_dir = $tmp/data
log_level = info
password_hash = min
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

[http]
listen = tcp:0:interface=127.0.0.1:backlog=4096
CONF
"$REED_BIN" --config "$tmp/reed.ini" 2>"$tmp/reed.log" &
pid=$!
i=0
until [ "$(grep -c '^.*listening \(irc\|http\) tcp' "$tmp/reed.log")" -ge 2 ]; do
  i=$((i + 1))
  [ $i -le 100 ] || { echo "reed did not start"; cat "$tmp/reed.log"; exit 1; }
  sleep 0.1
done
irc=$(awk '/listening irc tcp/ {print $NF; exit}' "$tmp/reed.log")
http=$(awk '/listening http tcp/ {print $NF; exit}' "$tmp/reed.log")

args() { # members
  if [ "${quick:-0}" = 1 ]; then
    echo "--clients $1 --senders 2 --messages 20 --window 10"
  elif [ "$1" -ge 1000 ]; then
    echo "--clients $1 --senders 2 --messages 250 --window 20 --stall 60"
  else
    echo "--clients $1 --senders 10 --messages 500 --window 20"
  fi
}

field() { # name line
  echo "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'
}

n=0
for size in $sizes; do
  for r in $(seq 1 "$runs"); do
    for t in irc ircws; do
      n=$((n + 1))
      port=$irc
      [ $t = ircws ] && port=$http
      # shellcheck disable=SC2046
      "$LOADGEN" --proto $t --port "$port" --scenario room --pid "$pid" \
        --prefix "w$n" --channel "#ws$n" $(args "$size") >"$tmp/$n.out" || true
      line=$(grep '^RESULT ' "$tmp/$n.out" | tail -n 1)
      ok=$(field ok "$line")
      dps=$(field deliveries_per_s "$line")
      del=$(field deliveries "$line")
      cpu=$(field server_cpu_s "$line")
      per=$(awk -v c="${cpu:-0}" -v d="${del:-0}" \
        'BEGIN { if (d > 0) printf "%.2f", c * 1e6 / d; else print "-" }')
      echo "size=$size run=$r transport=$t ok=${ok:-0} deliveries_per_s=${dps:--} server_cpu_s_per_1e6=$per p50_us=$(field p50_us "$line") p99_us=$(field p99_us "$line")" |
        tee -a "$tmp/all.txt"
      [ "${ok:-0}" = 1 ] || { echo "run failed:"; tail -n 3 "$tmp/$n.out"; exit 1; }
    done
  done
done
echo "medians:"
for size in $sizes; do
  for t in irc ircws; do
    med=$(grep "size=$size .*transport=$t " "$tmp/all.txt" |
      sed 's/.*deliveries_per_s=\([0-9]*\).*/\1/' | sort -n |
      awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    cpu=$(grep "size=$size .*transport=$t " "$tmp/all.txt" |
      sed 's/.*server_cpu_s_per_1e6=\([0-9.]*\).*/\1/' | sort -n |
      awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "size=$size transport=$t deliveries_per_s=$med server_cpu_s_per_1e6_deliveries=$cpu"
  done
done
