"""XEP-0077 with a real client (python3-slixmpp's xep_0077): a new account
is registered in-band over STARTTLS and the client then logs in with it;
registering the same name again gets <conflict/>; after login the password
is changed in-band, the old one then fails and the new one works."""
import asyncio
import logging
import ssl
import sys

from reedtest import ReedServer

logging.disable(logging.CRITICAL)  # slixmpp's own warnings
import slixmpp  # noqa: E402
from slixmpp.exceptions import IqError  # noqa: E402

LISTENERS = {"xmpp": ["tcp:0:interface=127.0.0.1"]}


class Client(slixmpp.ClientXMPP):
    """Logs in (registering first when `register`); with `new_password`,
    changes the password once bound. The outcome: ("bound", jid),
    ("registration failed", condition), ("failed", None) or
    ("disconnected", None)."""

    def __init__(self, jid, password, register=False, new_password=None):
        super().__init__(jid, password)
        self.new_password = new_password
        self.outcome = asyncio.get_event_loop().create_future()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.ssl_context = ctx
        self.register_plugin("xep_0077")
        self["xep_0077"].create_account = register
        if register:
            self.add_event_handler("register", self.on_register)
            # This slixmpp holds every iq back until the session starts,
            # the registration's too: let them through.
            self._always_send_everything = True
        self.add_event_handler("session_bind", self.on_bind)
        self.add_event_handler("failed_all_auth", self.on_failed)
        self.add_event_handler("disconnected", self.on_gone)

    def settle(self, value):
        if not self.outcome.done():
            self.outcome.set_result(value)

    async def on_register(self, form):
        iq = self.Iq()
        iq["type"] = "set"
        iq["register"]["username"] = self.boundjid.user
        iq["register"]["password"] = self.password
        try:
            await iq.send()
        except IqError as e:
            self.settle(("registration failed", e.condition))
            self.disconnect()

    async def on_bind(self, jid):
        if self.new_password is not None:
            try:
                await self["xep_0077"].change_password(self.new_password)
            except IqError as e:
                self.settle(("change failed", e.condition))
                return
        self.settle(("bound", str(jid)))

    def on_failed(self, *args):
        self.settle(("failed", None))

    def on_gone(self, *args):
        self.settle(("disconnected", None))


async def run(port, jid, password, **kw):
    c = Client(jid, password, **kw)
    c.connect(("127.0.0.1", port), force_starttls=True)
    try:
        return await asyncio.wait_for(c.outcome, 30)
    finally:
        c.disconnect(wait=False)
        await asyncio.sleep(0.2)


def main():
    srv = ReedServer(listeners=LISTENERS)
    srv.write_config()
    with srv:
        port = srv.port("xmpp", "tcp")
        loop = asyncio.get_event_loop()
        got = loop.run_until_complete(
            run(port, "bill@localhost/a", "Calliope1", register=True))
        assert got == ("bound", "bill@localhost/a"), got
        got = loop.run_until_complete(
            run(port, "bill@localhost/b", "other-pw1", register=True))
        assert got == ("registration failed", "conflict"), got
        got = loop.run_until_complete(
            run(port, "bill@localhost/c", "Calliope1",
                new_password="Thalia-22"))
        assert got == ("bound", "bill@localhost/c"), got
        got = loop.run_until_complete(
            run(port, "bill@localhost/d", "Calliope1"))
        assert got[0] in ("failed", "disconnected"), got
        got = loop.run_until_complete(
            run(port, "bill@localhost/e", "Thalia-22"))
        assert got == ("bound", "bill@localhost/e"), got
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
