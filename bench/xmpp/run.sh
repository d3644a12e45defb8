#!/bin/sh
# bench/xmpp/run.sh: the XMPP benchmark (issue 17) against reed, Prosody
# and ejabberd in one run; writes bench/RESULTS-xmpp.md (xbench.py says
# what each point measures; bench/README.md how to install the peers).
#
# usage: bench/xmpp/run.sh [-s reed,prosody,ejabberd] [-r RUNS] [-q]
#                          [-p idle,logins,fan100,fan1000,join2000,mixed]
#                          [-o OUT.md]
# Environment: BUILD (build/bench-release), LOADGEN, REED_BIN, REED_COMMIT
# (the commit REED_BIN was built from, for the report; default HEAD).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
BUILD=${BUILD:-$root/build/bench-release}
export LOADGEN=${LOADGEN:-$BUILD/bench/reed-loadgen}
export REED_BIN=${REED_BIN:-$BUILD/server/reed}
export PYTHONDONTWRITEBYTECODE=1
ulimit -n "$(ulimit -H -n)"
for b in "$LOADGEN" "$REED_BIN"; do
  [ -x "$b" ] || { echo "missing $b: cmake --build $BUILD --target reed reed-loadgen" >&2; exit 2; }
done
exec /usr/bin/python3 "$here/xbench.py" "$@"
