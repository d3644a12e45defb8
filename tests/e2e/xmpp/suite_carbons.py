"""XEP-0280 carbons with slixmpp: with two resources of bob enabled, a
message to one reaches the other as a received-carbon, and one sent from
one reaches the other as a sent-carbon."""
import sys

from xclient import login, run
from xmppserver import started


def server():
    return started("alice", "bob")


async def test_carbons(srv):
    def carbons(c):
        c.register_plugin("xep_0280")
        # slixmpp hands carbons to these events, not to "message".
        c.add_event_handler("carbon_received", c.inbox.put_nowait)
        c.add_event_handler("carbon_sent", c.inbox.put_nowait)
    alice = await login(srv, "alice", "pw", resource="a")
    b1 = await login(srv, "bob", "pw", resource="one", setup=carbons)
    b2 = await login(srv, "bob", "pw", resource="two", setup=carbons)
    for c in (b1, b2):
        await c["xep_0280"].enable()
    # A message to bob's full JID /one: /two gets a received-carbon.
    alice.send_message(mto=srv.jid("bob") + "/one", mbody="to one",
                       mtype="chat")
    assert (await b1.next_message())["body"] == "to one"
    m = await b2.next_message()
    fwd = m["carbon_received"]
    assert fwd["body"] == "to one", m
    assert fwd["from"].full == srv.jid("alice") + "/a"
    # A message bob sends from /one: /two gets a sent-carbon.
    b1.send_message(mto=srv.jid("alice"), mbody="from one", mtype="chat")
    assert (await alice.next_message())["body"] == "from one"
    m = await b2.next_message()
    assert m["carbon_sent"]["body"] == "from one", m
    assert m["carbon_sent"]["to"].bare == srv.jid("alice")
    for c in (alice, b1, b2):
        await c.close()


if __name__ == "__main__":
    sys.exit(run([test_carbons], server))
