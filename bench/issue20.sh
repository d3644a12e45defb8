#!/bin/sh
# bench/issue20.sh: issue 20's rows in one command: idle memory at 10,000
# clients, registrations at 1,000 handshakes in flight, fan100 and fan1000,
# and the 5,000-member room with 8 JOINs in flight (bigjoin), for reed, an
# older reed (REED_BASE_BIN, the "before"), UnrealIRCd, InspIRCd, ngircd and
# the relay; medians of RUNS (3), all in one run of run.sh, which writes
# bench/RESULTS.md (about 25 minutes on this machine; ngircd alone spends
# a minute and a half per bigjoin run, its deadline).
#
# usage: REED_BASE_BIN=/tmp/old/build/server/reed bench/issue20.sh [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-3}
servers="relay reed reed-base unreal inspircd ngircd"
"$here/run.sh" -r "$runs" -s "$servers" \
  -p "idle connect fan100 fan1000 bigjoin" -o "$here/RESULTS.md"
