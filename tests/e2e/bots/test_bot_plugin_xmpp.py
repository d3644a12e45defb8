"""The example bot as an in-process plugin of reed (example_bot.so, named
by `[server] plugin`), met by an XMPP user (python3-slixmpp): the bot is
an occupant of bots@conference.localhost, flagged as a bot the XMPP way
(XEP-0115 caps in its presence, client/bot in disco#info of its occupant
JID); "!ping" in the room and "!ping" one to one (to timebot@localhost,
and as a private message through the room) get "pong"."""
import asyncio
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "xmpp"))

from xclient import WAIT, login  # noqa: E402
from xmppserver import XmppServer  # noqa: E402

PLUGIN = os.environ["REED_BOT_PLUGIN"]
ROOM = "bots@conference.localhost"
BOT = ROOM + "/timebot"
NS_DISCO = "http://jabber.org/protocol/disco#info"


async def next_body(c, pred):
    async def scan():
        while True:
            m = await c.inbox.get()
            if m["type"] != "error" and m["body"] and pred(m):
                return m
    return await asyncio.wait_for(scan(), WAIT * 2)


async def scenario(srv):
    alice = await login(srv, "alice", "pw", plugins=["xep_0045"])
    alice.add_event_handler("groupchat_presence", alice.presences.put_nowait)
    await alice.plugin["xep_0045"].join_muc_wait(ROOM, "alice",
                                                 maxstanzas=0, timeout=WAIT)
    pres = await alice.next_presence(
        lambda p: p["from"].full == BOT and p["type"] != "unavailable")
    caps = pres.xml.find("{http://jabber.org/protocol/caps}c")
    assert caps is not None, ET.tostring(pres.xml)

    iq = alice.Iq(stype="get", sto=BOT)
    iq.append(ET.Element("{%s}query" % NS_DISCO))
    res = await iq.send(timeout=WAIT)
    ids = res.xml.findall("{%s}query/{%s}identity" % (NS_DISCO, NS_DISCO))
    assert any(i.get("category") == "client" and i.get("type") == "bot"
               for i in ids), ET.tostring(res.xml)

    alice.send_message(mto=ROOM, mbody="!ping", mtype="groupchat")
    m = await next_body(alice, lambda m: m["from"].full == BOT)
    assert m["body"] == "pong" and m["type"] == "groupchat", m

    alice.send_message(mto="timebot@" + srv.domain, mbody="!echo direct",
                       mtype="chat")
    m = await next_body(alice, lambda m: m["type"] == "chat")
    assert m["body"] == "direct", m
    assert m["from"].bare == "timebot@" + srv.domain, m

    alice.send_message(mto=BOT, mbody="!ping", mtype="chat")
    m = await next_body(alice, lambda m: m["type"] == "chat")
    assert m["body"] == "pong", m
    await alice.close()


def main():
    srv = XmppServer("reed", extra_ini={"server": {"plugin": PLUGIN}})
    srv.start()
    try:
        srv.add_user("alice", "pw")
        asyncio.run(asyncio.wait_for(scenario(srv), 120))
    finally:
        srv.__exit__(None, None, None)
    print("ok")


if __name__ == "__main__":
    main()
