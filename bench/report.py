"""Turns bench/run.sh's raw RESULT lines into bench/RESULTS.md: per point,
the median of the runs for each server and its ratio to the relay, plus
reed's issue-9 targets checked against the same run.

usage: report.py MACHINE.txt POINTS.txt RAW.txt > RESULTS.md
"""
import statistics
import sys

SERVERS = ["relay", "reed", "reed-base", "unreal", "ngircd", "inspircd",
           "ergo", "reed-amp"]
PEERS = ("unreal", "ngircd", "inspircd", "ergo")

NOTES = """\
- The load generator and the server share the machine's two cores (with
  whatever else runs: see the load average above). The relay's figures are
  the ceiling of load generator plus server here, so the ratios matter more
  than the absolute numbers. ergo (Go) can spread over both cores; reed,
  ngircd, InspIRCd and the relay run one thread.
- Setup: points other than `connect` register their clients with 1,000
  handshakes in flight, except ngircd (8): ngircd listens with a fixed
  backlog of 10, and a larger burst loses SYNs to retransmission back-off
  (1 s, 3 s, 7 s, ...) and gets some connections reset. The `connect` point
  uses 1,000 in flight for every server, so ngircd's figure there shows
  exactly that.
- Closed-loop fan-out is bounded by the load generator too: one thread
  reads every member's socket, so at 1,000 members a server that packs
  more lines into each write (fewer reads for the client) can beat the
  relay, which flushes every loop turn. Ratios near or above 1 there mean
  "as fast as this machine's client can read", not faster than possible.
- InspIRCd 3 completes a registration only in its once-a-second background
  pass, so its connect rate comes in batches per second.
- Idle memory is the server's RSS growth over 10,000 registered clients
  divided by the clients; for the relay it is only a reference (it keeps a
  1 KiB read buffer per connection).
- `bigjoin` is the big room with 8 JOINs in flight: each member's JOIN
  goes out when an earlier one's end of NAMES (366) arrives, as users
  arrive a few at a time, so every JOIN meets a room already large.
- The big room stops at the run's deadline (`--deadline`, counted from the
  first connection, so setup is included); a server that has not shown
  every join to everyone by then is listed as "> the time reached", and
  its fan-out in that room is not measured.
- Peers run with the generous limits their documentation allows (see
  bench/README.md and bench/peers/start.sh); everything else is their
  default configuration (ergo keeps its in-memory channel history and IP
  cloaking, for example).
"""


def read_kv(path):
    out = {}
    with open(path) as f:
        for line in f:
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def read_points(path):
    out = {}
    with open(path) as f:
        for line in f:
            name, args = line.rstrip("\n").split(": ", 1)
            out[name] = args
    return out


def read_raw(path):
    runs = {}
    with open(path) as f:
        for line in f:
            words = line.split()
            if len(words) < 4 or words[3] != "RESULT":
                continue
            kv = dict(w.split("=", 1) for w in words[4:] if "=" in w)
            runs.setdefault((words[0], words[1]), []).append(kv)
    return runs


def med(runs, key):
    vals = []
    for r in runs:
        try:
            vals.append(float(r[key]))
        except (KeyError, ValueError):
            pass
    return statistics.median(vals) if vals else None


def total(runs, key):
    return int(sum(float(r.get(key, 0) or 0) for r in runs))


def fmt(v, digits=0):
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}"


def ratio(v, ref, digits=2):
    if v is None or not ref:
        return "n/a"
    return f"{v / ref:.{digits}f}"


def ok_runs(runs):
    good = sum(1 for r in runs if r.get("ok") == "1")
    return f"{good}/{len(runs)}"


def notes_for(runs):
    bad = [r for r in runs if r.get("ok") != "1"]
    if not bad:
        return ""
    r = bad[0]
    if not join_done(r):
        return "deadline reached before every join was seen"
    return "phase " + r.get("phase", "?") + (
        f", loss {r['loss']}" if r.get("loss", "0") != "0" else "") + (
        f", failed {r['failed']}" if r.get("failed", "0") != "0" else "") + (
        f", disconnects {r['disconnects']}"
        if r.get("disconnects", "0") != "0" else "")


def table(rows, head):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def section_idle(runs_of):
    rows = []
    for s in SERVERS:
        rs = runs_of(s)
        if rs:
            rows.append([s, fmt(med(rs, "bytes_per_client")),
                         fmt(med(rs, "rss_after_kb")), ok_runs(rs),
                         notes_for(rs)])
    return table(rows, ["server", "bytes per idle client", "RSS after (KiB)",
                        "runs ok", "notes"])


def section_connect(runs_of):
    ref = med(runs_of("relay"), "connect_per_s")
    rows = []
    for s in SERVERS:
        rs = runs_of(s)
        if rs:
            v = med(rs, "connect_per_s")
            rows.append([s, fmt(v), ratio(v, ref), str(total(rs, "failed")),
                         ok_runs(rs), notes_for(rs)])
    return table(rows, ["server", "registrations/s", "x relay",
                        "failures (all runs)", "runs ok", "notes"])


def join_done(r):
    """Whether the run saw every join. Loadgens before join_done was
    printed are read from their other fields: a run stopped by its deadline
    with no delivery at all never started sending, so never saw them all."""
    if "join_done" in r:
        return r["join_done"] == "1"
    return not (r.get("timed_out") == "1" and r.get("deliveries") == "0")


def join_time(rs):
    """The median join time in ms and whether it is only a lower bound: a
    run stopped by its deadline before every join was seen gives a bound."""
    done = [r for r in rs if join_done(r)]
    if done:
        return med(done, "join_ms"), False
    return med(rs, "join_ms"), True


def section_room(runs_of, join=False):
    ref = med(runs_of("relay"), "deliveries_per_s")
    ref_join = med(runs_of("relay"), "join_ms")
    rows = []
    for s in SERVERS:
        rs = runs_of(s)
        if not rs:
            continue
        sent = [r for r in rs if join_done(r)]
        v = med(sent, "deliveries_per_s")
        row = [s]
        if join:
            j, bound = join_time(rs)
            row += [("> " if bound else "") + fmt(j and j / 1000, 1),
                    ("> " if bound else "") + ratio(j, ref_join, 1)]
        if sent:
            row += [fmt(v), ratio(v, ref),
                    fmt(med(sent, "p50_us") and med(sent, "p50_us") / 1000, 2),
                    fmt(med(sent, "p99_us") and med(sent, "p99_us") / 1000, 2),
                    str(total(sent, "loss")),
                    str(total(sent, "order_errors"))]
        else:
            row += ["not reached"] + ["n/a"] * 5
        row += [ok_runs(rs), notes_for(rs)]
        rows.append(row)
    head = ["server"]
    if join:
        head += ["all joins seen (s)", "x relay (time)"]
    head += ["deliveries/s", "x relay", "p50 ms", "p99 ms", "lost",
             "out of order", "runs ok", "notes"]
    return table(rows, head)


def section_light(runs_of):
    ref = med(runs_of("relay"), "p99_us")
    rows = []
    for s in SERVERS:
        rs = runs_of(s)
        if rs:
            p99 = med(rs, "p99_us")
            rows.append([s, fmt(med(rs, "p50_us") and
                                med(rs, "p50_us") / 1000, 2),
                         fmt(p99 and p99 / 1000, 2), ratio(p99, ref),
                         str(total(rs, "loss")), ok_runs(rs), notes_for(rs)])
    return table(rows, ["server", "p50 ms", "p99 ms", "p99 x relay", "lost",
                        "runs ok", "notes"])


def verdict(cond):
    if cond is None:
        return "not measured"
    return "met" if cond else "not met"


def targets(runs_of):
    def m(s, p, k):
        return med(runs_of(s, p), k)

    def r(p, k):
        a, b = m("reed", p, k), m("relay", p, k)
        return a / b if a is not None and b else None

    out = []
    for p in ("fan100", "fan1000"):
        x = r(p, "deliveries_per_s")
        out.append([f"fan-out {p} >= 0.5 x relay (stretch 0.7)",
                    ratio(x, 1), verdict(None if x is None else x >= 0.5)])
    idle = m("reed", "idle", "bytes_per_client")
    out.append(["idle memory <= 1 KiB per client (issue 20)",
                fmt(idle) + " B", verdict(None if idle is None
                                          else idle <= 1024)])
    x = r("connect", "connect_per_s")
    fails = total(runs_of("reed", "connect"), "failed")
    out.append(["connect+register >= 0.25 x relay, no failures",
                ratio(x, 1) + f", {fails} failed",
                verdict(None if x is None else x >= 0.25 and fails == 0)])
    mine = m("reed", "connect", "connect_per_s")
    theirs = m("unreal", "connect", "connect_per_s")
    out.append(["registrations/s ahead of UnrealIRCd, no failures (issue 20)",
                fmt(mine) + " vs " + fmt(theirs),
                verdict(None if mine is None or theirs is None
                        else mine > theirs and fails == 0)])
    x = r("light", "p99_us")
    out.append(["light-load p99 <= 1.5 x relay", ratio(x, 1),
                verdict(None if x is None else x <= 1.5)])
    for p, within in (("bigroom", None), ("bigjoin", 11000)):
        mine, bound = join_time(runs_of("reed", p))
        peers = [join_time(runs_of(s, p)) for s in PEERS]
        # A peer stopped by the deadline is behind at least that far.
        peers = [v for v, _ in peers if v is not None]
        ahead = (None if mine is None or not peers
                 else not bound and mine < min(peers))
        if within is not None and ahead is not None:
            ahead = ahead and mine <= within
        what = (f"{p}: ahead of every peer (time until all joins seen)"
                + ("" if within is None else ", within 11 s (issue 20)"))
        out.append([what, ("> " if bound else "") +
                    fmt(mine and mine / 1000, 1) + " s", verdict(ahead)])
    return table(out, ["reed target", "measured", "verdict"])


def main():
    machine = read_kv(sys.argv[1])
    points = read_points(sys.argv[2])
    raw = read_raw(sys.argv[3])

    def runs_of(s, p=None):
        return raw.get((s, p or current[0]), [])

    current = [None]
    amp_only = all(p.startswith("amp_") for p in points)
    if amp_only:
        print("# reed AMP benchmark results (issue 10)\n")
        print("The relay speaks IRC only, so these points have no ratio "
              "column of their own; RESULTS.md has the IRC points.\n")
    else:
        print("# reed benchmark results (issue 9)\n")
    print("Written by `bench/run.sh` (see bench/README.md); do not edit by "
          "hand. Medians of " + machine.get("runs", "?") + " runs, each on "
          "a fresh server process; ratios are to the trivial relay measured "
          "in the same run (the ceiling of this machine).\n")
    if machine.get("quick") == "1":
        print("**Quick sizes (-q): not the issue's points.**\n")
    print("## Machine\n")
    for k in ("date", "cpu", "cores", "mem", "kernel", "load_start",
              "load_end", "reed", "reed_base", "unreal", "ngircd",
              "inspircd", "ergo"):
        if k in machine or k in ("date", "reed"):
            print(f"- {k}: {machine.get(k, '?')}")
    print("\n## Commands\n")
    print("`" + machine.get("command", "bench/run.sh") + "`, with REED_BIN, "
          "LOADGEN and RELAY_BIN built (CMAKE_BUILD_TYPE=Release) from the "
          "commit above. For each run of each point it starts a fresh "
          "server with `bench/peers/start.sh NAME DIR PORT` and runs "
          "`reed-loadgen --port PORT --prefix b<run> --channel '#bench<run>' "
          "<point arguments>`, adding `--pid <server pid>` for the idle "
          "points and, except for `connect`, `--inflight 1000` (ngircd: 8) "
          "for the setup.")
    print("\n## Points (load generator arguments)\n")
    for p, a in points.items():
        print(f"- `{p}`: `reed-loadgen {a}`")
    if any(p in points for p in ("idle", "connect", "fan100", "fan1000",
                                 "light", "bigroom", "bigjoin")):
        print("\n## reed against its targets\n")
        print(targets(runs_of))
    print("\n## Notes\n")
    sys.stdout.write(NOTES)
    sections = [("idle", "Idle memory per registered client",
                 section_idle),
                ("connect", "Connect + register, 1,000 handshakes in flight",
                 section_connect),
                ("fan100", "Fan-out, 100 members x 10 senders",
                 section_room),
                ("fan1000", "Fan-out, 1,000 members x 2 senders",
                 section_room),
                ("light", "Light load (5 messages/s, 100 members)",
                 section_light),
                ("bigroom", "Big room: 5,000 members join, then fan-out",
                 lambda f: section_room(f, join=True)),
                ("bigjoin", "Big room, 8 JOINs in flight: 5,000 members join "
                 "a few at a time, then fan-out",
                 lambda f: section_room(f, join=True)),
                ("amp_idle", "AMP (issue 10): idle memory per registered "
                 "and logged-in client", section_idle),
                ("amp_fan100", "AMP (issue 10): fan-out, 100 members x 10 "
                 "senders", section_room),
                ("amp_fan1000", "AMP (issue 10): fan-out, 1,000 members x 2 "
                 "senders", section_room)]
    for p, title, fn in sections:
        if p not in points:
            continue
        current[0] = p
        print(f"\n## {title}\n")
        print(fn(runs_of))
    print("\n## Raw results\n")
    print("```")
    with open(sys.argv[3]) as f:
        sys.stdout.write(f.read())
    print("```")


if __name__ == "__main__":
    main()
