"""The edges of reed as an attacker meets them, on the real binary: one AMP
message cannot become more IRC lines than IRC's own draft/multiline
max-lines; a connection refused by a limit gets its own protocol's
refusal (an AMP Closing box, not an IRC line); the per-address connect rate
refuses with a log line."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ampchat as A  # noqa: E402
from ircpeer import IrcPeer  # noqa: E402
from reedtest import ReedServer, wait_until  # noqa: E402
from runner import run  # noqa: E402

CLOSING = b"\x00\x08_command\x00\x07Closing"


def read_all(port, timeout=5.0):
    """Connects, reads until the server closes, returns the bytes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    data = b""
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    return data


def test_say_of_newlines_is_refused_and_irc_sees_nothing():
    with ReedServer() as srv:
        carol = IrcPeer(srv.port("irc", "tcp"), "carol")
        carol.take("welcome")
        carol.conn.join("#nl")
        carol.take("join", nick="carol")
        alice = A.Client(srv.port("amp", "tcp"))
        alice.call(A.Register, username="alice", password="pw")
        alice.call(A.Join, room="nl")
        carol.take("join", nick="alice")
        carol.drain()
        mark = len(carol.raw)
        # The message: 4,095 bytes of line feeds (and one letter).
        text = "x" + "\n" * 4094
        assert alice.call_error(A.Say, room="nl", text=text) is A.TooLong
        assert alice.call_error(A.Tell, user="carol", text=text) is A.TooLong
        assert carol.drain(0.5) == []
        assert carol.raw[mark:] == [], carol.raw[mark:]
        # The bound itself passes: 100 lines, 100 PRIVMSGs.
        alice.call(A.Say, room="nl", text="\n".join("l%d" % i
                                                   for i in range(100)))
        carol.wait(lambda: sum(1 for e in carol.events
                               if e[0] == "pubmsg") == 100)
        alice.close()
        carol.close()


def test_amp_refused_by_per_address_limit_gets_closing_box():
    with ReedServer(extra_ini={"server": {"max_connections_per_ip": "2"}}) \
            as srv:
        port = srv.port("amp", "tcp")
        a = A.Client(port)
        b = A.Client(port)
        a.call(A.Ping)
        b.call(A.Ping)
        data = read_all(port)
        assert CLOSING in data, data
        assert b"too many connections from your address" in data, data
        assert b"ERROR" not in data, data
        assert wait_until(lambda: any(
            "refused 127.0.0.1: too many connections" in l
            for l in srv.log_lines))
        a.close()
        b.close()


def test_connect_rate_refused_in_protocol_with_a_log_line():
    ini = {"server": {"connect_burst": "3", "connect_rate": "1"}}
    with ReedServer(extra_ini=ini) as srv:
        port = srv.port("amp", "tcp")
        for _ in range(3):
            c = A.Client(port)
            c.call(A.Ping)
            c.close()
        data = read_all(port)
        assert CLOSING in data, data
        assert b"connecting too fast from your address" in data, data
        assert wait_until(lambda: any(
            "refused 127.0.0.1: connecting too fast" in l
            for l in srv.log_lines)), srv.log_lines[-5:]
        # IRC's listener is the same address: its refusal is IRC's.
        data = read_all(srv.port("irc", "tcp"))
        assert data.startswith(b"ERROR :Closing link: connecting too fast"), \
            data


if __name__ == "__main__":
    A.start_reactor()
    try:
        rc = run([test_say_of_newlines_is_refused_and_irc_sees_nothing,
                  test_amp_refused_by_per_address_limit_gets_closing_box,
                  test_connect_rate_refused_in_protocol_with_a_log_line])
    finally:
        A.stop_reactor()
    sys.exit(rc)
