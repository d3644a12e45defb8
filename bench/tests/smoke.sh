#!/bin/sh
# bench.smoke RELAY LOADGEN: a functional check of the load generator, not a
# benchmark. Starts the relay on an ephemeral port, runs the connect, idle
# and room scenarios briefly and asserts that every client registered and
# every message arrived once and in order. Never asserts a timing.
set -eu
relay=$1 loadgen=$2
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
"$relay" 0 >"$tmp/relay.out" 2>"$tmp/relay.err" &
pid=$!
i=0
while ! grep -q '^listening irc tcp' "$tmp/relay.out"; do
  i=$((i + 1))
  [ $i -le 100 ] || { echo "relay did not start"; cat "$tmp/relay.err"; exit 1; }
  sleep 0.1
done
port=$(awk '/^listening irc tcp/ {print $5; exit}' "$tmp/relay.out")

check() { # name, then loadgen arguments
  name=$1
  shift
  "$loadgen" --port "$port" --stall 20 "$@" >"$tmp/$name.out" || {
    echo "$name failed:"; cat "$tmp/$name.out"; exit 1; }
  line=$(grep '^RESULT ' "$tmp/$name.out" | tail -n 1)
  echo "$line"
  case "$line" in *" ok=1"*) ;; *) echo "$name: not ok"; exit 1 ;; esac
}

check connect --scenario connect --clients 300 --inflight 100 --prefix c \
  --spread 4
check idle --scenario idle --clients 200 --prefix i --pid "$pid"
check room --scenario room --clients 40 --senders 4 --messages 200 \
  --window 10 --prefix r --channel '#smoke'
check paced --scenario room --clients 10 --senders 2 --messages 5 --rate 50 \
  --prefix p --channel '#paced'

# The results must say what ok=1 promises.
grep -q ' registered=300 failed=0 ' "$tmp/connect.out"
grep -q ' bytes_per_client=' "$tmp/idle.out"
grep -q ' deliveries=31200 expected=31200 loss=0 order_errors=0 ' \
  "$tmp/room.out"
grep -q ' deliveries=90 expected=90 loss=0 order_errors=0 ' "$tmp/paced.out"
kill -TERM "$pid"
wait "$pid"
pid=
echo "bench smoke: ok"
