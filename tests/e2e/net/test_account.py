"""`reed account ...`: add, list, passwd, cert add/del, del, with the
password on stdin, with and without a server running on the same store.
A running server sees an account added meanwhile at the next login: IRC
SASL PLAIN with its password, and SASL EXTERNAL over TLS with a client
certificate registered by `reed account cert add`."""
import base64
import hashlib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

from reedtest import ReedServer, built_modules, reed_bin

FP = "AB:" * 31 + "CD"


def account(conf, *args, password=None):
    argv = [reed_bin(), "account"] + list(args[:1]) + ["--config", conf] + \
        list(args[1:])
    return subprocess.run(argv, input=password, capture_output=True,
                          text=True, timeout=60)


def write_conf(d):
    conf = os.path.join(d, "reed.ini")
    with open(conf, "w") as f:
        f.write("[server]\nname = localhost\ndata_dir = %s\n"
                "password_hash = min\npassword_min = 1\n" %
                os.path.join(d, "data"))
    return conf


def round_trip(conf):
    r = account(conf, "add", "alice", password="s3cret\n")
    assert r.returncode == 0, r
    r = account(conf, "add", "bob", password="pw")
    assert r.returncode == 0, r
    r = account(conf, "list")
    assert r.returncode == 0 and r.stdout.split() == ["alice", "bob"], r
    r = account(conf, "add", "ALICE", password="other\n")
    assert r.returncode != 0 and "exists" in r.stderr, r
    r = account(conf, "add", "9bad", password="pw\n")
    assert r.returncode != 0, r
    r = account(conf, "passwd", "alice", password="n3w\n")
    assert r.returncode == 0, r
    r = account(conf, "passwd", "alice", password="")
    assert r.returncode != 0 and "no password" in r.stderr, r
    r = account(conf, "passwd", "alice", password="x" * 1100 + "\n")
    assert r.returncode != 0 and "too long" in r.stderr, r
    r = account(conf, "passwd", "alice", password="y" * 1024 + "\n")
    assert r.returncode == 0, r
    r = account(conf, "passwd", "alice", password="n3w\n")
    assert r.returncode == 0, r
    r = account(conf, "passwd", "nobody", password="n3w\n")
    assert r.returncode != 0, r
    r = account(conf, "cert", "add", "alice", FP)
    assert r.returncode == 0, r
    r = account(conf, "cert", "add", "bob", FP)
    assert r.returncode != 0, r  # one account per fingerprint
    r = account(conf, "cert", "add", "alice", "not-a-fingerprint")
    assert r.returncode != 0, r
    r = account(conf, "cert", "del", "alice", FP.lower())
    assert r.returncode == 0, r
    r = account(conf, "cert", "del", "alice", FP)
    assert r.returncode != 0, r
    r = account(conf, "del", "alice")
    assert r.returncode == 0, r
    r = account(conf, "del", "alice")
    assert r.returncode != 0, r
    r = account(conf, "list")
    assert r.stdout.split() == ["bob"], r
    r = account(conf, "del", "bob")
    assert r.returncode == 0, r


def irc_sasl(sock, mech, payload):
    """Registers with SASL; returns the first of 903/904 seen."""
    sock.sendall(b"CAP LS 302\r\nNICK sasltest\r\nUSER s 0 * :s\r\n"
                 b"CAP REQ :sasl\r\nAUTHENTICATE " + mech + b"\r\n")
    buf, deadline = b"", time.time() + 20
    while time.time() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        buf += chunk
        if b"AUTHENTICATE +" in buf:
            buf = buf.replace(b"AUTHENTICATE +", b"")
            sock.sendall(b"AUTHENTICATE " + payload + b"\r\n")
        for code in (b" 903 ", b" 904 "):
            if code in buf:
                return code.strip().decode()
    raise AssertionError("no SASL result: %r" % buf)


def client_cert(d):
    cert, key = os.path.join(d, "client.crt"), os.path.join(d, "client.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                    "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-subj", "/CN=carol", "-days", "2", "-keyout", key,
                    "-out", cert], check=True, capture_output=True)
    der = subprocess.run(["openssl", "x509", "-in", cert, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return cert, key, hashlib.sha256(der).hexdigest()


def login_while_running(srv, conf, d):
    """Accounts added by the CLI work at once on the running server."""
    plain = base64.b64encode(b"\0carol\0pa55word")
    s = socket.create_connection(("127.0.0.1", srv.port("irc", "tcp")),
                                 timeout=10)
    assert irc_sasl(s, b"PLAIN", plain) == "904"  # not there yet
    s.close()
    r = account(conf, "add", "carol", password="pa55word\n")
    assert r.returncode == 0, r
    s = socket.create_connection(("127.0.0.1", srv.port("irc", "tcp")),
                                 timeout=10)
    assert irc_sasl(s, b"PLAIN", plain) == "903"
    s.close()
    cert, key, fp = client_cert(d)
    r = account(conf, "cert", "add", "carol", fp)
    assert r.returncode == 0, r
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.load_cert_chain(cert, key)
    raw = socket.create_connection(("127.0.0.1", srv.port("irc", "ssl")),
                                   timeout=10)
    t = ctx.wrap_socket(raw)
    assert irc_sasl(t, b"EXTERNAL", b"+") == "903"
    t.close()
    print("SASL PLAIN and EXTERNAL logins after CLI changes: ok")
    r = account(conf, "del", "carol")
    assert r.returncode == 0, r


def main():
    d = tempfile.mkdtemp(prefix="reed-e2e-acct-",
                         dir=os.environ.get("REED_TMP"))
    conf = write_conf(d)
    round_trip(conf)
    # Usage errors exit 2.
    r = subprocess.run([reed_bin(), "account", "frobnicate"],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 2, r
    # The same with a server running on the same data dir.
    with ReedServer(data_dir=os.path.join(d, "srv")) as srv:
        srv_conf = srv.write_config()
        round_trip(srv_conf)
        if "irc" in built_modules():
            login_while_running(srv, srv_conf, d)
        assert srv.proc.poll() is None
    shutil.rmtree(d, ignore_errors=True)
    print("ok")


if __name__ == "__main__":
    main()
