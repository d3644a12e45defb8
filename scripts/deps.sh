#!/bin/sh
# Installs the Debian 12 packages reed builds and tests with, if missing.
# Every package here is named in the README with the reason it is needed.
# `deps.sh test` adds what only the tests need, and the npm packages of the
# browser tests (tests/e2e/web, `npm ci`, never a browser download).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
pkgs="gcc make cmake pkg-config ca-certificates openssl
  libuv1-dev libssl-dev libexpat1-dev libsodium-dev libsqlite3-dev
  libcurl4-openssl-dev libjansson-dev
  libstrophe-dev sqlite3 systemd man-db procps
  clang libclang-rt-14-dev clang-format
  python3 python3-irc python3-twisted python3-slixmpp"
if [ "${1:-}" = test ]; then
  pkgs="$pkgs prosody python3-websockets pebble chromium"
  # node and npm from Debian unless some node is there already (a
  # nodesource nodejs brings its own npm and conflicts with Debian's).
  command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
  command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
fi
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
# Debian starts Prosody's service on install, and it would hold port 5222,
# which reed's default config serves. The tests run their own Prosody on
# ephemeral ports, so a service this script brought in is stopped again.
case "$missing" in
*" prosody"*)
  if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
    $SUDO systemctl disable --now prosody >/dev/null 2>&1 || true
  elif [ -x /etc/init.d/prosody ]; then
    $SUDO /etc/init.d/prosody stop >/dev/null 2>&1 || true
  fi
  ;;
esac
# The browser tests' npm packages (playwright-core, irc-framework,
# converse.js: tests only, pinned by package-lock.json), again only when the
# lock file changed since the last install.
if [ "${1:-}" = test ]; then
  web="$root/tests/e2e/web"
  if ! cmp -s "$web/package-lock.json" "$web/node_modules/.reed-lock"; then
    (cd "$web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts \
      --no-audit --no-fund --loglevel=error)
    cp "$web/package-lock.json" "$web/node_modules/.reed-lock"
  fi
fi
