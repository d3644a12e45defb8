"""IRC over WebSocket (IRCv3 websocket) with the real binary: a
python3-websockets client on /irc registers, joins a room and exchanges
messages with a TCP IRC client; subprotocol negotiation (the client's
order; none is text); one line per message, no CRLF; a CR or LF inside a
message ends the session cleanly (ERROR, then close 1008); an Origin not
in [http] ws_origins gets 403; the address behind a trusted proxy is the
one the IRC core sees."""
import asyncio
import sys

import websockets

from rawnet import Irc
from reedtest import ReedServer
from wsclient import Ws

ORIGIN = "http://chat.example"


def lines_ok(msgs):
    for m in msgs:
        text = m.decode() if isinstance(m, bytes) else m
        assert "\r" not in text and "\n" not in text, repr(m)


async def register(ws, nick):
    await ws.send("NICK " + nick)
    await ws.send("USER %s 0 * :web user" % nick)
    got = await ws.until(lambda m: " 001 " in m)
    lines_ok(got)
    return got


async def room_chat(port, irc_port):
    ws = await Ws.open(port, "/irc", ["text.ircv3.net"], origin=ORIGIN)
    assert ws.conn.subprotocol == "text.ircv3.net", ws.conn.subprotocol
    await register(ws, "webby")
    await ws.send("JOIN #wsroom")
    lines_ok(await ws.until(lambda m: " 366 " in m))
    tcp = await asyncio.to_thread(Irc, irc_port, "tcpbob")
    await asyncio.to_thread(tcp.read_until, b" 001 ")
    tcp.send("JOIN #wsroom")
    await asyncio.to_thread(tcp.read_until, b" 366 ")
    await ws.until(lambda m: "JOIN" in m and "tcpbob" in m)
    # WebSocket -> TCP, UTF-8 intact.
    await ws.send("PRIVMSG #wsroom :caf\u00e9 from the web")
    got = await asyncio.to_thread(tcp.read_until, b"from the web")
    assert ":webby!" in got.decode() and "caf\u00e9 from the web" in \
        got.decode(), got
    # TCP -> WebSocket: one message, the line without its CRLF.
    tcp.send("PRIVMSG #wsroom :hello over there")
    got = await ws.until(lambda m: "hello over there" in m)
    lines_ok(got)
    assert got[-1].startswith(":tcpbob!") and \
        got[-1].endswith("PRIVMSG #wsroom :hello over there"), got[-1]
    await ws.send("QUIT :bye")
    assert await ws.closed() == 1000
    got = await asyncio.to_thread(tcp.read_until, b"QUIT")
    assert b"webby!" in got and b"QUIT" in got, got


async def negotiation(port):
    cases = [
        (["binary.ircv3.net", "text.ircv3.net"], "binary.ircv3.net", bytes),
        (["text.ircv3.net", "binary.ircv3.net"], "text.ircv3.net", str),
        (None, None, str),
    ]
    for i, (offer, want, kind) in enumerate(cases):
        ws = await Ws.open(port, "/irc", offer, origin=ORIGIN)
        assert ws.conn.subprotocol == want, (offer, ws.conn.subprotocol)
        nick = "neg%d" % i
        if kind is bytes:
            await ws.send(b"NICK " + nick.encode())
            await ws.send(b"USER n 0 * :n")
        else:
            await ws.send("NICK " + nick)
            await ws.send("USER n 0 * :n")
        got = await ws.until(lambda m: (b" 001 " if kind is bytes
                                        else " 001 ") in m)
        assert all(isinstance(m, kind) for m in got), (offer, got)
        lines_ok(got)
        await ws.conn.close()
    # Only subprotocols we lack: a browser would fail; we answer none.
    ws = await Ws.open(port, "/irc", None, origin=ORIGIN,
                       headers={"Sec-WebSocket-Protocol": "foo.example"})
    assert ws.conn.subprotocol is None
    await ws.conn.close()


async def crlf_refused(port):
    ws = await Ws.open(port, "/irc", ["text.ircv3.net"], origin=ORIGIN)
    await register(ws, "crlfer")
    # A trailing CRLF is tolerated (legacy clients send one).
    await ws.send("PING :one\r\n")
    await ws.until(lambda m: "PONG" in m and "one" in m)
    await ws.send("PING :two\r\nPRIVMSG #x :smuggled")
    got = await ws.until(lambda m: m.startswith("ERROR"))
    assert not any("smuggled" in m for m in got), got
    assert await ws.closed() == 1008


async def origin_refused(port):
    try:
        await Ws.open(port, "/irc", ["text.ircv3.net"],
                      origin="http://evil.example")
    except websockets.InvalidStatusCode as e:
        assert e.status_code == 403, e.status_code
    else:
        raise AssertionError("a foreign Origin was accepted")


async def forwarded_address(port):
    ws = await Ws.open(port, "/irc", ["text.ircv3.net"], origin=ORIGIN,
                       headers={"X-Forwarded-For": "203.0.113.9"})
    await register(ws, "proxied")
    await ws.send("WHOIS proxied")
    got = await ws.until(lambda m: " 318 " in m)
    assert any("203.0.113.9" in m for m in got), got
    await ws.conn.close()


async def main():
    srv = ReedServer(
        listeners={"http": ["tcp:0:interface=127.0.0.1"],
                   "irc": ["tcp:0:interface=127.0.0.1"]},
        extra_ini={"http": {"ws_origins": ORIGIN,
                            "trusted_proxies": "127.0.0.1"}})
    srv.start()
    try:
        port = srv.port("http")
        await room_chat(port, srv.port("irc"))
        await negotiation(port)
        await crlf_refused(port)
        await origin_refused(port)
        await forwarded_address(port)
    finally:
        srv.stop()
    print("ok")


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
