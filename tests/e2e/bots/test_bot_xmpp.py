"""The example bot (bots/examples, linked with libreed-bot) as an XMPP
client, the same bot source as on IRC and in-process: against Prosody
(the reference, with a MUC component) and against reed.

    test_bot_xmpp.py prosody|reed

It logs in with a JID and password over STARTTLS, checking the server's
self-signed certificate against the test CA. In a room: a slixmpp user's "!ping" before the bot came is
history and gets no answer; after it joined, "!ping", "!echo" and "!time"
are answered in the room, the bot's own reflected messages are not taken
as commands, its nick shows as an occupant. One to one: "!ping" gets
"pong". The bot flag: disco#info of the bot says client/bot, its presence
carries XEP-0115 caps. The server restarts on the same ports: the bot
reconnects and rejoins by itself. SIGTERM: it leaves with its reason. A
wrong password ends the bot; an unknown CA is refused and retried;
certificate checks off, it logs in over direct TLS."""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "xmpp"))

import slixmpp  # noqa: E402
from xclient import WAIT, login  # noqa: E402
from xmppserver import XmppServer, server_kind  # noqa: E402

BOT = os.environ["REED_EXAMPLE_BOT"]
MUC = "conference.localhost"
ROOM = "e2e@" + MUC
NS_DISCO = "http://jabber.org/protocol/disco#info"


class MucXmppServer(XmppServer):
    """Prosody with a MUC component on conference.localhost (instant
    rooms, as XEP-0045 section 10.1.2 describes, usable at once)."""

    def _prosody_config(self):
        path = super()._prosody_config()
        with open(path, "a") as f:
            f.write('\nComponent "%s" "muc"\n  muc_room_locking = false\n'
                    '  restrict_room_creation = false\n' % MUC)
        return path


def start_bot(srv, log, room="#e2e", password="botpw", ca=True,
              insecure=False, direct=False):
    env = dict(os.environ, REED_BOT_XMPP_PASS=password)
    for k in ("REED_BOT_TLS_CA", "REED_BOT_TLS_INSECURE", "REED_BOT_TLS"):
        env.pop(k, None)
    if ca:
        env["REED_BOT_TLS_CA"] = srv.cafile
    if insecure:
        env["REED_BOT_TLS_INSECURE"] = "1"
    if direct:
        env["REED_BOT_TLS"] = "1"
    port = srv.tls_port if direct else srv.port
    proc = subprocess.Popen([BOT, "--xmpp", "timebot@" + srv.domain,
                             srv.host, str(port), room],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)

    def drain():
        for line in proc.stderr:
            log.append(line)
    threading.Thread(target=drain, daemon=True).start()
    return proc


async def next_body(c, pred):
    """The next message whose (from, body) satisfies pred."""
    async def scan():
        while True:
            m = await c.inbox.get()
            if m["type"] != "error" and m["body"] and pred(m):
                return m
    return await asyncio.wait_for(scan(), WAIT * 2)


def from_bot_in_room(m):
    return m["type"] == "groupchat" and m["from"].full == ROOM + "/timebot"


async def wait_log(log, text, count=1):
    for _ in range(int(WAIT * 40)):
        if sum(text in line for line in log) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("bot never logged %r: %r" % (text, log))


async def joined(alice, nick):
    return await alice.next_presence(
        lambda p: p["from"].full == ROOM + "/" + nick and
        p["type"] != "unavailable", timeout=WAIT * 2)


async def muc_user(srv):
    """alice, who sees occupants' presences: slixmpp gives some (the
    bot's, with XEP-0115 caps) only as groupchat_presence."""
    alice = await login(srv, "alice", "pw", plugins=["xep_0045"])
    alice.add_event_handler("groupchat_presence", alice.presences.put_nowait)
    return alice


async def room_part(srv, alice, bot):
    """History, commands in the room, reflection, caps; returns the
    bot's occupant presence."""
    await alice.plugin["xep_0045"].join_muc_wait(ROOM, "alice",
                                                 maxstanzas=0,
                                                 timeout=WAIT)
    alice.send_message(mto=ROOM, mbody="!ping", mtype="groupchat")
    await next_body(alice, lambda m: m["from"].full == ROOM + "/alice")
    bot_proc = bot()
    pres = await joined(alice, "timebot")
    alice.send_message(mto=ROOM, mbody="!echo !ping", mtype="groupchat")
    m = await next_body(alice, from_bot_in_room)
    # Not "pong": the "!ping" said before the bot came was history.
    assert m["body"] == "!ping", m
    alice.send_message(mto=ROOM, mbody="!echo caf\u00e9 & <b>",
                       mtype="groupchat")
    m = await next_body(alice, from_bot_in_room)
    # Not "pong" either: the bot's own "!ping" came back to it.
    assert m["body"] == "caf\u00e9 & <b>", m
    alice.send_message(mto=ROOM, mbody="!time", mtype="groupchat")
    m = await next_body(alice, from_bot_in_room)
    assert m["body"].startswith("alice: it is ") and \
        m["body"].endswith(" UTC"), m
    alice.send_message(mto=ROOM, mbody="!ping", mtype="groupchat")
    m = await next_body(alice, from_bot_in_room)
    assert m["body"] == "pong", m
    caps = pres.xml.find("{http://jabber.org/protocol/caps}c")
    if srv.kind == "prosody":
        # Prosody passes the bot's own <c/> on; reed writes occupant
        # presences from its model and gives caps to persons it knows as
        # bots (in-process bots, IRC +B: test_bot_plugin_xmpp.py), which a
        # client logging in over XMPP cannot yet claim to be.
        assert caps is not None and caps.get("node") == "urn:reed:bot", \
            ET.tostring(pres.xml)
    return bot_proc


async def one_to_one(srv, alice):
    """!ping privately; returns the bot's full JID."""
    alice.send_message(mto="timebot@" + srv.domain, mbody="!ping",
                       mtype="chat")
    m = await next_body(alice, lambda m: m["from"].bare ==
                        "timebot@" + srv.domain)
    assert m["body"] == "pong" and m["type"] == "chat", m
    return m["from"].full


async def bot_flag(alice, full):
    iq = alice.Iq(stype="get", sto=full)
    iq.append(ET.Element("{%s}query" % NS_DISCO))
    res = await iq.send(timeout=WAIT)
    ids = res.xml.findall("{%s}query/{%s}identity" % (NS_DISCO, NS_DISCO))
    assert any(i.get("category") == "client" and i.get("type") == "bot"
               for i in ids), ET.tostring(res.xml)


async def ended(proc):
    return await asyncio.get_running_loop().run_in_executor(
        None, proc.wait, WAIT)


async def logins(srv, procs):
    """A wrong password is final (the bot ends by itself); a certificate
    the system's CAs do not vouch for is refused and retried; with checks
    off (tests only) the bot connects, here over direct TLS."""
    log = []
    procs.append(start_bot(srv, log, password="wrong"))
    assert await ended(procs[-1]) == 0
    text = "".join(log)
    assert "disconnected (login refused" in text and "retry in 0 ms" in text, \
        text
    log = []
    procs.append(start_bot(srv, log, ca=False))
    await wait_log(log, "disconnected (")
    assert "connected as" not in "".join(log) and \
        "retry in 0 ms" not in "".join(log), log
    procs[-1].kill()
    log = []
    procs.append(start_bot(srv, log, ca=False, insecure=True, direct=True))
    await wait_log(log, "connected as timebot")
    procs[-1].send_signal(signal.SIGTERM)
    assert await ended(procs[-1]) == 0


async def scenario(srv, log):
    kind = srv.kind
    procs = []

    def bot():
        procs.append(start_bot(srv, log))
        return procs[-1]
    try:
        alice = await muc_user(srv)
        await room_part(srv, alice, bot)
        full = await one_to_one(srv, alice)
        if kind == "prosody":
            # reed answers an iq to another account's resource itself
            # (service-unavailable): it routes no iq between accounts.
            await bot_flag(alice, full)
        await alice.close()

        # The server goes away and comes back on the same ports: the bot
        # reconnects (1 s, then 2 s, ...) and rejoins its room.
        if kind == "reed":
            srv.reed.listeners = {"xmpp": [
                "tcp:%d:interface=127.0.0.1" % srv.port,
                "ssl:%d:interface=127.0.0.1" % srv.tls_port]}
        srv.restart()
        alice = await muc_user(srv)
        await alice.plugin["xep_0045"].join_muc_wait(
            ROOM, "alice", maxstanzas=0, timeout=WAIT)
        await joined(alice, "timebot")
        alice.send_message(mto=ROOM, mbody="!echo back", mtype="groupchat")
        m = await next_body(alice, from_bot_in_room)
        assert m["body"] == "back", m
        # Not before: a message to an account that is away waits for it
        # with <delay/>, which the bot takes as said while it was away.
        await wait_log(log, "connected as timebot", 2)
        await one_to_one(srv, alice)

        procs[0].send_signal(signal.SIGTERM)
        p = await alice.next_presence(
            lambda p: p["from"].full == ROOM + "/timebot" and
            p["type"] == "unavailable", timeout=WAIT * 2)
        assert p["status"] == "shutting down", p
        await asyncio.get_running_loop().run_in_executor(
            None, procs[0].wait, 10)
        assert procs[0].returncode == 0, procs[0].returncode
        await alice.close()
        await logins(srv, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def main():
    kind = server_kind()
    log = []
    srv = MucXmppServer(kind)
    srv.start()
    try:
        srv.add_user("alice", "pw")
        srv.add_user("timebot", "botpw")
        asyncio.run(asyncio.wait_for(scenario(srv, log), 180))
    except BaseException:
        print("".join(log), file=sys.stderr)
        raise
    finally:
        srv.__exit__(None, None, None)
    print("".join(log), file=sys.stderr)
    print("ok", kind)


if __name__ == "__main__":
    main()
