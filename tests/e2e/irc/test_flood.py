"""Flood control on the real binary: a flooder is slowed down (fakelag)
while another client's messages arrive at once and in order; with fakelag
off the flooder is cut with "Excess Flood" and everyone else is still
served."""
import sys
import time

from rawirc import RawClient
from reedtest import ReedServer


def setup(port):
    watcher = RawClient(port)
    watcher.register("watcher")
    flooder = RawClient(port)
    flooder.register("flooder")
    calm = RawClient(port)
    calm.register("calm")
    for c in (watcher, flooder, calm):
        c.send("JOIN #flood")
        c.expect(" 366 ")
    return watcher, flooder, calm


def fakelag(port):
    watcher, flooder, calm = setup(port)
    start = time.time()
    flooder.send(*["PRIVMSG #flood :f%d" % i for i in range(30)])
    calm.send(*["PRIVMSG #flood :c%d" % i for i in range(3)])
    watcher.expect("PRIVMSG #flood :c2", timeout=3)
    early = time.time() - start
    watcher.expect("PRIVMSG #flood :f29", timeout=30)
    took = time.time() - start
    got = [l.split(" :", 1)[1] for l in watcher.lines if "PRIVMSG" in l]
    assert [m for m in got if m[0] == "f"] == ["f%d" % i for i in range(30)]
    assert [m for m in got if m[0] == "c"] == ["c0", "c1", "c2"]
    # burst 5, then 10 a second: the 30 take about 2.5 s, calm is not held.
    assert took > 2.0, took
    assert early < took, (early, took)
    assert not flooder.closed
    for c in (watcher, flooder, calm):
        c.close()


def excess(port):
    watcher, flooder, calm = setup(port)
    flooder.send(*["PRIVMSG #flood :f%d" % i for i in range(30)])
    assert flooder.wait_closed()
    assert any("Excess Flood" in l for l in flooder.lines), flooder.lines
    watcher.expect("QUIT :Excess Flood")
    calm.send("PRIVMSG #flood :after")
    watcher.expect("PRIVMSG #flood :after")
    for c in (watcher, calm):
        c.close()


def input_flood(port):
    """With fakelag on, a flooder's input piles up while its reading is
    paused; past recvq net cuts it, in IRC's words, and the others see it
    quit with "Excess Flood"."""
    watcher, flooder, calm = setup(port)
    blob = "".join("PRIVMSG #flood :%s\r\n" % ("z" * 400)
                   for _ in range(100))  # 42 kB in one write
    flooder.sock.sendall(blob.encode())
    assert flooder.wait_closed()
    assert "ERROR :Closing link: Excess Flood" in flooder.lines, \
        flooder.lines[-5:]
    watcher.expect("QUIT :Excess Flood")
    for c in (watcher, flooder, calm):
        c.close()


def main():
    with ReedServer(extra_ini={"irc": {"flood_burst": "5",
                                       "flood_rate": "100"}}) as srv:
        fakelag(srv.port("irc", "tcp"))
    with ReedServer(extra_ini={"irc": {"fakelag": "no"}}) as srv:
        excess(srv.port("irc", "tcp"))
    with ReedServer() as srv:
        input_flood(srv.port("irc", "tcp"))
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
