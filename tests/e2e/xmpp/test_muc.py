"""XEP-0045 rooms across protocols with the real binary: an XMPP user
(python3-slixmpp's xep_0045) and a raw IRC client in one model room. Each
sees the other's join, messages (UTF-8 and XML specials intact, the model's
id as the stanza-id by the room) and part; the XMPP user gets its own
presence with status 110, and 201 for a room it creates."""
import asyncio
import re
import sys
import time

from rawnet import Irc
from test_cross import CrossServer, in_thread
from xclient import WAIT, login

TEXT = "caf\u00e9 & <b>\"it's\"</b> ]]>"
MUC_USER = "{http://jabber.org/protocol/muc#user}"


def irc_wait(irc, pattern, timeout=WAIT):
    """The IRC client's input once `pattern` (bytes regex) matches it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        got = irc.read_until(b"\0", timeout=0.2)
        if re.search(pattern, got):
            return got
    raise AssertionError("IRC never saw %r in %r" % (pattern, irc.buf))


def codes(p):
    x = p.xml.find(MUC_USER + "x")
    if x is None:
        return set()
    return {s.get("code") for s in x.findall(MUC_USER + "status")}


async def test_xmpp_and_irc_in_one_room(srv):
    muc = "conference." + srv.domain
    room = "lobby@" + muc
    irc = await in_thread(lambda: Irc(srv.reed.port("irc"), "bob",
                                      sasl=("bob", "pw-bob-123")))
    irc.send("JOIN #lobby")
    await in_thread(irc.read_until, b" 366 ")

    alice = await login(srv, "alice", "pw-alice-1", plugins=["xep_0045"])
    mucp = alice.plugin["xep_0045"]
    # slixmpp keeps a joined room's presence from its "presence" event.
    alice.add_event_handler("groupchat_presence", alice.presences.put_nowait)
    own, subject, occupants, _ = await mucp.join_muc_wait(
        room, "alice", maxstanzas=0, timeout=WAIT)
    assert {"110", "100"} <= codes(own), own
    assert "201" not in codes(own), own
    nicks = {p["from"].resource for p in occupants}
    assert "bob" in nicks, occupants
    bobp = [p for p in occupants if p["from"].resource == "bob"][0]
    assert bobp["muc"]["role"] == "moderator", bobp

    # IRC sees the XMPP user join.
    await in_thread(irc_wait, irc, rb":alice!\S+ JOIN #lobby")

    # XMPP -> IRC.
    alice.send_message(mto=room, mbody="hi from " + TEXT, mtype="groupchat")
    echo = await alice.next_message()
    assert echo["type"] == "groupchat" and echo["from"].resource == "alice"
    await in_thread(irc_wait, irc, re.escape(
        (" PRIVMSG #lobby :hi from " + TEXT + "\r\n").encode()))

    # IRC -> XMPP, with the room's stanza-id.
    irc.send("PRIVMSG #lobby :" + TEXT)
    m = await alice.next_message()
    assert m["type"] == "groupchat", m
    assert m["from"] == room + "/bob", m["from"]
    assert m["body"] == TEXT, m["body"]
    sid = m.xml.find("{urn:xmpp:sid:0}stanza-id")
    assert sid is not None and sid.get("by") == room, m

    # IRC parts: unavailable from its occupant JID.
    irc.send("PART #lobby :bye")
    p = await alice.next_presence(lambda p: p["type"] == "unavailable" and
                                  p["from"] == room + "/bob")
    assert p is not None

    # A new room: 201 for its creator; IRC joins and sees alice leave.
    own2, _, occ2, _ = await mucp.join_muc_wait(
        "fresh@" + muc, "alice", maxstanzas=0, timeout=WAIT)
    assert {"110", "201"} <= codes(own2), own2
    assert {p["from"].resource for p in occ2} <= {"alice"}, occ2
    irc.send("JOIN #fresh")
    await in_thread(irc_wait, irc, rb" 353 bob \S #fresh :\S*alice")
    await alice.next_presence(lambda p: p["from"] == "fresh@" + muc + "/bob")
    mucp.leave_muc("fresh@" + muc, "alice", "later")
    await in_thread(irc_wait, irc, rb":alice!\S+ PART #fresh :later")

    await alice.close()
    irc.close()


def server():
    srv = CrossServer("reed")
    srv.start()
    srv.add_user("alice", "pw-alice-1")
    srv.add_user("bob", "pw-bob-123")
    return srv


if __name__ == "__main__":
    from xclient import run
    sys.exit(run([test_xmpp_and_irc_in_one_room], server))
