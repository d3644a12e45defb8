"""Administration seen from XMPP, against the built binary: an operator
account (`reed account oper add`) logs in over XMPP and finds the XEP-0050
commands on the server's JID; a user who is not an operator finds none
and is refused; the operator's XEP-0133 announcement reaches another user
as a headline; a `reed ban add` from the command line ends a connected
user's stream with the reason, its next login is refused at bind, a
banned address is refused at connection; the operator lifts the ban with
reed's own command and ends a user's session; each action is an audit
line in the log. Raw sockets (rawxmpp.py), every read bounded."""
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

from rawxmpp import RawXmpp, StreamClosed
from reedtest import reed_bin
from xmppserver import XmppServer

CMD = "http://jabber.org/protocol/commands"
ITEMS = "http://jabber.org/protocol/disco#items"
DATA = "jabber:x:data"
ADMIN = "http://jabber.org/protocol/admin"
STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas"


def cli(srv, *args):
    conf = srv.reed.dir + "/reed.ini"
    r = subprocess.run([reed_bin()] + list(args[:2]) + ["--config", conf] +
                       list(args[2:]), input="", capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r
    return r.stdout


def client(srv, user, resource="pc"):
    c = RawXmpp(srv.host, srv.port, srv.domain)
    c.login(user, "pw", resource)
    return c


def iq(c, body, want_type="result"):
    c.send(body)
    while True:
        el = c.stanza()
        if el.tag == "{jabber:client}iq":
            assert el.get("type") == want_type, ET.tostring(el)
            return el


def stream_end(c):
    """The (condition, text) the server ended the stream with."""
    for _ in range(1000):
        try:
            c.stanza()
        except StreamClosed as e:
            return e.condition, e.text
    raise AssertionError("stream did not end")


def submit(node, sid, fields, form_type=ADMIN):
    xs = "".join("<field var='%s'>%s</field>" % (k, "".join(
        "<value>%s</value>" % v for v in (vals if isinstance(vals, list)
                                          else [vals])))
        for k, vals in fields.items())
    return ("<iq type='set' to='localhost' id='s'><command xmlns='%s' "
            "node='%s' sessionid='%s' action='complete'><x xmlns='%s' "
            "type='submit'><field var='FORM_TYPE'><value>%s</value></field>"
            "%s</x></command></iq>" % (CMD, node, sid, DATA, form_type, xs))


def execute(c, node):
    el = iq(c, "<iq type='set' to='localhost' id='x'><command xmlns='%s' "
               "node='%s' action='execute'/></iq>" % (CMD, node))
    cmd = el.find("{%s}command" % CMD)
    assert cmd.get("status") == "executing", ET.tostring(el)
    assert cmd.find("{%s}x" % DATA).get("type") == "form"
    return cmd.get("sessionid")


def note(el):
    cmd = el.find("{%s}command" % CMD)
    assert cmd.get("status") == "completed", ET.tostring(el)
    n = cmd.find("{%s}note" % CMD)
    return n.get("type"), n.text


def log_has(srv, text, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if any(text in line for line in srv.reed.log_lines):
            return True
        time.sleep(0.05)
    raise AssertionError("no log line with %r" % text)


def main():
    with XmppServer("reed") as srv:
        for u in ("alice", "bob", "carol"):
            srv.add_user(u, "pw")
        cli(srv, "account", "oper", "add", "alice")
        alice = client(srv, "alice")
        log_has(srv, "audit: OPER alice by alice (conn ")
        carol = client(srv, "carol")
        # The commands: four for the operator, none for carol, who is
        # refused when she tries one.
        q = ("<iq type='get' to='localhost' id='i'><query xmlns='%s' "
             "node='%s'/></iq>" % (ITEMS, CMD))
        nodes = [i.get("node") for i in iq(alice, q).iter("{%s}item" % ITEMS)]
        assert nodes == [ADMIN + "#announce", ADMIN + "#end-user-session",
                         "urn:reed:admin#ban-add", "urn:reed:admin#ban-del"]
        assert list(iq(carol, q).iter("{%s}item" % ITEMS)) == []
        el = iq(carol, "<iq type='set' to='localhost' id='f'><command "
                       "xmlns='%s' node='%s#announce'/></iq>" % (CMD, ADMIN),
                want_type="error")
        assert el.find(".//{%s}forbidden" % STANZAS) is not None
        # An announcement: carol gets it as a headline.
        sid = execute(alice, ADMIN + "#announce")
        done = iq(alice, submit(ADMIN + "#announce", sid,
                                {"announcement": ["maintenance at 20:00"]}))
        assert note(done) == ("info", "Announcement sent"), ET.tostring(done)
        msg = carol.expect("{jabber:client}message")
        assert msg.get("type") == "headline", ET.tostring(msg)
        assert msg.findtext("{jabber:client}body") == "maintenance at 20:00"
        log_has(srv, "audit: ANNOUNCE by alice: maintenance at 20:00")
        # A ban from the command line ends bob's stream with the reason.
        bob = client(srv, "bob")
        cli(srv, "ban", "add", "bob", "spam", "from", "bob")
        assert stream_end(bob) == ("policy-violation",
                                   "Killed: Banned: spam from bob")
        bob.close()
        bob = RawXmpp(srv.host, srv.port, srv.domain)
        bob.starttls()
        bob.auth_plain("bob", "pw")
        bob.send("<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:"
                 "ns:xmpp-bind'><resource>pc</resource></bind></iq>")
        assert stream_end(bob) == ("policy-violation",
                                   "Banned: spam from bob")
        bob.close()
        # A banned address is refused before anything else.
        cli(srv, "ban", "add", "127.0.0.3", "bad", "network")
        log_has(srv, "store: ban on 127.0.0.3 set by ")  # applied
        s = socket.create_connection((srv.host, srv.port), timeout=10,
                                     source_address=("127.0.0.3", 0))
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        s.close()
        assert b"<policy-violation" in data and \
            b"Banned: bad network</text>" in data, data
        # The operator lifts bob's ban; bob logs in again.
        sid = execute(alice, "urn:reed:admin#ban-del")
        done = iq(alice, submit("urn:reed:admin#ban-del", sid,
                                {"target": "bob@localhost"},
                                form_type="urn:reed:admin"))
        assert note(done) == ("info", "Ban removed on bob"), ET.tostring(done)
        bob = client(srv, "bob")
        # And ends carol's session.
        sid = execute(alice, ADMIN + "#end-user-session")
        done = iq(alice, submit(ADMIN + "#end-user-session", sid,
                                {"accountjids": ["carol@localhost"]}))
        assert note(done) == ("info", "carol@localhost: ended")
        assert stream_end(carol) == ("policy-violation",
                                     "Killed: Session ended by an operator")
        log_has(srv, "audit: KILL carol by alice: Session ended by an "
                     "operator")
        log_has(srv, "audit: ban del bob by alice on XMPP")
        for c in (alice, bob, carol):
            c.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
