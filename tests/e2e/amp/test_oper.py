"""AMP operator commands against the real binary, with Twisted's own amp
client parsing every answer: an account made an operator with `reed
account oper add` logs in with `operator: True`; Kill ends another user's
connection; ServerBan (with a duration), ServerBans and ServerUnban work
on the same list as `reed ban`, and each action is an audit line; a user
who is not an operator gets FORBIDDEN."""
import datetime
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import ampchat as A  # noqa: E402
from reedtest import ReedServer, reed_bin  # noqa: E402


def cli(conf, *args, password=None):
    argv = [reed_bin(), args[0], args[1], "--config", conf] + list(args[2:])
    r = subprocess.run(argv, input=password, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r
    return r.stdout


def logged(srv, text, timeout=10.0):
    deadline = time.time() + timeout
    while not any(text in l for l in srv.log_lines):
        assert time.time() < deadline, (text, srv.log_lines)
        time.sleep(0.05)


def main():
    A.start_reactor()
    srv = ReedServer()
    conf = srv.write_config()
    cli(conf, "account", "add", "root", password="operator pw\n")
    cli(conf, "account", "oper", "add", "root")
    cli(conf, "account", "add", "eve", password="eve's pw\n")
    srv.start()
    try:
        port = srv.port("amp", "tcp")
        op = A.Client(port)
        r = op.call(A.OperLogin, username="root", password="operator pw")
        assert r["operator"] is True, r
        logged(srv, "audit: OPER root by root (conn ")
        eve = A.Client(port)
        r = eve.call(A.OperLogin, username="eve", password="eve's pw")
        assert r["operator"] is None, r
        assert eve.call_error(A.ServerBans) is A.Forbidden
        assert eve.call_error(A.Kill, nick="root") is A.Forbidden
        # Kill: eve's connection ends with the reason.
        assert op.call(A.Kill, nick="eve", reason="enough") == {}
        eve.expect("Closing", timeout=10, reason="Killed: enough")
        assert eve.wait_lost(10)
        logged(srv, "audit: KILL eve by root: enough")
        assert op.call_error(A.Kill, nick="eve") is A.NoSuchUser
        # A ban for a day, seen by `reed ban list` and by ServerBans.
        before = datetime.datetime.now(datetime.timezone.utc)
        r = op.call(A.ServerBan, target="eve", reason="abuse",
                    duration=b"1d")
        assert r["target"] == "eve" and r["kind"] == b"account", r
        left = r["expires"] - before
        assert datetime.timedelta(hours=23) < left < \
            datetime.timedelta(hours=25), r
        logged(srv, "audit: ServerBan eve (account) by root: abuse")
        assert "account eve set by root" in cli(conf, "ban", "list")
        cli(conf, "ban", "add", "10.1.0.0/16", "from", "the", "cli")
        deadline = time.time() + 10
        while True:
            r = op.call(A.ServerBans)
            if len(r["bans"]) == 2:
                break
            assert time.time() < deadline, r
            time.sleep(0.1)
        assert r["more"] is False, r
        got = [(b["target"], b["kind"], b["reason"], b["setter"],
                b["expires"] is not None) for b in r["bans"]]
        assert got == [("eve", b"account", "abuse", "root", True),
                       ("10.1.0.0/16", b"ip", "from the cli", "cli",
                        False)], got
        # Lifted: eve logs in again; a second time is NO_SUCH_BAN.
        assert op.call(A.ServerUnban, target="eve") == {}
        logged(srv, "audit: ServerUnban eve by root")
        assert op.call_error(A.ServerUnban, target="eve") is A.NoSuchBan
        assert op.call_error(A.ServerBan, target="x y") is A.BadRequest
        eve = A.Client(port)
        eve.login("eve", password="eve's pw")
        eve.close()
        assert "account eve" not in cli(conf, "ban", "list")
        op.close()
        print("operator Login, Kill, ServerBan, ServerBans, ServerUnban: ok")
    except Exception:
        print("".join(srv.log_lines))
        raise
    finally:
        srv.stop()
        A.stop_reactor()
    print("ok")


if __name__ == "__main__":
    main()
