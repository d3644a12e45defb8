"""10,000 iq written at once by a client that reads nothing until all are
sent: the server answers them all or ends that stream with
<policy-violation/> or <resource-constraint/> (RFC 6120 4.9.3); then a
fresh login must succeed."""
import sys

from rawxmpp import StreamClosed
from suite_hostile import connect, fresh_login
from xmppserver import started

NIQ = 10000


def pipelined_iq(srv):
    """10,000 pings written at once, unread until all are sent: the server
    answers them all or ends the stream for policy or resources."""
    c = connect(srv, "auth")
    c.send("".join("<iq type='get' id='p%d'><ping xmlns='urn:xmpp:ping'/>"
                   "</iq>" % i for i in range(NIQ)))
    answered = 0
    try:
        while answered < NIQ:
            if c.stanza().tag == "{jabber:client}iq":
                answered += 1
    except StreamClosed as e:
        assert e.condition in ("policy-violation", "resource-constraint"), e
    c.close()


def main():
    with started("alice", "bob") as srv:
        pipelined_iq(srv)
        assert srv.alive(), "the server died"
        fresh_login(srv)
    print("ok pipelined_iq")
    return 0


if __name__ == "__main__":
    sys.exit(main())
