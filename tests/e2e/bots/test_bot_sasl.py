"""The example bot with SASL PLAIN against the real reed: with the right
password it logs in to an account made by `reed account add`, takes the
account's reserved nick and answers in its room (a python3-irc client sees
it logged in with WHOIS); with a wrong one it stops for good and exits
instead of reconnecting."""
import os
import subprocess
import time

import irc.client

from reedtest import ReedServer, reed_bin

BOT = os.environ["REED_EXAMPLE_BOT"]


def add_account(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


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


def run_bot(port, password):
    env = dict(os.environ, REED_BOT_SASL_USER="saslbot",
               REED_BOT_SASL_PASS=password)
    return subprocess.Popen([BOT, "127.0.0.1", str(port), "saslbot", "#sasl"],
                            env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def main():
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1"]})
    conf = srv.write_config()
    add_account(conf, "saslbot", "correct horse")
    srv.start()
    port = srv.port("irc", "tcp")
    good = bad = None
    try:
        # A wrong password: SASL fails, the bot gives up and exits.
        bad = run_bot(port, "wrong")
        assert bad.wait(20) == 0
        err = bad.stderr.read()
        assert "SASL authentication failed" in err, err
        assert "retry in 0 ms" in err, err
        assert err.count("disconnected") == 1, err
        bad = None

        events = []
        reactor = new_reactor()
        conn = reactor.server().connect("127.0.0.1", port, "carol")
        conn.add_global_handler("all_events",
                                lambda c, e: events.append(e), -20)
        pump(reactor, lambda: any(e.type == "welcome" for e in events))
        conn.join("#sasl")
        good = run_bot(port, "correct horse")
        pump(reactor, lambda: any(e.type == "join" and
                                  e.source.nick == "saslbot"
                                  for e in events))
        conn.whois(["saslbot"])
        pump(reactor, lambda: any(e.type == "whoisaccount" or
                                  (e.type == "330") for e in events))
        conn.privmsg("#sasl", "!echo logged in")
        pump(reactor, lambda: any(e.type == "pubmsg" and
                                  e.source.nick == "saslbot" and
                                  e.arguments[0] == "logged in"
                                  for e in events))
        good.terminate()
        assert good.wait(10) == 0
        good = None
    finally:
        for p in (good, bad):
            if p is not None:
                p.kill()
                p.wait()
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    main()
