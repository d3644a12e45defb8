"""Writes the XMPP idle-memory section of bench/RESULTS.md, between two
marker lines, in place of the previous one (run.sh keeps the section when
it rewrites the file)."""
import os
import subprocess
import time

BEGIN = "<!-- xmpp_idle: written by bench/xmpp_idle/xmpp_idle.py -->"
END = "<!-- xmpp_idle end -->"


def machine():
    load = open("/proc/loadavg").read().split()[:3]
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True,
                          cwd=os.path.dirname(__file__)).stdout.strip()
    return ("%s UTC, %d cores, load %s, tree at %s" %
            (time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
             os.cpu_count(), " ".join(load), head or "?"))


def section(rows, n, missing, args):
    out = [BEGIN, "## XMPP idle memory (issue 16)", "",
           "`bench/xmpp_idle/xmpp_idle.py %s` (bench/README.md, "
           "\"XMPP idle memory\"), %s: %d logged-in sessions (direct TLS, "
           "the strongest SCRAM offered, bound, initial presence, one ping "
           "each), server "
           "VmRSS after minus before, over the sessions." % (args, machine(),
                                                             n),
           "", "| server | version | SASL | RSS before | RSS after | "
           "per session |", "|---|---|---|---|---|---|"]
    for kind, version, mech, before, after, per in rows:
        out.append("| %s | %s | %s | %s KiB | %s KiB | %s B |" % (
            kind, version, mech, f"{before:,}", f"{after:,}", f"{per:,}"))
    for kind, why in missing:
        out.append("| %s | %s | | | | |" % (kind, why))
    out.append(END)
    return "\n".join(out) + "\n"


def write_section(path, rows, n, missing=(), args=""):
    text = open(path).read() if os.path.exists(path) else ""
    if BEGIN in text and END in text:
        pre = text[:text.index(BEGIN)]
        post = text[text.index(END) + len(END):].lstrip("\n")
        post = "\n" + post if post else ""  # keep the blank line before it
    else:
        pre, post = text.rstrip("\n") + "\n\n", ""
    with open(path, "w") as f:
        f.write(pre + section(rows, n, missing, args) + post)
