"""RFC 6121 between two accounts with slixmpp: the subscription handshake
ends in `both` on both rosters (and stays after a new login), presence with
show/status reaches the contact, and one-to-one messages keep UTF-8 and the
XML-special characters (& < > ' " and ]]>) byte for byte. (Carbons:
suite_carbons.py.)"""
import sys

from xclient import login, run
from xmppserver import XmppServer, server_kind

TRICKY = "h\u00e9llo \u65e5\u672c \U0001F600 & < > ' \" ]]> &amp; <b>x</b>"


def server():
    srv = XmppServer(server_kind())
    srv.start()
    srv.add_user("alice", "pw")
    srv.add_user("bob", "pw")
    return srv


async def subscribed_pair(srv):
    alice = await login(srv, "alice", "pw", resource="a")
    bob = await login(srv, "bob", "pw", resource="b")
    bob.send_presence_subscription(pto=srv.jid("alice"))
    # Default slixmpp policy: alice authorizes and subscribes back; bob
    # authorizes that. Wait until both rosters say `both`.
    for c, other in ((alice, "bob"), (bob, "alice")):
        await c.next_presence(lambda p: p["type"] == "subscribed" and
                              p["from"].bare == srv.jid(other))
    return alice, bob


async def test_subscription_handshake(srv):
    alice, bob = await subscribed_pair(srv)
    await alice.close()
    await bob.close()
    for user, other in (("alice", "bob"), ("bob", "alice")):
        c = await login(srv, user, "pw", presence=False)
        roster = await c.get_roster()
        items = roster["roster"]["items"]
        assert srv.jid(other) in items, items
        assert items[srv.jid(other)]["subscription"] == "both", items
        await c.close()


async def test_presence(srv):
    alice, bob = await subscribed_pair(srv)
    bob.send_presence(pshow="away", pstatus="out \u2615 & back")
    p = await alice.next_presence(lambda p: p["from"].full ==
                                  srv.jid("bob") + "/b" and
                                  p["show"] == "away")
    assert p["status"] == "out \u2615 & back", p
    await bob.close()
    await alice.next_presence(lambda p: p["type"] == "unavailable" and
                              p["from"].bare == srv.jid("bob"))
    await alice.close()


async def test_messages(srv):
    alice = await login(srv, "alice", "pw", resource="a")
    bob = await login(srv, "bob", "pw", resource="b")
    for to in (srv.jid("bob"), srv.jid("bob") + "/b"):
        alice.send_message(mto=to, mbody=TRICKY, mtype="chat")
        m = await bob.next_message()
        assert m["body"] == TRICKY, repr(m["body"])
        assert m["from"].full == srv.jid("alice") + "/a", m["from"]
    bob.send_message(mto=srv.jid("alice"), mbody="re: " + TRICKY,
                     mtype="chat")
    m = await alice.next_message()
    assert m["body"] == "re: " + TRICKY
    await alice.close()
    await bob.close()


if __name__ == "__main__":
    sys.exit(run([test_subscription_handshake, test_presence, test_messages],
                 server))
