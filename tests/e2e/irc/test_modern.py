"""draft/multiline and draft/read-marker over raw sockets against the real
binary: a multiline batch reaches a client with the cap as a batch and one
without as separate lines, CHATHISTORY replays it as one message, and an
account's read marker set over IRC survives a SIGKILL and a restart on the
same data dir (it is back on JOIN and on MARKREAD get)."""
import subprocess
import sys

from rawirc import RawClient, sasl_plain
from reedtest import ReedServer, reed_bin

ML = ["batch", "message-tags", "echo-message", "draft/multiline",
      "draft/chathistory"]
TS = "2021-05-20T08:30:00.000Z"


def add_account(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


def test_multiline(port):
    a = RawClient(port)
    a.register("mla", caps=ML)
    b = RawClient(port)
    b.register("mlb", caps=ML)
    c = RawClient(port)
    c.register("mlc", caps=["message-tags"])
    for cl in (a, b, c):
        cl.send("JOIN #ml")
        cl.expect(" 366 ")
    a.send("BATCH +x draft/multiline #ml", "@batch=x PRIVMSG #ml :one",
           "@batch=x PRIVMSG #ml :two ",
           "@batch=x;draft/multiline-concat PRIVMSG #ml :three", "BATCH -x")
    b.expect("BATCH -ml")
    got = [l for l in b.lines if "PRIVMSG #ml" in l or "BATCH" in l]
    assert len(got) == 5 and "draft/multiline #ml" in got[0], got
    assert "draft/multiline-concat" in got[3], got
    c.expect("PRIVMSG #ml :three")
    plain = [l for l in c.lines if "PRIVMSG #ml" in l]
    assert [l.split("PRIVMSG #ml :", 1)[1] for l in plain] == [
        "one", "two ", "three"], plain
    assert "msgid=" in plain[0] and "msgid=" not in plain[1], plain
    b.send("CHATHISTORY LATEST #ml * 10")
    b.expect("PRIVMSG #ml :two three")
    for cl in (a, b, c):
        cl.close()


def mark_and_check(srv):
    a = RawClient(srv.port("irc", "tcp"))
    a.register("reader", caps=["sasl", "draft/read-marker"],
               sasl=sasl_plain("reader", "pencil"))
    a.send("JOIN #rm")
    a.expect(" 366 ")
    a.send("MARKREAD #rm timestamp=" + TS)
    a.expect("MARKREAD #rm timestamp=" + TS)
    srv.kill9()
    srv.start()
    b = RawClient(srv.port("irc", "tcp"))
    b.register("reader", caps=["sasl", "draft/read-marker"],
               sasl=sasl_plain("reader", "pencil"))
    b.send("JOIN #rm")
    b.expect(" 366 ")
    assert any("MARKREAD #rm timestamp=" + TS in l for l in b.lines), b.lines
    b.send("MARKREAD #RM")
    b.expect("MARKREAD #RM timestamp=" + TS)
    b.close()


def main():
    srv = ReedServer()
    conf = srv.write_config()
    add_account(conf, "reader", "pencil")
    srv.start()
    try:
        test_multiline(srv.port("irc", "tcp"))
        mark_and_check(srv)
    finally:
        srv.stop()
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
