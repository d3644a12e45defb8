"""Idle memory per logged-in XMPP session: reed, Prosody and ejabberd in
one run (bench/README.md, "XMPP idle memory").

For each server: a fresh process on free ports of 127.0.0.1, N accounts
made by XEP-0077 in-band registration, the server's VmRSS read, then N
sessions logged in over direct TLS (XEP-0368) with the strongest SCRAM the
server offers (or PLAIN, --plain), bound, with initial presence, and one ping round trip each; after a pause VmRSS again.
The figure is the RSS delta divided by N. The client is rawxmpp.py from
tests/e2e/xmpp: blocking sockets, set up from a few threads.

    bench/xmpp_idle/xmpp_idle.py [-n 2000] [-s reed,prosody,ejabberd]
                                 [--results bench/RESULTS.md]
"""
import argparse
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "../../tests/e2e/support"),
                os.path.join(HERE, "../../tests/e2e/xmpp")]

from ejabberd import EjabberdServer  # noqa: E402
from rawxmpp import RawXmpp  # noqa: E402
from xmppserver import XmppServer  # noqa: E402

REED_LIMITS = {"server": {"max_connections": "100000",
                          "max_connections_per_ip": "100000",
                          "connect_burst": "0", "sendq": "64m",
                          "ping_interval": "10m", "ping_timeout": "10m",
                          "registration_per_ip": "0",
                          "registration_global": "0"}}


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def register(srv, user, password):
    c = RawXmpp(srv.host, srv.tls_port, srv.domain, direct_tls=True)
    c.send("<iq type='set' id='r'><query xmlns='jabber:iq:register'>"
           "<username>%s</username><password>%s</password></query></iq>" %
           (user, password))
    el = c.expect("{jabber:client}iq")
    c.close()
    assert el.get("type") == "result", "registration of %s failed" % user


def mechanism(mechs, plain):
    """The client's choice: the strongest SCRAM offered, as real clients
    do (PLAIN with --plain)."""
    for m in ([] if plain else ["SCRAM-SHA-256", "SCRAM-SHA-1"]):
        if m in mechs:
            return m
    return "PLAIN"


def session(srv, user, password, plain=False):
    c = RawXmpp(srv.host, srv.tls_port, srv.domain, direct_tls=True)
    c.mech = mechanism(c.mechanisms(), plain)
    if c.mech == "PLAIN":
        c.auth_plain(user, password)
    else:
        c.auth_scram(user, password, hash_name=c.mech[len("SCRAM-"):])
    c.bind("idle")
    c.send("<presence/>")
    return c


def ping(c):
    c.send("<iq type='get' id='idle-ping'><ping xmlns='urn:xmpp:ping'/>"
           "</iq>")
    while c.stanza().get("id") != "idle-ping":
        pass


def make_account(srv, user, password):
    # reed's accounts come from `reed account add` (the same store rows as
    # in-band registration, which reed may not have in a given build).
    if srv.kind == "reed":
        srv.add_user(user, password)
    else:
        register(srv, user, password)


def measure(srv, n, settle, threads, plain):
    # Threads overlap the waits on a loaded machine; the sessions are
    # the same as one after the other.
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda i: make_account(srv, "idle%d" % i, "pw%d" % i),
                      range(n)))
        time.sleep(settle)
        before = rss_kib(srv.measured_pid())
        clients = list(pool.map(
            lambda i: session(srv, "idle%d" % i, "pw%d" % i, plain),
            range(n)))
        list(pool.map(ping, clients))
    time.sleep(settle)
    after = rss_kib(srv.measured_pid())
    for c in clients:
        c.close()
    return before, after, clients[0].mech


def make_server(kind):
    if kind == "ejabberd":
        return EjabberdServer()
    srv = XmppServer(kind, extra_ini=REED_LIMITS if kind == "reed" else None)
    srv.measured_pid = srv.pid
    return srv


def version(kind):
    cmd = {"reed": [os.environ.get("REED_BIN", "reed"), "--version"],
           "prosody": ["dpkg-query", "-W", "-f", "${Version}", "prosody"],
           "ejabberd": ["dpkg-query", "-W", "-f", "${Version}", "ejabberd"]}
    out = subprocess.run(cmd[kind], capture_output=True, text=True,
                         timeout=30).stdout
    return out.splitlines()[0] if out else "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=2000)
    ap.add_argument("-s", default="reed,prosody,ejabberd")
    ap.add_argument("--settle", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=16)
    ap.add_argument("--plain", action="store_true",
                    help="SASL PLAIN instead of SCRAM")
    ap.add_argument("--results")
    ap.add_argument("--missing", action="append", default=[],
                    help="KIND=why: a row for a server not measured")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rows = []
    for kind in args.s.split(","):
        with make_server(kind) as srv:
            before, after, mech = measure(srv, args.n, args.settle,
                                          args.threads, args.plain)
        per = (after - before) * 1024 // args.n
        print("RESULT server=%s version=%s mech=%s sessions=%d "
              "rss_before_kib=%d rss_after_kib=%d bytes_per_session=%d" % (
                  kind, version(kind), mech, args.n, before, after, per),
              flush=True)
        rows.append((kind, version(kind), mech, before, after, per))
    if args.results:
        from results import write_section
        write_section(args.results, rows, args.n,
                      [m.split("=", 1) for m in args.missing],
                      " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
