#!/bin/sh
# bench.smoke_xmpp REED LOADGEN: a functional check of the load generator's
# XMPP side against reed, not a benchmark. Starts reed with IRC, AMP and
# XMPP on ephemeral ports of 127.0.0.1 (XMPP over plain TCP, as the
# benchmark runs it), registers XMPP accounts in-band, logs them in with
# SCRAM-SHA-1 (the second time from the cached salted passwords), runs an
# XMPP room and a room with a third of its members on each protocol, and
# asserts that every login succeeded and every message arrived once and in
# order. Never asserts a timing.
set -eu
reed=$1 loadgen=$2
tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
cat >"$tmp/reed.ini" <<CONF
[server]
name = localhost
data_dir = $tmp/data
registration = open
registration_per_ip = 0
registration_global = 0
password_hash = min
password_min = 1
connect_burst = 0
max_connections_per_ip = 10000
[irc]
listen = tcp:0:interface=127.0.0.1
flood_burst = 10000
flood_rate = 10000
fakelag = no
[amp]
listen = tcp:0:interface=127.0.0.1
flood_burst = 10000
flood_rate = 10000
[xmpp]
listen = tcp:0:interface=127.0.0.1
require_tls = no
CONF
"$reed" --config "$tmp/reed.ini" 2>"$tmp/reed.err" &
pid=$!
i=0
while [ "$(grep -c 'listening [a-z]* tcp' "$tmp/reed.err")" -lt 3 ]; do
  i=$((i + 1))
  [ $i -le 100 ] && kill -0 "$pid" || { echo "reed did not start"; cat "$tmp/reed.err"; exit 1; }
  sleep 0.1
done
port() { sed -n "s/.*listening $1 tcp [^ ]* \([0-9]*\).*/\1/p" "$tmp/reed.err" | head -n 1; }
irc=$(port irc) amp=$(port amp) xmpp=$(port xmpp)

check() { # name, then loadgen arguments
  name=$1
  shift
  "$loadgen" --stall 20 --pid "$pid" "$@" >"$tmp/$name.out" 2>&1 || {
    echo "$name failed:"; cat "$tmp/$name.out"; exit 1; }
  line=$(grep '^RESULT ' "$tmp/$name.out" | tail -n 1)
  echo "$line"
  case "$line" in *" ok=1"*) ;; *) echo "$name: not ok"; exit 1 ;; esac
}

x="--proto xmpp --port $xmpp --sasl scram --scram-cache $tmp/scram"
# shellcheck disable=SC2086
check register $x --scenario register --clients 30 --inflight 10
# shellcheck disable=SC2086
check logins $x --scenario connect --clients 30 --inflight 10
# shellcheck disable=SC2086
check room $x --scenario room --clients 30 --senders 3 --messages 40 \
  --window 10 --channel '#xsmoke'
check mixreg --proto mixed --port "$irc" --port-amp "$amp" --port-xmpp "$xmpp" \
  --scenario register --clients 30 --prefix m --sasl scram
check mixed --proto mixed --port "$irc" --port-amp "$amp" --port-xmpp "$xmpp" \
  --scenario room --clients 30 --senders 3 --messages 40 --window 10 \
  --prefix m --sasl scram --channel '#msmoke'

# The results must say what ok=1 promises.
grep -q ' registered=30 failed=0 ' "$tmp/logins.out"
grep -q ' scram_computed=0 ' "$tmp/logins.out"
grep -q ' deliveries=3480 expected=3480 loss=0 order_errors=0 ' "$tmp/room.out"
grep -q ' deliveries=3480 expected=3480 loss=0 order_errors=0 ' "$tmp/mixed.out"
kill -TERM "$pid"
wait "$pid"
pid=
echo "bench xmpp smoke: ok"
