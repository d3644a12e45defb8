"""One-to-one across protocols with the real binary: an XMPP user
(python3-slixmpp), an IRC user and an AMP user (raw sockets) on one reed.
XMPP -> IRC arrives as PRIVMSG from the XMPP user's nick, one line per
line of the body; IRC -> XMPP and AMP -> XMPP arrive as <message type='chat'> from
account@domain (with the origin as resource) with XML-special text intact;
XMPP -> AMP arrives as a Receive event."""
import asyncio
import re
import sys

from rawnet import Amp, Irc
from reedtest import ReedServer
from xclient import login
from xmppserver import XmppServer

TEXT = "caf\u00e9 & <b>\"it's\"</b> ]]>"


class CrossServer(XmppServer):
    """XmppServer's reed with IRC and AMP listeners beside XMPP."""

    def _start_reed(self):
        ini = {"server": {"name": self.domain, "tls_cert": self.cafile,
                          "tls_key": self.keyfile}}
        if self.reed is None:
            self.reed = ReedServer(
                listeners={"xmpp": ["tcp:0:interface=127.0.0.1",
                                    "ssl:0:interface=127.0.0.1"],
                           "irc": ["tcp:0:interface=127.0.0.1"],
                           "amp": ["tcp:0:interface=127.0.0.1"]},
                extra_ini=ini, data_dir=self.dir + "/reed")
        self.reed.start()
        self.proc = self.reed.proc
        self.port = self.reed.port("xmpp", "tcp")
        self.tls_port = self.reed.port("xmpp", "ssl")


async def in_thread(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def test_cross(srv):
    irc = await in_thread(lambda: Irc(srv.reed.port("irc"), "bob",
                                      sasl=("bob", "pw-bob-123")))
    amp = Amp(srv.reed.port("amp"))
    a = await in_thread(lambda: amp.ask("Login", username="carol",
                                        password="pw-carol-1"))
    assert a is not None and "_answer" in a, a
    alice = await login(srv, "alice", "pw-alice-1")

    # XMPP -> IRC: two lines, two PRIVMSGs from alice's nick.
    alice.send_message(mto=srv.jid("bob"), mbody="one\ntwo", mtype="chat")
    got = await in_thread(irc.read_until, b"PRIVMSG bob :two")
    lines = got.decode(errors="replace")
    assert re.search(r":alice!\S+ PRIVMSG bob :one\r\n", lines), lines
    assert re.search(r":alice!\S+ PRIVMSG bob :two\r\n", lines), lines

    # IRC -> XMPP, with XML-special characters and UTF-8.
    irc.send("PRIVMSG alice :" + TEXT)
    m = await alice.next_message()
    assert m["type"] == "chat", m
    assert m["body"] == TEXT, m["body"]
    assert m["from"].bare == srv.jid("bob"), m["from"]
    irc_id = m.xml.find("{urn:xmpp:sid:0}stanza-id")
    assert irc_id is not None, m

    # AMP -> XMPP.
    r = await in_thread(lambda: amp.ask("Tell", user="alice", text=TEXT))
    assert r is not None and "_answer" in r, r
    m = await alice.next_message()
    assert m["body"] == TEXT and m["from"].bare == srv.jid("carol"), m

    # XMPP -> AMP: a Receive event with no room.
    alice.send_message(mto=srv.jid("carol"), mbody=TEXT, mtype="chat")
    ev = await in_thread(lambda: amp.wait_for(
        lambda b: b.get("_command") == "Receive"))
    assert ev is not None and ev.get("text") == TEXT, ev
    assert ev.get("sender") == "alice" and "room" not in ev, ev

    await alice.close()
    irc.close()
    amp.close()


def server():
    srv = CrossServer("reed")
    srv.start()
    srv.add_user("alice", "pw-alice-1")
    srv.add_user("bob", "pw-bob-123")
    srv.add_user("carol", "pw-carol-1")
    return srv


if __name__ == "__main__":
    from xclient import run
    sys.exit(run([test_cross], server))
