"""XEP-0030 disco#info of the server (identity server/im and the features
clients look for) and of the account (MAM, PEP), XEP-0199 ping and
XEP-0092 version, with slixmpp."""
import sys

from xclient import login, run
from xmppserver import started

SERVER_FEATURES = ["http://jabber.org/protocol/disco#info", "urn:xmpp:ping",
                   "jabber:iq:version", "urn:xmpp:carbons:2",
                   "urn:xmpp:blocking"]


def server():
    return started("alice", "bob")


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


if __name__ == "__main__":
    sys.exit(run([test_disco_ping_version], server))
