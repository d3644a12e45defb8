#!/bin/sh
# bench/peers/start.sh NAME DIR PORT: writes NAME's benchmark config into
# DIR and runs the server in the foreground on 127.0.0.1:PORT (the caller
# backgrounds it and keeps the PID). Every peer gets generous limits as its
# own documentation allows: no per-IP or connection-rate limits, no fakelag
# or flood penalty for normal traffic, big send queues, no DNS or ident
# lookups, so the benchmark measures throughput, not throttling.
#
# Binaries: RELAY_BIN (bench's relay), REED_BIN, ERGO_BIN, NGIRCD_BIN
# (default /usr/sbin/ngircd), INSPIRCD_BIN (default /usr/sbin/inspircd).
set -eu
name=$1 dir=$2 port=$3
mkdir -p "$dir"

ngircd_conf() {
  cat >"$dir/ngircd.conf" <<CONF
[Global]
	Name = bench.ngircd
	Info = reed bench
	Listen = 127.0.0.1
	Ports = $port
	MotdPhrase = bench
	PidFile = $dir/ngircd.pid
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxNickLength = 30
	MaxPenaltyTime = 0
	PingTimeout = 600
	PongTimeout = 600
[Options]
	DNS = no
	Ident = no
	PAM = no
	RequireAuthPing = no
[Operator]
	Name = bench
	Password = bench
CONF
}

inspircd_conf() {
  echo bench >"$dir/motd"
  cat >"$dir/inspircd.conf" <<CONF
<server name="bench.inspircd" description="reed bench" network="bench">
<admin name="bench" nick="bench" email="bench@localhost">
<bind address="127.0.0.1" port="$port" type="clients">
<connect name="bench" allow="*" timeout="60" pingfreq="600"
         hardsendq="1G" softsendq="64M" recvq="1M"
         threshold="1000000" commandrate="100000000" fakelag="no"
         localmax="100000" globalmax="100000" maxconnwarn="no"
         maxchans="100" resolvehostnames="no" useident="no"
         limit="100000">
<class name="Bench" commands="*" privs="users/flood/no-throttle users/flood/increased-buffers" usermodes="*" chanmodes="*">
<type name="Bench" classes="Bench">
<oper name="bench" password="bench" host="*@*" type="Bench">
<files motd="$dir/motd">
<pid file="$dir/inspircd.pid">
<channels users="100" opers="100">
<limits maxnick="30">
<performance softlimit="20000" somaxconn="4096" clonesonconnect="no"
             quietbursts="yes">
<options syntaxhints="no" announcets="yes" exemptchanops="">
<security maxtargets="20" userstats="Pu">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default"
     target="$dir/inspircd.log">
CONF
}

ergo_conf() {
  [ -n "${ERGO_SRC:-}" ] || { echo "ERGO_SRC is not set" >&2; exit 2; }
  cp "$ERGO_SRC/ergo.motd" "$dir/ergo.motd"
  /usr/bin/python3 "$(dirname "$0")/ergo_conf.py" "$ERGO_SRC/default.yaml" \
    "$dir" "$port" >"$dir/ergo.yaml"
}

# UnrealIRCd 6 (built from its public repository into UNREAL_DIR, never
# committed) refuses to run as root: it runs as `nobody`, reading its config
# from its own conf dir (UNREAL_DIR's conf, data, tmp, logs and cache owned
# by nobody; conf/tls holds a self-signed server.cert.pem/server.key.pem).
unreal_conf() {
  ud=${UNREAL_DIR:-/work/peers/unreal}
  k=aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5mN7pQ9rS1tU3vW5xY7zA9bC1dE3f
  cat >"$ud/conf/bench.conf" <<CONF
include "modules.default.conf";
include "operclass.default.conf";
loadmodule "cloak_sha256";
include "snomasks.default.conf";
blacklist-module connthrottle;
blacklist-module geoip_classic;
me { name "bench.unreal"; info "reed bench"; sid "001"; }
admin { "bench"; }
class clients { pingfreq 600; maxclients 100000; sendq 64M; recvq 31000; }
allow { mask *; class clients; maxperip 100000; global-maxperip 100000; }
listen { ip 127.0.0.1; port $port; }
listen { ip 127.0.0.1; port $((port + 1000)); options { tls; } }
set {
  network-name "bench"; default-server "bench.unreal";
  services-server "services.bench"; help-channel "#help";
  cloak-keys { "${k}1"; "${k}2"; "${k}3"; }
  kline-address "bench@example.org";
  handshake-delay 0;
  max-unknown-connections-per-ip 100000;
  anti-flood {
    everyone { connect-flood 255:1; }
    unknown-users { lag-penalty 0; lag-penalty-bytes 0; }
    known-users { lag-penalty 0; lag-penalty-bytes 0; }
  }
}
CONF
  chown nobody:nogroup "$ud/conf/bench.conf"
}

reed_conf() {
  cat >"$dir/reed.ini" <<CONF
[server]
name = bench.reed
data_dir = $dir/data
registration = open
registration_per_ip = 0
registration_global = 0
log_level = warn
password_hash = min
max_connections = 100000
max_connections_per_ip = 100000
connect_burst = 0
sendq = 64m
ping_interval = 10m
ping_timeout = 10m

[irc]
listen = tcp:$port:interface=127.0.0.1:backlog=4096
flood_burst = 10000
flood_rate = 10000
fakelag = no
CONF
}

reed_amp_conf() {
  cat >"$dir/reed.ini" <<CONF
[server]
name = bench.reed
data_dir = $dir/data
registration = open
registration_per_ip = 0
registration_global = 0
log_level = warn
password_hash = min
max_connections = 100000
max_connections_per_ip = 100000
connect_burst = 0
sendq = 64m
ping_interval = 10m
ping_timeout = 10m

[amp]
listen = tcp:$port:interface=127.0.0.1:backlog=4096
flood_burst = 10000
flood_rate = 10000
flood_limit = 100000
CONF
}

case $name in
reed-amp) reed_amp_conf && exec "${REED_BIN:?}" --config "$dir/reed.ini" ;;
relay) exec "${RELAY_BIN:?}" "$port" ;;
ngircd) ngircd_conf && exec "${NGIRCD_BIN:-/usr/sbin/ngircd}" -n -f "$dir/ngircd.conf" ;;
inspircd)
  inspircd_conf
  exec "${INSPIRCD_BIN:-/usr/sbin/inspircd}" --nofork --runasroot \
    --config "$dir/inspircd.conf" ;;
ergo) ergo_conf && cd "$dir" && exec "${ERGO_BIN:?}" run --conf "$dir/ergo.yaml" ;;
unreal)
  unreal_conf
  exec setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "${UNREAL_BIN:-/work/peers/unreal/bin/unrealircd}" -F -f bench.conf ;;
reed) reed_conf && exec "${REED_BIN:?}" --config "$dir/reed.ini" ;;
reed-base) reed_conf && exec "${REED_BASE_BIN:?}" --config "$dir/reed.ini" ;;
*) echo "unknown server $name" >&2; exit 2 ;;
esac
