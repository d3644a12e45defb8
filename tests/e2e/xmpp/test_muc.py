"""XEP-0045 rooms across protocols with the real binary.

test_xmpp_and_irc_in_one_room: an XMPP user (python3-slixmpp's xep_0045)
and a raw IRC client in one model room see each other's join, messages
(UTF-8 and XML specials intact, the model's id as the stanza-id by the
room) and part; the XMPP user gets its own presence with status 110, and
201 for a room it creates.

test_three_protocols: raw IRC (with IRCv3 message-tags and server-time),
slixmpp and raw AMP in one room: what each sees of joins, messages (UTF-8,
XML specials; a CR/LF from XMPP never becomes an IRC line of its own),
actions (/me, CTCP ACTION, AMP's kind action), the topic, a nick change
(one nick everywhere: XMPP's 303 is IRC's NICK and AMP's NickChanged), a
nick another protocol holds (<conflict/>), a kick, a part and a quit."""
import asyncio
import re
import sys
import time

from rawnet import Amp, Irc
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


def amp_wait(amp, command, **match):
    """The next AMP event `command` whose keys hold `match`."""
    def ok(b):
        return b.get("_command") == command and all(
            b.get(k) == v for k, v in match.items())
    got = amp.wait_for(ok, timeout=WAIT)
    assert got is not None, (command, match)
    return got


async def amp_ev(amp, command, **match):
    return await in_thread(lambda: amp_wait(amp, command, **match))


async def groupchat(c, pred):
    """The next message c gets for which pred is true."""
    while True:
        m = await c.next_message()
        if pred(m):
            return m


async def test_three_protocols(srv):
    muc = "conference." + srv.domain
    room = "lobby@" + muc
    irc = await in_thread(lambda: Irc(srv.reed.port("irc"), "bob",
                                      sasl=("bob", "pw-bob-123")))
    irc.send("CAP REQ :message-tags server-time")
    await in_thread(irc_wait, irc, rb"CAP \S+ ACK :message-tags server-time")
    irc.send("JOIN #lobby")
    await in_thread(irc_wait, irc, rb" 366 bob #lobby")
    amp = Amp(srv.reed.port("amp"))
    a = await in_thread(lambda: amp.ask("Login", username="carol",
                                        password="pw-carol-1"))
    assert a is not None and "_answer" in a, a
    a = await in_thread(lambda: amp.ask("Join", room="lobby"))
    assert a is not None and "_answer" in a, a
    await in_thread(irc_wait, irc, rb":carol!\S+ JOIN #lobby")

    # Joins: XMPP sees IRC's and AMP's members; both see XMPP's.
    alice = await login(srv, "alice", "pw-alice-1", plugins=["xep_0045"])
    alice.add_event_handler("groupchat_presence", alice.presences.put_nowait)
    # ... and subject changes from its "message" event.
    alice.add_event_handler("groupchat_subject", alice.inbox.put_nowait)
    mucp = alice.plugin["xep_0045"]
    own, _, occupants, _ = await mucp.join_muc_wait(
        room, "alice", maxstanzas=0, timeout=WAIT)
    assert "110" in codes(own), own
    nicks = {p["from"].resource for p in occupants}
    assert {"bob", "carol"} <= nicks, nicks
    for p in occupants:
        if p["from"].resource in ("bob", "carol"):
            oid = p.xml.find("{urn:xmpp:occupant-id:0}occupant-id")
            assert oid is not None and oid.get("id"), p
    await in_thread(irc_wait, irc, rb":alice!\S+ JOIN #lobby")
    await amp_ev(amp, "Joined", room="lobby", user="alice",
                    origin="xmpp")

    # Messages from each to the other two.
    alice.send_message(mto=room, mbody=TEXT, mtype="groupchat")
    await in_thread(irc_wait, irc, re.escape(
        (" PRIVMSG #lobby :" + TEXT + "\r\n").encode()))
    ev = await amp_ev(amp, "Receive", room="lobby",
                         sender="alice")
    assert ev["text"] == TEXT and ev["origin"] == "xmpp", ev
    irc.send("PRIVMSG #lobby :from irc " + TEXT)
    m = await groupchat(alice, lambda m: m["from"] == room + "/bob")
    assert m["body"] == "from irc " + TEXT, m
    ev = await amp_ev(amp, "Receive", sender="bob")
    assert ev["text"] == "from irc " + TEXT, ev
    r = await in_thread(lambda: amp.ask("Say", room="lobby",
                                        text="from amp " + TEXT))
    assert r is not None and "_answer" in r, r
    m = await groupchat(alice, lambda m: m["from"] == room + "/carol")
    assert m["body"] == "from amp " + TEXT, m
    await in_thread(irc_wait, irc, re.escape(
        (":carol!carol@amp PRIVMSG #lobby :from amp " + TEXT).encode()))

    # A CR/LF from XMPP: each line a PRIVMSG to the room, no raw line.
    alice.send_message(mto=room, mtype="groupchat",
                       mbody="one\r\nQUIT :x\nPRIVMSG #other :y\rJOIN #z")
    got = await in_thread(irc_wait, irc, rb"PRIVMSG #lobby :JOIN #z\r\n")
    got = got[got.rfind(b"\r\n", 0, got.rfind(b"PRIVMSG #lobby :one\r\n")):]
    for line in got.split(b"\r\n"):
        assert line == b"" or line[:1] in (b":", b"@"), line
    for piece in (b"one", b"QUIT :x", b"PRIVMSG #other :y", b"JOIN #z"):
        assert b" PRIVMSG #lobby :" + piece + b"\r\n" in got, piece

    # Actions.
    alice.send_message(mto=room, mbody="/me waves", mtype="groupchat")
    await in_thread(irc_wait, irc, rb"PRIVMSG #lobby :\x01ACTION waves\x01")
    ev = await amp_ev(amp, "Receive", sender="alice",
                         kind="action")
    assert ev["text"] == "waves", ev
    irc.send("PRIVMSG #lobby :\x01ACTION nods\x01")
    m = await groupchat(alice, lambda m: m["from"] == room + "/bob")
    assert m["body"] == "/me nods", m

    # The topic: IRC sets it; then XMPP, once it is unlocked.
    irc.send("TOPIC #lobby :all & <welcome>")
    s = await groupchat(alice, lambda m: m["subject"])
    assert s["subject"] == "all & <welcome>", s
    await amp_ev(amp, "TopicChanged", topic="all & <welcome>")
    irc.send("MODE #lobby -t")
    await in_thread(irc_wait, irc, rb"MODE #lobby -t")
    mucp.set_subject(room, "from xmpp")
    await in_thread(irc_wait, irc, rb":alice!\S+ TOPIC #lobby :from xmpp")
    await amp_ev(amp, "TopicChanged", topic="from xmpp",
                    user="alice")

    # One nick namespace: AMP's nick is a conflict; a change is everywhere.
    alice.add_event_handler("muc::%s::presence-error" % room,
                            alice.presences.put_nowait)
    alice.send_presence(pto=room + "/carol")
    err = await alice.next_presence(lambda p: p["type"] == "error")
    assert err["error"]["condition"] == "conflict", err
    alice.send_presence(pto=room + "/alicia")
    p = await alice.next_presence(lambda p: "303" in codes(p))
    assert "110" in codes(p), p
    await in_thread(irc_wait, irc, rb":alice!\S+ NICK :?alicia")
    await amp_ev(amp, "NickChanged", old="alice", new="alicia")
    irc.send("NICK alicia")
    await in_thread(irc_wait, irc, rb" 433 bob alicia ")

    # A kick from IRC: AMP's Left, XMPP's 307; AMP comes back.
    irc.send("KICK #lobby carol :behave")
    p = await alice.next_presence(lambda p: p["from"] == room + "/carol" and
                                  "307" in codes(p))
    await amp_ev(amp, "Left", room="lobby", kind="kick")
    a = await in_thread(lambda: amp.ask("Join", room="lobby"))
    assert a is not None and "_answer" in a, a
    await alice.next_presence(lambda p: p["from"] == room + "/carol" and
                              p["type"] != "unavailable" and
                              p["type"] != "error")

    # IRC parts; AMP quits.
    irc.send("PART #lobby :later")
    p = await alice.next_presence(lambda p: p["from"] == room + "/bob" and
                                  p["type"] == "unavailable")
    assert p["status"] == "later", p
    await amp_ev(amp, "Left", room="lobby", user="bob",
                    kind="part")
    amp.close()
    await alice.next_presence(lambda p: p["from"] == room + "/carol" and
                              p["type"] == "unavailable")
    await alice.close()
    irc.close()


def server():
    srv = CrossServer("reed")
    srv.start()
    srv.add_user("alice", "pw-alice-1")
    srv.add_user("bob", "pw-bob-123")
    srv.add_user("carol", "pw-carol-1")
    return srv


if __name__ == "__main__":
    from xclient import run
    sys.exit(run([test_xmpp_and_irc_in_one_room, test_three_protocols],
                 server))
