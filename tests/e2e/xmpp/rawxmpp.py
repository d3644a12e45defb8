"""A raw-socket XMPP client for what slixmpp cannot do: hostile input,
SCRAM-*-PLUS with a chosen channel binding, exact stream errors, and the
light client of the idle-memory bench. Synchronous, every read bounded.

    c = RawXmpp(srv.host, srv.port, srv.domain)
    c.starttls(); c.auth_plain("alice", "pw"); c.bind("r")
"""
import base64
import hashlib
import hmac
import os
import socket
import ssl
import xml.etree.ElementTree as ET

STREAM_NS = "http://etherx.jabber.org/streams"
ERR_NS = "urn:ietf:params:xml:ns:xmpp-streams"
SASL_NS = "urn:ietf:params:xml:ns:xmpp-sasl"
TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls"
BIND_NS = "urn:ietf:params:xml:ns:xmpp-bind"
CB_NS = "urn:xmpp:sasl-cb:0"


class StreamClosed(Exception):
    """The server ended the stream; .condition is its stream error or None."""

    def __init__(self, condition, text=""):
        super().__init__("stream closed: %s %s" % (condition, text))
        self.condition = condition
        self.text = text


def header(domain, ns=STREAM_NS):
    return ("<?xml version='1.0'?><stream:stream to='%s' version='1.0' "
            "xmlns='jabber:client' xmlns:stream='%s'>" % (domain, ns)).encode()


def tls_context(tls12=False):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if tls12:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


class RawXmpp:
    def __init__(self, host, port, domain, direct_tls=False, tls12=False,
                 timeout=10.0, open_stream=True):
        self.domain = domain
        self.ctx = tls_context(tls12)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        # Small writes, each awaiting an answer: no Nagle delay.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if direct_tls:
            self.sock = self.ctx.wrap_socket(self.sock, server_hostname=domain)
        self.features = None
        self.reset_parser()
        if open_stream:
            self.open()

    # -- reading ----------------------------------------------------------
    def reset_parser(self):
        """A fresh parser for the server's next stream."""
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.pending = []

    def open(self, head=None):
        """Sends a stream header (or head) and reads the features."""
        self.reset_parser()
        self.send(head or header(self.domain))
        self.features = self.stanza()
        assert self.features.tag == "{%s}features" % STREAM_NS, self.features
        return self.features

    def stanza(self):
        """The next top-level element; raises StreamClosed at the stream's
        end (with its error condition) or when the socket closes."""
        while not self.pending:
            try:
                data = self.sock.recv(65536)
            except (ConnectionError, ssl.SSLError):
                data = b""
            if not data:
                raise StreamClosed(None, "connection closed")
            self.feed(data)
        el = self.pending.pop(0)
        if el.tag == "{%s}error" % STREAM_NS:
            conds = [c.tag.split("}")[1] for c in el
                     if c.tag.startswith("{%s}" % ERR_NS) and
                     not c.tag.endswith("}text")]
            text = el.find("{%s}text" % ERR_NS)
            raise StreamClosed(conds[0] if conds else "?",
                               text.text if text is not None else "")
        if el.tag == "{%s}stream" % STREAM_NS:
            raise StreamClosed(None, "stream end")
        return el

    def feed(self, data):
        try:
            self.parser.feed(data)
            events = list(self.parser.read_events())
        except ET.ParseError as e:
            raise StreamClosed(None, "unparsable answer: %s" % e)
        for ev, el in events:
            if ev == "start":
                self.depth += 1
                continue
            self.depth -= 1
            if self.depth <= 1:
                self.pending.append(el)

    def expect(self, tag):
        el = self.stanza()
        assert el.tag == tag, (el.tag, ET.tostring(el))
        return el

    def until_closed(self, limit=100000):
        """Reads stanzas until the stream ends; returns the error condition
        (None for a plain close)."""
        for _ in range(limit):
            try:
                self.stanza()
            except StreamClosed as e:
                return e.condition
        raise AssertionError("stream did not end")

    # -- writing ----------------------------------------------------------
    def send(self, data):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    # -- negotiation ------------------------------------------------------
    def mechanisms(self):
        m = self.features.find("{%s}mechanisms" % SASL_NS)
        return [e.text for e in m] if m is not None else []

    def cb_types(self):
        cb = self.features.find("{%s}sasl-channel-binding" % CB_NS)
        return [e.get("type") for e in cb] if cb is not None else []

    def starttls(self):
        self.send("<starttls xmlns='%s'/>" % TLS_NS)
        self.expect("{%s}proceed" % TLS_NS)
        self.sock = self.ctx.wrap_socket(self.sock,
                                         server_hostname=self.domain)
        return self.open()

    def _sasl_result(self):
        el = self.stanza()
        if el.tag != "{%s}success" % SASL_NS:
            raise AssertionError("SASL failed: %s" % ET.tostring(el))
        self.open()
        return el

    def auth_plain(self, user, password):
        tok = base64.b64encode(b"\0" + user.encode() + b"\0" +
                               password.encode()).decode()
        self.send("<auth xmlns='%s' mechanism='PLAIN'>%s</auth>" %
                  (SASL_NS, tok))
        return self._sasl_result()

    def bind(self, resource="raw"):
        self.send("<iq type='set' id='b1'><bind xmlns='%s'><resource>%s"
                  "</resource></bind></iq>" % (BIND_NS, resource))
        el = self.expect("{jabber:client}iq")
        assert el.get("type") == "result", ET.tostring(el)
        return el.find(".//{%s}jid" % BIND_NS).text

    def login(self, user, password, resource="raw"):
        if self.features.find("{%s}starttls" % TLS_NS) is not None:
            self.starttls()
        self.auth_plain(user, password)
        return self.bind(resource)

    def channel_binding(self, cb):
        if cb == "tls-server-end-point":
            # RFC 5929 4.1: the certificate hashed with its signature's
            # hash, SHA-256 for MD5 and SHA-1 (our certificates use SHA-256).
            return hashlib.sha256(self.sock.getpeercert(True)).digest()
        return self.sock.get_channel_binding(cb)

    def auth_scram(self, user, password, hash_name="SHA-256", cb=None):
        """SCRAM-<hash>[-PLUS] (RFC 5802/7677); cb names the channel
        binding type for -PLUS. Returns the server's success element."""
        h = getattr(hashlib, hash_name.replace("-", "").lower())
        mech = "SCRAM-" + hash_name + ("-PLUS" if cb else "")
        gs2 = ("p=%s,," % cb) if cb else "n,,"
        nonce = base64.b64encode(os.urandom(18)).decode()
        bare = "n=%s,r=%s" % (user, nonce)
        self.send("<auth xmlns='%s' mechanism='%s'>%s</auth>" % (
            SASL_NS, mech, base64.b64encode((gs2 + bare).encode()).decode()))
        el = self.expect("{%s}challenge" % SASL_NS)
        first = base64.b64decode(el.text).decode()
        attrs = dict(kv.split("=", 1) for kv in first.split(","))
        assert attrs["r"].startswith(nonce), first
        salted = hashlib.pbkdf2_hmac(h().name, password.encode(),
                                     base64.b64decode(attrs["s"]),
                                     int(attrs["i"]))
        cbind = gs2.encode() + (self.channel_binding(cb) if cb else b"")
        final = "c=%s,r=%s" % (base64.b64encode(cbind).decode(), attrs["r"])
        auth_msg = ",".join([bare, first, final]).encode()
        ckey = hmac.new(salted, b"Client Key", h).digest()
        sig = hmac.new(h(ckey).digest(), auth_msg, h).digest()
        proof = bytes(a ^ b for a, b in zip(ckey, sig))
        self.send("<response xmlns='%s'>%s</response>" % (SASL_NS,
                  base64.b64encode((final + ",p=" + base64.b64encode(
                      proof).decode()).encode()).decode()))
        skey = hmac.new(salted, b"Server Key", h).digest()
        want = b"v=" + base64.b64encode(hmac.new(skey, auth_msg, h).digest())
        el = self.stanza()
        if el.tag != "{%s}success" % SASL_NS:
            raise AssertionError("SASL failed: %s" % ET.tostring(el))
        assert base64.b64decode(el.text or "") == want, "server signature"
        self.open()
        return el
