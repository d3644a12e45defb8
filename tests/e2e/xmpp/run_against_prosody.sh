#!/bin/sh
# Runs every XMPP end-to-end test against Prosody 0.12 (the reference),
# each on its own temporary config, data dir and free ports of 127.0.0.1.
# By hand only: `tests/e2e/xmpp/run_against_prosody.sh [BUILD_DIR] [NAME...]`
# (BUILD_DIR holds reed-strophe-client; default build/plain).
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/plain}
[ $# -gt 0 ] && shift
names=${*:-"tls_login scram_plus register im carbons offline sm disco mam blocking hostile pipeline strophe"}
export PYTHONPATH="$here/../support" PYTHONDONTWRITEBYTECODE=1
export STROPHE_CLIENT=${STROPHE_CLIENT:-$build/tests/e2e/xmpp/reed-strophe-client}
command -v prosody >/dev/null || { echo "prosody not installed"; exit 2; }
fail=0
for n in $names; do
  echo "== $n"
  /usr/bin/python3 "$here/suite_$n.py" prosody || { echo "FAILED $n"; fail=1; }
done
exit $fail
