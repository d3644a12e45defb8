"""XMPP login smoke test with a real client (python3-slixmpp): an account
made with `reed account add` logs in over STARTTLS on the tcp listener and
over direct TLS (XEP-0368) on the ssl listener, and each time gets its bound
full JID (account@domain/resource, the resource it asked for). A wrong
password fails. The server's certificate is the self-signed one reed makes,
so the client does not verify it."""
import asyncio
import logging
import os
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
    def __init__(self, jid, password):
        super().__init__(jid, password)
        self.outcome = asyncio.get_event_loop().create_future()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.ssl_context = ctx
        self.add_event_handler("session_bind", self.on_bind)
        # Not "failed_auth": that fires for each mechanism tried, and this
        # slixmpp tries SCRAM -PLUS with tls-unique first (refused: undefined
        # for TLS 1.3), then falls back.
        self.add_event_handler("failed_all_auth", self.on_failed)
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


async def login(port, jid, password, direct_tls):
    c = Client(jid, password)
    c.connect(("127.0.0.1", port), use_ssl=direct_tls,
              force_starttls=not direct_tls)
    try:
        return await asyncio.wait_for(c.outcome, 30)
    finally:
        c.disconnect(wait=False)
        await asyncio.sleep(0.2)


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
        got = loop.run_until_complete(
            login(srv.port("xmpp", "ssl"), "Alice@localhost/phone", PW, True))
        # The account's own spelling, whatever the client typed.
        assert got == ("bound", "alice@localhost/phone"), got
        got = loop.run_until_complete(
            login(srv.port("xmpp", "tcp"), "alice@localhost/x", "wrong",
                  False))
        assert got[0] in ("failed", "disconnected"), got
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
