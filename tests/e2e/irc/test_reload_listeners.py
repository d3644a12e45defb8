"""SIGHUP rebinds listeners: one the new config drops is closed while the
connections it accepted stay, one it adds is bound and logs its
`listening` line, and an unchanged one keeps its port."""
import signal
import socket
import time

from reedtest import LISTEN_RE, ReedServer, built_modules
from rawirc import RawClient

OLD = "tcp:0:interface=127.0.0.1"
NEW = "tcp:0:interface=127.0.0.1:backlog=64"


def wait_log(srv, text, count=1, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if sum(text in l for l in srv.log_lines) >= count:
            return True
        srv._readline(0.2)
    return False


def listen_ports(srv, proto, kind):
    return [int(m.group(4)) for m in map(LISTEN_RE.search, srv.log_lines)
            if m and m.group(1) == proto and m.group(2) == kind]


def refused(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def main():
    assert "irc" in built_modules()
    srv = ReedServer(listeners={"irc": [OLD, "ssl:0:interface=127.0.0.1"]})
    with srv:
        old_port = srv.port("irc", "tcp")
        ssl_port = srv.port("irc", "ssl")
        alice = RawClient(old_port)
        alice.register("alice")
        # Drop OLD, add NEW, keep the ssl listener.
        srv.listeners = {"irc": ["ssl:0:interface=127.0.0.1", NEW]}
        srv.write_config()
        srv.signal(signal.SIGHUP)
        assert wait_log(srv, "stopped listening irc " + OLD), srv.log_lines
        assert wait_log(srv, "listening irc tcp 127.0.0.1", count=2)
        assert wait_log(srv, "audit: config reloaded"), srv.log_lines
        new_port = listen_ports(srv, "irc", "tcp")[-1]
        assert listen_ports(srv, "irc", "ssl") == [ssl_port], srv.log_lines
        # The connection accepted on the closed listener stays.
        alice.send("PING :still-here")
        alice.expect("still-here")
        assert refused(old_port)
        bob = RawClient(new_port)
        bob.register("bob")
        bob.send("PRIVMSG alice :hi via the new listener")
        alice.expect("hi via the new listener")
        assert not any("listener changes take effect" in l
                       for l in srv.log_lines)
        alice.close()
        bob.close()
        assert srv.stop(signal.SIGTERM, timeout=5) == 0
    print("ok")


if __name__ == "__main__":
    main()
