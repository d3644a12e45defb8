"""IRC presence in an XMPP roster against the real binary: alice (slixmpp)
and bob subscribe to each other over XMPP; bob's XMPP client leaves and he
comes back through IRC (a raw client): alice sees bob@domain/irc-bob
available, away with the text of IRC's AWAY, back, and unavailable when
the IRC connection quits. A second XMPP login of alice's gets bob's IRC
presence from the server's probe."""
import asyncio
import sys

from rawnet import Irc
from test_cross import CrossServer, in_thread
from xclient import login

IRC_RES = "/irc-bob"


async def test_irc_presence(srv):
    alice = await login(srv, "alice", "pw-alice-1", resource="a")
    bob = await login(srv, "bob", "pw-bob-123", resource="b")
    bob.send_presence_subscription(pto=srv.jid("alice"))
    for c, other in ((alice, "bob"), (bob, "alice")):
        await c.next_presence(lambda p: p["type"] == "subscribed" and
                              p["from"].bare == srv.jid(other))
    await bob.close()
    await alice.next_presence(lambda p: p["type"] == "unavailable" and
                              p["from"].full == srv.jid("bob") + "/b")
    bob_jid = srv.jid("bob") + IRC_RES

    irc = await in_thread(lambda: Irc(srv.reed.port("irc"), "bob",
                                      sasl=("bob", "pw-bob-123")))
    p = await alice.next_presence(lambda p: p["from"].full == bob_jid)
    assert p["type"] == "available" and p["show"] == "", p
    irc.send("AWAY :gone \u2615 <fishing>")
    p = await alice.next_presence(lambda p: p["from"].full == bob_jid)
    assert p["show"] == "away", p
    assert p["status"] == "gone \u2615 <fishing>", p["status"]

    # The server's probe at a second resource's initial presence.
    a2 = await login(srv, "alice", "pw-alice-1", resource="a2")
    p = await a2.next_presence(lambda p: p["from"].full == bob_jid)
    assert p["show"] == "away", p

    irc.send("AWAY")
    p = await alice.next_presence(lambda p: p["from"].full == bob_jid)
    assert p["show"] == "" and p["type"] == "available", p
    irc.send("QUIT :bye")
    for c in (alice, a2):
        await c.next_presence(lambda p: p["from"].full == bob_jid and
                              p["type"] == "unavailable")
    irc.close()
    await a2.close()
    await alice.close()


def server():
    srv = CrossServer("reed")
    srv.start()
    srv.add_user("alice", "pw-alice-1")
    srv.add_user("bob", "pw-bob-123")
    return srv


if __name__ == "__main__":
    from xclient import run
    sys.exit(run([test_irc_presence], server))
