"""SASL EXTERNAL on the TLS listener: the fingerprint comes from the client
certificate of this TLS session only (registered with `reed account cert
add`); no certificate or an unregistered one gets 904."""
import hashlib
import os
import ssl
import subprocess
import sys

from rawirc import RawClient
from reedtest import ReedServer, reed_bin


def make_cert(d, name):
    key, crt = os.path.join(d, name + ".key"), os.path.join(d, name + ".crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", key, "-out", crt, "-days", "1",
                    "-subj", "/CN=" + name], check=True, capture_output=True,
                   timeout=60)
    der = ssl.PEM_cert_to_DER_cert(open(crt).read())
    return crt, key, hashlib.sha256(der).hexdigest()


def cli(conf, *args, password=None):
    r = subprocess.run([reed_bin(), "account", args[0], "--config", conf] +
                       list(args[1:]), input=password, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r


class CertClient(RawClient):
    def __init__(self, port, crt=None, key=None):
        import socket
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if crt:
            ctx.load_cert_chain(crt, key)
        self.sock = ctx.wrap_socket(sock)
        self.buf = b""
        self.lines = []
        self.closed = False
        self.timeout = 10.0


def external(c):
    c.send("CAP LS 302", "NICK certuser", "USER c 0 * :C", "CAP REQ :sasl")
    c.expect(" ACK ")
    c.send("AUTHENTICATE EXTERNAL")
    c.expect("AUTHENTICATE +")
    c.send("AUTHENTICATE +")
    return c.wait(lambda l: " 903 " in l or " 904 " in l)


def main():
    srv = ReedServer()
    conf = srv.write_config()
    d = srv.dir
    crt, key, fp = make_cert(d, "good")
    crt2, key2, _ = make_cert(d, "other")
    cli(conf, "add", "certuser", password="pw\n")
    cli(conf, "cert", "add", "certuser", fp)
    with srv:
        port = srv.port("irc", "ssl")
        line = external(CertClient(port, crt, key))
        assert " 903 " in line, line
        line = external(CertClient(port))
        assert " 904 " in line, line
        line = external(CertClient(port, crt2, key2))
        assert " 904 " in line, line
    print("ok")


if __name__ == "__main__":
    sys.exit(main())
