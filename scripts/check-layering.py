#!/usr/bin/python3
"""The floors, checked from the sources (docs/design.md draws them).

Every quoted include names a header by its bare name: the compiler finds it
through the include directories of the parts a target links, so an include
of a part that is not linked does not compile (tests/layering proves it).
This script checks what the compiler cannot: that no include points up a
floor, that one protocol never includes another, that base and the
model include no library header (libc only, and base for the model), and
that the XMPP module's store includes only base, the store and its own.
"""
import os
import re
import subprocess
import sys

# Lower floors first; a file may include its own floor and those below.
FLOORS = [
    ("core/base", 0), ("config", 1), ("core/model", 1), ("core/store", 2),
    ("auth", 3), ("core/files", 3), ("protocols", 4), ("bots", 5), ("server", 6),
    ("tests", 9), ("bench", 9),
]
# The XMPP module's store (reed_xmpp_store in protocols/xmpp/CMakeLists.txt) sits on the store
# alone, so handlers of any kind can link it: of reed's headers it includes
# these only (no model, no protocol header).
XSTORE_FILE = re.compile(r"^protocols/xmpp/(xstore[^/]*|xmpp_store\.h|"
                         r"xmpp_migrations\.c)$")
XSTORE_ALLOWED = {"base.h", "store.h", "xmpp_store.h", "xstore_int.h"}
LIB_HEADER = re.compile(
    r'#\s*include\s*<(uv\.h|openssl/|expat\.h|sqlite3\.h|sodium|strophe\.h)')
QUOTED = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def part_of(path):
    best = None
    for prefix, floor in FLOORS:
        if path == prefix or path.startswith(prefix + "/"):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, floor)
    return best


def protocol_of(path):
    parts = path.split("/")
    if parts[0] == "protocols" and len(parts) > 2:
        return parts[1]
    return None


def check_file(f, by_name, bad):
    here = part_of(f)
    if here is None:
        return
    with open(f, encoding="utf-8", errors="replace") as fh:
        lines = fh.readlines()
    for n, line in enumerate(lines, 1):
        where = "%s:%d" % (f, n)
        if here[0] in ("core/base", "core/model") and LIB_HEADER.search(line):
            bad.append("%s: a library header in %s" % (where, here[0]))
        m = QUOTED.match(line)
        if not m:
            continue
        name = m.group(1)
        if "/" in name:
            bad.append("%s: include by path (%s); name the header alone "
                       "and link its part" % (where, name))
            continue
        if XSTORE_FILE.match(f) and name not in XSTORE_ALLOWED:
            bad.append("%s: the xmpp store includes %s (base, store and "
                       "its own headers only)" % (where, name))
        if os.path.exists(os.path.join(os.path.dirname(f), name)):
            continue
        targets = by_name.get(name, [])
        if len(targets) != 1:
            continue  # a generated or system header, or a test's own
        there = part_of(targets[0])
        if there is None:
            continue
        if there[1] > here[1]:
            bad.append("%s: %s includes %s, a floor above it"
                       % (where, here[0], targets[0]))
        if here[0] == "core/model" and there[0] not in ("core/base",
                                                        "core/model"):
            bad.append("%s: the model includes %s (base only)"
                       % (where, targets[0]))
        a, b = protocol_of(f), protocol_of(targets[0])
        if a and b and a != b:
            bad.append("%s: protocol %s includes protocol %s" % (where, a, b))


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    files = subprocess.run(["git", "ls-files", "*.c", "*.h"], check=True,
                           capture_output=True, text=True).stdout.split()
    files = [f for f in files if os.path.exists(f)]
    by_name = {}
    for f in files:
        if f.endswith(".h"):
            by_name.setdefault(os.path.basename(f), []).append(f)
    bad = []
    for f in files:
        check_file(f, by_name, bad)
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
