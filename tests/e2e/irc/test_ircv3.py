"""IRCv3 over raw sockets against the real binary: CAP 302, SASL PLAIN and
SCRAM-SHA-256 with an account made by `reed account add`, echo-message,
server-time, msgid, client tags, TLS, and the line limits (417 for a long
line; a 16 KiB line closes that client while others are still served)."""
import re
import subprocess
import sys

from rawirc import RawClient, sasl_plain, sasl_scram_sha256
from reedtest import ReedServer, reed_bin


def add_account(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


def test_sasl(srv, port):
    a = RawClient(port)
    a.register("alice", caps=["sasl"], sasl=sasl_plain("alice", "pencil"))
    assert any(" 903 " in l for l in a.lines), a.lines
    assert any(" 900 " in l and " alice :You are now logged in" in l
               for l in a.lines), a.lines
    b = RawClient(port)
    b.send("CAP LS 302", "NICK bob", "USER b 0 * :B", "CAP REQ :sasl")
    b.expect(" ACK ")
    sasl_plain("alice", "wrong")(b)
    assert " 904 " in b.lines[-1], b.lines[-1]
    sasl_scram_sha256("alice", "pencil")(b)
    assert " 903 " in b.lines[-1], b.lines[-1]
    b.send("CAP END")
    b.expect(" 001 bob ")
    b.send("WHOIS alice")
    b.expect(" 330 bob alice alice :is logged in as")
    a.close()
    b.close()


def test_tags_and_echo(port, tls_port):
    a = RawClient(port)
    a.register("carol", caps=["echo-message", "server-time", "message-tags"])
    b = RawClient(tls_port, tls=True)
    b.register("dave", caps=["message-tags"])
    a.send("JOIN #v3")
    a.expect(" 366 carol #v3 ")
    b.send("JOIN #v3")
    a.expect("JOIN #v3")
    a.send("@+draft/reply=1 PRIVMSG #v3 :hello tls")
    echo = a.expect("PRIVMSG #v3 :hello tls")
    assert re.match(r"@time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z;msgid=\d+;"
                    r"\+draft/reply=1 :carol!", echo), echo
    got = b.expect("PRIVMSG #v3 :hello tls")
    assert re.match(r"@msgid=\d+;\+draft/reply=1 :carol!~carol@127\.0\.0\.1 ",
                    got), got
    a.close()
    b.close()


def test_limits(port):
    a = RawClient(port)
    a.register("erin")
    b = RawClient(port)
    b.register("frank")
    a.send("PRIVMSG frank :" + "x" * 600)
    a.expect(" 417 erin :Input line was too long")
    a.send("PING :alive")
    a.expect("PONG")
    a.send("PRIVMSG frank :" + "y" * 16384)
    assert a.wait_closed(), "a 16 KiB line must close the client"
    assert any("ERROR :Closing Link" in l for l in a.lines), a.lines
    b.send("PING :still")
    b.expect("PONG localhost :still")
    assert not any("yyyy" in l for l in b.lines)
    b.close()


def main():
    srv = ReedServer()
    conf = srv.write_config()
    add_account(conf, "alice", "pencil")
    with srv:
        port = srv.port("irc", "tcp")
        test_sasl(srv, port)
        test_tags_and_echo(port, srv.port("irc", "ssl"))
        test_limits(port)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
