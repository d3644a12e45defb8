"""One room, two protocols: an AMP client (Twisted's amp) and an IRC client
(python3-irc) share rooms on the real reed: joins, messages both ways,
actions, topic, kick, part and quit, one nick namespace, and text with CR,
LF, NUL or invalid UTF-8 from AMP never reaching IRC as anything but
PRIVMSGs of that sender (or an error to the AMP client)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from twisted.protocols import amp  # noqa: E402

import ampchat as A  # noqa: E402
from ircpeer import IrcPeer  # noqa: E402
from reedtest import ReedServer  # noqa: E402
from runner import run  # noqa: E402

SRV = None
_n = [0]


def name(prefix):
    _n[0] += 1
    return "%s%d" % (prefix, _n[0])


def amp_user(prefix="alice"):
    c = A.Client(SRV.port("amp", "tcp"))
    n = name(prefix)
    c.call(A.Register, username=n, password="pw")
    return c, n


def irc_user(prefix="carol"):
    n = name(prefix)
    p = IrcPeer(SRV.port("irc", "tcp"), n)
    p.take("welcome")
    return p, n


def test_join_both_ways():
    carol, cn = irc_user()
    carol.conn.join("#mix1")
    carol.take("join", nick=cn)
    alice, an = amp_user()
    r = alice.call(A.Join, room="mix1")
    assert sorted(r["members"]) == sorted([an, cn]), r
    j = carol.take("join", nick=an, target="#mix1")
    assert j[2].startswith("%s!%s@" % (an, an)), j  # nick!account@host
    m = alice.call(A.Members, room="mix1")["members"]
    irc_m = [x for x in m if x["nick"] == cn][0]
    assert irc_m["origin"] == b"irc" and irc_m["account"] is None, irc_m
    # An IRC user joining later is a Joined event.
    dave, dn = irc_user("dave")
    dave.conn.join("#mix1")
    alice.expect("Joined", room="mix1", user=dn, origin=b"irc", account=None)
    for c in (carol, dave):
        c.close()
    alice.expect("Left", user=cn, kind=b"quit")
    alice.expect("Left", user=dn, kind=b"quit")
    alice.close()


def test_messages_both_ways():
    carol, cn = irc_user()
    alice, an = amp_user()
    carol.conn.join("#mix2")
    carol.take("join", nick=cn)
    alice.call(A.Join, room="mix2")
    carol.take("join", nick=an)
    carol.conn.privmsg("#mix2", "hi from irc")
    ev = alice.expect("Receive", room="mix2", sender=cn, origin=b"irc",
                      account=None, text="hi from irc", kind=None)
    assert ev["id"]
    alice.call(A.Say, room="mix2", text="hi from amp")
    carol.take("pubmsg", nick=an, target="#mix2", args=["hi from amp"])
    # Private messages: Tell to an IRC nick, PRIVMSG to an AMP nick.
    alice.call(A.Tell, user=cn, text="psst")
    carol.take("privmsg", nick=an, args=["psst"])
    carol.conn.privmsg(an, "back at you")
    alice.expect("Receive", room=None, sender=cn, text="back at you")
    # Notices.
    alice.call(A.Say, room="mix2", text="note", kind=b"notice")
    carol.take("pubnotice", nick=an, args=["note"])
    carol.close()
    alice.close()


def test_actions():
    carol, cn = irc_user()
    alice, an = amp_user()
    carol.conn.join("#mix3")
    carol.take("join", nick=cn)
    alice.call(A.Join, room="mix3")
    alice.call(A.Say, room="mix3", text="waves", kind=b"action")
    carol.take("action", nick=an, target="#mix3", args=["waves"])
    carol.conn.action("#mix3", "dances")
    alice.expect("Receive", sender=cn, kind=b"action", text="dances")
    carol.close()
    alice.close()


def test_topic_both_ways():
    carol, cn = irc_user()
    alice, an = amp_user()
    alice.call(A.Join, room="mix4")  # alice creates it
    carol.conn.join("#mix4")
    carol.take("join", nick=cn)
    alice.expect("Joined", user=cn)
    alice.call(A.SetTopic, room="mix4", topic="from amp")
    carol.take("topic", nick=an, target="#mix4", args=["from amp"])
    carol.conn.join("#mix4b")  # carol creates this one
    carol.take("join", nick=cn, target="#mix4b")
    alice.call(A.Join, room="mix4b")
    carol.conn.topic("#mix4b", "from irc")
    alice.expect("TopicChanged", room="mix4b", user=cn, topic="from irc")
    assert alice.call(A.Join, room="mix4b")["topic"] == "from irc"
    carol.close()
    alice.close()


def test_kick():
    carol, cn = irc_user()
    alice, an = amp_user()
    carol.conn.join("#mix5")  # carol is the operator
    carol.take("join", nick=cn)
    alice.call(A.Join, room="mix5")
    carol.take("join", nick=an)
    carol.conn.kick("#mix5", an, "out you go")
    alice.expect("Left", room="mix5", user=an, kind=b"kick", by=cn,
                 reason="out you go")
    assert alice.call_error(A.Say, room="mix5", text="x") is A.NotAMember
    carol.close()
    alice.close()


def test_part_and_quit():
    carol, cn = irc_user()
    alice, an = amp_user()
    carol.conn.join("#mix6")
    carol.take("join", nick=cn)
    alice.call(A.Join, room="mix6")
    carol.conn.part("#mix6", "lunch")
    alice.expect("Left", room="mix6", user=cn, kind=b"part", reason="lunch")
    carol.conn.join("#mix6")
    alice.expect("Joined", user=cn)
    carol.conn.quit("goodnight")
    alice.expect("Left", room="mix6", user=cn, kind=b"quit")
    carol.conn.close()
    # AMP leaving, seen from IRC.
    dave, dn = irc_user("dave")
    dave.conn.join("#mix6")
    dave.take("join", nick=dn)
    alice.call(A.Leave, room="mix6", reason="bye")
    dave.take("part", nick=an, target="#mix6")
    alice.call(A.Join, room="mix6")
    dave.take("join", nick=an)
    alice.call(A.Quit, reason="done")
    dave.take("quit", nick=an)
    dave.close()


def test_irc_modes_forbid_amp():
    """Room settings made on IRC apply to AMP: a key (+k), moderation (+m)
    and the topic lock (+t) give FORBIDDEN; the right key lets in."""
    carol, cn = irc_user()
    alice, an = amp_user()
    carol.conn.join("#mix7")  # carol is the operator
    carol.take("join", nick=cn)
    carol.conn.mode("#mix7", "+k sesame")
    carol.take("mode", nick=cn)
    assert alice.call_error(A.Join, room="mix7") is A.Forbidden
    assert alice.call_error(A.Join, room="mix7", key="wrong") is A.Forbidden
    assert alice.call(A.Join, room="mix7", key="sesame")["room"] == "mix7"
    carol.conn.mode("#mix7", "+mt")
    carol.take("mode", nick=cn)
    assert alice.call_error(A.Say, room="mix7", text="hello?") is \
        A.Forbidden
    assert alice.call_error(A.SetTopic, room="mix7", topic="mine") is \
        A.Forbidden
    carol.conn.mode("#mix7", "+v " + an)  # voice lets alice speak
    carol.take("mode", nick=cn)
    alice.call(A.Say, room="mix7", text="thanks")
    carol.take("pubmsg", nick=an, args=["thanks"])
    carol.close()
    alice.close()


def test_one_nick_namespace():
    carol, cn = irc_user()
    alice, an = amp_user()
    # An IRC nick is refused to AMP, at Login and SetNick.
    d = A.Client(SRV.port("amp", "tcp"))
    dn = name("dana")
    d.call(A.Register, username=dn, password="pw")
    assert alice.call_error(A.SetNick, nick=cn) is A.NickInUse
    e = A.Client(SRV.port("amp", "tcp"))
    assert e.call_error(A.Login, username=dn, password="pw", nick=cn) is \
        A.NickInUse
    # An AMP nick (and an account's name) is refused to IRC with 433.
    carol.conn.nick(an)
    carol.take("nicknameinuse")
    alice.call(A.SetNick, nick="x" + an)
    carol.conn.nick("x" + an)
    carol.take("nicknameinuse")
    for c in (d, e, alice):
        c.close()
    carol.close()


class RawSay(amp.Command):
    """Say with text as raw bytes, to send invalid UTF-8."""
    commandName = b"Say"
    arguments = [(b"room", amp.Unicode()), (b"text", amp.String())]
    response = [(b"id", amp.String()), (b"time", amp.DateTime())]
    errors = A.ALL_ERRORS


def test_text_safety():
    carol, cn = irc_user()
    alice, an = amp_user()
    carol.conn.join("#mix8")
    carol.take("join", nick=cn)
    alice.call(A.Join, room="mix8")
    carol.take("join", nick=an)
    carol.drain()
    mark = len(carol.raw)
    # CR, NUL and invalid UTF-8 are refused to the AMP client.
    for text in ("a\rb", "x\r\nQUIT :pwned", "nul\x00here"):
        assert alice.call_error(A.Say, room="mix8", text=text) is \
            A.BadRequest, repr(text)
    assert alice.call_error(RawSay, room="mix8", text=b"bad\xff\xfe") is \
        A.BadRequest
    assert carol.drain(0.5) == []  # nothing reached IRC
    assert carol.raw[mark:] == [], carol.raw[mark:]
    # LF splits into one PRIVMSG per line, each from alice, nothing lost.
    alice.call(A.Say, room="mix8", text="one\nQUIT :not a command\nthree")
    for line in ("one", "QUIT :not a command", "three"):
        carol.take("pubmsg", nick=an, target="#mix8", args=[line])
    assert carol.drain(0.5) == []
    # On the wire: exactly three PRIVMSG lines, each from alice.
    prefix = ":%s!%s@" % (an, an)
    lines = carol.raw[mark:]
    assert len(lines) == 3, lines
    for line, text in zip(lines, ("one", "QUIT :not a command", "three")):
        assert line.startswith(prefix), line
        assert line.endswith(" PRIVMSG #mix8 :" + text), line
    # A long line is split, not cut.
    long_text = "w" * 1200
    alice.call(A.Say, room="mix8", text=long_text)
    got = ""
    while len(got) < len(long_text):
        e = carol.take("pubmsg", nick=an, target="#mix8")
        got += e[4][0]
    assert got == long_text
    # carol is still connected and in the room.
    carol.conn.privmsg("#mix8", "still fine")
    alice.expect("Receive", sender=cn, text="still fine")
    carol.close()
    alice.close()


class RawIrc:
    """IRCv3 over a raw socket (python3-irc has no CAP): message-tags and
    draft/chathistory, to compare ids."""

    def __init__(self, port, nick):
        import socket
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.send("CAP LS 302")
        self.send("CAP REQ :message-tags batch server-time draft/chathistory")
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.send("CAP END")
        self.until(lambda line: " 001 " in line)

    def send(self, line):
        self.s.sendall(line.encode() + b"\r\n")

    def lines(self):
        while b"\r\n" not in self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()

    def until(self, pred, limit=500):
        seen = []
        for _ in range(limit):
            line = self.lines()
            seen.append(line)
            if line.startswith("PING "):
                self.send("PONG " + line[5:])
            if pred(line):
                return line, seen
        raise AssertionError("not seen: %r" % seen[-10:])

    def close(self):
        self.s.close()


def tags_of(line):
    if not line.startswith("@"):
        return {}
    return dict(kv.split("=", 1) if "=" in kv else (kv, "")
                for kv in line[1:].split(" ", 1)[0].split(";"))


def test_same_ids_everywhere():
    """A message has one id: the AMP answer, the IRC msgid, AMP History and
    IRC CHATHISTORY all show it."""
    alice, an = amp_user()
    en = name("erin")
    erin = RawIrc(SRV.port("irc", "tcp"), en)
    erin.send("JOIN #ids")
    erin.until(lambda line: " JOIN " in line)
    alice.call(A.Join, room="ids")
    said = alice.call(A.Say, room="ids", text="numbered")
    line, _ = erin.until(lambda line: "PRIVMSG #ids :numbered" in line)
    assert tags_of(line).get("msgid") == said["id"].decode(), line
    erin.send("PRIVMSG #ids :from irc")
    ev = alice.expect("Receive", sender=en, text="from irc")
    hist = alice.call(A.History, room="ids")["messages"]
    assert [m["id"] for m in hist] == [said["id"], ev["id"]], hist
    erin.send("CHATHISTORY LATEST #ids * 10")
    _, seen = erin.until(lambda line: line.startswith("BATCH -") or
                         (line.startswith(":") and " BATCH -" in line))
    ids = [tags_of(x).get("msgid") for x in seen if " PRIVMSG #ids " in x]
    assert ids == [said["id"].decode(), ev["id"].decode()], seen
    erin.close()
    alice.close()


def main():
    global SRV
    A.start_reactor()
    with ReedServer() as srv:
        SRV = srv
        rc = run([test_join_both_ways, test_messages_both_ways, test_actions,
                  test_topic_both_ways, test_kick, test_part_and_quit,
                  test_irc_modes_forbid_amp,
                  test_one_nick_namespace, test_text_safety,
                  test_same_ids_everywhere])
    A.stop_reactor()
    return rc


if __name__ == "__main__":
    sys.exit(main())
