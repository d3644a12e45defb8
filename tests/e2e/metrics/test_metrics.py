"""GET /metrics on the real binary: known traffic (IRC SASL logins that
succeed and fail, AMP logins, a registration, messages in a room of four
members from IRC and AMP, a private message, an input flood) and then the
exposition, read by a strict parser of the text format (promparse.py),
with every counter checked against what the test did; and the address
check: loopback and [http] metrics_allow are served, another client (a
trusted proxy's X-Forwarded-For) gets 403."""
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "irc"))
from promparse import FormatError, parse, value  # noqa: E402
from rawirc import RawClient, sasl_plain  # noqa: E402
from rawnet import Amp  # noqa: E402
from reedtest import ReedServer, reed_bin, wait_until  # noqa: E402

ROOM = "metrics"

BAD_EXPOSITIONS = [
    "reed_x 1",                                        # no final LF
    "reed_x 1\n",                                      # no TYPE
    "# TYPE reed_x gauge\nreed_x one\n",               # not a float
    "# TYPE reed_x gauge\nreed_x{a=\"b\\q\"} 1\n",     # bad escape
    "# TYPE reed_x gauge\nreed_x{a=\"b\",} 1\n",       # trailing comma
    "# TYPE reed_x gauge\nreed_x 1 12345\n",           # a timestamp
    "# TYPE reed_x gauge\n\nreed_x 1\n",               # blank line
    "# TYPE reed_x gauge\nreed_x 1\nreed_x 2\n",       # series twice
    "# TYPE reed_x_total counter\nreed_x_total -1\n",  # negative counter
    "# TYPE reed_x gauge\n# TYPE reed_x gauge\nreed_x 1\n",
    "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{x=\"1\"} 2\n",
    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n"
    "h_sum 1\nh_count 1\n",                            # not cumulative
    "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\n"
    "h_sum 1\nh_count 3\n",                            # +Inf != _count
    "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",
    "# random comment\n",
]


def parser_selftest():
    """The parser refuses each bad exposition and reads a good one."""
    for text in BAD_EXPOSITIONS:
        try:
            parse(text)
        except FormatError:
            continue
        raise AssertionError("the parser accepted %r" % text)
    fams = parse("# HELP h a \\\\ help\\n\n# TYPE h histogram\n"
                 "h_bucket{k=\"a\\\"b\",le=\"0.5\"} 1\n"
                 "h_bucket{k=\"a\\\"b\",le=\"+Inf\"} 2\n"
                 "h_sum{k=\"a\\\"b\"} 1.5e0\nh_count{k=\"a\\\"b\"} 2\n")
    assert fams["h"].help == "a \\ help\n"
    assert value(fams, "h", "h_count", k="a\"b") == 2


def get(port, xff=None):
    """(status, content type, body) of GET /metrics."""
    req = urllib.request.Request("http://127.0.0.1:%d/metrics" % port)
    if xff:
        req.add_header("X-Forwarded-For", xff)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers["Content-Type"], r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers["Content-Type"], e.read().decode()


def scrape(port):
    status, ctype, body = get(port)
    assert status == 200, (status, body)
    assert ctype == "text/plain; version=0.0.4; charset=utf-8", ctype
    return parse(body)


def add_account(conf, name, password):
    subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                   input=password + "\n", text=True, check=True,
                   capture_output=True, timeout=30)


def irc_traffic(port):
    """alice (SASL) and two guests in the room; a failed SASL login."""
    alice = RawClient(port)
    alice.register("alice", caps=("sasl",),
                   sasl=sasl_plain("alice", "pw-alice"))
    bad = RawClient(port)
    bad.send("CAP LS 302", "NICK bob", "USER bob 0 * :bob", "CAP REQ :sasl")
    bad.expect(" ACK ")
    sasl_plain("alice", "wrong")(bad)
    assert any(" 904 " in l for l in bad.lines), bad.lines[-3:]
    bad.close()
    guests = []
    for nick in ("g1", "g2"):
        g = RawClient(port)
        g.register(nick)
        guests.append(g)
    for c in [alice] + guests:
        c.send("JOIN #" + ROOM)
        c.expect(" 366 ")
    return alice, guests


def amp_traffic(port):
    """carol logs in (after a wrong password on another connection) and
    joins; dave registers."""
    wrong = Amp(port)
    b = wrong.ask("Login", username="carol", password="nope")
    assert b.get("_error_code") == "UNAUTHORIZED", b
    wrong.close()
    carol = Amp(port)
    b = carol.ask("Login", username="carol", password="pw-carol")
    assert "_answer" in b, b
    b = carol.ask("Join", room=ROOM)
    assert "_answer" in b, b
    dave = Amp(port)
    b = dave.ask("Register", username="dave", password="pw-dave")
    assert "_answer" in b, b
    dave.close()
    return carol


def saw(c, *fragments):
    """Reads until every fragment is in a line c received (any order)."""
    deadline = time.time() + 10
    while not all(any(f in l for l in c.lines) for f in fragments):
        assert time.time() < deadline and not c.closed, c.lines[-5:]
        c._fill(deadline)


def messages(alice, guests, carol):
    """3 from alice to the room, 2 from carol, 1 private g1 -> carol; each
    seen by its last recipient, so the server has handled them all."""
    for i in range(3):
        alice.send("PRIVMSG #%s :from irc %d" % (ROOM, i))
    for i in range(2):
        b = carol.ask("Say", room=ROOM, text="from amp %d" % i)
        assert "_answer" in b, b
    guests[0].send("PRIVMSG carol :psst")
    got = carol.wait_for(lambda b: b.get("text") == "psst")
    assert got is not None
    for g in guests:
        saw(g, "from amp 1", "from irc 2")
    saw(alice, "from amp 1")


def flood(port):
    """An input flood: cut with Excess Flood (net's counter)."""
    f = RawClient(port)
    f.register("flooder")
    blob = "".join("PRIVMSG nobody :%s\r\n" % ("z" * 400) for _ in range(200))
    f.sock.sendall(blob.encode())
    assert f.wait_closed()
    assert "ERROR :Closing link: Excess Flood" in f.lines, f.lines[-3:]
    f.close()


def settled(port):
    """The exposition once the connections closed by the test are gone."""
    want = {("reed_connections", "irc"): 3, ("reed_connections", "amp"): 1,
            ("reed_sessions", "irc"): 3, ("reed_sessions", "amp"): 1}
    out = {}

    def check():
        fams = scrape(port)
        out["f"] = fams
        return all(value(fams, f, protocol=p) == n
                   for (f, p), n in want.items())
    assert wait_until(check, timeout=15, step=0.1), \
        {k: value(out["f"], k[0], protocol=k[1]) for k in want}
    return out["f"]


def check_counters(fams, t0):
    v = lambda *a, **kw: value(fams, *a, **kw)  # noqa: E731
    # Messages: IRC 3 to the room and 1 private; AMP 2 to the room.
    assert v("reed_messages_total", protocol="irc") == 4
    assert v("reed_messages_total", protocol="amp") == 2
    # alice's 3 reach g1, g2 and carol; carol's 2 reach alice, g1, g2;
    # the private one reaches carol. Echoes are not deliveries.
    assert v("reed_deliveries_total", protocol="irc") == 3 * 2 + 2 * 3
    assert v("reed_deliveries_total", protocol="amp") == 3 + 1
    assert v("reed_rooms") == 1
    logins = {(m, r): n for (name, labels), n in
              fams["reed_logins_total"].samples.items()
              for m, r in [(dict(labels)["mechanism"], dict(labels)["result"])]
              if n}
    assert logins == {("PLAIN", "success"): 1, ("PLAIN", "failure"): 1,
                      ("password", "success"): 1,
                      ("password", "failure"): 1}, logins
    assert v("reed_registrations_total") == 1
    assert v("reed_flood_disconnects_total") == 1
    assert v("reed_sendq_disconnects_total") == 0
    # Messages, joins and the registration were committed: timed batches.
    assert v("reed_store_commit_seconds", "reed_store_commit_seconds_count") \
        >= 1
    assert fams["reed_loop_lag_seconds"].type == "histogram"
    version = subprocess.run([reed_bin(), "--version"], capture_output=True,
                             text=True, timeout=10).stdout.split()[1]
    build = [dict(k[1]) for k in fams["reed_build_info"].samples]
    assert len(build) == 1 and build[0]["version"] == version, build
    assert build[0]["commit"], build
    start = v("reed_start_time_seconds")
    assert t0 - 5 <= start <= time.time(), (t0, start)
    for name, fam in fams.items():
        assert name.startswith("reed_"), name
        assert fam.help and fam.type, name
        assert (fam.type == "counter") == name.endswith("_total"), name


def check_access(port):
    """Through a trusted proxy (127.0.0.1), the client is the XFF hop:
    203.0.113.0/24 is in metrics_allow, 198.51.100.7 is not."""
    status, _, body = get(port, xff="198.51.100.7")
    assert status == 403, (status, body)
    assert "reed_" not in body
    status, _, body = get(port, xff="203.0.113.9")
    assert status == 200, (status, body)
    parse(body)


def main():
    parser_selftest()
    t0 = time.time()
    srv = ReedServer(
        listeners={"irc": ["tcp:0:interface=127.0.0.1"],
                   "amp": ["tcp:0:interface=127.0.0.1"],
                   "http": ["tcp:0:interface=127.0.0.1"]},
        extra_ini={"http": {"trusted_proxies": "127.0.0.1",
                            "metrics_allow": "203.0.113.0/24"}})
    conf = srv.write_config()
    add_account(conf, "alice", "pw-alice")
    add_account(conf, "carol", "pw-carol")
    with srv:
        http = srv.port("http", "tcp")
        before = scrape(http)
        assert value(before, "reed_messages_total", protocol="irc") == 0
        alice, guests = irc_traffic(srv.port("irc", "tcp"))
        carol = amp_traffic(srv.port("amp", "tcp"))
        messages(alice, guests, carol)
        flood(srv.port("irc", "tcp"))
        fams = settled(http)
        if os.environ.get("REED_SHOW"):
            print(get(http)[2])
        check_counters(fams, t0)
        check_access(http)
        for c in [alice] + guests:
            c.close()
        carol.close()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
