"""XEP-0191 blocking with slixmpp: the blocklist, <not-acceptable/> to a
blocked contact, nothing from one, and delivery again after the unblock."""
import sys

from xclient import login, round_trip, run
from xmppserver import started


def server():
    return started("alice", "bob")


async def test_blocking(srv):
    alice = await login(srv, "alice", "pw", plugins=["xep_0191"])
    bob = await login(srv, "bob", "pw")
    await alice["xep_0191"].block([srv.jid("bob")])
    got = await alice["xep_0191"].get_blocked()
    assert srv.jid("bob") in got["blocklist"]["items"], got
    # To a blocked contact: <not-acceptable/> (XEP-0191 3.6).
    alice.send_message(mto=srv.jid("bob"), mbody="x", mtype="chat")
    m = await alice.next_message()
    assert m["type"] == "error", m
    assert m["error"]["condition"] == "not-acceptable", m
    # From a blocked contact: nothing arrives (a <service-unavailable/>
    # to the sender is allowed, 3.5); the message after the unblock is the
    # first alice gets.
    bob.send_message(mto=srv.jid("alice"), mbody="blocked", mtype="chat")
    await round_trip(bob)
    await alice["xep_0191"].unblock([srv.jid("bob")])
    bob.send_message(mto=srv.jid("alice"), mbody="free", mtype="chat")
    assert (await alice.next_message())["body"] == "free"
    await alice.close()
    await bob.close()


if __name__ == "__main__":
    sys.exit(run([test_blocking], server))
