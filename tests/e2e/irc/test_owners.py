"""Rooms that keep their owners, over raw sockets against the real binary:
PREFIX=(qaov)~&@+ and multi-prefix NAMES; ChanServ (PRIVMSG and CS) with
AMODE, INFO and a reserved nick; an emptied +i room nobody owns can be
joined again; after a SIGKILL and a restart on the same data dir the
registered room keeps +i and its topic, the first to arrive gets no op,
a member passes +i and the owner gets op."""
import subprocess
import sys

from rawirc import RawClient, sasl_plain
from reedtest import ReedServer, reed_bin

CS = ":ChanServ!ChanServ@services."


def add_account(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


def login(port, nick, account=None):
    c = RawClient(port)
    if account:
        c.register(nick, caps=["sasl", "multi-prefix"],
                   sasl=sasl_plain(account, "pencil"))
        assert any(" 903 " in l for l in c.lines), c.lines
    else:
        c.register(nick, caps=["multi-prefix"])
    return c


def names_of(c, chan):
    line = c.expect(" 353 ")
    c.expect(" 366 ")
    assert chan in line, line
    return line.split(" :", 1)[1].split()


def before_restart(port):
    owner = login(port, "olivia", "olivia")
    assert any("PREFIX=(qaov)~&@+" in l for l in owner.lines), owner.lines
    owner.send("JOIN #club")
    assert names_of(owner, "#club") == ["~@olivia"]
    owner.send("MODE #club +i", "TOPIC #club :members only")
    owner.expect("TOPIC #club :members only")
    bob = login(port, "bob", "bob")
    bob.send("JOIN #club")
    bob.expect(" 473 bob #club ")
    owner.send("PRIVMSG ChanServ :AMODE #club +v bob")
    assert owner.expect("bob is now member on #club").startswith(CS)
    bob.send("JOIN #club")
    assert names_of(bob, "#club") == ["~@olivia", "bob"]
    owner.send("CS AMODE #club +a bob")
    owner.expect("MODE #club +a bob")
    owner.expect("MODE #club +o bob")
    owner.send("CS INFO #club")
    owner.expect("Owners: olivia")
    owner.expect("Admins: bob")
    owner.send("CS AMODE #club +v bob")
    owner.expect("MODE #club -a bob")
    owner.expect("MODE #club -o bob")
    # Nobody takes the service's nick.
    bob.send("NICK ChanServ")
    bob.expect(" 433 bob ChanServ ")
    # A guest's +i room forgets when it empties: not locked for good.
    g = login(port, "guest")
    g.send("JOIN #open")
    assert names_of(g, "#open") == ["@guest"]
    g.send("MODE #open +i", "PART #open")
    g.expect("PART #open")
    h = login(port, "other")
    h.send("JOIN #open")
    assert names_of(h, "#open") == ["@other"]
    h.send("MODE #open")
    mode = h.expect(" 324 ")
    assert "i" not in mode.split()[4], mode
    for c in (owner, bob, g, h):
        c.close()


def after_restart(port):
    early = login(port, "early")
    early.send("JOIN #club")
    early.expect(" 473 early #club ")
    bob = login(port, "bob", "bob")
    bob.send("JOIN #club")
    bob.expect(" 332 bob #club :members only")
    assert names_of(bob, "#club") == ["bob"]  # no op for arriving first
    owner = login(port, "olivia", "olivia")
    owner.send("JOIN #club")
    assert names_of(owner, "#club") == ["bob", "~@olivia"]
    bob.expect("JOIN #club")
    owner.send("PRIVMSG ChanServ :AMODE #club")
    owner.expect("olivia: +q (owner)")
    owner.expect("bob: +v (member)")
    for c in (early, bob, owner):
        c.close()


def main():
    srv = ReedServer()
    conf = srv.write_config()
    for name in ("olivia", "bob"):
        add_account(conf, name, "pencil")
    srv.start()
    try:
        before_restart(srv.port("irc", "tcp"))
        srv.kill9()
        srv.start()
        after_restart(srv.port("irc", "tcp"))
    finally:
        srv.stop()
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
