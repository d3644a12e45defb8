"""SCRAM-SHA-256-PLUS with channel binding, by a raw client (slixmpp 1.8.3
binds only with tls-unique, which TLS 1.3 does not define). reed must offer
tls-server-end-point (XEP-0440 list) over TLS 1.3; Prosody 0.12 binds only
tls-unique, so against it the test runs over TLS 1.2."""
import sys

from rawxmpp import RawXmpp
from xmppserver import XmppServer, server_kind


def plus_login(srv, direct_tls):
    kind = srv.kind
    c = RawXmpp(srv.host, srv.tls_port if direct_tls else srv.port,
                srv.domain, direct_tls=direct_tls, tls12=(kind == "prosody"))
    if not direct_tls:
        c.starttls()
    assert "SCRAM-SHA-256-PLUS" in c.mechanisms(), c.mechanisms()
    types = c.cb_types()
    cb = "tls-server-end-point" if kind == "reed" else "tls-unique"
    if kind == "reed":
        assert cb in types, types
    c.auth_scram("alice", "pw", cb=cb)
    jid = c.bind("plus")
    assert jid == srv.jid("alice") + "/plus", jid
    c.close()


def main():
    with XmppServer(server_kind()) as srv:
        srv.add_user("alice", "pw")
        plus_login(srv, direct_tls=False)
        print("ok scram_sha256_plus_starttls")
        plus_login(srv, direct_tls=True)
        print("ok scram_sha256_plus_direct_tls")
        # The same proof with a wrong binding must fail.
        c = RawXmpp(srv.host, srv.tls_port, srv.domain, direct_tls=True,
                    tls12=(srv.kind == "prosody"))
        c.channel_binding = lambda cb: b"\0" * 32
        try:
            c.auth_scram("alice", "pw", cb="tls-server-end-point"
                         if srv.kind == "reed" else "tls-unique")
        except AssertionError as e:
            assert "SASL failed" in str(e), e
            print("ok scram_plus_wrong_binding_refused")
        else:
            raise AssertionError("a wrong channel binding was accepted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
