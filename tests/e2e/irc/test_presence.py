"""Presence on the real binary over raw sockets: MONITOR sees an IRC client
connect, change nick and quit, and an AMP client (Twisted's amp) log in
and leave; WHOWAS then shows the nicks that went out of use, newest first.
Every wait is bounded."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "amp"))

from rawirc import RawClient  # noqa: E402
from reedtest import ReedServer  # noqa: E402


def test_irc(port):
    w = RawClient(port)
    w.register("watcher")
    w.send("MONITOR + bob,Robert")
    w.expect(" 731 watcher :bob,Robert")
    b = RawClient(port)
    b.register("bob")
    w.expect(" 730 watcher :bob!~bob@127.0.0.1")
    b.send("NICK robert")
    w.expect(" 731 watcher :bob")
    w.expect(" 730 watcher :robert!~bob@127.0.0.1")
    b.send("QUIT :bye")
    assert b.wait_closed(), "QUIT must close the connection"
    w.expect(" 731 watcher :robert")
    w.send("WHOWAS robert", "WHOWAS bob 1", "MONITOR L")
    w.expect(" 314 watcher robert ~bob 127.0.0.1 * :bob")
    w.expect(" 369 watcher robert :End of WHOWAS")
    w.expect(" 314 watcher bob ~bob 127.0.0.1 * :bob")
    w.expect(" 369 watcher bob :End of WHOWAS")
    w.expect(" 732 watcher :bob,Robert")
    w.expect(" 733 watcher :End of MONITOR list")
    return w


def test_amp(w, amp_port):
    import ampchat as A

    A.start_reactor()
    try:
        c = A.Client(amp_port)
        c.call(A.Register, username="ampy", password="pw")
        w.send("MONITOR + ampy")
        # Another protocol's person shows nick!account@<origin host>.
        w.expect(" 730 watcher :ampy!ampy@")
        c.close()
        w.expect(" 731 watcher :ampy")
        w.send("WHOWAS ampy")
        w.expect(" 314 watcher ampy ampy ")
        w.expect(" 330 watcher ampy ampy :was logged in as")
        w.expect(" 369 watcher ampy :End of WHOWAS")
    finally:
        A.stop_reactor()


def main():
    srv = ReedServer()
    srv.write_config()
    with srv:
        w = test_irc(srv.port("irc", "tcp"))
        test_amp(w, srv.port("amp", "tcp"))
        w.close()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
