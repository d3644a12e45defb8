"""An AMP client (Twisted's amp, declared in tests/e2e/amp/ampchat.py) for
the browser tests, driven over standard input and output: one JSON request
a line in, one JSON answer a line out.

    {"op": "register", "user": "ann", "password": "pw"}
    {"op": "join", "room": "lobby"}
    {"op": "say", "room": "lobby", "text": "hi"}
    {"op": "wait", "event": "Receive", "text": "hello", "timeout": 15}
    {"op": "close"}

Every answer is {"ok": true, ...} or {"ok": false, "error": "..."}; every
wait is bounded."""
import json
import os
import queue
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "amp"))

import ampchat as A  # noqa: E402


def plain(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, list):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    return str(v)


class Peer:
    def __init__(self, port):
        A.start_reactor()
        self.c = A.Client(port)
        self.seen = []

    def register(self, user, password):
        return self.c.call(A.Register, username=user, password=password)

    def join(self, room):
        return self.c.call(A.Join, room=room)

    def say(self, room, text):
        return self.c.call(A.Say, room=room, text=text)

    def wait(self, event, text=None, timeout=15):
        deadline = time.time() + timeout
        while True:
            for name, kw in self.seen:
                if name == event and (text is None or kw.get("text") == text):
                    return kw
            left = deadline - time.time()
            if left <= 0:
                raise AssertionError("no %s %r; seen %r" % (
                    event, text, self.seen[-10:]))
            try:
                self.seen.append(self.c.event(timeout=left))
            except queue.Empty:
                pass


def main():
    peer = Peer(int(sys.argv[1]))
    for line in sys.stdin:
        req = json.loads(line)
        op = req.pop("op")
        try:
            if op == "close":
                peer.c.close()
                print(json.dumps({"ok": True}), flush=True)
                break
            r = getattr(peer, op)(**req)
            print(json.dumps({"ok": True, "result": plain(r)}), flush=True)
        except Exception as e:  # reported to the test, which fails
            print(json.dumps({"ok": False, "error": "%s: %s" % (
                type(e).__name__, e)}), flush=True)
    A.stop_reactor()


if __name__ == "__main__":
    main()
