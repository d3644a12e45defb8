"""Account bans over raw sockets against the real binary: an operator sets
`MODE #room +b $a:NAME` (ISUPPORT EXTBAN=$,a), and a user logged in to that
account with SASL is kept out under a nick that matches no mask, before and
after a SIGKILL and a restart on the same data dir (the operator is logged
in, so the room is registered and keeps its lists); a guest is let in."""
import subprocess
import sys

from rawirc import RawClient, sasl_plain
from reedtest import ReedServer, reed_bin


def add_account(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


def refused(port, nick):
    m = RawClient(port)
    m.register(nick, caps=["sasl"], sasl=sasl_plain("mallory", "pencil"))
    assert any(" 903 " in l for l in m.lines), m.lines
    m.send("JOIN #guarded")
    line = m.wait(lambda l: " 474 " in l or " JOIN " in l)
    assert " 474 %s #guarded " % nick in line, line
    m.close()


def main():
    srv = ReedServer()
    conf = srv.write_config()
    add_account(conf, "mallory", "pencil")
    add_account(conf, "keeper", "pencil")
    srv.start()
    try:
        port = srv.port("irc", "tcp")
        op = RawClient(port)
        op.register("keeper", caps=["sasl"],
                    sasl=sasl_plain("keeper", "pencil"))
        assert any("EXTBAN=$,a" in l and " 005 " in l for l in op.lines)
        op.send("JOIN #guarded")
        op.expect(" 366 ")
        op.send("MODE #guarded +b $a:Mallory", "MODE #guarded +b")
        op.expect("MODE #guarded +b $a:Mallory")
        op.expect(" 367 keeper #guarded $a:Mallory keeper ")
        refused(port, "innocent")
        guest = RawClient(port)
        guest.register("mallory_")
        guest.send("JOIN #guarded")
        guest.expect(" 366 ")
        guest.close()
        srv.kill9()
        srv.start()
        port = srv.port("irc", "tcp")
        op = RawClient(port)
        op.register("keeper", caps=["sasl"],
                    sasl=sasl_plain("keeper", "pencil"))
        op.send("JOIN #guarded")
        op.expect(" 366 ")
        refused(port, "stranger")
        op.send("MODE #guarded b")
        op.expect(" 367 keeper #guarded $a:Mallory keeper ")
        op.close()
    finally:
        srv.stop()
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
