"""Writes bench/RESULTS-xmpp.md from xbench.py's raw RESULT lines: the
medians per server and row, the ratios to reed, and every raw line."""
import statistics

ROWS = [  # (label, point, field, unit, higher is better)
    ("logins/s (SCRAM-SHA-1)", "logins", "connect_per_s", "/s", True),
    ("logins per server CPU second", "logins", "per_server_cpu_s", "",
     True),
    ("idle memory per session", "idle", "bytes_per_client", " B", False),
    ("fan100 deliveries/s", "fan100", "deliveries_per_s", "/s", True),
    ("fan100 deliveries per server CPU second", "fan100",
     "per_server_cpu_s", "", True),
    ("fan100 p50 latency", "fan100", "p50_us", " µs", False),
    ("fan100 p99 latency", "fan100", "p99_us", " µs", False),
    ("fan1000 deliveries/s", "fan1000", "deliveries_per_s", "/s", True),
    ("fan1000 deliveries per server CPU second", "fan1000",
     "per_server_cpu_s", "", True),
    ("fan1000 p50 latency", "fan1000", "p50_us", " µs", False),
    ("fan1000 p99 latency", "fan1000", "p99_us", " µs", False),
    ("1,000-occupant join (fan1000's)", "fan1000", "join_ms", " ms", False),
    ("1,000-occupant join, server CPU", "fan1000", "join_server_cpu_s",
     " s", False),
    ("2,000-occupant join", "join2000", "join_ms", " ms", False),
    ("2,000-occupant join, server CPU", "join2000", "join_server_cpu_s",
     " s", False),
]


READING = """How to read it: each rate is from the first message (or
connect) to the last delivery (or login), on the load generator's clock;
the latencies are a message's send to its delivery, over all deliveries.
"Per server CPU second" divides the same work by the CPU time the server
process used meanwhile (`/proc/<pid>/stat`, every thread): on a machine
shared with other work it moves much less than the rates. reed and
Prosody run one thread for this work; ejabberd's Erlang VM spreads it
over both cores, so its rates gain from a quiet machine and its CPU
seconds include the VM's scheduler spinning. Every login is SCRAM-SHA-1
with the client's salted password cached (bench/README.md); idle memory
is over plain TCP (bench/xmpp_idle measures it over TLS). A row that did
not finish says how far it got; the raw lines below have every field."""


def parse(raw):
    out = {}
    for line in raw:
        kind, label, run, rest = line.split(" ", 3)
        kv = dict(x.split("=", 1) for x in rest.split() if "=" in x)
        # Work done per CPU second of the server: the machine's load moves
        # the rates, much less this.
        done = kv.get("deliveries") or kv.get("registered")
        if float(kv.get("server_cpu_s", 0)) > 0 and done:
            kv["per_server_cpu_s"] = str(float(done) /
                                         float(kv["server_cpu_s"]))
        out.setdefault((kind, label), []).append(kv)
    return out


def median(results, field):
    vals = [float(r[field]) for r in results
            if r.get("ok") == "1" and field in r]
    return (statistics.median(vals), len(vals)) if vals else (None, 0)


def fmt(v):
    if v is None:
        return "—"
    return "{:,.0f}".format(v) if abs(v) >= 100 else "{:.2f}".format(v)


def failed_cell(results):
    """What a point that never succeeded got to, from its first run."""
    r = results[0]
    if r.get("phase") == "connect":
        return "failed: %s of %s logged in (see raw)" % (
            r.get("registered", "?"), r.get("clients", "?"))
    if r.get("join_done") == "0":
        return "not done in %.0f s (%s of %s occupants complete)" % (
            float(r.get("join_ms", 0)) / 1e3, r.get("members_complete", "?"),
            r.get("members", "?"))
    return "failed (%s; see raw)" % r.get("phase", "?")


def table(servers, data, runs, once):
    head = "| row | " + " | ".join(servers) + " |"
    lines = [head, "|" + "---|" * (len(servers) + 1)]
    for label, point, field, unit, _ in ROWS:
        cells = []
        for s in servers:
            v, n = median(data.get((s, point), []), field)
            cell = fmt(v) + ("" if v is None else unit)
            want = len(data.get((s, point), []))  # runs that tried it
            if v is not None and n < want:
                cell += " (%d of %d runs ok)" % (n, want)
            if v is None and data.get((s, point)):
                cell = failed_cell(data[(s, point)])
            cells.append(cell)
        lines.append("| %s | %s |" % (label, " | ".join(cells)))
    return lines


def mixed_lines(data):
    irc, _ = median(data.get(("reed", "irc1000"), []), "deliveries_per_s")
    mix, _ = median(data.get(("reed", "mixed1000"), []), "deliveries_per_s")
    if irc is None or mix is None:
        return ["Mixed room: not measured or failed (see the raw lines)."]
    irc_cpu, _ = median(data[("reed", "irc1000")], "per_server_cpu_s")
    mix_cpu, _ = median(data[("reed", "mixed1000")], "per_server_cpu_s")
    ratios = []
    for a, b in zip(data[("reed", "irc1000")], data[("reed", "mixed1000")]):
        if a.get("ok") == "1" and b.get("ok") == "1":
            ratios.append(float(b["deliveries_per_s"]) /
                          float(a["deliveries_per_s"]))
    return ["| reed, 1,000 members | deliveries/s (median) | p50 | p99 |",
            "|---|---|---|---|",
            "| IRC only | %s | %s µs | %s µs |" % (
                fmt(irc),
                fmt(median(data[("reed", "irc1000")], "p50_us")[0]),
                fmt(median(data[("reed", "irc1000")], "p99_us")[0])),
            "| a third each on IRC, XMPP, AMP | %s | %s µs | %s µs |" % (
                fmt(mix),
                fmt(median(data[("reed", "mixed1000")], "p50_us")[0]),
                fmt(median(data[("reed", "mixed1000")], "p99_us")[0])),
            "",
            "Mixed / IRC-only, run by run: %s (median %.2f; target 0.7)." % (
                ", ".join("%.2f" % r for r in ratios),
                statistics.median(ratios) if ratios else 0.0),
            "Deliveries per server CPU second (medians): IRC only %s, "
            "mixed %s, ratio %.2f." % (fmt(irc_cpu), fmt(mix_cpu),
                                       mix_cpu / irc_cpu if irc_cpu and
                                       mix_cpu else 0.0)]


def header_lines(machine, sizes, runs, once):
    return ["# XMPP benchmark results (issue 17)", "",
           "Written by `%s` on %s. Versions: %s. Load average at the start "
           "%s, at the end %s (2 cores, shared with whatever else ran: "
           "compare servers within this file, not across runs)." % (
               machine["command"], machine["date"],
               ", ".join("%s %s" % kv for kv in machine["versions"].items()),
               " ".join(machine["load_start"]),
               " ".join(machine["load_end"])),
           "",
           "Medians of %d runs (%s: the first run only)%s. Sizes: %s." % (
               runs, ", ".join(sorted(once)),
               " (quick sizes)" if machine["quick"] else "",
               ", ".join("%s %s" % kv for kv in sizes.items())),
           ""]


def write_report(path, machine, sizes, raw, once=("join2000",),
                 header=None):
    servers = list(machine["versions"])
    runs = machine.get("runs_done", machine["runs"])
    data = parse(raw)
    out = list(header) if header else header_lines(machine, sizes, runs,
                                                   once)
    out += table(servers, data, runs, once)
    out += ["", READING]
    out += ["", "## Mixed room (reed)", ""] + mixed_lines(data)
    out += ["", "## Raw RESULT lines", "", "```"] + raw + ["```", ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


def regenerate(path):
    """Rewrites a results file from its own header and raw lines (after a
    change to this report, or a run stopped by hand)."""
    lines = open(path).read().split("\n")
    top = next(i for i, ln in enumerate(lines) if ln.startswith("| row | "))
    servers = [c.strip() for c in lines[top].strip("|").split("|")[1:]]
    raw = lines[lines.index("## Raw RESULT lines") + 3:]
    raw = raw[:raw.index("```")]
    machine = {"versions": dict.fromkeys(servers),
               "runs": max(int(r.split()[2]) for r in raw)}
    write_report(path, machine, None, raw, header=lines[:top])


if __name__ == "__main__":
    import sys
    regenerate(sys.argv[1])
