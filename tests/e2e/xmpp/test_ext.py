"""XMPP service extensions with a real client (python3-slixmpp) against the
real binary: disco#info of the server and of the account, ping, version, vCard set and read by another account,
blocking (list, block, unblock), PEP publish with publish-options that a
contact fetches (an OMEMO device list), and MAM answering with <fin/>.
Each request is an iq whose answer the test reads as parsed XML."""
import asyncio
import logging
import ssl
import subprocess
import sys
import xml.etree.ElementTree as ET

from reedtest import ReedServer, reed_bin

logging.disable(logging.CRITICAL)  # slixmpp's own warnings
import slixmpp  # noqa: E402

PW = "correct horse"
LISTENERS = {"xmpp": ["ssl:0:interface=127.0.0.1"]}
DI = "{http://jabber.org/protocol/disco#info}"
PS = "http://jabber.org/protocol/pubsub"
DL = "eu.siacs.conversations.axolotl.devicelist"


def account_add(conf, name, password):
    r = subprocess.run([reed_bin(), "account", "add", "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid):
        super().__init__(jid, PW)
        self.bind_done = asyncio.get_event_loop().create_future()
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        self.ssl_context = ctx
        self.add_event_handler("session_bind", self.on_bind)

    def on_bind(self, jid):
        if not self.bind_done.done():
            self.bind_done.set_result(str(jid))

    async def iq(self, kind, payload, to=None):
        iq = self.Iq()
        iq["type"] = kind
        if to:
            iq["to"] = to
        iq.append(ET.fromstring(payload))
        try:
            got = await iq.send(timeout=20)
        except slixmpp.exceptions.IqError as e:
            got = e.iq
        return got.xml


async def connect(port, jid):
    c = Client(jid)
    c.connect(("127.0.0.1", port), use_ssl=True, force_starttls=False)
    await asyncio.wait_for(c.bind_done, 30)
    return c


async def scenario(port):
    a = await connect(port, "alice@localhost/pc")
    b = await connect(port, "bob@localhost/pc")
    info = await a.iq("get", "<query xmlns='http://jabber.org/protocol/"
                      "disco#info'/>", to="localhost")
    q = info.find(DI + "query")
    ident = q.find(DI + "identity")
    assert (ident.get("category"), ident.get("type")) == ("server", "im")
    feats = {f.get("var") for f in q.findall(DI + "feature")}
    for v in ("urn:xmpp:ping", "jabber:iq:version", "urn:xmpp:blocking",
              "vcard-temp", "jabber:iq:private"):
        assert v in feats, (v, feats)
    acct = await a.iq("get", "<query xmlns='http://jabber.org/protocol/"
                      "disco#info'/>", to="alice@localhost")
    feats = {f.get("var") for f in acct.iter(DI + "feature")}
    assert "urn:xmpp:mam:2" in feats and PS + "#publish-options" in feats
    pong = await a.iq("get", "<ping xmlns='urn:xmpp:ping'/>", to="localhost")
    assert pong.get("type") == "result"
    ver = await a.iq("get", "<query xmlns='jabber:iq:version'/>",
                     to="localhost")
    assert ver.find("{jabber:iq:version}query/{jabber:iq:version}name"
                    ).text == "reed"
    # vCard: alice sets hers, bob reads it.
    r = await a.iq("set", "<vCard xmlns='vcard-temp'><FN>Alice &amp; co"
                   "</FN></vCard>")
    assert r.get("type") == "result"
    r = await b.iq("get", "<vCard xmlns='vcard-temp'/>", to="alice@localhost")
    assert r.find("{vcard-temp}vCard/{vcard-temp}FN").text == "Alice & co"
    # Blocking.
    r = await a.iq("set", "<block xmlns='urn:xmpp:blocking'><item "
                   "jid='spam@example.org'/></block>")
    assert r.get("type") == "result"
    r = await a.iq("get", "<blocklist xmlns='urn:xmpp:blocking'/>")
    items = [i.get("jid") for i in r.iter("{urn:xmpp:blocking}item")]
    assert items == ["spam@example.org"], items
    r = await a.iq("set", "<unblock xmlns='urn:xmpp:blocking'/>")
    assert r.get("type") == "result"
    # PEP: an open device list that bob fetches without a subscription.
    r = await a.iq("set", (
        "<pubsub xmlns='%s'><publish node='%s'><item id='current'><list "
        "xmlns='eu.siacs.conversations.axolotl'><device id='42'/></list>"
        "</item></publish><publish-options><x xmlns='jabber:x:data' "
        "type='submit'><field var='FORM_TYPE' type='hidden'><value>%s"
        "#publish-options</value></field><field var='pubsub#access_model'>"
        "<value>open</value></field></x></publish-options></pubsub>")
        % (PS, DL, PS))
    assert r.get("type") == "result", ET.tostring(r)
    r = await b.iq("get", "<pubsub xmlns='%s'><items node='%s'/></pubsub>"
                   % (PS, DL), to="alice@localhost")
    dev = r.find(".//{eu.siacs.conversations.axolotl}device")
    assert dev is not None and dev.get("id") == "42", ET.tostring(r)
    # MAM: nothing archived yet, a complete empty answer.
    r = await a.iq("set", "<query xmlns='urn:xmpp:mam:2' queryid='q'/>")
    fin = r.find("{urn:xmpp:mam:2}fin")
    assert fin is not None and fin.get("complete") == "true", ET.tostring(r)
    for c in (a, b):
        c.disconnect(wait=False)
    await asyncio.sleep(0.2)


def main():
    srv = ReedServer(listeners=LISTENERS)
    conf = srv.write_config()
    account_add(conf, "alice", PW)
    account_add(conf, "bob", PW)
    with srv:
        loop = asyncio.get_event_loop()
        loop.run_until_complete(asyncio.wait_for(
            scenario(srv.port("xmpp", "ssl")), 120))
        assert srv.stop() == 0
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
