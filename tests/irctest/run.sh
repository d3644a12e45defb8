#!/usr/bin/env bash
# Run the irctest conformance suite against reed, a fresh reed per test
# (tests/irctest/reed_controller.py), and end with one line:
#   N passed, M failed, K skipped
#
# Usage:
#   run.sh [options] IRCTEST_CHECKOUT [PYTEST_ARGS...]
#
# Options:
#   --tier core|full|strict
#                      which tests (default core). core: RFC 1459/2812,
#                      Modern and the essential IRCv3 extensions (the module
#                      list below); full: every irctest server test in the
#                      selection; strict: full plus the tests irctest marks
#                      `strict` (informational, as ergo runs them).
#   -n N               parallel workers (default 1; needs python3-pytest-xdist;
#                      at most 2 on a shared 2-core machine).
#   --timeout SECONDS  per-test limit (default 60; needs python3-pytest-timeout).
#   --junit FILE       where the JUnit XML goes (default: a temporary file).
#   --logdir DIR       keep each test's reed log in DIR.
# PYTEST_ARGS go to pytest after ours: a later -m or -k replaces ours, and
# test paths (irctest/server_tests/cap.py::...) replace the tier's paths.
#
# Environment: REED_BIN (default build/irctest-release/server/reed of this
# repo); IRCTEST_PYTHON (default Debian's /usr/bin/python3, where the
# python3-pytest* packages are).
#
# irctest itself is not part of this repo: extract it outside the repo, e.g.
#   git --git-dir=<progval/irctest clone> archive HEAD | tar -x -C /tmp/irctest
#
# Exit status: 0 nothing failed, 1 something failed, 2 usage or setup error.
set -u

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
tier=core
workers=1
per_test_timeout=60
junit=""
logdir=""

usage() { sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --tier|-n|--timeout|--junit|--logdir)
            [ $# -ge 2 ] || { echo "$1 needs a value" >&2; usage; } ;;
    esac
    case "$1" in
        --tier) tier="$2"; shift 2 ;;
        -n) workers="$2"; shift 2 ;;
        --timeout) per_test_timeout="$2"; shift 2 ;;
        --junit) junit="$2"; shift 2 ;;
        --logdir) logdir="$2"; shift 2 ;;
        -h|--help) usage ;;
        --) shift; break ;;
        -*) echo "unknown option $1" >&2; usage ;;
        *) break ;;
    esac
done
[ $# -ge 1 ] || usage
checkout="$(cd "$1" 2>/dev/null && pwd)" || { echo "no such directory: $1" >&2; exit 2; }
shift

case "$tier" in core|full|strict) ;; *) echo "--tier must be core, full or strict" >&2; exit 2 ;; esac
case "$workers" in ''|*[!0-9]*|0) echo "-n must be a positive number" >&2; exit 2 ;; esac
[ -f "$checkout/conftest.py" ] && [ -d "$checkout/irctest/server_tests" ] || {
    echo "$checkout does not look like an irctest checkout" >&2; exit 2; }

export REED_BIN="${REED_BIN:-$repo/build/irctest-release/server/reed}"
[ -x "$REED_BIN" ] || {
    echo "no reed binary at $REED_BIN: build it with" >&2
    echo "  cmake -S $repo -B $repo/build/irctest-release -DCMAKE_BUILD_TYPE=Release && cmake --build $repo/build/irctest-release --target reed" >&2
    exit 2; }

py="${IRCTEST_PYTHON:-}"
if [ -z "$py" ]; then
    if [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; else py=python3; fi
fi
"$py" -c 'import pytest, cryptography' 2>/dev/null || {
    echo "missing deps: apt-get install -y python3-pytest python3-cryptography python3-pytest-timeout python3-pytest-xdist" >&2
    exit 2; }

# Debian 12 has pytest 7 / pluggy 1.0; current irctest's conftest needs pluggy >= 1.1.
"$py" "$here/pytest7_compat.py" "$checkout" || exit 2

# Out: other servers' own tests (implementation-specific) and deprecated
# specs; strict readings only in the strict tier. The services tests are in:
# reed has accounts built in and the controller creates them.
markers="not implementation-specific and not deprecated"
if [ "$tier" != strict ]; then
    markers="$markers and not strict"
fi

core_modules=(
    connection_registration.py pingpong.py quit.py messages.py
    join.py part.py kick.py invite.py topic.py names.py list.py lusers.py
    who.py whois.py whowas.py away.py isupport.py channel.py oper.py kill.py
    wallops.py help.py info.py time.py buffering.py statusmsg.py
    chmodes/ban.py chmodes/key.py chmodes/limit.py chmodes/moderated.py
    chmodes/no_external.py chmodes/secret.py chmodes/operator.py chmodes/modeis.py
    chmodes/invite_exception.py
    cap.py message_tags.py echo_message.py labeled_responses.py multi_prefix.py
    away_notify.py extended_join.py account_tag.py monitor.py setname.py
    bot_mode.py sasl.py
)
# Naming the server test folder leaves out irctest's self-tests.
paths=(irctest/server_tests)
for a in "$@"; do
    case "$a" in irctest/*) [ -e "$checkout/${a%%::*}" ] && paths=() ;; esac
done
if [ "$tier" = core ] && [ ${#paths[@]} -gt 0 ]; then
    paths=()
    for m in "${core_modules[@]}"; do paths+=("irctest/server_tests/$m"); done
fi

# A private TMPDIR: irctest keeps its reserved-ports file and the per-test
# server directories there, so another irctest run on the machine cannot
# touch this one's (its workers share it, as they must).
scratch="$(mktemp -d -t reed-irctest.XXXXXX)" || exit 2
cleanup="rm -rf '$scratch'"
if [ -z "$junit" ]; then
    junit="$scratch/report.xml"
fi
trap "$cleanup" EXIT

extra=()
if "$py" -c 'import pytest_timeout' 2>/dev/null; then
    extra+=(--timeout="$per_test_timeout")
fi
if [ "$workers" -gt 1 ]; then
    "$py" -c 'import xdist' 2>/dev/null || { echo "-n needs python3-pytest-xdist" >&2; exit 2; }
    extra+=(-n "$workers")
fi
if [ -n "$logdir" ]; then
    mkdir -p "$logdir" && export REED_IRCTEST_LOGDIR="$(cd "$logdir" && pwd)"
fi

export PYTHONPATH="$here:$checkout${PYTHONPATH:+:$PYTHONPATH}"

started=$(date +%s)
(
    cd "$checkout" &&
    TMPDIR="$scratch" "$py" -m pytest -p no:cacheprovider -q -rfE \
        --controller reed_controller \
        "${extra[@]}" \
        --junitxml="$junit" \
        -m "$markers" \
        "${paths[@]}" "$@"
)
pytest_rc=$?
elapsed=$(( $(date +%s) - started ))

echo "irctest ($tier) against $REED_BIN took ${elapsed}s (pytest exit $pytest_rc)"
"$py" "$here/summarize.py" --counts "$junit"
sum_rc=$?
[ "$pytest_rc" -le 1 ] || exit 2
exit "$sum_rc"
