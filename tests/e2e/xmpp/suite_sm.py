"""XEP-0198 stream management: a raw client enables resumption, acks what
it read, loses its TCP connection (a reset, no stream close), and resumes
on a new connection with the same bound JID; the server resends exactly
the stanza it had not acked: the message sent while it was away. (The raw
client blocks, so its reads run in a thread beside slixmpp's loop.)"""
import asyncio
import socket
import struct
import sys

from rawxmpp import RawXmpp
from xclient import login, round_trip, run
from xmppserver import XmppServer, server_kind

SM = "urn:xmpp:sm:3"


def server():
    srv = XmppServer(server_kind())
    srv.start()
    srv.add_user("alice", "pw")
    srv.add_user("bob", "pw")
    return srv


class Counted(RawXmpp):
    """Counts the stanzas received, as h (XEP-0198 4)."""
    handled = 0

    def stanza(self):
        el = super().stanza()
        if el.tag.split("}")[1] in ("message", "presence", "iq"):
            self.handled += 1
        return el

    def message(self):
        while True:
            el = self.stanza()
            if el.tag == "{jabber:client}message":
                return el.findtext("{jabber:client}body")


def reset(c):
    """Drops the connection with a TCP reset: no </stream:stream>."""
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                   struct.pack("ii", 1, 0))
    c.sock.close()


async def test_resume(srv):
    bob = Counted(srv.host, srv.port, srv.domain)
    full = bob.login("bob", "pw", "sm")
    bob.send("<enable xmlns='%s' resume='true'/>" % SM)
    enabled = bob.expect("{%s}enabled" % SM)
    assert enabled.get("resume") in ("true", "1"), enabled.attrib
    previd = enabled.get("id")
    bob.handled = 0  # h counts from <enable/> on
    bob.send("<presence/>")
    alice = await login(srv, "alice", "pw")
    alice.send_message(mto=full, mbody="one", mtype="chat")
    assert await asyncio.to_thread(bob.message) == "one"
    bob.send("<a xmlns='%s' h='%d'/>" % (SM, bob.handled))
    # A round trip so the ack is processed before the reset.
    bob.send("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>")
    while bob.stanza().get("id") != "p1":
        pass
    reset(bob)
    alice.send_message(mto=full, mbody="two & <2>", mtype="chat")
    await round_trip(alice)

    again = Counted(srv.host, srv.port, srv.domain)
    again.starttls()
    again.auth_plain("bob", "pw")
    again.send("<resume xmlns='%s' previd='%s' h='%d'/>" %
               (SM, previd, bob.handled))
    resumed = again.expect("{%s}resumed" % SM)
    assert resumed.get("previd") == previd, resumed.attrib
    assert await asyncio.to_thread(again.message) == "two & <2>"
    # Still the same session: a message to the full JID arrives.
    alice.send_message(mto=full, mbody="three", mtype="chat")
    assert await asyncio.to_thread(again.message) == "three"
    again.close()
    await alice.close()


if __name__ == "__main__":
    sys.exit(run([test_resume], server))
