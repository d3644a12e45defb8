"""Durability: messages whose echo a client saw are in CHATHISTORY after the
server is killed with SIGKILL and started again on the same data dir (the
store commits a turn's rows before that turn's output is flushed)."""
import sys

from rawirc import RawClient
from reedtest import ReedServer

CAPS = ["echo-message", "batch", "server-time", "message-tags",
        "draft/chathistory"]


def main():
    srv = ReedServer()
    srv.start()
    try:
        a = RawClient(srv.port("irc", "tcp"))
        a.register("keeper", caps=CAPS)
        a.send("JOIN #durable")
        a.expect(" 366 ")
        sent = ["message %d" % i for i in range(5)]
        a.send(*["PRIVMSG #durable :" + t for t in sent])
        a.send("PRIVMSG keeper :note to self")
        for t in sent:
            a.expect("PRIVMSG #durable :" + t)
        srv.kill9()
        srv.start()
        b = RawClient(srv.port("irc", "tcp"))
        b.register("keeper", caps=CAPS)
        b.send("JOIN #durable")
        b.expect(" 366 ")
        b.send("CHATHISTORY LATEST #durable * 50")
        b.expect("BATCH -")
        got = [l.split("PRIVMSG #durable :", 1)[1] for l in b.lines
               if "PRIVMSG #durable :" in l]
        assert got == sent, (got, b.lines[-12:])
    finally:
        srv.stop()
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
