"""XEP-0114 external components against the real binary: slixmpp's
ComponentXMPP serves gateway.localhost on the component listener and a
slixmpp client talks to it (a message to echo@gateway.localhost is
answered, iq both ways, the server's disco#items lists the component); an
iq to a configured component that is not connected gets
<service-unavailable/>; raw sockets check the stream errors (a wrong
secret, an unknown domain, a second connection for a connected
component, a `from` outside the component's domain)."""
import asyncio
import hashlib
import logging
import re
import socket
import sys
import time
import xml.etree.ElementTree as ET

from xclient import WAIT, login, run
from xmppserver import XmppServer

logging.disable(logging.CRITICAL)  # slixmpp's own warnings
import slixmpp  # noqa: E402
from slixmpp.componentxmpp import ComponentXMPP  # noqa: E402

GW, SECRET = "gateway.localhost", "s3cret gateway"
OFFLINE = "offline.localhost"
INI = {"xmpp": {"component_listen": "tcp:0:interface=127.0.0.1",
                "component": [GW + ":" + SECRET, OFFLINE + ":other"]}}
DISCO_ITEMS = "{http://jabber.org/protocol/disco#items}"
STANZA_ERR = "{urn:ietf:params:xml:ns:xmpp-stanzas}"


def server():
    srv = XmppServer("reed", extra_ini=INI).start()
    srv.add_user("alice", "pw")
    return srv


def component_port(srv):
    """The component listener's port, from reed's `listening` line."""
    deadline = time.time() + WAIT
    while time.time() < deadline:
        for line in list(srv.reed.log_lines):
            m = re.search(r"listening xmpp/component tcp \S+ (\d+)", line)
            if m:
                return int(m.group(1))
        time.sleep(0.05)
    raise AssertionError("no component listener: %s" % srv.reed.log_lines)


class Echo(ComponentXMPP):
    """Answers each chat message with "echo: <body>"."""

    def __init__(self, port, secret=SECRET):
        super().__init__(GW, secret, "127.0.0.1", port)
        self.register_plugin("xep_0030")
        self.started = asyncio.get_event_loop().create_future()
        self.add_event_handler("session_start", self.on_start)
        self.add_event_handler("message", self.on_message)

    def on_start(self, _):
        if not self.started.done():
            self.started.set_result(True)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            msg.reply("echo: " + msg["body"]).send()


async def start_echo(srv):
    echo = Echo(component_port(srv))
    echo.connect()
    await asyncio.wait_for(echo.started, WAIT)
    return echo


async def iq_get(c, to, payload):
    iq = c.Iq(stype="get", sto=to)
    iq.append(ET.fromstring(payload))
    try:
        return (await iq.send(timeout=WAIT)).xml
    except slixmpp.exceptions.IqError as e:
        return e.iq.xml


async def test_echo(srv):
    echo = await start_echo(srv)
    alice = await login(srv, "alice", "pw")
    alice.send_message(mto="echo@" + GW, mbody="hi <&>", mtype="chat")
    got = await alice.next_message()
    assert got["from"] == "echo@" + GW, got
    assert got["body"] == "echo: hi <&>", got
    # The component reaches the bare JID too.
    echo.send_message(mto=srv.jid("alice"), mbody="news", mfrom="bot@" + GW)
    got = await alice.next_message()
    assert (str(got["from"]), got["body"]) == ("bot@" + GW, "news"), got
    # iq from the client to the component and its answer...
    info = await iq_get(alice, GW, "<query xmlns="
                        "'http://jabber.org/protocol/disco#info'/>")
    assert info.get("type") == "result", ET.tostring(info)
    # ... and from the component to the client's full JID (which has no
    # ping handler: its error comes back through the server as well).
    ping = echo.Iq(stype="get", sto=alice.boundjid.full, sfrom=GW)
    ping.append(ET.Element("{urn:xmpp:ping}ping"))
    try:
        answer = await ping.send(timeout=WAIT)
    except slixmpp.exceptions.IqError as e:
        answer = e.iq
    assert answer["from"] == alice.boundjid.full, answer
    # The server's disco#items lists the connected component.
    items = await iq_get(alice, srv.domain, "<query xmlns="
                         "'http://jabber.org/protocol/disco#items'/>")
    jids = [i.get("jid") for i in items.iter(DISCO_ITEMS + "item")]
    assert GW in jids, ET.tostring(items)
    await alice.close()
    echo.disconnect()


async def test_not_connected(srv):
    alice = await login(srv, "alice", "pw")
    got = await iq_get(alice, OFFLINE, "<query xmlns="
                       "'http://jabber.org/protocol/disco#info'/>")
    assert got.get("type") == "error", ET.tostring(got)
    assert got.find(".//" + STANZA_ERR + "service-unavailable") is not None, \
        ET.tostring(got)
    await alice.close()


# ---- Raw streams ------------------------------------------------------------

def raw_open(port, domain):
    """A socket with our header sent; returns (socket, stream id)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    s.sendall(("<stream:stream xmlns='jabber:component:accept' "
               "xmlns:stream='http://etherx.jabber.org/streams' "
               "to='%s'>" % domain).encode())
    data = read_until(s, b">")
    m = re.search(rb"id=['\"]([^'\"]+)", data)
    return s, (m.group(1).decode() if m else None), data


def read_until(s, marker):
    data = b""
    deadline = time.time() + WAIT
    while marker not in data and time.time() < deadline:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def read_all(s):
    data = b""
    deadline = time.time() + WAIT
    while time.time() < deadline:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def proof(sid, secret):
    return hashlib.sha1((sid + secret).encode()).hexdigest()


async def test_stream_errors(srv):
    port = component_port(srv)
    s, sid, _ = raw_open(port, GW)
    s.sendall(b"<handshake>%s</handshake>" % proof(sid, "wrong").encode())
    assert b"<not-authorized" in read_all(s)
    s.close()
    s, _, data = raw_open(port, "nowhere.localhost")
    assert b"<host-unknown" in data + read_all(s)
    s.close()
    # A connected component, then a second connection for its domain.
    first, sid, _ = raw_open(port, GW)
    first.sendall(b"<handshake>%s</handshake>" % proof(sid, SECRET).encode())
    assert b"<handshake/>" in read_until(first, b"<handshake/>")
    s, sid2, _ = raw_open(port, GW)
    s.sendall(b"<handshake>%s</handshake>" % proof(sid2, SECRET).encode())
    assert b"<conflict" in read_all(s)
    s.close()
    # The first one sends from a domain that is not its own.
    first.sendall(b"<message from='x@elsewhere' to='alice@localhost'>"
                  b"<body>spoof</body></message>")
    assert b"<invalid-from" in read_all(first)
    first.close()


if __name__ == "__main__":
    sys.exit(run([test_echo, test_not_connected, test_stream_errors],
                 server))
