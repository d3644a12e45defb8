"""The registration throttle ([server] registration_per_ip and
registration_burst) seen from XMPP: with a burst of two, two in-band
registrations from 127.0.0.1 go through and the third gets
<policy-violation/> (type wait, as Prosody's mod_register_limits answers);
logging in to an account made before still works."""
import asyncio
import sys

from reedtest import ReedServer
import test_register
from test_register import LISTENERS, run
from slixmpp.exceptions import IqError

INI = {"server": {"registration_per_ip": "1", "registration_burst": "2"}}
STANZAS = "{urn:ietf:params:xml:ns:xmpp-stanzas}"


class Client(test_register.Client):
    """Reports the error's type, condition and text from the XML itself
    (this slixmpp does not know RFC 6120's policy-violation)."""

    async def on_register(self, form):
        iq = self.Iq()
        iq["type"] = "set"
        iq["register"]["username"] = self.boundjid.user
        iq["register"]["password"] = self.password
        try:
            await iq.send()
        except IqError as e:
            err = e.iq.xml.find("{jabber:client}error")
            conds = [c.tag[len(STANZAS):] for c in err
                     if c.tag.startswith(STANZAS) and not
                     c.tag.endswith("}text")]
            text = err.find(STANZAS + "text")
            self.settle(("registration failed", err.get("type"), conds,
                         text.text if text is not None else None))
            self.disconnect()


test_register.Client = Client  # run() makes this kind


def main():
    srv = ReedServer(listeners=LISTENERS, extra_ini=INI)
    with srv:
        port = srv.port("xmpp", "tcp")
        loop = asyncio.get_event_loop()
        for name in ("ann", "ben"):
            got = loop.run_until_complete(
                run(port, name + "@localhost/a", "Calliope1", register=True))
            assert got == ("bound", name + "@localhost/a"), got
        got = loop.run_until_complete(
            run(port, "cid@localhost/a", "Calliope1", register=True))
        assert got == ("registration failed", "wait", ["policy-violation"],
                       "too many registrations recently, try again later"), \
            got
        assert any("registrations refused: too many from 127.0.0.1" in line
                   for line in srv.log_lines), srv.log_lines
        got = loop.run_until_complete(
            run(port, "ann@localhost/b", "Calliope1"))
        assert got == ("bound", "ann@localhost/b"), got
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
