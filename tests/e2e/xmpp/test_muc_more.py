"""Issue 17's last room mappings against the real binary, one room seen
from slixmpp (its owner), a raw IRC client (message-tags, away-notify)
and a raw AMP client:

- reactions (XEP-0444 in groupchat): the XMPP owner's set reaches IRC as
  +draft/react TAGMSGs with +draft/reply to the room's stanza-id (IRC's
  msgid) and AMP as Reacted; IRC's +draft/react and +draft/unreact reach
  XMPP as the IRC member's whole set (empty after the last unreact);
- presence updates (7.7): IRC AWAY shows as <show>away</show>, an XMPP
  show dnd reaches IRC as AWAY;
- destroying the room (10.9): the owner's <destroy/> removes IRC (KICK
  naming the alternate venue) and AMP (Left, kind destroy) members; the
  owner gets its unavailable presence with <destroy/>."""
import re
import sys
import xml.etree.ElementTree as ET

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from rawnet import Amp, Irc
from test_cross import CrossServer, in_thread
from test_muc import amp_ev, groupchat, irc_wait
from xclient import WAIT, login

RX = "urn:xmpp:reactions:0"
MUC_USER = "{http://jabber.org/protocol/muc#user}"
THUMB = "\U0001f44d"


def reactions(m):
    r = m.xml.find("{%s}reactions" % RX)
    if r is None:
        return None
    return (r.get("id"), [x.text for x in r.findall("{%s}reaction" % RX)])


async def test_reactions_away_destroy(srv):
    muc = "conference." + srv.domain
    room = "den@" + muc
    alice = await login(srv, "alice", "pw-alice-1", plugins=["xep_0045"])
    alice.add_event_handler("groupchat_presence", alice.presences.put_nowait)
    # slixmpp's "message" event wants a body: reactions come without one.
    alice.register_handler(Callback("reactions", MatchXPath(
        "{jabber:client}message/{%s}reactions" % RX), alice.inbox.put_nowait))
    await alice.plugin["xep_0045"].join_muc_wait(room, "alice", maxstanzas=0,
                                                 timeout=WAIT)
    irc = await in_thread(lambda: Irc(srv.reed.port("irc"), "bob",
                                      sasl=("bob", "pw-bob-123")))
    irc.send("CAP REQ :message-tags away-notify")
    await in_thread(irc_wait, irc, rb"CAP \S+ ACK :message-tags away-notify")
    irc.send("JOIN #den")
    await in_thread(irc_wait, irc, rb" 366 bob #den")
    amp = Amp(srv.reed.port("amp"))
    a = await in_thread(lambda: amp.ask("Login", username="carol",
                                        password="pw-carol-1"))
    assert a is not None and "_answer" in a, a
    a = await in_thread(lambda: amp.ask("Join", room="den"))
    assert a is not None and "_answer" in a, a

    # A message, and its id as every protocol shows it.
    alice.send_message(mto=room, mbody="react to me", mtype="groupchat")
    echo = await groupchat(alice, lambda m: m["body"] == "react to me")
    sid = echo.xml.find("{urn:xmpp:sid:0}stanza-id").get("id")
    got = await in_thread(irc_wait, irc, rb"msgid=(\d+)\S* :alice!\S+ "
                          rb"PRIVMSG #den :react to me")
    assert re.search(("msgid=%s" % sid).encode(), got), (sid, got)

    # XMPP's set -> IRC TAGMSG and AMP Reacted.
    m = alice.make_message(mto=room, mtype="groupchat")
    m.append(ET.fromstring(
        "<reactions xmlns='%s' id='%s'><reaction>%s</reaction></reactions>"
        % (RX, sid, THUMB)))
    m.send()
    r = await groupchat(alice, lambda m: reactions(m) is not None)
    assert reactions(r) == (sid, [THUMB]), r
    await in_thread(irc_wait, irc, re.escape(
        ("+draft/react=" + THUMB).encode()) + rb"\S* :alice!\S+ TAGMSG #den")
    assert (" +draft/reply=%s" % sid).encode() in irc.buf or \
        (";+draft/reply=%s" % sid).encode() in irc.buf, irc.buf
    await amp_ev(amp, "Reacted", room="den", user="alice", id=sid,
                 reaction=THUMB)

    # IRC's one change at a time -> XMPP's whole set.
    irc.send("@+draft/reply=%s;+draft/react=yes TAGMSG #den" % sid)
    r = await groupchat(alice, lambda m: m["from"] == room + "/bob")
    assert reactions(r) == (sid, ["yes"]), r
    irc.send("@+draft/reply=%s;+draft/unreact=yes TAGMSG #den" % sid)
    r = await groupchat(alice, lambda m: m["from"] == room + "/bob")
    assert reactions(r) == (sid, []), r

    # 7.7: IRC AWAY -> show away; XMPP dnd -> IRC AWAY.
    irc.send("AWAY :lunch")
    p = await alice.next_presence(lambda p: p["from"] == room + "/bob" and
                                  p["show"] == "away")
    assert p["status"] == "lunch", p
    alice.send_presence(pto=room + "/alice", pshow="dnd", pstatus="busy")
    await in_thread(irc_wait, irc, rb":alice!\S+ AWAY :busy")

    # 10.9: the owner destroys the room.
    iq = alice.make_iq_set(ito=room)
    iq.append(ET.fromstring(
        "<query xmlns='http://jabber.org/protocol/muc#owner'><destroy "
        "jid='lobby@%s'><reason>moving</reason></destroy></query>" % muc))
    gone = alice.next_presence(lambda p: p["from"] == room + "/alice" and
                               p["type"] == "unavailable")
    await iq.send(timeout=WAIT)
    p = await gone
    d = p.xml.find(MUC_USER + "x/" + MUC_USER + "destroy")
    assert d is not None and d.get("jid") == "lobby@" + muc, p
    assert d.find(MUC_USER + "reason").text == "moving", p
    await in_thread(irc_wait, irc, re.escape(
        (":alice!").encode()) + rb"\S+ KICK #den bob :moving \(moved to lobby@")
    await amp_ev(amp, "Left", room="den", user="carol", kind="destroy",
                 venue="lobby@" + muc)
    amp.close()
    irc.close()
    await alice.close()


def server():
    srv = CrossServer("reed")
    srv.start()
    srv.add_user("alice", "pw-alice-1")
    srv.add_user("bob", "pw-bob-123")
    srv.add_user("carol", "pw-carol-1")
    return srv


if __name__ == "__main__":
    from xclient import run
    sys.exit(run([test_reactions_away_destroy], server))
