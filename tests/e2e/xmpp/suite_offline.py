"""Offline delivery (RFC 6121 8.5.2.2 and XEP-0160): messages to an
account with no available resource are stored, survive a server restart,
and arrive in order at its next login with a XEP-0203 <delay/>; a message
to an unknown account gets <service-unavailable/>."""
import sys

from xclient import login, round_trip, run
from xmppserver import XmppServer, server_kind

BODIES = ["first \u00e9 & <x>", "second ]]> \U0001F600"]


def server():
    srv = XmppServer(server_kind())
    srv.start()
    srv.add_user("alice", "pw")
    srv.add_user("bob", "pw")
    return srv


async def test_offline_across_restart(srv):
    alice = await login(srv, "alice", "pw")
    for body in BODIES:
        alice.send_message(mto=srv.jid("bob"), mbody=body, mtype="chat")
    # A round trip to the server after the sends: they are processed.
    await round_trip(alice)
    await alice.close()
    srv.restart()
    bob = await login(srv, "bob", "pw")
    for body in BODIES:
        m = await bob.next_message()
        assert m["body"] == body, (m["body"], body)
        assert m["from"].bare == srv.jid("alice"), m["from"]
        assert m["delay"]["stamp"] is not None, m
    await bob.close()


async def test_unknown_user(srv):
    alice = await login(srv, "alice", "pw")
    alice.send_message(mto=srv.jid("nobody"), mbody="hi", mtype="chat")
    m = await alice.next_message()
    assert m["type"] == "error", m
    assert m["error"]["condition"] == "service-unavailable", m
    await alice.close()


if __name__ == "__main__":
    sys.exit(run([test_offline_across_restart, test_unknown_user], server))
