"""The example bot over TLS to reed's ssl listener: with verification on
and no CA for reed's self-signed certificate it is refused and says why
(and keeps retrying); trusting that certificate as its CA and naming the
host it was made for ("localhost") it connects and answers; with checks
turned off it connects to the bare address too."""
import os
import subprocess
import threading
import time

import irc.client

from reedtest import ReedServer

BOT = os.environ["REED_EXAMPLE_BOT"]


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


def run_bot(host, port, nick, log, **env):
    e = dict(os.environ, REED_BOT_TLS="1")
    e.update(env)
    p = subprocess.Popen([BOT, host, str(port), nick, "#tls"], env=e,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)

    def drain():
        for line in p.stderr:
            log.append(line)
    threading.Thread(target=drain, daemon=True).start()
    return p


def wait_log(log, text, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(text in l for l in log):
            return
        time.sleep(0.05)
    raise AssertionError("%r not in %r" % (text, log))


def answers(reactor, events, conn, nick):
    pump(reactor, lambda: any(e.type == "join" and e.source.nick == nick
                              for e in events))
    conn.privmsg("#tls", "!echo via " + nick)
    pump(reactor, lambda: any(e.type == "pubmsg" and e.source.nick == nick
                              and e.arguments[0] == "via " + nick
                              for e in events))


def main():
    srv = ReedServer(listeners={"irc": ["tcp:0:interface=127.0.0.1",
                                        "ssl:0:interface=127.0.0.1"]})
    srv.start()
    tcp, ssl_port = srv.port("irc", "tcp"), srv.port("irc", "ssl")
    cert = os.path.join(srv.dir, "data", "cert.pem")
    assert os.path.exists(cert), os.listdir(os.path.join(srv.dir, "data"))
    procs = []
    try:
        events = []
        reactor = new_reactor()
        conn = reactor.server().connect("127.0.0.1", tcp, "carol")
        conn.add_global_handler("all_events",
                                lambda c, e: events.append(e), -20)
        pump(reactor, lambda: any(e.type == "welcome" for e in events))
        conn.join("#tls")
        pump(reactor, lambda: any(e.type == "join" for e in events))

        refused = []
        procs.append(run_bot("127.0.0.1", ssl_port, "nobot", refused))
        wait_log(refused, "TLS: certificate")

        trusted = []
        procs.append(run_bot("localhost", ssl_port, "cabot", trusted,
                             REED_BOT_TLS_CA=cert))
        answers(reactor, events, conn, "cabot")

        loose = []
        procs.append(run_bot("127.0.0.1", ssl_port, "loosebot", loose,
                             REED_BOT_TLS_INSECURE="1"))
        answers(reactor, events, conn, "loosebot")
        wait_log(loose, "certificate checks are OFF")
        assert not any(e.type == "join" and e.source.nick == "nobot"
                       for e in events)
        for p in procs:
            p.terminate()
            assert p.wait(10) == 0
        procs = []
    finally:
        for p in procs:
            p.kill()
            p.wait()
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    main()
