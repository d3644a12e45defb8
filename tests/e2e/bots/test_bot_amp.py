"""The networked example bot serves people on other protocols too: it is an
IRC client of reed, and an AMP client (Twisted's amp, through the AMP
tests' helper) in the same room gets its answers, in the room and in
private."""
import os
import queue
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "amp"))

import ampchat as A  # noqa: E402
from reedtest import ReedServer, built_modules  # noqa: E402

BOT = os.environ["REED_EXAMPLE_BOT"]


def wait_event(client, name, pred, timeout=15.0):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        try:
            got, kw = client.event(timeout=max(0.05, deadline - time.time()))
        except queue.Empty:
            break
        seen.append((got, kw))
        if got == name and pred(kw):
            return kw
    raise AssertionError("no %s event matched; saw %r" % (name, seen))


def main():
    if "amp" not in built_modules():
        raise AssertionError("reed was built without the AMP module")
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"],
                                "amp": ["tcp:0:interface=127.0.0.1"]})
    srv.start()
    bot = None
    A.start_reactor()
    try:
        alice = A.Client(srv.port("amp", "tcp"))
        alice.call(A.Register, username="alice", password="pw")
        alice.call(A.Join, room="mix")
        bot = subprocess.Popen([BOT, "127.0.0.1", str(srv.port("irc", "tcp")),
                                "timebot", "#mix"],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        wait_event(alice, "Joined", lambda kw: kw["user"] == "timebot" and
                   kw["origin"] == b"irc")
        alice.call(A.Say, room="mix", text="!echo from amp \u00e9")
        kw = wait_event(alice, "Receive",
                        lambda kw: kw["sender"] == "timebot")
        assert kw["room"] == "mix" and kw["text"] == "from amp \u00e9", kw
        alice.call(A.Tell, user="timebot", text="!time")
        kw = wait_event(alice, "Receive",
                        lambda kw: kw["sender"] == "timebot")
        assert kw.get("room") is None, kw
        assert kw["text"].startswith("alice: it is "), kw
        bot.terminate()
        assert bot.wait(10) == 0
        bot = None
        wait_event(alice, "Left", lambda kw: kw["user"] == "timebot")
        alice.close()
    finally:
        if bot is not None:
            bot.kill()
            bot.wait()
        A.stop_reactor()
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    main()
