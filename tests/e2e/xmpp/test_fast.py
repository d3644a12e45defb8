"""SASL2, Bind2 and FAST against the real binary, with a small client of
our own over direct TLS (slixmpp here has none of them): an account made
with `reed account add` logs in with SASL2 PLAIN, binds inline and asks
for a FAST token; a second connection logs in with the token
(HT-SHA-256-NONE) and checks the server's proof; the token still works
after a restart (it is in the store); a wrong token fails; `reed account
passwd` ends it."""
import base64
import hashlib
import hmac
import re
import socket
import ssl
import subprocess
import sys

from reedtest import ReedServer, reed_bin

LISTENERS = {"xmpp": ["ssl:0:interface=127.0.0.1"]}
UA = "d4565fa7-4d72-4749-b3d3-740edbf87770"
HDR = (b"<?xml version='1.0'?><stream:stream to='localhost' version='1.0' "
       b"xmlns='jabber:client' "
       b"xmlns:stream='http://etherx.jabber.org/streams'>")


def account(conf, cmd, name, password):
    r = subprocess.run([reed_bin(), "account", cmd, "--config", conf, name],
                       input=password + "\n", capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r


def read_until(s, marker):
    got = b""
    while marker not in got:
        chunk = s.recv(65536)
        assert chunk, got
        got += chunk
    return got.decode()


def connect(port):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), 10))
    s.settimeout(10)
    s.sendall(HDR)
    feats = read_until(s, b"</stream:features>")
    assert "<authentication xmlns=\"urn:xmpp:sasl:2\">" in feats or \
        "<authentication xmlns='urn:xmpp:sasl:2'>" in feats, feats
    assert "HT-SHA-256-NONE" in feats, feats
    return s


def authenticate(s, mech, ir, extra):
    s.sendall(("<authenticate xmlns='urn:xmpp:sasl:2' mechanism='%s'>"
               "<initial-response>%s</initial-response>"
               "<user-agent id='%s'><software>e2e</software></user-agent>"
               "%s</authenticate>" % (mech, base64.b64encode(ir).decode(), UA,
                                      extra)).encode())
    got = read_until(s, b">")
    while "</success>" not in got and "</failure>" not in got:
        got += read_until(s, b">")
    return got


def plain_login(port):
    s = connect(port)
    got = authenticate(
        s, "PLAIN", b"\0alice\0pw-one",
        "<bind xmlns='urn:xmpp:bind:0'><tag>e2e</tag></bind>"
        "<request-token xmlns='urn:xmpp:fast:0' mechanism='HT-SHA-256-NONE'/>")
    assert re.search(r"<authorization-identifier>alice@localhost/e2e\.[0-9a-f]"
                     r"{8}</authorization-identifier><bound ", got), got
    token = re.search(r"token=['\"]([^'\"]+)['\"]", got).group(1)
    s.close()
    return token


def token_login(port, token):
    s = connect(port)
    key = token.encode()
    proof = hmac.new(key, b"Initiator", hashlib.sha256).digest()
    got = authenticate(s, "HT-SHA-256-NONE", b"alice\0" + proof,
                       "<fast xmlns='urn:xmpp:fast:0'/>")
    s.close()
    if "</failure>" in got:
        return False
    want = base64.b64encode(
        hmac.new(key, b"Responder", hashlib.sha256).digest()).decode()
    assert "<additional-data>%s</additional-data>" % want in got, got
    return True


def main():
    srv = ReedServer(listeners=LISTENERS)
    conf = srv.write_config()
    account(conf, "add", "alice", "pw-one")
    with srv:
        port = srv.port("xmpp", "ssl")
        token = plain_login(port)
        assert token_login(port, token)
        assert not token_login(port, "wrong" + token)
        srv.stop()  # a restart on the same data dir: the token is stored
        srv.start()
        assert token_login(srv.port("xmpp", "ssl"), token)
        srv.stop()
        account(conf, "passwd", "alice", "pw-two")
        srv.start()
        assert not token_login(srv.port("xmpp", "ssl"), token)
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
