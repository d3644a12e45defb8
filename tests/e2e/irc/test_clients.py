"""Several python3-irc clients (a real client library from Debian) on the
real binary: joins, channel messages, private messages, NAMES, topic,
operator modes and a kick, and a client on the TLS listener."""
import ssl
import sys
import time

import irc.client
import irc.connection

from reedtest import ReedServer


class Bot:
    def __init__(self, reactor, nick, port, tls=False):
        self.nick = nick
        self.events = []
        factory = irc.connection.Factory()
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            factory = irc.connection.Factory(
                wrapper=lambda s: ctx.wrap_socket(s))
        self.conn = reactor.server().connect("127.0.0.1", port, nick,
                                             connect_factory=factory)
        self.conn.add_global_handler("all_events", self.record, -20)

    def record(self, conn, event):
        if conn is self.conn:
            self.events.append(event)

    def seen(self, etype, pred=lambda e: True):
        return [e for e in self.events if e.type == etype and pred(e)]


BOTS = []


def pump(reactor, cond, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        reactor.process_once(0.05)
        if cond():
            return True
    seen = {b.nick: [(e.type, e.target, e.arguments) for e in b.events[-12:]]
            for b in BOTS}
    raise AssertionError("condition not met in %.0fs: %r" % (timeout, seen))


def main():
    with ReedServer() as srv:
        port = srv.port("irc", "tcp")
        reactor = irc.client.Reactor() if hasattr(irc.client, "Reactor") \
            else irc.client.IRC()
        a = Bot(reactor, "alice", port)
        b = Bot(reactor, "bob", port)
        c = Bot(reactor, "carol", srv.port("irc", "ssl"), tls=True)
        bots = (a, b, c)
        BOTS.extend(bots)
        pump(reactor, lambda: all(x.seen("welcome") for x in bots))
        for x in bots:  # one after the other: alice creates the channel
            x.conn.join("#e2e")
            pump(reactor, lambda: x.seen("endofnames"))
        pump(reactor, lambda: len(a.seen("join")) == 3)
        names = a.seen("namreply")[0].arguments[2].split()
        assert names == ["@alice"], names
        b.conn.privmsg("#e2e", "hello from bob")
        c.conn.privmsg("alice", "psst")
        pump(reactor, lambda: a.seen("pubmsg") and a.seen("privmsg") and
             c.seen("pubmsg"))
        pub = a.seen("pubmsg")[0]
        assert pub.source.nick == "bob" and \
            pub.arguments == ["hello from bob"], pub
        assert a.seen("privmsg")[0].arguments == ["psst"]
        assert not b.seen("pubmsg"), "no echo without echo-message"
        a.conn.topic("#e2e", "testing reed")
        pump(reactor, lambda: c.seen("topic"))
        t = c.seen("topic")[0]
        assert t.target == "#e2e" and t.arguments == ["testing reed"], vars(t)
        a.conn.mode("#e2e", "+o bob")
        pump(reactor, lambda: c.seen("mode"))
        m = c.seen("mode")[0]
        assert m.target == "#e2e" and m.arguments == ["+o", "bob"], vars(m)
        b.conn.kick("#e2e", "carol", "bye carol")
        pump(reactor, lambda: c.seen("kick") and a.seen("kick"))
        k = c.seen("kick")[0]
        assert k.target == "#e2e" and k.source.nick == "bob" and \
            k.arguments == ["carol", "bye carol"], vars(k)
        c.conn.privmsg("#e2e", "still here?")
        pump(reactor, lambda: c.seen("cannotsendtochan"))
        a.conn.quit("done")
        pump(reactor, lambda: b.seen("quit"))
        assert b.seen("quit")[0].arguments == ["Quit: done"]
        for x in (b, c):
            x.conn.disconnect()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
