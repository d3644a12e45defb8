"""XEP-0313 MAM with slixmpp: the one-to-one history with a contact, in
order, with distinct archive ids."""
import sys

from xclient import login, run
from xmppserver import started


def server():
    return started("alice", "bob")


async def test_mam(srv):
    alice = await login(srv, "alice", "pw", plugins=["xep_0313"])
    bob = await login(srv, "bob", "pw")
    said = []
    for i in range(3):
        who, to = (alice, bob) if i % 2 == 0 else (bob, alice)
        body = "mam %d & <%d> \u00e9" % (i, i)
        who.send_message(mto=to.boundjid.bare, mbody=body, mtype="chat")
        assert (await to.next_message())["body"] == body
        said.append(body)
    iq = await alice["xep_0313"].retrieve(with_jid=srv.jid("bob"),
                                          timeout=10)
    got = [r["mam_result"]["forwarded"]["stanza"]["body"]
           for r in iq["mam"]["results"]]
    assert got == said, got
    ids = [r["mam_result"]["id"] for r in iq["mam"]["results"]]
    assert all(ids) and len(set(ids)) == 3, ids
    await alice.close()
    await bob.close()


if __name__ == "__main__":
    sys.exit(run([test_mam], server))
