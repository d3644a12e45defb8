"""A python3-irc client driven synchronously from a test: its own
irc.client.Reactor, pumped in the calling thread with bounded waits.
Every event is recorded as (type, source nick, full source, target,
arguments)."""
import time

import irc.client


class IrcPeer:
    def __init__(self, port, nick, timeout=10.0):
        self.reactor = irc.client.IRC()  # python3-irc 8.5: the reactor
        self.events = []
        self.raw = []  # every line the server sent, as text
        self.reactor.add_global_handler("all_events", self._on, -10)
        self.conn = self.reactor.server().connect("127.0.0.1", port, nick)
        self.welcomed = False
        self.wait(lambda: any(e[0] in ("welcome", "nicknameinuse",
                                       "erroneusnickname")
                              for e in self.events), timeout)

    def _on(self, conn, event):
        if event.type == "all_raw_messages":
            self.raw.append(event.arguments[0])
            return
        src = str(event.source) if event.source else None
        nick = src.split("!", 1)[0] if src else None
        self.events.append((event.type, nick, src, event.target,
                            list(event.arguments)))

    def pump(self, seconds=0.05):
        self.reactor.process_once(seconds)

    def wait(self, pred, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred():
                return True
            self.pump(0.05)
        raise AssertionError("IRC wait timed out; events: %r" %
                             (self.events[-15:],))

    def take(self, etype, timeout=10.0, **want):
        """Waits for and removes the first event of a type matching want
        (nick=, target=, args=)."""
        def find():
            for i, e in enumerate(self.events):
                if e[0] != etype:
                    continue
                if "nick" in want and e[1] != want["nick"]:
                    continue
                if "target" in want and (e[3] or "").lower() != \
                        want["target"].lower():
                    continue
                if "args" in want and e[4] != want["args"]:
                    continue
                return i
            return None
        self.wait(lambda: find() is not None, timeout)
        return self.events.pop(find())

    def drain(self, seconds=0.3):
        deadline = time.time() + seconds
        while time.time() < deadline:
            self.pump(0.05)
        out, self.events = self.events, []
        return out

    def close(self, message="bye"):
        try:
            self.conn.quit(message)
            self.drain(0.2)
        finally:
            self.conn.close()
