"""XEP-0386 Bind2's inline features against the binary, with the raw
client (slixmpp has no SASL2): alice's "phone" logs in with SASL2 PLAIN and
a <bind/> that enables carbons, resumable stream management and CSI's
<inactive/> inline; the success's <bound/> carries SM's <enabled/>. Her
"desk" (a plain login) writes to bob, who is online: the phone gets the <sent/> carbon
(carbons are on, and a message with a body passes CSI), and its stream
management counts from the success on (<r/> answered with h=0, then our
own <r/> is answered after the carbon counted)."""
import base64
import sys

from rawxmpp import RawXmpp, STREAM_NS
from xmppserver import XmppServer

SASL2 = "urn:xmpp:sasl:2"
BIND2 = "urn:xmpp:bind:0"
SM = "urn:xmpp:sm:3"
CARBONS = "urn:xmpp:carbons:2"
CSI = "urn:xmpp:csi:0"


def phone_login(srv):
    c = RawXmpp(srv.host, srv.port, srv.domain)
    feats = c.starttls()
    inline = feats.find("{%s}authentication/{%s}inline/{%s}bind/{%s}inline" %
                        (SASL2, SASL2, BIND2, BIND2))
    assert inline is not None, feats
    offered = {f.get("var") for f in inline}
    assert {CARBONS, SM, CSI} <= offered, offered
    ir = base64.b64encode(b"\0alice\0pw").decode()
    c.send("<authenticate xmlns='%s' mechanism='PLAIN'><initial-response>%s"
           "</initial-response><user-agent id='b2a1e5c0-e2e'/>"
           "<bind xmlns='%s'><tag>phone</tag><enable xmlns='%s'/>"
           "<enable xmlns='%s' resume='true'/><inactive xmlns='%s'/></bind>"
           "</authenticate>" % (SASL2, ir, BIND2, CARBONS, SM, CSI))
    ok = c.expect("{%s}success" % SASL2)
    jid = ok.findtext("{%s}authorization-identifier" % SASL2)
    assert jid.startswith("alice@%s/phone." % srv.domain), jid
    enabled = ok.find("{%s}bound/{%s}enabled" % (BIND2, SM))
    assert enabled is not None, ok
    assert enabled.get("resume") == "true" and enabled.get("id"), \
        enabled.attrib
    c.expect("{%s}features" % STREAM_NS)  # no restart
    return c


def main():
    srv = XmppServer("reed")
    srv.start()
    try:
        srv.add_user("alice", "pw")
        srv.add_user("bob", "pw")
        phone = phone_login(srv)
        phone.send("<r xmlns='%s'/>" % SM)
        a = phone.expect("{%s}a" % SM)
        assert a.get("h") == "0", a.attrib
        bob = RawXmpp(srv.host, srv.port, srv.domain)
        bob.login("bob", "pw", "b")
        desk = RawXmpp(srv.host, srv.port, srv.domain)
        desk.login("alice", "pw", "desk")
        desk.send("<message to='bob@%s' type='chat' id='m1'><body>hi</body>"
                  "</message>" % srv.domain)
        while True:
            el = phone.stanza()
            if el.tag == "{jabber:client}message":
                break
        sent = el.find("{%s}sent" % CARBONS)
        assert sent is not None, el
        body = sent.findtext(".//{jabber:client}body")
        assert body == "hi", body
        phone.send("<a xmlns='%s' h='1'/>" % SM)  # the carbon: all we got
        phone.send("<r xmlns='%s'/>" % SM)
        while True:
            el = phone.stanza()
            if el.tag == "{%s}a" % SM:
                break
        assert el.get("h") == "0", el.attrib
        phone.close()
        desk.close()
        bob.close()
    finally:
        srv.stop()
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
