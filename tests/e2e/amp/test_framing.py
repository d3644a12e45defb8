"""AMP framing against the real reed over raw sockets, with boxes encoded
and parsed by Twisted's own amp code: pipelined boxes in one write, a box
split across many writes, unasked commands, stray answers, and malformed
framing closing only that connection while another client keeps its
session."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from twisted.protocols import amp  # noqa: E402

import ampchat as A  # noqa: E402
from reedtest import ReedServer  # noqa: E402
from runner import run  # noqa: E402

SRV = None
_n = [0]


def port():
    return SRV.port("amp", "tcp")


def new_name(prefix="f"):
    _n[0] += 1
    return "%s%d" % (prefix, _n[0])


class Raw:
    """A raw AMP connection: bytes out, boxes in (Twisted's parser)."""

    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", port()), timeout=5)
        self.buf = b""

    def send(self, data):
        self.s.sendall(data)

    def boxes(self, n, timeout=5.0):
        """Reads until n complete boxes arrived (bounded); returns them and
        keeps the rest."""
        deadline = time.time() + timeout
        got = amp.parseString(self.buf)
        while len(got) < n and time.time() < deadline:
            self.s.settimeout(max(0.01, deadline - time.time()))
            try:
                chunk = self.s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            self.buf += chunk
            got = amp.parseString(self.buf)
        assert len(got) >= n, "wanted %d boxes, got %r" % (n, got)
        self.buf = b"".join(b.serialize() for b in got[n:])
        return got[:n]

    def nothing(self, wait=0.3):
        self.s.settimeout(wait)
        try:
            data = self.s.recv(65536)
        except socket.timeout:
            return
        assert False, "unexpected bytes %r" % (data,)

    def closed(self, timeout=5.0):
        """True when the server closed the connection without sending."""
        self.s.settimeout(timeout)
        try:
            data = self.s.recv(65536)
        except ConnectionResetError:
            return True
        assert data == b"", "server sent %r before closing" % (data,)
        return True

    def close(self):
        self.s.close()


def ask(tag, command, **kw):
    return A.box(_ask=tag, _command=command, **kw)


def registered(raw, name):
    raw.send(ask("r", "Register", username=name, password="pw"))
    (b,) = raw.boxes(1)
    assert b[b"_answer"] == b"r", b


def test_pipelined_in_one_write():
    r = Raw()
    name = new_name()
    r.send(ask("1", "Register", username=name, password="pw") +
           ask("2", "Join", room="pipe") +
           ask("3", "Say", room="pipe", text="hello") +
           ask("4", "Ping"))
    got = r.boxes(4)
    assert [b.get(b"_answer") for b in got] == [b"1", b"2", b"3", b"4"], got
    assert got[0][b"nick"] == name.encode()
    assert got[1][b"members"] == amp.ListOf(amp.Unicode()).toString([name])
    r.close()


def test_split_across_writes():
    r = Raw()
    data = ask("a1", "Ping") + ask("a2", "Ping")
    for i in range(len(data)):
        r.send(data[i:i + 1])
        time.sleep(0.002)
    got = r.boxes(2)
    assert [b[b"_answer"] for b in got] == [b"a1", b"a2"]
    assert len(got[0][b"time"]) == 32
    r.close()


def test_unasked_command_runs_silently():
    watcher, w = Raw(), new_name("w")
    registered(watcher, w)
    watcher.send(ask("j", "Join", room="quiet"))
    watcher.boxes(1)
    r, name = Raw(), new_name()
    registered(r, name)
    r.send(A.box(_command="Join", room="quiet") +
           A.box(_command="NoSuchCommand") +
           A.box(_command="Say", room="nowhere", text="x"))
    (ev,) = watcher.boxes(1)
    assert ev[b"_command"] == b"Joined" and ev[b"user"] == name.encode()
    assert b"_ask" in ev  # events always carry _ask
    r.nothing()
    r.send(ask("p", "Ping"))
    assert r.boxes(1)[0][b"_answer"] == b"p"
    r.close()
    watcher.close()


def test_stray_answers_ignored():
    r = Raw()
    r.send(A.box(_answer="77") +
           A.box(_error="88", _error_code="UNHANDLED",
                 _error_description="") +
           ask("p", "Ping"))
    (b,) = r.boxes(1)
    assert b[b"_answer"] == b"p"
    r.close()


def test_events_answered_by_client():
    a, an = Raw(), new_name("a")
    b, bn = Raw(), new_name("b")
    registered(a, an)
    registered(b, bn)
    a.send(ask("j", "Join", room="evt"))
    a.boxes(1)
    b.send(ask("j", "Join", room="evt"))
    b.boxes(1)
    (ev,) = a.boxes(1)
    assert ev[b"_command"] == b"Joined"
    # Answer it, with an error too, and keep going.
    a.send(A.box(_answer=ev[b"_ask"]) +
           A.box(_error=ev[b"_ask"], _error_code="UNHANDLED",
                 _error_description="no responder") + ask("p", "Ping"))
    assert a.boxes(1)[0][b"_answer"] == b"p"
    a.close()
    b.close()


BAD = [
    ("empty box", b"\x00\x00"),
    ("key length over 255", b"\x01\x00" + b"k" * 256),
    ("no command, answer or error", A.box(_ask="1", x="y")),
    ("repeated _ask", b"\x00\x04_ask\x00\x011\x00\x04_ask\x00\x012"
     b"\x00\x08_command\x00\x04Ping\x00\x00"),
    ("repeated _command", b"\x00\x08_command\x00\x04Ping"
     b"\x00\x08_command\x00\x04Ping\x00\x00"),
    ("too many pairs",
     b"\x00\x08_command\x00\x04Ping" +
     b"".join(b"\x00\x03k%02d\x00\x00" % i for i in range(64)) + b"\x00\x00"),
]


def test_malformed_framing_closes_only_that_connection():
    keeper, kn = A.Client(port()), new_name("k")
    keeper.call(A.Register, username=kn, password="pw")
    keeper.call(A.Join, room="frames")
    for label, data in BAD:
        r, name = Raw(), new_name()
        registered(r, name)
        r.send(ask("j", "Join", room="frames"))
        r.boxes(1)
        keeper.expect("Joined", user=name)
        r.send(data)
        assert r.closed(), label
        r.close()
        keeper.expect("Left", user=name, kind=b"quit")
        # The other client keeps its session.
        assert keeper.call(A.Say, room="frames", text="still here")["id"]
    keeper.close()


def test_repeated_plain_key_is_bad_request():
    r = Raw()
    r.send(b"\x00\x04_ask\x00\x019\x00\x08_command\x00\x04Ping"
           b"\x00\x01x\x00\x00\x00\x01x\x00\x00\x00\x00")
    (b,) = r.boxes(1)
    assert b[b"_error"] == b"9" and b[b"_error_code"] == b"BAD_REQUEST", b
    r.send(ask("p", "Ping"))
    assert r.boxes(1)[0][b"_answer"] == b"p"
    r.close()


def test_oversized_box_closes():
    r = Raw()
    big = b"v" * 65535
    data = (b"\x00\x08_command\x00\x04Ping" + b"\x00\x01a\xff\xff" + big +
            b"\x00\x01b\xff\xff" + big + b"\x00\x00")
    r.send(data[:80000])
    assert r.closed()
    r.close()


def main():
    global SRV
    A.start_reactor()
    with ReedServer() as srv:
        SRV = srv
        rc = run([test_pipelined_in_one_write, test_split_across_writes,
                  test_unasked_command_runs_silently,
                  test_stray_answers_ignored, test_events_answered_by_client,
                  test_malformed_framing_closes_only_that_connection,
                  test_repeated_plain_key_is_bad_request,
                  test_oversized_box_closes])
    A.stop_reactor()
    return rc


if __name__ == "__main__":
    sys.exit(main())
