"""slixmpp clients for the XMPP end-to-end tests, in asyncio.

    async def main():
        alice = await login(srv, "alice", "pw", plugins=["xep_0280"])
        msg = await alice.next_message()

Every wait is bounded by WAIT seconds; a failed login raises.
"""
import asyncio
import logging
import xml.etree.ElementTree as ET

import slixmpp

WAIT = 15.0
logging.getLogger("slixmpp").setLevel(logging.CRITICAL)


class Client(slixmpp.ClientXMPP):
    def __init__(self, srv, user, password, resource=None, plugins=(),
                 mech=None):
        jid = srv.jid(user) + ("/" + resource if resource else "")
        kw = {"sasl_mech": mech} if mech else {}
        super().__init__(jid, password, **kw)
        self.srv = srv
        self.ca_certs = srv.cafile
        self.inbox = asyncio.Queue()
        self.presences = asyncio.Queue()
        for p in ("xep_0030", "xep_0203") + tuple(plugins):
            self.register_plugin(p)
        self.add_event_handler("message", self.inbox.put_nowait)
        self.add_event_handler("message_error", self.inbox.put_nowait)
        self.add_event_handler("presence", self.presences.put_nowait)
        if mech is not None and not mech.endswith("-PLUS"):
            self._no_binding()

    def _no_binding(self):
        """This slixmpp sends SCRAM's gs2 flag 'y' ("I could bind, you
        cannot") whenever TLS gives it tls-unique data, even when it was
        told to use a mechanism without -PLUS; a server that offers -PLUS
        must fail that as a downgrade (RFC 5802 section 6), as reed does.
        A client that picks plain SCRAM says 'n': make it do so."""
        fm = self["feature_mechanisms"]
        creds = fm.sasl_callback

        def no_binding(required, optional):
            got = creds(required, optional)
            if "channel_binding" in got:
                got["channel_binding"] = None
            return got
        fm.sasl_callback = no_binding

    async def next_message(self, timeout=WAIT):
        return await asyncio.wait_for(self.inbox.get(), timeout)

    async def next_presence(self, pred, timeout=WAIT):
        """The next presence stanza for which pred(p) is true."""
        async def scan():
            while True:
                p = await self.presences.get()
                if pred(p):
                    return p
        return await asyncio.wait_for(scan(), timeout)

    def mechanism(self):
        return self["feature_mechanisms"].mech.name

    async def close(self):
        if self.transport is None:
            return
        done = asyncio.get_running_loop().create_future()
        self.add_event_handler("disconnected",
                               lambda _: done.done() or done.set_result(1))
        self.disconnect()
        await asyncio.wait_for(done, WAIT)


async def login(srv, user, password, direct_tls=False, resource=None,
                plugins=(), mech=None, presence=True, setup=None):
    """A logged-in, bound client (session_start seen). setup(client) runs
    before connecting (to set plugin options)."""
    c = Client(srv, user, password, resource, plugins, mech)
    if setup:
        setup(c)
    fut = asyncio.get_running_loop().create_future()

    def settle(ok, why):
        if not fut.done():
            fut.set_result(why) if ok else fut.set_exception(
                AssertionError("%s: %s" % (user, why)))
    c.add_event_handler("session_start", lambda _: settle(True, "ok"))
    c.add_event_handler("failed_all_auth", lambda _: settle(False, "auth"))
    c.add_event_handler("connection_failed", lambda e: settle(False, e))
    c.add_event_handler("stream_error", lambda e: settle(False, e))
    port = srv.tls_port if direct_tls else srv.port
    c.connect((srv.host, port), use_ssl=direct_tls,
              force_starttls=not direct_tls)
    try:
        await asyncio.wait_for(fut, WAIT)
    except BaseException:
        c.abort()
        raise
    if presence:
        c.send_presence()
        await c.get_roster()
    return c


async def round_trip(c):
    """An iq to the server and its answer, a result or an error: what c
    sent before it has been processed (whatever the server implements)."""
    iq = c.Iq(stype="get", sto=c.boundjid.domain)
    iq.append(ET.Element("{urn:xmpp:ping}ping"))
    try:
        await iq.send(timeout=WAIT)
    except slixmpp.exceptions.IqError:
        pass


def run(tests, srv_factory):
    """Runs each async test(srv) on a fresh server; prints ok/FAIL and
    returns the exit status."""
    import traceback
    failed = 0
    for t in tests:
        try:
            with srv_factory() as srv:
                asyncio.run(asyncio.wait_for(t(srv), 120))
            print("ok", t.__name__, flush=True)
        except BaseException:
            failed += 1
            print("FAIL", t.__name__, flush=True)
            traceback.print_exc()
    print("%d passed, %d failed" % (len(tests) - failed, failed), flush=True)
    return 1 if failed else 0
