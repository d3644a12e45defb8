#!/bin/sh
# Installs the Debian 12 packages reed builds and tests with, if missing.
# Every package here is named in the README with the reason it is needed.
set -eu
pkgs="gcc make cmake pkg-config ca-certificates openssl
  libuv1-dev libssl-dev libexpat1-dev libsodium-dev libsqlite3-dev
  libstrophe-dev sqlite3 systemd man-db procps
  clang libclang-rt-14-dev clang-format
  python3 python3-irc python3-twisted python3-slixmpp prosody"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
    --no-install-recommends $missing
fi
