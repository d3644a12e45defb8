#!/bin/sh
# check_plugin.sh PLUGIN.so: a bot plugin links against nothing of reed
# (libc only) and exports only reed_bot_plugin_init (docs/design.md, Bots).
set -eu
so=$1
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if [ "$needed" != "libc.so.6" ]; then
  echo "$so needs: $needed"; exit 1
fi
exports=$(readelf --dyn-syms -W "$so" |
  awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" { print $8 }')
if [ "$exports" != "reed_bot_plugin_init" ]; then
  echo "$so exports: $exports"; exit 1
fi
undefined=$(readelf --dyn-syms -W "$so" |
  awk '$7 == "UND" && $8 ~ /^reed_/ { print $8 }' | sort | tr '\n' ' ')
echo "ok: resolves from reed: $undefined"
