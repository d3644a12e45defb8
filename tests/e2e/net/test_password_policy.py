"""[server] password_min (default 8) against the real binary: a password
shorter than the minimum is refused with a clear error by IRC REGISTER
(FAIL REGISTER UNACCEPTABLE_PASSWORD), NickServ REGISTER, AMP Register
(BAD_REQUEST) and `reed account add|passwd`, while one of the minimum
length is taken everywhere. A SIGHUP applies a new minimum to the running
server."""
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "irc"))
sys.path.insert(0, os.path.join(HERE, "..", "amp"))

from reedtest import ReedServer, built_modules, reed_bin  # noqa: E402

TOO_SHORT = "at least 8 characters"


def account(conf, *args, password=None):
    return subprocess.run([reed_bin(), "account"] + list(args[:1]) +
                          ["--config", conf] + list(args[1:]),
                          input=password, capture_output=True, text=True,
                          timeout=60)


def cli(conf):
    r = account(conf, "add", "shorty", password="1234567\n")
    assert r.returncode == 1 and TOO_SHORT in r.stderr, r
    r = account(conf, "add", "shorty", password="12345678\n")
    assert r.returncode == 0, r
    r = account(conf, "passwd", "shorty", password="x\n")
    assert r.returncode == 1 and TOO_SHORT in r.stderr, r
    r = account(conf, "passwd", "shorty", password="\u00e9" * 8 + "\n")
    assert r.returncode == 0, r
    print("reed account add/passwd: policy applied")


def irc(srv):
    from rawirc import RawClient
    c = RawClient(srv.port("irc", "tcp"))
    c.register("ircuser")
    c.send("REGISTER * * short")
    line = c.expect("FAIL REGISTER")
    assert "UNACCEPTABLE_PASSWORD" in line and TOO_SHORT in line, line
    c.send("PRIVMSG NickServ :REGISTER short")
    line = c.expect("NickServ")
    assert TOO_SHORT in line, line
    c.send("REGISTER * * longenough")
    c.expect("REGISTER SUCCESS ircuser")
    c.close()
    print("IRC REGISTER and NickServ: policy applied")


def amp(srv):
    """(The reactor runs until main stops it: Twisted's cannot restart.)"""
    import ampchat as A
    A.start_reactor()
    c = A.Client(srv.port("amp", "tcp"))
    try:
        c.call(A.Register, username="ampuser", password="pw")
        raise AssertionError("a short password was taken")
    except A.BadRequest as e:
        assert TOO_SHORT in str(e), e
    r = c.call(A.Register, username="ampuser", password="long enough")
    assert r["user"] == "ampuser", r
    c.close()
    print("AMP Register: policy applied")


def reloaded(srv, conf):
    """password_min = 12 in the file, then SIGHUP: IRC and AMP refuse a
    10-character password they took before."""
    text = open(conf).read().replace("password_min = 8", "password_min = 12")
    with open(conf, "w") as f:
        f.write(text)
    srv.signal(signal.SIGHUP)
    deadline = time.time() + 10
    while not any("audit: config reloaded" in l for l in srv.log_lines):
        assert time.time() < deadline, srv.log_lines
        time.sleep(0.05)
    mods = built_modules()
    if "irc" in mods:
        from rawirc import RawClient
        c = RawClient(srv.port("irc", "tcp"))
        c.register("ircuser2")
        c.send("REGISTER * * tencharsxx")
        line = c.expect("FAIL REGISTER")
        assert "at least 12 characters" in line, line
        c.send("REGISTER * * twelvecharsx")
        c.expect("REGISTER SUCCESS ircuser2")
        c.close()
    if "amp" in mods:
        import ampchat as A
        c = A.Client(srv.port("amp", "tcp"))
        try:
            c.call(A.Register, username="ampuser2", password="tencharsxx")
            raise AssertionError("a short password was taken")
        except A.BadRequest as e:
            assert "at least 12 characters" in str(e), e
        c.close()
    print("SIGHUP: the new password_min applies")


def main():
    # The harness sets password_min = 1 for other tests; this one uses the
    # default.
    srv = ReedServer()
    srv.extra_ini = {"server": {"password_min": "8"}}
    conf = srv.write_config()
    with open(conf) as f:
        assert "password_min = 8" in f.read()
    mods = built_modules()
    try:
        with srv:
            cli(conf)
            if "irc" in mods:
                irc(srv)
            if "amp" in mods:
                amp(srv)
            reloaded(srv, conf)
    finally:
        if "amp" in mods:
            import ampchat as A
            A.stop_reactor()
    print("ok")


if __name__ == "__main__":
    main()
