"""What a message carries, one history and one redaction, with the real
binary and clients others wrote: python3-slixmpp for XMPP, raw sockets for
IRC (with draft/chathistory and draft/message-redaction) and AMP.

test_payload: an XMPP message with an OMEMO-like <encrypted/> element, a
receipt request and a hint reaches the other account's resource with those
children equal in content, and MAM returns them; a bodyless OMEMO message
reaches XMPP too.

test_three: one room seen from IRC, XMPP and AMP: a message from each has
the same id everywhere (IRC msgid, XMPP stanza-id by the room, AMP id), in
the same order through CHATHISTORY, MAM on the room and AMP History; a
redaction from each protocol (XEP-0424 retraction, IRC REDACT, AMP Redact)
is seen by the other two, and the histories leave the messages out (MAM as
tombstones)."""
import asyncio
import re
import sys
import xml.etree.ElementTree as ET

from slixmpp.xmlstream.handler import Callback
from slixmpp.xmlstream.matcher import MatchXPath

from rawnet import Amp, Irc
from test_cross import CrossServer, in_thread
from test_muc import irc_wait
from xclient import WAIT, login

SID = "{urn:xmpp:sid:0}stanza-id"
MAM = "urn:xmpp:mam:2"
RETRACT = "urn:xmpp:message-retract:1"
OMEMO = ("<encrypted xmlns='eu.siacs.conversations.axolotl'>"
         "<header sid='27183'><key rid='31415' prekey='true'>QUJD</key>"
         "<iv>SVZJVg==</iv></header><payload>UExE</payload></encrypted>")
RECEIPT = "<request xmlns='urn:xmpp:receipts'/>"
STORE = "<store xmlns='urn:xmpp:hints'/>"


def canon(el):
    return ET.canonicalize(ET.tostring(el, encoding="unicode"))


def child(m, tag):
    el = m.xml.find(tag)
    assert el is not None, "no %s in %s" % (tag, m)
    return el


def catch(c, path):
    """A queue of the messages matching an XPath below <message/>: slixmpp
    raises its "message" event only for messages with a body."""
    q = asyncio.Queue()
    c.register_handler(Callback(path, MatchXPath(
        "{jabber:client}message/" + path), q.put_nowait))
    return q


async def mam_query(c, to=None, rsm=""):
    """The result elements of one MAM query, in the order they came."""
    if not hasattr(c, "mam_q"):
        c.mam_q = catch(c, "{%s}result" % MAM)
    iq = c.Iq(stype="set", sto=to)
    iq.append(ET.fromstring("<query xmlns='%s' queryid='x'>%s</query>" %
                            (MAM, rsm)))
    await iq.send(timeout=WAIT)
    out = []
    while not c.mam_q.empty():
        out.append(c.mam_q.get_nowait().xml.find("{%s}result" % MAM))
    return out


def inner(result):
    return result.find("{urn:xmpp:forward:0}forwarded/{jabber:client}message")


async def test_payload(srv):
    alice = await login(srv, "alice", "pw-alice-1")
    bob = await login(srv, "bob", "pw-bob-123")
    m = bob.make_message(mto=srv.jid("alice"), mbody="fallback", mtype="chat")
    for x in (OMEMO, RECEIPT, STORE):
        m.append(ET.fromstring(x))
    m.send()
    got = await alice.next_message()
    assert got["body"] == "fallback", got
    for x in (OMEMO, RECEIPT, STORE):
        sent = ET.fromstring(x)
        assert canon(child(got, sent.tag)) == canon(sent), got
    sid = child(got, SID).get("id")
    # Without a body: still delivered to XMPP, as sent.
    enc_q = catch(alice, ET.fromstring(OMEMO).tag)
    m = bob.make_message(mto=srv.jid("alice"), mtype="chat")
    m.append(ET.fromstring(OMEMO))
    m.send()
    got = await asyncio.wait_for(enc_q.get(), WAIT)
    enc = ET.fromstring(OMEMO)
    assert canon(child(got, enc.tag)) == canon(enc), got
    # MAM returns the children with the message.
    res = await mam_query(alice)
    ours = [r for r in res if r.get("id") == sid]
    assert len(ours) == 1, [ET.tostring(r) for r in res]
    msg = inner(ours[0])
    for x in (OMEMO, RECEIPT, STORE):
        sent = ET.fromstring(x)
        assert canon(msg.find(sent.tag)) == canon(sent), ET.tostring(msg)
    await alice.close()
    await bob.close()


def irc_ids(text):
    return [int(i) for i in re.findall(r"msgid=(\d+)[^\r\n]* PRIVMSG #trio",
                                       text)]


def amp_ids(box):
    return [int(i) for i in re.findall(r"\x00\x02id\x00.(\d+)",
                                       box.get("messages", ""))]


async def test_three(srv):
    muc = "conference." + srv.domain
    room = "trio@" + muc
    irc = await in_thread(lambda: Irc(srv.reed.port("irc"), "dave",
                                      sasl=("dave", "pw-dave-12")))
    irc.send("CAP REQ :message-tags batch server-time echo-message "
             "draft/chathistory "
             "draft/message-redaction")
    irc.send("JOIN #trio")
    await in_thread(irc.read_until, b" 366 ")
    amp = Amp(srv.reed.port("amp"))
    a = await in_thread(lambda: amp.ask("Login", username="carol",
                                        password="pw-carol-1"))
    assert "_answer" in a, a
    a = await in_thread(lambda: amp.ask("Join", room="trio"))
    assert "_answer" in a, a
    alice = await login(srv, "alice", "pw-alice-1", plugins=["xep_0045"])
    await alice.plugin["xep_0045"].join_muc_wait(room, "alice", maxstanzas=0,
                                                 timeout=WAIT)

    # A message from each protocol; the ids agree.
    alice.send_message(mto=room, mbody="from xmpp", mtype="groupchat")
    echo = await alice.next_message()
    n1 = int(child(echo, SID).get("id"))
    got = await in_thread(irc_wait, irc, rb"PRIVMSG #trio :from xmpp")
    assert n1 in irc_ids(got.decode()), got
    ev = await in_thread(lambda: amp.wait_for(
        lambda b: b.get("text") == "from xmpp"))
    assert int(ev["id"]) == n1, ev
    irc.send("PRIVMSG #trio :from irc")
    m = await alice.next_message()
    n2 = int(child(m, SID).get("id"))
    ev = await in_thread(lambda: amp.wait_for(
        lambda b: b.get("text") == "from irc"))
    assert int(ev["id"]) == n2, ev
    a = await in_thread(lambda: amp.ask("Say", room="trio", text="from amp"))
    n3 = int(a["id"])
    m = await alice.next_message()
    assert int(child(m, SID).get("id")) == n3 and m["body"] == "from amp"
    got = await in_thread(irc_wait, irc, rb"PRIVMSG #trio :from amp")
    assert irc_ids(got.decode())[-3:] == [n1, n2, n3], got

    # One history: CHATHISTORY, MAM on the room, AMP History.
    mark = len(irc.buf)
    irc.send("CHATHISTORY LATEST #trio * 10")
    got = await in_thread(irc_wait, irc, rb"BATCH -")
    assert irc_ids(got[mark:].decode()) == [n1, n2, n3], got[mark:]
    res = await mam_query(alice, to=room)
    assert [int(r.get("id")) for r in res] == [n1, n2, n3], res
    assert all(inner(r).find(SID).get("by") == room for r in res)
    h = await in_thread(lambda: amp.ask("History", room="trio"))
    assert amp_ids(h) == [n1, n2, n3], h

    # One redaction: each protocol's reaches the other two.
    alice.send_raw("<message to='%s' type='groupchat'><retract xmlns='%s' "
                   "id='%d'/></message>" % (room, RETRACT, n1))
    await in_thread(irc_wait, irc, (r":alice!\S+ REDACT #trio %d" % n1)
                    .encode())
    ev = await in_thread(lambda: amp.wait_for(
        lambda b: b.get("_command") == "Redacted"))
    assert ev["id"] == str(n1) and ev["by"] == "alice", ev
    irc.send("REDACT #trio %d" % n2)
    r = await alice.next_message()
    while r.xml.find("{%s}retract" % RETRACT) is None or \
            r.xml.find("{%s}retract" % RETRACT).get("id") != str(n2):
        r = await alice.next_message()
    ev = await in_thread(lambda: amp.wait_for(
        lambda b: b.get("_command") == "Redacted"))
    assert ev["id"] == str(n2) and ev["by"] == "dave", ev
    a = await in_thread(lambda: amp.ask("Redact", room="trio", id=str(n3)))
    assert "_answer" in a, a
    await in_thread(irc_wait, irc, (r":carol!\S+ REDACT #trio %d" % n3)
                    .encode())
    r = await alice.next_message()
    while r.xml.find("{%s}retract" % RETRACT) is None:
        r = await alice.next_message()
    assert r.xml.find("{%s}retract" % RETRACT).get("id") == str(n3), r
    assert r["from"] == room + "/carol", r

    # The histories leave them out; MAM keeps tombstones in place, and
    # each retraction message after them at its own id (XEP-0424).
    mark = len(irc.buf)
    irc.send("CHATHISTORY LATEST #trio * 10")
    got = await in_thread(irc_wait, irc, rb"BATCH -")
    assert irc_ids(got[mark:].decode()) == [], got[mark:]
    h = await in_thread(lambda: amp.ask("History", room="trio"))
    assert amp_ids(h) == [], h
    res = await mam_query(alice, to=room)
    tombs = [r for r in res
             if inner(r).find("{%s}retracted" % RETRACT) is not None]
    assert [int(r.get("id")) for r in tombs] == [n1, n2, n3], res
    for r in tombs:
        assert inner(r).find("{jabber:client}body") is None
    refs = {int(inner(r).find("{%s}retract" % RETRACT).get("id")):
            int(r.get("id")) for r in res
            if inner(r).find("{%s}retract" % RETRACT) is not None}
    assert sorted(refs) == [n1, n2, n3], res
    assert all(rid > n3 for rid in refs.values()), refs
    assert len(res) == 6, res

    await alice.close()
    irc.close()
    amp.close()


def server():
    srv = CrossServer("reed")
    srv.start()
    srv.add_user("alice", "pw-alice-1")
    srv.add_user("bob", "pw-bob-123")
    srv.add_user("carol", "pw-carol-1")
    srv.add_user("dave", "pw-dave-12")
    return srv


if __name__ == "__main__":
    from xclient import run
    sys.exit(run([test_payload, test_three], server))
