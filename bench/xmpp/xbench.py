"""The XMPP benchmark (issue 17): reed, Prosody 0.12 and ejabberd 23.01 in
one run, driven by reed-loadgen --proto xmpp over plain TCP on 127.0.0.1
(bench/README.md, "XMPP benchmark"). Writes bench/RESULTS-xmpp.md.

    bench/xmpp/run.sh [-s reed,prosody,ejabberd] [-p POINTS] [-r RUNS] [-q]

Each server is a fresh process with its own config and data dir on free
ports; its accounts are registered in-band once (untimed: `register`,
which also logs each in once with SCRAM-SHA-1 so the load generator knows
every salted password, as a real client caches it), then every run of
every point goes against a restart of it. Points:

  logins    N SCRAM-SHA-1 logins (stream, SASL, bind, presence, ping),
            K in flight: logins per second
  idle      N sessions logged in and idle: the server's RSS delta per
            session (ejabberd: the Erlang VM)
  fan100    100 occupants, 10 senders x 100 groupchat messages, window 20
  fan1000   1,000 occupants, 2 senders x 50, window 20
  join2000  2,000 occupants join one room: until each has seen every
            other's presence (then 2 senders x 5 messages, checked)
  mixed     reed only: a 1,000-member room with a third of the members on
            each of IRC, XMPP and AMP, against an IRC-only 1,000-member
            room on the same process (3 senders x 100, one per protocol)
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [os.path.join(ROOT, "tests/e2e/support"),
                os.path.join(ROOT, "tests/e2e/xmpp"),
                os.path.join(ROOT, "bench/xmpp_idle")]

from ejabberd import EjabberdServer  # noqa: E402
from reedtest import ReedServer  # noqa: E402
from xmppserver import XmppServer, free_port, wait_port  # noqa: E402

MUC = "conference.localhost"
PASSWORD = "bench-password"

# reed gets the limits of the IRC and AMP points lifted, as the peers do.
REED_INI = {
    "server": {"max_connections": "100000",
               "max_connections_per_ip": "100000", "connect_burst": "0",
               "sendq": "64m", "ping_interval": "10m",
               "ping_timeout": "10m", "log_level": "warn"},
    "irc": {"flood_burst": "10000", "flood_rate": "10000",
            "fakelag": "no"},
    "amp": {"flood_burst": "10000", "flood_rate": "10000",
            "flood_limit": "100000"},
    "xmpp": {"require_tls": "no"},
}

# Messages per sender: enough for a steady rate (about 100,000 deliveries
# a point) without Prosody's fan1000 taking minutes more than its join.
FULL = {"accounts": 2000, "logins": (2000, 100), "idle": 2000,
        "fan100": (100, 10, 100), "fan1000": (1000, 2, 50),
        "join2000": 2000, "join_deadline": 300, "mixed": (1000, 3, 100),
        # Prosody sends nothing for minutes while 1,000 joins arrive at
        # once (a million presences to build): not a stall
        "room_stall": 300}
QUICK = {"accounts": 300, "logins": (300, 50), "idle": 300,
         "fan100": (100, 10, 50), "fan1000": (300, 2, 50),
         "join2000": 300, "join_deadline": 120, "mixed": (300, 3, 50),
         "room_stall": 120}


class Prosody(XmppServer):
    """Prosody on bench/xmpp/prosody.cfg.lua.in: plain TCP, MUC."""

    def __init__(self):
        super().__init__("prosody")

    def _prosody_config(self):
        with open(os.path.join(HERE, "prosody.cfg.lua.in")) as f:
            text = f.read()
        for k, v in {"DIR": self.dir, "PORT": str(self.port),
                     "DOMAIN": self.domain, "MUC": MUC}.items():
            text = text.replace("@%s@" % k, v)
        path = os.path.join(self.dir, "prosody.cfg.lua")
        with open(path, "w") as f:
            f.write(text)
        os.makedirs(os.path.join(self.dir, "data"), exist_ok=True)
        return path

    def _start_prosody(self):
        if self.port is None:
            self.port = free_port()
        conf = self._prosody_config()
        self.log = open(os.path.join(self.dir, "prosody.log"), "ab")
        self.proc = subprocess.Popen(["prosody", "--config", conf],
                                     stdout=self.log, stderr=self.log)
        wait_port(self.port, self.proc)

    def measured_pid(self):
        return self.proc.pid

    def ports(self):
        return {"xmpp": self.port}


class Ejabberd(EjabberdServer):
    def __init__(self):
        super().__init__(template=os.path.join(HERE, "ejabberd.yml.in"),
                         muc=MUC)

    def ports(self):
        return {"xmpp": self.port}


class Reed:
    """reed with IRC, AMP and XMPP listeners on 127.0.0.1, plain TCP."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="xbench-reed-")
        self.srv = ReedServer(
            listeners={p: ["tcp:0:interface=127.0.0.1:backlog=4096"]
                       for p in ("irc", "amp", "xmpp")},
            extra_ini=REED_INI, data_dir=self.dir)

    def start(self):
        self.srv.start()
        return self

    def stop(self):
        self.srv.stop()

    def measured_pid(self):
        return self.srv.proc.pid

    def ports(self):
        return {p: self.srv.port(p, "tcp") for p in ("irc", "amp", "xmpp")}

    def __exit__(self, *exc):
        self.srv.__exit__(None, None, None)
        shutil.rmtree(self.dir, ignore_errors=True)


SERVERS = {"reed": Reed, "prosody": Prosody, "ejabberd": Ejabberd}
# Points run in the first run only: a 2,000-occupant join takes Prosody
# minutes.
ONCE = {"join2000"}


def loadgen_bin():
    return os.environ.get("LOADGEN") or os.path.join(
        ROOT, "build/bench-release/bench/reed-loadgen")


def loadgen(srv, args, log):
    """Runs the load generator; returns the RESULT line's fields."""
    ports = srv.ports()
    cmd = [loadgen_bin(), "--port", str(ports.get("irc", ports["xmpp"])),
           "--password", PASSWORD, "--pid", str(srv.measured_pid())] + args
    if "mixed" in args:
        cmd += ["--port-amp", str(ports["amp"]),
                "--port-xmpp", str(ports["xmpp"])]
    elif "xmpp" in args:
        cmd[2] = str(ports["xmpp"])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    log.write("$ %s\n%s%s\n" % (" ".join(cmd), out.stdout, out.stderr))
    log.flush()
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if not lines:
        return {"ok": "0", "phase": "no result"}
    return dict(kv.split("=", 1) for kv in lines[-1].split()[1:])


def xmpp(*args, sasl="scram"):
    return ["--proto", "xmpp", "--sasl", sasl] + list(args)


def point_args(point, sizes, run, cache):
    """The loadgen invocations of one point: a list of (label, args)."""
    s = sizes
    if point == "logins":
        n, k = s["logins"]
        return [("logins", xmpp("--scenario", "connect", "--clients", str(n),
                                "--inflight", str(k), "--scram-cache", cache,
                                "--stall", "60"))]
    if point == "idle":
        return [("idle", xmpp("--scenario", "idle", "--clients",
                              str(s["idle"]), "--inflight", "100",
                              "--scram-cache", cache, "--stall", "60"))]
    if point in ("fan100", "fan1000"):
        n, senders, m = s[point]
        return [(point, xmpp("--scenario", "room", "--clients", str(n),
                             "--senders", str(senders), "--messages", str(m),
                             "--window", "20", "--scram-cache", cache,
                             "--inflight", "100",
                             "--channel", "#%sr%d" % (point, run),
                             "--stall", str(s["room_stall"])))]
    if point == "join2000":
        return [(point, xmpp("--scenario", "room", "--clients",
                             str(s["join2000"]), "--senders", "2",
                             "--messages", "5", "--window", "5",
                             "--scram-cache", cache, "--inflight", "100",
                             "--channel", "#bigr%d" % run,
                             "--stall", str(s["room_stall"]),
                             "--deadline", str(s["join_deadline"])))]
    if point == "mixed":
        n, senders, m = s["mixed"]
        room = ["--scenario", "room", "--clients", str(n), "--senders",
                str(senders), "--messages", str(m), "--window", "20",
                "--inflight", "100", "--stall", "60"]
        mp = "m%d" % run
        mcache = ["--scram-cache", cache + ".mixed%d" % run]
        return [("mixed_register",
                 ["--proto", "mixed", "--sasl", "scram", "--scenario",
                  "register", "--clients", str(n), "--inflight", "50",
                  "--prefix", mp, "--stall", "60"] + mcache),
                ("irc1000", ["--proto", "irc", "--prefix", "i%d" % run,
                             "--channel", "#ircr%d" % run] + room),
                ("mixed1000", ["--proto", "mixed", "--sasl", "scram",
                               "--prefix", mp, "--channel", "#mixr%d" % run]
                 + mcache + room)]
    raise ValueError(point)


def register(srv, n, cache, log):
    res = loadgen(srv, xmpp("--scenario", "register", "--clients", str(n),
                            "--inflight", "50", "--scram-cache", cache,
                            "--stall", "120"), log)
    if res.get("ok") != "1":
        raise RuntimeError("registration failed: %s" % res)
    return res


class Bench:
    """One server under test: its process, accounts, SCRAM cache, log."""

    def __init__(self, kind, sizes, work):
        self.kind, self.sizes = kind, sizes
        self.log = open(os.path.join(work, "%s.log" % kind), "w")
        self.cache = os.path.join(work, "%s.scram" % kind)
        self.srv = SERVERS[kind]()
        self.registered = False

    def run(self, points, run, raw):
        """One run of every point on a fresh start of the server (its
        accounts registered before the first); appends to raw."""
        self.srv.start()
        try:
            if not self.registered:
                t = time.time()
                register(self.srv, self.sizes["accounts"], self.cache,
                         self.log)
                self.registered = True
                print("%s: %d accounts in %.0f s" % (
                    self.kind, self.sizes["accounts"], time.time() - t),
                    flush=True)
                self.srv.stop()
                self.srv.start()
            time.sleep(1)
            # idle first: its RSS delta needs a process that has not had
            # (and freed) sessions yet.
            for point in sorted(points, key=lambda p: p != "idle"):
                if (point == "mixed" and self.kind != "reed") or (
                        point in ONCE and run > 1):
                    continue
                for label, args in point_args(point, self.sizes, run,
                                              self.cache):
                    res = loadgen(self.srv, args, self.log)
                    line = "%s %s %d %s" % (self.kind, label, run, " ".join(
                        "%s=%s" % kv for kv in res.items()))
                    raw.append(line)
                    print(line[:230], flush=True)
                    time.sleep(2)
        finally:
            self.srv.stop()

    def close(self):
        self.srv.__exit__(None, None, None)
        self.log.close()


def version(kind):
    if kind == "reed":
        out = subprocess.run([os.environ.get("REED_BIN", "reed"),
                              "--version"], capture_output=True, text=True,
                             timeout=30).stdout
    else:
        out = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", kind],
                             capture_output=True, text=True,
                             timeout=30).stdout
    v = out.splitlines()[0] if out else "?"
    if kind == "reed":
        commit = os.environ.get("REED_COMMIT") or subprocess.run(
            ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=30).stdout.strip()
        v += " (tree at %s)" % (commit or "?")
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-s", default="reed,prosody,ejabberd")
    ap.add_argument("-p", default="idle,logins,fan100,fan1000,join2000,mixed")
    ap.add_argument("-r", type=int, default=3)
    ap.add_argument("-q", action="store_true", help="quick sizes")
    ap.add_argument("-o", default=os.path.join(ROOT, "bench/RESULTS-xmpp.md"))
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    sizes = QUICK if args.q else FULL
    work = tempfile.mkdtemp(prefix="xbench-")
    machine = {
        "command": "bench/xmpp/run.sh " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_start": open("/proc/loadavg").read().split()[:3],
        "versions": {k: version(k) for k in args.s.split(",")},
        "quick": args.q, "runs": args.r}
    raw = []
    benches = [Bench(k, sizes, work) for k in args.s.split(",")]
    from report import write_report
    # Run by run, every server in each: a run cut short (a deadline, the
    # machine needed back) still leaves whole runs, and the report is
    # rewritten after each server's run.
    try:
        for run in range(1, args.r + 1):
            for b in benches:
                b.run(args.p.split(","), run, raw)
                machine["load_end"] = open("/proc/loadavg").read().split()[:3]
                machine["runs_done"] = run
                write_report(args.o, machine, sizes, raw)
    finally:
        for b in benches:
            b.close()
    with open(os.path.join(work, "raw.txt"), "w") as f:
        f.write("\n".join(raw) + "\n")
    print("wrote %s (logs in %s)" % (args.o, work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
