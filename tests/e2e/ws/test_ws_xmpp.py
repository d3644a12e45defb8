"""XMPP over WebSocket (RFC 7395) with the real binary: a python3-websockets
client on /xmpp-websocket registers in band (XEP-0077), logs in with SASL
SCRAM-SHA-256, binds, joins a MUC room and exchanges groupchat messages
with a TCP IRC client in the same room; every message is one element;
<close/> both ways; the subprotocol is required; XEP-0156 host-meta (XRD
and JSON) names the endpoint."""
import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import websockets

from rawnet import Irc
from reedtest import ReedServer
from wsclient import Ws

FR = "urn:ietf:params:xml:ns:xmpp-framing"
SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
OPEN = "<open xmlns='%s' to='localhost' version='1.0'/>" % FR


def parse(msg):
    """Each message is one complete element (RFC 7395 3.3.3)."""
    assert isinstance(msg, str), repr(msg)
    return ET.fromstring(msg)


async def expect(ws, tag):
    el = parse(await ws.recv())
    assert el.tag == tag, (tag, el.tag, ws.got[-1])
    return el


async def stream_open(ws):
    await ws.send(OPEN)
    op = await expect(ws, "{%s}open" % FR)
    assert op.get("from") == "localhost" and op.get("version") == "1.0", \
        ws.got[-1]
    return await expect(ws, "{http://etherx.jabber.org/streams}features")


def scram_client_final(first_bare, server_first, password):
    attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
    salt = base64.b64decode(attrs["s"])
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt,
                                 int(attrs["i"]))
    ckey = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored = hashlib.sha256(ckey).digest()
    without = "c=biws,r=" + attrs["r"]
    auth_msg = ",".join([first_bare, server_first, without]).encode()
    sig = hmac.new(stored, auth_msg, hashlib.sha256).digest()
    proof = bytes(a ^ b for a, b in zip(ckey, sig))
    return without + ",p=" + base64.b64encode(proof).decode()


async def login(port, user, password):
    ws = await Ws.open(port, "/xmpp-websocket", ["xmpp"])
    assert ws.conn.subprotocol == "xmpp"
    feats = await stream_open(ws)
    mechs = [m.text for m in feats.iter("{%s}mechanism" % SASL)]
    assert "SCRAM-SHA-256" in mechs, ws.got[-1]
    # XEP-0077 before SASL.
    await ws.send("<iq xmlns='jabber:client' type='set' id='reg'><query "
                  "xmlns='jabber:iq:register'><username>%s</username>"
                  "<password>%s</password></query></iq>" % (user, password))
    res = await expect(ws, "{jabber:client}iq")
    assert res.get("type") == "result", ws.got[-1]
    first = "n=%s,r=%s" % (user, base64.b64encode(os.urandom(12)).decode())
    await ws.send("<auth xmlns='%s' mechanism='SCRAM-SHA-256'>%s</auth>" %
                  (SASL, base64.b64encode(("n,," + first).encode()).decode()))
    ch = await expect(ws, "{%s}challenge" % SASL)
    final = scram_client_final(first, base64.b64decode(ch.text).decode(),
                               password)
    await ws.send("<response xmlns='%s'>%s</response>" %
                  (SASL, base64.b64encode(final.encode()).decode()))
    await expect(ws, "{%s}success" % SASL)
    feats = await stream_open(ws)
    assert feats.find("{urn:ietf:params:xml:ns:xmpp-bind}bind") is not None
    await ws.send("<iq xmlns='jabber:client' type='set' id='b'><bind xmlns="
                  "'urn:ietf:params:xml:ns:xmpp-bind'><resource>web"
                  "</resource></bind></iq>")
    res = await expect(ws, "{jabber:client}iq")
    jid = res.find(".//{urn:ietf:params:xml:ns:xmpp-bind}jid").text
    assert jid == "%s@localhost/web" % user, jid
    return ws


async def room_chat(port, irc_port):
    tcp = await asyncio.to_thread(Irc, irc_port, "tcpcarol")
    await asyncio.to_thread(tcp.read_until, b" 001 ")
    tcp.send("JOIN #lobby")
    await asyncio.to_thread(tcp.read_until, b" 366 ")
    ws = await login(port, "wsdave", "pw-dave-1")
    room = "lobby@conference.localhost"
    await ws.send("<presence xmlns='jabber:client' to='%s/dave'><x xmlns="
                  "'http://jabber.org/protocol/muc'/></presence>" % room)
    # Occupants, then our own presence (status 110), then the subject.
    got = await ws.until(lambda m: "status code='110'" in m or
                         "status code=\"110\"" in m)
    for m in got:
        parse(m)
    await ws.until(lambda m: "<subject" in m)
    await asyncio.to_thread(tcp.read_until, b"JOIN")
    # XMPP -> IRC.
    await ws.send("<message xmlns='jabber:client' to='%s' type='groupchat' "
                  "id='m1'><body>hi from &lt;xmpp&gt;</body></message>" % room)
    got = await asyncio.to_thread(tcp.read_until, b"hi from <xmpp>")
    assert re.search(rb":dave!\S+ PRIVMSG #lobby :hi from <xmpp>\r\n", got), \
        got
    # IRC -> XMPP: one message, one stanza.
    tcp.send("PRIVMSG #lobby :hello websocket")
    got = await ws.until(lambda m: "hello websocket" in m)
    el = parse(got[-1])
    assert el.tag == "{jabber:client}message", got[-1]
    assert el.get("from") == room + "/tcpcarol" and \
        el.get("type") == "groupchat", got[-1]
    assert el.find("{jabber:client}body").text == "hello websocket"
    # <close/> both ways.
    await ws.send("<close xmlns='%s'/>" % FR)
    await ws.until(lambda m: m.startswith("<close"))
    assert await ws.closed() == 1000


async def subprotocol_required(port):
    try:
        await Ws.open(port, "/xmpp-websocket", None)
    except websockets.InvalidStatusCode as e:
        assert e.status_code == 400, e.status_code
    else:
        raise AssertionError("no subprotocol was accepted")


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path),
                                timeout=10) as r:
        return r.headers, r.read().decode()


async def host_meta(port):
    want = "ws://127.0.0.1:%d/xmpp-websocket" % port
    headers, body = await asyncio.to_thread(get, port,
                                            "/.well-known/host-meta")
    assert headers["Content-Type"].startswith("application/xrd+xml"), headers
    xrd = ET.fromstring(body)
    links = [(l.get("rel"), l.get("href")) for l in xrd.iter(
        "{http://docs.oasis-open.org/ns/xri/xrd-1.0}Link")]
    assert ("urn:xmpp:alt-connections:websocket", want) in links, body
    headers, body = await asyncio.to_thread(get, port,
                                            "/.well-known/host-meta.json")
    assert headers["Content-Type"].startswith("application/json"), headers
    assert {"rel": "urn:xmpp:alt-connections:websocket", "href": want} in \
        json.loads(body)["links"], body


async def main():
    srv = ReedServer(
        listeners={"http": ["tcp:0:interface=127.0.0.1"],
                   "irc": ["tcp:0:interface=127.0.0.1"],
                   "xmpp": ["tcp:0:interface=127.0.0.1"]})
    srv.start()
    try:
        port = srv.port("http")
        await room_chat(port, srv.port("irc"))
        await subprotocol_required(port)
        await host_meta(port)
    finally:
        srv.stop()
    print("ok")


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
