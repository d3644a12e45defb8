"""The example bot (bots/examples, linked with libreed-bot) as a networked
IRC client of the real reed: it connects, joins its room, and answers
!time, !echo and !seen to a python3-irc client, in the room and in
private; after reed restarts on the same port, it reconnects by itself
and rejoins; SIGTERM makes it quit politely."""
import os
import signal
import subprocess
import sys
import threading
import time

import irc.client

from reedtest import ReedServer

BOT = os.environ["REED_EXAMPLE_BOT"]


class Client:
    def __init__(self, reactor, nick, port):
        self.events = []
        self.conn = reactor.server().connect("127.0.0.1", port, nick)
        self.conn.add_global_handler("all_events", self.record, -20)

    def record(self, conn, event):
        if conn is self.conn:
            self.events.append(event)

    def seen(self, etype, pred=lambda e: True):
        return [e for e in self.events if e.type == etype and pred(e)]


def new_reactor():
    if hasattr(irc.client, "Reactor"):
        return irc.client.Reactor()
    return irc.client.IRC()


def pump(reactor, cond, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        reactor.process_once(0.05)
        if cond():
            return True
    raise AssertionError("condition not met in %.0fs" % timeout)


def from_bot(e):
    return e.source.nick == "timebot"


def start_bot(port, log):
    proc = subprocess.Popen([BOT, "127.0.0.1", str(port), "timebot", "#e2e"],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)

    def drain():
        for line in proc.stderr:
            log.append(line)
    threading.Thread(target=drain, daemon=True).start()
    return proc


def joined_by_bot(c):
    return lambda: c.seen("join", lambda e: from_bot(e))


def main():
    log = []
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]})
    srv.start()
    port = srv.port("irc", "tcp")
    bot = None
    try:
        reactor = new_reactor()
        alice = Client(reactor, "alice", port)
        pump(reactor, lambda: alice.seen("welcome"))
        alice.conn.join("#e2e")
        pump(reactor, lambda: alice.seen("join"))
        bot = start_bot(port, log)
        pump(reactor, joined_by_bot(alice))

        alice.conn.privmsg("#e2e", "!time")
        pump(reactor, lambda: alice.seen("pubmsg", from_bot))
        text = alice.seen("pubmsg", from_bot)[0].arguments[0]
        assert text.startswith("alice: it is ") and text.endswith(" UTC"), \
            text

        alice.conn.privmsg("#e2e", "!echo caf\u00e9 \u2603")
        pump(reactor, lambda: len(alice.seen("pubmsg", from_bot)) == 2)
        assert alice.seen("pubmsg", from_bot)[1].arguments[0] == \
            "caf\u00e9 \u2603"

        alice.conn.privmsg("#e2e", "!seen alice")
        pump(reactor, lambda: len(alice.seen("pubmsg", from_bot)) == 3)
        assert alice.seen("pubmsg", from_bot)[2].arguments[0].startswith(
            "alice was last seen in #e2e at ")

        alice.conn.privmsg("timebot", "!echo private")
        pump(reactor, lambda: alice.seen("privmsg", from_bot))
        assert alice.seen("privmsg", from_bot)[0].arguments[0] == "private"

        alice.conn.ctcp("VERSION", "timebot")
        pump(reactor, lambda: alice.seen("ctcpreply", from_bot))

        # reed goes away and comes back on the same port: the bot
        # reconnects (1 s, then 2 s, ...) and rejoins #e2e on its own.
        srv.stop()
        srv.listeners = {"irc": ["tcp:%d:interface=127.0.0.1" % port]}
        time.sleep(0.5)
        srv.start()
        reactor2 = new_reactor()
        bob = Client(reactor2, "bob", port)
        pump(reactor2, lambda: bob.seen("welcome"))
        bob.conn.join("#e2e")
        pump(reactor2, lambda: bob.seen("join"))
        pump(reactor2, joined_by_bot(bob), timeout=30)
        bob.conn.privmsg("#e2e", "!echo back")
        pump(reactor2, lambda: bob.seen("pubmsg", from_bot))
        assert bob.seen("pubmsg", from_bot)[0].arguments[0] == "back"

        bot.send_signal(signal.SIGTERM)
        assert bot.wait(10) == 0
        pump(reactor2, lambda: bob.seen("quit", from_bot))
        assert "shutting down" in bob.seen("quit", from_bot)[0].arguments[0]
        bot = None
    finally:
        if bot is not None:
            bot.kill()
            bot.wait()
        srv.__exit__(None, None, None)
    print("".join(log), file=sys.stderr)
    print("ok")


if __name__ == "__main__":
    main()
