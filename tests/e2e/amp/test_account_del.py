"""`reed account del` while the account is logged in on two protocols: an
IRC client (SASL PLAIN) and an AMP client (Login) of the account are both
disconnected within the store's account sync (about a second) with the
reason "Account deleted": IRC as an ERROR line, AMP as a Closing box. A
guest sharing the room sees the IRC user quit; a password change, by
contrast, leaves a logged-in session alone."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "irc"))

import ampchat as A  # noqa: E402
from rawirc import RawClient, sasl_plain  # noqa: E402
from reedtest import ReedServer, reed_bin  # noqa: E402

PW = "correct horse"


def account(conf, *args, password=None):
    return subprocess.run([reed_bin(), "account"] + list(args[:1]) +
                          ["--config", conf] + list(args[1:]),
                          input=password, capture_output=True, text=True,
                          timeout=60)


def main():
    A.start_reactor()
    srv = ReedServer()
    conf = srv.write_config()
    assert account(conf, "add", "doomed", password=PW + "\n").returncode == 0
    srv.start()
    try:
        irc = RawClient(srv.port("irc", "tcp"))
        irc.register("doomed", caps=["sasl"], sasl=sasl_plain("doomed", PW))
        assert any(" 903 " in l for l in irc.lines), irc.lines
        irc.send("JOIN #r")
        irc.expect(" 366 ")
        guest = RawClient(srv.port("irc", "tcp"))
        guest.register("watcher")
        guest.send("JOIN #r")
        guest.expect(" 366 ")
        amp = A.Client(srv.port("amp", "tcp"))
        amp.login("doomed", password=PW, nick="doomed_amp")
        # A password change keeps the sessions.
        r = account(conf, "passwd", "doomed", password=PW + "!\n")
        assert r.returncode == 0, r
        irc.send("PING :still")
        irc.expect("PONG")
        amp.call(A.Ping)
        r = account(conf, "del", "doomed")
        assert r.returncode == 0, r
        line = irc.expect("ERROR ", timeout=10)
        assert "Account deleted" in line, line
        assert irc.wait_closed(10)
        kw = amp.expect("Closing", timeout=10)
        assert "Account deleted" in kw["reason"], kw
        assert amp.wait_lost(10)
        line = guest.expect(" QUIT ", timeout=10)
        assert line.startswith(":doomed!") and "Account deleted" in line, line
        guest.close()
        assert srv.proc.poll() is None
        print("account del: IRC and AMP sessions ended with the reason")
    except Exception:
        print("".join(srv.log_lines))
        raise
    finally:
        srv.stop()
        A.stop_reactor()
    print("ok")


if __name__ == "__main__":
    main()
