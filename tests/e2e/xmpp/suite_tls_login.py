"""Login with slixmpp: STARTTLS on the c2s port and direct TLS (XEP-0368),
each with SCRAM-SHA-256; a wrong password fails; the bound JIDs are right
(login only: no presence, no roster)."""
import sys

from xclient import login, run
from xmppserver import XmppServer, server_kind


def server():
    srv = XmppServer(server_kind())
    srv.start()
    srv.add_user("alice", "pw-ä")
    return srv


async def test_starttls_scram_sha256(srv):
    c = await login(srv, "alice", "pw-ä", mech="SCRAM-SHA-256",
                    presence=False)
    assert c.mechanism() == "SCRAM-SHA-256", c.mechanism()
    assert c.boundjid.bare == srv.jid("alice"), c.boundjid
    assert c.boundjid.resource
    await c.close()


async def test_direct_tls_scram_sha256(srv):
    c = await login(srv, "alice", "pw-ä", direct_tls=True,
                    mech="SCRAM-SHA-256", resource="phone",
                    presence=False)
    assert c.mechanism() == "SCRAM-SHA-256"
    assert c.boundjid.full == srv.jid("alice") + "/phone", c.boundjid
    await c.close()


async def test_wrong_password(srv):
    try:
        await login(srv, "alice", "nope", mech="SCRAM-SHA-256",
                    presence=False)
    except AssertionError as e:
        assert "auth" in str(e), e
        return
    raise AssertionError("login with a wrong password succeeded")


if __name__ == "__main__":
    sys.exit(run([test_starttls_scram_sha256, test_direct_tls_scram_sha256,
                  test_wrong_password], server))
