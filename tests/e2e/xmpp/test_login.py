"""XMPP login smoke test with a real client (python3-slixmpp): an account
made with `reed account add` logs in over STARTTLS on the tcp listener (with
the client's choice of mechanism, then PLAIN, SCRAM-SHA-1 and SCRAM-SHA-256
each) and over direct TLS (XEP-0368) on the ssl listener, and each time gets its bound
full JID (account@domain/resource, the resource it asked for). A wrong
password fails. On SIGTERM a connected stream gets
<system-shutdown/> and </stream:stream>. The server's certificate is the
self-signed one reed makes, so the clients do not verify it."""
import asyncio
import logging
import socket
import ssl
import subprocess
import sys

from reedtest import ReedServer, reed_bin

logging.disable(logging.CRITICAL)  # slixmpp's own warnings
import slixmpp  # noqa: E402

PW = "correct horse"
LISTENERS = {"xmpp": ["tcp:0:interface=127.0.0.1",
                      "ssl:0:interface=127.0.0.1"]}


def account_add(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, mech=None):
        super().__init__(jid, password, sasl_mech=mech)
        self.outcome = asyncio.get_event_loop().create_future()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.ssl_context = ctx
        self.add_event_handler("session_bind", self.on_bind)
        self.add_event_handler("failed_auth", self.on_failed)
        self.add_event_handler("disconnected", self.on_gone)

    def settle(self, value):
        if not self.outcome.done():
            self.outcome.set_result(value)

    def on_bind(self, jid):
        self.settle(("bound", str(jid)))

    def on_failed(self, *args):
        self.settle(("failed", None))

    def on_gone(self, *args):
        self.settle(("disconnected", None))


async def login(port, jid, password, direct_tls, mech=None):
    c = Client(jid, password, mech)
    c.connect(("127.0.0.1", port), use_ssl=direct_tls,
              force_starttls=not direct_tls)
    try:
        return await asyncio.wait_for(c.outcome, 30)
    finally:
        c.disconnect(wait=False)
        await asyncio.sleep(0.2)


def raw_tls(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), 10))
    s.settimeout(10)
    s.sendall(b"<?xml version='1.0'?><stream:stream to='localhost' "
              b"version='1.0' xmlns='jabber:client' "
              b"xmlns:stream='http://etherx.jabber.org/streams'>")
    got = b""
    while b"</stream:features>" not in got:
        chunk = s.recv(4096)
        assert chunk, got
        got += chunk
    return s


def read_to_eof(s):
    got = b""
    while True:
        try:
            chunk = s.recv(4096)
        except (ssl.SSLError, OSError):
            break
        if not chunk:
            break
        got += chunk
    return got


def main():
    srv = ReedServer(listeners=LISTENERS)
    conf = srv.write_config()
    account_add(conf, "alice", PW)
    with srv:
        loop = asyncio.get_event_loop()
        got = loop.run_until_complete(
            login(srv.port("xmpp", "tcp"), "alice@localhost/laptop", PW,
                  False))
        assert got == ("bound", "alice@localhost/laptop"), got
        for mech in ("PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"):
            got = loop.run_until_complete(
                login(srv.port("xmpp", "tcp"), "alice@localhost/" + mech, PW,
                      False, mech))
            assert got == ("bound", "alice@localhost/" + mech), (mech, got)
        got = loop.run_until_complete(
            login(srv.port("xmpp", "ssl"), "Alice@localhost/phone", PW, True))
        # The account's own spelling, whatever the client typed.
        assert got == ("bound", "alice@localhost/phone"), got
        got = loop.run_until_complete(
            login(srv.port("xmpp", "tcp"), "alice@localhost/x", "wrong",
                  False))
        assert got[0] in ("failed", "disconnected"), got
        s = raw_tls(srv.port("xmpp", "ssl"))
        assert srv.stop() == 0
        tail = read_to_eof(s)
        assert tail == (b"<stream:error><system-shutdown "
                        b"xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                        b"<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>"
                        b"Server shutting down</text></stream:error>"
                        b"</stream:stream>"), tail
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
