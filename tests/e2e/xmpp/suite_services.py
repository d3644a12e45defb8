"""The services a modern client asks for, with slixmpp: XEP-0030 disco#info
of the server and of the account, XEP-0199 ping, XEP-0092 version,
XEP-0313 MAM over a one-to-one conversation, XEP-0191 blocking."""
import sys

from xclient import login, round_trip, run
from xmppserver import XmppServer, server_kind

SERVER_FEATURES = ["http://jabber.org/protocol/disco#info", "urn:xmpp:ping",
                   "jabber:iq:version", "urn:xmpp:carbons:2",
                   "urn:xmpp:blocking"]
STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def server():
    srv = XmppServer(server_kind())
    srv.start()
    srv.add_user("alice", "pw")
    srv.add_user("bob", "pw")
    return srv


async def test_disco_ping_version(srv):
    c = await login(srv, "alice", "pw", plugins=["xep_0199", "xep_0092"])
    info = (await c["xep_0030"].get_info(jid=srv.domain))["disco_info"]
    assert ("server", "im") in [(i[0], i[1]) for i in info["identities"]], \
        info["identities"]
    for f in SERVER_FEATURES:
        assert f in info["features"], (f, info["features"])
    own = (await c["xep_0030"].get_info(jid=srv.jid("alice")))["disco_info"]
    assert "urn:xmpp:mam:2" in own["features"], own["features"]
    assert ("pubsub", "pep") in [(i[0], i[1]) for i in own["identities"]]
    await c["xep_0199"].ping(jid=srv.domain, timeout=10)
    v = (await c["xep_0092"].get_version(srv.domain))["software_version"]
    assert v["name"], v
    await c.close()


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
    sys.exit(run([test_disco_ping_version, test_mam, test_blocking],
                 server))
