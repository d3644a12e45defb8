"""XEP-0077 in-band registration (by a raw client, after STARTTLS and
before authentication): the form, a new account, a conflict for a taken
name; then a login as the new account, a password change through
jabber:iq:register, and logins with the new and the old password."""
import sys
import xml.etree.ElementTree as ET

from rawxmpp import RawXmpp
from xclient import login, run
from xmppserver import XmppServer, server_kind

REG = "jabber:iq:register"


def server():
    return XmppServer(server_kind()).start()


def iq(c, typ, inner, ident):
    c.send("<iq type='%s' id='%s'><query xmlns='%s'>%s</query></iq>" %
           (typ, ident, REG, inner))
    el = c.expect("{jabber:client}iq")
    assert el.get("id") == ident, ET.tostring(el)
    return el


def register(srv, user, password):
    c = RawXmpp(srv.host, srv.port, srv.domain)
    c.starttls()
    assert c.features.find("{http://jabber.org/features/iq-register}"
                           "register") is not None, ET.tostring(c.features)
    form = iq(c, "get", "", "r1")
    q = form.find("{%s}query" % REG)
    assert q.find("{%s}username" % REG) is not None, ET.tostring(form)
    assert q.find("{%s}password" % REG) is not None, ET.tostring(form)
    el = iq(c, "set", "<username>%s</username><password>%s</password>" %
            (user, password), "r2")
    c.close()
    return el


async def test_inband_registration(srv):
    el = register(srv, "carol", "s3cret")
    assert el.get("type") == "result", ET.tostring(el)
    el = register(srv, "carol", "other")
    assert el.get("type") == "error", ET.tostring(el)
    assert el.find(".//{urn:ietf:params:xml:ns:xmpp-stanzas}conflict") \
        is not None, ET.tostring(el)
    c = await login(srv, "carol", "s3cret", plugins=["xep_0077"])
    await c["xep_0077"].change_password("n3w")
    await c.close()
    c = await login(srv, "carol", "n3w")
    await c.close()
    try:
        await login(srv, "carol", "s3cret")
    except AssertionError as e:
        assert "auth" in str(e), e
    else:
        raise AssertionError("the old password still works")


if __name__ == "__main__":
    sys.exit(run([test_inband_registration], server))
